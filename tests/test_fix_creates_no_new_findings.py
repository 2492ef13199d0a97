"""A fix must not create another rule's finding: after `fix --unsafe-fixes`, `check` reports
nothing that it did not report before.

Findings are compared by rule and file (a fix moves lines). Every project under fixtures/ is
checked with every rule, plus a project whose clients serve an RQ worker, a blocking read and a
pub/sub listener in other modules: TL205's unsafe fix must not give those clients a
`socket_timeout` (TL201, TL203, TL204 would then report them).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.fixture_projects import copy_fixture_project, fixture_dirs


def _findings(run_cli, root: Path) -> set[tuple[str, str]]:
    result = run_cli(
        "check", ".", "--select", "ALL", "--no-cache", "--output-format", "json", cwd=root
    )
    assert result.returncode in (0, 1), result.stderr
    return {(item["code"], item["filename"]) for item in json.loads(result.stdout)}


def _new_findings_after_unsafe_fixes(run_cli, root: Path) -> set[tuple[str, str]]:
    before = _findings(run_cli, root)
    result = run_cli("fix", ".", "--select", "ALL", "--unsafe-fixes", "--no-cache", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return _findings(run_cli, root) - before


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_unsafe_fixes_on_a_fixture_create_no_new_finding(
    fixture: Path, tmp_path: Path, run_cli
) -> None:
    project = copy_fixture_project(fixture, tmp_path)
    assert _new_findings_after_unsafe_fixes(run_cli, project) == set()


LONG_READ_CLIENTS = {
    "requirements.txt": "redis==5.0.8\nrq==1.16.2\n",
    "app/__init__.py": "",
    "app/clients.py": """\
        import redis

        jobs = redis.Redis(host="redis")
        queue = redis.Redis(host="redis")
        bus = redis.Redis(host="redis")
        cache = redis.Redis(host="redis")
    """,
    "app/worker.py": """\
        from rq import Queue, Worker

        from app.clients import jobs

        Worker([Queue("default", connection=jobs)], connection=jobs).work()
    """,
    "app/consumer.py": """\
        from app.clients import queue

        while True:
            item = queue.blpop("tasks", timeout=30)
    """,
    "app/listener.py": """\
        from app.clients import bus

        pubsub = bus.pubsub()
        pubsub.subscribe("events")
        for message in pubsub.listen():
            print(message)
    """,
}


def test_clients_of_a_worker_a_blocking_read_and_a_listener_get_no_socket_timeout(
    run_cli, project
) -> None:
    root = project({name: textwrap.dedent(text) for name, text in LONG_READ_CLIENTS.items()})
    assert _new_findings_after_unsafe_fixes(run_cli, root) == set()
    assert (root / "app/clients.py").read_text(encoding="utf-8") == textwrap.dedent("""\
        import redis

        jobs = redis.Redis(host="redis", socket_connect_timeout=10)
        queue = redis.Redis(host="redis", socket_connect_timeout=10)
        bus = redis.Redis(host="redis", socket_connect_timeout=10)
        cache = redis.Redis(host="redis", socket_connect_timeout=10, socket_timeout=10)
    """)


def test_tl402_fix_of_user_info_without_a_colon_creates_no_tl403(run_cli, project) -> None:
    root = project(
        {
            "app.py": (
                "import redis\n"
                'client = redis.from_url("redis://alice@redis:6379/0", socket_timeout=5)\n'
            )
        }
    )
    assert _new_findings_after_unsafe_fixes(run_cli, root) == set()
