"""Suppression comments: `# noqa`, `# noqa: TL101`, `# timeoutlint: ignore[TL101]`, `# timeoutlint: skip-file`.

A comment suppresses a finding when it is on the finding's first line or on
the first line of the statement that contains it (so a comment after the
opening line of a multi-line call covers the whole call). Python comments
are found with `tokenize`, so a `#` inside a string is never a comment.
Suppressions are only looked up for files that have findings.

Other linters' comments for the same defect count too (`EXTERNAL_EQUIVALENTS`; off with
`external-suppressions = false`): a project that already silenced ruff's S113 or bandit's
B113 on a call has decided about that call, and hearing it again from timeoutlint teaches its
users to ignore timeoutlint. Only comments naming the defect count, with one exception:
bandit's bare `# nosec` silences every bandit test on the line, B113 included, so it
suppresses TL101 (and nothing else). `# pylint: disable=...` is read on the finding's line like
a `# noqa`; pylint's block scope for a comment on a line of its own is not followed.

The codes after `# noqa:` are read as ruff reads them (`_lex_codes`): uppercase letters then
digits, separated by commas or spaces, ending at the first word that is not a code (`# noqa:
TL101 because ...`). A malformed list (`# noqa: XYZ`, `# noqa:`, `# noqa: tl101`, `# noqa:
TL101x`) is warned about and, as in ruff, suppresses nothing: reading it as a bare `# noqa`
would silence every rule on the line because of a typo.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

from timeoutlint.findings import Finding

_CODE = r"[A-Z][A-Z0-9-]*[0-9]+"
_NOQA = re.compile(r"#\s*noqa(?P<colon>:[^\S\r\n]*)?", re.IGNORECASE)
_LEX_CODE = re.compile(r"[A-Z][A-Z-]*(?P<digits>[0-9]+)?")
_IGNORE = re.compile(rf"#\s*timeoutlint:\s*ignore(?:\[(?P<codes>{_CODE}(?:\s*,\s*{_CODE})*)\])?")
_SKIP_FILE = re.compile(rb"^[ \t]*#[ \t]*timeoutlint:[ \t]*skip-file\b", re.MULTILINE)
_SPLIT = re.compile(r"[\s,]+")
_ANY_DIRECTIVE = re.compile(r"noqa|timeoutlint:", re.IGNORECASE)
"""Tokenizing is the slow part; a file without any directive needs none."""
_ANY_EXTERNAL = re.compile(r"noqa|timeoutlint:|nosec|pylint:", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b:?(?P<rest>[^#]*)", re.IGNORECASE)
_BANDIT_TEST = re.compile(r"\bB\d{3}\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_PYLINT_DISABLE = re.compile(
    r"#\s*pylint:\s*disable\s*=\s*(?P<codes>[\w-]+(?:\s*,\s*[\w-]+)*)", re.IGNORECASE
)

EXTERNAL_EQUIVALENTS: dict[str, frozenset[str]] = {
    "S113": frozenset({"TL101"}),
    "B113": frozenset({"TL101"}),
    "REQUEST_WITHOUT_TIMEOUT": frozenset({"TL101"}),
    "MISSING-TIMEOUT": frozenset({"TL101"}),
    "W3101": frozenset({"TL101"}),
    "ASYNC210": frozenset({"TL103"}),
    "ASYNC211": frozenset({"TL103"}),
    "ASYNC212": frozenset({"TL103"}),
}
"""Another linter's code (ruff/flake8 `noqa`, bandit `nosec`, pylint `disable`) -> our rules.

