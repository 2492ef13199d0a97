"""The Python index is built in fixed chunks: the same index whatever the number of workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project import python_index
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.redis.model import ExportedConstant, ExportedObject

MODULES = {
    "app/a_settings.py": "REDIS_TIMEOUT = 5\nREDIS_URL = 'redis://cache:6379/0'\n",
    "app/b_alias.py": "from app.a_settings import REDIS_TIMEOUT as redis_timeout\n",
    "app/c_client.py": (
        "import redis\nfrom app.b_alias import redis_timeout\n"
        "client = redis.Redis(host='cache', socket_timeout=redis_timeout)\n"
    ),
    "app/d_user.py": "from app.c_client import client\np = client.pubsub()\n",
    "app/e_cycle.py": "from app.f_cycle import OTHER as REDIS_NAME\n",
    "app/f_cycle.py": "from app.e_cycle import REDIS_NAME as OTHER\n",
}


def _build(root: Path, jobs: int) -> PythonIndex:
    config = parse_table({}, root.resolve(), None)
    return PythonIndex.build(Discovery(config).files([root]), jobs=jobs)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in MODULES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_one_and_two_workers_build_the_same_index(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_index, "MODULES_PER_CHUNK", 2)
    one = _build(project, jobs=1)
    two = _build(project, jobs=2)
    assert two == one
    assert two.fingerprint() == one.fingerprint()


def test_summaries_across_chunks_match_a_single_builder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = _build(project, jobs=1)
    monkeypatch.setattr(python_index, "MODULES_PER_CHUNK", 1)
    chunked = _build(project, jobs=2)
    assert chunked.modules["app.c_client"] == single.modules["app.c_client"]
    assert chunked.modules["app.b_alias"] == single.modules["app.b_alias"]
    assert chunked.long_read_clients == single.long_read_clients
    client = chunked.modules["app.c_client"]["client"]
    assert isinstance(client, ExportedObject)
    assert chunked.lookup("app.a_settings.REDIS_TIMEOUT") == ExportedConstant(5)
    assert len(chunked.long_read_clients) == 1


def test_network_clients_do_not_depend_on_their_chunks_or_workers(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http", "api", "feeds"):
        module = f"import requests\n\n\ndef {name}_session():\n    return requests.Session()\n"
        (project / "app" / f"{name}.py").write_text(module, encoding="utf-8")
    single = _build(project, jobs=1)
    monkeypatch.setattr(python_index, "CLIENT_MODULES_PER_CHUNK", 1)
    chunked = _build(project, jobs=2)
    assert sorted(single.clients) == ["app.api", "app.feeds", "app.http"]
    assert chunked.clients == single.clients
    assert chunked.fingerprint() == single.fingerprint()
