"""The result cache: a file's findings, keyed by everything they depend on.

A file's findings are a pure function of its bytes, its paths (display,
relative, kind), and the run's *settings*: the tool (version and code), the
Python version, the configuration, the enabled rules, the catalog and the
project context (`ProjectContext.fingerprint()`). The settings are digested
into one key that names one cache file; inside it, each file's entry holds the
sha256 of the bytes it was computed from. An entry is used only when the
digest of the bytes read now is the same, so an edited file is always
re-analyzed, whatever its timestamps say.

Only files that passed the trigger prefilter are cached: for the others the
prefilter is already cheaper than hashing the file.

The cache directory (`.timeoutlint_cache/` by default, relative to the
project root) holds `CACHEDIR.TAG` and a `.gitignore` so that backup tools
and git leave it alone. The data is a pickle read with an unpickler that
only builds timeoutlint's own dataclasses and enums, so a cache file planted
in a checked-out repository cannot run code.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, is_dataclass
from enum import Enum
from pathlib import Path

from timeoutlint import __version__
from timeoutlint.catalog import Rule
from timeoutlint.config import Config
from timeoutlint.findings import Finding
from timeoutlint.limits import CACHE_FILE_LIMIT, read_regular_file

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by timeoutlint.\n"
    "# For information about cache directory tags, see: https://bford.info/cachedir/\n"
)
FORMAT_VERSION = 1
RESULT_FILES_KEPT = 8
"""Result files (one per settings key) kept in the cache: older ones are deleted when a run
writes its own."""
PACKAGE_DIR = Path(__file__).resolve().parent

EntryKey = tuple[str, str, str]
"""(display path, path relative to the project root, kind): everything path-like a finding uses."""


@dataclass(frozen=True)
class CacheEntry:
    digest: bytes
    findings: tuple[Finding, ...]


def content_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The installed code itself (path, size, mtime of every module and catalog file).

    The version alone does not change while timeoutlint is developed or
    patched, and a stale result from older code must never be served.
    """
    parts: list[str] = []
    for directory, dirnames, filenames in os.walk(PACKAGE_DIR):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".yaml")):
                info = os.stat(os.path.join(directory, name))
                parts.append(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)


def settings_key(
    config: Config,
    rules: Mapping[str, Rule],
    enabled: Iterable[str],
    project_fingerprint: str,
) -> str:
    """The digest of everything except the file itself that a file's findings depend on."""
    digest = hashlib.sha256()
    for part in (
        f"timeoutlint {__version__} format {FORMAT_VERSION}",
        sys.version,
        _code_fingerprint(),
        repr(config),
        ",".join(sorted(enabled)),
        repr(sorted(rules.items())),
        project_fingerprint,
    ):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


class _OwnClassesUnpickler(pickle.Unpickler):
    """Builds only timeoutlint's dataclasses and enums; anything else is refused."""

    def find_class(self, module: str, name: str) -> object:
        if (module == "timeoutlint" or module.startswith("timeoutlint.")) and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and (is_dataclass(found) or issubclass(found, Enum)):
                return found
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


def _load_entries(path: Path) -> dict[EntryKey, CacheEntry]:
    try:
        data = read_regular_file(path, CACHE_FILE_LIMIT)
    except OSError:
        return {}
    try:
        loaded = _OwnClassesUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or foreign file is an empty cache, never an error
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        key: entry
        for key, entry in loaded.items()
        if isinstance(key, tuple) and isinstance(entry, CacheEntry)
    }


@dataclass
class ResultCache:
    """One settings key's entries, loaded at start and written back once at the end."""

    directory: Path
    key: str
    entries: dict[EntryKey, CacheEntry] = field(default_factory=dict)
    added: dict[EntryKey, CacheEntry] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.directory / f"v{FORMAT_VERSION}" / f"{self.key[:40]}.pickle"

    @classmethod
    def open(cls, directory: Path, key: str) -> ResultCache:
        cache = cls(directory, key)
        cache.entries = _load_entries(cache.file)
        return cache

    def get(self, entry_key: EntryKey, digest: bytes) -> tuple[Finding, ...] | None:
        entry = self.entries.get(entry_key)
        if entry is None or entry.digest != digest:
            return None
        return entry.findings

    def put(self, entry_key: EntryKey, digest: bytes, findings: tuple[Finding, ...]) -> None:
        entry = CacheEntry(digest, findings)
        if self.entries.get(entry_key) != entry:
            self.added[entry_key] = entry

    def save(self) -> str | None:
        """Write the entries back atomically; returns why it could not, or None."""
        if not self.added:
            return None
        import tempfile

        merged = {**self.entries, **self.added}
        try:
            _prepare_directory(self.directory)
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(merged, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            return f"the cache could not be written to {self.directory}: {exc.strerror or exc}"
        self.entries = merged
        self.added = {}
        prune_siblings(self.file, keep=RESULT_FILES_KEPT)
        return None


def read_trusted(path: Path) -> object | None:
    """A pickle written by `write_atomically`, built with the safe unpickler; None if unusable."""
    try:
        data = read_regular_file(path, CACHE_FILE_LIMIT)
    except OSError:
        return None
    try:
        loaded: object = _OwnClassesUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or foreign file is a miss, never an error
        return None
    return loaded


def write_atomically(directory: Path, path: Path, value: object) -> str | None:
    """Pickle `value` to `path` inside the cache `directory`; returns why it could not, or None."""
    import tempfile

    try:
        _prepare_directory(directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        return f"the cache could not be written to {directory}: {exc.strerror or exc}"
    return None


def prune_siblings(path: Path, keep: int) -> None:
    """Delete all but the `keep` most recently written cache files next to `path` (itself
    included), and temporary files left by an interrupted write: cache files keyed by content
    (a new one for every edit of an indexed module) would otherwise pile up."""
    import time

    try:
        candidates = [(entry.stat().st_mtime_ns, entry) for entry in path.parent.iterdir()]
    except OSError:
        return
    pickles = sorted(
        ((mtime, entry) for mtime, entry in candidates if entry.suffix == ".pickle"),
        key=lambda item: (item[1] != path, -item[0]),
    )
    stale_before = time.time_ns() - 3600 * 10**9
    doomed = [entry for _, entry in pickles[keep:]]
    doomed += [e for mtime, e in candidates if e.suffix == ".tmp" and mtime < stale_before]
    for entry in doomed:
        try:
            entry.unlink()
        except OSError:
            pass


def code_key() -> str:
    """The tool's own part of every cache key: version, format, Python and the code itself."""
    return "\0".join(
        (f"timeoutlint {__version__} format {FORMAT_VERSION}", sys.version, _code_fingerprint())
    )


def _prepare_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG, encoding="utf-8")
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by timeoutlint.\n*\n", encoding="utf-8")


def cache_directory(config: Config, override: Path | None) -> Path:
    """`--cache-dir` as given (relative to the working directory), else `cache-dir` from the
    configuration, relative to the project root."""
    if override is not None:
        return override
    configured = Path(config.cache_dir)
    return configured if configured.is_absolute() else config.root / configured
