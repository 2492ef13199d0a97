"""Discovery: which files are checked, and of which kind."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def test_default_excludes_skip_semgrep_rule_test_targets(tmp_path: Path) -> None:
    _touch(tmp_path, "app.py", ".semgrep/security/no-requests.py")
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


def test_an_excluded_or_ignored_directory_is_never_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "app.py", "node_modules/pkg/a.py", "gen/b.py", "src/c.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    listed: list[str] = []
    scandir = os.scandir

    def spy(path: str) -> Iterator[os.DirEntry[str]]:
        listed.append(Path(path).relative_to(tmp_path.resolve()).as_posix())
        return scandir(path)

    monkeypatch.setattr(os, "scandir", spy)
    assert _files(tmp_path) == ["app.py", "src/c.py"]
    assert sorted(listed) == [".", "src"]


def test_a_negation_inside_an_ignored_directory_does_not_bring_its_files_back(
    tmp_path: Path,
) -> None:
    _touch(tmp_path, "app.py", "gen/keep.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    (tmp_path / "gen" / ".gitignore").write_text("!keep.py\n")
    assert _files(tmp_path) == ["app.py"]


def test_a_deeper_gitignore_can_negate_a_directory_name_ignored_above(tmp_path: Path) -> None:
    _touch(tmp_path, "cache/a.py", "sub/cache/x.py", "sub/y.py", "other/cache/z.py")
    (tmp_path / ".gitignore").write_text("cache\n")
    (tmp_path / "sub" / ".gitignore").write_text("!cache\n")
    assert _files(tmp_path) == ["sub/cache/x.py", "sub/y.py"]


def test_a_walk_below_an_ignored_or_excluded_directory_finds_nothing(tmp_path: Path) -> None:
    _touch(tmp_path, "gen/src/a.py", "legacy/pkg/b.py", ".venv/lib/c.py")
    (tmp_path / ".gitignore").write_text("gen\n")
    assert _files(tmp_path, tmp_path / "gen" / "src") == []
    assert _files(tmp_path, tmp_path / "legacy" / "pkg", **{"extend-exclude": ["legacy"]}) == []
    assert _files(tmp_path, tmp_path / ".venv" / "lib") == []


def test_exclude_patterns_with_a_slash_or_a_negation_match_whole_paths(tmp_path: Path) -> None:
    _touch(tmp_path, "app/gen/a.py", "gen/b.py", "x.egg-info/c.py", "keep.egg-info/d.py")
    table = {"extend-exclude": ["/gen", "app/gen", "!keep.egg-info"]}
    assert _files(tmp_path, **table) == ["keep.egg-info/d.py"]


def test_paths_are_displayed_relative_to_the_working_directory_when_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "top.py", "sub/inner.py")
    monkeypatch.chdir(tmp_path / "sub")
    discovery = Discovery(parse_table({}, tmp_path.resolve(), None))
    displays = [s.display for s in discovery.files([tmp_path])]
    assert displays == [(tmp_path.resolve() / "top.py").as_posix(), "inner.py"]


def test_a_gitignore_with_many_double_stars_does_not_stall_a_deep_walk(tmp_path: Path) -> None:
    """pathspec's regular expression for this pattern backtracks for minutes on a 40-level path."""
    import time

    (tmp_path / ".gitignore").write_text("**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b\n")
    deep = "/".join(["a"] * 40)
    _touch(tmp_path, f"{deep}/app.py", f"{deep}/b/ignored.py")

    started = time.perf_counter()
    found = _files(tmp_path)

    assert found == [f"{deep}/app.py"]
    assert time.perf_counter() - started < 5


def test_a_nested_gitignore_that_links_to_a_device_is_not_read(tmp_path: Path) -> None:
    _touch(tmp_path, "sub/app.py")
    (tmp_path / "sub" / ".gitignore").symlink_to("/dev/zero")

    assert _files(tmp_path) == ["sub/app.py"]
