"""TL102 against the real libraries: a flagged call really hangs, and its fixed code fails in time.

Each case is a small function that talks to a local "black hole" (a server
that accepts connections and never answers). The test lints the code with
TL102, applies the fix it offers (with `default-timeout` 0.2 s), then runs
both versions in threads: the flagged one must still be waiting after the
bound, the fixed one must have raised before it. libpq never waits less
than 2 s, so the PostgreSQL drivers get a 2.6 s bound.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import lint
from timeoutlint.fixes.python_codemod import apply_operations

FIX_TIMEOUT = 0.2
BOUND = 1.0
LIBPQ_BOUND = 2.6

pytestmark = pytest.mark.slow


@dataclass
class BlackHole:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte."""

    listener: socket.socket = field(default_factory=socket.socket)
    accepted: list[socket.socket] = field(default_factory=list)

    def start(self) -> int:
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()
        return int(self.listener.getsockname()[1])

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def black_hole() -> Iterator[int]:
    hole = BlackHole()
    port = hole.start()
    yield port
    hole.close()


@dataclass
class Outcome:
    error: BaseException | None = None
    finished: float | None = None


def run_in_thread(code: str, port: int) -> tuple[threading.Thread, Outcome, float]:
    namespace: dict[str, object] = {}
    exec(compile(code, "<case>", "exec"), namespace)
    run = namespace["run"]
    assert callable(run)
    outcome = Outcome()
    started = time.monotonic()

    def target() -> None:
        try:
            run("127.0.0.1", port)
        except BaseException as exc:
            outcome.error = exc
        outcome.finished = time.monotonic() - started

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome, started


def fixed_by_tl102(tmp_path: Path, code: str) -> str:
    findings = lint(tmp_path, code, select="TL102", default_timeout=FIX_TIMEOUT)
    assert findings, "TL102 does not flag the case"
    operations = [op for f in findings if f.fix is not None for op in f.fix.operations]
    assert operations, "TL102 offers no fix for the case"
    return apply_operations(code, operations)


def assert_hangs_and_fix_fails_in_time(tmp_path: Path, port: int, code: str, bound: float) -> None:
    code = textwrap.dedent(code)
    fixed = fixed_by_tl102(tmp_path, code)
    assert fixed != code
    hanging, hanging_outcome, _ = run_in_thread(code, port)
    bounded, bounded_outcome, _ = run_in_thread(fixed, port)
    bounded.join(bound)
    hanging.join(max(0.0, bound - (bounded_outcome.finished or bound)))
    assert not bounded.is_alive(), f"the fixed code was still waiting after {bound} s:\n{fixed}"
    assert bounded_outcome.error is not None, "the fixed code returned instead of timing out"
    assert hanging.is_alive(), f"the flagged code did not wait: {hanging_outcome.error!r}"


