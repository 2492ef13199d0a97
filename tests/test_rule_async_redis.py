"""TL301/TL302/TL303: sync redis-py calls inside `async def`, decided by what the object is."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint, lint_files
from tests.test_prefilter_guards import rule_ids, run
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules

SEED_003 = """
import json

import redis
from fastapi.responses import StreamingResponse

redis_client = redis.Redis.from_url("redis://localhost:6379/0")


async def event_stream(task_id):
    pubsub = redis_client.pubsub()
    pubsub.subscribe(f"stream:{task_id}")
    for message in pubsub.listen():
        if message["type"] == "message":
            yield f"data: {json.dumps(message['data'])}\\n\\n"


async def stream(task_id):
    return StreamingResponse(event_stream(task_id), media_type="text/event-stream")
"""


def test_seed_003_listen_in_an_async_generator_is_flagged(tmp_path: Path) -> None:
    findings = lint(tmp_path, SEED_003, select="TL301")
    assert lines(findings) == [13]
    assert findings[0].message.startswith(
        "`pubsub.listen()` on a sync redis-py pub/sub inside `async def` blocks the event loop"
        " until a message arrives"
    )


def test_redis_asyncio_objects_are_never_flagged(tmp_path: Path) -> None:
    code = """
    import redis.asyncio as aioredis

    r = aioredis.from_url("redis://h")

    async def main():
        p = r.pubsub()
        await p.subscribe("c")
        async for m in p.listen():
            await p.get_message(timeout=None)
        await r.blpop("q", timeout=0)
        await r.get("k")
    """
    assert lint(tmp_path, code, select="TL3") == []


def test_nested_sync_code_and_methods_handed_to_threads_are_not_in_the_coroutine(
    tmp_path: Path,
) -> None:
    code = """
    import asyncio

    import anyio
    import redis
    from starlette.concurrency import run_in_threadpool

    r = redis.Redis()

    async def main(loop):
        p = r.pubsub()
        def consume():
            for m in p.listen():
                print(m)
        await asyncio.to_thread(consume)
        await loop.run_in_executor(None, p.get_message, True, None)
        await run_in_threadpool(r.blpop, "q", 0)
        await anyio.to_thread.run_sync(lambda: r.brpop("q", timeout=5))
    """
    assert lint(tmp_path, code, select="TL301,TL302") == []


def test_sync_code_outside_coroutines_is_not_flagged(tmp_path: Path) -> None:
    code = "import redis\nr = redis.Redis()\ndef f():\n    r.blpop('q')\n    r.pubsub().listen()\n"
    assert lint(tmp_path, code, select="TL3") == []


def test_blocking_commands_and_ordinary_calls_get_their_own_rules(tmp_path: Path) -> None:
    code = """
    import redis

    r = redis.Redis()

    async def main():
        r.blpop("q", timeout=3)
        r.xread({"s": "$"}, block=100)
        r.xread({"s": "$"})
        r.get("k")
        p = r.pubsub()
        p.get_message(timeout=0.1)
        p.get_message(timeout=5)
        pipe = r.pipeline()
        pipe.set("a", 1)
        pipe.execute()
    """
    findings = lint(tmp_path, code, select="TL3")
    assert [(f.span.start.line, f.rule_id) for f in findings] == [
        (7, "TL302"),
        (8, "TL302"),
        (9, "TL303"),
        (10, "TL303"),
        (12, "TL301"),
        (13, "TL301"),
        (16, "TL303"),
    ]
    assert "freezes the event loop up to 3 s (timeout=3)" in findings[0].message


def test_a_sync_client_imported_from_another_module_is_recognised(tmp_path: Path) -> None:
    files = {
        "app/connection.py": "import redis\nclient = redis.Redis(host='h')\n",
        "app/views.py": "from app.connection import client\n\nasync def view():\n    return client.blpop('q', timeout=1)\n",
    }
    findings = lint_files(tmp_path, files, select="TL302")
    assert [(f.path.endswith("app/views.py"), f.span.start.line) for f in findings] == [(True, 4)]


def test_ordinary_sync_calls_are_on_by_default(tmp_path: Path) -> None:
    enabled = selected_rules(parse_table({}, tmp_path, None), builtin_rules())
    assert {"TL301", "TL302", "TL303"} <= enabled


def pubsub_findings(tmp_path: Path, body: str) -> list[tuple[int, str]]:
    code = "import redis\n\nr = redis.Redis()\n\n" + body
    return [(f.span.start.line, f.message) for f in lint(tmp_path, code, select="TL3")]


def test_every_sync_get_message_poll_in_a_coroutine_is_a_pubsub_read(tmp_path: Path) -> None:
    body = """
