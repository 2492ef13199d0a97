# timeoutlint: skip-file -- test data: Redis URLs and passwords written on purpose
"""What TL401-TL404 report for URLs read as redis-py reads them, placeholders, and the
TL402 fix that must not leave a new finding behind."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import lint_files
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.findings import Applicability, Finding
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

REQUIREPASS = """\
services:
  redis:
    image: redis:7-alpine
    command: redis-server --requirepass ${REDIS_PASSWORD}
"""
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _compose_url(value: str) -> str:
    return REQUIREPASS + f"  web:\n    image: app\n    environment:\n      REDIS_URL: {value}\n"


def _summary(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.rule_id, f.span.start.line, f.span.start.column, f.message) for f in findings]


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("redis://:Sup3r'Secret@redis:6379/0", 27),
        ("redis://:Sp ace@redis:6379/0", 27),
        ("redis://:Back`tick@redis:6379/0", 27),
    ],
)
def test_a_quote_space_or_backtick_in_a_compose_password_is_part_of_it(
    tmp_path: Path, value: str, column: int
) -> None:
    findings = lint_files(tmp_path, {"docker-compose.yml": _compose_url(value)}, select="TL4")

    assert _summary(findings) == [
        (
            "TL403",
            8,
            column,
            "The password in `redis://:****@redis:6379/0` is a literal Redis password;"
            " read it from the environment or a secret instead",
        )
    ]
    assert findings[0].fix is None


def test_a_url_in_a_command_still_ends_at_whitespace(tmp_path: Path) -> None:
    compose = REQUIREPASS + (
        "  worker:\n    image: app\n    command: celery -b redis://redis:6379/0 worker\n"
    )

    [finding] = lint_files(tmp_path, {"docker-compose.yml": compose}, select="TL401")

    assert finding.message.startswith("`redis://redis:6379/0` has no password")


def test_tl402_fixes_a_variable_safely(tmp_path: Path) -> None:
    [finding] = lint_files(
        tmp_path, {".env": "URL=redis://${REDIS_PASSWORD}@redis:6379/0\n"}, select="TL402"
    )

    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.SAFE


def test_tl402_fix_of_a_literal_in_dotenv_is_unsafe(tmp_path: Path) -> None:
    [finding] = lint_files(tmp_path, {".env": "URL=redis://alice@redis:6379/0\n"}, select="TL402")

    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("docker-compose.yml", _compose_url("redis://alice@redis:6379/0")),
        ("settings.py", 'URL = "redis://alice@redis:6379/0"\n'),
    ],
)
def test_tl402_offers_no_fix_where_the_colon_would_make_a_tl403_finding(
    tmp_path: Path, name: str, text: str
) -> None:
    [finding] = lint_files(tmp_path, {name: text}, select="TL4")

    assert (finding.rule_id, finding.fix) == ("TL402", None)


def test_a_message_never_shows_an_interpolation_default(tmp_path: Path) -> None:
    compose = REQUIREPASS + (
        "  web:\n    image: app\n    environment:\n"
        "      REDIS_URL: redis://${REDIS_PASSWORD:-Def4ult-Pw}@redis:6379/0\n"
    )

    [finding] = lint_files(tmp_path, {"docker-compose.yml": compose}, select="TL4")

    assert finding.rule_id == "TL402"
    assert "`redis://${REDIS_PASSWORD:-****}@redis:6379/0`" in finding.message


def test_a_tl404_message_masks_the_environment_default(tmp_path: Path) -> None:
    code = (
        "import os\n"
        "URL = f\"redis://:{os.getenv('REDIS_PASSWORD', 'Pr0dS3cretDefault')}@redis:6379/0\"\n"
    )

    [finding] = lint_files(tmp_path, {"settings.py": code}, select="TL404")

    assert finding.message.startswith("`os.getenv('REDIS_PASSWORD', '****')` is put into")


def test_a_concatenated_password_makes_no_tl401_fix_that_corrupts_the_url(tmp_path: Path) -> None:
    code = 'import redis\nc = redis.from_url("redis://:" + PW + "@redis:6379/0")\n'

    findings = lint_files(
        tmp_path, {"docker-compose.yml": REQUIREPASS, "app.py": code}, select="TL401"
    )

    assert findings == []


# After `fix --unsafe-fixes`, no new TL4xx finding ---------------------------------------

URL_PROJECT = {
    "docker-compose.yml": REQUIREPASS
    + "  web:\n    image: app\n    environment:\n"
    + "      A: redis://alice@redis:6379/0\n"
    + "      B: redis://${REDIS_PASSWORD}@redis:6379/0\n"
    + "      C: redis://redis:6379/0\n"
    + "      D: redis://changeme@redis:6379/0\n",
    ".env": "REDIS_PASSWORD=x\nE=redis://alice@redis:6379/0\nF=redis://:a/b#c@redis:6379/0\n",
    "settings.py": 'A = "redis://alice@redis:6379/0"\nB = f"redis://{password}@redis"\n',
}


def _tl4_counts(root: Path, unsafe_fix: bool) -> Counter[tuple[str, str]]:
    rules = builtin_rules()
    config = parse_table({"select": ["TL4"]}, root.resolve(), None)
    sources = Discovery(config).files([root])
    engine = Engine(
        config, rules, selected_rules(config, rules), build_project_context(sources, config)
    )
    if unsafe_fix:
        for source in sources:
            outcome = fix_file(engine, source, source.path.read_bytes(), unsafe=True)
            assert outcome.error is None
            if outcome.fixed != outcome.original:
                source.path.write_bytes(outcome.fixed)
        sources = Discovery(config).files([root])
        engine = Engine(
            config, rules, selected_rules(config, rules), build_project_context(sources, config)
        )
    return Counter(
        (finding.rule_id, source.relative)
        for source in sources
        for finding in engine.check_file(source).findings
    )


def _projects() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


def _new_findings(root: Path) -> list[tuple[str, str]]:
    before = _tl4_counts(root, unsafe_fix=False)
    after = _tl4_counts(root, unsafe_fix=True)
    return sorted(key for key, count in after.items() if count > before.get(key, 0))


def test_unsafe_fixes_of_the_url_rules_leave_no_new_url_finding(tmp_path: Path) -> None:
    for name, text in URL_PROJECT.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    assert _new_findings(tmp_path) == []
    fixed_env = (tmp_path / ".env").read_text()
    assert "E=redis://:alice@redis:6379/0" in fixed_env
    assert "F=redis://:a%2Fb%23c@redis:6379/0" in fixed_env


@pytest.mark.parametrize("project", _projects())
def test_unsafe_fixes_leave_no_new_url_finding_in_a_fixture(tmp_path: Path, project: str) -> None:
    root = tmp_path / project
    shutil.copytree(FIXTURES / project, root)

    assert _new_findings(root) == []
