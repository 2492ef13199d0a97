"""Carrying out Python fix operations with libcst, keeping the code's formatting.

New keyword arguments follow the call's own layout: on one line they are
joined with ", "; in a multi-line call they get their own line at the
arguments' indentation, and a trailing comma stays a trailing comma.
Comments stay where they were.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import cast

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from timeoutlint.fix_operations import (
    AddDictEntries,
    AddImport,
    AddKeyword,
    DictOperation,
    RenameDictKey,
    ReplaceDictValue,
    ReplaceExpression,
    ReplaceKeywordValue,
    ReplaceString,
)

CallOperation = AddKeyword | ReplaceKeywordValue
_NO_SPACE = cst.SimpleWhitespace("")


def _keyword_arg(name: str, value: str) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(name),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
    )


def _plain_line_break(whitespace: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The same indentation with the comment and blank lines removed."""
    return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """The whitespace that separates arguments in this call."""
    args = call.args
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        whitespace = args[-2].comma.whitespace_after
    else:
        whitespace = call.whitespace_before_args
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return _plain_line_break(whitespace)
    return cst.SimpleWhitespace(" ")


def _parenthesize_generators(args: list[cst.Arg]) -> list[cst.Arg]:
    """`f(x for x in y)`: a generator that is the only argument may go without its own
    parentheses; once the call has a second argument it needs them."""
    return [
        arg.with_changes(
            value=arg.value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        )
        if isinstance(arg.value, cst.GeneratorExp) and not arg.value.lpar
        else arg
        for arg in args
    ]


def add_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    if any(arg.keyword is not None and arg.keyword.value == name for arg in call.args):
        return call
    new_arg = _keyword_arg(name, value)
    args = _parenthesize_generators(list(call.args))
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    separator = _separator(call)
    if isinstance(last.comma, cst.Comma):
        trailing = last.comma.whitespace_after
        if isinstance(trailing, cst.ParenthesizedWhitespace) and isinstance(
            separator, cst.ParenthesizedWhitespace
        ):
            args[-1] = last.with_changes(
                comma=last.comma.with_changes(
                    whitespace_after=trailing.with_changes(
                        indent=separator.indent, last_line=separator.last_line
                    )
                )
            )
            new_comma = cst.Comma(
                whitespace_after=cst.ParenthesizedWhitespace(
                    first_line=cst.TrailingWhitespace(),
                    empty_lines=[],
                    indent=trailing.indent,
                    last_line=trailing.last_line,
                )
            )
        else:
            args[-1] = last.with_changes(
                comma=last.comma.with_changes(whitespace_after=cst.SimpleWhitespace(" "))
            )
            new_comma = cst.Comma(whitespace_after=trailing)
        args.append(new_arg.with_changes(comma=new_comma))
    else:
        after = last.whitespace_after_arg
        if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
            separator, cst.ParenthesizedWhitespace
        ):
            # A comment after the last argument stays with it; the new argument takes its own line.
            comma_whitespace: cst.BaseParenthesizableWhitespace = after.with_changes(
                indent=separator.indent, last_line=separator.last_line
            )
            new_after: cst.BaseParenthesizableWhitespace = after.with_changes(
                first_line=cst.TrailingWhitespace(), empty_lines=[]
            )
        else:
            comma_whitespace, new_after = separator, after
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=comma_whitespace), whitespace_after_arg=_NO_SPACE
        )
        args.append(new_arg.with_changes(whitespace_after_arg=new_after))
    return call.with_changes(args=args)


def replace_keyword_value(call: cst.Call, name: str, value: str) -> cst.Call:
    expression = cst.parse_expression(value)
    args = [
        arg.with_changes(value=expression)
        if arg.keyword is not None and arg.keyword.value == name
        else arg
        for arg in call.args
    ]
    return call.with_changes(args=args)


