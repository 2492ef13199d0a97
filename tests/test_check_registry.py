"""The registry states each check's rules, kind and triggers without importing its module.

The file prefilter and the scan decide from the registry alone which files any check could
flag, so an entry that disagreed with its module's own `Check` would silently drop files (a
trigger missing) or parse for nothing (a trigger too many).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from timeoutlint.checks import ALL_CHECKS, Check

REPO = Path(__file__).resolve().parent.parent


def _module_check(entry: Check) -> Check:
    deferred = entry.run.__self__  # type: ignore[attr-defined]
    loaded: Check = getattr(importlib.import_module(deferred.module), deferred.name)
    return loaded


@pytest.mark.parametrize("entry", ALL_CHECKS, ids=lambda c: "-".join(c.rules))
def test_a_registry_entry_declares_what_its_module_declares(entry: Check) -> None:
    check = _module_check(entry)
    assert (entry.rules, entry.kind, entry.triggers) == (check.rules, check.kind, check.triggers)


def test_every_check_module_is_in_the_registry() -> None:
    registered = {entry.run.__self__.module for entry in ALL_CHECKS}  # type: ignore[attr-defined]
    declaring = {
        f"timeoutlint.checks.{path.stem}"
        for path in (REPO / "timeoutlint" / "checks").glob("*.py")
        if "_CHECK = Check(" in path.read_text(encoding="utf-8")
        or "\nCHECK = Check(" in path.read_text(encoding="utf-8")
    }
    assert declaring == registered


def test_importing_the_registry_imports_no_check_module() -> None:
    code = (
        "import sys, timeoutlint.checks\n"
        "print(sorted(m for m in sys.modules if m.startswith('timeoutlint.checks.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "['timeoutlint.checks.base']"
