"""Keyword arguments added or given a new value as plain text edits, where that is exactly
what libcst would write.

`python_codemod.add_keyword` follows the call's layout. For the common layouts
the result is a single insertion: `name=value` between the parentheses of `f()`,
or `, name=value` right after the last argument when the `)` follows it
directly and the arguments are separated by `,` and spaces on one line (then
libcst's separator is one space). Those calls are edited here at `ast`
positions, which spares the libcst parse, its position metadata and its code
generation, the bulk of the time `fix` and the JSON/SARIF reports spend on
fixes. Any other layout (a comment, a line break between the last two
arguments, a trailing comma, a parenthesized argument, a generator argument),
a call inside an f-string, or a value that is not a plain one-line expression
makes `CallIndex.edit_calls` return None, and the caller uses libcst.

`python_codemod.replace_keyword_value` swaps the value node of each argument
whose keyword is spelled `name` in the code, and the value's own parentheses
go with it. So the text edit replaces exactly the value's `ast` span when the
keyword is written as `ast` names it (see `_check_keyword_spelling`), the `=`
has only spaces or tabs around it on one line, and the value, unparenthesized,
covers the same code for `ast` as alone. Edits that overlap (a value replaced
in a call whose own value is replaced, a keyword added to a call inside a
replaced value) and a keyword both added and replaced in one call go to
libcst, where the order of the operations decides.

An `AddImport` of `import module` that the module already has (a top-level
`import module` written just so, which `python_codemod.add_imports` finds too)
changes nothing; any other `AddImport` goes to libcst.

Like the codemod, an operation applies to the call with its start and end
(`f(x).read()`: both calls start at `f`), and a keyword the call already has
(or has just been given) is not added again.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from timeoutlint.findings import Position
from timeoutlint.fix_operations import AddImport, AddKeyword, ReplaceKeywordValue
from timeoutlint.fixes.text_edits import line_starts
from timeoutlint.python.source import character_column, split_lines

_OPENING = re.compile(r"[ \t]*\(")
_COMMA = re.compile(r"[ \t]*,")
_NOTHING = re.compile(r"")
_TRAILING_COMMA = re.compile(r"[ \t]*,")
_SAME_LINE = re.compile(r"[ \t]*\Z")
_NEW_LINE = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n))+([ \t]*)\Z")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_UNSAFE_VALUE_CHARACTERS = re.compile(r"[\r\n\f\\#]")
_BARE_EQUAL = re.compile(r"[ \t]*=[ \t]*")

KeywordOperation = AddKeyword | ReplaceKeywordValue
TextOperation = AddKeyword | ReplaceKeywordValue | AddImport
_Edit = tuple[int, int, str]


class NeedsCodemod(Exception):
    """This edit is not a plain text edit: libcst has to make it."""


def _plain_value(value: str) -> bool:
    """A one-line expression without surrounding space, which libcst writes back unchanged."""
    if not value or value != value.strip() or _UNSAFE_VALUE_CHARACTERS.search(value):
        return False
    try:
        ast.parse(value, mode="eval")
    except (SyntaxError, ValueError):
        return False
    return True


def _line_start(token: re.Pattern[str], region: str) -> str | None:
    """How libcst sees the whitespace after `token` at the start of `region`: None when it
    stays on the line (spaces and tabs only), else the indentation of the line it ends on
    (a line break, possibly after a comment, then blank or comment lines).

    Anything else (a line continuation, a form feed, a comment without a line break,
    another token) raises `NeedsCodemod`.
    """
    opened = token.match(region)
    if opened is None:
        raise NeedsCodemod
    whitespace = region[opened.end() :]
    if _SAME_LINE.match(whitespace):
        return None
    broken = _NEW_LINE.match(whitespace)
    if broken is None:
        raise NeedsCodemod
    return broken.group(1)


class CallIndex:
    """The calls of one parsed module by start position, for keyword insertions.

    Built once per file text; `add_keywords` can be asked for any number of
    operation lists (one per finding, for the reports).
    """

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.starts = line_starts(text)
        self._calls: dict[int, list[ast.Call]] = {}
        self._formatted: list[ast.JoinedStr] = []
        self._imported = {
            self.text[self._start(alias) : self._end(alias)]
            for statement in tree.body
            if isinstance(statement, ast.Import)
            for alias in statement.names
            if alias.asname is None
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self._calls.setdefault(node.lineno, []).append(node)
            elif isinstance(node, ast.JoinedStr):
                self._formatted.append(node)

    def offset(self, line: int, byte_column: int) -> int:
        """The character offset of an `ast` position (line, UTF-8 byte column)."""
        return self.starts[line - 1] + character_column(self.lines[line - 1], byte_column)

    def _start(self, node: ast.expr | ast.keyword | ast.alias) -> int:
        return self.offset(node.lineno, node.col_offset)

    def _end(self, node: ast.expr | ast.keyword | ast.alias) -> int:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return self.offset(node.end_lineno, node.end_col_offset)

    def _position(self, node: ast.Call) -> Position:
        column = character_column(self.lines[node.lineno - 1], node.col_offset)
        return Position(node.lineno, column + 1)

    def _end_position(self, node: ast.Call) -> Position:
        assert node.end_lineno is not None and node.end_col_offset is not None
        column = character_column(self.lines[node.end_lineno - 1], node.end_col_offset)
        return Position(node.end_lineno, column + 1)

    def calls_at(self, position: Position, end: Position | None = None) -> list[ast.Call]:
        return [
            c
            for c in self._calls.get(position.line, ())
            if self._position(c) == position and (end is None or self._end_position(c) == end)
        ]

    def edit_calls(self, operations: Sequence[TextOperation]) -> str | None:
        """The text with the operations carried out, or None when libcst must do it."""
        if "\r" in self.text and "\r" in self.text.replace("\r\n", ""):
            return None  # libcst does not keep a file's lone-CR line endings
        keyword_operations: list[KeywordOperation] = []
        for operation in operations:
            if isinstance(operation, AddImport):
                if operation.name is not None or operation.module not in self._imported:
                    return None
            else:
                keyword_operations.append(operation)
        try:
            edits = sorted(self._edits(keyword_operations))
        except NeedsCodemod:
            return None
        pieces: list[str] = []
        cursor = 0
        previous_start = -1
        for start, end, content in edits:
            if start < cursor or start == previous_start:
                return None
            pieces.append(self.text[cursor:start])
            pieces.append(content)
            cursor, previous_start = end, start
        pieces.append(self.text[cursor:])
        return "".join(pieces)

    def _edits(self, operations: Sequence[KeywordOperation]) -> list[_Edit]:
        for operation in operations:
            if not _plain_value(operation.value) or not operation.keyword.isidentifier():
                raise NeedsCodemod
        lines = {operation.call.line for operation in operations}
        for formatted in self._formatted:
            assert formatted.end_lineno is not None
            if any(formatted.lineno <= line <= formatted.end_lineno for line in lines) and any(
                isinstance(node, ast.Call) for node in ast.walk(formatted)
            ):
                raise NeedsCodemod
        by_call: dict[int, tuple[ast.Call, list[KeywordOperation]]] = {}
        for operation in operations:
            for call in self.calls_at(operation.call, operation.end):
                by_call.setdefault(id(call), (call, []))[1].append(operation)
        edits: list[_Edit] = []
        for call, group in by_call.values():
            self._check_keyword_spelling(call)
            edits.extend(self._replacements_for(call, group))
            added = [operation for operation in group if isinstance(operation, AddKeyword)]
            edits.extend(
                (offset, offset, content) for offset, content in self._insertions_for(call, added)
            )
        return edits

    def _replacements_for(
        self, call: ast.Call, operations: Sequence[KeywordOperation]
    ) -> list[_Edit]:
        """The value spans of the call's keywords that the operations replace."""
        values: dict[str, str] = {}
        for operation in operations:
            if isinstance(operation, ReplaceKeywordValue):
                if values.setdefault(operation.keyword, operation.value) != operation.value:
                    raise NeedsCodemod
        if not values:
            return []
        present = {keyword.arg for keyword in call.keywords}
        if any(
            isinstance(operation, AddKeyword)
            and operation.keyword in values
            and operation.keyword not in present
            for operation in operations
        ):
            raise NeedsCodemod
        self._check_segment(call)
        edits = []
        for keyword in call.keywords:
            if keyword.arg not in values:
                continue
            name_start = self._start(keyword)
            name_end = name_start + len(keyword.arg)
            value_start, value_end = self._start(keyword.value), self._end(keyword.value)
            if not _BARE_EQUAL.fullmatch(self.text, name_end, value_start):
                raise NeedsCodemod
            self._check_covers(keyword.value, self.text[value_start:value_end])
            edits.append((value_start, value_end, values[keyword.arg]))
        return edits

    def _check_keyword_spelling(self, call: ast.Call) -> None:
        """The keywords must be written as `ast` names them: libcst compares the code, and
        `ast` normalizes a name's Unicode form (a fullwidth `t` is a `t`)."""
        for keyword in call.keywords:
            if keyword.arg is not None:
                start = self._start(keyword)
                if self.text[start : start + len(keyword.arg)] != keyword.arg:
                    raise NeedsCodemod

    def _insertions_for(
        self, call: ast.Call, operations: Sequence[AddKeyword]
    ) -> list[tuple[int, str]]:
        """Where and what to insert for the keywords the call does not have yet."""
        present = {keyword.arg for keyword in call.keywords if keyword.arg is not None}
        added: list[str] = []
        for operation in operations:
            if operation.keyword not in present:
                present.add(operation.keyword)
                added.append(f"{operation.keyword}={operation.value}")
        if not added:
            return []
        self._check_segment(call)
        close = self._end(call) - 1
        if self.text[close] != ")":
            raise NeedsCodemod
        arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
        if any(isinstance(argument, ast.GeneratorExp) for argument in arguments):
            raise NeedsCodemod
        arguments.sort(key=lambda node: (node.lineno, node.col_offset))
        if not arguments:
            if self.text[self._end(call.func) : close + 1] != "()":
                raise NeedsCodemod
            return [(close, ", ".join(added))]
        last_end = self._end(arguments[-1])
        opening = _OPENING if len(arguments) == 1 else _COMMA
        before_last = arguments[-2] if len(arguments) > 1 else call.func
        separator = _line_start(
            opening, self.text[self._end(before_last) : self._start(arguments[-1])]
        )
        newline = self._newline()
        trailing = _TRAILING_COMMA.match(self.text, last_end, close)
        if trailing is not None:
            closing = _line_start(_NOTHING, self.text[trailing.end() : close])
            if separator is not None and closing is not None:
                own_lines = "".join(f"{separator}{keyword},{newline}" for keyword in added)
                return [(close - len(closing), own_lines)]
            return [(trailing.end(), "".join(f" {keyword}," for keyword in added))]
        closing = _line_start(_NOTHING, self.text[last_end:close])
        if separator is None:
            return [(last_end, "".join(f", {keyword}" for keyword in added))]
        if closing is None:
            return [(last_end, "".join(f",{newline}{separator}{keyword}" for keyword in added))]
        own_lines = f",{newline}{separator}".join(added)
        return [(last_end, ","), (close - len(closing), f"{separator}{own_lines}{newline}")]

    def _newline(self) -> str:
        """libcst's newline for code it adds: the file's first line break."""
        found = _LINE_BREAK.search(self.text)
        return found.group() if found else "\n"

    def _check_segment(self, call: ast.Call) -> None:
        """The call's `ast` positions must cover exactly its code (they are libcst's then)."""
        self._check_covers(call, self.text[self._start(call) : self._end(call)])

    @staticmethod
    def _check_covers(node: ast.expr, segment: str) -> None:
        try:
            parsed = ast.parse(f"(\n{segment}\n)", mode="eval").body
        except (SyntaxError, ValueError):
            raise NeedsCodemod from None
        if ast.dump(parsed) != ast.dump(node):
            raise NeedsCodemod
