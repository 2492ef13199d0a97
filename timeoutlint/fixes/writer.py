"""Writing a fixed file: atomically, with its mode kept, and only when it changed."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` via a temp file in the same directory and a rename.

    Returns False (and touches nothing) when the content is already `data`.
    A reader sees either the old file or the new one, never a half-written one.
    """
    target = Path(os.path.realpath(path))
    current = target.read_bytes()
    if current == data:
        return False
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".timeoutlint-tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True