class _CallEditor(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, operations: Iterable[CallOperation]) -> None:
        super().__init__()
        self.by_position: dict[tuple[int, int], list[CallOperation]] = {}
        for operation in operations:
            key = (operation.call.line, operation.call.column - 1)
            self.by_position.setdefault(key, []).append(operation)
        self._pending: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def visit_Call(self, node: cst.Call) -> None:
        code_range = self.get_metadata(PositionProvider, node)
        start, end = code_range.start, code_range.end
        self._pending.append(((start.line, start.column), (end.line, end.column)))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        key, end = self._pending.pop()
        for operation in self.by_position.get(key, ()):
            if operation.end is not None and (operation.end.line, operation.end.column - 1) != end:
                continue
            if isinstance(operation, AddKeyword):
                updated_node = add_keyword(updated_node, operation.keyword, operation.value)
            else:
                updated_node = replace_keyword_value(
                    updated_node, operation.keyword, operation.value
                )
        return updated_node


def _has_import(module: cst.Module, operation: AddImport) -> bool:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if operation.name is None and isinstance(small, cst.Import):
                for alias in small.names:
                    if (
                        alias.asname is None
                        and module.code_for_node(alias.name) == operation.module
                    ):
                        return True
            if (
                operation.name is not None
                and isinstance(small, cst.ImportFrom)
                and small.module is not None
            ):
                if module.code_for_node(small.module) != operation.module or small.relative:
                    continue
                if isinstance(small.names, cst.ImportStar):
                    return True
                if any(
                    a.asname is None and module.code_for_node(a.name) == operation.name
                    for a in small.names
                ):
                    return True
    return False


