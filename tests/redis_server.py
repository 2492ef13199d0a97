"""Real servers for premise tests: Debian's redis-server and a TCP black hole, both on loopback.

`RedisServer.start()` runs `redis-server` on 127.0.0.1 with a free port, no
persistence (`--save '' --appendonly no`) and its files in a temporary
directory, waits until it answers PING (bounded), and `stop()` terminates it
by its pid. `BlackHole` accepts connections and never answers, which is what
a hung upstream looks like to a client.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_LIMIT = 5.0
TEST_PASSWORD = "s3cret-premise"


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers_ping(port: int, password: str | None) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            if password is not None:
                connection.sendall(f"AUTH {password}\r\n".encode())
                connection.recv(64)
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    binary: str
    requirepass: str | None = None
    unix_socket: bool = False
    """Also listen on a Unix domain socket (`socket_path`, in the server's own directory)."""
    host: str = "127.0.0.1"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    directory: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def socket_path(self) -> str:
        assert self.directory is not None and self.unix_socket
        return str(Path(self.directory.name) / "redis.sock")

    def start(self) -> RedisServer:
        self.directory = tempfile.TemporaryDirectory(prefix="timeoutlint-redis-")
        self.port = free_port()
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", self.host,
            "--save", "",
            "--appendonly", "no",
            "--dir", self.directory.name,
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--loglevel", "warning",
        ]  # fmt: skip
        if self.requirepass is not None:
            command += ["--requirepass", self.requirepass]
        if self.unix_socket:
            command += ["--unixsocket", self.socket_path, "--unixsocketperm", "700"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.directory.name
        )
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                self.stop()
                raise RuntimeError(f"redis-server exited at startup: {error.strip()}")
            if _answers_ping(self.port, self.requirepass):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer PING within {STARTUP_LIMIT} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None
        if self.directory is not None:
            self.directory.cleanup()
            self.directory = None


@dataclass
class BlackHole:
    """A TCP server on loopback that accepts every connection and never sends a byte."""

    port: int = 0
    _listener: socket.socket | None = None
    _accepted: list[socket.socket] = field(default_factory=list)
    _thread: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> BlackHole:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.1)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, name="black-hole", daemon=True)
        self._thread.start()
        return self

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._accepted.append(connection)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for connection in self._accepted:
            connection.close()
        if self._listener is not None:
            self._listener.close()


def started_in_thread(
    call: Callable[[], object],
) -> tuple[threading.Thread, list[BaseException | None]]:
    """`call` running in a daemon thread, and the list that receives its outcome (None when
    it returned, else what it raised): a test joins the thread for a while and asserts it is
    still waiting."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    return worker, outcome
