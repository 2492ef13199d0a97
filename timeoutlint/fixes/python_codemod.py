"""Carrying out Python fix operations with libcst, keeping the code's formatting.

New keyword arguments follow the call's own layout: on one line they are
joined with ", "; in a multi-line call they get their own line at the
arguments' indentation, and a trailing comma stays a trailing comma.
Comments stay where they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from timeoutlint.fixes.operations import AddImport, AddKeyword, ReplaceKeywordValue

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


def add_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    if any(arg.keyword is not None and arg.keyword.value == name for arg in call.args):
        return call
    new_arg = _keyword_arg(name, value)
    args = list(call.args)
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
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=_NO_SPACE
        )
        args.append(new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg))
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
        self._pending: list[tuple[int, int]] = []

    def visit_Call(self, node: cst.Call) -> None:
        start = self.get_metadata(PositionProvider, node).start
        self._pending.append((start.line, start.column))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        key = self._pending.pop()
        for operation in self.by_position.get(key, ()):
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


def add_imports(module: cst.Module, operations: Sequence[AddImport]) -> cst.Module:
    statements: list[cst.SimpleStatementLine] = []
    for operation in dict.fromkeys(operations):
        if _has_import(module, operation):
            continue
        code = (
            f"import {operation.module}\n"
            if operation.name is None
            else f"from {operation.module} import {operation.name}\n"
        )
        parsed = cst.parse_statement(code)
        assert isinstance(parsed, cst.SimpleStatementLine)
        statements.append(parsed)
    if not statements:
        return module
    index = _insertion_index(module)
    body = list(module.body)
    return module.with_changes(body=[*body[:index], *statements, *body[index:]])


def apply_operations(source: str, operations: Sequence[object]) -> str:
    """The source with the operations applied; unknown operation types are an error."""
    calls: list[CallOperation] = []
    imports: list[AddImport] = []
    for operation in operations:
        if isinstance(operation, (AddKeyword, ReplaceKeywordValue)):
            calls.append(operation)
        elif isinstance(operation, AddImport):
            imports.append(operation)
        else:
            raise TypeError(f"not a Python fix operation: {operation!r}")
    module = cst.parse_module(source)
    if calls:
        module = MetadataWrapper(module, unsafe_skip_copy=True).visit(_CallEditor(calls))
    if imports:
        module = add_imports(module, imports)
    return module.code
