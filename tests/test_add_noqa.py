"""`timeoutlint check --add-noqa`: suppress current findings with comments, never breaking a file."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import yaml

from timeoutlint.add_noqa import add_noqa, merged_comment
from timeoutlint.findings import Finding, Span


def _at(line: int, rule_id: str = "TL101", column: int = 5) -> Finding:
    return Finding(rule_id, "m", "f", Span.of(line, column, line, column + 3))


def _python(code: str, *findings: Finding) -> str:
    result = add_noqa("python", code.encode(), list(findings))
    text = result.data.decode()
    assert ast.dump(ast.parse(text)) == ast.dump(ast.parse(code))
    return text


def test_a_comment_is_added_at_the_end_of_the_line() -> None:
    assert _python("x = f(a)\ny = 2\n", _at(1)) == "x = f(a)  # noqa: TL101\ny = 2\n"


def test_trailing_whitespace_is_replaced_by_the_comment() -> None:
    assert _python("x = f(a)   \n", _at(1)) == "x = f(a)  # noqa: TL101\n"


def test_existing_noqa_codes_are_kept_and_merged() -> None:
    assert _python("x = f(a)  # noqa: E501\n", _at(1)) == "x = f(a)  # noqa: E501, TL101\n"


def test_a_code_already_listed_is_not_repeated() -> None:
    assert merged_comment("# noqa: TL101", ["TL101"]) == "# noqa: TL101"


def test_a_bare_noqa_is_left_alone() -> None:
    assert merged_comment("# noqa", ["TL101"]) == "# noqa"


def test_an_ordinary_comment_is_kept_and_the_directive_follows_it() -> None:
    assert _python("x = f(a)  # why\n", _at(1)) == "x = f(a)  # why  # noqa: TL101\n"


def test_several_findings_on_one_line_share_one_comment() -> None:
    code = "x = f(a) or g(b)\n"
    assert _python(code, _at(1), _at(1, "TL102", 13)) == "x = f(a) or g(b)  # noqa: TL101, TL102\n"


def test_a_hash_inside_a_string_is_not_taken_for_a_comment() -> None:
    assert _python("x = f('#1')\n", _at(1)) == "x = f('#1')  # noqa: TL101\n"


def test_a_line_ending_inside_a_multi_line_string_uses_the_statement_start() -> None:
    code = 'r = post(url, data="""\nline\n""", json=f(a))\n'
    finding = _at(3)
    assert _python(code, finding).splitlines()[2] == '""", json=f(a))  # noqa: TL101'
    code = 'x = [\n    """doc\n    """, f(a)]\n'
    text = _python(code, _at(2))
    assert text.splitlines()[0] == "x = [  # noqa: TL101"


def test_a_line_ending_in_a_backslash_never_gets_a_comment() -> None:
    code = "x = f(a) + \\\n    g(b)\n"
    result = add_noqa("python", code.encode(), [_at(1)])
    assert result.data == code.encode()
    assert result.added == 0 and len(result.skipped) == 1


def test_the_last_line_of_a_backslash_continued_statement_takes_a_comment() -> None:
    assert _python("x = 1 + \\\n    f(a)\n", _at(2)) == "x = 1 + \\\n    f(a)  # noqa: TL101\n"


def test_a_statement_that_starts_inside_a_string_line_is_skipped() -> None:
    code = 'r = post(url, data="""\npayload\n""")\n'
    result = add_noqa("python", code.encode(), [_at(1)])
    assert result.data == code.encode()
    assert result.added == 0
    assert len(result.skipped) == 1


def test_crlf_line_endings_and_the_encoding_are_kept() -> None:
    code = "# -*- coding: latin-1 -*-\r\nx = f('café')\r\n".encode("latin-1")
    result = add_noqa("python", code, [_at(2)])
    assert result.data == "# -*- coding: latin-1 -*-\r\nx = f('café')  # noqa: TL101\r\n".encode(
        "latin-1"
    )


def test_a_file_without_a_final_newline() -> None:
    assert _python("x = f(a)", _at(1)) == "x = f(a)  # noqa: TL101"


