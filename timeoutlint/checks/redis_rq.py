"""TL204 rq-worker-socket-timeout: an RQ worker whose connection times out before its dequeue wait.

An idle RQ worker waits for jobs with `BLPOP` for `worker_ttl - 15` seconds
(405 s by default) and needs the connection's `socket_timeout` above that; rq
itself uses `worker_ttl - 5`. rq <2.0 keeps an explicit lower
`socket_timeout`, so the read times out and the worker logs "Redis connection
timeout, quitting..." and exits after every idle wait. rq >= 2.0 raises the pool's
timeout itself (only connections opened before the worker was built keep the
low value), so the rule reports only when the project allows rq <2.0.
"""

from __future__ import annotations

import ast
import re

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect
from timeoutlint.checks.redis_common import (
    is_valkey,
    redis_model,
    rq_versions,
    seconds_text,
    source_of,
)
from timeoutlint.checks.redis_pubsub import setting_text
from timeoutlint.findings import RelatedLocation
from timeoutlint.python.model import PythonModule
from timeoutlint.python.values import CallResult, Constant
from timeoutlint.redis.model import RedisClient, rq_class, rq_connection
from timeoutlint.redis.vocabulary import RQ_WORKERS

RULE = "TL204"
DEFAULT_WORKER_TTL = 420
QUITS_BEFORE = "<2.0"
WORKERS = RQ_WORKERS


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _burst_only(module: PythonModule, worker: ast.Call) -> bool:
    """Whether the worker built by `worker` is run, and only ever as `work(burst=True)`: a burst
    worker takes jobs with a non-blocking LPOP and returns when the queues are empty, so it never
    waits on the connection."""
    runs: list[ast.Call] = []
    for site in module.calls:
        func = site.node.func
        if not isinstance(func, ast.Attribute) or func.attr != "work":
            continue
        receiver = module.resolve(func.value, site.scope)
        if isinstance(receiver, CallResult) and receiver.call is worker:
            runs.append(site.node)
    return bool(runs) and all(_is_burst(module, run) for run in runs)


def _is_burst(module: PythonModule, run: ast.Call) -> bool:
    scope = module.scope_of(run)
    burst = _keyword(run, "burst") or (run.args[0] if run.args else None)
    value = module.resolve(burst, scope) if burst is not None else None
    return isinstance(value, Constant) and value.value is True


def check(ctx: CheckContext, module: PythonModule) -> None:
    versions = rq_versions(ctx)
    if not versions.allows_any(QUITS_BEFORE):
        return
    model = redis_model(ctx, module)
    for site in module.calls:
        call = site.node
        worker = rq_class(model, module.resolve(call.func, site.scope))
        if worker not in WORKERS:
            continue
        connection = rq_connection(model, call, site.scope)
        if connection is None:
            continue
        client = model.object_at(*connection)
        if not isinstance(client, RedisClient) or is_valkey(client):
            # rq's "Redis connection timeout, quitting..." catches redis-py's TimeoutError only
            continue
        seconds = client.settings.socket_timeout.seconds
        if seconds is None:
            continue
        ttl_expr = _keyword(call, "worker_ttl")
        ttl: float = DEFAULT_WORKER_TTL
        if ttl_expr is not None:
            constant = model.constant(ttl_expr, site.scope)
            if constant is None or isinstance(constant.value, bool):
                continue
            if not isinstance(constant.value, (int, float)):
                continue
            ttl = float(constant.value)
        dequeue = max(1.0, ttl - 15)
        needed = ttl - 5
        if seconds >= needed or _burst_only(module, call):
            continue
        where = client.settings_location
        ctx.report(
            RULE,
            module.span(call.func),
            None,
            (RelatedLocation(where.path, where.span, "the connection's socket_timeout"),),
            worker=source_of(module, call.func),
            setting=setting_text("socket_timeout", client.settings.socket_timeout),
            where=where.describe(ctx.path, client.settings.socket_timeout.line),
            needed=seconds_text(needed),
            dequeue=seconds_text(dequeue),
            ttl=seconds_text(ttl),
            after=seconds_text(seconds),
            versions=versions.assumption(QUITS_BEFORE),
        )


_CONNECTION_KEYWORD = re.compile(rb"connection[ \t\f]*(?:=(?!=)|[#\\\r\n])")
"""Where `connection=` may be a keyword argument: the name, blanks, then `=` (not `==`), or
something after which more blanks, comments and line breaks may come before the `=` (a
comment, a line continuation, a line break inside the call's parentheses). Linear time: the
blanks after one `connection` cannot hold another."""


def may_report(prospect: Prospect) -> bool:
    """TL204 reports only when the project allows rq <2.0, on a call of one of `WORKERS` or of a
    class extending one (`rq_class`: a class of this file needs a base that is one, so an
    import; a class of another module is an alias in the index), either way a name that
    `Prospect.may_reach` admits, with a client the Redis model knows
    (`Prospect.may_reach_redis`; `with Connection(conn):` passes such a client on).

    The connection is the call's `connection=` keyword or, with none, the `Connection` of an
    enclosing `with` block (`rq_connection`), a name that resolves to `rq.Connection`: so a
    file that never says `rq` (the `connection` trigger's files: a worker subclass of another
    module) must pass `connection=` (`_CONNECTION_KEYWORD`, cheaper than reading its imports;
    a keyword given through `**kwargs` is not read by the check either)."""
    return (
        prospect.project.dependencies.rq.allows_any(QUITS_BEFORE)
        and (b"rq" in prospect.data or _CONNECTION_KEYWORD.search(prospect.data) is not None)
        and prospect.may_reach(WORKERS)
        and prospect.may_reach_redis()
    )


CHECK = Check(
    rules=(RULE,),
    kind="python",
    triggers=(b"rq", b"connection"),
    run=check,
    guard=may_report,
)
"""A worker call names rq (an import, or `with Connection(...)` from rq), or passes
`connection=`: a subclass of another module (`MyWorker(queues, connection=conn)`) need not say
rq."""
