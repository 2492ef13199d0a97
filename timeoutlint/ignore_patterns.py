"""Gitignore-style pattern lists, matched as git matches them, cheaply and in linear time.

Discovery tests every directory entry against the exclude patterns and the
.gitignore files above it. Most patterns have no slash inside (`build`,
`*.egg-info`, `dist/`): such a pattern matches a path exactly when it matches
one of the path's components (any but the last one counts as a directory).
So, for a list without negations, where any match means "matched", a walk
tests each entry's *name* against these patterns (a set lookup for plain
names) and carries "an ancestor matched" down; `GitIgnore` sees only the
other patterns. A list with a negation (`!keep.py`), where the last match
decides, always goes to `GitIgnore` with the whole path.

`GitIgnore` answers as `pathspec.GitIgnoreSpec` does (the tests compare them on
generated patterns and paths), with two differences, both git's behaviour:
a bracket expression never matches the `/` between two components, and a
pattern pathspec refuses (a lone `!`, a trailing backslash, an invalid range)
is ignored instead of stopping the run. It never backtracks for long:
pathspec translates `**/a/**/a/**/b` into a regular expression whose search
takes exponential time in the number of `**` on a deep path, and `*a*a*a*b`
does the same inside one name. A pattern with several `**` is matched a
component at a time by dynamic programming, and a glob with more than two `*`
by the two-pointer wildcard algorithm; the others, the common case, keep a
compiled regular expression.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

_WILDCARDS = re.compile(r"[*?]")
_REGEX_STARS = 2
"""Up to this many `*` in one component, a regular expression cannot take long on a name."""

_Matcher = Callable[[str], bool]


@dataclass(frozen=True)
class _Token:
    kind: str
    """"char" (`value` literally), "any" (one character), "star", or "class" (`value`, a
    regular expression of one bracket expression)."""
    value: str = ""


class InvalidPattern(ValueError):
    """A pattern git ignores: an unclosed `[`, a trailing backslash, a range like `[z-a]`."""


def _glob_tokens(glob: str) -> list[_Token]:
    """One path component's glob, read as pathspec's `_translate_segment_glob` reads it."""
    tokens: list[_Token] = []
    i, end = 0, len(glob)
    while i < end:
        char = glob[i]
        i += 1
        if char == "\\":
            if i >= end:
                raise InvalidPattern(glob)
            tokens.append(_Token("char", glob[i]))
            i += 1
        elif char == "*":
            if not tokens or tokens[-1].kind != "star":
                tokens.append(_Token("star"))
        elif char == "?":
            tokens.append(_Token("any"))
        elif char == "[":
            j = i
            if j < end and glob[j] in "!^":
                j += 1
            if j < end and glob[j] == "]":
                j += 1
            while j < end and glob[j] != "]":
                j += 1
            if j >= end:
                raise InvalidPattern(glob)
            body = glob[i:j]
            negated = body[:1] in ("!", "^")
            expression = "[" + ("^" if negated else "") + body[negated:].replace("\\", "\\\\") + "]"
            try:
                re.compile(expression)
            except re.error:
                raise InvalidPattern(glob) from None
            tokens.append(_Token("class", expression))
            i = j + 1
        else:
            tokens.append(_Token("char", char))
    return tokens


def _token_regex(token: _Token) -> str:
    if token.kind == "char":
        return re.escape(token.value)
    if token.kind == "any":
        return "[^/]"
    if token.kind == "star":
        return "[^/]*"
    return "(?!/)" + token.value


def _linear_glob(tokens: Sequence[_Token]) -> _Matcher:
    """Whether a whole name matches, by the two-pointer wildcard algorithm: O(len(name) *
    len(tokens)) whatever the pattern, as each token but `*` matches exactly one character."""
    single = [
        (lambda c, v=t.value: c == v)
        if t.kind == "char"
        else (lambda c: True)
        if t.kind == "any"
        else (lambda c, r=re.compile(t.value): r.fullmatch(c) is not None)
        if t.kind == "class"
        else None
        for t in tokens
    ]

    def matches(name: str) -> bool:
        t = n = 0
        star_t, star_n = -1, 0
        while n < len(name):
            if t < len(single) and single[t] is None:
                star_t, star_n = t, n
                t += 1
            elif t < len(single) and single[t](name[n]):  # type: ignore[misc]
                t += 1
                n += 1
            elif star_t >= 0:
                star_n += 1
                t, n = star_t + 1, star_n
            else:
                return False
        while t < len(single) and single[t] is None:
            t += 1
        return t == len(single)

    return matches


def _stars(tokens: Sequence[_Token]) -> int:
    return sum(token.kind == "star" for token in tokens)


def glob_matcher(glob: str) -> _Matcher:
    """Whether one whole path component matches `glob` (`InvalidPattern` if git ignores it)."""
    tokens = _glob_tokens(glob)
    if _stars(tokens) > _REGEX_STARS:
        return _linear_glob(tokens)
    fullmatch = re.compile("".join(_token_regex(t) for t in tokens), re.DOTALL).fullmatch
    return lambda name: fullmatch(name) is not None


def _nonempty(name: str) -> bool:
    return name != ""


_ALL, _DIRECTORY_MARK, _SLASH = "all", "directory mark", "slash"


@dataclass(frozen=True)
class _Rule:
    """One pattern: `include` (True ignores, False is a `!` negation) and either `special`
    (a pattern matching every path, every path with a slash, or that with a directory mark)
    or `segments`, each a component matcher or None for `**`."""

    include: bool
    directory_pattern: bool
    special: str | None
    segments: tuple[_Matcher | None, ...]
    regex: re.Pattern[str] | None
    """The pattern as one regular expression, when it cannot backtrack for long."""

    def match(self, path: str) -> bool | None:
        """None: no match; else whether the match ended at a directory mark (a `/` after the
        last component the pattern names), which makes it weaker in `GitIgnore.include`."""
        if self.special is not None:
            if self.special == _ALL:
                return False if path else None
            if "/" not in path:
                return None
            return self.special == _DIRECTORY_MARK
        if self.regex is not None:
            found = self.regex.search(path)
            return None if found is None else found.group("ps_d") is not None
        return _match_segments(self.segments, self.directory_pattern, path.split("/"))


def _match_segments(
    segments: Sequence[_Matcher | None], directory_pattern: bool, names: list[str]
) -> bool | None:
    """The pattern matched a component at a time, finding the match a backtracking search of
    pathspec's expression finds first (each `**` as long as possible), in O(segments x names).

    `after[j]` is the outcome of the segments from the current one on, with the first `j`
    names consumed: None (no match) or the directory mark of the match.
    """
    count = len(names)
    if sum(segment is not None for segment in segments) > count:
        return None
    last = len(segments) - 1
    after: list[bool | None] = [None] * (count + 1)
    for index in range(last, -1, -1):
        segment = segments[index]
        if segment is None and index == last:
            current: list[bool | None] = [
                directory_pattern if j < count else None for j in range(count + 1)
            ]
        elif segment is None:
            furthest = max((j for j, v in enumerate(after) if v is not None), default=-1)
            current = [
                after[furthest]
                if furthest > j and not (furthest == j + 1 and names[j] == "")
                else after[j]
                for j in range(count + 1)
            ]
            if index == 0:
                return current[0]
        elif index == last:
            current = [
                (j < count - 1) if j < count and segment(names[j]) else None
                for j in range(count + 1)
            ]
        else:
            current = [
                after[j + 1] if j < count and segment(names[j]) else None for j in range(count + 1)
            ]
        after = current
    return after[0]


def _segments_regex(
    segments: Sequence[str | None], tokens: Sequence[list[_Token] | None], directory: bool
) -> str:
    """pathspec's expression for these segments (`None` for `**`), brackets kept off `/`."""
    parts: list[str] = []
    need_slash = False
    last = len(segments) - 1
    for index, glob_tokens in enumerate(tokens):
        if glob_tokens is None:
            if index == 0:
                parts.append("^(?:.+/)?")
            elif index < last:
                parts.append("(?:/.+)?")
                need_slash = True
            else:
                parts.append("(?P<ps_d>/)" if directory else "/(?P<ps_d>(?!))?")
            continue
        if index == 0:
            parts.append("^")
        if need_slash:
            parts.append("/")
        if segments[index] == "*":
            parts.append("[^/]+")
        else:
            parts.append("".join(_token_regex(t) for t in glob_tokens))
        if index == last:
            parts.append("(?:(?P<ps_d>/)|$)")
        need_slash = True
    return "".join(parts)


