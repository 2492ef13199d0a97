"""TL202's premises: raw integer keys in `socket_keepalive_options` are not keepalive options on Linux.

On Linux 1/2/3 are TCP_NODELAY/TCP_MAXSEG/TCP_CORK. Seed 001's dict fails to
connect with Error 22 because of key 2 (TCP_MAXSEG < 88); the named
constants connect and really configure keepalive.
"""

from __future__ import annotations

import socket
import sys

import pytest
import redis

from tests.redis_server import RedisServer

pytestmark = [
    pytest.mark.redis_server,
    pytest.mark.skipif(sys.platform != "linux", reason="the option numbers are Linux's"),
]

SEED_001_OPTIONS = {1: 60, 2: 10, 3: 6}


def client(server: RedisServer, options: dict[object, int]) -> redis.Redis:
    return redis.Redis(
        host=server.host,
        port=server.port,
        socket_connect_timeout=2,
        socket_timeout=2,
        socket_keepalive=True,
        socket_keepalive_options=options,  # type: ignore[arg-type]
        single_connection_client=True,
        retry=None,
    )


def live_socket(connection: redis.Redis) -> socket.socket:
    assert connection.connection is not None
    sock = connection.connection._sock
    assert isinstance(sock, socket.socket)
    return sock


def test_the_seed_001_dict_fails_to_connect_with_errno_22(redis_server: RedisServer) -> None:
    with pytest.raises(redis.ConnectionError) as failure:
        client(redis_server, SEED_001_OPTIONS).ping()
    assert "Error 22" in str(failure.value)
    assert "Invalid argument" in str(failure.value)


def test_key_2_alone_is_the_cause(redis_server: RedisServer) -> None:
    with pytest.raises(redis.ConnectionError, match="Error 22"):
        client(redis_server, {2: 10}).ping()


def test_deleting_key_2_connects_but_leaves_tcp_cork_on(redis_server: RedisServer) -> None:
    connection = client(redis_server, {1: 60, 3: 6})
    try:
        assert connection.ping() is True
        sock = live_socket(connection)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CORK) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        connection.close()


def test_the_named_constants_connect_and_configure_keepalive(redis_server: RedisServer) -> None:
    options = {socket.TCP_KEEPIDLE: 60, socket.TCP_KEEPINTVL: 10, socket.TCP_KEEPCNT: 6}
    connection = client(redis_server, options)
    try:
        assert connection.ping() is True
        sock = live_socket(connection)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 60
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 10
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 6
    finally:
        connection.close()


def test_string_keys_fail_too(redis_server: RedisServer) -> None:
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        client(redis_server, {"TCP_KEEPIDLE": 60}).ping()
