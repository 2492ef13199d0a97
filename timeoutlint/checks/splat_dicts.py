"""Whether a dict splatted into a call (`f(**K)`) is still the dict its binding wrote.

`K = {}; K["timeout"] = 5; requests.post(url, **K)`: the binding says `{}`,
but the call gets a timeout. A safe fix that adds `timeout=` next to `**K`
would raise `TypeError: got multiple values for keyword argument 'timeout'`.
So a dict reached through a name is trusted only when nothing in the file can
change it: the name is bound once, directly to the dict display (no alias such
as `K = D`), and every other use of the name in the whole file (any scope,
before or after the call, so loops are covered) is itself a `**K` splat in a
call. Item assignment, `.update()`, `.setdefault()`, `|=`, `del K[...]`,
passing `K` to a function, `L = K`, `global K` in a function: all are doubt,
and doubt makes the splat unknown (no finding, hence no fix).
Splats that are not a display or a plain name (`**self.kw`) are trusted only
as far as the Python model resolves them to a display written in place, i.e.
never through an attribute. A helper function of the file whose every
`return` is a dict display (`**self._kwargs()`, or `kw = self._kwargs()` then
`**kw`) passes one of those dicts (`helper_dicts`, `helper_result_is_settled`).
"""

from __future__ import annotations

import ast

from timeoutlint.python.model import PythonModule, function_yields, walk
from timeoutlint.python.values import CallResult, DictValue, LocalFunction


def splat_is_settled(model: PythonModule, expr: ast.expr, splat: DictValue) -> bool:
    """True when `**expr` certainly passes exactly the items of `splat`."""
    if expr is splat.node:
        return True  # `**{...}` / `**dict(...)` written at the call
    if not isinstance(expr, ast.Name):
        return False
    binding = model.parent(splat.node)
    if not (
        isinstance(binding, ast.Assign)
        and len(binding.targets) == 1
        and isinstance(binding.targets[0], ast.Name)
        and binding.targets[0].id == expr.id
    ):
        return False
    target = binding.targets[0]
    for node in walk(model.tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and expr.id in node.names:
            return False
        if not isinstance(node, ast.Name) or node.id != expr.id or node is target:
            continue
        if not _only_splatted(model, node):
            return False
    return True


def _only_splatted(model: PythonModule, name: ast.Name) -> bool:
    """`name` is read as the value of a `**` keyword of a call, and nothing else."""
    if not isinstance(name.ctx, ast.Load):
        return False
    keyword = model.parent(name)
    return (
        isinstance(keyword, ast.keyword)
        and keyword.arg is None
        and isinstance(model.parent(keyword), ast.Call)
    )


# Dicts returned by a helper function -----------------------------------------


def helper_dicts(model: PythonModule, helper: CallResult) -> list[DictValue] | None:
    """The dicts a helper function of the file returns (`def kwargs(): return {"verify": v}`),
    when every `return` gives a dict display written at the `return` itself; None otherwise
    (a generator, a coroutine, a bare `return`, or any other value: the splat is unknown)."""
    function = helper.callee
    if not isinstance(function, LocalFunction) or isinstance(function.node, ast.AsyncFunctionDef):
        return None
    scope = model.scope_of_definition(function.node)
    if scope is None or not scope.returns or function_yields(function.node):
        return None
    found: list[DictValue] = []
    for statement in scope.returns:
        if statement.value is None:
            return None
        value = model.resolve(statement.value, scope)
        if not isinstance(value, DictValue) or value.node is not statement.value:
            return None
        found.append(value)
    return found


def may_be_overridden(helper: CallResult) -> bool:
    """A helper reached through an attribute (`self._kwargs()`) is a method: a subclass may
    override it and return other keys, so a fix next to its splat is not safe."""
    return isinstance(helper.call.func, ast.Attribute)


def helper_result_is_settled(
    model: PythonModule, expr: ast.expr, helper: CallResult, site: ast.Call
) -> bool:
    """True when `**expr` at `site` certainly passes the dict `helper` returned.

    Written at the call (`**self._kwargs()`), it does. Through a name (`kw =
    self._kwargs()` then `**kw`), the name must be bound by that statement in the
    same function (or at module level) as the call, the call must not be in a
    loop there, and every other use of the name in that function (or file) must
    be a `**kw` splat, a use after the call (it cannot change what the call
    got), or an earlier binding that this one replaced. A use in a nested
    function or comprehension, `global` and `nonlocal` are doubt: the splat is
    unknown.
    """
    if expr is helper.call:
        return True
    if not isinstance(expr, ast.Name):
        return False
    assign = model.parent(helper.call)
    if not (
        isinstance(assign, ast.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0], ast.Name)
        and assign.targets[0].id == expr.id
    ):
        return False
    scope = model.scope_of(site)
    function = scope.node
    if scope.kind not in ("function", "module") or model.scope_of(assign) is not scope:
        return False
    for ancestor in model.ancestors(site):
        if ancestor is function:
            break
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return False
    target = assign.targets[0]
    call_end = (site.end_lineno or 0, site.end_col_offset or 0)
    assign_start = (assign.lineno, assign.col_offset)
    for node in walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and expr.id in node.names:
            return False
        if not isinstance(node, ast.Name) or node.id != expr.id or node is target:
            continue
        if model.scope_of(node) is not scope:
            return False
        if _only_splatted(model, node):
            continue
        position = (node.lineno, node.col_offset)
        if position >= call_end:
            continue
        if isinstance(node.ctx, ast.Store) and position < assign_start:
            continue
        return False
    return True
