"""Which project module a qualified name means: Python's import rules, not name suffixes.

An absolute import means a module of that full dotted name under a source root (the project
root, `src/`, or a directory outside every regular package); a project module named like a
library inside a package never stands for the library.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import lines, lint_files
from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.redis.model import ExportedAlias, ExportedConstant, ExportedObject

PACKAGE_MODULE_NAMED_REDIS = {
    "app/__init__.py": "",
    "app/state/__init__.py": "",
    "app/state/redis.py": """
        import asyncio
        from redis.asyncio import Redis

        TIMEOUT = 5
        """,
    "app/utils.py": """
        import redis

        async def get_async():
            return redis.asyncio.from_url("redis://cache:6379/0")

        def get_sync():
            return redis.Redis.from_url("redis://cache:6379/0")
        """,
}


def _index(tmp_path: Path, files: dict[str, str]) -> PythonIndex:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = parse_table({}, tmp_path.resolve(), None)
    return PythonIndex.build(Discovery(config).files([tmp_path]))


def test_a_module_inside_a_package_is_found_only_by_its_full_name(tmp_path: Path) -> None:
    index = _index(tmp_path, PACKAGE_MODULE_NAMED_REDIS)
    assert index.lookup("app.state.redis.asyncio") == ExportedAlias("asyncio")
    assert index.lookup("redis.asyncio") is None
    assert index.lookup("redis.Redis") is None
    assert index.lookup("state.redis.TIMEOUT") is None


def test_a_package_module_named_like_the_library_does_not_hide_its_clients(
    tmp_path: Path,
) -> None:
    files = {name: textwrap.dedent(text) for name, text in PACKAGE_MODULE_NAMED_REDIS.items()}
    findings = lint_files(tmp_path, files, select="TL205")
    assert [(f.rule_id, f.path.rsplit("/", 1)[-1]) for f in findings] == [
        ("TL205", "utils.py"),
        ("TL205", "utils.py"),
    ]
    assert lines(findings) == [5, 8]


def test_a_relative_import_reaches_the_sibling_named_like_the_library(tmp_path: Path) -> None:
    files = {
        **PACKAGE_MODULE_NAMED_REDIS,
        "app/state/manager.py": "from .redis import TIMEOUT\n",
    }
    index = _index(tmp_path, files)
    assert index.lookup("app.state.redis.TIMEOUT") == ExportedConstant(5)


def test_a_directory_outside_packages_that_holds_a_package_is_a_source_root(
    tmp_path: Path,
) -> None:
    files = {
        "backend/app/__init__.py": "",
        "backend/app/infra/queue/connection.py": "# redis\nTIMEOUT = 600\n",
    }
    index = _index(tmp_path, files)
    assert index.lookup("app.infra.queue.connection.TIMEOUT") == ExportedConstant(600)
    assert index.lookup("backend.app.infra.queue.connection.TIMEOUT") == ExportedConstant(600)
    assert index.lookup("queue.connection.TIMEOUT") is None
    assert index.lookup("connection.TIMEOUT") is None


def test_a_module_beside_a_script_is_found_by_its_own_name(tmp_path: Path) -> None:
    files = {
        "service/streaming.py": "import redis\nclient = redis.Redis()\n",
        "service/main.py": "from streaming import client\n",
    }
    index = _index(tmp_path, files)
    assert isinstance(index.lookup("streaming.client"), ExportedObject)
    assert isinstance(index.lookup("service.streaming.client"), ExportedObject)


def test_a_src_layout_names_modules_from_inside_src(tmp_path: Path) -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/settings.py": "# redis\nTIMEOUT = 30\n",
    }
    index = _index(tmp_path, files)
    assert index.lookup("pkg.settings.TIMEOUT") == ExportedConstant(30)
    assert index.lookup("src.pkg.settings.TIMEOUT") is None
    assert index.lookup("settings.TIMEOUT") is None


def test_a_top_level_module_named_like_the_library_does_shadow_it(tmp_path: Path) -> None:
    files = {"redis.py": "# redis helpers\nimport asyncio\n", "app.py": "import redis\n"}
    index = _index(tmp_path, files)
    assert index.lookup("redis.asyncio") == ExportedAlias("asyncio")


def test_the_fingerprint_changes_when_a_directory_becomes_a_package(tmp_path: Path) -> None:
    files = {"backend/app/queue.py": "# redis\nTIMEOUT = 5\n"}
    before = _index(tmp_path, files)
    assert before.lookup("queue.TIMEOUT") == ExportedConstant(5)
    after = _index(tmp_path, {**files, "backend/app/__init__.py": ""})
    assert after.lookup("queue.TIMEOUT") is None
    assert after.fingerprint() != before.fingerprint()
