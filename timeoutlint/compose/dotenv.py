"""A `.env` parser that follows the conventions users rely on (python-dotenv and compose).

`KEY=value`, optional `export `, `#` comments (a `#` starts a comment in an
unquoted value only after whitespace), single quotes (literal), double
quotes (escapes, may span lines), empty values, a bare `KEY`, CRLF line
endings. Every entry keeps the exact position of its key and of its value's
text; a line that cannot be read is reported and the rest of the file is
still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeoutlint.findings import Position, Span

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_EXPORT = re.compile(r"export[ \t]+")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class DotenvEntry:
    """One `KEY=value`. `raw` is the value's source text (quotes included), at `value_span`.

    `quote` is `'`, `"` or None. `value` is None for a bare `KEY` line.
    """

    key: str
    value: str | None
    key_span: Span
    value_span: Span
    raw: str
    quote: str | None

    @property
    def single_line(self) -> bool:
        return self.value_span.start.line == self.value_span.end.line

    def value_offset(self) -> int | None:
        """Where the value starts in `raw` when the text *is* the value (no escapes), else None."""
        if self.value is None or not self.single_line:
            return None
        inner = self.raw[1:-1] if self.quote else self.raw
        if inner != self.value:
            return None
        return 1 if self.quote else 0


@dataclass(frozen=True)
class DotenvProblem:
    message: str
    position: Position


@dataclass(frozen=True)
class DotenvFile:
    entries: tuple[DotenvEntry, ...]
    problems: tuple[DotenvProblem, ...]

    def values(self) -> dict[str, str | None]:
        """The last value of each key, as a program reading the file would see it."""
        return {entry.key: entry.value for entry in self.entries}

    def entry(self, key: str) -> DotenvEntry | None:
        found = None
        for entry in self.entries:
            if entry.key == key:
                found = entry
        return found


def _lines(text: str) -> list[str]:
    """Lines without their line endings (`\\r\\n` or `\\n`)."""
    lines = text.split("\n")
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
        self.entries: list[DotenvEntry] = []
        self.problems: list[DotenvProblem] = []

    def parse(self) -> DotenvFile:
        index = 0
        while index < len(self.lines):
            index = self._line(index)
        return DotenvFile(tuple(self.entries), tuple(self.problems))

    def _problem(self, message: str, line: int, column: int) -> None:
        self.problems.append(DotenvProblem(message, Position(line + 1, column + 1)))

    def _line(self, index: int) -> int:
        line = self.lines[index]
        column = len(line) - len(line.lstrip(" \t"))
        if column == len(line) or line[column] == "#":
            return index + 1
        export = _EXPORT.match(line, column)
        if export is not None and _KEY.match(line, export.end()):
            column = export.end()
        key_match = _KEY.match(line, column)
        if key_match is None:
            self._problem("expected KEY=value", index, column)
            return index + 1
        key = key_match.group(0)
        key_span = Span.of(index + 1, column + 1, index + 1, key_match.end() + 1)
        cursor = key_match.end()
        while cursor < len(line) and line[cursor] in " \t":
            cursor += 1
        if cursor == len(line) or line[cursor] == "#":
            empty = Span.of(index + 1, cursor + 1, index + 1, cursor + 1)
            self.entries.append(DotenvEntry(key, None, key_span, empty, "", None))
            return index + 1
        if line[cursor] != "=":
            self._problem(f"expected '=' after {key}", index, cursor)
            return index + 1
        cursor += 1
        while cursor < len(line) and line[cursor] in " \t":
            cursor += 1
        if cursor < len(line) and line[cursor] in "'\"":
            return self._quoted(index, cursor, key, key_span)
        return self._unquoted(index, cursor, key, key_span)

    def _unquoted(self, index: int, start: int, key: str, key_span: Span) -> int:
        line = self.lines[index]
        end = len(line)
        comment = re.search(r"[ \t]#", line[start:])
        if comment is not None:
            end = start + comment.start()
        raw = line[start:end].rstrip(" \t")
        span = Span.of(index + 1, start + 1, index + 1, start + len(raw) + 1)
        self.entries.append(DotenvEntry(key, raw, key_span, span, raw, None))
        return index + 1

    def _quoted(self, index: int, start: int, key: str, key_span: Span) -> int:
        quote = self.lines[index][start]
        line_index = index
        cursor = start + 1
        value: list[str] = []
        while True:
            line = self.lines[line_index]
            while cursor < len(line):
                char = line[cursor]
                if char == quote:
                    return self._after_quote(index, start, line_index, cursor, key, key_span, value)
                if char == "\\" and quote == '"' and cursor + 1 < len(line):
                    following = line[cursor + 1]
                    value.append(_ESCAPES.get(following, "\\" + following))
                    cursor += 2
                    continue
                value.append(char)
                cursor += 1
            if line_index + 1 >= len(self.lines):
                self._problem(f"the quoted value of {key} is never closed", index, start)
                return index + 1
            value.append("\n")
            line_index += 1
            cursor = 0

    def _after_quote(
        self,
        index: int,
        start: int,
        end_line: int,
        end: int,
        key: str,
        key_span: Span,
        value: list[str],
    ) -> int:
        rest = self.lines[end_line][end + 1 :]
        stripped = rest.lstrip(" \t")
        if stripped and not stripped.startswith("#"):
            self._problem(
                f"unexpected text after the quoted value of {key}",
                end_line,
                end + 1 + len(rest) - len(stripped),
            )
            return end_line + 1
        if end_line == index:
            raw = self.lines[index][start : end + 1]
        else:
            pieces = [self.lines[index][start:], *self.lines[index + 1 : end_line]]
            pieces.append(self.lines[end_line][: end + 1])
            raw = "\n".join(pieces)
        span = Span.of(index + 1, start + 1, end_line + 1, end + 2)
        quote = self.lines[index][start]
        self.entries.append(DotenvEntry(key, "".join(value), key_span, span, raw, quote))
        return end_line + 1


def parse_dotenv(text: str) -> DotenvFile:
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(text).parse()