def test_a_file_that_does_not_parse_is_left_alone() -> None:
    result = add_noqa("python", b"x = f(\n", [_at(1)])
    assert result.data == b"x = f(\n"
    assert result.added == 0


def test_bad_input_findings_are_never_commented() -> None:
    result = add_noqa("python", b"x = f(a)\n", [_at(1, "TL001")])
    assert result.data == b"x = f(a)\n"
    assert [f.rule_id for f in result.skipped] == ["TL001"]


def test_yaml_lines_get_a_comment_and_the_data_stays_the_same() -> None:
    code = "services:\n  web:\n    environment:\n      - REDIS_URL=redis://cache:6379/0\n"
    result = add_noqa("compose", code.encode(), [_at(4, "TL301")])
    text = result.data.decode()
    assert text.splitlines()[3] == "      - REDIS_URL=redis://cache:6379/0 # noqa: TL301"
    assert yaml.safe_load(text) == yaml.safe_load(code)


def test_a_yaml_line_inside_a_block_scalar_is_skipped() -> None:
    code = "services:\n  web:\n    command: |\n      run --url redis://cache:6379\n"
    result = add_noqa("compose", code.encode(), [_at(4, "TL301")])
    assert result.data == code.encode()
    assert len(result.skipped) == 1


def test_dotenv_lines_get_a_comment() -> None:
    result = add_noqa("dotenv", b"A=1\nREDIS_URL=redis://cache:6379\n", [_at(2, "TL301")])
    assert result.data == b"A=1\nREDIS_URL=redis://cache:6379 # noqa: TL301\n"


def test_a_dotenv_line_that_opens_a_multi_line_value_is_skipped() -> None:
    data = b'KEY="first\nsecond"\n'
    result = add_noqa("dotenv", data, [_at(1, "TL301")])
    assert result.data == data


BAD = """\
import requests

requests.get("https://a.example.com")  # noqa: E501
payload = requests.post(
    "https://b.example.com",
    data=\"\"\"
    text\"\"\",
)
"""


