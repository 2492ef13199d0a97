"""Exact text edits, for YAML and .env files and for showing any fix as edits."""

from __future__ import annotations

from collections.abc import Sequence

from timeoutlint.findings import Position, Span, TextEdit
from timeoutlint.python.source import split_lines


def _offsets(text: str) -> list[int]:
    """Character offset of the start of each line (1-based line i at index i - 1)."""
    starts = [0]
    index = 0
    for line in split_lines(text)[:-1]:
        index += len(line)
        index += 2 if text.startswith("\r\n", index) else 1
        starts.append(index)
    return starts


def offset_of(starts: list[int], position: Position) -> int:
    return starts[position.line - 1] + position.column - 1


def position_at(starts: list[int], offset: int) -> Position:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return Position(low + 1, offset - starts[low] + 1)


def apply_text_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping edits; identical duplicates are applied once."""
    starts = _offsets(text)
    ranges = sorted(
        {(offset_of(starts, e.span.start), offset_of(starts, e.span.end), e.content) for e in edits}
    )
    result: list[str] = []
    cursor = 0
    for start, end, content in ranges:
        if start < cursor:
            continue
        result.append(text[cursor:start])
        result.append(content)
        cursor = end
    result.append(text[cursor:])
    return "".join(result)


def minimal_edit(old: str, new: str) -> TextEdit | None:
    """The single edit that turns `old` into `new`: the changed middle, as a span of `old`."""
    if old == new:
        return None
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    starts = _offsets(old)
    span = Span(position_at(starts, prefix), position_at(starts, len(old) - suffix))
    return TextEdit(span, new[prefix : len(new) - suffix])
