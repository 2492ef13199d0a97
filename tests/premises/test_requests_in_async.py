"""Premise of TL103, on real requests and a real socket: a sync call in `async def` stops the loop.

While `requests.get` waits on a server that accepts and never answers, no other task runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import time

import pytest

pytestmark = pytest.mark.slow


def test_premise_a_requests_call_in_async_def_stops_every_other_task() -> None:
    """What TL103 prevents: while `requests.get` waits on a silent server, no other task runs."""
    import requests

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/"
    ticks: list[float] = []
    done = False

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            if done:
                return
            await asyncio.sleep(0.01)

    async def blocking_handler() -> None:
        nonlocal done
        await asyncio.sleep(0.05)
        with contextlib.suppress(requests.exceptions.RequestException):
            requests.get(url, timeout=0.4)  # timeoutlint: ignore[TL103] (the premise)
        done = True

    async def main() -> None:
        await asyncio.gather(ticker(), blocking_handler())

    try:
        asyncio.run(main())
    finally:
        server.close()
    longest_gap = max(b - a for a, b in itertools.pairwise(ticks))
    assert longest_gap >= 0.35
