"""TL301/TL302/TL303: sync redis-py calls inside `async def`, decided by what the object is."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint
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


def test_ordinary_sync_calls_are_on_by_default(tmp_path: Path) -> None:
    enabled = selected_rules(parse_table({}, tmp_path, None), builtin_rules())
    assert {"TL301", "TL302", "TL303"} <= enabled


def pubsub_findings(tmp_path: Path, body: str) -> list[tuple[int, str]]:
    code = "import redis\n\nr = redis.Redis()\n\n" + body
    return [(f.span.start.line, f.message) for f in lint(tmp_path, code, select="TL3")]


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
