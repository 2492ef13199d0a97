"""Which modules the index parses for network clients, from their bytes (`project/client_bytes.py`):
necessary conditions only, so that the index's clients are those of every module admitted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_projects import fixture_dirs
from tests.helpers import write_tree
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery, SourceFile
from timeoutlint.project.client_bytes import (
    CONSTRUCTOR_NAMES,
    LIBRARY_LITERALS,
    covers,
    imports_client_library,
    library_module,
    may_build_a_client,
    names_constructor,
)
from timeoutlint.project.client_factories import builtin_constructors
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.scan import IMPORTS_CLIENT_LIBRARY, MENTIONS_CLIENT_FACTORY, FileFacts, Scan


@pytest.mark.parametrize(
    "code",
    [
        "import requests",
        "import os, httpx",
        "import os as o, aiohttp.web as web",
        "import requests.adapters as adapters",
        "import httpx2",
        "from requests import Session",
        "from requests.sessions import Session",
        "from  urllib3 . poolmanager import PoolManager",
        "from \\\n    requests import Session",
        "import os, \\\n    requests",
        "if x: import requests",
        "x = 1; import requests",
        "from ..requests import Session",
        "from.requests import Session",
    ],
)
def test_an_import_that_can_bind_a_library_name_is_seen(code: str) -> None:
    assert imports_client_library(code.encode())


@pytest.mark.parametrize(
    "code",
    [
        "import requests_toolbelt",
        "import a.requests",
        "from a.requests import Session",
        "import os  # requests",
        "import os\nrequests = 1",
        "import os; x = requests",
        "important = requests",
    ],
)
def test_a_module_that_cannot_bind_a_library_name_is_not_seen(code: str) -> None:
    assert not imports_client_library(code.encode())


@pytest.mark.parametrize(
    "code",
    [
        "requests.Session()",
        "aiohttp.ClientSession()",
        "def f() -> httpx.AsyncClient: ...",
        "urllib3.connectionpool.HTTPSConnectionPool('h')",
        "requests.session()",
        "requests. \\\n    session",
        "(requests.  # the factory\n    session)()",
        "from requests import session",
        "from requests.sessions import (\n    Session as S,  # a comment\n    session,\n)",
    ],
)
def test_a_constructor_name_is_seen(code: str) -> None:
    assert names_constructor(code.encode())


@pytest.mark.parametrize(
    "code",
    [
        "except aiohttp.ClientError: pass",
        "conn = http.client.HTTPClient()",
        "session = make()",
        "def get(session): return session",
        "SessionMiddleware()",
    ],
)
def test_a_name_that_only_contains_a_constructor_is_not_seen(code: str) -> None:
    assert not names_constructor(code.encode())


def test_the_constructor_names_are_those_of_the_builtin_catalog() -> None:
    assert CONSTRUCTOR_NAMES == {name.rsplit(".", 1)[-1] for name in builtin_constructors()}
    assert covers(builtin_constructors())
    assert not covers({"aiohttp.TCPConnector"})


def test_every_constructor_name_contains_a_scanned_literal() -> None:
    from timeoutlint.project.client_bytes import CONSTRUCTOR_LITERALS

    for name in CONSTRUCTOR_NAMES:
        assert any(literal in name.encode() for literal in CONSTRUCTOR_LITERALS), name
    for library in (b"requests", b"httpx", b"httpx2", b"urllib3", b"aiohttp"):
        assert any(literal in library for literal in LIBRARY_LITERALS), library


def test_a_module_inside_a_library_package_is_admitted_by_its_name() -> None:
    assert library_module("requests.api") and library_module("httpx2")
    assert not library_module("app.requests") and not library_module("requests_toolbelt.x")


def _index(root: Path, everything: bool, constructors: frozenset[str] | None = None) -> PythonIndex:
    config = parse_table({}, root.resolve(), None)
    files = Discovery(config).files([root])
    scan = _every_module(files) if everything else None
    return PythonIndex.build(files, scan=scan, jobs=1, constructors=constructors)


def _every_module(files: list[SourceFile]) -> Scan:
    flags = MENTIONS_CLIENT_FACTORY | IMPORTS_CLIENT_LIBRARY
    return Scan({source.path: FileFacts(b"", flags) for source in files})


def test_a_factory_through_a_local_alias_is_still_exported(tmp_path: Path) -> None:
    code = "import requests\nS = requests.Session\n\ndef make():\n    return S()\n"
    write_tree(tmp_path, {"app/__init__.py": "", "app/http.py": code})
    assert may_build_a_client(code.encode())
    assert set(_index(tmp_path, everything=False).clients) == {"app.http"}


def test_a_custom_constructor_admits_every_module_that_imports_its_library(
    tmp_path: Path,
) -> None:
    code = "import aiohttp\n\ndef connector():\n    return aiohttp.TCPConnector()\n"
    write_tree(tmp_path, {"app/__init__.py": "", "app/net.py": code})
    assert not may_build_a_client(code.encode())
    index = _index(tmp_path, everything=False, constructors=frozenset({"aiohttp.TCPConnector"}))
    assert index.lookup_client("app.net.connector") is not None


def test_a_library_package_s_own_modules_export_through_relative_imports(tmp_path: Path) -> None:
    code = "from .sessions import Session\n\ndef make():\n    return Session()\n"
    write_tree(tmp_path, {"requests/__init__.py": "", "requests/api.py": code})
    assert not imports_client_library(code.encode())
    assert _index(tmp_path, everything=False).lookup_client("requests.api.make") is not None


def _example_projects() -> list[dict[str, str]]:
    found = []
    for rule in builtin_rules().values():
        for example in (*rule.bad, *rule.good):
            if any(
                literal in text.encode()
                for text in example.files.values()
                for literal in LIBRARY_LITERALS
            ):
                found.append(dict(example.files))
    return found


def test_the_clients_are_those_of_every_module_admitted_on_the_fixtures_and_examples(
    tmp_path: Path,
) -> None:
    roots = list(fixture_dirs())
    for number, files in enumerate(_example_projects()):
        roots.append(write_tree(tmp_path / f"example{number}", files))
    assert len(roots) > 20
    exporting = 0
    for root in roots:
        admitted, everything = _index(root, False), _index(root, True)
        assert admitted.clients == everything.clients, root
        assert admitted.client_names == everything.client_names, root
        exporting += bool(everything.clients)
    assert exporting >= 5
