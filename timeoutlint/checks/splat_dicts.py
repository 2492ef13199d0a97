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
Splats that are not a display or a plain name (`**self.kw`, `**f()`) are
trusted only as far as the Python model resolves them to a display written
in place, i.e. never through an attribute.
"""

from __future__ import annotations

import ast

from timeoutlint.python.model import PythonModule
from timeoutlint.python.values import DictValue


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
    for node in ast.walk(model.tree):
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
