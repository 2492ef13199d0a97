"""Forked worker pools for per-file work.

Workers are forked, so they inherit the parent's state (the engine, the file
list, the project context): only index ranges travel to them, and only the
results that say something travel back (`None` means "nothing to report" and
costs almost nothing to send). `ProcessPoolExecutor` rather than
`multiprocessing.Pool`: a worker that dies raises `BrokenProcessPool` instead
of hanging the run. Where fork is not available, or the work is small, the
items are processed in this process; the results are the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for outcomes in pool.map(_run_range, bounds):
                for index, result in outcomes:
                    results[index] = result
    finally:
        _TASK = None
    return results
