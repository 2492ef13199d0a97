"""Fixtures for premise tests: real redis-server processes and a black-hole TCP server.

Each server is started once per module, bounded in time, and stopped in
teardown. Without `redis-server` the tests that need it are skipped with a
reason that says how to get it; they never pass silently.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis_server import TEST_PASSWORD, BlackHole, RedisServer, redis_server_binary

MISSING = (
    "redis-server is not installed: premise tests need a real server "
    "(apt-get install redis-server; .ci/run installs it)"
)


def _server(requirepass: str | None, unix_socket: bool = False) -> Iterator[RedisServer]:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip(MISSING)
    server = RedisServer(binary, requirepass=requirepass, unix_socket=unix_socket).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A plain redis-server on 127.0.0.1 with a free port."""
    yield from _server(None)


@pytest.fixture(scope="module")
def redis_server_with_password() -> Iterator[RedisServer]:
    """A redis-server started with `--requirepass` (password `TEST_PASSWORD`)."""
    yield from _server(TEST_PASSWORD)


@pytest.fixture(scope="module")
def socket_server() -> Iterator[RedisServer]:
    """A plain redis-server that also listens on a Unix domain socket (`socket_path`)."""
    yield from _server(None, unix_socket=True)


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    """A TCP server that accepts connections and never answers."""
    server = BlackHole().start()
    try:
        yield server
    finally:
        server.stop()
