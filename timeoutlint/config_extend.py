"""`extend = "../pyproject.toml"`: a configuration file that inherits another one's settings.

As in ruff, the file named by `extend` (a path relative to the extending file) is read first,
then the extending file's keys replace its keys, except `extend-select` and `extend-exclude`,
which add to the inherited lists (a child that adds a rule keeps the rules its parent added).
The chain may be as long as needed; a cycle or a missing file is an error that names both
files, so a typo in a monorepo's service config is not silently read as "no settings".

This module only reads and merges TOML tables; validating the keys stays in `config.py`.
Paths inside an inherited table (`exclude`, `per-file-ignores`, `test-paths`) are read
relative to the directory of the file that applies them, the extending one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from timeoutlint.limits import read_text_file

ADDITIVE_KEYS = ("extend-select", "extend-exclude")
"""Keys whose inherited value is kept and added to, not replaced."""


class ExtendError(Exception):
    """A configuration file cannot be read, or its `extend` chain is broken."""


def _table(path: Path) -> dict[str, Any]:
    """The timeoutlint table of one file: `[tool.timeoutlint]` of a pyproject.toml, else the
    top level (or a `[tool.timeoutlint]` table in a file of another name)."""
    try:
        data = tomllib.loads(read_text_file(path))
    except OSError as exc:
        raise ExtendError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExtendError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ExtendError(f"{path}: not valid UTF-8") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("timeoutlint", {})
    elif isinstance(data.get("tool"), dict):
        # A pyproject-style file under another name: only its [tool.timeoutlint] is ours.
        if "timeoutlint" not in data["tool"]:
            raise ExtendError(
                f"{path}: has no [tool.timeoutlint] table (a configuration file holds the"
                " settings at its top level, or in [tool.timeoutlint] as pyproject.toml does)"
            )
        table = data["tool"]["timeoutlint"]
    else:
        table = data
    if not isinstance(table, dict):
        raise ExtendError(f"{path}: [tool.timeoutlint] must be a table")
    return dict(table)


def merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The child's keys over the parent's; `ADDITIVE_KEYS` concatenated (parent first)."""
    result = {**parent, **child}
    for key in ADDITIVE_KEYS:
        inherited, own = parent.get(key), child.get(key)
        if isinstance(inherited, list) and isinstance(own, list):
            result[key] = [*inherited, *own]
    return result


def read_table(path: Path) -> tuple[dict[str, Any], tuple[Path, ...]]:
    """The settings of `path` with its `extend` chain applied, and the files of that chain
    (`path` first). The `extend` key itself is not in the result."""
    chain: list[Path] = []
    tables: list[dict[str, Any]] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in chain:
            cycle = " -> ".join(str(p) for p in (*chain[chain.index(resolved) :], resolved))
            raise ExtendError(f"{chain[-1]}: 'extend' makes a cycle: {cycle}")
        chain.append(resolved)
        table = _table(current)
        tables.append(table)
        target = table.pop("extend", None)
        if target is None:
            break
        if not isinstance(target, str) or not target:
            raise ExtendError(
                f"{current}: 'extend' must be the path of a configuration file, not {target!r}"
            )
        following = Path(os.path.normpath(Path(current.parent, Path(target).expanduser())))
        if not following.is_file():
            raise ExtendError(
                f"{current}: 'extend' names {following}, which is not a file"
                f" (the path is relative to {current.parent})"
            )
        current = following
    result: dict[str, Any] = {}
    for table in reversed(tables):
        result = merged(result, table)
    return result, tuple(chain)
