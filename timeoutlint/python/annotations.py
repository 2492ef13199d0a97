"""The class a type annotation names: what an object is when the model cannot see it built.

A parameter (`session: requests.Session`), an annotated assignment
(`client: httpx.Client = make()`) or an attribute declared in a class body
(`client: httpx.Client`) says which class its value has. The forms read here
are the ones that name exactly one class:

- a class reached through imports (`requests.Session`, `Session`) or defined
  in the file;
- that class or `None`: `Optional[T]`, `Union[T, None]`, `T | None`,
  `None | T` (typing and typing_extensions);
- `Annotated[T, ...]`;
- any of these as a string (`"httpx.Client"`), read as Python reads a
  forward reference, in the scope of the annotation.

Anything else (two classes, `type[T]`, a type variable, a protocol written as
a call) names no single class and gives None. Why a `None` member can be
dropped: a method called on the value runs only when it is not None, since
`None.get(...)` raises.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from timeoutlint.python.values import LocalClass, QualifiedName, Value

Resolver = Callable[[ast.expr], Value]

_MAX_DEPTH = 8
_TYPING = ("typing", "typing_extensions")
_OPTIONAL = frozenset(f"{module}.Optional" for module in _TYPING)
_UNION = frozenset(f"{module}.Union" for module in _TYPING)
_ANNOTATED = frozenset(f"{module}.Annotated" for module in _TYPING)


def annotated_class(annotation: ast.expr, resolve: Resolver) -> Value | None:
    """The one class `annotation` names (a `QualifiedName` or `LocalClass`), or None."""
    members = _members(annotation, resolve, 0)
    if not members:
        return None
    first = members[0]
    if all(_same_class(first, other) for other in members[1:]):
        return first
    return None


def _same_class(a: Value, b: Value) -> bool:
    if isinstance(a, QualifiedName) and isinstance(b, QualifiedName):
        return a.name == b.name
    if isinstance(a, LocalClass) and isinstance(b, LocalClass):
        return a.node is b.node
    return False


def _members(node: ast.expr, resolve: Resolver, depth: int) -> list[Value] | None:
    """The classes a union names, without `None`; None when a member is not a class."""
    if depth > _MAX_DEPTH:
        return None
    depth += 1
    if isinstance(node, ast.Constant):
        if node.value is None:
            return []
        if isinstance(node.value, str):
            parsed = _forward_reference(node)
            return None if parsed is None else _members(parsed, resolve, depth)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left = _members(node.left, resolve, depth)
        right = _members(node.right, resolve, depth)
        return None if left is None or right is None else [*left, *right]
    if isinstance(node, ast.Subscript):
        return _subscript_members(node, resolve, depth)
    if isinstance(node, (ast.Name, ast.Attribute)):
        value = resolve(node)
        if isinstance(value, (QualifiedName, LocalClass)):
            return [value]
    return None


def _subscript_members(node: ast.Subscript, resolve: Resolver, depth: int) -> list[Value] | None:
    generic = resolve(node.value)
    if not isinstance(generic, QualifiedName):
        return None
    arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if generic.name in _OPTIONAL and len(arguments) == 1:
        return _members(arguments[0], resolve, depth)
    if generic.name in _ANNOTATED and arguments:
        return _members(arguments[0], resolve, depth)
    if generic.name in _UNION:
        found: list[Value] = []
        for argument in arguments:
            members = _members(argument, resolve, depth)
            if members is None:
                return None
            found.extend(members)
        return found
    return None


def _forward_reference(node: ast.Constant) -> ast.expr | None:
    """A string annotation parsed as an expression, placed where the string is (so a name in it
    is looked up as at the string)."""
    try:
        parsed = ast.parse(str(node.value).strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    for inner in ast.walk(parsed):
        if isinstance(inner, (ast.expr, ast.stmt)):
            ast.copy_location(inner, node)
    return parsed
