"""Exact text edits, for YAML and .env files and for showing any fix as edits."""

from __future__ import annotations

import re
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


def lines_with_ends(text: str) -> list[str]:
    """The lines of `text` with their line breaks, split only at \\n, \\r\\n and \\r.

    `str.splitlines` also splits at form feeds, U+2028 and other characters that
    are no line break to Python, `git` or `patch`.
    """
    return [line for line in _LINE_WITH_END.findall(text) if line]


_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

Region = tuple[int, int, int, int]


def changed_regions(old: str, new: str, merge: bool = True) -> list[Region]:
    """The changed regions between `old` and `new` as character offsets
    `(old_start, old_end, new_start, new_end)`, each cut down to its changed middle.

    Regions come from a line diff; with `merge`, two neighbouring regions are merged
    when one edit is shorter than two (a changed line that the diff saw as delete + insert).
    """
    import difflib

    old_lines = lines_with_ends(old)
    new_lines = lines_with_ends(new)
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

    def cost(region: Region) -> int:
        piece = changed_middle(old, new, region)
        return piece[3] - piece[2] if piece else 0

    merged: list[Region] = []
    for region in regions:
        if merge and merged:
            last = merged[-1]
            joined = (last[0], region[1], last[2], region[3])
            if cost(joined) <= cost(last) + cost(region):
                merged[-1] = joined
                continue
        merged.append(region)
    return [piece for region in merged if (piece := changed_middle(old, new, region)) is not None]


def changed_middle(old: str, new: str, region: Region) -> Region | None:
    """The region without the text its two sides share at its start and end."""
    old_start, old_end, new_start, new_end = region
    if old[old_start:old_end] == new[new_start:new_end]:
        return None
    limit = min(old_end - old_start, new_end - new_start)
    prefix = 0
    while prefix < limit and old[old_start + prefix] == new[new_start + prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[old_end - 1 - suffix] == new[new_end - 1 - suffix]:
        suffix += 1
    return (old_start + prefix, old_end - suffix, new_start + prefix, new_end - suffix)


def edits_between(old: str, new: str) -> list[TextEdit]:
    """The edits that turn `old` into `new`, one per changed region (`changed_regions`).

    Unchanged text between distant changes is never part of an edit, so it is never
    repeated in a report.
    """
    starts = line_starts(old)
    edits: list[TextEdit] = []
    for old_start, old_end, new_start, new_end in changed_regions(old, new):
        replaced = old[old_start:old_end]
        for a, b, content in _around_kept_text(
            old_start, old_end, replaced, new[new_start:new_end]
        ):
            edits.append(TextEdit(Span(position_at(starts, a), position_at(starts, b)), content))
    return edits


KEPT_RUN = 4
"""Unchanged text this long inside a changed region stays out of the reported edits."""


def _around_kept_text(
    begin: int, end: int, replaced: str, content: str
) -> list[tuple[int, int, str]]:
    """The region's edit split around the text it keeps: `x` -> `quote(x, safe='')` is two
    insertions around `x`, not one edit repeating it. Kept text (an expression that may quote a
    password) is never part of a reported edit; runs shorter than `KEPT_RUN` characters are left
    inside the edits so that a region does not crumble into one edit per character."""
    import difflib

    if not replaced:
        return [(begin, end, content)]
    matcher = difflib.SequenceMatcher(None, replaced, content, autojunk=False)
    kept = [block for block in matcher.get_matching_blocks() if block.size >= KEPT_RUN]
    pieces: list[tuple[int, int, str]] = []
    old_at = new_at = 0
    for old_kept, new_kept, size in [*kept, (len(replaced), len(content), 0)]:
        if old_at < old_kept or new_at < new_kept:
            pieces.append((begin + old_at, begin + old_kept, content[new_at:new_kept]))
        old_at, new_at = old_kept + size, new_kept + size
    return pieces
