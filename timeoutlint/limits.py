"""Bounds on the work one file can cost: its size, its analysis time, how it is read.

One pathological file (a generated 50 MB module, code that makes a check
crawl, a FIFO that appeared after discovery) must not stall or stop the
run. These helpers turn each of those into an ordinary per-file outcome
that the engine reports as a finding.
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

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


ISOLATION_THRESHOLD = 256 * 1024
"""Files at least this large are analysed in a forked child (`run_isolated`): `ast.parse`
is one C call that no signal interrupts, and a dense 10 MB expression takes a minute and
5 GB in it. Below this size the worst case measured is half a second and 130 MB."""
MEMORY_BASE = 1024 * 1024 * 1024
MEMORY_PER_BYTE = 128
"""The child may grow its address space by `MEMORY_BASE + MEMORY_PER_BYTE * file size`
(2.3 GB for a 10 MB file; ordinary code of that size needs about 900 MB)."""
RECURSION_LIMIT = 10_000
"""The recursion budget of the model walk and the checks: CPython parses and compiles code
nested about 3,000 deep, and the walk takes up to two frames per level."""
_STACK_BYTES_PER_FRAME = 800


class AnalysisTimeout(Exception):
    """The file's analysis used up its time budget."""


class AnalysisCrashed(Exception):
    """The child analysing the file died without an answer (killed, or a crash in C code)."""


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


@functools.cache
def _recursion_ceiling(wanted: int) -> int:
    """`wanted`, lowered so that the frames fit in the main thread's stack limit."""
    try:
        import resource

        stack = resource.getrlimit(resource.RLIMIT_STACK)[0]
    except (ImportError, OSError, ValueError):
        return wanted
    if stack == resource.RLIM_INFINITY or stack <= 0:
        return wanted
    return min(wanted, stack // _STACK_BYTES_PER_FRAME)


@contextmanager
def deeper_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    """Raise the recursion limit to `limit` inside the block (main thread only: other threads
    may have small stacks), never lowering it."""
    current = sys.getrecursionlimit()
    wanted = _recursion_ceiling(limit)
    if wanted <= current or threading.current_thread() is not threading.main_thread():
        yield
        return
    sys.setrecursionlimit(wanted)
    try:
        yield
    finally:
        sys.setrecursionlimit(current)


def can_isolate() -> bool:
    return hasattr(os, "fork") and hasattr(os, "pipe") and sys.platform != "win32"


def memory_budget(size: int) -> int:
    return MEMORY_BASE + MEMORY_PER_BYTE * size


def _address_space() -> int | None:
    """This process's current virtual size in bytes (Linux), None where it is not known."""
    try:
        descriptor = os.open("/proc/self/statm", os.O_RDONLY)
        try:
            pages = int(os.read(descriptor, 4096).split()[0])
        finally:
            os.close(descriptor)
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


_CHILD_START: tuple[int, int] | None = None
"""In an isolated child: (peak resident kilobytes when it started, its memory budget)."""


def _peak_kilobytes() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def memory_was_exhausted() -> bool:
    """In an isolated child after a `MemoryError`: whether the memory budget ran out (the peak
    grew by half of it), rather than the parser refusing code nested too deeply."""
    if _CHILD_START is None:
        return False
    start, budget = _CHILD_START
    return (_peak_kilobytes() - start) * 1024 > budget // 2


def _limit_memory(budget: int) -> None:
    try:
        import resource

        current = _address_space()
        if current is None:
            return
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = current + budget
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ImportError, OSError, ValueError):
        pass


def _child(
    function: Callable[[], object], writer: int, parent: int, seconds: float | None, budget: int
) -> None:
    """In the forked child: compute, send the pickled outcome, and leave without cleanup."""
    import pickle
    import traceback

    from timeoutlint.parallel import become_child

    become_child(parent)
    if seconds:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, seconds + 1)  # kills even inside C code
    global _CHILD_START
    _CHILD_START = (_peak_kilobytes(), budget)
    _limit_memory(budget)
    try:
        outcome: tuple[object, ...] = ("value", function())
    except BaseException as exc:  # everything goes back to the parent
        outcome = ("raised", exc, traceback.format_exc())
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        error = outcome[1] if outcome[0] == "raised" else None
        text = f"{type(error).__name__}: {error}" if error else "the result cannot be sent"
        payload = pickle.dumps(("raised", RuntimeError(text), ""))
    view = memoryview(payload)
    while view:
        view = view[os.write(writer, view) :]


def run_isolated(function: Callable[[], T], seconds: float | None, memory: int) -> T:
    """`function()` computed in a forked child with at most `memory` more bytes of address
    space (Linux) and `seconds` of time, even inside C code such as `ast.parse`.

    Past the time: `AnalysisTimeout` (the child is killed). Out of memory: `MemoryError`.
    An exception in the child is raised again here, with the child's traceback as a note.
    A child that dies without an answer: `AnalysisCrashed`. The child is never left behind.
    """
    import pickle
    import select
    import time

    reader, writer = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.close(reader)
            _child(function, writer, parent, seconds, memory)
        finally:
            os._exit(0)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds if seconds else None
    try:
        while True:
            wait = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not select.select([reader], [], [], wait)[0]:
                raise AnalysisTimeout
            chunk = os.read(reader, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reader)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # SIGCHLD ignored: the kernel reaped it
            pass
    try:
        outcome = pickle.loads(b"".join(chunks))
    except Exception:  # nothing, or half an answer: the child died while sending it
        raise AnalysisCrashed from None
    if outcome[0] == "value":
        return outcome[1]  # type: ignore[no-any-return]
    error: BaseException = outcome[1]
    if outcome[2] and hasattr(error, "add_note"):
        error.add_note("in the analysing child process:\n" + outcome[2])
    raise error


def parses_within_bounds(source: str | bytes, seconds: float = DEFAULT_ANALYSIS_TIME_LIMIT) -> bool:
    """Whether `ast.parse(source)` finishes within `seconds` and the memory budget of its size.

    For the project context, which parses files outside the engine's time budget: a file
    at least `ISOLATION_THRESHOLD` large is parsed once in a forked child first, and left
    out of the context (as a file with a syntax error is) when that child does not finish.
    """
    if len(source) < ISOLATION_THRESHOLD or not can_isolate():
        return True
    import ast

    try:
        run_isolated(lambda: ast.parse(source) and None, seconds, memory_budget(len(source)))
    except (AnalysisTimeout, AnalysisCrashed, MemoryError, RecursionError):
        return False
    except Exception:  # a syntax error: the caller's own parse says so
        return True
    return True


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
