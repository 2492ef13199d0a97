"""TL205 redis-client-without-timeouts: a redis-py <8 client that can hang on a dead server.

Before redis-py 8.0 `socket_timeout` defaults to None, and an absent
`socket_connect_timeout` takes the value of `socket_timeout`
(`Connection.__init__` in 3.x to 8.x, sync and asyncio; 8.x defaults both to
5 s). So a connect is unbounded (until the kernel gives up, about 2 min on
Linux) only when the call sets neither (or `socket_timeout=None` and no
connect timeout), and a command to a silent server waits forever only when it
has no `socket_timeout`; the rule reports exactly that, when the project
allows redis-py <8.

A finite `socket_timeout` is wrong for a client that serves pub/sub or
blocking commands (TL201, TL203) or an RQ worker, so the rule neither asks
for nor adds one when such a use is in view (in this file or, through the
project index, in another).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect
from timeoutlint.checks.redis_common import (
    REDIS_TRIGGERS,
    VALKEY_FACTS,
    is_valkey,
    redis_model,
    redis_versions,
)
from timeoutlint.findings import Applicability, Fix, Position
from timeoutlint.fix_operations import AddKeyword
from timeoutlint.python.model import CallSite, PythonModule, Scope
from timeoutlint.python.values import LocalClass, QualifiedName
from timeoutlint.redis.model import (
    RedisClient,
    RedisModel,
    RedisPool,
    long_read_clients,
    unresolved_long_read_attributes,
)
from timeoutlint.redis.vocabulary import LIBRARIES, VALKEY_PY

RULE = "TL205"
HANGS_BEFORE = "<8"


def _timeout_parts(ctx: CheckContext) -> tuple[str, str]:
    code = ctx.config.timeout_code
    if code.startswith("("):
        connect, read = code.strip("()").split(",")
        return connect.strip(), read.strip()
    return code, code


def _redis_py_connections(module: PythonModule, site: CallSite) -> bool:
    """Whether the call's connections are redis-py's own: a `connection_class=` from elsewhere
    (`fakeredis.FakeConnection` in a test) may open no socket at all."""
    for keyword in site.node.keywords:
        if keyword.arg == "connection_class":
            return _redis_py_class(module.resolve(keyword.value, site.scope))
    return True


Transport = Literal["tcp", "unix", "unknown"]


def _transport(model: RedisModel, site: CallSite, obj: RedisClient | RedisPool) -> Transport:
    """How the call connects: over a Unix domain socket (a `unix://` URL, as a constant or the
    default of an environment variable; `unix_socket_path=`;
    `connection_class=UnixDomainSocketConnection`), over TCP, or through a URL the rule cannot
    read. Connecting to a local socket fails at once when nothing listens: there is no
    unreachable host to wait for."""
    call = site.node
    for keyword in call.keywords:
        if keyword.arg == "unix_socket_path":
            path = model.constant(keyword.value, site.scope)
            return "unix" if path is None or path.value is not None else "tcp"
        if keyword.arg == "connection_class":
            value = model.module.resolve(keyword.value, site.scope)
            if isinstance(value, QualifiedName) and value.name.endswith(_UNIX_CONNECTION):
                return "unix"
    if obj.construction != "url":
        return "tcp"
    url_expr = (
        call.args[0]
        if call.args
        else next((k.value for k in call.keywords if k.arg == "url"), None)
    )
    url = model.constant(url_expr, site.scope) if url_expr is not None else None
    if url is None or not isinstance(url.value, str):
        return "unknown"
    return "unix" if url.value.startswith("unix://") else "tcp"


_UNIX_CONNECTION = ".UnixDomainSocketConnection"


def _redis_py_class(value: object, depth: int = 0) -> bool:
    """redis-py's (or valkey-py's) own class, or a class of this file that extends one (it opens
    the same socket)."""
    if isinstance(value, QualifiedName):
        return any(value.name.startswith(f"{library.package}.") for library in LIBRARIES)
    if isinstance(value, LocalClass) and depth < 8:
        return any(_redis_py_class(base, depth + 1) for base in value.bases)
    return False


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


CONNECT_WAIT = "blocks until the kernel gives up, about 2 min on Linux"
READ_HANGS = "a command to a server that stopped answering waits forever"


def _hangs_text(connect_hangs: bool, read_hangs: bool, transport: Transport) -> str:
    """A TCP connect with no timeout is bounded by the kernel's SYN retries (`tcp_syn_retries`
    = 6: 133 s measured on Linux); a read with no timeout is bounded by nothing. Through a URL
    the rule cannot read, the connect wait is said to be TCP's (a `unix://` URL has none)."""
    connecting = "connecting over TCP" if transport == "unknown" else "connecting"
    if connect_hangs and read_hangs:
        return f"{READ_HANGS}, and {connecting} to an unreachable one {CONNECT_WAIT}"
    if connect_hangs:
        return f"{connecting} to an unreachable server {CONNECT_WAIT}"
    return READ_HANGS


def _settings_text(connect: str, read: str) -> str:
    if connect == "absent" and read == "absent":
        return "no socket_timeout or socket_connect_timeout"
    if connect == "absent":
        return "no socket_connect_timeout and socket_timeout=None"
    return "no socket_timeout"


