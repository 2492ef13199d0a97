"""Hostile cases for the reused and rebuilt project context (`project/context_snapshot.py`,
`project/context_patch.py`): each run over a few files gives what a `--no-cache` run of the
same files gives."""

from __future__ import annotations

from pathlib import Path

from tests.test_context_patch import (
    BLOCKING_USE,
    CLIENT,
    NO_CLIENT,
    NO_PASSWORD,
    PASSWORD,
    PATCHED,
    PLAIN_CLIENT,
    REUSED,
    URL_USE,
    _check,
    _codes,
    _edit,
    _patched_equals_fresh,
    _project,
    _warm,
)
from tests.test_context_patch import _no_racy_margin as _no_racy_margin

SHADOW = {
    "app/connection.py": CLIENT,
    "src/app/connection.py": PLAIN_CLIENT,
    "app/worker.py": BLOCKING_USE,
}
"""`app.connection` given by two files (one in a `src` root): which one the index means
follows the run's order, which lists the given files first."""


def test_a_module_name_two_files_give_follows_the_given_files(tmp_path: Path) -> None:
    root = _project(tmp_path, SHADOW)
    _check(root, "app/connection.py", "app/worker.py")
    given = ("app/worker.py", "src/app/connection.py")

    found, facts, stderr = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert (found, facts) == (fresh, fresh_facts)
    assert REUSED not in stderr


def test_an_edit_beside_a_module_name_two_files_give_takes_the_full_path(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path, SHADOW)
    _check(root, "app/connection.py", "app/worker.py")
    given = ("app/worker.py", "src/app/connection.py")

    _edit(root, "app/worker.py", BLOCKING_USE + "\n\nJOBS = 'jobs'\n")
    found, facts, stderr = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert (found, facts) == (fresh, fresh_facts)
    assert PATCHED not in stderr and REUSED not in stderr


def test_a_password_moved_from_one_given_file_to_another(tmp_path: Path) -> None:
    given = ("app/a_cache.py", "app/z_cache.py", "app/urls.py")
    root = _project(
        tmp_path,
        {"app/a_cache.py": PASSWORD, "app/z_cache.py": NO_PASSWORD, "app/urls.py": URL_USE},
    )
    _warm(root, given)

    _edit(root, "app/a_cache.py", NO_PASSWORD)
    _edit(root, "app/z_cache.py", PASSWORD)
    _, facts = _patched_equals_fresh(root, given)

    assert [line for line in facts if "client password" in line] == [
        "timeoutlint: client password for cache: password= in app/z_cache.py (app/z_cache.py:3)"
    ]


def test_given_paths_spelled_otherwise_rebuild_the_same_context(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/connection.py": NO_CLIENT, "app/worker.py": BLOCKING_USE})
    _warm(root, ("app/connection.py", "app/worker.py"))
    given = ("./app/connection.py", str(root / "app" / "worker.py"))

    _edit(root, "app/connection.py", CLIENT)
    found, _ = _patched_equals_fresh(root, given)

    assert "TL203" in _codes(found)


def test_an_import_cycle_through_a_re_exporting_package(tmp_path: Path) -> None:
    given = ("app/__init__.py", "app/connection.py", "app/worker.py")
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/connection.py": "from app.worker import listen\n\n" + PLAIN_CLIENT,
            "app/worker.py": BLOCKING_USE.replace("from app.connection", "from app"),
        },
    )
    _warm(root, given)

    _edit(root, "app/__init__.py", "from .connection import client\n")
    found, facts, _ = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert (found, facts) == (fresh, fresh_facts)


def test_a_context_rebuilt_from_a_subdirectory_is_not_reused_from_the_root(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path, {"app/connection.py": NO_CLIENT, "app/worker.py": BLOCKING_USE})
    _check(root / "app", "connection.py", "worker.py")
    _check(root / "app", "connection.py", "worker.py")
    _edit(root, "app/connection.py", CLIENT)
    _check(root / "app", "connection.py", "worker.py")
    given = ("app/connection.py", "app/worker.py")

    found, facts, _ = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert (found, facts) == (fresh, fresh_facts)
    assert "app/connection.py:3" in found[0]["message"]  # type: ignore[index]