async def stream(task_id, wait):
    p = r.pubsub()
    p.get_message(timeout=0.1)
    p.get_message()
    p.get_message(True, 0)
    p.get_message(timeout=wait)
"""
    waits = [
        message.split(" blocks the event loop ")[1].split(";")[0]
        for _, message in pubsub_findings(tmp_path, body)
    ]
    assert waits == [
        "for up to 0.1 s on every poll",
        "while it reads the socket on every poll",
        "while it reads the socket on every poll",
        "for up to its timeout on every poll",
    ]


def test_the_polling_loop_that_replaced_listen_is_still_flagged(tmp_path: Path) -> None:
    body = """
import asyncio

async def stream(task_id):
    pubsub = r.pubsub()
    pubsub.subscribe(f"stream:{task_id}")
    while True:
        message = pubsub.get_message(timeout=0.1)
        if message is None:
            await asyncio.sleep(0.01)
            continue
        yield message
"""
    assert pubsub_findings(tmp_path, body) == [
        (
            10,
            "`pubsub.subscribe()` is a sync redis-py call inside `async def`: the event loop "
            "waits for its network round trip; use `redis.asyncio`",
        ),
        (
            12,
            "`pubsub.get_message()` on a sync redis-py pub/sub inside `async def` blocks the "
            "event loop for up to 0.1 s on every poll; use `redis.asyncio` (`async for message "
            "in pubsub.listen()`) or `await asyncio.to_thread(...)`",
        ),
    ]


def test_parse_response_on_a_sync_pubsub_waits_unless_it_does_not_block(tmp_path: Path) -> None:
    body = """
async def read():
    p = r.pubsub()
    p.parse_response()
    p.parse_response(block=False)
"""
    assert [
        (line, message.split(" blocks the event loop ")[1].split(";")[0])
        for line, message in pubsub_findings(tmp_path, body)
    ] == [
        (8, "until a message arrives"),
        (9, "while it reads the socket"),
    ]


def test_a_lambda_or_nested_function_the_coroutine_calls_at_once_runs_on_the_loop(
    tmp_path: Path,
) -> None:
    body = """
import asyncio

async def handler():
    p = r.pubsub()
    message = (lambda: p.get_message(timeout=1))()
    def drain():
        for item in p.listen():
            return item
    def deeper():
        return drain()
    deeper()
    await asyncio.to_thread(lambda: p.get_message(timeout=1))
    def in_thread():
        return p.get_message(timeout=1)
    await asyncio.to_thread(in_thread)
"""
    assert [
        (line, message.split(" on a sync")[0]) for line, message in pubsub_findings(tmp_path, body)
    ] == [(10, "`p.get_message()`"), (12, "`p.listen()`")]


def test_a_module_level_sync_function_is_not_taken_as_called_on_the_loop(tmp_path: Path) -> None:
    body = """
def read(p):
    return r.pubsub().get_message(timeout=1)

async def handler():
    return read(None)
"""
    assert pubsub_findings(tmp_path, body) == []


def test_redis_asyncio_pubsub_reads_in_nested_lambdas_are_not_flagged(tmp_path: Path) -> None:
    code = """
    import redis.asyncio as aioredis

    r = aioredis.Redis()

    async def handler():
        p = r.pubsub()
        await (lambda: p.get_message(timeout=0.1))()
        await p.parse_response()
    """
    assert lint(tmp_path, code, select="TL3") == []


def test_the_prefilter_admits_a_parse_response_on_a_pubsub_imported_from_another_module(
    tmp_path: Path,
) -> None:
    files = {
        "app/bus.py": "import redis\n\nEVENTS = redis.Redis().pubsub()\n",
        "app/stream.py": (
            "from app.bus import EVENTS\n\n\nasync def next_event():\n"
            "    return EVENTS.parse_response()\n"
        ),
    }
    linted = run(tmp_path, files, "TL301")
    assert linted.admitted["app/stream.py"] is True
    assert rule_ids(linted.findings["app/stream.py"]) == ["TL301"]
