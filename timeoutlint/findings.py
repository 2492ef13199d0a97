"""The values that flow from the checks to the reports and the fixer.

Everything here is a frozen dataclass of plain data so that it can cross a
process boundary, live in the cache and be compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: 1-based line, 1-based column counted in characters."""

    line: int
    column: int


@dataclass(frozen=True, order=True)
class Span:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(Position(line, column), Position(end_line, end_column))


class Applicability(str, Enum):
    """Whether `timeoutlint fix` applies a fix by default (safe) or only with --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class TextEdit:
    """Replace the characters in `span` (end exclusive) with `content`."""

    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    """A repair for one finding.

    `operations` are declarative: `TextEdit`s for YAML and .env files, or the
    codemod operations of `timeoutlint.fix_operations` for Python, which
    libcst turns into edits only when a fix is applied or shown.
    """

    applicability: Applicability
    message: str
    operations: tuple[object, ...]


@dataclass(frozen=True)
class RelatedLocation:
    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    rule_id: str
    message: str
    path: str
    span: Span
    fix: Fix | None = None
    related: tuple[RelatedLocation, ...] = field(default=())

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.start.line, self.span.start.column, self.rule_id)
