"""TL101 requests-without-timeout: a `requests` call that can wait forever.

requests has no default timeout (`Session.request(timeout=None)`), so a
call without one blocks until the peer answers, which may be never (seed
004: gunicorn workers killed while `requests.post()` waited on a payment
API). The check follows the callee to `requests` through imports, aliases,
assignments, sessions (`requests.Session()` in a variable, a `with` block, a
`self.` attribute, a subclass defined in the file) and never guesses about
an object it cannot trace.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from enum import Enum

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.findings import Applicability, Fix, Span
from timeoutlint.fixes.operations import AddKeyword, ReplaceKeywordValue
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.values import (
    BoundAttribute,
    CallResult,
    Constant,
    DictValue,
    LocalClass,
    QualifiedName,
    TupleValue,
    Value,
)

RULE = "TL101"
_VERBS = ("get", "options", "head", "post", "put", "patch", "delete", "request")
MODULE_FUNCTIONS = frozenset(
    {f"requests.{verb}" for verb in _VERBS} | {f"requests.api.{verb}" for verb in _VERBS}
)
SESSION_FACTORIES = frozenset(
    {
        "requests.Session",
        "requests.session",
        "requests.sessions.Session",
        "requests.sessions.session",
    }
)
SESSION_METHODS = frozenset({*_VERBS, "send"})
_OVERRIDES_THAT_SET_TIMEOUTS = frozenset({"request", "send"})
# Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)
_SESSION_REQUEST_TIMEOUT_INDEX = 8


class TimeoutState(Enum):
    GIVEN = "given"
    MISSING = "missing"
    NONE = "none"
    READ_NONE = "read-none"


@dataclass(frozen=True)
class TimeoutArgument:
    state: TimeoutState
    node: ast.AST | None = None
    keyword: bool = False


def _is_session_class(value: Value, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if isinstance(value, QualifiedName):
        return value.name in SESSION_FACTORIES
    if isinstance(value, LocalClass):
        defines = {
            node.name
            for node in value.node.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        if defines & _OVERRIDES_THAT_SET_TIMEOUTS:
            return False
        return any(_is_session_class(base, depth + 1) for base in value.bases)
    return False


def is_session(value: Value) -> bool:
    """Whether `value` is a requests Session built in view (constructor call or subclass)."""
    return isinstance(value, CallResult) and _is_session_class(value.callee)


def describe_callee(model: PythonModule, call: ast.Call) -> str:
    return ast.get_source_segment(model.source, call.func) or "call"


def _none_state(value: Value) -> TimeoutState:
    if isinstance(value, Constant) and value.value is None:
        return TimeoutState.NONE
    if isinstance(value, TupleValue) and len(value.elements) == 2:
        read = value.elements[1]
        if isinstance(read, Constant) and read.value is None:
            return TimeoutState.READ_NONE
    return TimeoutState.GIVEN


def timeout_argument(
    model: PythonModule, call: ast.Call, scope: Scope, positional_index: int | None
) -> TimeoutArgument | None:
    """How the call passes `timeout`, or None when it cannot be known (`**kwargs`, `*args`)."""
    for keyword in call.keywords:
        if keyword.arg == "timeout":
            return TimeoutArgument(_none_state(model.resolve(keyword.value, scope)), keyword, True)
    for keyword in call.keywords:
        if keyword.arg is not None:
            continue
        splat = model.resolve(keyword.value, scope)
        if not isinstance(splat, DictValue):
            return None
        for key, item in splat.items:
            if key is None:
                return None
            key_value = model.resolve(key, scope)
            if not isinstance(key_value, Constant):
                return None
            if key_value.value == "timeout":
                return TimeoutArgument(_none_state(model.resolve(item, scope)), item, False)
    if positional_index is not None:
        if any(isinstance(arg, ast.Starred) for arg in call.args):
            return None
        if len(call.args) > positional_index:
            node = call.args[positional_index]
            return TimeoutArgument(_none_state(model.resolve(node, scope)), node, False)
    return TimeoutArgument(TimeoutState.MISSING)


def requests_call(
    model: PythonModule, call: ast.Call, scope: Scope
) -> tuple[bool, int | None] | None:
    """(True, timeout's positional index) when `call` goes through requests, else None."""
    callee = model.resolve(call.func, scope)
    if isinstance(callee, QualifiedName) and callee.name in MODULE_FUNCTIONS:
        return True, None
    if (
        isinstance(callee, BoundAttribute)
        and callee.name in SESSION_METHODS
        and is_session(callee.base)
    ):
        return True, _SESSION_REQUEST_TIMEOUT_INDEX if callee.name == "request" else None
    return None


_PROBLEMS = {
    TimeoutState.MISSING: "has no timeout and can wait forever",
    TimeoutState.NONE: "has timeout=None and can wait forever",
    TimeoutState.READ_NONE: "has no read timeout (timeout=(connect, None)) and can wait forever for a response",
}


def check(ctx: CheckContext, model: PythonModule) -> None:
    timeout_code = ctx.config.timeout_code
    for site in model.calls:
        call = site.node
        matched = requests_call(model, call, site.scope)
        if matched is None:
            continue
        argument = timeout_argument(model, call, site.scope, matched[1])
        if argument is None or argument.state is TimeoutState.GIVEN:
            continue
        start = model.span(call).start
        fix: Fix | None
        span: Span
        if argument.state is TimeoutState.MISSING:
            span = model.span(call.func)
            fix = Fix(
                Applicability.SAFE,
                f"Add `timeout={timeout_code}`",
                (AddKeyword(start, "timeout", timeout_code),),
            )
        else:
            assert argument.node is not None
            span = model.span(argument.node)
            fix = None
            if argument.keyword:
                fix = Fix(
                    Applicability.UNSAFE,
                    f"Replace the timeout with `{timeout_code}`",
                    (ReplaceKeywordValue(start, "timeout", timeout_code),),
                )
        ctx.report(
            RULE, span, fix, callee=describe_callee(model, call), problem=_PROBLEMS[argument.state]
        )


CHECK = Check(rules=(RULE,), kind="python", triggers=(b"requests",), run=check)
