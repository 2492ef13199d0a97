"""Writing a fixed file: atomically, with its mode kept, only when it changed, never out of the project.

The new content goes to a temporary file in the target's directory, is
flushed to disk, gets the original's permissions (and owner, where allowed)
and replaces the original by a rename. Termination signals are held back
while that happens, so a fix interrupted by Ctrl-C or SIGTERM leaves each
file either entirely old or entirely new, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMPORARY_SUFFIX = ".timeoutlint-tmp"
_HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class UnsafeWriteError(OSError):
    """Writing would follow a symbolic link to a file outside the project."""


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def resolve_target(path: Path, root: Path | None) -> Path:
    """The file that writing `path` would change, refusing links that lead out of `root`.

    A path that is not a link (in any component) is written where it is,
    wherever that is: the user named it. A link is followed only to a file
    inside the project root.
    """
    literal = Path(os.path.abspath(path))
    target = Path(os.path.realpath(path))
    if target == literal or root is None:
        return target
    real_root = Path(os.path.realpath(root))
    if not _inside(target, real_root):
        raise UnsafeWriteError(
            f"not written: it is a symbolic link to {target}, which is outside the project"
            f" ({real_root})"
        )
    return target


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT/SIGTERM/SIGHUP until the block is done (POSIX, main thread only)."""
    if not hasattr(signal, "pthread_sigmask") or not _HELD_SIGNALS:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> bool:
    """Replace `path` with `data` via a temp file in the same directory and a rename.

    Returns False (and touches nothing) when the content is already `data`.
    A reader sees either the old file or the new one, never a half-written one.
    Raises `UnsafeWriteError` when `path` is a link that leads out of `root`.
    """
    target = resolve_target(path, root)
    current = target.read_bytes()
    if current == data:
        return False
    info = target.stat()
    with _signals_held():
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX, dir=target.parent
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
                with contextlib.suppress(OSError):
                    os.chown(temporary, info.st_uid, info.st_gid)
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_directory(target.parent)
    return True


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid
