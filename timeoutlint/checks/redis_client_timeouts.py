"""TL205 redis-client-without-timeouts: a redis-py <8 client that can hang on a dead server.

Before redis-py 8.0 both `socket_timeout` and `socket_connect_timeout`
default to None: a connect to an unreachable host and a read from a server
that stopped answering wait forever. From 8.0 both default to 5 s, so the
rule reports only when the project allows redis-py <8.

A finite `socket_timeout` is wrong for a client that serves pub/sub or
blocking commands (TL201, TL203) or an RQ worker, so the rule neither asks
for nor adds one when such a use is in view; `socket_connect_timeout` is
always right.
"""

from __future__ import annotations

import ast

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect
from timeoutlint.checks.redis_common import (
    REDIS_TRIGGERS,
    redis_model,
    redis_versions,
)
from timeoutlint.findings import Applicability, Fix
from timeoutlint.fixes.operations import AddKeyword
from timeoutlint.python.model import PythonModule
from timeoutlint.python.redis_model import (
    Location,
    RedisClient,
    RedisModel,
    RedisPool,
    long_read_clients,
)

RULE = "TL205"


def _timeout_parts(ctx: CheckContext) -> tuple[str, str]:
    code = ctx.config.timeout_code
    if code.startswith("("):
        connect, read = code.strip("()").split(",")
        return connect.strip(), read.strip()
    return code, code


def _constructed_here(
    model: RedisModel, call: ast.Call, obj: object
) -> RedisClient | RedisPool | None:
    if isinstance(obj, RedisClient) and obj.construction in ("host", "url"):
        owner = obj.settings_location
    elif isinstance(obj, RedisPool):
        owner = obj.location
    else:
        return None
    if owner != model.location(call):
        return None
    return obj


def check(ctx: CheckContext, module: PythonModule) -> None:
    if not redis_versions(ctx).allows_any("<8"):
        return
    model = redis_model(ctx, module)
    long_reads: set[Location] | None = None
    connect_value, read_value = _timeout_parts(ctx)
    for site in module.calls:
        obj = _constructed_here(model, site.node, model.object_at(site.node, site.scope))
        if obj is None:
            continue
        settings = obj.settings
        if long_reads is None:
            long_reads = long_read_clients(model) | ctx.project.python_index.long_read_clients
        serves_long_reads = obj.location in long_reads
        missing: list[str] = []
        if settings.socket_connect_timeout.state == "absent":
            missing.append("socket_connect_timeout")
        if settings.socket_timeout.state == "absent" and not serves_long_reads:
            missing.append("socket_timeout")
        if not missing:
            continue
        span = module.span(site.node)
        operations = tuple(
            AddKeyword(
                span.start,
                name,
                connect_value if name == "socket_connect_timeout" else read_value,
                span.end,
            )
            for name in missing
        )
        applicability = Applicability.UNSAFE if "socket_timeout" in missing else Applicability.SAFE
        fix = Fix(applicability, f"Add {' and '.join(f'`{m}`' for m in missing)}", operations)
        problems = {
            "socket_connect_timeout": "connecting to an unreachable server",
            "socket_timeout": "a command to a server that stopped answering",
        }
        ctx.report(
            RULE,
            module.span(site.node.func),
            fix,
            constructor=obj.constructor,
            missing=" or ".join(missing),
            hangs=" and ".join(problems[m] for m in missing)
            + (" wait" if len(missing) > 1 else " waits"),
        )


def may_report(prospect: Prospect) -> bool:
    """TL205 reports only when the project allows redis-py <8, on a client or pool that the
    Redis model knows (`Prospect.may_reach_redis`)."""
    return prospect.project.dependencies.redis.allows_any("<8") and prospect.may_reach_redis()


CHECK = Check(rules=(RULE,), kind="python", triggers=REDIS_TRIGGERS, run=check, guard=may_report)
