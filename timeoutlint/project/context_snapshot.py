"""The project context of an earlier run, reused while nothing it was built from changed.

Since the context is built from the whole project root (`context_files.py`), a pre-commit run
over ten files would otherwise walk, stat and match every file of the project, and rebuild the
Python index, the password evidence and the pins from them, before reading the ten. The
snapshot keeps what that costs: the project context itself and which directories the run's
nested configurations and per-project pins were found in, with the signature they depend on:

- each walked directory's mtime (an entry added, removed or renamed changes it);
- each other entry of those directories (stat: size, mtime, ctime, inode; an edit changes
  one of them), non-Python files (configurations, pins, `.gitignore`) included.

Checking it stats every directory and file, with no pattern matching and no reading. The files
given on the command line are the exception, since a hook is run because they changed: a given
file may differ from the snapshot when it is Python, its bytes had none of the facts the
context is built from (redis, long reads, a password, a client factory) and still have none
(the scan's flags), and it is not `setup.py`. Anything else, or an entry changed too recently
to be told apart from a later edit (`file_memo.old_enough`), rebuilds the context as before.

One entry per key (the code, the configuration, the command line's options and the rules'
client constructors), in `<cache-dir>/context/`, written atomically as the other cache files.

Not in the signature: a file the context reads through a reference that leads out of the walked
directories (a compose `env_file:` or `include:` outside the root or in an excluded directory);
an edit there is seen by the next run over the whole root, or after any change that rebuilds
the context.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.discovery import SourceFile
from timeoutlint.scan import MENTIONS_CLIENT_FACTORY, MENTIONS_PASSWORD, MENTIONS_REDIS, READS_LONG

if TYPE_CHECKING:
    from timeoutlint.config import Config
    from timeoutlint.file_scopes import FileScopes
    from timeoutlint.project import ProjectContext
    from timeoutlint.project.context_patch import ContextInputs
    from timeoutlint.project.dependencies import Dependencies
    from timeoutlint.project.python_index import PythonIndex
    from timeoutlint.project.redis_auth import RedisAuth
    from timeoutlint.scan import Scan

SNAPSHOT_DIRECTORY = "context"
CONTEXT_FLAGS = MENTIONS_REDIS | READS_LONG | MENTIONS_PASSWORD | MENTIONS_CLIENT_FACTORY
"""The scan's flags that make the project context read a Python file (`python_index.py`,
`client_factories.py`, `redis_auth.py`)."""
SNAPSHOT_FILES_KEPT = 8
"""Snapshots and their indexes (two files per key)."""
_CONTEXT_FILE_NAMES = frozenset({"setup.py"})
"""Python files the context reads whatever their bytes say (`dependency_files.py`)."""

Stamp = tuple[int, int, int, int]
"""(st_size, st_mtime_ns, st_ctime_ns, st_ino); (-1, -1, -1, -1) never matches."""
_NEVER: Stamp = (-1, -1, -1, -1)


def _is_signature(value: object) -> bool:
    """A `file_memo.Signature` (the memo is read from disk: anything may be in it)."""
    return type(value) is tuple and len(value) == 5 and all(type(v) is int for v in value)


def _absolute(path: Path | str) -> str:
    """`os.path.abspath`, without its cost for the paths the walk made (absolute already)."""
    text = os.fspath(path)
    if text.startswith("/") and "/." not in text and "//" not in text:
        return text
    return os.path.abspath(text)


def _stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


@dataclass(frozen=True)
class StoredSource:
    """A `SourceFile` as plain strings (the cache's unpickler builds no `Path`)."""

    path: str
    display: str
    relative: str
    kind: str


@dataclass(frozen=True)
class StoredContext:
    """A `ProjectContext` as the cache's unpickler can build it again (no `Path`)."""

    root: str
    dependencies: Dependencies
    python_index: PythonIndex | None
    """None in the snapshot's own file: the index is stored apart (`save`, `restored`)."""
    redis_auth: RedisAuth
    compose_and_env: tuple[StoredSource, ...]
    requires_python: str | None
    fingerprint: str


@dataclass(frozen=True)
class ContextSnapshot:
    directories: tuple[tuple[str, int], ...]
    """Each walked directory and its st_mtime_ns (-1: changed too recently to trust)."""
    files: dict[str, Stamp]
    """Every entry of those directories that is not a directory, by absolute path."""
    relevant: frozenset[str]
    """The files whose bytes the context may have used (a given file among them that changed
    rebuilds the context)."""
    scope_directories: tuple[str, ...]
    """The directories of the nested configurations and per-project pins: looking them up
    gives the scopes a full lookup of every directory gives."""
    context: StoredContext
    inputs: ContextInputs | None = None
    """What the context's Python-dependent parts were built from (`context_patch.py`)."""
    cwd: str = ""
    """The working directory of the run that built it: the walk's order, which the client
    passwords follow, is by display name, which is relative to it."""


def snapshot_key(config: Config, options: object, constructors: Iterable[str]) -> str:
    """What shapes the context besides the files: the code, the configuration (with the
    command line's options applied), those options (applied to nested configurations too)
    and the rules' client constructors."""
    from timeoutlint.cache import code_key

    digest = hashlib.sha256(b"context-snapshot\0")
    for part in (code_key(), repr(config), repr(options), ",".join(sorted(constructors))):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def snapshot_file(cache_directory: Path, key: str) -> Path:
    return cache_directory / SNAPSHOT_DIRECTORY / f"{key[:40]}.pickle"


def _index_file(cache_directory: Path, fingerprint: str) -> Path:
    """The index of a context of this fingerprint (which digests the index)."""
    name = hashlib.sha256(f"context-index\0{fingerprint}".encode()).hexdigest()
    return cache_directory / SNAPSHOT_DIRECTORY / f"{name[:40]}.pickle"


def load(cache_directory: Path, key: str) -> ContextSnapshot | None:
    """The snapshot of `key`, without its Python index (`restored` reads it)."""
    from timeoutlint.cache import read_trusted

    loaded = read_trusted(snapshot_file(cache_directory, key))
    return loaded if isinstance(loaded, ContextSnapshot) else None


def changed_files(snapshot: ContextSnapshot) -> list[str] | None:
    """The files whose stamp differs from the snapshot's; None when a directory changed (or
    a file is gone), which no given file can excuse."""
    for directory, mtime in snapshot.directories:
        try:
            if os.stat(directory).st_mtime_ns != mtime:
                return None
        except OSError:
            return None
    changed = []
    for path, recorded in snapshot.files.items():
        try:
            info = os.stat(path)
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) != recorded:
            changed.append(path)
    return changed


