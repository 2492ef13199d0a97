"""TL201 pubsub-finite-socket-timeout: pub/sub listeners on clients whose reads time out."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint, lint_files
from timeoutlint.findings import Applicability

SEED_000 = """
import redis


class EventSubscriber:
    def __init__(self, redis_url):
        if redis_url:
            self.redis_client = redis.from_url(
                redis_url,
                decode_responses=True,
                socket_connect_timeout=10,
                socket_timeout=10
            )
        else:
            self.redis_client = None

    def subscribe_to_topics(self, topics):
        pubsub = self.redis_client.pubsub()
        for topic in topics:
            pubsub.subscribe(f"topic:{topic}")
        for message in pubsub.listen():
            self.process_event(message)
"""


def _host_client(listener: str) -> str:
    return (
        f"import redis\nr = redis.Redis(host='h', socket_timeout=2)\np = r.pubsub()\n{listener}\n"
    )


def test_seed_000_listener_on_a_client_kept_on_self_is_flagged(tmp_path: Path) -> None:
    findings = lint(tmp_path, SEED_000, select="TL201")
    assert lines(findings) == [21]
    assert findings[0].message == (
        "`pubsub.listen()` waits for messages, but its client has socket_timeout=10 (line 12): "
        "redis-py <8.0.1 raises TimeoutError after 10 s without a message "
        "(assuming redis-py <8.0.1; no pin found)"
    )


def test_host_clients_reconnect_on_6_to_8_0_0_and_raise_before(tmp_path: Path) -> None:
    code = _host_client("for m in p.listen():\n    pass")
    old = lint(tmp_path / "a", code, select="TL201", redis_version="==5.0.8")
    mid = lint(tmp_path / "b", code, select="TL201", redis_version="==7.4.1")
    assert old[0].message.endswith(
        "redis-py <6 raises TimeoutError after 2 s without a message "
        "(redis-py 5.0.8 from [tool.timeoutlint] redis-version)"
    )
    assert "redis-py 6.0-8.0.0 reconnects and re-subscribes every 2 s" in mid[0].message
    assert "<6" not in mid[0].message


def test_redis_py_8_0_1_and_later_are_not_affected(tmp_path: Path) -> None:
    code = _host_client("for m in p.listen():\n    pass")
    assert lint(tmp_path, code, select="TL201", redis_version=">=8.0.1") == []


def test_default_timeout_of_8_0_0_only_when_the_project_may_run_it(tmp_path: Path) -> None:
    code = "import redis\np = redis.from_url('redis://h').pubsub()\np.listen()\n"
    pinned = lint(tmp_path / "a", code, select="TL201", redis_version="==8.0.0")
    assert "redis-py 8.0.0's default socket_timeout of 5 s" in pinned[0].message
    assert pinned[0].message.endswith("(redis-py 8.0.0 from [tool.timeoutlint] redis-version)")
    assert lint(tmp_path / "b", code, select="TL201") == []


def test_a_range_that_allows_8_0_0_also_allows_its_fix_so_no_default_finding(
    tmp_path: Path,
) -> None:
    code = "import redis\np = redis.from_url('redis://h').pubsub()\np.listen()\n"
    assert lint(tmp_path / "a", code, select="TL201", redis_version=">=8.0,<8.1") == []
    assert lint(tmp_path / "b", code, select="TL201", redis_version="<=8.0.0") != []


def test_the_fix_is_unsafe_and_sets_none_with_keepalive_only(tmp_path: Path) -> None:
    """No `health_check_interval`: its PING never wakes a blocked read (see the premise)."""
    [finding] = lint(tmp_path, SEED_000, select="TL201")
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    keywords = [getattr(op, "keyword", None) for op in finding.fix.operations]
    assert keywords == ["socket_timeout", "socket_keepalive"]


def test_a_client_in_another_module_is_followed_without_a_fix(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/connection.py": "from redis import Redis\nclient = Redis(socket_timeout=4)\n",
        "app/listener.py": "from .connection import client\nfor m in client.pubsub().listen():\n    pass\n",
    }
    [finding] = lint_files(tmp_path, files, select="TL201", redis_version="==5.0.8")
    assert finding.path.endswith("app/listener.py")
    assert "app/connection.py:2): redis-py <6 raises TimeoutError after 4 s" in finding.message
    assert finding.fix is None
    assert finding.related[0].path.endswith("app/connection.py")


def test_a_url_query_timeout_is_reported_without_a_fix(tmp_path: Path) -> None:
    code = "import redis\np = redis.from_url('redis://h/0?socket_timeout=3').pubsub()\np.listen()\n"
    [finding] = lint(tmp_path, code, select="TL201")
    assert "socket_timeout=3 in its URL" in finding.message
    assert finding.fix is None
