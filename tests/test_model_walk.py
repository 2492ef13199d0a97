"""The model walk: the classes it visits by hand are visited as a generic walk would visit them."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

from timeoutlint.python.model import _CHILD_FIELDS, PythonModule

DIRECT_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.Call: ("func", "args", "keywords"),
    ast.keyword: ("value",),
    ast.Attribute: ("value",),
    ast.Expr: ("value",),
    ast.Await: ("value",),
    ast.Starred: ("value",),
    ast.Tuple: ("elts",),
    ast.List: ("elts",),
    ast.Set: ("elts",),
    ast.Subscript: ("value", "slice"),
    ast.BinOp: ("left", "right"),
    ast.Compare: ("left", "comparators"),
    ast.BoolOp: ("values",),
    ast.UnaryOp: ("operand",),
    ast.If: ("test", "body", "orelse"),
}
"""The child fields `_ScopeBuilder` reads directly for these classes, in its order."""

EVERY_DIRECT_CLASS = """
    a(b(1)).c(d("s"), *e(), k=f(g()))[h(), i()]
    await j(k.l.m(n()))
    (o() + p("t")) < q() <= r()
    s() and not u(v()) or w()
    {x(), y()}, [z("u")]
    if aa(): bb(cc())
    elif dd(): ee()
    else: ff("w")
"""


def _preorder(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.NodeVisitor`'s order: a node, then its children in `_fields` order."""
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _preorder(child)


def test_directly_read_fields_are_every_child_field_of_their_class() -> None:
    for cls, fields in DIRECT_FIELDS.items():
        assert _CHILD_FIELDS[cls] == fields, cls.__name__


def test_calls_are_recorded_in_the_order_of_a_generic_walk() -> None:
    tree = ast.parse(textwrap.dedent(EVERY_DIRECT_CLASS))
    model = PythonModule("", tree)
    expected = [node for node in _preorder(tree) if isinstance(node, ast.Call)]
    assert [site.node for site in model.calls] == expected
    assert len(expected) == 29


def test_string_constants_are_every_string_of_the_file_in_walk_order() -> None:
    tree = ast.parse("def f(a: 'A' = 'd') -> 'R':\n    return f'x{a!r:>{w}}' + g(k='v')\n")
    model = PythonModule("", tree)
    expected = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert model.string_constants == expected
    assert sorted(node.value for node in expected) == [">", "A", "R", "d", "v", "x"]
