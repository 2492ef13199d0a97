"""What a Redis object is: clients, pools, pub/subs and pipelines, on top of `PythonModule.resolve`.

The model answers "is this value a redis-py (or valkey-py) object, and with which
connection settings?" from evidence only: a constructor call in view (`redis.Redis(...)`,
`redis.from_url(...)`, `ConnectionPool(...)`, `Sentinel(...).master_for(...)`,
the `redis.asyncio` equivalents, and the same names of every library in
`vocabulary.LIBRARIES`), an object made from one (`client.pubsub()`),
or a module-level binding or factory function of another project module,
summarised by the project's `PythonIndex`. Each object records its library.

Every description is plain frozen data (no `ast` nodes), so the same values
describe objects of the current file and objects summarised from other files.
A keyword the model cannot evaluate is `unknown`, and rules do not report on
unknown settings.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from timeoutlint.findings import Span
from timeoutlint.python.model import CallSite, PythonModule, Scope, walk
from timeoutlint.python.values import (
    UNKNOWN,
    BoundAttribute,
    CallResult,
    Constant,
    DictValue,
    LocalClass,
    LocalFunction,
    QualifiedName,
    Value,
)
from timeoutlint.redis.vocabulary import (
    EXTERNAL_CLIENT_FACTORIES,
    LIBRARIES,
    LONG_READ_METHODS,
    RQ_CONNECTION_CONTEXTS,
    RQ_CONNECTION_HANDOFFS,
    RQ_CONNECTION_USERS,
    library_of,
)

Flavor = Literal["sync", "async"]
Construction = Literal["host", "url", "pool", "cluster", "sentinel", "external"]
SettingState = Literal["absent", "none", "value", "unknown"]
SettingOrigin = Literal["keyword", "positional", "url", "splat", "default"]

SETTING_NAMES = (
    "socket_timeout",
    "socket_connect_timeout",
    "socket_keepalive",
    "health_check_interval",
)
# redis.Redis(host, port, db, password, socket_timeout, socket_connect_timeout, socket_keepalive)
# (valkey.Valkey takes the same positions)
_CLIENT_POSITIONS = {"socket_timeout": 4, "socket_connect_timeout": 5, "socket_keepalive": 6}

_SYNC_CLIENT_CLASSES = tuple(name for lib in LIBRARIES for name in lib.sync_clients)
_ASYNC_CLIENT_CLASSES = tuple(name for lib in LIBRARIES for name in lib.async_clients)
_POOL_CLASSES = tuple(name for lib in LIBRARIES for name in lib.pools)
_CLUSTER_CLASSES = tuple(name for lib in LIBRARIES for name in lib.clusters)
_SENTINEL_CLASSES = tuple(name for lib in LIBRARIES for name in lib.sentinels)
_URL_FACTORIES = tuple(name for lib in LIBRARIES for name in lib.url_factories)
_CONVERTERS: dict[str, Callable[[Any], object]] = {"builtins.int": int, "builtins.float": float}


def _with_methods(classes: tuple[str, ...], method: str) -> frozenset[str]:
    return frozenset(f"{name}.{method}" for name in classes)


CLIENT_CLASSES = frozenset(_SYNC_CLIENT_CLASSES + _ASYNC_CLIENT_CLASSES)
URL_CLIENT_FACTORIES = frozenset(_URL_FACTORIES) | _with_methods(
    _SYNC_CLIENT_CLASSES + _ASYNC_CLIENT_CLASSES, "from_url"
)
POOL_FROM_CLIENT = _with_methods(_SYNC_CLIENT_CLASSES + _ASYNC_CLIENT_CLASSES, "from_pool")
POOL_CLASSES = frozenset(_POOL_CLASSES)
POOL_URL_FACTORIES = _with_methods(_POOL_CLASSES, "from_url")
CLUSTER_CLASSES = frozenset(_CLUSTER_CLASSES)
CLUSTER_URL_FACTORIES = _with_methods(_CLUSTER_CLASSES, "from_url")
SENTINEL_CLASSES = frozenset(_SENTINEL_CLASSES)
REDIS_CONSTRUCTORS = (
    CLIENT_CLASSES
    | URL_CLIENT_FACTORIES
    | POOL_FROM_CLIENT
    | POOL_CLASSES
    | POOL_URL_FACTORIES
    | CLUSTER_CLASSES
    | CLUSTER_URL_FACTORIES
    | SENTINEL_CLASSES
    | frozenset(EXTERNAL_CLIENT_FACTORIES)
)
"""Every callee whose call makes a Redis object described in this file (without the project's
index); the prefilter's guards ask for the same set."""


