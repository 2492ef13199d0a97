"""The clients the call-site rules know: urllib3 and httpx2 in async code, psycopg2's async
mode, and the named callee groups of `rules/groups.yaml` that several rules share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import acme_rule, reported
from timeoutlint.catalog import CatalogError, builtin_groups, builtin_rules, parse_rule

URLLIB3_IN_ASYNC = {
    "the module function": "urllib3.request('GET', url)",
    "a pool manager": "urllib3.PoolManager(timeout=5).request('GET', url)",
    "a pool manager's urlopen": "urllib3.PoolManager().urlopen('GET', url)",
    "a connection pool": "urllib3.HTTPConnectionPool('h', timeout=5).request('GET', '/')",
    "an HTTPS pool's urlopen": "urllib3.HTTPSConnectionPool('h').urlopen('GET', '/')",
    "a pool from a URL": "urllib3.connection_from_url(url).urlopen('GET', '/')",
}


@pytest.mark.parametrize("call", URLLIB3_IN_ASYNC.values(), ids=URLLIB3_IN_ASYNC)
def test_urllib3_in_async_def_blocks_the_event_loop(tmp_path: Path, call: str) -> None:
    code = f"""
    import urllib3

    async def handler(url):
        return {call}
    """
    assert reported(tmp_path, code, "TL103") == [(5, "TL103")]


def test_urllib3_in_a_sync_function_or_a_thread_is_not_tl103(tmp_path: Path) -> None:
    code = """
    import asyncio

    import urllib3

    def fetch(url):
        return urllib3.request("GET", url, timeout=5)

    async def handler(url):
        return await asyncio.to_thread(fetch, url)
    """
    assert reported(tmp_path, code, "TL103") == []


def test_an_annotated_urllib3_pool_in_async_def_is_flagged(tmp_path: Path) -> None:
    code = """
    from urllib3 import PoolManager

    async def handler(pool: PoolManager, url):
        return pool.request("GET", url)
    """
    assert reported(tmp_path, code, "TL103") == [(5, "TL103")]


def test_httpx2_sync_calls_in_async_def_are_flagged(tmp_path: Path) -> None:
    code = """
    import httpx2

    async def handler(url):
        httpx2.get(url)
        with httpx2.Client() as client:
            client.query(url)
        async with httpx2.AsyncClient() as client:
            await client.get(url)
    """
    assert reported(tmp_path, code, "TL103") == [(5, "TL103"), (7, "TL103")]


def test_httpx2_timeout_none_is_flagged_and_its_default_is_not(tmp_path: Path) -> None:
    code = """
    import httpx2

    httpx2.get("https://example.com")
    httpx2.post("https://example.com", timeout=None)
    client = httpx2.Client(timeout=httpx2.Timeout(None))
    client.get("https://example.com", timeout=(5, None))
    """
    assert reported(tmp_path, code, "TL102") == [(5, "TL102"), (6, "TL102"), (7, "TL102")]


ASYNC_PSYCOPG2 = {
    "async_=True": 'psycopg2.connect("dbname=app", async_=True)',
    "async in a splat": 'psycopg2.connect("dbname=app", **{"async": True})',
    "a flag that may be true": 'psycopg2.connect("dbname=app", async_=flag)',
}


@pytest.mark.parametrize("call", ASYNC_PSYCOPG2.values(), ids=ASYNC_PSYCOPG2)
def test_an_async_psycopg2_connection_needs_no_connect_timeout(tmp_path: Path, call: str) -> None:
    code = f"""
    import psycopg2

    def connect(flag):
        return {call}
    """
    assert reported(tmp_path, code, "TL102") == []


def test_a_psycopg2_connection_with_async_false_still_needs_one(tmp_path: Path) -> None:
    code = """
    import psycopg2

    psycopg2.connect("dbname=app", async_=False)
    psycopg2.connect("dbname=app", **{"async": 0})
    """
    assert reported(tmp_path, code, "TL102") == [(4, "TL102"), (5, "TL102")]


# Named groups -------------------------------------------------------------------------


def test_the_requests_callees_are_written_once_and_shared_by_tl101_and_tl103() -> None:
    groups = builtin_groups()
    rules = builtin_rules()
    for rule_id in ("TL101", "TL103"):
        spec = rules[rule_id].callsite
        assert spec is not None
        functions = {name for callee in spec.callees for name in callee.functions}
        constructors = {name for callee in spec.callees for name in callee.built_by}
        assert set(groups["requests-functions"]) <= functions
        assert set(groups["requests-sessions"]) <= constructors


def pack_rule(functions: list[object]) -> dict[str, object]:
    return acme_rule(triggers=["requests"], callees=[{"functions": functions}])


def test_a_rule_pack_may_name_a_built_in_group() -> None:
    rule = parse_rule(pack_rule([{"group": "requests-functions"}]), "pack.yaml")
    assert rule.callsite is not None
    assert rule.callsite.callees[0].functions == builtin_groups()["requests-functions"]


def test_an_unknown_group_is_a_catalog_error_that_names_it() -> None:
    with pytest.raises(CatalogError, match="unknown group 'requests-verbs'"):
        parse_rule(pack_rule([{"group": "requests-verbs"}]), "pack.yaml")