def serves_this_run(snapshot: ContextSnapshot) -> bool:
    """Whether the snapshot's context can serve this run, whichever files it is given: not
    from another working directory (the context names files by display path, relative to
    it), nor when a module name is given by two files (`IndexCandidates.contested`), since
    the index then means the one the run lists last, and a run lists its given files first."""
    inputs = snapshot.inputs
    return inputs is not None and not inputs.candidates.contested and snapshot.cwd == os.getcwd()


def given_excused(
    snapshot: ContextSnapshot,
    changed: Sequence[str],
    given: Sequence[SourceFile],
    scan: Scan,
) -> bool:
    """Whether every difference is a given file that the context never read and still would
    not read (see the module docstring); a given file unknown to the snapshot (outside the
    root) must pass the same test."""
    by_path = {os.path.abspath(source.path): source for source in given}
    unknown = [path for path in by_path if path not in snapshot.files]
    for path in (*changed, *unknown):
        source = by_path.get(path)
        if source is None or source.kind != "python" or path in snapshot.relevant:
            return False
        if os.path.basename(path) in _CONTEXT_FILE_NAMES:
            return False
        facts = scan.get(source)
        if facts is None or facts.flags & CONTEXT_FLAGS:
            return False
    return True


def restored(
    snapshot: ContextSnapshot, cache_directory: Path, given: Sequence[SourceFile] = ()
) -> ProjectContext | None:
    """The snapshot's project context, as the run that built it had it (with its client
    passwords in the order a run over `given` lists them); its Python index is kept in a file
    of its own, by the context's fingerprint, read only once the snapshot is known to hold
    (and not written again with a snapshot refreshed for the same context). None when that
    file is gone."""
    from timeoutlint.cache import read_trusted
    from timeoutlint.project.python_index import PythonIndex

    stored = snapshot.context
    index = stored.python_index
    if index is None:
        kept = read_trusted(_index_file(cache_directory, stored.fingerprint))
        if not isinstance(kept, PythonIndex):
            return None
        index = kept
    project = replace(_context(stored, index), from_snapshot=True, inputs=snapshot.inputs)
    if snapshot.inputs is not None and given:
        from timeoutlint.project.context_patch import in_run_order

        parts = in_run_order(snapshot.inputs.password_parts, given)
        auth = project.redis_auth.with_passwords(parts)
        if auth != project.redis_auth:  # the given files' passwords come first in a run
            project = replace(project, redis_auth=auth, known_fingerprint=None)
            project = replace(project, known_fingerprint=project.fingerprint())
    return project


