"""The Redis vocabulary: every name, command and byte string the Redis rules know, written once.

redis-py and valkey-py (its fork, `valkey` on PyPI) have the same shape under different
names: `redis.Redis` / `valkey.Valkey`, `redis.asyncio` / `valkey.asyncio`,
`redis.cluster.RedisCluster` / `valkey.cluster.ValkeyCluster`, the same pools, sentinel,
pub/sub and blocking commands (with the same argument positions: `commands/core.py` of both).
A `ClientLibrary` spells one of them; the qualified names the object model recognises, and the
bytes the scan and the prefilter look for, are derived from the libraries here, so a client
added here is seen by every Redis rule and cannot be skipped by a byte test written for
another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientLibrary:
    """One redis-py-shaped client library: how its names are spelled.

    `name` is what messages call it (`redis-py`), `package` its import name (`redis`),
    `client` and `strict` its client classes, `cluster` its cluster class; `aliases` are
    other names its package and its asyncio package bind to them (valkey-py's `valkey.Redis =
    Valkey`, `StrictRedis`, `RedisCluster`, for code written for redis-py).
    """

    name: str
    package: str
    distribution: str
    client: str
    strict: str
    cluster: str
    aliases: tuple[str, ...] = ()

    @property
    def asyncio(self) -> str:
        return f"{self.package}.asyncio"

    def _aliases(self, module: str, cluster: bool) -> tuple[str, ...]:
        return tuple(
            f"{module}.{name}" for name in self.aliases if name.endswith("Cluster") == cluster
        )

    @property
    def sync_clients(self) -> tuple[str, ...]:
        return tuple(
            f"{module}.{name}"
            for module in (self.package, f"{self.package}.client")
            for name in (self.client, self.strict)
        ) + self._aliases(self.package, cluster=False)

    @property
    def async_clients(self) -> tuple[str, ...]:
        return tuple(
            f"{module}.{name}"
            for module in (self.asyncio, f"{self.asyncio}.client")
            for name in (self.client, self.strict)
        ) + self._aliases(self.asyncio, cluster=False)

    @property
    def pools(self) -> tuple[str, ...]:
        return tuple(
            f"{module}.{name}"
            for module in (
                self.package,
                f"{self.package}.connection",
                self.asyncio,
                f"{self.asyncio}.connection",
            )
            for name in POOL_CLASS_NAMES
        )

    @property
    def clusters(self) -> tuple[str, ...]:
        return (
            tuple(
                f"{module}.{self.cluster}"
                for module in (
                    self.package,
                    f"{self.package}.cluster",
                    self.asyncio,
                    f"{self.asyncio}.cluster",
                )
            )
            + self._aliases(self.package, cluster=True)
            + self._aliases(self.asyncio, cluster=True)
        )

    @property
    def sentinels(self) -> tuple[str, ...]:
        return (
            f"{self.package}.sentinel.Sentinel",
            f"{self.package}.Sentinel",
            f"{self.asyncio}.sentinel.Sentinel",
            f"{self.asyncio}.Sentinel",
        )

    @property
    def url_factories(self) -> tuple[str, ...]:
        return tuple(
            f"{module}.from_url"
            for module in (
                self.package,
                f"{self.package}.client",
                self.asyncio,
                f"{self.asyncio}.client",
            )
        )

    @property
    def bare_constructors(self) -> tuple[str, ...]:
        """Unqualified callee names whose `password=` configures a client of this library."""
        return (self.client, self.strict, *POOL_CLASS_NAMES, "Sentinel", self.cluster)

    def is_async(self, qualified_name: str) -> bool:
        return qualified_name.startswith(f"{self.asyncio}.")


POOL_CLASS_NAMES = ("ConnectionPool", "BlockingConnectionPool")

REDIS_PY = ClientLibrary("redis-py", "redis", "redis", "Redis", "StrictRedis", "RedisCluster")
VALKEY_PY = ClientLibrary(
    "valkey-py",
    "valkey",
    "valkey",
    "Valkey",
    "StrictValkey",
    "ValkeyCluster",
    aliases=("Redis", "StrictRedis", "RedisCluster"),
)
LIBRARIES = (REDIS_PY, VALKEY_PY)
"""redis-py first: where a fact has no library (a byte test, a default), it is redis-py's."""

EXTERNAL_CLIENT_FACTORIES = {
    "django_redis.get_redis_connection": REDIS_PY,
    "django_valkey.get_valkey_connection": VALKEY_PY,
}
"""Functions that hand out a client whose settings come from elsewhere (Django's `CACHES`)."""


def library_of(qualified_name: str) -> ClientLibrary:
    """The library a recognised qualified name belongs to (by its top-level package)."""
    if qualified_name in EXTERNAL_CLIENT_FACTORIES:
        return EXTERNAL_CLIENT_FACTORIES[qualified_name]
    top = qualified_name.split(".", 1)[0]
    return next((library for library in LIBRARIES if library.package == top), REDIS_PY)


def library_named(name: str) -> ClientLibrary:
    """The library whose message name is `name` (`redis-py`, `valkey-py`)."""
    return next((library for library in LIBRARIES if library.name == name), REDIS_PY)


# Blocking commands ------------------------------------------------------------


@dataclass(frozen=True)
class BlockingCommand:
    """Where a blocking command takes its block time, and in which unit."""

    keyword: str
    position: int
    default: float | None
    milliseconds: bool = False


BLOCKING_COMMANDS = {
    "blpop": BlockingCommand("timeout", 1, 0.0),
    "brpop": BlockingCommand("timeout", 1, 0.0),
    "brpoplpush": BlockingCommand("timeout", 2, 0.0),
    "blmove": BlockingCommand("timeout", 2, None),
    "blmpop": BlockingCommand("timeout", 0, None),
    "bzpopmin": BlockingCommand("timeout", 1, 0.0),
    "bzpopmax": BlockingCommand("timeout", 1, 0.0),
    "bzmpop": BlockingCommand("timeout", 0, None),
    "xread": BlockingCommand("block", 2, None, milliseconds=True),
    "xreadgroup": BlockingCommand("block", 4, None, milliseconds=True),
}
"""The same methods and positions in redis-py and valkey-py (`commands/core.py`, without
`self`)."""

BLOCKING_METHODS = frozenset(BLOCKING_COMMANDS)
LONG_READ_METHODS = BLOCKING_METHODS | {"pubsub"}
PUBSUB_WAIT_METHODS = ("listen", "get_message", "run_in_thread")
"""Pub/sub methods that wait for a message."""


# RQ ---------------------------------------------------------------------------

RQ_WORKERS = frozenset(
    f"{module}.{name}"
    for module in ("rq", "rq.worker")
    for name in ("Worker", "SimpleWorker", "SpawnWorker", "RandomWorker", "RoundRobinWorker")
)
RQ_CONNECTION_USERS = RQ_WORKERS | {"rq.Queue", "rq.queue.Queue"}
RQ_CONNECTION_CONTEXTS = frozenset({"rq.Connection", "rq.connections.Connection"})
"""rq < 2.0: `with Connection(conn):` makes `conn` the connection of the rq objects built
inside the block without a `connection=`."""
RQ_CONNECTION_HANDOFFS = frozenset(
    f"{module}.{name}"
    for module in ("rq", "rq.connections")
    for name in ("Connection", "push_connection", "use_connection")
)
"""rq < 2's ways to hand workers a connection positionally: a client given to one of them may
serve a worker built anywhere, so it counts as a long-read client."""


# URLs -------------------------------------------------------------------------

URL_SCHEMES = ("redis://", "rediss://", "valkey://", "valkeys://")
"""The TCP schemes of `parse_url` (redis-py: redis, rediss; valkey-py: those and valkey,
valkeys), whose user info both read the same way (`urlparse`, then `unquote`)."""


def url_library(url: str) -> ClientLibrary:
    """The library a URL is written for: valkey-py for `valkey://`/`valkeys://` (redis-py refuses
    them), else redis-py."""
    return VALKEY_PY if url.startswith(("valkey://", "valkeys://")) else REDIS_PY


PASSWORD_CALLEE_PACKAGES = frozenset(
    {*(library.package for library in LIBRARIES), "django_redis", "django_valkey", "rq"}
)
"""Packages whose calls take a Redis `password=` (clients, Django cache helpers, rq)."""


# Servers and passwords --------------------------------------------------------

PASSWORD_VARIABLES = ("REDIS_PASSWORD", "REDIS_PASS")
SERVER_IMAGES = frozenset(
    {
        "redis",
        "bitnami/redis",
        "redis/redis-stack",
        "redis/redis-stack-server",
        "valkey/valkey",
        "bitnami/valkey",
    }
)
"""Image repositories (`compose/` `image:` without registry and tag) that run a Redis server."""
BITNAMI_IMAGES = frozenset({"bitnami/redis", "bitnami/valkey"})
SERVER_COMMANDS = frozenset({"redis-server", "valkey-server", "redis-stack-server"})


# Bytes ------------------------------------------------------------------------
# What the scan, the prefilter and the project index look for before parsing. Each list must
# appear in every file the code that reads it could act on; all are derived from the names
# above, so a library added to `LIBRARIES` is never skipped by a byte test.


def _shared_prefixes(commands: tuple[str, ...]) -> tuple[bytes, ...]:
    """The longest common prefix of each group of commands sharing their first three letters
    (`blmove`, `blmpop` -> `blm`): one substring of every command, few to search for."""
    groups: dict[str, list[str]] = {}
    for command in commands:
        groups.setdefault(command[:3], []).append(command)
    prefixes = []
    for group in groups.values():
        prefix = group[0]
        for command in group[1:]:
            while not command.startswith(prefix):
                prefix = prefix[:-1]
        prefixes.append(prefix.encode())
    return tuple(prefixes)


CLIENT_MENTIONS = tuple(library.package.encode() for library in LIBRARIES)
"""`redis`, `valkey`: lower-case words of every file that builds or configures a client."""
CLIENT_TRIGGERS = tuple(
    word
    for library in LIBRARIES
    for word in (library.package.encode(), library.package.capitalize().encode())
)
"""`redis`, `Redis`, `valkey`, `Valkey`: in every file that names a client library or class."""
CONFIG_TRIGGERS = tuple(
    dict.fromkeys(
        word
        for library in LIBRARIES
        for word in (
            library.package.encode(),
            library.package.upper().encode(),
            library.package.capitalize().encode(),
        )
    )
)
"""What a compose or `.env` file that configures a Redis URL or server says (`REDIS_URL`,
`image: redis`, `valkey://`)."""


def mentions_client(text: str) -> bool:
    """Whether a compose or `.env` value may hold a URL of a client library (its scheme)."""
    return any(library.package in text for library in LIBRARIES)


BLOCKING_MENTIONS = _shared_prefixes(tuple(BLOCKING_COMMANDS))
"""Substrings of every blocking command (`blpop`, `brpop`, `blm`, `bzpopm`, `bzmpop`, `xread`)."""
PUBSUB_WAIT_MENTIONS = tuple(f"{method}(".encode() for method in PUBSUB_WAIT_METHODS)
LONG_READ_MENTIONS = (b"pubsub(", *BLOCKING_MENTIONS)
"""Uses that need `socket_timeout=None`, possibly of a client imported from another module."""
RQ_MENTIONS = (b"from rq", b"import rq")
URL_SCHEME_MENTIONS = tuple(scheme.encode() for scheme in URL_SCHEMES)
PASSWORD_VARIABLE_MENTIONS = (b"REDIS_PASS",)
"""A substring of every name in `PASSWORD_VARIABLES`."""
PASSWORD_CALLEE_MENTIONS = tuple(
    dict.fromkeys(
        word
        for library in LIBRARIES
        for word in (library.client.encode(), b"ConnectionPool", b"Sentinel", b"from_url")
    )
)
"""Substrings of every bare constructor name (`ClientLibrary.bare_constructors`), and
`from_url`."""

assert all(
    any(mention.decode() in variable for mention in PASSWORD_VARIABLE_MENTIONS)
    for variable in PASSWORD_VARIABLES
)
assert all(
    any(mention.decode() in command for mention in BLOCKING_MENTIONS)
    for command in BLOCKING_COMMANDS
)
assert all(
    any(mention.decode() in name for mention in PASSWORD_CALLEE_MENTIONS)
    for library in LIBRARIES
    for name in library.bare_constructors
)
