"""Per-directory configuration: each file uses the closest configuration above it, as in ruff.

A monorepo's services often need different settings (one service is a test harness, one sets
its own `default-timeout`). A file uses the nearest `.timeoutlint.toml`, `timeoutlint.toml` or
pyproject.toml with `[tool.timeoutlint]` in its directory or above, up to the project root,
whose configuration (`config.find_config`) applies where no nearer one exists. Settings are not
merged between files unless one names another with `extend` (`config_extend.py`), so a
service's configuration means exactly what it says. `--config FILE` applies to every file.

Paths in a nested configuration (`per-file-ignores`, `test-paths`, `exclude`) are relative to
its own directory: its `Config.root`. The command line's options (`--select`, `--ignore`,
`--default-timeout`, `--redis-version`, ...) are applied to every configuration alike.

Each directory is looked at once per run (one listing, memoised), so a pre-commit run over a
few files costs a few listings, and a full run one listing per directory it walked anyway.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from timeoutlint.config import Config, configuration_in, read_config_file


class DirectoryNames:
    """The names in each directory, listed once (an unreadable directory has none)."""

    def __init__(self) -> None:
        self._names: dict[str, frozenset[str]] = {}

    def record(self, directory: str, names: Iterable[str]) -> None:
        """What a walk listed anyway, so the directory is not listed again."""
        if directory not in self._names:
            self._names[directory] = frozenset(names)

    def directories(self) -> list[str]:
        """Every directory listed so far (by the walk, or by a lookup)."""
        return list(self._names)

    def __call__(self, directory: str) -> frozenset[str]:
        names = self._names.get(directory)
        if names is None:
            try:
                names = frozenset(os.listdir(directory))
            except OSError:
                names = frozenset()
            self._names[directory] = names
        return names


def directory_of(path: Path | str) -> str:
    """The absolute directory of a file, as a string (discovered paths are absolute already)."""
    text = os.fspath(path)
    if not text.startswith("/") or "/." in text or "//" in text:
        text = os.path.abspath(text)
    return text.rpartition("/")[0] or "/"


def configuration_file(directory: str, names: frozenset[str]) -> Path | None:
    """The directory's own configuration file, from the listing the walk recorded."""
    return configuration_in(Path(directory), names)


class ConfigTree:
    """The configuration of every file below the project root.

    `root` is the run's configuration (command-line options applied); `adjust` applies the
    same options to a nested configuration once it is read. With `explicit` (`--config`),
    `root` applies everywhere and no directory is looked at.
    """

    def __init__(
        self,
        root: Config,
        adjust: Callable[[Config], Config] = lambda config: config,
        explicit: bool = False,
        names: DirectoryNames | None = None,
    ) -> None:
        self.root = root
        self.adjust = adjust
        self.explicit = explicit
        self.names = names or DirectoryNames()
        self.root_text = os.path.abspath(root.root)
        self._root_prefix = self.root_text.rstrip("/") + "/"
        self._by_directory: dict[str, Config] = {}
        self._by_source: dict[Path, Config] = {}

    def for_file(self, path: Path | str) -> Config:
        """The configuration that applies to the file at `path`."""
        return self.for_directory(directory_of(path))

    def for_directory(self, directory: str) -> Config:
        if self.explicit or not directory.startswith(self._root_prefix):
            return self.root
        known = self._by_directory.get(directory)
        if known is not None:
            return known
        found = configuration_file(directory, self.names(directory))
        if found is None or Path(found).resolve() == self._root_source():
            config = self.for_directory(os.path.dirname(directory))
        else:
            read = self._by_source.get(found)
            if read is None:
                read = self.adjust(read_config_file(found))
                self._by_source[found] = read
            config = read
        self._by_directory[directory] = config
        return config

    def _root_source(self) -> Path | None:
        return self.root.source.resolve() if self.root.source is not None else None

    def nested(self) -> list[Config]:
        """The configurations below the root that some file looked up uses, by directory."""
        return sorted(self._by_source.values(), key=lambda config: str(config.root))

    def fingerprint(self) -> str:
        """The nested configurations in force (part of the result cache's settings key)."""
        digest = hashlib.sha256()
        for config in self.nested():
            digest.update(repr(config).encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()
