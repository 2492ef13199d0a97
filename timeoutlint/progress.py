"""A progress line on stderr for long runs, so that a large tree does not look hung.

Nothing is shown for the first `DELAY` seconds (most runs end before), nor when stderr
is not a terminal (CI logs, pipes, editors). The line is rewritten in place every
`INTERVAL` seconds (`timeoutlint: checking 15,234 files... 4 s`) and erased before the
report is printed, so it never mixes with the output.

The ticking thread writes with `os.write` on the file descriptor, holding no Python
lock: the worker pool forks while it runs, and a child must never inherit a lock that
this thread held (a `sys.stderr` buffer lock taken at the moment of the fork would stay
taken in the child forever).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

DELAY = 1.0
INTERVAL = 0.5
_ERASE = b"\r\x1b[K"


@dataclass
class Progress:
    """`start()` it, `update(what)` as the run moves on, `stop()` before printing."""

    enabled: bool
    fd: int = 2
    delay: float = DELAY
    _what: str = "finding and reading files"
    _started: float = field(default_factory=time.monotonic)
    _stopped: threading.Event = field(default_factory=threading.Event)
    _shown: bool = False
    _thread: threading.Thread | None = None

    def start(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._thread.start()
        return self

    def update(self, what: str) -> None:
        self._what = what

    def stop(self) -> None:
        """Stop ticking and erase the line (idempotent)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._shown:
            self._write(_ERASE)
            self._shown = False

    def _tick(self) -> None:
        if self._stopped.wait(self.delay):
            return
        while not self._stopped.is_set():
            seconds = int(time.monotonic() - self._started)
            self._write(_ERASE + f"timeoutlint: {self._what}... {seconds} s".encode())
            self._shown = True
            self._stopped.wait(INTERVAL)

    def _write(self, data: bytes) -> None:
        try:
            os.write(self.fd, data)
        except OSError:
            self._stopped.set()


def for_stderr(verbose: bool = False) -> Progress:
    """A started progress line on stderr, shown only when stderr is a terminal and the run is
    not `--verbose` (whose log lines it would overwrite)."""
    try:
        tty = os.isatty(2)
    except OSError:
        tty = False
    delay = float(os.environ.get("TIMEOUTLINT_PROGRESS_DELAY") or DELAY)  # tests only
    return Progress(enabled=tty and not verbose, delay=delay).start()