def parse_rule(line: str) -> _Rule | None:
    """One .gitignore line as pathspec's `GitIgnoreSpecPattern` reads it; None for a blank
    line, a comment, or a pattern git ignores."""
    if not line.endswith("\\ "):
        line = line.rstrip()
    if not line or line.startswith("#") or line == "/":
        return None
    include = not line.startswith("!")
    if not include:
        line = line[1:]
    segments = line.split("/")
    directory = not segments[-1]
    if not segments[0]:
        del segments[0]
    elif (len(segments) == 1 or (len(segments) == 2 and not segments[1])) and segments[0] != "**":
        segments.insert(0, "**")
    if not segments:
        return None
    if not segments[-1]:
        segments[-1] = "**"
    segments = [
        s for i, s in enumerate(segments) if not (s == "**" and i and segments[i - 1] == "**")
    ]
    special = None
    if segments == ["**"]:
        special = _DIRECTORY_MARK if directory else _ALL
    elif segments == ["**", "*"]:
        special = _ALL
    elif segments == ["**", "*", "**"]:
        special = _DIRECTORY_MARK if directory else _SLASH
    if special is not None:
        return _Rule(include, directory, special, (), None)
    try:
        tokens = [None if s == "**" else _glob_tokens(s) for s in segments]
        matchers = tuple(
            None if s == "**" else _nonempty if s == "*" else glob_matcher(s) for s in segments
        )
    except InvalidPattern:
        return None
    gaps = sum(s == "**" for s in segments[:-1])
    cheap = gaps <= 1 and all(t is None or _stars(t) <= _REGEX_STARS for t in tokens)
    regex = (
        re.compile(
            _segments_regex([None if s == "**" else s for s in segments], tokens, directory),
            re.DOTALL,
        )
        if cheap
        else None
    )
    return _Rule(include, directory, None, matchers, regex)


