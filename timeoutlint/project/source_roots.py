"""The dotted names a project module can be imported by, following Python's import rules.

Python 3 imports are absolute: `import redis` in the package `app.utils` means the top-level
`redis`, never `app.state.redis`. A project file is importable by a dotted name only relative to
a directory on `sys.path` (a source root): its name is the path from that root. Which
directories a project puts on `sys.path` is not written anywhere we read, so the candidates are
the directories that can be one without breaking Python's own rules:

- the project root (where `python -m`, pytest's `rootdir` and most tools start);
- `src/` for the files under it (the "src layout"; such files are never `src.x`);
- any directory that is not inside a regular package: no `__init__.py` in it or in one of its
  ancestors below the project root (`backend/` holding the package `app/`, a directory of
  scripts run as `python service/main.py`, which import their siblings by their bare names;
  pytest's default import mode puts the same directory on `sys.path`).

A directory inside a regular package is never a root: a package's modules are imported through
the package (`app.state.redis`), and a script run from inside a package is not how packages are
used. So a module inside a package has exactly one name per root above its top package, and a
library name (`redis.asyncio`) can only mean a project module that really sits at a root under
that name, which would shadow the library in Python too. Explicit relative imports
(`from .redis import X`) are resolved by the model from the importing file's own name.

Every name is a dotted suffix of the module's path name (`python.module_names.module_name_for`), which the
prefilter's index reach (`checks/prefilter.py`) relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

PackageTest = Callable[[str], bool]
"""Whether a project-relative directory (posix, "" for the root) holds an `__init__.py`."""


def import_names(relative: str, is_package: PackageTest) -> tuple[str, ...]:
    """Every dotted name the file at the project-relative `relative` can be imported by, the
    longest (its path name) first; empty when it has none."""
    from timeoutlint.python.module_names import module_name_for

    module_name, _ = module_name_for(relative)
    if module_name is None:
        return ()
    parts = module_name.split(".")
    path_parts = relative.split("/")
    offset = 1 if path_parts[0] == "src" and len(path_parts) > 1 else 0
    names = [module_name]
    for depth in range(1, len(parts)):
        if is_package("/".join(path_parts[: offset + depth])):
            break
        names.append(".".join(parts[depth:]))
    return tuple(names)


class PackageDirectories:
    """Which directories hold an `__init__.py`, asked of the disk once per directory (an
    `__init__.py` that the run leaves out still makes a package); one per index build."""

    def __init__(self) -> None:
        self._known: dict[Path, bool] = {}

    def test_for(self, file: Path, relative: str) -> PackageTest:
        """The `PackageTest` of the project that has `file` at `relative`."""
        depth = relative.count("/")
        absolute = file.absolute()
        if depth >= len(absolute.parents):
            return _no_packages
        root = absolute.parents[depth]

        def is_package(directory: str) -> bool:
            path = root / directory
            known = self._known.get(path)
            if known is None:
                known = (path / "__init__.py").is_file()
                self._known[path] = known
            return known

        return is_package


def _no_packages(directory: str) -> bool:
    return False


def name_table(names: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """module -> its import names, turned around: import name -> the modules it can mean."""
    table: dict[str, list[str]] = {}
    for module, found in names.items():
        for name in found:
            table.setdefault(name, []).append(module)
    return {name: tuple(modules) for name, modules in table.items()}