def patched(
    snapshot: ContextSnapshot,
    changed: Sequence[str],
    given: Sequence[SourceFile],
    scan: Scan,
    config: Config,
    cache_directory: Path,
    write_cache: bool,
    jobs: int | None,
) -> ProjectContext | None:
    """The snapshot's context rebuilt for the given files that `changed` (`context_patch.py`),
    when they alone differ from it and are Python files other than `setup.py` that this
    snapshot knows (walked, so no file is new); else None (the full path). The caller has
    asked `serves_this_run`."""
    from timeoutlint.project.context_patch import patched_context

    inputs = snapshot.inputs
    if inputs is None:
        return None
    by_path = {os.path.abspath(source.path): source for source in given}
    if any(path not in snapshot.files for path in by_path):
        return None
    edited = []
    for path in changed:
        source = by_path.get(path)
        if source is None or source.kind != "python" or scan.get(source) is None:
            return None
        if os.path.basename(path) in _CONTEXT_FILE_NAMES:
            return None
        edited.append(source)
    base = _context(snapshot.context, None)
    return patched_context(
        base, inputs, edited, given, scan, config, cache_directory, write_cache, jobs
    )


def _context(stored: StoredContext, index: PythonIndex | None) -> ProjectContext:
    from timeoutlint.project import ProjectContext
    from timeoutlint.project.python_index import PythonIndex

    return ProjectContext(
        root=Path(stored.root),
        dependencies=stored.dependencies,
        python_index=index if index is not None else PythonIndex(),
        redis_auth=stored.redis_auth,
        compose_and_env=tuple(
            SourceFile(Path(s.path), s.display, s.relative, s.kind) for s in stored.compose_and_env
        ),
        requires_python=stored.requires_python,
        known_fingerprint=stored.fingerprint,
    )


def build(
    project: ProjectContext,
    in_context: Sequence[SourceFile],
    directories: Iterable[str],
    scan: Scan,
    scopes: FileScopes,
    started_ns: int,
) -> ContextSnapshot:
    """The snapshot of a context built now from `in_context`, walked in `directories`.

    `started_ns` is when the walk started: an entry changed less than the racy margin before
    it is recorded as never matching, since an edit within the same tick would not show."""
    from timeoutlint.file_memo import old_enough

    walked: list[tuple[str, int]] = []
    files: dict[str, Stamp] = {}
    # The stat memo's signatures of the files this run scanned, taken by the scan: one is
    # stale only when the file changed during the run (or too recently to be recorded), and
    # then it does not match next time, which rebuilds the context.
    paths = [_absolute(source.path) for source in in_context]
    memo: dict[str, tuple[int, int, int, int, int]] = {}
    if scan.memo is not None:
        memo_entries = scan.memo.entries
        for path in paths:
            remembered = memo_entries.get(path)
            if type(remembered) is tuple and remembered and _is_signature(remembered[0]):
                memo[path] = remembered[0]
    for directory in sorted(set(directories)):
        try:
            info = os.stat(directory)
            with os.scandir(directory) as iterator:
                entries = list(iterator)
        except OSError:
            continue
        trusted = old_enough((0, 0, 0, info.st_mtime_ns, info.st_ctime_ns), started_ns)
        walked.append((directory, info.st_mtime_ns if trusted else -1))
        for found in entries:
            sig = memo.get(found.path)
            if sig is not None:  # stat'ed by this run's scan
                files[found.path] = (
                    (sig[2], sig[3], sig[4], sig[1]) if old_enough(sig, started_ns) else _NEVER
                )
                continue
            try:
                if found.is_dir(follow_symlinks=False):
                    continue
                entry = os.stat(found.path)
            except OSError:
                files[found.path] = _NEVER
                continue
            if stat.S_ISDIR(entry.st_mode):  # a link to a directory: the walk does not follow it
                continue
            sig = (0, 0, 0, entry.st_mtime_ns, entry.st_ctime_ns)
            files[found.path] = _stamp(entry) if old_enough(sig, started_ns) else _NEVER
    root_text = scopes.tree.root_text
    pin_files = [*project.dependencies.pin_files]
    for _, own in scopes.pins.projects():
        pin_files.extend(own.pin_files)
    for pin_file in pin_files:  # a requirements file may include one outside the walk
        path = os.path.normpath(os.path.join(root_text, pin_file))
        if path not in files:
            try:
                files[path] = _stamp(os.stat(path))
            except OSError:
                files[path] = _NEVER
    relevant = set()
    for source, path in zip(in_context, paths, strict=True):
        facts = scan.get(source)
        if source.kind != "python" or facts is None or facts.flags & CONTEXT_FLAGS:
            relevant.add(path)
    return ContextSnapshot(
        tuple(walked),
        files,
        frozenset(relevant),
        _scope_directories(scopes),
        _stored(project),
        project.inputs,
        os.getcwd(),
    )


