"""TL203 blocking-command-exceeds-socket-timeout: a blocking read longer than the socket allows.

`blpop(timeout=T)` asks the server to hold the reply up to T seconds, but the
client stops reading after `socket_timeout` seconds and raises `TimeoutError`
(tests/premises/ shows it on a real server). T = 0 means forever, so any finite `socket_timeout` fails.
`Redis(host=...)` clients retry on redis-py >= 6 (3 times on 6.x-7.x, 10 on
8.x), re-sending the command, so the error comes later but still comes. On
redis-py >= 8.0 a client with no `socket_timeout` has 5 s.
"""

from __future__ import annotations

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.checks.redis_common import (
    BLOCKING_TRIGGERS,
    VALKEY_FACTS,
    BlockTime,
    block_time,
    call_text,
    is_valkey,
    redis_model,
    redis_versions,
    seconds_text,
)
from timeoutlint.checks.redis_pubsub import setting_text
from timeoutlint.findings import RelatedLocation
from timeoutlint.python.model import PythonModule
from timeoutlint.redis.model import RedisClient
from timeoutlint.redis.vocabulary import BLOCKING_COMMANDS

RULE = "TL203"
DEFAULT_SOCKET_TIMEOUT_8 = 5.0
DEFAULT_TIMEOUT_FROM = ">=8"


def exceeds(block: BlockTime, socket_timeout: float) -> bool:
    assert block.seconds is not None
    return block.seconds == 0 or block.seconds >= socket_timeout


def block_text(block: BlockTime) -> str:
    assert block.seconds is not None
    if block.seconds == 0:
        return f"forever ({block.written})"
    return f"up to {seconds_text(block.seconds)} ({block.written})"


def _outcome(client: RedisClient, seconds: float) -> str:
    text = f"it raises TimeoutError after {seconds_text(seconds)}"
    if client.construction == "host" and not is_valkey(client):
        text += " (after a few retries that re-send the command, on redis-py >=6)"
    return text


def check(ctx: CheckContext, module: PythonModule) -> None:
    model = redis_model(ctx, module)
    versions = redis_versions(ctx)
    for found in model.method_calls():
        client = found.receiver
        if not isinstance(client, RedisClient) or found.method not in BLOCKING_COMMANDS:
            continue
        block = block_time(model, found.method, found.call, found.scope)
        if block is None or block.seconds is None:
            continue
        setting = client.settings.socket_timeout
        seconds = setting.seconds
        assumed = ""
        if seconds is not None and seconds > 0:
            if not exceeds(block, seconds):
                continue
            described = setting_text("socket_timeout", setting)
            if is_valkey(client):
                assumed = " " + VALKEY_FACTS
        elif is_valkey(client):
            continue  # its default depends on the valkey-py release (`VALKEY_FACTS`)
        elif setting.state == "absent" and versions.allows_any(DEFAULT_TIMEOUT_FROM):
            seconds = DEFAULT_SOCKET_TIMEOUT_8
            if not exceeds(block, seconds):
                continue
            described = "no socket_timeout, so redis-py >=8.0's default of 5 s"
            assumed = " " + versions.assumption(DEFAULT_TIMEOUT_FROM)
        else:
            continue
        where = client.settings_location
        ctx.report(
            RULE,
            module.span(found.call.func),
            None,
            (RelatedLocation(where.path, where.span, "the client's connection settings"),),
            call=call_text(module, found.call),
            block=block_text(block),
            setting=described,
            where=where.describe(ctx.path, client.settings.socket_timeout.line),
            outcome=_outcome(client, seconds),
            versions=assumed,
        )


BLOCKING_METHOD_NAMES = tuple(name.encode() for name in sorted(BLOCKING_COMMANDS))


def may_report(prospect: Prospect) -> bool:
    """A TL203 finding is a call of a blocking command (its name is in the bytes) on a client the
    Redis model knows (`Prospect.may_reach_redis`)."""
    return mentions_any(prospect.data, BLOCKING_METHOD_NAMES) and prospect.may_reach_redis()


CHECK = Check(rules=(RULE,), kind="python", triggers=BLOCKING_TRIGGERS, run=check, guard=may_report)
