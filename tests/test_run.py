"""`run.py`, the pipeline the language server shares with the CLI: the same text and
settings give the findings `timeoutlint check` reports and the bytes `timeoutlint fix`
writes (on every fixture project)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_projects import (
    copy_fixture_project,
    fixture_args,
    fixture_dirs,
    fixture_settings,
)
from tests.helpers import run_cli_in_process
from timeoutlint.discovery import classify
from timeoutlint.findings import Finding
from timeoutlint.run import (
    CacheOptions,
    FixOptions,
    Session,
    build_session,
    check_paths,
    check_source,
    fix_paths,
    fix_source,
)

PROJECTS = [fixture.name for fixture in fixture_dirs()]


def _copy(name: str, tmp_path: Path) -> tuple[Path, list[str], bool]:
    """The fixture project copied out of the repository (whose config excludes
    `fixtures/`), its command-line arguments and whether it uses unsafe fixes."""
    fixture = next(f for f in fixture_dirs() if f.name == name)
    root = copy_fixture_project(fixture, tmp_path)
    return root, fixture_args(fixture), bool(fixture_settings(fixture).get("unsafe-fixes"))


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process(*args, "--no-cache", cwd=root)


def _session(root: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.chdir(root)
    options = dict(zip(args[::2], args[1::2], strict=True))
    assert set(options) <= {"--select"}, options
    select = (options["--select"],) if "--select" in options else ()
    return build_session((Path("."),), select=select, cache=CacheOptions(enabled=False))


def _checked_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and classify(p.name) is not None)


def _as_json(finding: Finding) -> tuple[Any, ...]:
    start, end = finding.span.start, finding.span.end
    return (
        finding.rule_id,
        finding.message,
        finding.path,
        (start.line, start.column, end.line, end.column),
        finding.fix is not None,
    )


def _reported(item: dict[str, Any]) -> tuple[Any, ...]:
    start, end = item["location"], item["end_location"]
    return (
        item["code"],
        item["message"],
        item["filename"],
        (start["row"], start["column"], end["row"], end["column"]),
        item["fix"] is not None,
    )


@pytest.mark.parametrize("name", PROJECTS)
def test_check_source_gives_the_findings_check_reports(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, args, _ = _copy(name, tmp_path)
    reported = json.loads(_cli(root, "check", "--output-format", "json", *args, ".").stdout)
    session = _session(root, args, monkeypatch)
    found = [
        _as_json(finding)
        for path in _checked_files(root)
        for finding in check_source(session, path.relative_to(root), path.read_bytes())
    ]
    assert sorted(found) == sorted(_reported(item) for item in reported)


@pytest.mark.parametrize("name", PROJECTS)
def test_fix_source_gives_the_bytes_fix_writes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, args, unsafe = _copy(name, tmp_path)
    before = {path: path.read_bytes() for path in _checked_files(root)}
    session = _session(root, args, monkeypatch)
    fixed = {path: fix_source(session, path, data, unsafe) for path, data in before.items()}
    _cli(root, "fix", *args, *(["--unsafe-fixes"] if unsafe else []), ".")
    assert {path: path.read_bytes() for path in before} == fixed


def test_fix_source_limited_to_one_finding_leaves_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = b"import requests\n\nrequests.get('https://a')\nrequests.get('https://b')\n"
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    session = _session(tmp_path, [], monkeypatch)
    first, _ = check_source(session, Path("app.py"), source)
    fixed = fix_source(session, Path("app.py"), source, wanted=first.__eq__)
    assert fixed.count(b"timeout=") == 1
    assert [f.span.start.line for f in check_source(session, Path("app.py"), fixed)] == [4]


def test_server_without_pygls_says_how_to_install_it_and_exits_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from timeoutlint.cli import main

    monkeypatch.delitem(sys.modules, "timeoutlint.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    result = CliRunner().invoke(main, ["server"])
    assert result.exit_code == 2
    assert "pip install 'timeoutlint[server]'" in result.output


_TWO_CALLS = "import requests\n\nrequests.get('https://a')\nrequests.get('https://b')\n"


def test_check_paths_gives_the_sorted_findings_of_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    (tmp_path / "b.py").write_text(_TWO_CALLS)
    (tmp_path / "a.py").write_text(_TWO_CALLS)
    result = check_paths(_session(tmp_path, [], monkeypatch))
    assert [(f.path, f.span.start.line) for f in result.findings] == [
        ("a.py", 3),
        ("a.py", 4),
        ("b.py", 3),
        ("b.py", 4),
    ]
    assert result.crashed == ()


def test_fix_paths_writes_the_fixes_and_returns_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    (tmp_path / "app.py").write_text(_TWO_CALLS)
    result = fix_paths(_session(tmp_path, [], monkeypatch), FixOptions())
    assert (result.applied, result.changed, result.failed, result.remaining) == (2, True, False, [])
    assert (tmp_path / "app.py").read_text().count("timeout=") == 2


def test_fix_paths_with_diff_writes_nothing_and_returns_the_patch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    (tmp_path / "app.py").write_text(_TWO_CALLS)
    result = fix_paths(_session(tmp_path, [], monkeypatch), FixOptions(diff=True))
    assert (tmp_path / "app.py").read_text() == _TWO_CALLS
    [fixed] = result.files
    assert fixed.diff.startswith("--- a/app.py\n+++ b/app.py\n")


def test_cache_options_off_write_no_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    (tmp_path / "app.py").write_text(_TWO_CALLS)
    check_paths(_session(tmp_path, [], monkeypatch))
    assert not (tmp_path / ".timeoutlint_cache").exists()


def test_cache_options_name_the_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    (tmp_path / "app.py").write_text(_TWO_CALLS)
    monkeypatch.chdir(tmp_path)
    cache = CacheOptions(directory=tmp_path / "elsewhere")
    check_paths(build_session((Path("."),), cache=cache))
    assert (tmp_path / "elsewhere").is_dir()
    assert not (tmp_path / ".timeoutlint_cache").exists()
