"""What a file's findings depend on besides its bytes and the project context: the
configuration that applies to it (`config_tree.py`) and the pins of its project
(`project/project_pins.py`). The engine analyses each file under its own scope."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from timeoutlint.config import Config
from timeoutlint.config_tree import ConfigTree, directory_of
from timeoutlint.project.dependencies import Dependencies
from timeoutlint.project.project_pins import ProjectPins


@dataclass(frozen=True)
class FileScopes:
    tree: ConfigTree
    pins: ProjectPins
    _by_directory: dict[str, tuple[Config, Dependencies]] = field(default_factory=dict)

    def of(self, path: Path | str) -> tuple[Config, Dependencies]:
        """The configuration and pins of the file at `path` (one lookup per directory)."""
        return self.of_directory(directory_of(path))

    def of_directory(self, directory: str) -> tuple[Config, Dependencies]:
        """The configuration and pins of the files of `directory` (absolute)."""
        known = self._by_directory.get(directory)
        if known is None:
            config = self.tree.for_directory(directory)
            known = (config, self.pins.for_directory(directory, config))
            self._by_directory[directory] = known
        return known

    def fingerprint(self) -> str:
        """The nested configurations and the per-project pins (in the result cache's key)."""
        digest = hashlib.sha256(self.tree.fingerprint().encode("utf-8"))
        for directory, dependencies in self.pins.projects():
            digest.update(f"\0{directory}\0{dependencies.fingerprint()}".encode())
        return digest.hexdigest()

    def describe_lines(self) -> list[str]:
        """Per project below the root (a directory with its own configuration or pins): its
        configuration, the pin files it has, and the versions its files assume, for
        `--show-context`."""
        root = self.tree.root.root
        lines: list[str] = []
        configs = {str(c.root): c for c in self.tree.nested()}
        projects = dict(self.pins.projects())
        for directory in sorted({*_relative(configs, root), *projects}):
            absolute = os.path.join(self.tree.root_text, directory)
            config = self.tree.for_directory(absolute)
            shown = _shown(config.source, root) if config.source is not None else "defaults"
            lines.append(f"project {directory}: configuration {shown}")
            own = projects.get(directory)
            lines.append(f"  pin files read: {', '.join(own.pin_files) if own else 'none'}")
            # What its files assume: its own pins, the root's, or a configured version.
            in_force = self.pins.for_directory(absolute, config)
            lines.extend(f"  {line}" for line in in_force.describe_lines())
        return lines


def _relative(configs: dict[str, Config], root: Path) -> list[str]:
    return [Path(directory).relative_to(root).as_posix() for directory in configs]


def _shown(source: Path, root: Path) -> str:
    try:
        return source.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(source)