@dataclass(frozen=True)
class Location:
    """A place in a project file: the path as findings show it, and the span."""

    path: str
    span: Span

    def describe(self, current_path: str, line: int | None = None) -> str:
        """`line 12` in the current file, `app/connection.py:12` in another."""
        shown = line if line is not None else self.span.start.line
        if self.path == current_path:
            return f"line {shown}"
        return f"{self.path}:{shown}"


@dataclass(frozen=True)
class Setting:
    """What a connection keyword is set to: absent (library default), None, a value, or unknown."""

    state: SettingState
    value: float | bool | str | None = None
    origin: SettingOrigin = "default"
    line: int | None = None
    from_env: str | None = None

    @property
    def seconds(self) -> float | None:
        """The value as a number of seconds, when it is a number."""
        value = self.value
        if self.state != "value" or isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value)

    @property
    def editable(self) -> bool:
        """Whether a fix can set this keyword on the settings call (not from a URL or `**`)."""
        return self.origin in ("keyword", "default")


ABSENT = Setting("absent")
UNKNOWN_SETTING = Setting("unknown")


@dataclass(frozen=True)
class ConnectionSettings:
    socket_timeout: Setting = ABSENT
    socket_connect_timeout: Setting = ABSENT
    socket_keepalive: Setting = ABSENT
    health_check_interval: Setting = ABSENT

    def get(self, name: str) -> Setting:
        setting: Setting = getattr(self, name)
        return setting


UNKNOWN_SETTINGS = ConnectionSettings(*(UNKNOWN_SETTING for _ in SETTING_NAMES))


@dataclass(frozen=True)
class RedisClient:
    """A redis-py (or valkey-py) client.

    `location` is the call that made it; `settings_location` the call whose
    keywords carry the connection settings (the pool for
    `Redis(connection_pool=pool)`), which is where a fix edits. `library` is the
    client library's name as messages say it (`vocabulary.ClientLibrary.name`).
    """

    flavor: Flavor
    construction: Construction
    settings: ConnectionSettings
    location: Location
    settings_location: Location
    constructor: str
    library: str = "redis-py"


@dataclass(frozen=True)
class RedisPool:
    flavor: Flavor
    construction: Construction
    settings: ConnectionSettings
    location: Location
    constructor: str
    library: str = "redis-py"


@dataclass(frozen=True)
class RedisSentinel:
    flavor: Flavor
    settings: ConnectionSettings
    location: Location
    library: str = "redis-py"


@dataclass(frozen=True)
class RedisPubSub:
    client: RedisClient

    @property
    def flavor(self) -> Flavor:
        return self.client.flavor

    @property
    def library(self) -> str:
        return self.client.library


@dataclass(frozen=True)
class RedisPipeline:
    client: RedisClient

    @property
    def flavor(self) -> Flavor:
        return self.client.flavor

    @property
    def library(self) -> str:
        return self.client.library


RedisObject = RedisClient | RedisPool | RedisSentinel | RedisPubSub | RedisPipeline


@dataclass(frozen=True)
class ExportedConstant:
    """A module-level constant of another project module."""

    value: object
    from_env: str | None = None


@dataclass(frozen=True)
class ExportedAlias:
    """A module-level name that is another qualified name (an import, `x = module.attr`)."""

    qualified_name: str


@dataclass(frozen=True)
class ExportedObject:
    """A module-level Redis object (`redis_conn = Redis.from_url(...)`)."""

    value: RedisObject


@dataclass(frozen=True)
class ExportedFactory:
    """A module-level function whose every return is the same Redis object."""

    returns: RedisObject


Exported = ExportedConstant | ExportedAlias | ExportedObject | ExportedFactory
ExternalLookup = Callable[[str], "Exported | None"]


def _no_external(name: str) -> Exported | None:
    return None


