"""Network clients built in another module of the project: factories and module-level objects,
followed through the project index (`project/client_factories.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lint_files, write_tree
from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.project import python_index
from timeoutlint.project.client_factories import ExportedClient
from timeoutlint.project.python_index import PythonIndex

HTTP_MODULE = """\
import httpx
import requests
import urllib3


def make_session():
    return requests.Session()


def make_client() -> httpx.Client:
    return build()


def pool_with_timeout():
    return urllib3.PoolManager(timeout=5)


def bare_pool():
    return urllib3.PoolManager()


class TimeoutSession(requests.Session):
    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super().request(method, url, **kwargs)


def make_timeout_session():
    return TimeoutSession()


session = requests.Session()
"""


def lines(tmp_path: Path, code: str, select: str = "TL101") -> list[int]:
    files = {"app/__init__.py": "", "app/http.py": HTTP_MODULE, "app/views.py": code}
    findings = lint_files(tmp_path, files, select=select)
    return [f.span.start.line for f in findings if f.path.endswith("views.py")]


def test_a_session_from_a_factory_of_another_module_is_reported(tmp_path: Path) -> None:
    code = """\
from .http import make_session


def fetch(url):
    session = make_session()
    return session.get(url)
"""
    assert lines(tmp_path, code) == [6]


def test_the_finding_names_the_call_and_gets_the_safe_fix(tmp_path: Path) -> None:
    code = "from app.http import make_session\n\nmake_session().post('u')\n"
    files = {"app/__init__.py": "", "app/http.py": HTTP_MODULE, "app/views.py": code}
    [finding] = [f for f in lint_files(tmp_path, files) if f.path.endswith("views.py")]
    assert finding.message == "`make_session().post()` has no timeout and can wait forever"
    assert finding.fix is not None and finding.fix.applicability.value == "safe"


def test_a_module_level_session_of_another_module_is_reported(tmp_path: Path) -> None:
    code = "from app import http\n\nhttp.session.get('u')\n"
    assert lines(tmp_path, code) == [3]


def test_a_factory_returning_a_subclass_that_injects_a_timeout_is_not_reported(
    tmp_path: Path,
) -> None:
    code = "from .http import make_timeout_session\n\nmake_timeout_session().get('u')\n"
    assert lines(tmp_path, code) == []


def test_a_timeout_given_at_the_call_is_not_reported(tmp_path: Path) -> None:
    code = "from .http import make_session\n\nmake_session().get('u', timeout=5)\n"
    assert lines(tmp_path, code) == []


def test_a_factory_object_is_not_a_module_level_object_and_back(tmp_path: Path) -> None:
    code = "from .http import make_session, session\n\nmake_session.get('u')\nsession().get('u')\n"
    assert lines(tmp_path, code) == []


def test_a_pool_from_a_factory_that_sets_a_timeout_is_not_reported(tmp_path: Path) -> None:
    code = """\
from .http import bare_pool, pool_with_timeout

pool_with_timeout().request("GET", "u")
bare_pool().request("GET", "u")
"""
    assert lines(tmp_path, code, select="TL102") == [4]


def test_a_sync_client_from_another_module_blocks_the_loop(tmp_path: Path) -> None:
    code = """\
from .http import make_client, make_session


async def handler(url):
    make_session().get(url, timeout=5)
    return make_client().get(url)
"""
    assert lines(tmp_path, code, select="TL103") == [5, 6]


def test_a_name_of_another_module_that_is_no_client_is_not_reported(tmp_path: Path) -> None:
    code = "from .http import TimeoutSession, requests\n\nrequests.get('u', timeout=1)\n"
    assert lines(tmp_path, code) == []


def _index(root: Path, jobs: int, cache: Path | None = None) -> PythonIndex:
    config = parse_table({}, root.resolve(), None)
    return PythonIndex.build(Discovery(config).files([root]), cache_directory=cache, jobs=jobs)


def test_the_clients_of_the_index_are_the_same_whatever_the_workers_and_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_index, "MODULES_PER_CHUNK", 1)
    root = tmp_path / "project"
    for number in range(4):
        path = root / "app" / f"http{number}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HTTP_MODULE, encoding="utf-8")
    alone, parallel = _index(root, jobs=1), _index(root, jobs=2)
    assert alone.clients == parallel.clients and len(alone.clients) == 4
    assert alone.lookup_client("app.http2.make_session") == ExportedClient(
        "requests.Session", frozenset(), frozenset(), factory=True
    )
    written = _index(root, jobs=1, cache=tmp_path / "cache")
    cached = _index(root, jobs=1, cache=tmp_path / "cache")
    assert cached.parsed == 0 and cached.fingerprint() == written.fingerprint()
    assert cached.clients == alone.clients


REQUEST_MODULE = """\
import httpx


