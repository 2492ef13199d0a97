"""TL103 blocking-http-in-async: sync HTTP calls on the event loop, known by what the object is."""

from __future__ import annotations

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
