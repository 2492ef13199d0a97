"""Premises of TL102/TL103 on clients beyond requests, checked on the installed packages.

- httpx2 (the continuation of httpx) has httpx's API and defaults: a 5 s timeout
  when none is given, none at all with `timeout=None` or `Timeout(None)`.
- In both, a `Timeout`'s `read` is the `read` keyword when it is passed, else the
  default (`Timeout(5.0, read=None)` has no read limit, `Timeout(None, read=5)`
  has one); with neither, the constructor raises (TL102's `read-limit`).
- `psycopg2.connect(..., async_=True)` returns at once, even against a server
  that never answers: the connection is made by the application's poll loop,
  where libpq ignores `connect_timeout`, so the keyword cannot bound it.
"""

from __future__ import annotations

import time

import pytest

from tests.redis_server import BlackHole

httpx2 = pytest.importorskip("httpx2", reason="httpx2 is a dev dependency (Python 3.11+)")


def test_httpx2_clients_and_functions_default_to_five_seconds() -> None:
    import inspect

    assert httpx2.Client().timeout == httpx2.Timeout(5.0)
    assert httpx2.AsyncClient().timeout == httpx2.Timeout(5.0)
    default = inspect.signature(httpx2.get).parameters["timeout"].default
    assert httpx2.Timeout(default) == httpx2.Timeout(5.0)


def test_httpx2_timeout_none_means_no_limit_at_all() -> None:
    unbounded = httpx2.Timeout(None)
    assert (unbounded.connect, unbounded.read, unbounded.write, unbounded.pool) == (None,) * 4
    assert httpx2.Client(timeout=None).timeout == unbounded
    assert httpx2.Timeout(5.0, read=None).read is None


@pytest.mark.parametrize("module", ["httpx", "httpx2"])
def test_a_timeouts_read_is_its_read_keyword_else_its_default(module: str) -> None:
    timeout_class = pytest.importorskip(module).Timeout
    assert timeout_class(5.0, read=None).read is None
    assert timeout_class(None, read=5.0).read == 5.0
    assert timeout_class(None, connect=5.0).read is None
    assert timeout_class(5.0, pool=None).read == 5.0
    assert timeout_class(connect=1, read=None, write=1, pool=1).read is None
    with pytest.raises(ValueError):
        timeout_class(read=None)


def test_httpx2_has_the_methods_the_rules_declare() -> None:
    for verb in ("get", "options", "head", "post", "put", "patch", "delete", "query"):
        assert callable(getattr(httpx2, verb))
        assert callable(getattr(httpx2.Client, verb))
    for method in ("request", "stream", "send", "close"):
        assert callable(getattr(httpx2.Client, method))


def test_httpx2_with_a_timeout_fails_in_time_against_a_black_hole(black_hole: BlackHole) -> None:
    started = time.monotonic()
    with pytest.raises(httpx2.ReadTimeout):
        httpx2.get(black_hole.url, timeout=0.3)
    assert time.monotonic() - started < 2.0


def test_an_async_psycopg2_connection_returns_at_once_from_a_black_hole(
    black_hole: BlackHole,
) -> None:
    extensions = pytest.importorskip("psycopg2.extensions")
    import psycopg2

    started = time.monotonic()
    connection = psycopg2.connect(
        host="127.0.0.1", port=black_hole.port, dbname="x", user="x", async_=True
    )
    try:
        assert time.monotonic() - started < 1.0
        assert connection.poll() in (extensions.POLL_READ, extensions.POLL_WRITE)
    finally:
        connection.close()


GEVENT_BOUND = """
import sys, time
if sys.argv[1] == "patched":
    from gevent import monkey
    monkey.patch_all(thread=False)
import gevent, requests
started = time.monotonic()
try:
    with gevent.Timeout(0.3):
        requests.get(sys.argv[2], timeout=1.5)
except BaseException as exc:
    print(type(exc).__module__, type(exc).__name__, round(time.monotonic() - started, 1))
"""


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("plain", "requests.exceptions ReadTimeout"), ("patched", "gevent.timeout Timeout")],
)
def test_gevent_timeout_bounds_a_request_only_on_a_patched_socket(
    black_hole: BlackHole, mode: str, expected: str
) -> None:
    """Why TL101 still reports a call inside `with gevent.Timeout(...)`: the file cannot show
    that the socket module is patched, and unpatched the Timeout never fires."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", GEVENT_BOUND, mode, black_hole.url],
        capture_output=True, text=True, timeout=20, check=True,
    )  # fmt: skip
    assert result.stdout.startswith(expected), result.stdout + result.stderr
