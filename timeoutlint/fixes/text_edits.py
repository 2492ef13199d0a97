"""Exact text edits, for YAML and .env files and for showing any fix as edits."""

from __future__ import annotations

from collections.abc import Sequence

from timeoutlint.findings import Position, Span, TextEdit
from timeoutlint.python.source import split_lines


def line_starts(text: str) -> list[int]:
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
    starts = line_starts(text)
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
    starts = line_starts(old)
    span = Span(position_at(starts, prefix), position_at(starts, len(old) - suffix))
    return TextEdit(span, new[prefix : len(new) - suffix])


def edits_between(old: str, new: str) -> list[TextEdit]:
    """The edits that turn `old` into `new`, one per changed region.

    Regions come from a line diff; two neighbouring regions are merged when one edit is
    shorter than two (a changed line that the diff saw as delete + insert). Unchanged text
    between distant changes is never part of an edit, so it is never repeated in a report.
    """
    import difflib

    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_at = [0]
    for line in old_lines:
        old_at.append(old_at[-1] + len(line))
    new_at = [0]
    for line in new_lines:
        new_at.append(new_at[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    regions = [
        (old_at[i1], old_at[i2], new_at[j1], new_at[j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]

    def cost(region: tuple[int, int, int, int]) -> int:
        edit = minimal_edit(old[region[0] : region[1]], new[region[2] : region[3]])
        return len(edit.content) if edit else 0

    merged: list[tuple[int, int, int, int]] = []
    for region in regions:
        if merged:
            last = merged[-1]
            joined = (last[0], region[1], last[2], region[3])
            if cost(joined) <= cost(last) + cost(region):
                merged[-1] = joined
                continue
        merged.append(region)
    starts = line_starts(old)
    edits: list[TextEdit] = []
    for old_start, old_end, new_start, new_end in merged:
        chunk = old[old_start:old_end]
        edit = minimal_edit(chunk, new[new_start:new_end])
        if edit is None:
            continue
        chunk_starts = line_starts(chunk)
        begin = old_start + offset_of(chunk_starts, edit.span.start)
        end = old_start + offset_of(chunk_starts, edit.span.end)
        for a, b, content in _around_kept_text(begin, end, old[begin:end], edit.content):
            edits.append(TextEdit(Span(position_at(starts, a), position_at(starts, b)), content))
    return edits


def _around_kept_text(
    begin: int, end: int, replaced: str, content: str
) -> list[tuple[int, int, str]]:
    """`x` -> `quote(x, safe='')` as two insertions around `x`, not one edit repeating it: the
    kept text (an expression that may quote a password) is never part of a reported edit."""
    kept = content.find(replaced) if replaced else -1
    if kept < 0:
        return [(begin, end, content)]
    before, after = content[:kept], content[kept + len(replaced) :]
    return [(b, e, text) for b, e, text in ((begin, begin, before), (end, end, after)) if text]