def pin(request: httpx.Request) -> httpx.Request:
    return httpx.Request(request.method, request.url)


def make_client() -> httpx.Client:
    return httpx.Client()
"""


def test_a_factory_of_a_class_no_rule_follows_is_not_exported(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "net.py").write_text(REQUEST_MODULE, encoding="utf-8")
    index = _index(root, jobs=1)
    assert index.lookup_client("app.net.pin") is None
    assert "app.net.make_client" in index.client_qualified_names
    assert not any(name.endswith(".pin") for name in index.client_qualified_names)


def test_the_exported_classes_are_those_the_given_constructors_name(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "net.py").write_text(REQUEST_MODULE, encoding="utf-8")
    config = parse_table({}, root.resolve(), None)
    files = Discovery(config).files([root])
    index = PythonIndex.build(files, jobs=1, constructors=frozenset({"httpx.Request"}))
    assert "app.net.pin" in index.client_qualified_names
    assert index.lookup_client("app.net.make_client") is None


def test_a_client_from_a_factory_beside_a_request_factory_is_still_followed(
    tmp_path: Path,
) -> None:
    files = {"app/__init__.py": "", "app/net.py": REQUEST_MODULE}
    files["app/views.py"] = "from .net import make_client, pin\n\nmake_client().get('u')\npin(r)\n"
    findings = lint_files(tmp_path, files, select="TL103")
    assert findings == []
    files["app/views.py"] = (
        "from .net import make_client, pin\n\n\nasync def f(r):\n"
        "    pin(r)\n    return make_client().get('u')\n"
    )
    found = lint_files(tmp_path / "again", files, select="TL103")
    assert [f.span.start.line for f in found if f.path.endswith("views.py")] == [6]


def test_a_file_the_scan_rejected_is_searched_for_the_exported_names_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bytes] = []
    searched, known = Engine.triggers_in, Engine.triggers_known

    def triggers_in(engine: Engine, kind: str, data: bytes) -> frozenset[bytes]:
        asked.append(data)
        return searched(engine, kind, data)

    def triggers_known(engine: Engine, kind: str, data: bytes, *scanned: frozenset[bytes]):  # type: ignore[no-untyped-def]
        asked.append(data)
        return known(engine, kind, data, *scanned)

    monkeypatch.setattr(Engine, "triggers_in", triggers_in)
    monkeypatch.setattr(Engine, "triggers_known", triggers_known)
    views = "from .http import make_session\n\nmake_session().get('u')\n"
    files = {"app/__init__.py": "", "app/http.py": HTTP_MODULE, "app/views.py": views}
    files["app/other.py"] = "print('no client here')\n"
    findings = lint_files(tmp_path, files)
    assert [f.span.start.line for f in findings if f.path.endswith("views.py")] == [3]
    assert asked == [HTTP_MODULE.encode()]


AIOHTTP_MODULE = """\
import aiohttp


def get_session() -> aiohttp.ClientSession:
    return make()
"""


def _admitted_for_clients(tmp_path: Path, code: str) -> bool:
    from timeoutlint.catalog import builtin_rules
    from timeoutlint.checks.callsite import CallsiteGuard
    from timeoutlint.checks.prefilter import Prospect
    from timeoutlint.project import ProjectContext

    write_tree(tmp_path, {"app/__init__.py": "", "app/net.py": AIOHTTP_MODULE})
    index = _index(tmp_path, jobs=1)
    assert index.lookup_client("app.net.get_session") is not None
    rules = [r for r in builtin_rules().values() if r.callsite is not None]
    project = ProjectContext(root=tmp_path, python_index=index)
    prospect = Prospect(code.encode(), "app/views.py", frozenset(r.id for r in rules), project)
    return CallsiteGuard(rules)(prospect)


def test_an_aiohttp_session_from_another_module_needs_its_timeout_passed_to_be_parsed(
    tmp_path: Path,
) -> None:
    code = "from .net import get_session\n\nasync def f(u):\n    await get_session().get(u)\n"
    assert not _admitted_for_clients(tmp_path, code)


def test_an_aiohttp_session_from_another_module_with_a_timeout_is_parsed(tmp_path: Path) -> None:
    code = "from .net import get_session\n\nasync def f(u):\n    await get_session().get(u, timeout=None)\n"
    assert _admitted_for_clients(tmp_path, code)
    findings = lint_files(
        tmp_path, {"app/net.py": AIOHTTP_MODULE, "app/views.py": code}, select="TL102"
    )
    assert [f.span.start.line for f in findings if f.path.endswith("views.py")] == [4]
