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
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

from timeoutlint.findings import Finding

_CODE = r"[A-Z][A-Z0-9-]*[0-9]+"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*))?", re.IGNORECASE)
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


def codes_in_comment(comment: str) -> frozenset[str] | None:
    """The codes a comment suppresses, `ALL` for a bare directive, None when it is not one."""
    found: set[str] = set()
    matched = False
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(comment):
            matched = True
            codes = match.group("codes")
            if not codes:
                return ALL
            found.update(c.upper() for c in _SPLIT.split(codes.strip()) if c)
    return frozenset(found) if matched else None


def external_codes(comment: str) -> frozenset[str]:
    """The rules another linter's directive in `comment` suppresses (see `EXTERNAL_EQUIVALENTS`)."""
    codes: set[str] = set()
    for match in _NOQA.finditer(comment):
        named = match.group("codes")
        if named:
            codes.update(c.upper() for c in _SPLIT.split(named.strip()) if c)
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


_NOQA_CODES = re.compile(r"#\s*noqa:[^\S\r\n]*", re.IGNORECASE)
_FIRST_CODE = re.compile(_CODE, re.IGNORECASE)
_NO_CODES = "expected a comma-separated list of codes (e.g., `# noqa: TL101, TL102`)"
_BAD_CODE = "expected code to consist of uppercase letters followed by digits only (e.g. `TL101`)"


def invalid_noqa(comment: str) -> str | None:
    """Why a `# noqa:` in `comment` is malformed, in ruff's words; None when it is well formed
    (or not a `# noqa:`). Any code of letters then digits is well formed, ours or another
    linter's (ruff's `external` idea): `# noqa: E501` is not a mistake. A malformed list
    (`# noqa: XYZ`) is read as a bare `# noqa`, which silences every finding on the line, so
    the user should hear about it."""
    for match in _NOQA_CODES.finditer(comment):
        rest = comment[match.end() :]
        code = _FIRST_CODE.match(rest)
        if code is None:
            return f"{_NO_CODES}; read as a bare `# noqa`, which suppresses every finding"
        after = rest[code.end() : code.end() + 1]
        if after and not after.isspace() and after != ",":
            return _BAD_CODE
    return None


def invalid_noqa_lines(text: str, kind: str) -> list[tuple[int, str]]:
    """The lines of a file (`kind` as `discovery.classify` gives it) with a malformed `# noqa:`
    and why; Python comments are found with `tokenize` (not in strings)."""
    if _NOQA_CODES.search(text) is None:
        return []
    found: list[tuple[int, str]] = []
    if kind != "python":
        for number, line in enumerate(text.splitlines(), start=1):
            if "#" in line:
                reason = invalid_noqa(line[line.index("#") :])
                if reason is not None:
                    found.append((number, reason))
        return found
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                reason = invalid_noqa(token.string)
                if reason is not None:
                    found.append((token.start[0], reason))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


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