def _insertion_index(module: cst.Module) -> int:
    """After the docstring, `from __future__` imports and the leading block of imports."""
    index = 0
    body = module.body
    if body and isinstance(body[0], cst.SimpleStatementLine) and body[0].body:
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(
            first.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            index = 1
    while index < len(body):
        statement = body[index]
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            index += 1
            continue
        break
    return index


def _top_module(statement: cst.BaseStatement, module: cst.Module) -> tuple[str, bool] | None:
    """The imported module's dotted name and whether it is a `from` import; None for others."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import) and len(small.names) == 1:
        return module.code_for_node(small.names[0].name), False
    if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        return module.code_for_node(small.module), True
    return None


def _is_stdlib(name: str) -> bool:
    top = name.split(".")[0]
    return top != "__future__" and top in sys.stdlib_module_names


def _sorted_position(module: cst.Module, operation: AddImport, end: int) -> tuple[int, str] | None:
    """Where isort's (and ruff's I001) default order puts a standard-library import.

    Sections are future, standard library, then the rest, a blank line apart; inside a section
    plain `import x` lines come before `from x import y`, each sorted by module name without
    regard to case. Returns the index to insert at and how: "before" the statement there (which
    hands its leading blank lines to the import), "after" the section's last import, or as a
    "new section" before the first third-party import (a blank line between them); None when
    the leading import block gives no place (the import then goes after the block).
    """
    key = (operation.name is not None, operation.module.lower())
    first_other: int | None = None
    last_stdlib: int | None = None
    for index in range(end):
        found = _top_module(module.body[index], module)
        if found is None:
            continue
        name, is_from = found
        if name == "__future__":
            continue
        if not _is_stdlib(name):
            if first_other is None:
                first_other = index
            continue
        if first_other is not None:
            return None
        if (is_from, name.lower()) > key:
            return index, "before"
        last_stdlib = index
    if last_stdlib is not None:
        return last_stdlib + 1, "after"
    if first_other is not None:
        return first_other, "new section"
    return None


def add_imports(module: cst.Module, operations: Sequence[AddImport]) -> cst.Module:
    for operation in dict.fromkeys(operations):
        if not _has_import(module, operation):
            module = _add_import(module, operation)
    return module


def _add_import(module: cst.Module, operation: AddImport) -> cst.Module:
    code = (
        f"import {operation.module}\n"
        if operation.name is None
        else f"from {operation.module} import {operation.name}\n"
    )
    parsed = cst.parse_statement(code)
    assert isinstance(parsed, cst.SimpleStatementLine)
    end = _insertion_index(module)
    body = list(module.body)
    place = _sorted_position(module, operation, end) if _is_stdlib(operation.module) else None
    if place is None:
        body.insert(end, parsed)
        return module.with_changes(body=body)
    index, how = place
    if how != "after":
        following = body[index]
        body[index] = following.with_changes(
            leading_lines=[cst.EmptyLine()] if how == "new section" else []
        )
        parsed = parsed.with_changes(leading_lines=following.leading_lines)
    body.insert(index, parsed)
    return module.with_changes(body=body)


# Dicts: `{...}` displays and `dict(...)` calls --------------------------------


def _string_key(element: cst.BaseDictElement) -> str | None:
    if isinstance(element, cst.DictElement) and isinstance(
        element.key, (cst.SimpleString, cst.ConcatenatedString)
    ):
        value = element.key.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _key_quote(display: cst.Dict, default: str) -> str:
    for element in display.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            return element.key.quote[0]
    return default


def _dict_separator(display: cst.Dict) -> cst.BaseParenthesizableWhitespace:
    elements = display.elements
    if len(elements) >= 2 and isinstance(elements[-2].comma, cst.Comma):
        whitespace = elements[-2].comma.whitespace_after
    else:
        whitespace = display.lbrace.whitespace_after
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return _plain_line_break(whitespace)
    return cst.SimpleWhitespace(" ")


def _append_element(display: cst.Dict, element: cst.DictElement) -> cst.Dict:
    """Append after the last element, keeping a trailing comma and a comment on the last line."""
    elements = list(display.elements)
    if not elements:
        return display.with_changes(elements=[element])
    last = elements[-1]
    separator = _dict_separator(display)
    rbrace = display.rbrace
    closing = rbrace.whitespace_before
    if isinstance(separator, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        separator = separator.with_changes(first_line=closing.first_line)
        rbrace = rbrace.with_changes(
            whitespace_before=closing.with_changes(first_line=cst.TrailingWhitespace())
        )
    if isinstance(last.comma, cst.Comma):
        elements[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        elements.append(element.with_changes(comma=cst.Comma()))
    else:
        elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        elements.append(element)
    return display.with_changes(elements=elements, rbrace=rbrace)


def add_dict_entries(
    display: cst.Dict, entries: Sequence[tuple[str, str]], default_quote: str
) -> cst.Dict:
    quote = _key_quote(display, default_quote)
    for key, value in entries:
        if any(_string_key(element) == key for element in display.elements):
            continue
        element = cst.DictElement(
            key=cst.SimpleString(f"{quote}{key}{quote}"),
            value=cst.parse_expression(value),
            whitespace_before_colon=_NO_SPACE,
            whitespace_after_colon=cst.SimpleWhitespace(" "),
        )
        display = _append_element(display, element)
    return display


def rename_dict_key(display: cst.Dict, old: str, new: str) -> cst.Dict:
    if any(_string_key(element) == new for element in display.elements):
        return display
    elements = []
    for element in display.elements:
        if (
            _string_key(element) == old
            and isinstance(element, cst.DictElement)
            and isinstance(element.key, cst.SimpleString)
        ):
            key = element.key
            element = element.with_changes(
                key=key.with_changes(value=f"{key.prefix}{key.quote}{new}{key.quote}")
            )
        elements.append(element)
    return display.with_changes(elements=elements)


def replace_dict_value(display: cst.Dict, key: str, value: str) -> cst.Dict:
    expression = cst.parse_expression(value)
    elements = [
        element.with_changes(value=expression)
        if _string_key(element) == key and isinstance(element, cst.DictElement)
        else element
        for element in display.elements
    ]
    return display.with_changes(elements=elements)


def rename_keyword(call: cst.Call, old: str, new: str) -> cst.Call:
    if any(arg.keyword is not None and arg.keyword.value == new for arg in call.args):
        return call
    args = [
        arg.with_changes(keyword=cst.Name(new))
        if arg.keyword is not None and arg.keyword.value == old
        else arg
        for arg in call.args
    ]
    return call.with_changes(args=args)


def _edit_display(display: cst.Dict, operation: DictOperation) -> cst.Dict:
    if isinstance(operation, AddDictEntries):
        return add_dict_entries(display, operation.entries, operation.quote)
    if isinstance(operation, RenameDictKey):
        return rename_dict_key(display, operation.old, operation.new)
    return replace_dict_value(display, operation.key, operation.value)


def _edit_dict_call(call: cst.Call, operation: DictOperation) -> cst.Call:
    if isinstance(operation, AddDictEntries):
        for key, value in operation.entries:
            call = add_keyword(call, key, value)
        return call
    if isinstance(operation, RenameDictKey):
        return rename_keyword(call, operation.old, operation.new)
    return replace_keyword_value(call, operation.key, operation.value)


class _CodeEditor(_CallEditor):
    """Call and dict operations in one pass, so that every position refers to the original code."""

    def __init__(self, calls: Iterable[CallOperation], dicts: Iterable[DictOperation]) -> None:
        super().__init__(calls)
        self.dicts_by_position: dict[tuple[int, int], list[DictOperation]] = {}
        for operation in dicts:
            key = (operation.target.line, operation.target.column - 1)
            self.dicts_by_position.setdefault(key, []).append(operation)
        self._calls_seen: list[tuple[int, int]] = []
        self._dicts_seen: list[tuple[int, int]] = []

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return (start.line, start.column)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        self._calls_seen.append(self._start(node))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        updated_node = super().leave_Call(original_node, updated_node)
        for operation in self.dicts_by_position.get(self._calls_seen.pop(), ()):
            updated_node = _edit_dict_call(updated_node, operation)
        return updated_node

    def visit_Dict(self, node: cst.Dict) -> None:
        self._dicts_seen.append(self._start(node))

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        for operation in self.dicts_by_position.get(self._dicts_seen.pop(), ()):
            updated_node = _edit_display(updated_node, operation)
        return updated_node


class _StringEditor(cst.CSTTransformer):
    """Replaces whole string literals (`ReplaceString`), found by start position and text."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, operations: Iterable[ReplaceString]) -> None:
        super().__init__()
        self.module = module
        self.by_position = {(op.target.line, op.target.column - 1): op for op in operations}

    def _replace(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        start = self.get_metadata(PositionProvider, original).start
        operation = self.by_position.get((start.line, start.column))
        if operation is None:
            return updated
        new = operation.applied_to(self.module.code_for_node(original))
        return updated if new is None else cst.parse_expression(new)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)


