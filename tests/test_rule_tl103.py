"""TL103 blocking-http-in-async: sync HTTP calls on the event loop, known by what the object is."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import time
from pathlib import Path

from tests.helpers import lint


def flagged(tmp_path: Path, code: str) -> list[tuple[int, str]]:
    return [(f.span.start.line, f.message) for f in lint(tmp_path, code, select="TL103")]


def test_a_requests_module_function_in_async_def_is_flagged(tmp_path: Path) -> None:
    code = """
    import requests

    async def handler(url):
        return requests.post(url, json={}, timeout=5)
    """
    assert flagged(tmp_path, code) == [
        (
            5,
            "`requests.post()` is a blocking HTTP call inside `async def handler`; "
            "it stalls the event loop",
        )
    ]


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