@dataclass(frozen=True)
class MethodCall:
    """A call `receiver.method(...)` whose receiver is a known Redis object."""

    receiver: RedisObject
    method: str
    call: ast.Call
    scope: Scope


class RedisModel:
    """The Redis view of one file; `external` answers for names of other project modules."""

    def __init__(
        self, module: PythonModule, path: str, external: ExternalLookup = _no_external
    ) -> None:
        self.module = module
        self.path = path
        self.external = external
        self._by_call: dict[int, RedisObject | None] = {}
        self._in_progress: set[int] = set()
        self._method_calls: list[MethodCall] | None = None
        self._sites: dict[Location, CallSite] | None = None
        self._mutated_names: frozenset[str] | None = None

    # Values ----------------------------------------------------------------

    def resolve_external(self, name: str, depth: int = 0) -> Exported | None:
        """What a qualified name of another project module is, following re-exports."""
        if depth > 8:
            return None
        exported = self.external(name)
        if isinstance(exported, ExportedAlias):
            return self.resolve_external(exported.qualified_name, depth + 1) or exported
        return exported

    def constant(self, expr: ast.expr | None, scope: Scope) -> Constant | None:
        """The constant an expression evaluates to, through module constants of other files too."""
        return self._constant_of(self.module.resolve(expr, scope), depth=0)

    def _constant_of(self, value: Value, depth: int) -> Constant | None:
        if depth > 8:
            return None
        if isinstance(value, Constant):
            return value
        if isinstance(value, QualifiedName):
            exported = self.resolve_external(value.name)
            if isinstance(exported, ExportedConstant):
                return Constant(exported.value, exported.from_env)
            return None
        if isinstance(value, CallResult) and isinstance(value.callee, QualifiedName):
            converter = _CONVERTERS.get(value.callee.name)
            call = value.call
            if converter is not None and len(call.args) == 1 and not call.keywords:
                inner = self._constant_of(self.module.resolve(call.args[0], value.scope), depth + 1)
                if inner is None or inner.value is None:
                    return None
                try:
                    return Constant(converter(inner.value), inner.from_env)
                except (TypeError, ValueError):
                    return None
        return None

    def object_of(self, value: Value, depth: int = 0) -> RedisObject | None:
        """The Redis object `value` is known to be, or None."""
        if depth > 16:
            return None
        if isinstance(value, QualifiedName):
            exported = self.resolve_external(self.canonical(value.name))
            if isinstance(exported, ExportedObject):
                return exported.value
            return None
        if not isinstance(value, CallResult):
            return None
        key = id(value.call)
        if key in self._by_call:
            return self._by_call[key]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            result = self._object_from_call(value, depth + 1)
        finally:
            self._in_progress.discard(key)
        self._by_call[key] = result
        return result

    def object_at(self, expr: ast.expr, scope: Scope) -> RedisObject | None:
        return self.object_of(self.module.resolve(expr, scope))

    def method_call(self, call: ast.Call, scope: Scope) -> MethodCall | None:
        """`call` as a method call on a known Redis object."""
        if not isinstance(call.func, ast.Attribute):
            return None
        callee = self.module.resolve(call.func, scope)
        receiver: RedisObject | None = None
        if isinstance(callee, BoundAttribute):
            receiver = self.object_of(callee.base)
        elif isinstance(callee, QualifiedName) and "." in callee.name:
            receiver = self.object_of(QualifiedName(callee.name.rsplit(".", 1)[0]))
        if receiver is None:
            return None
        return MethodCall(receiver, call.func.attr, call, scope)

    def site_at(self, location: Location) -> CallSite | None:
        """The call made at `location` in this file, from a map built once."""
        if self._sites is None:
            self._sites = {self.location(site.node): site for site in self.module.calls}
        return self._sites.get(location)

    def method_calls(self) -> list[MethodCall]:
        """Every method call on a known Redis object in the file, computed once."""
        if self._method_calls is None:
            found = (self.method_call(site.node, site.scope) for site in self.module.calls)
            self._method_calls = [call for call in found if call is not None]
        return self._method_calls

    # Construction ----------------------------------------------------------

    def location(self, node: ast.AST) -> Location:
        return Location(self.path, self.module.span(node))

    def canonical(self, name: str, depth: int = 0) -> str:
        """`name` with a prefix that another project module re-exports replaced by its target."""
        parts = name.split(".")
        if depth > 8:
            return name
        for end in range(len(parts), 1, -1):
            exported = self.external(".".join(parts[:end]))
            if isinstance(exported, ExportedAlias):
                target = ".".join([exported.qualified_name, *parts[end:]])
                return self.canonical(target, depth + 1)
        return name

    def _object_from_call(self, value: CallResult, depth: int) -> RedisObject | None:
        callee = value.callee
        call, scope = value.call, value.scope
        if isinstance(callee, QualifiedName):
            name = self.canonical(callee.name)
            made = self._from_qualified_call(name, call, scope, depth)
            if made is not None or "." not in name:
                return made
            prefix, method = name.rsplit(".", 1)
            receiver = self.object_of(QualifiedName(prefix), depth)
            return self._from_method(receiver, method, call, scope)
        if isinstance(callee, BoundAttribute):
            receiver = self.object_of(callee.base, depth)
            return self._from_method(receiver, callee.name, call, scope)
        if isinstance(callee, LocalFunction):
            return self._returned_object(callee.node, depth)
        return None

    def _from_method(
        self, receiver: RedisObject | None, method: str, call: ast.Call, scope: Scope
    ) -> RedisObject | None:
        if isinstance(receiver, RedisClient):
            if method == "pubsub":
                return RedisPubSub(receiver)
            if method == "pipeline":
                return RedisPipeline(receiver)
            return None
        if isinstance(receiver, RedisSentinel) and method in ("master_for", "slave_for"):
            own = self._settings(call, scope, positions={})
            return RedisClient(
                receiver.flavor,
                "sentinel",
                _merge(receiver.settings, own),
                self.location(call),
                self.location(call),
                f"Sentinel.{method}",
                receiver.library,
            )
        return None

    def _from_qualified_call(
        self, name: str, call: ast.Call, scope: Scope, depth: int
    ) -> RedisObject | None:
        if name not in REDIS_CONSTRUCTORS:
            return self._external_factory(name)
        library = library_of(name)
        flavor: Flavor = "async" if library.is_async(name) else "sync"
        lib = library.name
        short = _short_name(name)
        here = self.location(call)
        if name in CLIENT_CLASSES:
            pool_expr = _keyword(call, "connection_pool")
            if pool_expr is not None:
                pool = self.object_of(self.module.resolve(pool_expr, scope), depth)
                if isinstance(pool, RedisPool):
                    return RedisClient(
                        flavor, "pool", pool.settings, here, pool.location, pool.constructor, lib
                    )
                return RedisClient(flavor, "pool", UNKNOWN_SETTINGS, here, here, short, lib)
            settings = self._settings(call, scope, positions=_CLIENT_POSITIONS)
            return RedisClient(flavor, "host", settings, here, here, short, lib)
        if name in URL_CLIENT_FACTORIES:
            settings = self._url_settings(call, scope)
            return RedisClient(flavor, "url", settings, here, here, short, lib)
        if name in POOL_FROM_CLIENT and call.args:
            pool = self.object_of(self.module.resolve(call.args[0], scope), depth)
            if isinstance(pool, RedisPool):
                return RedisClient(
                    flavor, "pool", pool.settings, here, pool.location, pool.constructor, lib
                )
            return RedisClient(flavor, "pool", UNKNOWN_SETTINGS, here, here, short, lib)
        if name in POOL_CLASSES:
            settings = self._settings(call, scope, positions={})
            return RedisPool(flavor, "pool", settings, here, short, lib)
        if name in POOL_URL_FACTORIES:
            return RedisPool(flavor, "url", self._url_settings(call, scope), here, short, lib)
        if name in CLUSTER_CLASSES:
            settings = self._settings(call, scope, positions={})
            return RedisClient(flavor, "cluster", settings, here, here, short, lib)
        if name in CLUSTER_URL_FACTORIES:
            settings = self._url_settings(call, scope)
            return RedisClient(flavor, "cluster", settings, here, here, short, lib)
        if name in SENTINEL_CLASSES:
            return RedisSentinel(flavor, self._settings(call, scope, positions={}), here, lib)
        if name in EXTERNAL_CLIENT_FACTORIES:
            return RedisClient("sync", "external", UNKNOWN_SETTINGS, here, here, short, lib)
        return self._external_factory(name)

    def _external_factory(self, name: str) -> RedisObject | None:
        exported = self.resolve_external(name)
        if isinstance(exported, ExportedFactory):
            return exported.returns
        return None

    def _returned_object(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, depth: int
    ) -> RedisObject | None:
        scope = self.module.scope_of_definition(function)
        if scope is None:
            return None
        return returned_object(self, function, scope, depth)

    def _settings(
        self, call: ast.Call, scope: Scope, positions: dict[str, int]
    ) -> ConnectionSettings:
        values: dict[str, Setting] = {}
        starred = any(isinstance(arg, ast.Starred) for arg in call.args)
        open_splat = False
        for keyword in call.keywords:
            if keyword.arg is None:
                splat = self.module.resolve(keyword.value, scope)
                if not isinstance(splat, DictValue) or self._mutated(keyword.value):
                    open_splat = True
                    continue
                for key, item in splat.items:
                    key_value = self.module.resolve(key, scope) if key is not None else UNKNOWN
                    if not isinstance(key_value, Constant):
                        open_splat = True
                        continue
                    if key_value.value in SETTING_NAMES:
                        values[str(key_value.value)] = self._setting(item, scope, "splat")
            elif keyword.arg in SETTING_NAMES:
                values[keyword.arg] = self._setting(keyword.value, scope, "keyword")
        for name, index in positions.items():
            if name in values:
                continue
            if starred:
                values[name] = UNKNOWN_SETTING
            elif len(call.args) > index:
                values[name] = self._setting(call.args[index], scope, "positional")
        for name in SETTING_NAMES:
            if name not in values and open_splat:
                values[name] = UNKNOWN_SETTING
        return ConnectionSettings(**values)

    def _mutated(self, expr: ast.expr) -> bool:
        """Whether a dict named by `expr` is changed after it is built (`kw.update(...)`, `kw[k] = v`).

        Then its display does not tell what it holds when it is splatted.
        """
        if not isinstance(expr, ast.Name):
            return False
        if self._mutated_names is None:
            self._mutated_names = _mutated_names(self.module.tree)
        return expr.id in self._mutated_names

    def _setting(self, expr: ast.expr, scope: Scope, origin: SettingOrigin) -> Setting:
        line = getattr(expr, "lineno", None)
        constant = self.constant(expr, scope)
        if constant is None:
            return Setting("unknown", origin=origin, line=line)
        value = constant.value
        if value is None:
            return Setting("none", origin=origin, line=line, from_env=constant.from_env)
        if isinstance(value, (bool, int, float, str)):
            return Setting("value", value, origin, line, constant.from_env)
        return Setting("unknown", origin=origin, line=line)

    def _url_settings(self, call: ast.Call, scope: Scope) -> ConnectionSettings:
        """Keyword settings, overridden by the URL's query parameters as redis-py does.

        A URL the model cannot read (from the environment, say) adds nothing:
        timeouts in a URL's query string are rare, and guessing them would
        silence every rule.
        """
        settings = self._settings(call, scope, positions={})
        url_expr = call.args[0] if call.args else _keyword(call, "url")
        if url_expr is None:
            return settings
        url = self.constant(url_expr, scope)
        if url is None or not isinstance(url.value, str):
            return settings
        line = getattr(url_expr, "lineno", None)
        query = parse_qs(urlsplit(url.value).query)
        overrides: dict[str, Setting] = {}
        for name in SETTING_NAMES:
            if query.get(name):
                overrides[name] = _url_setting(name, query[name][-1], line)
        return _override(settings, overrides)