CASES: dict[str, tuple[str, str | None]] = {
    "urllib.request.urlopen": (
        """
        from urllib.request import urlopen

        def run(host, port):
            urlopen(f"http://{host}:{port}/")
        """,
        None,
    ),
    "http.client.HTTPConnection": (
        """
        import http.client

        def run(host, port):
            connection = http.client.HTTPConnection(host, port)
            connection.request("GET", "/")
            connection.getresponse()
        """,
        None,
    ),
    "smtplib.SMTP": (
        """
        import smtplib

        def run(host, port):
            smtplib.SMTP(host, port)
        """,
        None,
    ),
    "ftplib.FTP": (
        """
        import ftplib

        def run(host, port):
            ftp = ftplib.FTP()
            ftp.connect(host, port)
        """,
        None,
    ),
    "poplib.POP3": (
        """
        import poplib

        def run(host, port):
            poplib.POP3(host, port)
        """,
        None,
    ),
    "imaplib.IMAP4": (
        """
        import imaplib

        def run(host, port):
            imaplib.IMAP4(host, port)
        """,
        None,
    ),
    "telnetlib.Telnet": (
        """
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import telnetlib

        def run(host, port):
            telnetlib.Telnet(host, port).read_some()
        """,
        "telnetlib",
    ),
    "socket.create_connection": (
        """
        import socket

        def run(host, port):
            socket.create_connection((host, port)).recv(1)
        """,
        None,
    ),
    "httpx.get timeout=None": (
        """
        import httpx

        def run(host, port):
            httpx.get(f"http://{host}:{port}/", timeout=None)
        """,
        "httpx",
    ),
    "httpx.Client with httpx.Timeout(None)": (
        """
        import httpx

        def run(host, port):
            with httpx.Client(timeout=httpx.Timeout(None)) as client:
                client.get(f"http://{host}:{port}/")
        """,
        "httpx",
    ),
    "aiohttp ClientTimeout(total=None)": (
        """
        import asyncio

        from aiohttp import ClientSession, ClientTimeout

        async def fetch(url):
            async with ClientSession(timeout=ClientTimeout(total=None)) as session:
                async with session.get(url) as response:
                    await response.read()

        def run(host, port):
            asyncio.run(fetch(f"http://{host}:{port}/"))
        """,
        "aiohttp",
    ),
    "urllib3.PoolManager().request": (
        """
        import urllib3

        def run(host, port):
            urllib3.PoolManager(retries=False).request("GET", f"http://{host}:{port}/")
        """,
        "urllib3",
    ),
}

LIBPQ_CASES: dict[str, tuple[str, str]] = {
    "psycopg2.connect": (
        """
        import psycopg2

        def run(host, port):
            psycopg2.connect(host=host, port=port, dbname="app", user="app", sslmode="disable")
        """,
        "psycopg2",
    ),
    "psycopg.connect": (
        """
        import psycopg

        def run(host, port):
            psycopg.connect(host=host, port=port, dbname="app", user="app", sslmode="disable")
        """,
        "psycopg",
    ),
}


def _require(module: str | None) -> None:
    if module is not None and importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (Python {sys.version_info[:2]})")


@pytest.mark.parametrize("case", list(CASES))
def test_the_flagged_call_hangs_and_the_fixed_call_fails_in_time(
    case: str, tmp_path: Path, black_hole: int
) -> None:
    code, module = CASES[case]
    _require(module)
    assert_hangs_and_fix_fails_in_time(tmp_path, black_hole, code, BOUND)


@pytest.mark.parametrize("case", list(LIBPQ_CASES))
def test_a_postgres_connect_without_connect_timeout_hangs_on_the_handshake(
    case: str, tmp_path: Path, black_hole: int
) -> None:
    code, module = LIBPQ_CASES[case]
    _require(module)
    assert_hangs_and_fix_fails_in_time(tmp_path, black_hole, code, LIBPQ_BOUND)


def test_httpx_without_a_timeout_is_not_flagged_because_it_defaults_to_five_seconds(
    tmp_path: Path,
) -> None:
    _require("httpx")
    import httpx

    assert httpx.Client().timeout.read == 5.0
    assert lint(tmp_path, "import httpx\nhttpx.get('https://example.com')\n", select="TL102") == []


def test_aiohttp_session_timeout_none_means_the_default_so_it_is_not_flagged(
    tmp_path: Path,
) -> None:
    _require("aiohttp")
    import asyncio

    import aiohttp

    async def session_total() -> float | None:
        async with aiohttp.ClientSession(timeout=None) as session:
            return session.timeout.total

    assert asyncio.run(session_total()) == 300
    code = "import aiohttp\n\nasync def f():\n    aiohttp.ClientSession(timeout=None)\n"
    assert lint(tmp_path, code, select="TL102") == []


def test_psycopg_3_caps_a_missing_connect_timeout_at_130_seconds_and_the_message_says_so(
    tmp_path: Path,
) -> None:
    _require("psycopg")
    from psycopg.conninfo import timeout_from_conninfo

    assert timeout_from_conninfo({}) == 130
    findings = lint(tmp_path, "import psycopg\npsycopg.connect('dbname=app')\n", select="TL102")
    assert [f.message for f in findings] == [
        "`psycopg.connect()` has no connect_timeout and waits up to 130 s to connect"
    ]