@dataclass(frozen=True)
class LongReads:
    """Where the clients that serve pub/sub, blocking commands or RQ are built in this file, by
    the start of their settings call, and whether that is known for every client.

    `fix` re-checks a file after each round of edits against the project context of the
    original files. An added keyword leaves its call's start in place, but an added line (an
    import) moves the calls below it; a long-read client of another module that can no longer
    be found makes every client of the file unknown, and the rule never guesses: it neither
    reports nor adds a `socket_timeout` there."""

    starts: frozenset[Position]
    known: bool
    unresolved: Mapping[Scope, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: RedisModel, module: PythonModule, ctx: CheckContext) -> LongReads:
        local = {location.span.start for location in long_read_clients(model)}
        indexed = {
            location.span.start
            for location in ctx.project.python_index.long_read_clients
            if location.path == ctx.path
        }
        known = not indexed or indexed <= {module.span(site.node).start for site in module.calls}
        return cls(frozenset(local | indexed), known, unresolved_long_read_attributes(model))

    def may_serve(self, module: PythonModule, obj: RedisClient | RedisPool, site: CallSite) -> bool:
        """Whether the client or pool built at `site` may serve long reads: the model links
        it to them, or they go through an attribute of its class that the model cannot read
        as a client, and it is a pool (any client of the class may be given it) or a client
        assigned to that attribute."""
        if obj.location.span.start in self.starts:
            return True
        current: Scope | None = site.scope
        while current is not None and current not in self.unresolved:
            current = current.parent
        if current is None:
            return False
        if isinstance(obj, RedisPool):
            return True
        return _assigned_attribute(module, site.node) in self.unresolved[current]


def _assigned_attribute(module: PythonModule, node: ast.AST) -> str | None:
    """`client` for a call inside the value of `self.client = ...`."""
    current: ast.AST | None = node
    while current is not None and not isinstance(current, ast.stmt):
        current = module.parent(current)
    if isinstance(current, (ast.Assign, ast.AnnAssign)):
        targets = current.targets if isinstance(current, ast.Assign) else [current.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                return target.attr
    return None


def _valkey_hangs(obj: RedisClient | RedisPool) -> bool:
    """A valkey-py client built with `valkey.Valkey(host=...)` (sync), the one construction
    whose missing timeouts are None in every valkey-py release (`VALKEY_FACTS`)."""
    return isinstance(obj, RedisClient) and obj.flavor == "sync" and obj.construction == "host"


def check(ctx: CheckContext, module: PythonModule) -> None:
    versions = redis_versions(ctx)
    redis_py_hangs = versions.allows_any(HANGS_BEFORE)
    model = redis_model(ctx, module)
    long_reads: LongReads | None = None
    connect_value, read_value = _timeout_parts(ctx)
    for site in module.calls:
        obj = _constructed_here(model, site.node, model.object_at(site.node, site.scope))
        if obj is None or not _redis_py_connections(module, site):
            continue
        valkey = is_valkey(obj)
        if not (_valkey_hangs(obj) if valkey else redis_py_hangs):
            continue
        settings = obj.settings
        if long_reads is None:
            long_reads = LongReads.of(model, module, ctx)
        connect, read = settings.socket_connect_timeout.state, settings.socket_timeout.state
        transport = _transport(model, site, obj)
        connect_hangs = connect == "absent" and read in ("absent", "none") and transport != "unix"
        read_hangs = (
            read == "absent" and long_reads.known and not long_reads.may_serve(module, obj, site)
        )
        if not connect_hangs and not read_hangs:
            continue
        span = module.span(site.node)
        added = [
            name
            for name, hangs in (
                ("socket_connect_timeout", connect_hangs),
                ("socket_timeout", read_hangs),
            )
            if hangs
        ]
        operations = tuple(
            AddKeyword(
                span.start,
                name,
                connect_value if name == "socket_connect_timeout" else read_value,
                span.end,
            )
            for name in added
        )
        applicability = Applicability.UNSAFE if read_hangs else Applicability.SAFE
        fix = Fix(applicability, f"Add {' and '.join(f'`{m}`' for m in added)}", operations)
        ctx.report(
            RULE,
            module.span(site.node.func),
            fix,
            constructor=obj.constructor,
            settings=_settings_text(connect if connect_hangs else "given", read),
            hangs=_hangs_text(connect_hangs, read_hangs, transport),
            versions=VALKEY_FACTS if valkey else versions.assumption(HANGS_BEFORE),
        )


_VALKEY_CLIENTS = frozenset(VALKEY_PY.sync_clients)


def may_report(prospect: Prospect) -> bool:
    """TL205 reports on a client or pool that the Redis model knows
    (`Prospect.may_reach_redis`), when the project allows redis-py <8 or on a sync valkey-py
    client, whose class this file must reach (`Prospect.may_reach`)."""
    if prospect.project.dependencies.redis.allows_any(HANGS_BEFORE):
        return prospect.may_reach_redis()
    return prospect.may_reach(_VALKEY_CLIENTS)


CHECK = Check(rules=(RULE,), kind="python", triggers=REDIS_TRIGGERS, run=check, guard=may_report)