def long_read_clients(model: RedisModel) -> set[Location]:
    """Settings calls of clients that serve pub/sub, blocking commands or RQ in this module.

    Such a client needs `socket_timeout=None`, so nothing may suggest a finite one for it.
    """
    users: set[Location] = set()
    for found in model.method_calls():
        if isinstance(found.receiver, RedisClient) and found.method in LONG_READ_METHODS:
            users.add(found.receiver.settings_location)
            users.update(_pools_the_name_may_hold(model, found.receiver))
    module = model.module
    for site in module.calls:
        users.update(_attribute_long_reads(model, site.node, site.scope))
        callee = module.resolve(site.node.func, site.scope)
        if (
            isinstance(callee, QualifiedName)
            and model.canonical(callee.name) in RQ_CONNECTION_HANDOFFS
        ):
            given = site.node.args[0] if site.node.args else _keyword(site.node, "connection")
            handed = model.object_at(given, site.scope) if given is not None else None
            if isinstance(handed, RedisClient):
                users.add(handed.settings_location)
            continue
        if rq_class(model, callee) is None:
            continue
        connection = rq_connection(model, site.node, site.scope)
        if connection is not None:
            client = model.object_at(*connection)
            if isinstance(client, RedisClient):
                users.add(client.settings_location)
    return users


