"""`PatternSet` and `GitIgnore` answer as `pathspec.GitIgnoreSpec` does, in linear time."""

from __future__ import annotations

import time
from dataclasses import replace

import pathspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeoutlint.config import DEFAULT_EXCLUDE
from timeoutlint.ignore_patterns import GitIgnore, PatternSet

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


# ---------------------------------------------------------------------------
# GitIgnore: pathspec's answers, without pathspec's backtracking

SEGMENTS = ["a", "b", "ab", "*", "?", "a*", "*b", "[ab]", "[a-b]b", "**", "*a*b*", "a*b*a*"]
NAMES = ["a", "b", "ab", "ba", "abab", "c"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    body = "/".join(draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5)))
    return (
        draw(st.sampled_from(["", "!"]))
        + draw(st.sampled_from(["", "/"]))
        + body
        + draw(st.sampled_from(["", "/"]))
    )


paths = st.builds(
    lambda names, is_dir: "/".join(names) + ("/" if is_dir else ""),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=7),
    st.booleans(),
)


def _linear_only(lines: list[str]) -> GitIgnore:
    """The same patterns with every regular expression dropped: the dynamic programming only."""
    spec = GitIgnore(lines)
    spec.rules = tuple(replace(rule, regex=None) for rule in spec.rules)
    return spec


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns(), min_size=1, max_size=4), st.lists(paths, min_size=1, max_size=8))
def test_gitignore_answers_as_pathspec_does(lines: list[str], candidates: list[str]) -> None:
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    ours, linear = GitIgnore(lines), _linear_only(lines)
    for path in candidates:
        expected = spec.check_file(path).include
        assert ours.include(path) == expected, (lines, path)
        assert linear.include(path) == expected, (lines, path)
        assert ours.match_file(path) == spec.match_file(path), (lines, path)


def test_many_double_stars_on_a_deep_path_are_matched_in_linear_time() -> None:
    pattern = "**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b"
    deep = "/".join(["a"] * 40)
    spec = GitIgnore([pattern])

    started = time.perf_counter()
    answers = (spec.match_file(deep + "/x.py"), spec.match_file(deep + "/b"))

    assert answers == (False, True)
    assert time.perf_counter() - started < 0.5


def test_a_name_glob_with_many_stars_is_matched_in_linear_time() -> None:
    patterns = PatternSet(["*a*a*a*a*a*a*a*a*a*a*b"])
    name = "a" * 200

    started = time.perf_counter()
    answers = (patterns.matches(name, False), patterns.matches(name + "b", False))

    assert answers == (False, True)
    assert time.perf_counter() - started < 0.5


def test_a_bracket_never_matches_the_slash_between_two_names() -> None:
    """git's wildmatch; pathspec's expression lets `[!x]` match a `/`."""
    assert GitIgnore(["a[!x]b"]).match_file("a/b") is False
    assert pathspec.GitIgnoreSpec.from_lines(["a[!x]b"]).match_file("a/b") is True


@pytest.mark.parametrize("line", ["!", "a\\", "[z-a]", "a[b"])
def test_a_pattern_git_ignores_is_ignored_not_an_error(line: str) -> None:
    spec = GitIgnore([line, "b"])

    assert [spec.match_file(path) for path in ("a", "b", "[z-a]")] == [False, True, False]
