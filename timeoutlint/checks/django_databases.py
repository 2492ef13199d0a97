"""TL104 django-database-without-connect-timeout: a database that can hang on connect.

Django passes a `DATABASES` entry's OPTIONS to the driver: psycopg / psycopg2
(libpq) and mysqlclient read `connect_timeout` from there. Without it libpq
waits indefinitely (psycopg 3 caps the wait at 130 s) for a server that
accepted the TCP connection and never answers, and every request that
touches the database hangs with it (seed 004's third fix). Entries whose
OPTIONS cannot be read (a variable, a `**splat`, `dj_database_url`) are not
guessed about.

One finding per entry, on its "ENGINE" item.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.findings import Applicability, Fix
from timeoutlint.fixes.operations import AddDictEntries
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.values import Constant, DictValue, Value

RULE = "TL104"
KEY = "connect_timeout"
ENGINES = {
    "django.db.backends.postgresql": "PostgreSQL",
    "django.db.backends.postgresql_psycopg2": "PostgreSQL",
    "django.contrib.gis.db.backends.postgis": "PostgreSQL",
    "django.db.backends.mysql": "MySQL",
    "django.contrib.gis.db.backends.mysql": "MySQL",
}


@dataclass(frozen=True)
class SettingsDict:
    """A dict's items by constant string key; `open` when a splat or computed key may add more."""

    node: ast.expr
    items: dict[str, tuple[ast.expr, ast.expr]]
    open: bool


def _settings_dict(value: Value, model: PythonModule, scope: Scope) -> SettingsDict | None:
    if not isinstance(value, DictValue):
        return None
    items: dict[str, tuple[ast.expr, ast.expr]] = {}
    is_open = False
    for key, item in value.items:
        resolved = model.resolve(key, scope) if key is not None else None
        if key is not None and isinstance(resolved, Constant) and isinstance(resolved.value, str):
            items[resolved.value] = (key, item)
        else:
            is_open = True
    return SettingsDict(value.node, items, is_open)


def _settings_scope(model: PythonModule, node: ast.AST) -> Scope | None:
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if isinstance(ancestor, ast.ClassDef):
            return model.scope_of_definition(ancestor)
    return model.module_scope


def _databases(model: PythonModule) -> Iterator[tuple[ast.expr, Scope]]:
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "DATABASES" for t in targets):
            scope = _settings_scope(model, node)
            if scope is not None:
                yield value, scope


def _quote(model: PythonModule, entry: SettingsDict) -> str:
    for key_node, _ in entry.items.values():
        segment = ast.get_source_segment(model.source, key_node) or ""
        if segment[:1] in ("'", '"'):
            return segment[0]
    return '"'


def _fix(
    model: PythonModule, ctx: CheckContext, entry: SettingsDict, options: SettingsDict | None
) -> Fix:
    configured = ctx.config.default_timeout
    connect = configured[0] if isinstance(configured, tuple) else configured
    seconds = str(max(1, math.ceil(connect)))
    if options is None:
        quote = _quote(model, entry)
        value = f"{{{quote}{KEY}{quote}: {seconds}}}"
        operation = AddDictEntries(model.span(entry.node).start, (("OPTIONS", value),), quote)
        return Fix(Applicability.SAFE, f"Add OPTIONS with `{KEY}: {seconds}`", (operation,))
    quote = _quote(model, options) if options.items else _quote(model, entry)
    operation = AddDictEntries(model.span(options.node).start, ((KEY, seconds),), quote)
    return Fix(Applicability.SAFE, f"Add `{KEY}: {seconds}` to OPTIONS", (operation,))


def _check_entry(
    ctx: CheckContext, model: PythonModule, scope: Scope, alias: str, entry: SettingsDict
) -> None:
    engine_item = entry.items.get("ENGINE")
    if engine_item is None:
        return
    engine = model.resolve(engine_item[1], scope)
    if not isinstance(engine, Constant) or engine.value not in ENGINES:
        return
    options: SettingsDict | None = None
    if "OPTIONS" in entry.items:
        options = _settings_dict(model.resolve(entry.items["OPTIONS"][1], scope), model, scope)
        if options is None or options.open or KEY in options.items:
            return
    elif entry.open:
        return
    key_node, value_node = engine_item
    ctx.report(
        RULE,
        model.span_between(key_node, value_node),
        _fix(model, ctx, entry, options),
        alias=alias,
        database=ENGINES[str(engine.value)],
    )


def check(ctx: CheckContext, model: PythonModule) -> None:
    for value, scope in _databases(model):
        databases = _settings_dict(model.resolve(value, scope), model, scope)
        if databases is None:
            continue
        for alias, (_, entry_node) in databases.items.items():
            entry = _settings_dict(model.resolve(entry_node, scope), model, scope)
            if entry is not None:
                _check_entry(ctx, model, scope, alias, entry)


CHECK = Check(rules=(RULE,), kind="python", triggers=(b"DATABASES",), run=check)