def _attribute_long_reads(model: RedisModel, call: ast.Call, scope: Scope) -> set[Location]:
    """For `self.conn.pubsub()` (or a blocking command), the clients that any assignment of
    `self.conn` in the class builds: when the attribute is assigned two ways (`self.conn =
    conn` or `self.conn = Redis.from_url(url)`) it has no single value, yet the client
    `from_url` builds may serve pub/sub, and a finite `socket_timeout` would end its
    subscriber. Counting it as a long-read client only withholds that suggestion."""
    read = _long_read_on_attribute(model.module, call, scope)
    if read is None:
        return set()
    module = model.module
    owner, attribute = read
    found: set[Location] = set()
    for binding in owner.instance_attributes.get(attribute, ()):
        client = model.object_of(module.resolve_binding(binding))
        if isinstance(client, RedisClient):
            found.add(client.settings_location)
            found.update(_pools_the_name_may_hold(model, client))
    return found


def unresolved_long_read_attributes(model: RedisModel) -> dict[Scope, frozenset[str]]:
    """Per class scope, the attributes on which its methods call a blocking command or
    `pubsub()` (`self.client.brpoplpush(...)`) and that some assignment in the class gives a
    value the model cannot read as a client (`self.client = client or Redis(**parameters)`).
    A pool built in such a class, or a client assigned to such an attribute, may be the one
    that serves those reads, so nothing may suggest a finite `socket_timeout` for it."""
    module = model.module
    found: dict[Scope, set[str]] = {}
    for site in module.calls:
        read = _long_read_on_attribute(module, site.node, site.scope)
        if read is None or read[1] in found.get(read[0], ()):
            continue
        owner, attribute = read
        bindings = owner.instance_attributes.get(attribute, ())
        if any(
            not isinstance(model.object_of(module.resolve_binding(b)), RedisClient)
            for b in bindings
        ):
            found.setdefault(owner, set()).add(attribute)
    return {owner: frozenset(names) for owner, names in found.items()}


