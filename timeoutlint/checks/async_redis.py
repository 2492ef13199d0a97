"""TL301/TL302/TL303: synchronous redis-py calls made directly inside `async def`.

A sync redis-py call blocks the thread, and inside a coroutine that thread
runs the event loop: nothing else in the process runs until the call returns
(measured against a real server: 0 ticks of a 250 ms ticker during a 3 s
`listen()` or `blpop`). The typical case: `pubsub.listen()` iterated inside a
FastAPI streaming generator freezes every other request.

The rules decide by what the object is: a client built by `redis.asyncio`
is never reported, whatever its methods are called. Code in a nested sync
`def` or `lambda` (what `asyncio.to_thread`, `run_in_executor`,
`run_in_threadpool` and `anyio.to_thread.run_sync` run) is not inside the
coroutine unless the coroutine calls it at once, and a method handed over
without being called is not a call.

- TL301: pub/sub reads (`listen()`, `parse_response()`, `get_message()` with
  any timeout: a 0.1 s poll still holds the loop for up to 0.1 s per call).
- TL302: blocking commands (`blpop`, `xread(block=...)`, ...).
- TL303: every other sync call that does a round trip (on by default since 2026-12; see
  docs/architecture.md, Decisions).
"""

from __future__ import annotations

import ast

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.checks.redis_blocking import BLOCKING_METHOD_NAMES, block_text
from timeoutlint.checks.redis_common import (
    BLOCKING_TRIGGERS,
    PUBSUB_TRIGGERS,
    block_time,
    call_text,
    redis_model,
    seconds_text,
)
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.values import Constant, LocalFunction
from timeoutlint.redis.model import (
    MethodCall,
    RedisClient,
    RedisModel,
    RedisPipeline,
    RedisPubSub,
)
from timeoutlint.redis.vocabulary import BLOCKING_COMMANDS, library_named

ASYNC_TRIGGERS = tuple(dict.fromkeys((*PUBSUB_TRIGGERS, b"parse_response(", *BLOCKING_TRIGGERS)))
PUBSUB_RULE = "TL301"
BLOCKING_RULE = "TL302"
ORDINARY_RULE = "TL303"
# Client methods that build an object without talking to the server.
_LOCAL_CLIENT_METHODS = frozenset(
    {
        "pubsub", "pipeline", "lock", "register_script", "get_encoder", "get_connection_kwargs",
        "set_response_callback", "get_retry", "set_retry", "monitor", "client", "close",
    }
)  # fmt: skip
_LOCAL_PUBSUB_METHODS = frozenset({"run_in_thread", "close", "reset"})
_IO_PIPELINE_METHODS = frozenset({"execute", "watch", "unwatch", "reset"})


def _argument(found: MethodCall, name: str, position: int) -> ast.expr | None:
    for keyword in found.call.keywords:
        if keyword.arg == name:
            return keyword.value
    return found.call.args[position] if len(found.call.args) > position else None


def _pubsub_wait(model: RedisModel, found: MethodCall) -> str | None:
    """How long a sync pub/sub read holds the loop, if it is a read (TL301).

    Every read counts: even `get_message(timeout=0.1)` polls block the loop for up to their
    timeout on every call (and sleep for it while nothing is subscribed), and a poll with no
    timeout still reads the socket synchronously.
    """
    if found.method == "listen":
        return "until a message arrives"
    if found.method == "parse_response":
        block = _argument(found, "block", 0)
        constant = model.constant(block, found.scope) if block is not None else Constant(True)
        if constant is not None and constant.value is True:
            return "until a message arrives"
        return "while it reads the socket"
    if found.method != "get_message":
        return None
    expr = _argument(found, "timeout", 1)
    if expr is None:
        return "while it reads the socket on every poll"
    constant = model.constant(expr, found.scope)
    if constant is None:
        return "for up to its timeout on every poll"
    value = constant.value
    if value is None:
        return "until a message arrives (timeout=None)"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return f"for up to {seconds_text(float(value))} on every poll"
    return "while it reads the socket on every poll"


