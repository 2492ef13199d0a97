"""TL205's and TL206's premise: without `socket_connect_timeout`, redis-py connects with `socket_timeout`.

`AbstractConnection.__init__` (sync and asyncio) says
`if socket_connect_timeout is None: socket_connect_timeout = socket_timeout`.
Read in the wheels of redis-py 4.6.0, 5.0.8, 6.4.0, 7.4.1 and 8.1.0 (3.5.3:
`socket_connect_timeout or socket_timeout`, sync only). Before 8.0 `Redis()`
passes `socket_connect_timeout=None` by default, so `Redis(socket_timeout=5)`
connects with a 5 s timeout; from 8.0 the default is 5 s and the fallback
applies to an explicit None. These tests run the installed redis-py: they
build connections and read the attribute, and they measure a connect to a
listening socket whose backlog is full (the kernel drops the SYN, so a
connect without a timeout waits until the kernel's SYN retries run out:
133 s measured with Linux's default `tcp_syn_retries` of 6, too long to
measure here, so the last test stops at 3 s).
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import sys
import time
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio

from tests.redis_server import started_in_thread

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="a full listen backlog drops SYNs on Linux"
)


class FullBacklog:
    """A socket on 127.0.0.1 that listens, never accepts, and has its backlog filled."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0)
        self.port: int = self.server.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(filler)
        time.sleep(0.2)

    def close(self) -> None:
        for sock in (*self.fillers, self.server):
            sock.close()


@pytest.fixture
def full_backlog() -> Iterator[FullBacklog]:
    server = FullBacklog()
    try:
        yield server
    finally:
        server.close()


def test_the_installed_redis_py_is_one_whose_source_was_read() -> None:
    assert redis.__version__.split(".")[0] in ("4", "5", "6", "7", "8")


@pytest.mark.parametrize(
    "connection_class", [redis.Connection, redis.asyncio.Connection], ids=["sync", "asyncio"]
)
def test_an_absent_connect_timeout_takes_the_socket_timeout(connection_class: type) -> None:
    connection = connection_class(host="h", socket_timeout=3, socket_connect_timeout=None)
    assert connection.socket_connect_timeout == 3
    assert connection.socket_timeout == 3


def test_a_client_and_its_pool_pass_the_fallback_on() -> None:
    for client in (
        redis.Redis(host="h", socket_timeout=3, socket_connect_timeout=None),
        redis.Redis.from_url("redis://h?socket_timeout=3", socket_connect_timeout=None),
        redis.Redis(
            connection_pool=redis.ConnectionPool(
                host="h", socket_timeout=3, socket_connect_timeout=None
            )
        ),
    ):
        connection = client.connection_pool.make_connection()
        assert connection.socket_connect_timeout == 3


def test_before_8_redis_passes_none_and_from_8_five_seconds() -> None:
    default = inspect.signature(redis.Redis.__init__).parameters["socket_connect_timeout"].default
    major = int(redis.__version__.split(".")[0])
    assert default == (None if major < 8 else 5)


def test_a_connect_with_only_a_socket_timeout_gives_up_after_it(
    full_backlog: FullBacklog,
) -> None:
    client = redis.Redis(
        host="127.0.0.1",
        port=full_backlog.port,
        socket_timeout=1,
        socket_connect_timeout=None,
        retry=None,
    )
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError, match="Timeout connecting to server"):
        client.ping()
    assert 0.9 <= time.monotonic() - started < 3


def test_an_asyncio_connect_with_only_a_socket_timeout_gives_up_after_it(
    full_backlog: FullBacklog,
) -> None:
    async def ping() -> None:
        client = redis.asyncio.Redis(
            host="127.0.0.1",
            port=full_backlog.port,
            socket_timeout=1,
            socket_connect_timeout=None,
            retry=None,
        )
        try:
            await client.ping()
        finally:
            await client.aclose()

    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        asyncio.run(ping())
    assert 0.9 <= time.monotonic() - started < 3


def test_a_connect_with_neither_timeout_is_still_waiting_after_3_s(
    full_backlog: FullBacklog,
) -> None:
    client = redis.Redis(
        host="127.0.0.1",
        port=full_backlog.port,
        socket_timeout=None,
        socket_connect_timeout=None,
        retry=None,
    )
    worker, outcome = started_in_thread(client.ping)
    worker.join(3)
    assert worker.is_alive() and outcome == []
    full_backlog.close()
    worker.join(10)
    assert not worker.is_alive()