def _long_read_on_attribute(
    module: PythonModule, call: ast.Call, scope: Scope
) -> tuple[Scope, str] | None:
    """For `self.conn.brpop(...)` (or another long read) in a method, its class's scope and
    `conn`."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr in LONG_READ_METHODS
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
    ):
        return None
    owner = module.method_class_scope(func.value.value.id, scope)
    return None if owner is None else (owner, func.value.attr)


def _pools_the_name_may_hold(model: RedisModel, client: RedisClient) -> set[Location]:
    """For `Redis(connection_pool=pool)`, the pools of every assignment of `pool` in its scope
    (`if url: pool = ConnectionPool.from_url(url)` / `else: pool = ConnectionPool(...)`): the
    model reads a name by its last assignment before the use, yet the client may be given
    any of them, and each of those pools serves the client's long reads."""
    if client.construction != "pool":
        return set()
    module = model.module
    site = model.site_at(client.location)
    if site is None:
        return set()
    given = _keyword(site.node, "connection_pool")
    if not isinstance(given, ast.Name):
        return set()
    binding = module.lookup(given.id, site.scope, (given.lineno, given.col_offset))
    if binding is None:
        return set()
    found: set[Location] = set()
    for candidate in binding.scope.bindings.get(given.id, ()):
        pool = model.object_of(module.resolve_binding(candidate))
        if isinstance(pool, RedisPool):
            found.add(pool.location)
    return found