class _ExpressionEditor(cst.CSTTransformer):
    """Replaces expressions by start position, only where the code still reads `original`."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, operations: Sequence[ReplaceExpression]) -> None:
        super().__init__()
        self.module = module
        self.by_position = {(op.at.line, op.at.column - 1): op for op in operations}

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        if not isinstance(original_node, cst.BaseExpression):
            return updated_node
        start = self.get_metadata(PositionProvider, original_node).start
        operation = self.by_position.get((start.line, start.column))
        if operation is None or self.module.code_for_node(original_node) != operation.original:
            return updated_node
        replacement = cst.parse_expression(operation.replacement)
        changed = replacement.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)
        return cast(cst.CSTNodeT, changed)


def apply_operations(source: str, operations: Sequence[object]) -> str:
    """The source with the operations applied; unknown operation types are an error."""
    calls: list[CallOperation] = []
    dicts: list[DictOperation] = []
    imports: list[AddImport] = []
    strings: list[ReplaceString] = []
    expressions: list[ReplaceExpression] = []
    for operation in operations:
        if isinstance(operation, (AddKeyword, ReplaceKeywordValue)):
            calls.append(operation)
        elif isinstance(operation, (AddDictEntries, RenameDictKey, ReplaceDictValue)):
            dicts.append(operation)
        elif isinstance(operation, AddImport):
            imports.append(operation)
        elif isinstance(operation, ReplaceString):
            strings.append(operation)
        elif isinstance(operation, ReplaceExpression):
            expressions.append(operation)
        else:
            raise TypeError(f"not a Python fix operation: {operation!r}")
    module = cst.parse_module(source)
    if expressions:
        module = MetadataWrapper(module, unsafe_skip_copy=True).visit(
            _ExpressionEditor(module, expressions)
        )
    if strings:
        module = MetadataWrapper(module, unsafe_skip_copy=True).visit(
            _StringEditor(module, strings)
        )
    if calls and not dicts:
        module = MetadataWrapper(module, unsafe_skip_copy=True).visit(_CallEditor(calls))
    elif dicts:
        module = MetadataWrapper(module, unsafe_skip_copy=True).visit(_CodeEditor(calls, dicts))
    if imports:
        module = add_imports(module, imports)
    return module.code
