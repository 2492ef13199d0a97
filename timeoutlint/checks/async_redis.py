"""TL301/TL302/TL303: synchronous redis-py calls made directly inside `async def`.

A sync redis-py call blocks the thread, and inside a coroutine that thread
runs the event loop: nothing else in the process runs until the call returns
(premises, item 8: 0 ticks of a 250 ms ticker during a 3 s `listen()` or
`blpop`). Seed 003 iterated `pubsub.listen()` inside a FastAPI streaming
generator.

The rules decide by what the object is: a client built by `redis.asyncio`
is never reported, whatever its methods are called. Code in a nested sync
`def` or `lambda` (what `asyncio.to_thread`, `run_in_executor`,
`run_in_threadpool` and `anyio.to_thread.run_sync` run) is not inside the
coroutine, and a method handed over without being called is not a call.

- TL301: pub/sub reads that wait for a message (`listen()`, `get_message()`
  with `timeout=None` or at least a second).
- TL302: blocking commands (`blpop`, `xread(block=...)`, ...).
- TL303 (off by default): every other sync call that does a round trip.
"""

from __future__ import annotations

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.checks.redis_blocking import BLOCKING_METHOD_NAMES, block_text
from timeoutlint.checks.redis_common import (
    BLOCKING_COMMANDS,
    BLOCKING_TRIGGERS,
    PUBSUB_TRIGGERS,
    block_time,
    call_text,
    redis_model,
    seconds_text,
)
from timeoutlint.python.model import PythonModule
from timeoutlint.python.redis_model import (
    MethodCall,
    RedisClient,
    RedisModel,
    RedisPipeline,
    RedisPubSub,
)

ASYNC_TRIGGERS = tuple(dict.fromkeys((*PUBSUB_TRIGGERS, *BLOCKING_TRIGGERS)))
PUBSUB_RULE = "TL301"
BLOCKING_RULE = "TL302"
ORDINARY_RULE = "TL303"
LONG_POLL_SECONDS = 1.0
# Client methods that build an object without talking to the server.
_LOCAL_CLIENT_METHODS = frozenset(
    {
        "pubsub", "pipeline", "lock", "register_script", "get_encoder", "get_connection_kwargs",
        "set_response_callback", "get_retry", "set_retry", "monitor", "client", "close",
    }
)  # fmt: skip
_LOCAL_PUBSUB_METHODS = frozenset({"run_in_thread", "close", "reset"})
_IO_PIPELINE_METHODS = frozenset({"execute", "watch", "unwatch", "reset"})


def _pubsub_wait(model: RedisModel, found: MethodCall) -> str | None:
    """How long a sync pub/sub read can hold the loop, if long enough to be TL301."""
    if found.method == "listen":
        return "until a message arrives"
    if found.method != "get_message":
        return None
    expr = None
    for keyword in found.call.keywords:
        if keyword.arg == "timeout":
            expr = keyword.value
    if expr is None and len(found.call.args) > 1:
        expr = found.call.args[1]
    if expr is None:
        return None
    constant = model.constant(expr, found.scope)
    if constant is None:
        return None
    if constant.value is None:
        return "until a message arrives (timeout=None)"
    value = constant.value
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value >= LONG_POLL_SECONDS
    ):
        return f"for up to {seconds_text(float(value))} per call"
    return None


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


def check(ctx: CheckContext, module: PythonModule) -> None:
    model = redis_model(ctx, module)
    for found in model.method_calls():
        if found.receiver.flavor != "sync" or not module.in_async_function(found.scope):
            continue
        classified = _classify(model, found)
        if classified is None:
            continue
        rule, args = classified
        ctx.add(rule, module.span(found.call.func), args)


_PUBSUB_WAITS = (b"listen", b"get_message")


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
