"""`PatternSet` answers exactly as `pathspec.GitIgnoreSpec` does for the same lines."""

from __future__ import annotations

import pathspec
import pytest

from timeoutlint.config import DEFAULT_EXCLUDE
from timeoutlint.ignore_patterns import PatternSet

PATHS = [
    "build",
    "src/build",
    "src/build/x.py",
    "src/builds/x.py",
    "rebuild/x.py",
    "a.egg-info",
    "pkg/a.egg-info/PKG-INFO",
    ".egg-info",
    "egg-info",
    "dist/app.py",
    "app/dist",
    "docs/a.log",
    "a.logx",
    "x.pyc",
    "tmp1/a.py",
    "tmpab/a.py",
    "gen/keep.py",
    "gen/other.py",
    "app/gen/keep.py",
    "weird name/a b.py",
    "q?/x.py",
    "deep/a/b/c/d.py",
]

PATTERN_LISTS = [
    list(DEFAULT_EXCLUDE),
    ["build/", "*.log", "tmp?/", "*.egg-info/"],
    ["*"],
    ["*/"],
    ["/dist", "app/dist", "docs/**/*.log", "**/deep", "[ab].egg-info"],
    ["gen/*", "!gen/keep.py"],
    ["*.py", "!keep.py", "gen/"],
    ["# a comment", "", "  build", "weird name", "q\\?", "rebuild "],
    ["a.logx", "*.py?", "?"],
]


@pytest.mark.parametrize("lines", PATTERN_LISTS, ids=lambda lines: " ".join(lines)[:40])
def test_matches_and_include_agree_with_pathspec(lines: list[str]) -> None:
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    patterns = PatternSet(lines)
    for path in PATHS:
        for is_dir in (False, True):
            candidate = path + "/" if is_dir else path
            assert patterns.matches(path, is_dir) == spec.match_file(candidate), candidate
            assert patterns.include(path, is_dir) == spec.check_file(candidate).include, candidate


def test_patterns_without_a_slash_inside_are_matched_one_name_at_a_time() -> None:
    patterns = PatternSet([*DEFAULT_EXCLUDE, "*.log", "cache/"])
    assert patterns.per_component and not patterns.has_rest
    assert patterns.name_matches("x.egg-info", is_dir=True)
    assert patterns.name_matches("cache", is_dir=True)
    assert not patterns.name_matches("cache", is_dir=False)
    assert not patterns.name_matches("app.py", is_dir=False)


def test_a_negation_sends_every_pattern_of_the_list_to_pathspec() -> None:
    patterns = PatternSet(["build", "!build/keep.py"])
    assert not patterns.per_component
    assert patterns.include("build/keep.py", is_dir=False) is False
    assert patterns.include("build/other.py", is_dir=False) is True
