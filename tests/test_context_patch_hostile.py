"""Hostile cases for the reused and rebuilt project context (`project/context_snapshot.py`,
`project/context_patch.py`): each run over a few files gives what a `--no-cache` run of the
same files gives."""

from __future__ import annotations

from pathlib import Path

from tests.test_context_patch import (
    BLOCKING_USE,
    CLIENT,
    PATCHED,
    PLAIN_CLIENT,
    REUSED,
    _check,
    _edit,
    _project,
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
