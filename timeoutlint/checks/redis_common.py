"""What the Redis rules share: the file's Redis model, the project's versions, method tables."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from timeoutlint.checks.base import CheckContext
from timeoutlint.project.dependencies import VersionRange
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.redis.model import RedisModel
from timeoutlint.redis.vocabulary import (
    BLOCKING_COMMANDS,
    BLOCKING_MENTIONS,
    CLIENT_TRIGGERS,
    PUBSUB_WAIT_MENTIONS,
    REDIS_PY,
    VALKEY_PY,
)

REDIS_TRIGGERS = CLIENT_TRIGGERS
# A client imported from another module may be used in a file that never says "redis".
PUBSUB_TRIGGERS = (*REDIS_TRIGGERS, *PUBSUB_WAIT_MENTIONS)
BLOCKING_TRIGGERS = (*REDIS_TRIGGERS, *BLOCKING_MENTIONS)


def redis_versions(ctx: CheckContext) -> VersionRange:
    return ctx.project.dependencies.redis


def is_valkey(obj: object) -> bool:
    """Whether a Redis object comes from valkey-py, whose facts are its own (`VALKEY_FACTS`)."""
    return getattr(obj, "library", REDIS_PY.name) == VALKEY_PY.name


VALKEY_FACTS = "(every valkey-py release)"
"""What a valkey-py finding assumes. valkey-py 6.0.0-6.2.0 (every release) agree on what the
Redis rules report for it (tests/premises/test_valkey.py): a finite `socket_timeout` ends
`listen()` and blocking commands with `TimeoutError` after that many seconds (no retry, every
construction), and `valkey.Valkey(host=...)` passes `socket_timeout=None` to its pool, so with
no timeouts it waits forever. They disagree on defaults elsewhere: from 6.1.0 a connection
built without `socket_timeout` (`from_url`, a bare pool, `valkey.asyncio`) has 5 s, 6.0.x has
None. The rules leave those cases alone for valkey-py, so no valkey-py message depends on the
version and the project's valkey pin is not read."""


def rq_versions(ctx: CheckContext) -> VersionRange:
    return ctx.project.dependencies.rq


def redis_model(ctx: CheckContext, module: PythonModule) -> RedisModel:
    """One Redis model per parsed file, shared by the Redis checks: kept on the file's check
    context (`CheckContext.derived`), so it lives exactly as long as the file's analysis."""
    found = ctx.derived.get(RedisModel)
    if isinstance(found, RedisModel) and found.module is module:
        return found
    model = RedisModel(module, ctx.path, ctx.project.python_index.lookup)
    ctx.derived[RedisModel] = model
    return model


@dataclass(frozen=True)
class BlockTime:
    """How long a blocking command waits: `seconds` (0 = forever) or None when it does not block."""

    seconds: float | None
    written: str


def block_time(model: RedisModel, command: str, call: ast.Call, scope: Scope) -> BlockTime | None:
    """The command's block time, or None when it cannot be known (`*args`, a runtime value)."""
    spec = BLOCKING_COMMANDS[command]
    expr: ast.expr | None = None
    for keyword in call.keywords:
        if keyword.arg == spec.keyword:
            expr = keyword.value
        elif keyword.arg is None:
            return None
    if expr is None:
        if any(isinstance(arg, ast.Starred) for arg in call.args[: spec.position + 1]):
            return None
        if len(call.args) > spec.position:
            expr = call.args[spec.position]
    if expr is None:
        if spec.default is None:
            return None if not spec.milliseconds else BlockTime(None, "")
        return BlockTime(spec.default, f"{spec.keyword}={_number(spec.default)} (the default)")
    constant = model.constant(expr, scope)
    if constant is None:
        return None
    written = f"{spec.keyword}={ast.get_source_segment(model.module.source, expr) or '?'}"
    value = constant.value
    if value is None:
        return BlockTime(None, written) if spec.milliseconds else BlockTime(0.0, written)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = float(value) / 1000 if spec.milliseconds else float(value)
    return BlockTime(seconds, written)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def seconds_text(value: float) -> str:
    return f"{_number(value)} s"


def source_of(module: PythonModule, node: ast.AST) -> str:
    from timeoutlint.redact import redact

    return redact(ast.get_source_segment(module.source, node) or "call")  # `from_url("...:pw@")`


def call_text(module: PythonModule, call: ast.Call) -> str:
    """`receiver.method()` as written, without the arguments."""
    return f"{source_of(module, call.func)}()"
