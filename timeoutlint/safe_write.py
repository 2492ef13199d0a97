"""Every file timeoutlint writes goes through `write_file`: fixed sources, `# noqa` comments,
reports, baselines and cache files.

What it guarantees, and why:

- Never through a symbolic link out of the root (the project, or the cache
  directory for cache files): a link committed to a repository must not let a
  run rewrite a file elsewhere on the machine. A path that contains no link is
  written where it is: the user named it. A device or FIFO (`-o /dev/stdout`)
  is written as a stream; it is not a file that a rename could replace.
- Never a file the user cannot write: a file without its owner's write bit is
  read-only whoever runs the tool, root included (root may write anything, so
  the permission check alone would not stop it); a file `os.access` says is
  not writable is refused too. A temp file plus a rename would otherwise
  replace it silently.
- Never over an edit made since the file was read: with `expected` (the size,
  mtime and sha256 of the bytes that were analysed), a file that no longer
  matches is left alone. The check and the rename are a few system calls
  apart; an editor saving in exactly that window still wins the rename race
  only as it would against any other writer.
- Atomically where that keeps the file what it was: a temp file in the same
  directory, flushed, given the original's mode and owner, renamed over it.
  A file with several hard links, or whose owner or group this user cannot
  give the temp file, is instead written in place (as editors do), so that
  the links and the owner survive. Termination signals are held back during
  the write, so an interrupted run leaves each file old or new.
- Temp files left by a run killed with SIGKILL are removed by the next write
  of the same file: only names of our own pattern, next to that file, and
  only those older than this run.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import signal
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEMPORARY_SUFFIX = ".timeoutlint-tmp"
_TEMPORARY_NAME = re.compile(
    r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}" + re.escape(TEMPORARY_SUFFIX) + r"$", re.DOTALL
)
_NAME_BYTES_KEPT = 200
"""A temp file's name holds at most this many bytes of the target's name (NAME_MAX is 255)."""
_STARTED_NS = time.time_ns()
"""When this run started writing: temp files older than this are left over from earlier runs."""
_HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class WriteRefused(OSError):
    """The file was not written; the message says why (shown after "not written: ")."""

    def __str__(self) -> str:
        return str(self.strerror)


class FileChanged(WriteRefused):
    """The file is no longer the one that was read: someone edited it in the meantime."""


@dataclass(frozen=True)
class FileState:
    """What a file was when it was read: size, modification time and the digest of its bytes."""

    size: int
    mtime_ns: int
    digest: bytes

    @classmethod
    def of(cls, info: os.stat_result, data: bytes) -> FileState:
        return cls(info.st_size, info.st_mtime_ns, hashlib.sha256(data).digest())


def read_with_state(path: Path) -> tuple[bytes, FileState]:
    """A regular file's bytes and its state, taken before the read.

    A change during the read then shows as a later mtime at write time, so
    the error is always on the side of not writing.
    """
    from timeoutlint.limits import read_regular_file

    info = os.stat(path)
    data = read_regular_file(path)
    return data, FileState.of(info, data)


def describe_write_error(exc: OSError) -> str:
    """Why a file was not written, in the words shown after "not written: "."""
    if isinstance(exc, WriteRefused):
        return str(exc)
    from timeoutlint.limits import describe_os_error

    return describe_os_error(exc)


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def resolve_target(path: Path, root: Path | None) -> Path:
    """The file that writing `path` would change, refusing links that lead out of `root`."""
    literal = Path(os.path.abspath(path))
    target = Path(os.path.realpath(path))
    if target == literal or root is None:
        return target
    real_root = Path(os.path.realpath(root))
    if not _inside(target, real_root):
        raise WriteRefused(
            errno.EPERM,
            f"it is a symbolic link to {target}, which is outside the project ({real_root})",
        )
    return target


def _read_only_reason(target: Path, info: os.stat_result) -> str | None:
    if not info.st_mode & stat.S_IWUSR:
        return "permission denied (the file is read-only)"
    if not os.access(target, os.W_OK):
        return "permission denied"
    return None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT/SIGTERM/SIGHUP until the block is done (POSIX)."""
    if not hasattr(signal, "pthread_sigmask") or not _HELD_SIGNALS:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_directory(directory: Path) -> None:
    """Make a rename durable; not every platform can open a directory."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _temporary_stem(name: str) -> str:
    return os.fsdecode(os.fsencode(name)[:_NAME_BYTES_KEPT])


_STALE: dict[Path, dict[str, list[str]]] = {}
"""Per directory written in this run: the temp files in it older than the run, by the name of
the file they were for. A directory is listed once, however many of its files are written."""


def _stale_temporaries(directory: Path) -> dict[str, list[str]]:
    found = _STALE.get(directory)
    if found is not None:
        return found
    found = {}
    try:
        entries = list(os.scandir(directory))
    except OSError:
        entries = []
    for entry in entries:
        match = _TEMPORARY_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < _STARTED_NS:
            found.setdefault(match.group("name"), []).append(entry.name)
    _STALE[directory] = found
    return found


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temp files of `target` (our name pattern, same directory) older than this run."""
    removed = []
    for name in _stale_temporaries(target.parent).pop(_temporary_stem(target.name), []):
        candidate = target.parent / name
        try:
            info = os.lstat(candidate)
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < _STARTED_NS:
                os.unlink(candidate)
                removed.append(candidate)
        except OSError:
            continue
    return removed


