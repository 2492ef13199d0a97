"""A Python fix may change only its own code: the call, dict, string or expression it is for,
plus whole import lines.

libcst re-renders some code it parses differently from how it was written
(a line-leading form feed, the space in `except OSError :`, lone-CR line
endings), so its output can differ from the input far away from the edit.
Every changed region of a fix must lie inside the code of one of its
operations (the expression that starts at the operation's position, with
its parentheses), or be an insertion of whole `import` lines at the start
of a line. `keep_own_edits` keeps only those changes of libcst's output (the
fixer then verifies that result again); `check_own_edits` refuses a result
with any other change.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import warnings
from collections.abc import Sequence

from timeoutlint.findings import Position
from timeoutlint.fix_operations import (
    AddDictEntries,
    AddImport,
    AddKeyword,
    RenameDictKey,
    ReplaceDictValue,
    ReplaceExpression,
    ReplaceKeywordValue,
    ReplaceString,
)
from timeoutlint.fixes.text_edits import (
    Region,
    changed_middle,
    line_starts,
    lines_with_ends,
    offset_of,
)
from timeoutlint.python.source import character_column, split_lines

_OPENERS = "( \t\r\n\f\\"


def _anchor(operation: object) -> tuple[Position, Position | None] | None:
    if isinstance(operation, (AddKeyword, ReplaceKeywordValue)):
        return operation.call, operation.end
    if isinstance(operation, (AddDictEntries, RenameDictKey, ReplaceDictValue, ReplaceString)):
        return operation.target, None
    if isinstance(operation, ReplaceExpression):
        return operation.at, None
    return None


class _Extents:
    """The end offset of the longest expression starting at each character offset, on the
    lines asked for."""

    def __init__(self, text: str, lines: set[int]) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.starts = line_starts(text)
        self.ends: dict[int, int] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
        for node in ast.walk(tree):
            if not isinstance(node, ast.expr) or node.lineno not in lines:
                continue
            assert node.end_lineno is not None and node.end_col_offset is not None
            start = self._offset(node.lineno, node.col_offset)
            end = self._offset(node.end_lineno, node.end_col_offset)
            self.ends[start] = max(end, self.ends.get(start, end))

    def _offset(self, line: int, byte_column: int) -> int:
        return self.starts[line - 1] + character_column(self.lines[line - 1], byte_column)

    def region(self, at: int) -> tuple[int, int] | None:
        """The expression starting at `at` (or after the `(` there) and its closing parentheses."""
        cursor, opened = at, 0
        while cursor not in self.ends and cursor < len(self.text):
            if self.text[cursor] not in _OPENERS:
                return None
            opened += self.text[cursor] == "("
            cursor += 1
        if cursor not in self.ends:
            return None
        end = self.ends[cursor]
        while opened and end < len(self.text) and self.text[end] in _OPENERS.replace("(", ")"):
            opened -= self.text[end] == ")"
            end += 1
        return at, end


def _import_lines(text: str, at: int, content: str) -> bool:
    """`content` inserted at `at` is whole lines of imports at a line start (moved back over
    text that repeats its end, as a minimal diff may place it)."""
    while at > 0 and text[at - 1] not in "\r\n" and content and text[at - 1] == content[-1]:
        content = text[at - 1] + content[:-1]
        at -= 1
    if at > 0 and text[at - 1] not in "\r\n":
        return False
    if not content.endswith(("\n", "\r")):
        return False
    try:
        body = ast.parse(content).body
    except (SyntaxError, ValueError):
        return False
    return bool(body) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body)


def own_regions(text: str, operations: Sequence[object]) -> list[tuple[int, int]]:
    """The character ranges of `text` the operations may change."""
    anchors = [anchor for op in operations if (anchor := _anchor(op)) is not None]
    if not anchors:
        return []
    starts = line_starts(text)
    extents = _Extents(text, {position.line for position, _ in anchors})
    regions = []
    for position, end in anchors:
        at = offset_of(starts, position)
        if end is not None:
            regions.append((at, offset_of(starts, end)))
            continue
        region = extents.region(at)
        if region is not None:
            regions.append(region)
    return regions


def _foreign_and_own(
    text: str, new_text: str, operations: Sequence[object]
) -> tuple[list[Region], list[Region]]:
    """The changed regions of `new_text` outside the operations' code, and inside it."""
    regions = own_regions(text, operations)
    imports = any(isinstance(op, AddImport) for op in operations)
    foreign: list[Region] = []
    own: list[Region] = []
    for change in _changes(text, new_text, imports):
        for fragment in _fragments(text, new_text, change, regions):
            old_start, old_end, new_start, new_end = fragment
            inside = any(start <= old_start and old_end <= end for start, end in regions)
            content = new_text[new_start:new_end]
            if inside or (
                imports and old_start == old_end and _import_lines(text, old_start, content)
            ):
                own.append(fragment)
            else:
                foreign.append(fragment)
    return foreign, own


