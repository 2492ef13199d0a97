"""Bounds on the work one file can cost: its size, its analysis time, how it is read.

One pathological file (a generated 50 MB module, code that makes a check
crawl, a FIFO that appeared after discovery) must not stall or stop the
run. These helpers turn each of those into an ordinary per-file outcome
that the engine reports as a finding.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_ANALYSIS_TIME_LIMIT = 10.0
AUXILIARY_FILE_LIMIT = 16 * 1024 * 1024
"""The most any file the tool reads besides the checked sources may hold: configuration,
ignore files, requirements and their includes, lock files, `.env` files read for the
project context, rule packs, the baseline."""
CACHE_FILE_LIMIT = 1024 * 1024 * 1024
"""The most a file of the tool's own cache may hold."""

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


class AnalysisTimeout(Exception):
    """The file's analysis used up its time budget."""


class NotARegularFile(OSError):
    """The path is a FIFO, a socket, a device or a directory, not a file to read."""


class FileTooLarge(OSError):
    """The file holds more than the reader was allowed to read (`limit`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {format_size(limit)}")
        self.limit = limit


def _budget_available() -> bool:
    """Whether an interval timer can interrupt this thread without disturbing anyone else.

    Signals are delivered to the main thread only, and an interval timer that
    is already running belongs to someone else (a test runner's timeout, say),
    so in both cases the analysis runs without a budget.
    """
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise `AnalysisTimeout` inside the block once `seconds` have passed.

    Uses `SIGALRM` via `setitimer`, which works in the main process and in
    each forked pool worker (each has its own timer). The previous handler is
    restored however the block ends.
    """
    if not seconds or seconds <= 0 or not _budget_available():
        yield
        return
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed:
            raise AnalysisTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        armed = False
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def read_regular_file(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of `path`, refusing anything that is not a regular file.

    The file is opened without blocking, so a path that became a FIFO after
    discovery fails at once instead of waiting for a writer forever. With a
    `limit` (every file but the checked sources, which discovery has already
    seen as regular files and `max-file-size` bounds), the path is checked
    before it is opened, so that a link to a device or to `/dev/stdin` is
    never opened at all, and at most `limit` bytes are read: a file that
    grows while it is read (or a `/proc` file that claims to be empty) is
    `FileTooLarge` too.
    """
    if limit is not None and not stat.S_ISREG(os.stat(path).st_mode):
        raise NotARegularFile(errno.EINVAL, "not a regular file")
    descriptor = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file")
        if limit is None:
            chunks: list[bytes] = []
            while chunk := os.read(descriptor, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        if info.st_size > limit:
            raise FileTooLarge(limit)
        data = _read_at_most(descriptor, limit + 1)
        if len(data) > limit:
            raise FileTooLarge(limit)
        return data
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left > 0 and (chunk := os.read(descriptor, min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_text_file(
    path: Path | str,
    limit: int = AUXILIARY_FILE_LIMIT,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> str:
    """`read_regular_file(path, limit)` decoded, with universal newlines as `open()` reads text."""
    text = read_regular_file(path, limit).decode(encoding, errors)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_REASONS = {
    errno.ENOENT: "no such file or directory (it may have been deleted during the run)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "symbolic link loop",
    errno.EISDIR: "is a directory",
    errno.ENAMETOOLONG: "file name too long",
}


def describe_os_error(exc: OSError) -> str:
    """A short lower-case reason for a read failure, without the path (it is shown anyway)."""
    if isinstance(exc, NotARegularFile):
        return "not a regular file"
    if isinstance(exc, FileTooLarge):
        return f"the file is larger than {format_size(exc.limit)}"
    reason = _REASONS.get(exc.errno or -1)
    if reason is not None:
        return reason
    text = exc.strerror or type(exc).__name__
    return text[:1].lower() + text[1:]


def format_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"
