"""The built-in catalog's YAML, parsed once and kept like bytecode.

Importing pyyaml and parsing the rule files is most of what a short run (a
pre-commit hook on a few files) spends outside the analysis. The parsed data
is kept in marshal format in `timeoutlint/__pycache__/`, together with the
sha256 of every rule file's name and bytes: an entry whose digest differs from
the files on disk is never used, and the rules are validated from the data on
every load exactly as from freshly parsed YAML. As for bytecode, nothing is
written when `sys.dont_write_bytecode` is set (PYTHONDONTWRITEBYTECODE), and an
unwritable directory only means that the YAML is parsed on every run.

marshal keeps every type the safe YAML loader produces for a rule file (str,
int, float, bool, None, list, dict, in order) and refuses the others (a YAML
timestamp), which are then simply not cached.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from timeoutlint.limits import CACHE_FILE_LIMIT, read_regular_file

FORMAT = b"timeoutlint-catalog-1"


def _cache_file() -> Path | None:
    tag: str | None = sys.implementation.cache_tag
    if tag is None:
        return None
    return Path(__file__).parent / "__pycache__" / f"catalog.{tag}.marshal"


def content_key(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The digest of the rule files' names and bytes, in order."""
    digest = hashlib.sha256(FORMAT)
    for name, data in files:
        for part in (name.encode("utf-8", "surrogateescape"), data):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.digest()


def read(key: bytes) -> list[Any] | None:
    """The parsed documents stored for exactly these files, or None."""
    path = _cache_file()
    if path is None:
        return None
    try:
        stored = marshal.loads(read_regular_file(path, CACHE_FILE_LIMIT))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (
        isinstance(stored, tuple)
        and len(stored) == 2
        and stored[0] == key
        and isinstance(stored[1], list)
    ):
        return stored[1]
    return None


def write(key: bytes, documents: list[Any]) -> None:
    """Store the parsed documents (best effort: any failure leaves no file behind)."""
    path = _cache_file()
    if path is None or sys.dont_write_bytecode:
        return
    try:
        payload = marshal.dumps((key, documents))
    except ValueError:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(payload)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
