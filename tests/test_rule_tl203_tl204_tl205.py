"""TL203 blocking commands vs socket_timeout, TL204 RQ workers, TL205 clients without timeouts."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint, lint_files
from timeoutlint.fix_operations import AddKeyword


def test_default_clients_are_flagged_only_when_redis_py_8_is_allowed(tmp_path: Path) -> None:
    code = "import redis\nr = redis.from_url('redis://h')\nr.blpop('q', timeout=30)\n"
    assert lines(lint(tmp_path / "a", code, select="TL203", redis_version=">=8")) == [3]
    assert lint(tmp_path / "b", code, select="TL203", redis_version="==5.0.8") == []


SEED_002 = {
    "backend/worker.py": """from rq import Worker

from app.infra.queue.connection import get_redis_connection

worker = Worker(["default"], connection=get_redis_connection())
worker.work(with_scheduler=True)
""",
    "backend/app/infra/queue/connection.py": """from redis import Redis

REDIS_SOCKET_TIMEOUT = 300


def get_redis_connection():
    return Redis.from_url("redis://redis:6379/0", socket_timeout=REDIS_SOCKET_TIMEOUT)
""",
}


def test_seed_002_worker_is_flagged_on_rq_1_with_the_clients_definition(tmp_path: Path) -> None:
    [finding] = lint_files(tmp_path, SEED_002, select="TL204", rq_version="==1.16.2")
    assert finding.path.endswith("backend/worker.py") and finding.span.start.line == 5
    assert "socket_timeout=300" in finding.message
    assert "Redis connection timeout, quitting..." in finding.message
    assert finding.related[0].path.endswith("backend/app/infra/queue/connection.py")


def test_rq_2_and_a_timeout_above_worker_ttl_are_fine(tmp_path: Path) -> None:
    assert lint_files(tmp_path / "a", SEED_002, select="TL204", rq_version=">=2") == []
    high = {**SEED_002}
    high["backend/app/infra/queue/connection.py"] = SEED_002[
        "backend/app/infra/queue/connection.py"
    ].replace("300", "600")
    assert lint_files(tmp_path / "b", high, select="TL204", rq_version="==1.16.2") == []


def test_missing_timeouts_are_reported_only_for_redis_py_before_8(tmp_path: Path) -> None:
    code = "import redis\nr = redis.Redis(host='h')\nr.get('k')\n"
    [finding] = lint(tmp_path / "a", code, select="TL205", redis_version="<8")
    assert finding.message == (
        "`Redis()` has no socket_timeout or socket_connect_timeout: a command to a server that "
        "stopped answering waits forever, and connecting to an unreachable one blocks until the "
        "kernel gives up, about 2 min on Linux (redis-py <8 from [tool.timeoutlint] redis-version)"
    )
    assert lint(tmp_path / "b", code, select="TL205", redis_version=">=8") == []


def test_socket_timeout_none_without_a_connect_timeout_hangs_on_connect_only(
    tmp_path: Path,
) -> None:
    code = "import redis\nr = redis.Redis(host='h', socket_timeout=None)\n"
    [finding] = lint(tmp_path, code, select="TL205", redis_version="==7.4.1")
    assert finding.message == (
        "`Redis()` has no socket_connect_timeout and socket_timeout=None: connecting to an "
        "unreachable server blocks until the kernel gives up, about 2 min on Linux "
        "(redis-py 7.4.1 from [tool.timeoutlint] redis-version)"
    )
    assert finding.fix is not None
    assert finding.fix.applicability.value == "safe"
    assert [op.keyword for op in finding.fix.operations if isinstance(op, AddKeyword)] == [
        "socket_connect_timeout"
    ]


def test_a_connect_timeout_alone_leaves_only_the_read_that_hangs(tmp_path: Path) -> None:
    code = "import redis\nr = redis.Redis(host='h', socket_connect_timeout=2)\n"
    [finding] = lint(tmp_path, code, select="TL205")
    assert finding.message == (
        "`Redis()` has no socket_timeout: a command to a server that stopped answering waits "
        "forever (assuming redis-py <8; no pin found)"
    )


def test_fix_adds_only_the_connect_timeout_for_clients_serving_long_reads(tmp_path: Path) -> None:
    code = """
    import redis
    subscriber = redis.Redis(host="h")
    subscriber.pubsub().listen()
    queue = redis.Redis(host="h")
    queue.blpop("jobs")
    cache = redis.Redis(host="h", socket_connect_timeout=1)
    cache.get("k")
    """
    findings = lint(tmp_path, code, select="TL205", redis_version="==5.0.8")
    assert lines(findings) == [3, 5, 7]
    fixes = [f.fix for f in findings]
    assert all(f is not None for f in fixes)
    keywords = [
        [op.keyword for op in f.operations if isinstance(op, AddKeyword)] for f in fixes if f
    ]
    assert keywords == [["socket_connect_timeout"], ["socket_connect_timeout"], ["socket_timeout"]]
    assert [f.applicability.value for f in fixes if f] == ["safe", "safe", "unsafe"]


def test_a_client_serving_pubsub_in_another_module_gets_no_socket_timeout(tmp_path: Path) -> None:
    files = {
        "app/clients.py": "import redis\nbus = redis.Redis(host='h')\n",
        "app/listener.py": "from app.clients import bus\nfor m in bus.pubsub().listen():\n    pass\n",
    }
    [finding] = lint_files(tmp_path, files, select="TL205", redis_version="==5.0.8")
    assert finding.message.startswith(
        "`Redis()` has no socket_timeout or socket_connect_timeout: connecting to an unreachable "
        "server blocks until the kernel gives up"
    )
    assert finding.fix is not None
    assert [op.keyword for op in finding.fix.operations if isinstance(op, AddKeyword)] == [
        "socket_connect_timeout"
    ]


def test_unsafe_fixes_never_give_a_client_used_for_pubsub_elsewhere_a_socket_timeout(
    run_cli, project
) -> None:
    root = project(
        {
            "requirements.txt": "redis==5.0.8\n",
            "app/__init__.py": "",
            "app/clients.py": (
                "import redis\nbus = redis.Redis(host='h')\ncache = redis.Redis(host='h')\n"
            ),
            "app/listener.py": (
                "from app.clients import bus\nfor m in bus.pubsub().listen():\n    pass\n"
            ),
        }
    )
    result = run_cli("fix", ".", "--select", "TL205", "--unsafe-fixes", "--no-cache", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "app/clients.py").read_text() == (
        "import redis\n"
        "bus = redis.Redis(host='h', socket_connect_timeout=10)\n"
        "cache = redis.Redis(host='h', socket_connect_timeout=10, socket_timeout=10)\n"
    )


def test_a_connection_handed_to_rq_with_connection_keeps_its_socket_timeout_unset(
    tmp_path: Path,
) -> None:
    files = {
        "app/__init__.py": "import redis\nrq_conn = redis.from_url('redis://h')\n",
        "app/cli.py": (
            "from rq import Connection, Worker\n"
            "from app import rq_conn\n"
            "with Connection(rq_conn):\n"
            "    Worker(['default']).work()\n"
        ),
    }
    [finding] = lint_files(tmp_path, files, select="TL205", rq_version="==1.16.2")
    assert finding.message.startswith(
        "`redis.from_url()` has no socket_timeout or socket_connect_timeout: connecting to an "
        "unreachable server blocks"
    )