def _create_temporary(target: Path, mode: int) -> tuple[int, Path]:
    stem = _temporary_stem(target.name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    for _ in range(100):
        candidate = target.parent / f".{stem}.{os.urandom(4).hex()}{TEMPORARY_SUFFIX}"
        try:
            return os.open(candidate, flags, mode), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(target.parent))


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _can_keep_owner(info: os.stat_result) -> bool:
    """Whether a new file of ours can be given this file's owner and group."""
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return True
    if info.st_uid != os.geteuid():
        return False
    return info.st_gid == os.getegid() or info.st_gid in os.getgroups()


def _replace(target: Path, data: bytes, info: os.stat_result | None) -> None:
    """Temp file + fsync + rename; the original's mode and owner, or the umask's mode if new."""
    descriptor, temporary = _create_temporary(target, 0o666 if info is None else 0o600)
    try:
        try:
            _write_all(descriptor, data)
            os.fsync(descriptor)
            if info is not None:
                if hasattr(os, "fchown") and (info.st_uid, info.st_gid) != _owner(descriptor):
                    os.fchown(descriptor, info.st_uid, info.st_gid)
                os.fchmod(descriptor, stat.S_IMODE(info.st_mode))
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(target.parent)


def _owner(descriptor: int) -> tuple[int, int]:
    info = os.fstat(descriptor)
    return info.st_uid, info.st_gid


def _overwrite(target: Path, data: bytes, info: os.stat_result) -> None:
    """Write into the existing inode: its hard links, owner and mode stay as they are."""
    descriptor = os.open(target, os.O_WRONLY | _NOFOLLOW | _CLOEXEC | _BINARY)
    try:
        now = os.fstat(descriptor)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise FileChanged(errno.EAGAIN, "it was replaced while it was being written")
        _write_all(descriptor, data)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read_current(target: Path) -> tuple[bytes, os.stat_result]:
    descriptor = os.open(target, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY | os.O_NONBLOCK)
    try:
        info = os.fstat(descriptor)
        chunks: list[bytes] = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(descriptor)


def _write_stream(path: Path, data: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(data)


def write_file(
    path: Path,
    data: bytes,
    root: Path | None,
    expected: FileState | None = None,
    *,
    create: bool = False,
) -> bool:
    """Make `path` hold `data`; False (and nothing touched) when it already does.

    `root`: links may lead only inside it (None: no link check). `expected`:
    the state the file had when it was read; it must still have it.
    `create`: the file may be new (a report, a baseline, a cache file); its
    directory is created too, as ruff does for its output file.
    Raises `WriteRefused` (or another `OSError`) when it is not written.
    """
    try:
        followed = os.stat(path)
    except FileNotFoundError:
        followed = None
    if create and followed is not None and not stat.S_ISREG(followed.st_mode):
        if stat.S_ISDIR(followed.st_mode):
            raise WriteRefused(errno.EISDIR, "is a directory")
        _write_stream(path, data)
        return True
    target = resolve_target(path, root)
    if followed is None:
        if not create:
            raise WriteRefused(errno.ENOENT, "it was deleted after it was read")
        target.parent.mkdir(parents=True, exist_ok=True)
        with _signals_held():
            remove_stale_temporaries(target)
            _replace(target, data, None)
        return True
    if not stat.S_ISREG(followed.st_mode):
        raise WriteRefused(errno.EINVAL, "not a regular file")
    current, info = _read_current(target)
    if current == data:
        return False
    reason = _read_only_reason(target, info)
    if reason is not None:
        raise WriteRefused(errno.EACCES, reason)
    if expected is not None and FileState.of(info, current) != expected:
        raise FileChanged(
            errno.EAGAIN, "it changed on disk after it was read (run the command again)"
        )
    with _signals_held():
        remove_stale_temporaries(target)
        if info.st_nlink > 1 or not _can_keep_owner(info):
            _overwrite(target, data, info)
        else:
            _replace(target, data, info)
    return True
