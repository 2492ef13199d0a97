"""The Redis rules' premises for valkey-py (`valkey` on PyPI, a fork of redis-py) and django-valkey.

Read in the wheels of valkey 6.0.0, 6.1.0 and 6.2.0 (every release; observed on a real
redis-server, which speaks the same protocol as valkey-server) and django-valkey 0.4.1:

| | 6.0.x | 6.1.0 - 6.2.0 |
|---|---|---|
| `Valkey(host=...)` without timeouts | None, None | None, None (the client passes None) |
| `from_url(...)`, a bare pool, `valkey.asyncio` | None, None | 5 s, 5 s (`AbstractConnection`) |
| `listen()` with `socket_timeout=N` | TimeoutError after N s | the same |
| a blocking command longer than N | TimeoutError after N s, no retry | the same |

An absent `socket_connect_timeout` takes `socket_timeout` (`AbstractConnection.__init__`).
`VALKEY_FACTS` (checks/redis_common.py) says which findings rest on this: only the rows
every release agrees on. These tests observe the installed valkey-py.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time

import pytest
import valkey
import valkey.asyncio
from packaging.version import Version

from tests.redis_server import RedisServer

SOCKET_TIMEOUT = 1.0
WINDOW = 3.5
CHANNEL = "premise"


def test_the_installed_valkey_py_is_one_whose_source_was_read() -> None:
    assert Version("6.0.0") <= Version(valkey.__version__) < Version("6.3")


def expected_default(built_with: str) -> float | None:
    """The socket timeout (and connect timeout) a connection gets when none is given."""
    if built_with == "host" or Version(valkey.__version__) < Version("6.1"):
        return None
    return 5


# Defaults and the connect-timeout fallback ------------------------------------------------


@pytest.mark.parametrize("built_with", ["host", "from_url", "pool"])
def test_sync_defaults_depend_on_the_construction_and_the_release(built_with: str) -> None:
    if built_with == "host":
        client = valkey.Valkey(host="cache")  # timeoutlint: ignore[TL205]
    elif built_with == "from_url":
        client = valkey.from_url("valkey://cache:6379/0")
    else:
        client = valkey.Valkey(connection_pool=valkey.ConnectionPool(host="cache"))
    connection = client.connection_pool.make_connection()
    expected = expected_default(built_with)
    assert connection.socket_timeout == expected
    assert connection.socket_connect_timeout == expected


def test_asyncio_clients_take_the_connection_default() -> None:
    client = valkey.asyncio.Valkey(host="cache")
    connection = client.connection_pool.make_connection()
    expected = expected_default("asyncio")
    assert connection.socket_timeout == expected
    assert connection.socket_connect_timeout == expected


@pytest.mark.parametrize(
    "connection_class", [valkey.Connection, valkey.asyncio.Connection], ids=["sync", "asyncio"]
)
def test_an_absent_connect_timeout_takes_the_socket_timeout(connection_class: type) -> None:
    connection = connection_class(host="h", socket_timeout=3, socket_connect_timeout=None)
    assert connection.socket_connect_timeout == 3


def test_a_host_client_without_timeouts_waits_for_a_silent_server() -> None:
    """TL205: nothing bounds the read (the black hole accepts and never answers)."""
    from tests.redis_server import BlackHole

    hole = BlackHole().start()
    port = hole.port
    client = valkey.Valkey(host="127.0.0.1", port=port)  # timeoutlint: ignore[TL205]
    outcome: list[object] = []

    def ping() -> None:
        try:
            outcome.append(client.ping())
        except Exception as exc:  # the black hole closed at teardown
            outcome.append(exc)

    caller = threading.Thread(target=ping, name="premise-ping", daemon=True)
    caller.start()
    caller.join(2.0)
    try:
        assert caller.is_alive(), f"the call ended within 2 s: {outcome}"
    finally:
        hole.stop()
        client.close()
        caller.join(5)


# Pub/sub and blocking commands on a real server --------------------------------------------


def make_client(server: RedisServer, built_with: str) -> valkey.Valkey:
    if built_with == "host":
        return valkey.Valkey(host=server.host, port=server.port, socket_timeout=SOCKET_TIMEOUT)
    return valkey.from_url(server.url, socket_timeout=SOCKET_TIMEOUT)


@pytest.mark.redis_server
@pytest.mark.parametrize("built_with", ["host", "from_url"])
def test_listen_with_a_finite_socket_timeout_raises_after_it(
    redis_server: RedisServer, built_with: str
) -> None:
    """TL201: valkey-py has no redis-py-6 style re-subscribe and no 8.0.1 style blocking read."""
    client = make_client(redis_server, built_with)
    pubsub = client.pubsub()
    pubsub.subscribe(CHANNEL)
    seen: list[object] = []
    started = time.monotonic()

    def listen() -> None:
        try:
            for message in pubsub.listen():
                seen.append(message["type"])
        except Exception as exc:
            seen.append((exc, time.monotonic() - started))

    listener = threading.Thread(target=listen, name="premise-listen", daemon=True)
    listener.start()
    listener.join(WINDOW)
    try:
        assert not listener.is_alive(), "listen() still waits after the socket timeout"
        assert seen[0] == "subscribe"
        error, after = seen[-1]  # type: ignore[misc]
        assert isinstance(error, valkey.TimeoutError)
        assert "Timeout reading from socket" in str(error)
        assert after < SOCKET_TIMEOUT + 0.9
    finally:
        pubsub.close()
        client.close()


@pytest.mark.redis_server
def test_asyncio_listen_with_a_finite_socket_timeout_raises_too(redis_server: RedisServer) -> None:
    async def listen() -> float:
        client = valkey.asyncio.from_url(redis_server.url, socket_timeout=SOCKET_TIMEOUT)
        pubsub = client.pubsub()
        await pubsub.subscribe(CHANNEL)
        started = time.monotonic()
        try:
            with pytest.raises(valkey.TimeoutError):
                async for _message in pubsub.listen():  # timeoutlint: ignore[TL201]
                    pass
            return time.monotonic() - started
        finally:
            await pubsub.aclose()
            await client.aclose()

    assert asyncio.run(asyncio.wait_for(listen(), WINDOW + 2)) < SOCKET_TIMEOUT + 0.9


@pytest.mark.redis_server
def test_get_message_with_a_timeout_returns_none_in_time(redis_server: RedisServer) -> None:
    client = make_client(redis_server, "host")
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    try:
        pubsub.get_message(timeout=0.5)  # the subscribe confirmation, swallowed
        started = time.monotonic()
        assert pubsub.get_message(timeout=0.5) is None
        assert 0.4 <= time.monotonic() - started < 1.5
    finally:
        pubsub.close()
        client.close()


@pytest.mark.redis_server
@pytest.mark.parametrize("built_with", ["host", "from_url"])
def test_blpop_longer_than_socket_timeout_fails_at_the_socket_timeout(
    redis_server: RedisServer, built_with: str
) -> None:
    """TL203: no retry re-sends the command, whatever the construction."""
    client = make_client(redis_server, built_with)
    started = time.monotonic()
    try:
        with pytest.raises(valkey.TimeoutError, match="Timeout reading from socket"):
            client.blpop(["premise-queue"], timeout=2)  # timeoutlint: ignore[TL203]
        assert time.monotonic() - started < SOCKET_TIMEOUT + 0.9
    finally:
        client.close()


@pytest.mark.redis_server
def test_blpop_shorter_than_socket_timeout_returns_none(redis_server: RedisServer) -> None:
    client = valkey.from_url(redis_server.url, socket_timeout=2)
    try:
        assert client.blpop(["premise-queue"], timeout=1) is None
    finally:
        client.close()


# TCP keepalive options (TL202) --------------------------------------------------------------


@pytest.mark.redis_server
@pytest.mark.skipif(sys.platform != "linux", reason="the option numbers are Linux's")
def test_raw_keepalive_keys_are_tcp_options_too(redis_server: RedisServer) -> None:
    """valkey-py calls `setsockopt(IPPROTO_TCP, key, value)` per entry, as redis-py does: key 2
    is TCP_MAXSEG, and 10 is below its minimum."""
    client = valkey.Valkey(
        host=redis_server.host,
        port=redis_server.port,
        socket_connect_timeout=2,
        socket_timeout=2,
        socket_keepalive=True,
        socket_keepalive_options={1: 60, 2: 10, 3: 6},  # timeoutlint: ignore[TL202]
        retry=None,
    )
    try:
        with pytest.raises(valkey.ConnectionError, match="Error 22"):
            client.ping()
    finally:
        client.close()


@pytest.mark.redis_server
@pytest.mark.skipif(sys.platform != "linux", reason="the option numbers are Linux's")
def test_named_keepalive_constants_configure_keepalive(redis_server: RedisServer) -> None:
    options = {socket.TCP_KEEPIDLE: 60, socket.TCP_KEEPINTVL: 10, socket.TCP_KEEPCNT: 6}
    client = valkey.Valkey(
        host=redis_server.host,
        port=redis_server.port,
        socket_timeout=2,
        socket_keepalive=True,
        socket_keepalive_options=options,
        single_connection_client=True,
    )
    try:
        assert client.ping() is True
        assert client.connection is not None
        sock = client.connection._sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 60
    finally:
        client.close()


# URLs (TL401-TL404) ------------------------------------------------------------------------

URL_PARTS = ("username", "password", "host", "port", "db")


def url_parts(pool_class: type, url: str) -> dict[str, object]:
    """What a pool built from the URL connects with (`parse_url` moved between releases)."""
    kwargs = pool_class.from_url(url).connection_kwargs
    return {key: kwargs.get(key) for key in URL_PARTS}


@pytest.mark.parametrize("scheme", ["redis", "rediss", "valkey", "valkeys"])
def test_user_info_without_a_colon_is_a_user_name(scheme: str) -> None:
    """TL402: `valkey://secret@host` sends `secret` as the user name, with no password."""
    parsed = url_parts(valkey.ConnectionPool, f"{scheme}://secret@cache:6379/0")
    assert parsed["username"] == "secret"
    assert parsed["password"] is None


@pytest.mark.parametrize(
    "url",
    [
        "valkey://:p%40ss@cache:6379/0",
        "valkey://user:pw@cache:6380/2",
        "valkeys://:pa%2Fss@cache/1",
    ],
)
def test_valkey_urls_are_read_as_redis_py_reads_redis_urls(url: str) -> None:
    """The URL rules read a `valkey://` URL with redis-py's reading of the same URL."""
    import redis

    as_redis = url_parts(redis.ConnectionPool, url.replace("valkey", "redis", 1))
    assert url_parts(valkey.ConnectionPool, url) == as_redis


def test_redis_py_refuses_valkey_urls() -> None:
    """So a `valkey://` URL is written for valkey-py (`vocabulary.url_library`)."""
    import redis

    with pytest.raises(ValueError, match="scheme"):
        redis.from_url("valkey://cache:6379/0")


# django-valkey (TL206) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "passed"),
    [
        (
            {"SOCKET_TIMEOUT": 5, "SOCKET_CONNECT_TIMEOUT": 2},
            {"socket_timeout": 5, "socket_connect_timeout": 2},
        ),
        ({"socket_timeout": 5}, {}),
        ({"SOCKET_TIMEOUT": 0, "SOCKET_CONNECT_TIMEOUT": None}, {}),
    ],
    ids=["upper-case", "lower-case-ignored", "zero-and-none-dropped"],
)
def test_django_valkey_reads_only_upper_case_non_zero_timeouts(
    options: dict[str, object], passed: dict[str, object]
) -> None:
    pytest.importorskip("django_valkey", reason="django-valkey is not installed")
    from django_valkey.pool import ConnectionFactory

    params = ConnectionFactory(options).make_connection_params("valkey://cache:6379/1")
    assert {key: params[key] for key in params if key.startswith("socket_")} == passed