S113 is ruff's (flake8-bandit's) request-without-timeout, B113 and `request_without_timeout`
bandit's, `missing-timeout` (W3101) pylint's; ASYNC210-ASYNC212 are flake8-async's (and ruff's)
blocking HTTP calls in `async def`.
"""
BARE_NOSEC = frozenset({"TL101"})

ALL = frozenset({"*"})


def skips_file(data: bytes) -> bool:
    return b"skip-file" in data and _SKIP_FILE.search(data) is not None


_NO_CODES = "expected a comma-separated list of codes (e.g., `# noqa: TL101, TL102`)"
_BAD_CODE = "expected code to consist of uppercase letters followed by digits only (e.g. `TL101`)"
_EMPTY_ITEM = "expected rule code between commas"
_JOINED = "expected comma or space delimiter between codes"


def _lex_codes(text: str) -> tuple[list[str], str | None, str | None]:
    """The codes at the start of `text` (what follows `# noqa:`), why they are malformed and
    what is only odd about them (None when nothing is), as ruff's noqa lexer decides: a word
    that does not start with an uppercase letter, or has no digits, ends the list (the rest is
    a comment); a code followed by anything but a comma, a space, `#` or another code is
    malformed; no code at all is malformed. An empty item (`TL101,,TL102`) and two codes
    written together (`TL101TL102`) are only warned about: the codes still count."""
    codes: list[str] = []
    index = 0
    joined = False
    odd: str | None = None
    while index < len(text):
        while index < len(text) and text[index].isspace():
            index += 1
        if index < len(text) and text[index] == ",":
            odd = odd or _EMPTY_ITEM
            index += 1
            continue
        match = _LEX_CODE.match(text, index)
        if match is None:
            break
        if match.group("digits") is None:
            if joined:
                return codes, _BAD_CODE, odd
            break
        codes.append(match.group())
        index = match.end()
        after = text[index : index + 1]
        joined = after.isupper()
        if joined:
            odd = odd or _JOINED
        if after and not (after in ",#" or after.isspace() or joined):
            return codes, _BAD_CODE, odd
        if after == ",":
            index += 1
    if not codes:
        return codes, _NO_CODES, odd
    return codes, None, odd


def _noqa_directives(comment: str) -> tuple[frozenset[str] | None, str | None]:
    """What the `# noqa` directive of a comment suppresses (`ALL` for a bare one, None when
    there is none) and why it is malformed (then it suppresses nothing). As in ruff, the first
    `# noqa` of a comment is the directive; a later one is part of its text."""
    match = _NOQA.search(comment)
    if match is None:
        return None, None
    if match.group("colon") is None:
        return ALL, None
    codes, error, _ = _lex_codes(comment[match.end() :])
    if error is not None:
        return None, error
    return frozenset(codes), None


def codes_in_comment(comment: str) -> frozenset[str] | None:
    """The codes a comment suppresses, `ALL` for a bare directive, None when it is not one
    (or only a malformed `# noqa:`, which suppresses nothing)."""
    noqa, _ = _noqa_directives(comment)
    if noqa is ALL:
        return ALL
    found: set[str] = set(noqa or ())
    matched = noqa is not None
    for match in _IGNORE.finditer(comment):
        matched = True
        codes = match.group("codes")
        if not codes:
            return ALL
        found.update(c.upper() for c in _SPLIT.split(codes.strip()) if c)
    return frozenset(found) if matched else None


def external_codes(comment: str) -> frozenset[str]:
    """The rules another linter's directive in `comment` suppresses (see `EXTERNAL_EQUIVALENTS`)."""
    noqa, _ = _noqa_directives(comment)
    codes: set[str] = set() if noqa is None or noqa is ALL else set(noqa)
    for match in _PYLINT_DISABLE.finditer(comment):
        codes.update(c.strip().upper() for c in match.group("codes").split(","))
    found: set[str] = set()
    for match in _NOSEC.finditer(comment):
        tests = _BANDIT_TEST.findall(match.group("rest"))
        if not tests:
            found.update(BARE_NOSEC)
        codes.update(t.upper() for t in tests)
    for code in codes:
        found.update(EXTERNAL_EQUIVALENTS.get(code, ()))
    return frozenset(found)


@dataclass(frozen=True)
class LineSuppressions:
    by_line: dict[int, frozenset[str]]
    statement_start: dict[int, int]

    def suppresses(self, finding: Finding) -> bool:
        line = finding.span.start.line
        for candidate in {line, self.statement_start.get(line, line)}:
            codes = self.by_line.get(candidate)
            if codes is not None and (codes is ALL or "*" in codes or finding.rule_id in codes):
                return True
        return False


