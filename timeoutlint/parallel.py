"""Forked worker pools for per-file work.

Workers are forked, so they inherit the parent's state (the engine, the file
list, the project context): only index ranges travel to them, and only the
results that say something travel back (`None` means "nothing to report" and
costs almost nothing to send). `ProcessPoolExecutor` rather than
`multiprocessing.Pool`: a worker that dies raises `BrokenProcessPool` instead
of hanging the run. Where fork is not available, or the work is small, the
items are processed in this process; the results are the same either way.

Workers die with the run: each asks the kernel for SIGKILL when its parent
dies (`PR_SET_PDEATHSIG`, Linux), or else watches a pipe whose only writer is
the parent and kills itself when it reads end-of-file. They ignore SIGINT
(Ctrl-C reaches the whole process group; the parent decides) and die
silently on SIGTERM. When the parent is interrupted while it waits for them,
it kills them before the interruption goes on, so no worker outlives the run
or holds on to the caller's pipes.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_THRESHOLD = 48
CHUNKS_PER_WORKER = 16
MIN_CHUNK_SIZE = 8

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def worker_count(jobs: int | None, items: int) -> int:
    """How many processes are worth starting for `items` pieces of work."""
    return min(jobs or os.cpu_count() or 1, max(items // MIN_CHUNK_SIZE, 1))


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(
    function: Callable[[T], R | None],
    items: Sequence[T],
    jobs: int | None = None,
    *,
    batches: bool = False,
) -> list[R | None]:
    """`[function(item) for item in items]`, spread over forked workers when it pays.

    `function` may be a closure: it is inherited by the workers, never pickled.
    Its results must be picklable. `batches`: each item is a large piece of work
    (a batch of files), worth a task of its own from two items on.
    """
    if batches:
        workers = min(jobs or os.cpu_count() or 1, len(items))
        if workers <= 1 or not can_fork():
            return [function(item) for item in items]
        return _map_forked(function, items, workers, task_size=1)
    workers = worker_count(jobs, len(items))
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD or not can_fork():
        return [function(item) for item in items]
    return _map_forked(function, items, workers)


_PR_SET_PDEATHSIG = 1


def _ask_for_death_with_parent() -> bool:
    """`prctl(PR_SET_PDEATHSIG, SIGKILL)`: the kernel kills this process when its parent
    dies. False where there is no such call (not Linux, no libc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def watch_parent_pipe(descriptor: int) -> None:
    """Kill this process once `descriptor` (the read end of a pipe that only the parent can
    write to) reads end-of-file, which happens when the parent has died."""

    def watch() -> None:
        try:
            while os.read(descriptor, 1):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="timeoutlint-parent-watch", daemon=True).start()


def become_child(parent: int, pipe: tuple[int, int] | None = None) -> None:
    """Set up a forked process of the run: dies with `parent`, ignores SIGINT, and dies
    silently on SIGTERM (it inherited the parent's handler, which raises). `pipe`: the
    parent-watch pipe, for platforms without `PR_SET_PDEATHSIG`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _ask_for_death_with_parent():
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)
        return
    if pipe is not None:
        reader, writer = pipe
        os.close(writer)
        watch_parent_pipe(reader)
    elif os.getppid() != parent:
        os._exit(1)


def _needs_pipe() -> bool:
    return not sys.platform.startswith("linux")


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL every worker of `pool` and wait for them, so none outlives an interrupted run.
    They are reaped through their `Process` objects: a worker reaped behind multiprocessing's
    back looks alive to it forever, and the pool's shutdown then waits for it forever.

    The pool's manager thread then finds its workers dead and fails the futures that the
    interrupted `map` has already cancelled, which raises in that thread (Python 3.11);
    that thread's exception is not shown: the run is ending, for a reason of its own.
    """
    manager = getattr(pool, "_executor_manager_thread", None)
    shown = threading.excepthook

    def quiet(arguments: threading.ExceptHookArgs) -> None:
        if arguments.thread is not manager:
            shown(arguments)

    threading.excepthook = quiet
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError):
            pass
    for process in processes:  # reaped by multiprocessing, which must see them exit
        try:
            process.join(5)
        except (OSError, ValueError, AssertionError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    if isinstance(manager, threading.Thread):
        manager.join(timeout=10)
        if not manager.is_alive():
            threading.excepthook = shown


_RUNNING: list[ProcessPoolExecutor] = []
"""The pools whose `map` is under way (one at a time; a list for the signal handler)."""


def kill_running_workers() -> None:
    """SIGKILL the workers of the running pools, without waiting: safe in a signal handler,
    which may interrupt the pool's own code at any point."""
    for pool in list(_RUNNING):
        for pid in list(getattr(pool, "_processes", None) or {}):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _run_range(bounds: tuple[int, int]) -> list[tuple[int, Any]]:
    assert _TASK is not None
    function, items = _TASK
    outcomes = []
    for index in range(*bounds):
        result = function(items[index])
        if result is not None:
            outcomes.append((index, result))
    return outcomes


def _map_forked(
    function: Callable[[T], R | None],
    items: Sequence[T],
    workers: int,
    task_size: int | None = None,
) -> list[R | None]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _TASK
    _TASK = (function, items)
    size = task_size or max(MIN_CHUNK_SIZE, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    results: list[R | None] = [None] * len(items)
    context = multiprocessing.get_context("fork")
    pipe = os.pipe() if _needs_pipe() else None
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=become_child,
            initargs=(os.getpid(), pipe),
        )
        _RUNNING.append(pool)
        try:
            for outcomes in pool.map(_run_range, bounds):
                for index, result in outcomes:
                    results[index] = result
        except BaseException:
            kill_workers(pool)
            raise
        pool.shutdown(wait=True)
    finally:
        _TASK = None
        _RUNNING.clear()
        for descriptor in pipe or ():
            os.close(descriptor)
    return results
