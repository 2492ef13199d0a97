# timeoutlint: skip-file -- test data: Redis URLs and passwords written on purpose
"""TL401-TL404 (and TL002/TL004) through the real engine, fixer and command line."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
import yaml

from tests.helpers import lint_files
from timeoutlint.catalog import builtin_rules
from timeoutlint.cli import OUTPUT_FORMATS
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.findings import Finding
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

REQUIREPASS = """\
services:
  redis:
    image: redis:7-alpine
    command: redis-server --requirepass ${REDIS_PASSWORD}
"""
SECRET = "Sup3r-s3cret-value"


def _d(text: str) -> str:
    return textwrap.dedent(text)


def _where(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [
        (f.rule_id, Path(f.path).name, f.span.start.line, f.span.start.column) for f in findings
    ]


def _fix(
    tmp_path: Path, files: dict[str, str], name: str, select: str = "TL4", unsafe: bool = False
) -> str:
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    rules = builtin_rules()
    config = parse_table({"select": [select]}, tmp_path.resolve(), None)
    sources = Discovery(config).files([tmp_path])
    engine = Engine(
        config, rules, selected_rules(config, rules), build_project_context(sources, config)
    )
    [source] = [s for s in sources if s.relative == name]
    outcome = fix_file(engine, source, source.path.read_bytes(), unsafe)
    assert outcome.error is None
    return outcome.fixed.decode("utf-8")


# TL401 --------------------------------------------------------------------------------


def test_the_compose_fix_interpolates_the_variable_and_changes_nothing_else(tmp_path: Path) -> None:
    compose = (
        REQUIREPASS
        + "  worker:   # the subscriber\n"
        + "    image: app\n"
        + "    environment:\n"
        + "      REDIS_URL: 'redis://redis:6379/0'   # keep this comment\n"
        + '      OTHER: &other "x"\n'
        + "  other:\n"
        + "    image: app\n"
        + "    environment: {OTHER: *other}\n"
    ).replace("\n", "\r\n")
    fixed = _fix(tmp_path, {"docker-compose.yml": compose}, "docker-compose.yml")
    assert fixed == compose.replace(
        "'redis://redis:6379/0'", "'redis://:${REDIS_PASSWORD}@redis:6379/0'"
    )
    before = yaml.safe_load(compose)
    after = yaml.safe_load(fixed)
    before["services"]["worker"]["environment"]["REDIS_URL"] = (
        "redis://:${REDIS_PASSWORD}@redis:6379/0"
    )
    assert after == before


def test_values_built_from_anchors_are_reported_without_a_fix(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": "x-env: &env\n  REDIS_URL: redis://redis:6379/0\n"
            + REQUIREPASS
            + "  web:\n    image: app\n    environment: *env\n",
        },
        select="TL401",
    )
    assert _where(findings) == [("TL401", "docker-compose.yml", 2, 14)]
    assert findings[0].fix is None


def test_block_scalars_and_plain_flow_scalars_are_reported_without_a_fix(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": REQUIREPASS
            + _d("""
              web:
                image: app
                command: |
                  celery worker --broker redis://redis:6379/0
                entrypoint: [celery, --broker, redis://redis:6379/1]
        """),
        },
        select="TL401",
    )
    assert [f.span.start.line for f in findings] == [8, 10]
    assert all(f.fix is None for f in findings)


def test_a_dotenv_fix_needs_the_variable_set_earlier_in_the_file(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": REQUIREPASS,
            ".env": "EARLY=redis://redis:6379/0\nREDIS_PASSWORD=x\nLATE=redis://redis:6379/1\nQUOTED='redis://redis:6379/2'\n",
        },
        select="TL401",
    )
    assert [(f.span.start.line, f.fix is not None) for f in findings] == [
        (1, False),
        (3, True),
        (4, False),
    ]


def test_the_python_fix_uses_the_modules_password_name_and_adds_the_import(tmp_path: Path) -> None:
    settings = '"""Settings."""\nimport os\n\nREDIS_PASSWORD = os.environ["REDIS_PASSWORD"]\nURL = "redis://redis:6379/0"\n'
    fixed = _fix(
        tmp_path, {"docker-compose.yml": REQUIREPASS, "settings.py": settings}, "settings.py"
    )
    assert fixed == (
        '"""Settings."""\nimport os\nfrom urllib.parse import quote\n\n'
        'REDIS_PASSWORD = os.environ["REDIS_PASSWORD"]\n'
        "URL = f\"redis://:{quote(REDIS_PASSWORD, safe='')}@redis:6379/0\"\n"
    )


def test_a_python_fix_that_must_read_the_environment_is_unsafe(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": REQUIREPASS,
            "settings.py": "URL = 'redis://redis:6379/0'\n",
        },
        select="TL401",
    )
    assert findings[0].fix is not None and findings[0].fix.applicability.value == "unsafe"


def test_a_string_with_braces_is_not_turned_into_an_f_string(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": REQUIREPASS,
            "settings.py": "REDIS_PASSWORD = 'x'\nURL = 'redis://redis:6379/0?name={app}'\n",
        },
        select="TL401",
    )
    assert findings[0].fix is None


# TL402, TL403, TL404 ------------------------------------------------------------------


def test_tl402_in_python_is_fixed_by_inserting_the_colon(tmp_path: Path) -> None:
    fixed = _fix(tmp_path, {"app.py": "URL = f'redis://{pw}@cache:6379'\n"}, "app.py", "TL402")
    assert fixed == "URL = f'redis://:{pw}@cache:6379'\n"


def test_tl404_quote_without_safe_and_the_fix_keeps_the_existing_call(tmp_path: Path) -> None:
    code = "from urllib.parse import quote as q\nURL = f'redis://:{q(pw)}@h/0'\nOK = f'redis://:{q(pw, \"\")}@h/0'\n"
    findings = lint_files(tmp_path, {"app.py": code}, select="TL404")
    assert _where(findings) == [("TL404", "app.py", 2, 19)]
    assert _fix(tmp_path, {"app.py": code}, "app.py") == code.replace("{q(pw)}", '{q(pw, safe="")}')


def test_tl404_a_password_quoted_before_the_url_gets_no_fix_that_encodes_it_twice(
    tmp_path: Path,
) -> None:
    code = "from urllib.parse import quote\nPW = quote(pw)\nURL = f'redis://:{PW}@h/0'\n"
    [finding] = lint_files(tmp_path, {"app.py": code}, select="TL404")
    assert finding.fix is None
    assert "`/`" in finding.message and "`#`" not in finding.message


def test_tl404_a_password_from_an_encoder_the_model_cannot_resolve_gets_no_fix(
    tmp_path: Path,
) -> None:
    code = "from base import *\nPW = requests.compat.quote(pw)\nURL = f'redis://:{PW}@h/0'\n"
    [finding] = lint_files(tmp_path, {"app.py": code}, select="TL404")
    assert finding.fix is None


def test_tl404_a_literal_with_a_percent_sign_gets_no_fix(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, {".env": "URL=redis://:50%/off@h:6379/0\n"}, select="TL404")
    assert len(findings) == 1 and findings[0].fix is None


# Secrets, suppressions, bad input, configuration ------------------------------------


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_no_output_format_shows_a_secret(tmp_path: Path, run_cli, output_format: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        _d(f"""
        services:
          redis:
            image: redis
            command: redis-server --requirepass {SECRET}
          web:
            image: app
            environment:
              - A=redis://:{SECRET}@redis:6379/0
              - B=redis://{SECRET}@redis:6379/0
              - C=redis://:{SECRET}/x@redis:6379/0
              - D=redis://redis:6379/0?password={SECRET}
    """),
        encoding="utf-8",
    )
    (tmp_path / "app.py").write_text(
        f"import redis\nr = redis.Redis(password='{SECRET}')\n", encoding="utf-8"
    )
    result = run_cli(
        "check", ".", "--select", "TL4", "--output-format", output_format, cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "TL403" in result.stdout or "hardcoded-redis-password" in result.stdout
    assert SECRET not in result.stdout
    assert SECRET not in result.stderr


def test_invalid_yaml_is_tl002_and_a_yaml_file_that_is_not_compose_is_skipped(
    tmp_path: Path,
) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  redis: [image: redis\n",
            "compose.override.yaml": "redis_notes:\n  - not a compose file\n",
        },
        select="TL401",
    )
    assert [f.rule_id for f in findings] == ["TL002"]
    assert Path(findings[0].path).name == "docker-compose.yml"


def test_a_billion_laughs_compose_file_is_reported_fast(tmp_path: Path, run_cli) -> None:
    lines = ["x0: &x0 [redis, redis, redis, redis, redis, redis, redis, redis, redis, redis]"]
    for index in range(1, 9):
        lines.append(f"x{index}: &x{index} [" + ", ".join([f"*x{index - 1}"] * 10) + "]")
    lines.append("services:\n  redis:\n    image: redis\n    labels: *x8")
    (tmp_path / "docker-compose.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("check", ".", "--select", "TL401", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert "docker-compose.yml:5:1: TL002" in result.stdout
    assert "billion laughs" in result.stdout


def test_compose_files_globs_add_compose_files_by_path(tmp_path: Path) -> None:
    files = {
        "deploy/stack.yml": REQUIREPASS
        + "  web:\n    image: app\n    environment:\n      - A=redis://redis:6379/0\n",
    }
    assert lint_files(tmp_path, files, select="TL401") == []
    findings = lint_files(tmp_path, files, select="TL401", compose_files=["deploy/*.yml"])
    assert _where(findings) == [("TL401", "stack.yml", 8, 11)]


def test_tl404_a_variable_whose_value_breaks_the_url(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  web:\n    image: app\n    environment:\n"
            "      - A=redis://:${REDIS_PASSWORD}@redis:6379/0\n      - B=redis://:${SAFE}@redis:6379/0\n",
            ".env": "REDIS_PASSWORD=k9/Fq#2x\nSAFE=plain\nC=redis://:${REDIS_PASSWORD}@redis:6379/1\n",
        },
        select="TL404",
    )
    assert _where(findings) == [("TL404", ".env", 3, 12), ("TL404", "docker-compose.yml", 5, 20)]
    assert all(f.fix is None and "k9/Fq" not in f.message for f in findings)


def test_tl404_the_literal_fix_has_one_edit_per_character(tmp_path: Path) -> None:
    [finding] = lint_files(
        tmp_path, {".env": f"URL=redis://:{SECRET}/x#y@h:6379/0\n"}, select="TL404"
    )
    assert finding.fix is not None
    assert [op.content for op in finding.fix.operations] == ["%2F", "%23"]  # type: ignore[attr-defined]


def test_a_bom_is_kept_and_positions_ignore_it(tmp_path: Path) -> None:
    compose = (
        REQUIREPASS + "  web:\n    image: app\n    environment:\n      - A=redis://redis:6379/0\n"
    )
    (tmp_path / "docker-compose.yml").write_bytes(b"\xef\xbb\xbf" + compose.encode("utf-8"))
    rules = builtin_rules()
    config = parse_table({"select": ["TL401"]}, tmp_path.resolve(), None)
    [source] = Discovery(config).files([tmp_path])
    engine = Engine(
        config, rules, selected_rules(config, rules), build_project_context([source], config)
    )
    outcome = fix_file(engine, source, source.path.read_bytes(), unsafe=False)
    expected = compose.replace("redis://redis", "redis://:${REDIS_PASSWORD}@redis")
    assert outcome.fixed == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_a_url_in_a_compose_default_ends_before_the_closing_brace(tmp_path: Path) -> None:
    compose = (
        REQUIREPASS
        + "  web:\n    image: app\n    environment:\n      URL: ${URL:-redis://redis:6379/0}\n"
    )
    [finding] = lint_files(tmp_path, {"docker-compose.yml": compose}, select="TL401")
    assert "`redis://redis:6379/0`" in finding.message
    fixed = _fix(tmp_path, {"docker-compose.yml": compose}, "docker-compose.yml")
    assert fixed.endswith("URL: ${URL:-redis://:${REDIS_PASSWORD}@redis:6379/0}\n")


# Scope: compose projects and test paths -----------------------------------------------------

CI_STACK = """\
services:
  redis:
    image: redis:7
  tests:
    image: app
    environment:
      - REDIS_URL=redis://redis:6379/0
"""


def test_credentials_in_test_paths_are_not_reported_by_default(tmp_path: Path) -> None:
    url = f'URL = "redis://:{SECRET}@localhost:6379/0"\n'
    files = {"tests/test_cache.py": url, "app/conftest.py": url, "app/cache.py": url}
    findings = lint_files(tmp_path, files, select="TL4")

    def relative(found: list[Finding]) -> list[str]:
        return [Path(f.path).relative_to(tmp_path).as_posix() for f in found]

    assert [f.rule_id for f in findings] == ["TL403"]
    assert relative(findings) == ["app/cache.py"]
    everywhere = lint_files(tmp_path, files, select="TL4", test_paths_ignore=[])
    assert relative(everywhere) == ["app/cache.py", "app/conftest.py", "tests/test_cache.py"]


def test_show_context_lists_each_compose_project_and_its_evidence(tmp_path: Path, run_cli) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "docker-compose.yml").write_text(REQUIREPASS, encoding="utf-8")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "docker-compose.yml").write_text(CI_STACK, encoding="utf-8")
    result = run_cli("check", ".", "--show-context", "--select", "TL401", cwd=tmp_path)
    lines = [line for line in result.stderr.splitlines() if "compose project" in line]
    assert lines == [
        "timeoutlint: compose project ci/docker-compose.yml (default file):"
        " service 'redis' (port 6379) has no password",
        "timeoutlint: compose project deploy/docker-compose.yml (default file):"
        " service 'redis' (port 6379) requires a password:"
        " --requirepass of service 'redis' (deploy/docker-compose.yml:4)",
    ]
    assert result.stdout == "All checks passed!\n"
