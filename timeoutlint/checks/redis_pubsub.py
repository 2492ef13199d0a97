"""TL201 pubsub-finite-socket-timeout: a pub/sub listener on a client whose reads time out.

`listen()` waits for the next message as long as it takes, but redis-py
applies the client's `socket_timeout` to that wait. What happens then depends
on the version and on how the client was built (tests/premises/ shows each case):
redis-py <6 raises `TimeoutError` after N silent seconds; 6.0-8.0.0 raise
the same for `from_url`/pool clients and silently reconnect and re-subscribe
every N seconds for `Redis(host=...)` clients (which get retries); 8.0.0's
new default of 5 s affects clients with no `socket_timeout` at all; from
8.0.1 blocking pub/sub reads ignore `socket_timeout`.
"""

from __future__ import annotations

import ast

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.checks.redis_common import (
    PUBSUB_TRIGGERS,
    VALKEY_FACTS,
    call_text,
    is_valkey,
    redis_model,
    redis_versions,
    seconds_text,
)
from timeoutlint.findings import Applicability, Fix, RelatedLocation
from timeoutlint.fix_operations import AddKeyword, ReplaceKeywordValue
from timeoutlint.project.dependencies import VersionRange
from timeoutlint.python.model import PythonModule
from timeoutlint.redis.model import MethodCall, RedisClient, RedisModel, RedisPubSub, Setting

RULE = "TL201"
_RAISES = "raises TimeoutError after {n} without a message"
_RECONNECTS = "reconnects and re-subscribes every {n} (extra subscribe messages, publishes can be missed meanwhile)"
_EITHER = "raises or reconnects every {n}, depending on its retry policy"


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position]
    return None


def waits_for_messages(model: RedisModel, found: MethodCall) -> bool:
    """`listen()`, `get_message(timeout=None)`, `run_in_thread(sleep_time=None)`."""
    if found.method == "listen":
        return True
    if found.method in ("get_message", "run_in_thread"):
        keyword, position = ("timeout", 1) if found.method == "get_message" else ("sleep_time", 0)
        expr = _argument(found.call, keyword, position)
        if expr is None:
            return False
        constant = model.constant(expr, found.scope)
        return constant is not None and constant.value is None
    return False


def _bands(client: RedisClient, seconds: float, versions: VersionRange) -> list[str]:
    n = seconds_text(seconds)
    middle = {"host": _RECONNECTS, "url": _RAISES, "pool": _RAISES, "sentinel": _RAISES}.get(
        client.construction, _EITHER
    )
    old = versions.allows_any("<6")
    new = versions.allows_any(">=6,<8.0.1")
    if old and new and middle == _RAISES:
        return ["redis-py <8.0.1 " + _RAISES.format(n=n)]
    bands = []
    if old:
        bands.append("redis-py <6 " + _RAISES.format(n=n))
    if new:
        bands.append(
            "6.0-8.0.0 " + middle.format(n=n) if old else "redis-py 6.0-8.0.0 " + middle.format(n=n)
        )
    return bands


FINITE_TIMEOUT_AFFECTS = "<8.0.1"
DEFAULT_TIMEOUT_AFFECTS = "==8.0.0"


def consequence(client: RedisClient, versions: VersionRange) -> tuple[str, str, str] | None:
    """(what the client's socket_timeout is, what happens and in which versions, the versions
    assumed), if affected. With no pin, 8.0.0 is not assumed: see `project/dependencies.py`.
    valkey-py raises after a finite `socket_timeout` in every release, whatever the
    construction; its default depends on the release, so an absent one is not reported."""
    setting = client.settings.socket_timeout
    seconds = setting.seconds
    if is_valkey(client):
        if seconds is None or seconds <= 0:
            return None
        return (
            setting_text("socket_timeout", setting),
            "valkey-py " + _RAISES.format(n=seconds_text(seconds)),
            VALKEY_FACTS,
        )
    if seconds is not None and seconds > 0:
        bands = _bands(client, seconds, versions)
        if not bands:
            return None
        return (
            setting_text("socket_timeout", setting),
            "; ".join(bands),
            versions.assumption(FINITE_TIMEOUT_AFFECTS),
        )
    if setting.state == "absent" and versions.allows_any(DEFAULT_TIMEOUT_AFFECTS):
        middle = _RECONNECTS if client.construction == "host" else _RAISES
        if client.construction not in ("host", "url", "pool", "sentinel"):
            middle = _EITHER
        return (
            "no socket_timeout",
            "redis-py 8.0.0's default socket_timeout of 5 s applies, so it "
            + middle.format(n="5 s"),
            versions.assumption(DEFAULT_TIMEOUT_AFFECTS),
        )
    return None


def setting_text(name: str, setting: Setting) -> str:
    value = setting.value
    shown = "None" if setting.state == "none" else _literal(value)
    text = f"{name}={shown}"
    if setting.origin == "url":
        text += " in its URL"
    if setting.from_env:
        text += f" from ${setting.from_env}'s default"
    return text


def _literal(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _fix(ctx: CheckContext, client: RedisClient) -> Fix | None:
    settings = client.settings
    if client.settings_location.path != ctx.path or not settings.socket_timeout.editable:
        return None
    start, end = client.settings_location.span.start, client.settings_location.span.end
    operations: list[object] = []
    if settings.socket_timeout.state == "absent":
        operations.append(AddKeyword(start, "socket_timeout", "None", end))
    else:
        operations.append(ReplaceKeywordValue(start, "socket_timeout", "None", end))
    if settings.socket_keepalive.state == "absent":
        operations.append(AddKeyword(start, "socket_keepalive", "True", end))
    return Fix(
        Applicability.UNSAFE,
        "Set `socket_timeout=None` on the client (with TCP keepalive)",
        tuple(operations),
    )


def check(ctx: CheckContext, module: PythonModule) -> None:
    model = redis_model(ctx, module)
    versions = redis_versions(ctx)
    for found in model.method_calls():
        if not isinstance(found.receiver, RedisPubSub) or not waits_for_messages(model, found):
            continue
        client = found.receiver.client
        effect = consequence(client, versions)
        if effect is None:
            continue
        where = client.settings_location
        related = (RelatedLocation(where.path, where.span, "the client's connection settings"),)
        ctx.report(
            RULE,
            module.span(found.call.func),
            _fix(ctx, client),
            related,
            call=call_text(module, found.call),
            setting=effect[0],
            where=where.describe(ctx.path, client.settings.socket_timeout.line),
            consequence=effect[1],
            versions=effect[2],
        )


WAIT_METHODS = (b"listen", b"get_message", b"run_in_thread")


def may_report(prospect: Prospect) -> bool:
    """A TL201 finding is a call of one of `WAIT_METHODS` (the method name is in the bytes) on a
    pub/sub object the Redis model knows (`Prospect.may_reach_redis`)."""
    return mentions_any(prospect.data, WAIT_METHODS) and prospect.may_reach_redis()


CHECK = Check(rules=(RULE,), kind="python", triggers=PUBSUB_TRIGGERS, run=check, guard=may_report)