def check_own_edits(text: str, new_text: str, operations: Sequence[object]) -> None:
    """Raise `FixRefused` when `new_text` differs from `text` outside the operations' code."""
    from timeoutlint.fixes.apply import FixRefused

    foreign, _ = _foreign_and_own(text, new_text, operations)
    if foreign:
        line = _line_of(line_starts(text), foreign[0][0])
        raise FixRefused(
            f"the fixer would also rewrite line {line}, outside the code this fix is for"
        )


def keep_own_edits(text: str, new_text: str, operations: Sequence[object]) -> str | None:
    """`text` with only the changes of `new_text` that lie in the operations' own code (libcst
    re-renders some code it did not edit: those changes are left out), or None when there are
    none. The caller verifies the result like any fix."""
    _, own = _foreign_and_own(text, new_text, operations)
    if not own:
        return None
    pieces: list[str] = []
    cursor = 0
    for old_start, old_end, new_start, new_end in sorted(own):
        if old_start < cursor:
            return None
        pieces += [text[cursor:old_start], new_text[new_start:new_end]]
        cursor = old_end
    pieces.append(text[cursor:])
    return "".join(pieces)


_MAX_FRAGMENTED = 20_000


def _fragments(
    old: str, new: str, change: Region, regions: Sequence[tuple[int, int]]
) -> list[Region]:
    """A change that no single region holds, cut into its character-level differences
    (two calls fixed on neighbouring lines are one changed block of lines)."""
    old_start, old_end, new_start, new_end = change
    if any(start <= old_start and old_end <= end for start, end in regions):
        return [change]
    if old_end - old_start + new_end - new_start > _MAX_FRAGMENTED:
        return [change]
    import difflib

    matcher = difflib.SequenceMatcher(
        None, old[old_start:old_end], new[new_start:new_end], autojunk=False
    )
    return [
        (old_start + i1, old_start + i2, new_start + j1, new_start + j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _changes(old: str, new: str, imports: bool) -> list[Region]:
    """The changed regions of a line diff, each cut to its changed middle; with `imports`,
    import lines that start a changed block on the new side are a region of their own
    (an added import right above a changed call is two changes, not one)."""
    import difflib

    old_lines = lines_with_ends(old)
    new_lines = lines_with_ends(new)
    old_at = list(itertools.accumulate((len(line) for line in old_lines), initial=0))
    new_at = list(itertools.accumulate((len(line) for line in new_lines), initial=0))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes: list[Region] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if imports and tag == "replace":
            k = j1
            while k < j2 and _is_import_line(new_lines[k]):
                k += 1
            if k > j1:
                changes.append((old_at[i1], old_at[i1], new_at[j1], new_at[k]))
                j1 = k
        piece = changed_middle(old, new, (old_at[i1], old_at[i2], new_at[j1], new_at[j2]))
        if piece is not None:
            changes.append(piece)
    return changes


def _is_import_line(line: str) -> bool:
    try:
        body = ast.parse(line).body
    except (SyntaxError, ValueError):
        return False
    return len(body) == 1 and isinstance(body[0], (ast.Import, ast.ImportFrom))


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)
