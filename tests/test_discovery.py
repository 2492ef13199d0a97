"""Discovery: which files are checked, and of which kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery, classify


def _files(root: Path, *paths: Path, **table: object) -> list[str]:
    discovery = Discovery(parse_table(table, root.resolve(), None))
    return [s.relative for s in discovery.files(list(paths) or [root])]


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("app.py", "python"),
        ("stubs.pyi", "python"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.dev.yml", "compose"),
        ("compose.yaml", "compose"),
        ("compose.override.yaml", "compose"),
        (".env", "dotenv"),
        ("prod.env", "dotenv"),
        (".env.local", "dotenv"),
        ("values.yaml", None),
        ("README.md", None),
    ],
)
def test_files_are_classified_by_name(name: str, kind: str | None) -> None:
    assert classify(name) == kind


def test_default_excludes_skip_virtualenvs_and_caches(tmp_path: Path) -> None:
    _touch(
        tmp_path, "app.py", ".venv/lib/x.py", "node_modules/y.py", "__pycache__/z.py", "build/b.py"
    )
    assert _files(tmp_path) == ["app.py"]


def test_gitignore_is_honoured_including_nested_files_and_negations(tmp_path: Path) -> None:
    _touch(tmp_path, "app.py", "gen/a.py", "gen/keep.py", "sub/local.py", "sub/other.py")
    (tmp_path / ".gitignore").write_text("gen/*\n!gen/keep.py\n")
    (tmp_path / "sub" / ".gitignore").write_text("local.py\n")
    assert _files(tmp_path) == ["app.py", "gen/keep.py", "sub/other.py"]


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    _touch(tmp_path, "app.py", "gen/a.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    assert _files(tmp_path, **{"respect-gitignore": False}) == ["app.py", "gen/a.py"]


def test_extend_exclude_adds_patterns(tmp_path: Path) -> None:
    _touch(tmp_path, "app.py", "legacy/old.py")
    assert _files(tmp_path, **{"extend-exclude": ["legacy"]}) == ["app.py"]


def test_an_explicit_file_is_checked_even_when_excluded_unless_force_exclude(
    tmp_path: Path,
) -> None:
    _touch(tmp_path, "legacy/old.py")
    target = tmp_path / "legacy" / "old.py"
    assert _files(tmp_path, target, **{"extend-exclude": ["legacy"]}) == ["legacy/old.py"]
    assert _files(tmp_path, target, **{"extend-exclude": ["legacy"], "force-exclude": True}) == []


def test_a_missing_path_becomes_a_problem_not_an_exception(tmp_path: Path) -> None:
    discovery = Discovery(parse_table({}, tmp_path.resolve(), None))
    assert discovery.files([tmp_path / "nope.py"]) == []
    assert [p.message for p in discovery.problems] == ["no such file or directory"]


def test_files_are_listed_once_and_sorted(tmp_path: Path) -> None:
    _touch(tmp_path, "b.py", "a.py")
    assert _files(tmp_path, tmp_path, tmp_path / "a.py") == ["a.py", "b.py"]
