"""The passwords each Python file names (`redis_auth.python_passwords`), kept across runs.

`python_passwords` is a pure function of a file's bytes and its relative path, so its answer
can be kept by (relative path, sha256 of the bytes), the digest the scan already has (from the
stat memo for an unchanged file). A warm run then reads and parses none of the files that
mention a password; an edited file has a new digest and is read again. Without a digest (no
cache) nothing is kept.

One file in `<cache-dir>/passwords/`, named by the tool's code key (a new version of the tool
starts empty); it holds only the entries of the last run, so it does not grow. It holds where a
password is configured (variable name, path, line), never a password.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeoutlint.project.redis_auth import ProjectPassword

_Key = tuple[str, bytes]
PASSWORD_MEMO_FILES_KEPT = 2


@dataclass
class PasswordMemo:
    """(relative path, digest) -> the file's `python_passwords`; `used` is what this run asked."""

    path: Path | None = None
    loaded: dict[_Key, tuple[ProjectPassword, ...]] = field(default_factory=dict)
    used: dict[_Key, tuple[ProjectPassword, ...]] = field(default_factory=dict)

    @classmethod
    def open(cls, cache_directory: Path) -> PasswordMemo:
        from timeoutlint.cache import code_key, read_trusted

        name = hashlib.sha256(f"passwords\0{code_key()}".encode()).hexdigest()[:40]
        path = cache_directory / "passwords" / f"{name}.pickle"
        loaded = read_trusted(path)
        return cls(path, loaded if _is_memo(loaded) else {})  # type: ignore[arg-type]

    def get(self, relative: str, digest: bytes) -> tuple[ProjectPassword, ...] | None:
        found = self.loaded.get((relative, digest))
        if found is not None:
            self.used[(relative, digest)] = found
        return found

    def put(self, relative: str, digest: bytes, passwords: tuple[ProjectPassword, ...]) -> None:
        self.used[(relative, digest)] = passwords

    def keep_loaded_except(self, relatives: Collection[str]) -> None:
        """Keep the loaded entries of every file but `relatives` as if this run had asked for
        them: a run over a few files reuses the others' passwords (`context_patch.py`)."""
        for key, found in self.loaded.items():
            if key[0] not in relatives:
                self.used.setdefault(key, found)

    def save(self, cache_directory: Path) -> None:
        """Write this run's entries, only when they differ from what was loaded."""
        from timeoutlint.cache import prune_siblings, write_atomically

        if self.path is None or self.used == self.loaded:
            return
        if write_atomically(cache_directory, self.path, self.used) is None:
            prune_siblings(self.path, keep=PASSWORD_MEMO_FILES_KEPT)


def _is_memo(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, tuple) and len(k) == 2 and isinstance(v, tuple) for k, v in value.items()
    )
