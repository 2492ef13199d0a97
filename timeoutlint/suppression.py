"""Suppression comments: `# noqa`, `# noqa: TL101`, `# timeoutlint: ignore[TL101]`, `# timeoutlint: skip-file`.

A comment suppresses a finding when it is on the finding's first line or on
the first line of the statement that contains it (so a comment after the
opening line of a multi-line call covers the whole call). Python comments
are found with `tokenize`, so a `#` inside a string is never a comment.
Suppressions are only looked up for files that have findings.
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


def python_suppressions(source: str) -> LineSuppressions:
    if _ANY_DIRECTIVE.search(source) is None:
        return LineSuppressions({}, {})
    by_line: dict[int, frozenset[str]] = {}
    statement_start: dict[int, int] = {}
    start: int | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                codes = codes_in_comment(token.string)
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
