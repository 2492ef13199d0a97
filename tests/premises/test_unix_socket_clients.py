"""TL205's premise for Unix domain sockets: only the read can wait, never the connect.

`UnixDomainSocketConnection._connect` (redis-py 4.6.0 to 8.1.0, read in the wheels) connects
with `socket_connect_timeout` and then reads with its own `socket_timeout`. A connect to a
local socket that nothing listens on fails at once (ENOENT or ECONNREFUSED): there is no host
to wait for, so TL205 does not ask a `unix://` client for a connect timeout. A server that
accepted the connection and stopped answering still makes a command with no `socket_timeout`
wait forever, which is what TL205 reports for such a client. These tests run the installed
redis-py against a real redis-server listening on a socket, and against a socket that accepts
and never answers.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.redis_server import RedisServer, started_in_thread


@pytest.fixture
def silent_socket() -> Iterator[str]:
    """A Unix socket that accepts connections and never sends a byte."""
    with tempfile.TemporaryDirectory(prefix="timeoutlint-uds-") as directory:
        path = str(Path(directory) / "silent.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(8)
        accepted: list[socket.socket] = []
        stopping = threading.Event()

        def accept() -> None:
            listener.settimeout(0.1)
            while not stopping.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            yield path
        finally:
            stopping.set()
            thread.join(5)
            for sock in (*accepted, listener):
                sock.close()


def test_a_unix_url_client_without_timeouts_talks_over_the_socket(
    socket_server: RedisServer,
) -> None:
    client = redis.Redis.from_url(f"unix://{socket_server.socket_path}")
    assert client.ping() is True
    connection = client.connection_pool.get_connection()
    try:
        assert isinstance(connection, redis.UnixDomainSocketConnection)
        major = int(redis.__version__.split(".")[0])
        assert connection.socket_connect_timeout == (None if major < 8 else 5)
    finally:
        client.connection_pool.release(connection)


@pytest.mark.parametrize("construction", ["url", "unix_socket_path"])
def test_connecting_to_a_socket_nothing_listens_on_fails_at_once(
    tmp_path: Path, construction: str
) -> None:
    path = str(tmp_path / "absent.sock")
    if construction == "url":
        client = redis.Redis.from_url(f"unix://{path}", retry=None)
    else:
        client = redis.Redis(unix_socket_path=path, retry=None)
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    assert time.monotonic() - started < 1


def test_a_command_without_socket_timeout_is_still_waiting_after_2_s(silent_socket: str) -> None:
    client = redis.Redis.from_url(f"unix://{silent_socket}", retry=None)
    worker, outcome = started_in_thread(client.ping)
    worker.join(2)
    assert worker.is_alive() and outcome == []
    client.connection_pool.disconnect(inuse_connections=True)
    worker.join(10)


def test_the_fixed_client_gives_up_after_its_socket_timeout(silent_socket: str) -> None:
    client = redis.Redis.from_url(f"unix://{silent_socket}", socket_timeout=1, retry=None)
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        client.ping()
    assert 0.9 <= time.monotonic() - started < 3
