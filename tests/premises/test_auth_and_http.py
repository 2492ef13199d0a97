"""Premises of the URL-password and HTTP-timeout rules, on a real server and a real socket."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import redis
import requests

from tests.redis_server import TEST_PASSWORD, BlackHole, RedisServer

HANG_BOUND = 2.0


@pytest.mark.redis_server
def test_a_url_without_the_password_fails_to_authenticate(
    redis_server_with_password: RedisServer,
) -> None:
    client = redis.from_url(redis_server_with_password.url, socket_timeout=2)
    try:
        with pytest.raises(redis.AuthenticationError):
            client.ping()
    finally:
        client.close()


@pytest.mark.redis_server
def test_the_same_url_with_the_password_connects(redis_server_with_password: RedisServer) -> None:
    server = redis_server_with_password
    client = redis.from_url(
        f"redis://:{quote(TEST_PASSWORD, safe='')}@{server.host}:{server.port}/0", socket_timeout=2
    )
    try:
        assert client.ping() is True
    finally:
        client.close()


def test_requests_with_a_timeout_raises_read_timeout_in_time(black_hole: BlackHole) -> None:
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout, match=r"read timeout=0\.5"):
        requests.get(black_hole.url, timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_requests_without_a_timeout_is_still_waiting_after_the_bound(
    black_hole: BlackHole,
) -> None:
    code = f"import requests; requests.get({black_hole.url!r}); print('answered')"
    waiting = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=HANG_BOUND)
        assert waiting.poll() is None
    finally:
        waiting.kill()
        waiting.communicate(timeout=5)


def test_a_requests_timeout_bounds_each_read_not_a_response_that_keeps_arriving() -> None:
    """TL101's inserted timeout: a body that trickles in for longer than the timeout, one
    chunk well inside it at a time, is read whole."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    chunks = 6

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % chunks)
            for _ in range(chunks):
                time.sleep(0.25)
                connection.sendall(b"x")

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        started = time.monotonic()
        response = requests.get(f"http://127.0.0.1:{port}/", timeout=0.6)
        elapsed = time.monotonic() - started
    finally:
        server.join(timeout=5)
        listener.close()
    assert response.content == b"x" * chunks
    assert elapsed > 0.6 * 2
