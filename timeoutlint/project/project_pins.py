"""Per-project pins: each Python project in a repository has its own redis-py and rq versions.

In a monorepo one service may pin `redis==4.6.0` and another `redis>=8.0.1`; a finding that
holds only before 8.0.1 is real in the first and impossible in the second. So a file uses,
per package, the declarations of the closest directory at or above it (below the project
root) that declares that package: its requirements files, pyproject.toml, setup.cfg,
setup.py, Pipfile or lock file, read by `dependency_files.py`. Where no such directory
exists, the project root's pins apply as before (`Dependencies.from_project`: the root's
own files, else those of its immediate subdirectories). `redis-version` / `rq-version` of the
file's configuration (and `--redis-version` / `--rq-version`) still win.

Each directory is listed once (`config_tree.DirectoryNames`, shared with the configuration
lookup), and a dependency file is read only in a directory whose listing has one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from timeoutlint.config import Config
from timeoutlint.config_tree import DirectoryNames, directory_of
from timeoutlint.project.dependencies import (
    Dependencies,
    VersionRange,
    override_range,
    resolve_range,
)
from timeoutlint.project.dependency_files import (
    _SKIPPED_DIRECTORIES,
    Declaration,
    _directory_declarations,
    by_package,
)

PACKAGES = ("redis", "rq")
_DECLARING_FILES = frozenset(
    {"pyproject.toml", "setup.cfg", "setup.py", "Pipfile"}
    | {"poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"}
)
"""The files `dependency_files._directory_declarations` reads, besides requirements files."""


def declares_dependencies(names: Iterable[str]) -> bool:
    """Whether a directory listing has a file `dependency_files.py` reads pins from."""
    return any(
        name in _DECLARING_FILES
        or name == "requirements"
        or (name.startswith("requirements") and name.endswith((".txt", ".in")))
        for name in names
    )


class ProjectPins:
    """The pins that apply to each file: the closest project's, else the root's."""

    def __init__(self, config: Config, dependencies: Dependencies, names: DirectoryNames) -> None:
        """`config` is the root configuration and `dependencies` the pins it gives (what every
        file used before pins were per project)."""
        root = config.root
        self.root = root
        self.dependencies = dependencies
        self.fallback = dependencies
        if config.redis_version is not None or config.rq_version is not None:
            # A nested configuration without the key reads the files, as the root would.
            unpinned = replace(config, redis_version=None, rq_version=None)
            self.fallback = Dependencies.from_project(unpinned)
        self.names = names
        self._root_text = os.path.abspath(root)
        self._root_prefix = self._root_text.rstrip("/") + "/"
        self._own: dict[str, dict[str, list[Declaration]]] = {}
        self._found: dict[tuple[str, str | None, str | None], Dependencies] = {}

    def _declarations(self, directory: str) -> dict[str, list[Declaration]]:
        """What this directory's own files declare about redis and rq (memoised)."""
        own = self._own.get(directory)
        if own is None:
            own = {}
            name = os.path.basename(directory)
            if (
                not name.startswith((".", "_"))
                and name not in _SKIPPED_DIRECTORIES
                and declares_dependencies(self.names(directory))
            ):
                found = _directory_declarations(Path(directory), self.root, frozenset(PACKAGES))
                own = dict(by_package(found))
            self._own[directory] = own
        return own

    def _closest(self, directory: str, package: str) -> list[Declaration] | None:
        """The declarations of `package` of the closest project below the root, if any."""
        while directory.startswith(self._root_prefix):
            found = self._declarations(directory).get(package)
            if found:
                return found
            directory = os.path.dirname(directory)
        return None

    def for_file(self, path: Path | str, config: Config) -> Dependencies:
        """The pins a file's findings assume, its configuration's overrides applied."""
        return self.for_directory(directory_of(path), config)

    def for_directory(self, directory: str, config: Config) -> Dependencies:
        """The pins of the files of `directory` (absolute), under `config`."""
        key = (directory, config.redis_version, config.rq_version)
        known = self._found.get(key)
        if known is not None:
            return known
        ranges: dict[str, VersionRange] = {}
        sources: set[str] = set()
        overrides = {"redis": config.redis_version, "rq": config.rq_version}
        for package in PACKAGES:
            override = overrides[package]
            declarations = None if override else self._closest(directory, package)
            if override is not None:
                ranges[package] = override_range(package, override, f"{package}-version")
            elif declarations is not None:
                ranges[package] = resolve_range(package, declarations)
                sources.update(d.source for d in declarations)
            else:
                ranges[package] = getattr(self.fallback, package)
        if ranges["redis"] == self.dependencies.redis and ranges["rq"] == self.dependencies.rq:
            dependencies = self.dependencies
        else:
            dependencies = Dependencies(
                redis=ranges["redis"], rq=ranges["rq"], pin_files=tuple(sorted(sources))
            )
        self._found[key] = dependencies
        return dependencies

    def projects(self) -> list[tuple[str, Dependencies]]:
        """The projects below the root that declare redis or rq (root-relative directory and
        their own pins), for `--show-context`."""
        listed = []
        for directory, own in sorted(self._own.items()):
            if not own:
                continue
            relative = os.path.relpath(directory, self._root_text)
            ranges = {package: resolve_range(package, own.get(package, [])) for package in PACKAGES}
            sources = sorted({d.source for found in own.values() for d in found})
            listed.append((relative, Dependencies(ranges["redis"], ranges["rq"], tuple(sources))))
        return listed
