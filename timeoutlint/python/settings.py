"""Reading Django-style settings dicts (`CACHES`, `DATABASES`) from the Python model.

A settings module assigns a dict display or `dict(...)` to an upper-case
name at module (or class) level. Rules read its items by constant string key
and must know when the dict is *open* (a `**splat` or a computed key may add
items they cannot see), so that they never report a key as missing when it
may be there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.values import Constant, DictValue, Value


@dataclass(frozen=True)
class SettingsDict:
    """A dict's items by constant string key; `open` when a splat or computed key may add more."""

    node: ast.expr
    items: dict[str, tuple[ast.expr, ast.expr]]
    open: bool


def read_settings_dict(value: Value, model: PythonModule, scope: Scope) -> SettingsDict | None:
    if not isinstance(value, DictValue):
        return None
    items: dict[str, tuple[ast.expr, ast.expr]] = {}
    is_open = False
    for key, item in value.items:
        if key is None:
            is_open = True
            continue
        resolved = model.resolve(key, scope)
        if isinstance(resolved, Constant) and isinstance(resolved.value, str):
            items[resolved.value] = (key, item)
        else:
            is_open = True
    return SettingsDict(value.node, items, is_open)


def _definition_scope(model: PythonModule, node: ast.AST) -> Scope | None:
    """The module or class scope a settings assignment runs in; None inside a function."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if isinstance(ancestor, ast.ClassDef):
            return model.scope_of_definition(ancestor)
    return model.module_scope


def settings_assignments(model: PythonModule, name: str) -> Iterator[tuple[ast.expr, Scope]]:
    """The values assigned to the setting `name` outside functions, with their scopes."""
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            scope = _definition_scope(model, node)
            if scope is not None:
                yield value, scope


def quote_style(model: PythonModule, entry: SettingsDict) -> str:
    """The quote character the dict's keys are written with, for keys a fix adds."""
    for key_node, _ in entry.items.values():
        if isinstance(key_node, ast.Constant) and hasattr(key_node, "lineno"):
            segment = ast.get_source_segment(model.source, key_node) or ""
            stripped = segment.lstrip("rRbBuUfF")
            if stripped[:1] in ("'", '"'):
                return stripped[0]
    return '"'


def settings_entries(model: PythonModule, name: str) -> Iterator[tuple[str, SettingsDict, Scope]]:
    """Each readable entry of a setting like `CACHES` or `DATABASES`: (alias, entry dict, scope)."""
    for value_node, scope in settings_assignments(model, name):
        settings = read_settings_dict(model.resolve(value_node, scope), model, scope)
        if settings is None:
            continue
        for alias, (_, item) in settings.items.items():
            entry = read_settings_dict(model.resolve(item, scope), model, scope)
            if entry is not None:
                yield alias, entry, scope
