"""TL202 keepalive-raw-option-keys: `socket_keepalive_options` keyed by raw numbers or strings.

redis-py calls `setsockopt(IPPROTO_TCP, key, value)` for each entry, so the
keys must be the platform's `socket.TCP_*` constants. On Linux 1, 2 and 3
are TCP_NODELAY, TCP_MAXSEG and TCP_CORK: the common `{1: 60, 2: 10, 3: 6}`
fails to connect with Error 22 (MAXSEG below 88), and deleting key 2 leaves
TCP_CORK on (about 200 ms per command). String keys fail outright.

The dict is found wherever it flows in the file: the keyword of any call
(`Redis(...)`, `ConnectionPool(...)`, `dict(...)`), a name bound to a dict
display, and a `"socket_keepalive_options"` entry of a settings dict (Django
`CONNECTION_POOL_KWARGS`, Celery `broker_transport_options`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.findings import Applicability, Fix
from timeoutlint.fix_operations import AddImport, ReplaceExpression
from timeoutlint.python.model import PythonModule, Scope, walk
from timeoutlint.python.values import DictValue

RULE = "TL202"
OPTION = "socket_keepalive_options"
LINUX_NAMES = {
    1: "TCP_NODELAY",
    2: "TCP_MAXSEG",
    3: "TCP_CORK",
    4: "TCP_KEEPIDLE",
    5: "TCP_KEEPINTVL",
    6: "TCP_KEEPCNT",
    7: "TCP_SYNCNT",
    18: "TCP_USER_TIMEOUT",
}
# What the authors of `{1: 60, 2: 10, 3: 6}` meant: the n-th keepalive setting.
INTENDED = {1: "TCP_KEEPIDLE", 2: "TCP_KEEPINTVL", 3: "TCP_KEEPCNT"}
SAME_MEANING = {
    4: "TCP_KEEPIDLE",
    5: "TCP_KEEPINTVL",
    6: "TCP_KEEPCNT",
    7: "TCP_SYNCNT",
    18: "TCP_USER_TIMEOUT",
}
STRING_NAMES = frozenset(
    {"TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_KEEPALIVE", "TCP_USER_TIMEOUT"}
)
MIN_MAXSEG = 88


@dataclass(frozen=True)
class RawKey:
    node: ast.Constant
    value: ast.expr
    replacement: str | None
    changes_meaning: bool


def _option_dicts(module: PythonModule) -> list[tuple[ast.Dict, Scope]]:
    found: dict[int, tuple[ast.Dict, Scope]] = {}

    def add(expr: ast.expr, scope: Scope) -> None:
        value = module.resolve(expr, scope)
        if isinstance(value, DictValue) and isinstance(value.node, ast.Dict):
            found.setdefault(id(value.node), (value.node, module.scope_of(value.node)))

    for site in module.calls:
        for keyword in site.node.keywords:
            if keyword.arg == OPTION:
                add(keyword.value, site.scope)
    for node in walk(module.tree):
        if isinstance(node, ast.Dict):
            for key, item in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == OPTION:
                    add(item, module.scope_of(node))
    return sorted(found.values(), key=lambda pair: (pair[0].lineno, pair[0].col_offset))


def _raw_keys(display: ast.Dict) -> list[RawKey]:
    keys: list[RawKey] = []
    for key, value in zip(display.keys, display.values, strict=True):
        if not isinstance(key, ast.Constant) or isinstance(key.value, bool):
            continue
        if isinstance(key.value, int):
            number = key.value
            if number in INTENDED:
                keys.append(RawKey(key, value, INTENDED[number], True))
            else:
                keys.append(RawKey(key, value, SAME_MEANING.get(number), False))
        elif isinstance(key.value, str):
            name = key.value.upper()
            keys.append(RawKey(key, value, name if name in STRING_NAMES else None, False))
    return keys


def _problem(keys: list[RawKey]) -> str:
    numbers = [k.node.value for k in keys if isinstance(k.node.value, int)]
    parts: list[str] = []
    low = [n for n in numbers if n in INTENDED]
    if low:
        names = ", ".join(f"{n}={LINUX_NAMES[n]}" for n in low)
        parts.append(f"on Linux {names}, none of them a keepalive option")
    maxseg = [
        k
        for k in keys
        if k.node.value == 2
        and isinstance(k.value, ast.Constant)
        and isinstance(k.value.value, int)
        and k.value.value < MIN_MAXSEG
    ]
    if maxseg:
        parts.append(
            "TCP_MAXSEG below 88 makes every connect fail with Error 22 (Invalid argument)"
        )
    if 3 in low:
        parts.append("TCP_CORK delays each command by about 200 ms")
    other = [n for n in numbers if n not in INTENDED]
    if other:
        parts.append("raw numbers mean other options on other platforms (macOS, Windows)")
    if any(isinstance(k.node.value, str) for k in keys):
        parts.append("string keys are not socket options and fail to connect")
    return "; ".join(parts)


def _constant_prefix(
    module: PythonModule, scope: Scope, names: list[str]
) -> tuple[str, bool] | None:
    """How this file refers to `socket` constants: (prefix, needs `import socket`), or None."""
    for bindings in module.module_scope.bindings.values():
        for binding in bindings:
            if binding.kind == "import" and binding.qualified_name == "socket":
                found = module.lookup(binding.name, scope)
                if found is binding:
                    return f"{binding.name}.", False
    if names and all(
        (b := module.lookup(name, scope)) is not None and b.qualified_name == f"socket.{name}"
        for name in names
    ):
        return "", False
    if module.lookup("socket", scope) is None:
        return "socket.", True
    return None


def _fix(module: PythonModule, scope: Scope, keys: list[RawKey]) -> Fix | None:
    replaceable = [k for k in keys if k.replacement is not None]
    if not replaceable:
        return None
    names = [k.replacement for k in replaceable if k.replacement is not None]
    if len(set(names)) != len(names):
        return None
    prefix = _constant_prefix(module, scope, names)
    if prefix is None:
        return None
    operations: list[object] = []
    for key in replaceable:
        original = ast.get_source_segment(module.source, key.node)
        if original is None:
            return None
        start = module.span(key.node).start
        operations.append(ReplaceExpression(start, original, f"{prefix[0]}{key.replacement}"))
    if prefix[1]:
        operations.append(AddImport("socket"))
    unsafe = any(k.changes_meaning for k in replaceable)
    return Fix(
        Applicability.UNSAFE if unsafe else Applicability.SAFE,
        "Use the `socket.TCP_*` keepalive constants",
        tuple(operations),
    )


def check(ctx: CheckContext, module: PythonModule) -> None:
    for display, scope in _option_dicts(module):
        keys = _raw_keys(display)
        if not keys:
            continue
        shown = ", ".join(
            ast.get_source_segment(module.source, k.node) or repr(k.node.value) for k in keys
        )
        ctx.report(
            RULE,
            module.span(display),
            _fix(module, scope, keys),
            keys=shown,
            problem=_problem(keys),
        )


CHECK = Check(rules=(RULE,), kind="python", triggers=(OPTION.encode(),), run=check)