def rq_class(model: RedisModel, value: Value, depth: int = 0) -> str | None:
    """The rq class (one of `RQ_CONNECTION_USERS`) `value` is or extends: its qualified name
    (through the project's re-exports, and subclasses of other project modules, which the index
    exports as aliases of the rq class), or a class of this file with such a base."""
    if depth > 8:
        return None
    if isinstance(value, QualifiedName):
        name = model.canonical(value.name)
        return name if name in RQ_CONNECTION_USERS else None
    if isinstance(value, LocalClass):
        for base in value.bases:
            found = rq_class(model, base, depth + 1)
            if found is not None:
                return found
    return None


def rq_connection(model: RedisModel, call: ast.Call, scope: Scope) -> tuple[ast.expr, Scope] | None:
    """The connection expression an rq object built by `call` uses: its `connection=`, or
    else the connection of the innermost enclosing `with Connection(conn):` (rq < 2.0)."""
    keyword = _keyword(call, "connection")
    if keyword is not None:
        return keyword, scope
    module = model.module
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None
        if not isinstance(ancestor, (ast.With, ast.AsyncWith)):
            continue
        for item in reversed(ancestor.items):
            context = item.context_expr
            if not isinstance(context, ast.Call):
                continue
            callee = module.resolve(context.func, scope)
            if not isinstance(callee, QualifiedName):
                continue
            if model.canonical(callee.name) not in RQ_CONNECTION_CONTEXTS:
                continue
            given = context.args[0] if context.args else _keyword(context, "connection")
            return (given, scope) if given is not None else None
    return None


def returned_object(
    model: RedisModel,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    scope: Scope,
    depth: int = 0,
) -> RedisObject | None:
    """The Redis object a function returns, when every non-None return is the same object."""
    found: list[RedisObject] = []
    for node in _own_returns(model.module, function):
        if node.value is None:
            continue
        value = model.module.resolve(node.value, scope)
        if isinstance(value, Constant) and value.value is None:
            continue
        obj = model.object_of(value, depth + 1)
        if obj is None:
            return None
        found.append(obj)
    if not found or any(other != found[0] for other in found[1:]):
        return None
    return found[0]


def _own_returns(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> Iterator[ast.Return]:
    """The function's own `return` statements, last first (the order results were always
    combined in)."""
    scope = module.scope_of_definition(function)
    return reversed(scope.returns) if scope is not None else iter(())


_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__"})


def _mutated_names(tree: ast.AST) -> frozenset[str]:
    """Names that are changed in place somewhere in the file (by name, whatever the scope)."""
    names: set[str] = set()
    for node in walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr in _MUTATORS
        ):
            names.add(node.func.value.id)
        elif isinstance(node, (ast.Subscript,)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if isinstance(node.value, ast.Name):
                names.add(node.value.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def _url_setting(name: str, raw: str, line: int | None) -> Setting:
    if name == "socket_keepalive":
        return Setting("value", raw.lower() in ("1", "true", "yes", "y", "on"), "url", line)
    try:
        return Setting("value", float(raw), "url", line)
    except ValueError:
        return Setting("unknown", origin="url", line=line)


def _override(
    base: ConnectionSettings, overrides: dict[str, Setting], only_absent: bool = False
) -> ConnectionSettings:
    changes = {
        name: setting
        for name, setting in overrides.items()
        if not only_absent or base.get(name).state == "absent"
    }
    return replace(base, **changes)


def _merge(base: ConnectionSettings, top: ConnectionSettings) -> ConnectionSettings:
    """`base` with every setting that `top` gives (Sentinel kwargs, then `master_for` kwargs)."""
    given = {name: top.get(name) for name in SETTING_NAMES if top.get(name).state != "absent"}
    return replace(base, **given)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _short_name(qualified: str) -> str:
    """`redis.asyncio.Redis.from_url` -> `Redis.from_url`; a module's function keeps its
    module (`redis.asyncio.from_url`: its last two parts, `asyncio.from_url`, would name the
    standard library's `asyncio`)."""
    parts = qualified.split(".")
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[index:])
    return qualified