def python_suppressions(source: str, external: bool = True) -> LineSuppressions:
    """The suppressions of a Python file; `external` also reads other linters' comments."""
    if (_ANY_EXTERNAL if external else _ANY_DIRECTIVE).search(source) is None:
        return LineSuppressions({}, {})
    by_line: dict[int, frozenset[str]] = {}
    statement_start: dict[int, int] = {}
    start: int | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                codes = codes_in_comment(token.string)
                if external and codes is not ALL:
                    extra = external_codes(token.string)
                    if extra:
                        codes = (codes or frozenset()) | extra
                if codes is not None:
                    by_line[token.start[0]] = codes
            elif token.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            elif token.type == tokenize.NEWLINE:
                if start is not None:
                    for line in range(start, token.start[0] + 1):
                        statement_start[line] = start
                start = None
            elif start is None:
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        pass
    return LineSuppressions(by_line, statement_start)


_NOQA_CODES = re.compile(r"#\s*noqa:", re.IGNORECASE)


INVALID = "Invalid `# noqa` directive on"
ODD = "Missing or joined rule code(s) at"
"""ruff's two warnings about a `# noqa:`: the first for one that suppresses nothing, the second
for one whose codes still count (`TL101,,TL102`, `TL101TL102`)."""


def noqa_problem(comment: str) -> tuple[str, str] | None:
    """ruff's warning about the `# noqa:` in `comment` as (`INVALID` or `ODD`, why), or None
    when it is well formed (or not a `# noqa:`). Any code of uppercase letters then digits is
    well formed, ours or another linter's (ruff's `external` idea): `# noqa: E501` is not a
    mistake. A malformed list (`# noqa: XYZ`) suppresses nothing, so the user should hear
    about it."""
    match = _NOQA.search(comment)
    if match is None or match.group("colon") is None:
        return None
    _, error, odd = _lex_codes(comment[match.end() :])
    if error is not None:
        return INVALID, f"{error}; it suppresses nothing"
    return (ODD, odd) if odd is not None else None


def invalid_noqa(comment: str) -> str | None:
    """Why a `# noqa:` in `comment` is malformed (suppresses nothing), or None."""
    problem = noqa_problem(comment)
    return problem[1] if problem is not None and problem[0] == INVALID else None


def invalid_noqa_lines(text: str, kind: str) -> list[tuple[int, str, str]]:
    """The lines of a file (`kind` as `discovery.classify` gives it) with a `# noqa:` that ruff
    would warn about, with `noqa_problem`'s answer; Python comments are found with `tokenize`
    (not in strings)."""
    if _NOQA_CODES.search(text) is None:
        return []
    found: list[tuple[int, str, str]] = []
    if kind != "python":
        for number, line in enumerate(text.splitlines(), start=1):
            if "#" in line:
                problem = noqa_problem(line[line.index("#") :])
                if problem is not None:
                    found.append((number, *problem))
        return found
    if not _may_have_noqa_problem(text):
        return found
    return tokenized_noqa_problems(text)


def tokenized_noqa_problems(text: str) -> list[tuple[int, str, str]]:
    """`noqa_problem` of every comment token of a Python file, by line."""
    found: list[tuple[int, str, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                problem = noqa_problem(token.string)
                if problem is not None:
                    found.append((token.start[0], *problem))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _may_have_noqa_problem(text: str) -> bool:
    """Whether some `#` of a line with `# noqa:` starts a text with a `noqa_problem`: a comment
    token runs from one of its line's `#` to the line's end or first `\r` (tokenize's
    `#[^\r\n]*`, lines as `StringIO.readline` splits them), so when none has a problem no
    comment has, and the file need not be tokenized (most files with a `# noqa:` have only
    valid ones)."""
    for line in text.split("\n"):
        if _NOQA_CODES.search(line) is None:
            continue
        start = line.find("#")
        while start != -1:
            if noqa_problem(line[start:].partition("\r")[0]) is not None:
                return True
            start = line.find("#", start + 1)
    return False


def text_suppressions(lines: Iterable[str]) -> LineSuppressions:
    by_line: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, start=1):
        if "#" in line:
            codes = codes_in_comment(line[line.index("#") :])
            if codes is not None:
                by_line[number] = codes
    return LineSuppressions(by_line, {})


def without_suppressed(findings: list[Finding], suppressions: LineSuppressions) -> list[Finding]:
    return [f for f in findings if not suppressions.suppresses(f)]
