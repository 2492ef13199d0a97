"""TL201 / TL203 premises: how pub/sub reads and blocking commands meet `socket_timeout`.

TL201's version table (research, item 1), for `listen()` on a client with
`socket_timeout=N` and nothing published:

| redis-py | `Redis(host=...)` | `from_url(...)` |
|---|---|---|
| < 6.0 | raises TimeoutError after N s | raises |
| 6.0 - 8.0.0 | reconnects and re-subscribes every ~N s | raises |
| >= 8.0.1 | blocks until a message arrives | blocks |

The test below observes the installed version and compares with the row
that applies to it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest
import redis
from packaging.version import Version

from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis_server

SOCKET_TIMEOUT = 1.0
WINDOW = 3.5
CHANNEL = "premise"


def expected_listen_behaviour(version: str, built_with: str) -> str:
    installed = Version(version)
    if installed < Version("6.0"):
        return "raises"
    if installed <= Version("8.0.0"):
        return "resubscribes" if built_with == "host" else "raises"
    return "blocks"


@dataclass
class Observation:
    subscribes: int = 0
    error: BaseException | None = None
    error_after: float | None = None
    events: list[str] = field(default_factory=list)


def make_client(server: RedisServer, built_with: str) -> redis.Redis:
    if built_with == "host":
        return redis.Redis(host=server.host, port=server.port, socket_timeout=SOCKET_TIMEOUT)
    return redis.from_url(server.url, socket_timeout=SOCKET_TIMEOUT)


def observe_listen(server: RedisServer, built_with: str) -> tuple[Observation, bool]:
    """Listen for WINDOW seconds of silence; then publish once so a blocked listener ends."""
    client = make_client(server, built_with)
    pubsub = client.pubsub()
    pubsub.subscribe(CHANNEL)
    seen = Observation()
    started = time.monotonic()

    def listen() -> None:
        try:
            for message in pubsub.listen():
                seen.events.append(message["type"])
                if message["type"] == "subscribe":
                    seen.subscribes += 1
                if message["type"] == "message":
                    return
        except Exception as exc:
            seen.error = exc
            seen.error_after = time.monotonic() - started

    listener = threading.Thread(target=listen, name="premise-listen", daemon=True)
    listener.start()
    listener.join(WINDOW)
    still_listening = listener.is_alive()
    publisher = redis.Redis(host=server.host, port=server.port, socket_timeout=2)
    publisher.publish(CHANNEL, "wake up")
    listener.join(3)
    publisher.close()
    pubsub.close()
    client.close()
    assert not listener.is_alive(), "the listener did not end after a publish"
    return seen, still_listening


def classify(seen: Observation, still_listening: bool) -> str:
    if isinstance(seen.error, redis.TimeoutError):
        return "raises"
    if seen.subscribes > 1:
        return "resubscribes"
    if still_listening and seen.subscribes == 1 and seen.error is None:
        return "blocks"
    return f"unexpected: {seen}"


@pytest.mark.parametrize("built_with", ["host", "from_url"])
def test_listen_with_a_finite_socket_timeout_behaves_as_tl201_says(
    redis_server: RedisServer, built_with: str
) -> None:
    seen, still_listening = observe_listen(redis_server, built_with)
    expected = expected_listen_behaviour(redis.__version__, built_with)
    assert classify(seen, still_listening) == expected
    if expected == "raises":
        assert seen.error_after is not None
        assert seen.error_after < SOCKET_TIMEOUT + 0.9
        assert "Timeout reading from socket" in str(seen.error)


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


def test_blpop_longer_than_socket_timeout_fails_with_timeout_error(
    redis_server: RedisServer,
) -> None:
    client = redis.from_url(redis_server.url, socket_timeout=1)
    started = time.monotonic()
    try:
        with pytest.raises(redis.TimeoutError, match="Timeout reading from socket"):
            client.blpop(["premise-queue"], timeout=2)  # timeoutlint: ignore[TL203]
        assert time.monotonic() - started < 1.9, "the socket timeout, not BLPOP's, must end it"
    finally:
        client.close()


def test_blpop_shorter_than_socket_timeout_returns_none(redis_server: RedisServer) -> None:
    client = redis.from_url(redis_server.url, socket_timeout=2)
    started = time.monotonic()
    try:
        assert client.blpop(["premise-queue"], timeout=1) is None
        assert 0.9 <= time.monotonic() - started < 1.9
    finally:
        client.close()


def _pings(client: redis.Redis) -> int:
    stats = client.info("commandstats").get("cmdstat_ping", {})
    return int(stats.get("calls", 0)) if isinstance(stats, dict) else 0


def test_health_check_interval_sends_no_ping_while_listen_is_blocked(
    redis_server: RedisServer,
) -> None:
    """Why TL201's fix does not add `health_check_interval`: its PING is sent before a read
    (`PubSub.check_health` in `parse_response`), never during one that is already blocked,
    so a listener waiting on a dead connection is not woken by it."""
    listener = redis.Redis(
        host=redis_server.host, port=redis_server.port, socket_timeout=None, health_check_interval=1
    )
    observer = redis.Redis(host=redis_server.host, port=redis_server.port)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    received: list[object] = []

    def listen() -> None:
        for message in pubsub.listen():
            received.append(message)
            return

    thread = threading.Thread(target=listen, daemon=True)
    try:
        thread.start()
        time.sleep(0.5)
        before = _pings(observer)
        time.sleep(3)  # three health-check intervals with the read blocked
        assert _pings(observer) == before
        observer.publish(CHANNEL, "wake up")
        thread.join(timeout=5)
        assert received and received[0]["data"] == b"wake up"  # type: ignore[index]
    finally:
        pubsub.close()
        listener.close()
        observer.close()