def _classify(model: RedisModel, found: MethodCall) -> tuple[str, dict[str, object]] | None:
    receiver = found.receiver
    call = call_text(model.module, found.call)
    if isinstance(receiver, RedisPubSub):
        wait = _pubsub_wait(model, found)
        if wait is not None:
            return PUBSUB_RULE, {"call": call, "wait": wait}
        if found.method in _LOCAL_PUBSUB_METHODS:
            return None
        return ORDINARY_RULE, {"call": call}
    if isinstance(receiver, RedisPipeline):
        if found.method in _IO_PIPELINE_METHODS:
            return ORDINARY_RULE, {"call": call}
        return None
    if isinstance(receiver, RedisClient):
        if found.method in BLOCKING_COMMANDS:
            block = block_time(model, found.method, found.call, found.scope)
            if block is not None and block.seconds is not None:
                return BLOCKING_RULE, {
                    "call": call,
                    "method": found.method,
                    "block": block_text(block),
                }
            if block is None and found.method not in ("xread", "xreadgroup"):
                return BLOCKING_RULE, {
                    "call": call,
                    "method": found.method,
                    "block": "for as long as it blocks",
                }
            return ORDINARY_RULE, {"call": call}
        if found.method in _LOCAL_CLIENT_METHODS:
            return None
        return ORDINARY_RULE, {"call": call}
    return None


class _EventLoopCode:
    """Which scopes run on the event loop: the body of an `async def`, and a nested sync `def`
    or `lambda` that such code calls at once (`(lambda: p.get_message())()`, `def read(): ...`
    then `read()`). A function handed over without being called (to `asyncio.to_thread`,
    `run_in_executor`, ...) runs in a thread instead."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.known: dict[int, bool] = {}

    def runs(self, scope: Scope, depth: int = 0) -> bool:
        function = self.module.function_scope(scope)
        if function is None:
            return False
        if function.is_async:
            return True
        key = id(function.node)
        if key not in self.known:
            self.known[key] = False
            self.known[key] = depth < 8 and self._called_at_once(function, depth)
        return self.known[key]

    def _called_at_once(self, function: Scope, depth: int) -> bool:
        module, node = self.module, function.node
        if function.parent is None or module.function_scope(function.parent) is None:
            return False
        if isinstance(node, ast.Lambda):
            parent = module.parent(node)
            return (
                isinstance(parent, ast.Call)
                and parent.func is node
                and self.runs(function.parent, depth + 1)
            )
        if not isinstance(node, ast.FunctionDef):
            return False
        for site in module.calls:
            func = site.node.func
            if not isinstance(func, ast.Name) or func.id != node.name:
                continue
            value = module.resolve(func, site.scope)
            if isinstance(value, LocalFunction) and value.node is node:
                if self.runs(site.scope, depth + 1):
                    return True
        return False


def check(ctx: CheckContext, module: PythonModule) -> None:
    model = redis_model(ctx, module)
    on_loop = _EventLoopCode(module)
    for found in model.method_calls():
        if found.receiver.flavor != "sync" or not on_loop.runs(found.scope):
            continue
        classified = _classify(model, found)
        if classified is None:
            continue
        rule, args = classified
        library = library_named(found.receiver.library)
        args.update(library=library.name, asyncio=library.asyncio)
        ctx.add(rule, module.span(found.call.func), args)


_PUBSUB_WAITS = (b"listen", b"get_message", b"parse_response")


def may_report(prospect: Prospect) -> bool:
    """Every finding is a sync call directly inside an `async def` (the keyword is in the
    bytes) on an object the Redis model knows (`Prospect.may_reach_redis`): TL301 a `listen()`
    or `get_message()`, TL302 a blocking command (their names are in the bytes), TL303 any."""
    data = prospect.data
    if b"async" not in data or not prospect.may_reach_redis():
        return False
    enabled = prospect.enabled
    return (
        ORDINARY_RULE in enabled
        or (PUBSUB_RULE in enabled and mentions_any(data, _PUBSUB_WAITS))
        or (BLOCKING_RULE in enabled and mentions_any(data, BLOCKING_METHOD_NAMES))
    )


CHECK = Check(
    rules=(PUBSUB_RULE, BLOCKING_RULE, ORDINARY_RULE),
    kind="python",
    triggers=ASYNC_TRIGGERS,
    run=check,
    guard=may_report,
)