def test_cli_suppresses_every_finding_and_is_idempotent(tmp_path: Path, run_cli) -> None:
    app = tmp_path / "app.py"
    app.write_text(BAD, encoding="utf-8")
    first = run_cli("check", "--select", "TL101", "--add-noqa", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Added 2 noqa directives to 1 file." in first.stdout
    text = app.read_text(encoding="utf-8")
    assert 'requests.get("https://a.example.com")  # noqa: E501, TL101\n' in text
    assert "payload = requests.post(  # noqa: TL101\n" in text
    assert run_cli("check", "--select", "TL101", cwd=tmp_path).returncode == 0
    second = run_cli("check", "--select", "TL101", "--add-noqa", cwd=tmp_path)
    assert "Added 0 noqa directives to 0 files." in second.stdout
    assert app.read_text(encoding="utf-8") == text


def test_cli_lists_findings_it_could_not_suppress_and_exits_1(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(
        'import requests\nr = requests.post(url, data="""\nx\n""")\n', encoding="utf-8"
    )
    result = run_cli("check", "--select", "TL101", "--add-noqa", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("app.py:2:5: TL101 ")
    assert "1 findings cannot be suppressed with a comment" in result.stdout


def test_cli_refuses_stdin(run_cli) -> None:
    result = run_cli("check", "--add-noqa", "-", stdin="import requests\n")
    assert result.returncode == 2
    assert "--add-noqa" in result.stderr


def test_cli_on_a_python_compose_and_dotenv_project_suppresses_everything(
    tmp_path: Path, run_cli
) -> None:
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "seed001-compose-password"
    project = tmp_path / "project"
    shutil.copytree(fixture, project, ignore=shutil.ignore_patterns("expected", "fixture.toml"))
    before = {p: p.read_text(encoding="utf-8") for p in project.rglob("*") if p.is_file()}
    assert run_cli("check", ".", "--select", "TL2,TL4", cwd=project).returncode == 1
    first = run_cli("check", ".", "--select", "TL2,TL4", "--add-noqa", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert run_cli("check", ".", "--select", "TL2,TL4", cwd=project).returncode == 0
    kinds = set()
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        if new == old:
            continue
        kinds.add(path.suffix or path.name)
        for old_line, new_line in zip(old.splitlines(), new.splitlines(), strict=True):
            if old_line != new_line:
                assert new_line.startswith(old_line.rstrip())
                assert "# noqa: TL" in new_line[len(old_line.rstrip()) :]
    assert {".py", ".yml", ".env"} <= kinds
    compose = next(p for p in before if p.name == "docker-compose.dev.yml")
    assert yaml.safe_load(compose.read_text(encoding="utf-8")) == yaml.safe_load(before[compose])
    second = run_cli("check", ".", "--select", "TL2,TL4", "--add-noqa", cwd=project)
    assert "Added 0 noqa directives to 0 files." in second.stdout


ONE_CALL = "import requests\nrequests.get(URL)\n"
ONE_CALL_SUPPRESSED = "import requests\nrequests.get(URL)  # noqa: TL101\n"


def test_cli_reports_a_read_only_file_and_still_suppresses_in_the_others(
    tmp_path: Path, run_cli
) -> None:
    (tmp_path / "generated.py").write_text(ONE_CALL, encoding="utf-8")
    (tmp_path / "generated.py").chmod(0o444)
    (tmp_path / "app.py").write_text(ONE_CALL, encoding="utf-8")

    result = run_cli("check", ".", "--select", "TL101", "--add-noqa", cwd=tmp_path)

    assert result.stderr == (
        "timeoutlint: error: generated.py: not written: permission denied (the file is read-only)\n"
    )
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == ONE_CALL_SUPPRESSED
    assert (tmp_path / "generated.py").read_text(encoding="utf-8") == ONE_CALL
    assert result.stdout == (
        "generated.py:2:1: TL101 [*] `requests.get()` has no timeout and can wait forever\n"
        "Added 1 noqa directive to 1 file.\n"
    )
    assert result.returncode == 2


def test_cli_does_not_write_through_a_link_out_of_the_project(tmp_path: Path, run_cli) -> None:
    outside = tmp_path / "elsewhere" / "shared.py"
    outside.parent.mkdir()
    outside.write_text(ONE_CALL, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    (project / "helper.py").symlink_to(outside)

    result = run_cli("check", ".", "--select", "TL101", "--add-noqa", cwd=project)

    assert outside.read_text(encoding="utf-8") == ONE_CALL
    assert result.stderr == (
        f"timeoutlint: error: helper.py: not written: it is a symbolic link to {outside},"
        f" which is outside the project ({project})\n"
    )
    assert result.returncode == 2


_AS_NOBODY = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")


_NOQA_ARGS = ("--select", "TL101", "--add-noqa", "--no-cache")


def _as_nobody_possible() -> bool:
    import os
    import subprocess
    import sys
    import tempfile

    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        [*_AS_NOBODY, sys.executable, "-c", "import timeoutlint.cli"],
        capture_output=True,
        cwd=tempfile.gettempdir(),
        timeout=60,
    )
    return probe.returncode == 0


def test_cli_reports_a_file_in_an_unwritable_directory_and_goes_on() -> None:
    import os
    import subprocess
    import sys
    import tempfile

    import pytest

    if not _as_nobody_possible():
        pytest.skip("needs root, setpriv and a user nobody who can import timeoutlint")
    root = Path(tempfile.mkdtemp(prefix="timeoutlint-noqa-"))
    try:
        (root / "locked").mkdir()
        (root / "locked" / "inner.py").write_text(ONE_CALL, encoding="utf-8")
        (root / "app.py").write_text(ONE_CALL, encoding="utf-8")
        for path in (root, root / "locked", root / "locked" / "inner.py", root / "app.py"):
            os.chown(path, 65534, 65534)
        (root / "locked").chmod(0o555)

        result = subprocess.run(
            [*_AS_NOBODY, sys.executable, "-m", "timeoutlint", "check", ".", *_NOQA_ARGS],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
        )

        assert result.stderr == (
            "timeoutlint: error: locked/inner.py: not written: permission denied\n"
        )
        assert (root / "app.py").read_text(encoding="utf-8") == ONE_CALL_SUPPRESSED
        assert (root / "locked" / "inner.py").read_text(encoding="utf-8") == ONE_CALL
        assert result.returncode == 2
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)
