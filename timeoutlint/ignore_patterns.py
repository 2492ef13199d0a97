"""Gitignore-style pattern lists, matched as `pathspec.GitIgnoreSpec` matches them, but cheaply.

Discovery tests every directory entry against the exclude patterns and the
.gitignore files above it; asking pathspec to run every pattern's regex on
every entry's whole path was most of its time. Most patterns have no slash
inside (`build`, `*.egg-info`, `dist/`): such a pattern matches a path
exactly when it matches one of the path's components (any but the last one
counts as a directory). So, for a list without negations, where any match
means "matched", a walk tests each entry's *name* against these patterns
(a set lookup for plain names) and carries "an ancestor matched" down;
pathspec sees only the other patterns. A list with a negation (`!keep.py`),
where the last match decides, always goes to pathspec with the whole path.

`pathspec` is imported only when some pattern needs it: the default
excludes never do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

_WILDCARDS = re.compile(r"[*?]")


@functools.lru_cache(maxsize=256)
def gitignore_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Patterns are compiled once per run: per-file ignores are matched for every file."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def _glob_regex(body: str) -> str:
    """A glob of one path component (`*` and `?` only) as gitignore reads it."""
    return "".join(
        "[^/]*" if piece == "*" else "[^/]" if piece == "?" else re.escape(piece)
        for piece in re.split(r"([*?])", body)
    )


def _any_of(regexes: list[str]) -> Callable[[str], re.Match[str] | None] | None:
    """`fullmatch` of the alternation of `regexes`, None for none."""
    if not regexes:
        return None
    return re.compile("|".join(f"(?:{regex})" for regex in regexes)).fullmatch


def _component_pattern(line: str) -> tuple[str, bool] | None:
    """(body, directories only) when `line` matches path components one at a time, else None.

    Leading or trailing blanks, escapes, character classes, `**`, comments and
    negations are left to pathspec, as is any slash but a single trailing one.
    """
    if not line or line != line.strip() or line[0] in "!#":
        return None
    directories_only = line.endswith("/")
    body = line[:-1] if directories_only else line
    if not body or "/" in body or "\\" in body or "[" in body or "**" in body:
        return None
    return body, directories_only


class PatternSet:
    """One list of gitignore-style patterns; see the module docstring for how it is matched."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        self.per_component = not any(line.lstrip().startswith("!") for line in self.lines)
        """No negation: a path matches when any pattern does, component patterns one name at a time."""
        names: set[str] = set()
        directory_names: set[str] = set()
        suffixes: list[str] = []
        directory_suffixes: list[str] = []
        globs: list[str] = []
        directory_globs: list[str] = []
        rest: list[str] = []
        for line in self.lines:
            component = _component_pattern(line) if self.per_component else None
            if component is None:
                rest.append(line)
            elif component[0].startswith("*") and not _WILDCARDS.search(component[0][1:]):
                (directory_suffixes if component[1] else suffixes).append(component[0][1:])
            elif _WILDCARDS.search(component[0]):
                (directory_globs if component[1] else globs).append(_glob_regex(component[0]))
            else:
                (directory_names if component[1] else names).add(component[0])
        self._file_names = frozenset(names)
        self._directory_names = frozenset(names | directory_names)
        self._file_suffixes = tuple(suffixes)
        self._directory_suffixes = tuple(suffixes + directory_suffixes)
        self._file_glob = _any_of(globs)
        self._directory_glob = _any_of(globs + directory_globs)
        self._rest = tuple(rest)
        self.has_rest = bool(rest)
        """Some pattern is matched against whole paths (`rest_matches`)."""
        self._rest_spec: pathspec.GitIgnoreSpec | None = None

    def name_matches(self, name: str, is_dir: bool) -> bool:
        """Whether a component pattern matches this one path component."""
        if is_dir:
            glob = self._directory_glob
            return (
                name in self._directory_names
                or name.endswith(self._directory_suffixes)
                or (glob is not None and glob(name) is not None)
            )
        glob = self._file_glob
        return (
            name in self._file_names
            or name.endswith(self._file_suffixes)
            or (glob is not None and glob(name) is not None)
        )

    def rest_matches(self, path: str, is_dir: bool) -> bool:
        """Whether one of the other patterns matches the whole relative path (no negations)."""
        if not self._rest:
            return False
        if self._rest_spec is None:
            self._rest_spec = gitignore_spec(self._rest)
        return bool(self._rest_spec.match_file(path + "/" if is_dir else path))

    def matches(self, path: str, is_dir: bool) -> bool:
        """`GitIgnoreSpec.match_file(path + "/" if is_dir else path)` for a relative POSIX path."""
        if not self.per_component:
            return bool(gitignore_spec(self.lines).match_file(path + "/" if is_dir else path))
        return self.ancestors_match(path.rpartition("/")[0]) or (
            self.name_matches(path.rpartition("/")[2], is_dir) or self.rest_matches(path, is_dir)
        )

    def ancestors_match(self, directory: str) -> bool:
        """Whether a component pattern matches a component of this relative directory path."""
        return bool(directory) and any(
            self.name_matches(part, True) for part in directory.split("/")
        )

    def include(self, path: str, is_dir: bool) -> bool | None:
        """`GitIgnoreSpec.check_file(path + "/" if is_dir else path).include`."""
        if not self.per_component:
            return gitignore_spec(self.lines).check_file(path + "/" if is_dir else path).include
        return True if self.matches(path, is_dir) else None