def refreshed(
    snapshot: ContextSnapshot,
    given: Sequence[SourceFile],
    project: ProjectContext,
    scan: Scan,
    scopes: FileScopes,
    started_ns: int,
) -> ContextSnapshot:
    """`snapshot` brought up to date when only given files differed from it (so the context
    was built again for them): their stamps and facts are taken again, nothing else is stat'ed
    (a file changed elsewhere meanwhile keeps its old stamp, which no longer matches)."""
    from timeoutlint.file_memo import old_enough

    files = dict(snapshot.files)
    relevant = set(snapshot.relevant)
    for source in given:
        path = os.path.abspath(source.path)
        if path not in files:
            continue
        try:
            info = os.stat(path)
        except OSError:
            files[path] = _NEVER
            continue
        sig = (0, 0, 0, info.st_mtime_ns, info.st_ctime_ns)
        files[path] = _stamp(info) if old_enough(sig, started_ns) else _NEVER
        facts = scan.get(source)
        if source.kind != "python" or facts is None or facts.flags & CONTEXT_FLAGS:
            relevant.add(path)
        else:
            relevant.discard(path)
    return replace(
        snapshot,
        files=files,
        relevant=frozenset(relevant),
        scope_directories=_scope_directories(scopes),
        context=_stored(project),
        inputs=project.inputs,
        cwd=os.getcwd(),
    )


def _scope_directories(scopes: FileScopes) -> tuple[str, ...]:
    found = {str(config.root) for config in scopes.tree.nested()}
    root_text = scopes.tree.root_text
    found.update(
        os.path.normpath(os.path.join(root_text, relative))
        for relative, _ in scopes.pins.projects()
    )
    return tuple(sorted(found))


def _stored(project: ProjectContext) -> StoredContext:
    return StoredContext(
        str(project.root),
        project.dependencies,
        replace(project.python_index, parsed=0),
        project.redis_auth,
        tuple(
            StoredSource(str(s.path), s.display, s.relative, s.kind)
            for s in project.compose_and_env
        ),
        project.requires_python,
        project.fingerprint(),
    )


def save(cache_directory: Path, key: str, snapshot: ContextSnapshot) -> str | None:
    """Write the snapshot atomically; returns why it could not, or None."""
    from timeoutlint.cache import prune_siblings, write_atomically

    index_path = _index_file(cache_directory, snapshot.context.fingerprint)
    try:
        os.utime(index_path)  # kept, and the newest for the pruning
    except OSError:
        problem = write_atomically(cache_directory, index_path, snapshot.context.python_index)
        if problem is not None:
            return problem
    path = snapshot_file(cache_directory, key)
    apart = replace(snapshot, context=replace(snapshot.context, python_index=None))
    problem = write_atomically(cache_directory, path, apart)
    if problem is None:
        prune_siblings(path, keep=SNAPSHOT_FILES_KEPT)
    return problem
