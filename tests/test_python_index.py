"""The project's Python index: module-level bindings of Redis-related modules, as plain data."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.redis.model import (
    ExportedAlias,
    ExportedConstant,
    ExportedFactory,
    ExportedObject,
    RedisClient,
)


def _index(tmp_path: Path, files: dict[str, str]) -> PythonIndex:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = parse_table({}, tmp_path.resolve(), None)
    return PythonIndex.build(Discovery(config).files([tmp_path]))


SEED_002 = {
    "backend/app/__init__.py": "",
    "backend/app/infra/queue/connection.py": """
        import os
        from redis import Redis

        REDIS_SOCKET_TIMEOUT = 600
        REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
        redis_conn = Redis.from_url(REDIS_URL, socket_timeout=REDIS_SOCKET_TIMEOUT)

        def get_redis_connection():
            return redis_conn
        """,
    "backend/worker.py": "from app.infra.queue.connection import get_redis_connection\n",
}


def test_module_constants_clients_factories_and_imports_are_summarised(tmp_path: Path) -> None:
    index = _index(tmp_path, SEED_002)
    exports = index.modules["backend.app.infra.queue.connection"]
    assert exports["REDIS_SOCKET_TIMEOUT"] == ExportedConstant(600)
    assert exports["REDIS_URL"] == ExportedConstant("redis://localhost:6379/0", "REDIS_URL")
    assert exports["Redis"] == ExportedAlias("redis.Redis")
    client = exports["redis_conn"]
    assert isinstance(client, ExportedObject) and isinstance(client.value, RedisClient)
    assert client.value.settings.socket_timeout.seconds == 600.0
    assert client.value.location.path.endswith("backend/app/infra/queue/connection.py")
    assert exports["get_redis_connection"] == ExportedFactory(client.value)


def test_only_modules_that_mention_redis_are_indexed(tmp_path: Path) -> None:
    index = _index(tmp_path, {**SEED_002, "backend/app/util.py": "TIMEOUT = 5\n"})
    assert "backend.app.util" not in index.modules
    assert "backend.app.infra.queue.connection" in index.modules


def test_lookup_matches_an_import_root_below_the_project_root(tmp_path: Path) -> None:
    index = _index(tmp_path, SEED_002)
    found = index.lookup("app.infra.queue.connection.REDIS_SOCKET_TIMEOUT")
    assert found == ExportedConstant(600)
    assert index.lookup("app.infra.queue.connection.missing") is None
    assert index.lookup("other.module.REDIS_SOCKET_TIMEOUT") is None


def test_a_summary_may_use_another_modules_constants(tmp_path: Path) -> None:
    files = {
        "pkg/settings.py": "# redis settings\nREDIS_TIMEOUT = 30\n",
        "pkg/clients.py": """
            import redis
            from pkg.settings import REDIS_TIMEOUT
            client = redis.Redis(socket_timeout=REDIS_TIMEOUT)
            """,
    }
    index = _index(tmp_path, files)
    client = index.lookup("pkg.clients.client")
    assert isinstance(client, ExportedObject)
    assert client.value.settings.socket_timeout.seconds == 30.0


def test_import_cycles_end_as_unknown_instead_of_recursing(tmp_path: Path) -> None:
    files = {
        "a.py": "import redis\nfrom b import T\nclient = redis.Redis(socket_timeout=T)\n",
        "b.py": "# redis\nfrom a import client as T\n",
    }
    index = _index(tmp_path, files)
    client = index.lookup("a.client")
    assert isinstance(client, ExportedObject)
    assert client.value.settings.socket_timeout.state == "unknown"


def test_the_index_is_plain_picklable_data_with_a_stable_fingerprint(tmp_path: Path) -> None:
    first = _index(tmp_path / "one", SEED_002)
    again = _index(tmp_path / "one", SEED_002)
    assert pickle.loads(pickle.dumps(first)) == first
    assert first.fingerprint() == again.fingerprint()
    changed = {**SEED_002}
    changed["backend/app/infra/queue/connection.py"] = SEED_002[
        "backend/app/infra/queue/connection.py"
    ].replace("600", "300")
    assert _index(tmp_path / "one", changed).fingerprint() != first.fingerprint()


def test_files_that_do_not_parse_are_left_out(tmp_path: Path) -> None:
    index = _index(tmp_path, {"broken.py": "import redis\ndef (:\n", **SEED_002})
    assert "broken" not in index.modules


def test_a_string_constant_longer_than_any_setting_is_not_summarised(tmp_path: Path) -> None:
    from timeoutlint.project.python_index import MAX_CONSTANT_LENGTH

    document = "x" * (MAX_CONSTANT_LENGTH + 1)
    index = _index(
        tmp_path,
        {"settings.py": f"REDIS_URL = 'redis://cache:6379/0'\nPOLICIES = {document!r}\n"},
    )

    assert index.lookup("settings.REDIS_URL") == ExportedConstant("redis://cache:6379/0")
    assert index.lookup("settings.POLICIES") is None
