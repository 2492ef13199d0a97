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

The cache deletes old files of its own, so it must never mistake someone
else's directory for itself (`usable_directory`): the tag, with our exact
text, marks a directory timeoutlint created (or found empty and adopted);
a directory that exists without it is not used, nor is a default cache
directory that is a link out of the project (a committed
`.timeoutlint_cache -> ../elsewhere`). Pruning then deletes only files with
our name pattern and our header, in a marked directory, never through a link.
Every cache file is written through the guarded write (`safe_write.py`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, is_dataclass
from enum import Enum
from pathlib import Path

from timeoutlint import __version__
from timeoutlint.catalog import Rule
from timeoutlint.config import DEFAULT_CACHE_DIR, Config
from timeoutlint.findings import Finding
from timeoutlint.limits import CACHE_FILE_LIMIT, read_regular_file, read_text_file

CACHE_HEADER = b"timeoutlint cache\n"
"""The first bytes of every cache file timeoutlint writes: pruning deletes nothing without it."""
_CACHE_FILE_NAME = re.compile(r"^[0-9a-f]{40}\.pickle$")
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
    loaded = read_trusted(path)
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
        merged = {**self.entries, **self.added}
        problem = write_atomically(self.directory, self.file, merged)
        if problem is not None:
            return problem
        self.entries = merged
        self.added = {}
        prune_siblings(self.file, keep=RESULT_FILES_KEPT)
        return None


def read_trusted(path: Path) -> object | None:
    """A cache file written by `write_atomically`, built with the safe unpickler; None if
    unusable (missing, damaged, without our header, or foreign)."""
    try:
        data = read_regular_file(path, CACHE_FILE_LIMIT)
    except OSError:
        return None
    if not data.startswith(CACHE_HEADER):
        return None
    try:
        loaded: object = _OwnClassesUnpickler(io.BytesIO(data[len(CACHE_HEADER) :])).load()
    except Exception:  # a damaged or foreign file is a miss, never an error
        return None
    return loaded


def write_atomically(directory: Path, path: Path, value: object) -> str | None:
    """Pickle `value` to `path` inside the cache `directory`; returns why it could not, or None."""
    from timeoutlint.safe_write import describe_write_error, write_file

    data = CACHE_HEADER + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        _prepare_directory(directory)
        write_file(path, data, directory, create=True)
    except OSError as exc:
        reason = describe_write_error(exc)
        return f"the cache could not be written to {directory}: {reason}"
    return None


def _is_own_file(path: Path) -> bool:
    """Named and headed as timeoutlint writes its cache files, and a regular file, not a link."""
    if _CACHE_FILE_NAME.match(path.name) is None:
        return False
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as stream:
            return stream.read(len(CACHE_HEADER)) == CACHE_HEADER
    except OSError:
        return False


def prune_siblings(path: Path, keep: int) -> None:
    """Delete all but the `keep` most recently written cache files next to `path` (itself
    included): cache files keyed by content (a new one for every edit of an indexed module)
    would otherwise pile up. Only our own files (`_is_own_file`), only in a subdirectory (not a
    link) of a directory marked as ours."""
    directory = path.parent
    if os.path.islink(directory) or not is_marked(directory.parent):
        return
    try:
        candidates = [entry for entry in directory.iterdir() if _is_own_file(entry)]
        dated = [(entry.lstat().st_mtime_ns, entry) for entry in candidates]
    except OSError:
        return
    newest_first = sorted(dated, key=lambda item: (item[1] != path, -item[0]))
    for _, entry in newest_first[keep:]:
        try:
            entry.unlink()
        except OSError:
            pass


def code_key() -> str:
    """The tool's own part of every cache key: version, format, Python and the code itself."""
    return "\0".join(
        (f"timeoutlint {__version__} format {FORMAT_VERSION}", sys.version, _code_fingerprint())
    )


def is_marked(directory: Path) -> bool:
    """Whether `directory` carries our tag: timeoutlint created it (or adopted it empty)."""
    tag = directory / "CACHEDIR.TAG"
    try:
        if not stat.S_ISREG(os.lstat(tag).st_mode):
            return False
        return read_text_file(tag, limit=4096) == CACHEDIR_TAG
    except (OSError, UnicodeDecodeError):
        return False


def _is_empty(directory: Path) -> bool:
    try:
        return not any(os.scandir(directory))
    except OSError:
        return False


def _prepare_directory(directory: Path) -> None:
    """Create and mark the cache directory, or check that it is ours; raises `OSError`."""
    from timeoutlint.safe_write import WriteRefused, write_file

    if is_marked(directory):
        return
    directory.mkdir(parents=True, exist_ok=True)
    if not _is_empty(directory):
        raise WriteRefused(0, "the directory was not created by timeoutlint")
    write_file(directory / "CACHEDIR.TAG", CACHEDIR_TAG.encode(), directory, create=True)
    write_file(directory / ".gitignore", b"# Created by timeoutlint.\n*\n", directory, create=True)


def cache_directory(config: Config, override: Path | None) -> Path:
    """`--cache-dir` as given (relative to the working directory), else `cache-dir` from the
    configuration, relative to the project root."""
    if override is not None:
        return override
    configured = Path(config.cache_dir)
    return configured if configured.is_absolute() else config.root / configured


def usable_directory(config: Config, override: Path | None) -> tuple[Path | None, str | None]:
    """The cache directory to use, or None and why not (to be shown once as a warning).

    Refused: a directory that exists but is not ours (no tag of ours, not
    empty), something that is not a directory, and, unless the directory was
    chosen with `cache-dir` or `--cache-dir`, a link that leads out of the
    project.
    """
    directory = cache_directory(config, override)
    explicit = override is not None or config.cache_dir != DEFAULT_CACHE_DIR
    why = None
    real = Path(os.path.realpath(directory))
    real_root = Path(os.path.realpath(config.root))
    if not explicit and real != real_root and real_root not in real.parents:
        why = f"it is a symbolic link to {real}, which is outside the project ({real_root})"
    elif os.path.lexists(directory):
        if not os.path.isdir(directory):
            why = "it is not a directory"
        elif not is_marked(directory) and not _is_empty(directory):
            why = "it exists and was not created by timeoutlint (it has no CACHEDIR.TAG of ours)"
    if why is None:
        return directory, None
    return None, f"not using the cache directory {directory}: {why}; running without the cache"