class GitIgnore:
    """A list of gitignore patterns: `include(path)` is pathspec's `check_file(path).include`.

    `path` is relative and POSIX, with a trailing `/` for a directory. The last pattern that
    matches without a directory mark decides; failing that, the last one that matches.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self.rules = tuple(rule for rule in map(parse_rule, lines) if rule is not None)
        self._any: Callable[[str], object] | None = None
        """Without negations, where any match means "matched": one search of every pattern
        that has a regular expression (the others are `_other`)."""
        self._other: tuple[_Rule, ...] = ()
        if all(rule.include for rule in self.rules):
            regexes = [r.regex.pattern for r in self.rules if r.regex is not None]
            combined = "|".join(f"(?:{x.replace('(?P<ps_d>', '(?:')})" for x in regexes)
            self._any = re.compile(combined, re.DOTALL).search if regexes else lambda path: None
            self._other = tuple(r for r in self.rules if r.regex is None)

    def include(self, path: str) -> bool | None:
        path = path[1:] if path.startswith("/") else path[2:] if path.startswith("./") else path
        weak: bool | None = None
        for rule in reversed(self.rules):
            mark = rule.match(path)
            if mark is None:
                continue
            if not mark:
                return rule.include
            if weak is None:
                weak = rule.include
        return weak

    def match_file(self, path: str) -> bool:
        if self._any is None:
            return bool(self.include(path))
        path = path[1:] if path.startswith("/") else path[2:] if path.startswith("./") else path
        return self._any(path) is not None or any(
            rule.match(path) is not None for rule in self._other
        )


@functools.lru_cache(maxsize=256)
def gitignore_spec(patterns: tuple[str, ...]) -> GitIgnore:
    """Patterns are compiled once per run: per-file ignores are matched for every file."""
    return GitIgnore(patterns)


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
    negations are left to `GitIgnore`, as is any slash but a single trailing one, and
    a glob with so many `*` that a regular expression could backtrack for long.
    """
    if not line or line != line.strip() or line[0] in "!#":
        return None
    directories_only = line.endswith("/")
    body = line[:-1] if directories_only else line
    if not body or "/" in body or "\\" in body or "[" in body or "**" in body:
        return None
    if body.count("*") > _REGEX_STARS:
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
        self._rest_spec: GitIgnore | None = None
        self._ancestors: dict[str, bool] = {}
        """`ancestors_match` per directory: asked once per file, it depends on the directory."""

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
        """`GitIgnore.match_file(path + "/" if is_dir else path)` for a relative POSIX path."""
        if not self.per_component:
            return bool(gitignore_spec(self.lines).match_file(path + "/" if is_dir else path))
        return self.ancestors_match(path.rpartition("/")[0]) or (
            self.name_matches(path.rpartition("/")[2], is_dir) or self.rest_matches(path, is_dir)
        )

    def ancestors_match(self, directory: str) -> bool:
        """Whether a component pattern matches a component of this relative directory path."""
        if not directory:
            return False
        known = self._ancestors.get(directory)
        if known is None:
            known = any(self.name_matches(part, True) for part in directory.split("/"))
            self._ancestors[directory] = known
        return known

    def include(self, path: str, is_dir: bool) -> bool | None:
        """`GitIgnore.include(path + "/" if is_dir else path)`."""
        if not self.per_component:
            return gitignore_spec(self.lines).include(path + "/" if is_dir else path)
        return True if self.matches(path, is_dir) else None


def compile_patterns(patterns: Iterable[str]) -> GitIgnore:
    return gitignore_spec(tuple(patterns))
