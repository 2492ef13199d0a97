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


def test_a_session_in_a_with_block_is_flagged(tmp_path: Path) -> None:
    code = """
    from requests import Session

    async def handler(url):
        with Session() as http:
            return http.get(url, timeout=5)
    """
    assert [line for line, _ in flagged(tmp_path, code)] == [6]


def test_a_session_subclass_is_still_blocking_even_if_it_injects_timeouts(tmp_path: Path) -> None:
    code = """
    import requests

    class TimeoutSession(requests.Session):
        def request(self, *args, **kwargs):
            kwargs.setdefault("timeout", 5)
            return super().request(*args, **kwargs)

    async def handler(url):
        return TimeoutSession().get(url)
    """
    assert [line for line, _ in flagged(tmp_path, code)] == [10]


def test_the_async_clients_are_not_flagged(tmp_path: Path) -> None:
    code = """
    import aiohttp
    import httpx

    async def handler(url):
        async with httpx.AsyncClient() as client, aiohttp.ClientSession() as session:
            await client.get(url)
            await session.get(url)
    """
    assert flagged(tmp_path, code) == []


def test_a_sync_function_is_not_flagged(tmp_path: Path) -> None:
    code = """
    import requests

    def handler(url):
        return requests.get(url, timeout=5)
    """
    assert flagged(tmp_path, code) == []


def test_a_nested_sync_def_and_a_lambda_run_elsewhere_and_are_not_flagged(tmp_path: Path) -> None:
    code = """
    import asyncio
    import requests

    async def handler(url):
        def load():
            return requests.get(url, timeout=5)

        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(None, lambda: requests.get(url, timeout=5))
        second = await asyncio.to_thread(requests.get, url, timeout=5)
        return first, second, await asyncio.to_thread(load)
    """
    assert flagged(tmp_path, code) == []


def test_a_comprehension_inside_async_def_still_runs_on_the_loop(tmp_path: Path) -> None:
    code = """
    import httpx

    async def handler(urls):
        return [httpx.get(url) for url in urls]
    """
    assert [line for line, _ in flagged(tmp_path, code)] == [5]


def test_an_unknown_object_with_a_get_method_is_not_guessed_about(tmp_path: Path) -> None:
    code = """
    import requests

    async def handler(cache, requests_seen):
        return cache.get("key"), requests_seen.get("key")
    """
    assert flagged(tmp_path, code) == []


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
