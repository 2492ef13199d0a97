"""End to end: every project under fixtures/ gives exactly its expected findings and fixed files.

Each fixture is a small realistic project with `fixture.toml` (description, args, unsafe-fixes),
`expected/check.txt` (the exact output of `timeoutlint check .`) and `expected/fixed/` (the files
`timeoutlint fix .` must produce; every other file must stay byte-identical).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_projects import (
    copy_fixture_project,
    fixture_args,
    fixture_dirs,
    fixture_settings,
)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_there_are_fixtures() -> None:
    assert len(fixture_dirs()) >= 1


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_fixture_check_output_is_exactly_as_expected(
    fixture: Path, tmp_path: Path, run_cli
) -> None:
    project = copy_fixture_project(fixture, tmp_path)
    args = fixture_args(fixture)
    result = run_cli("check", ".", *args, cwd=project)
    expected = (fixture / "expected" / "check.txt").read_text(encoding="utf-8")
    assert result.stdout == expected, result.stderr
    assert result.returncode == (0 if expected.strip() == "All checks passed!" else 1), (
        result.stderr
    )


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_fixture_fix_produces_exactly_the_expected_files(
    fixture: Path, tmp_path: Path, run_cli
) -> None:
    project = copy_fixture_project(fixture, tmp_path)
    settings = fixture_settings(fixture)
    args = fixture_args(fixture)
    if settings.get("unsafe-fixes"):
        args.append("--unsafe-fixes")
    before = _snapshot(project)
    result = run_cli("fix", ".", *args, cwd=project)
    assert result.returncode in (0, 1), result.stderr
    after = _snapshot(project)
    expected_dir = fixture / "expected" / "fixed"
    expected = _snapshot(expected_dir) if expected_dir.is_dir() else {}
    for name, content in after.items():
        if name in expected:
            assert content == expected[name], f"{name} after fix differs from expected/fixed/{name}"
        else:
            assert content == before[name], f"{name} was changed but has no expected/fixed/{name}"
    assert set(expected) <= set(after)


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_fixture_fix_is_idempotent(fixture: Path, tmp_path: Path, run_cli) -> None:
    project = copy_fixture_project(fixture, tmp_path)
    settings = fixture_settings(fixture)
    args = fixture_args(fixture)
    if settings.get("unsafe-fixes"):
        args.append("--unsafe-fixes")
    run_cli("fix", ".", *args, cwd=project)
    once = _snapshot(project)
    run_cli("fix", ".", *args, cwd=project)
    assert _snapshot(project) == once
