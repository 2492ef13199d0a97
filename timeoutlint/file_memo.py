"""A stat-validated memo of per-file facts, like git's index or ruff's cache.

Per path it remembers the file's stat signature (device, inode, size, mtime,
ctime, in nanoseconds), the sha256 of its bytes, the byte facts computed from
them (`scan.FileFacts`) and, per result-cache settings key, whether no check's
trigger matched them. A later run trusts an entry only while the signature is
the same, so an unchanged file is neither read nor hashed.

The racy case (git's "racily clean" entries): a file changed twice within one
timestamp tick keeps its signature. An entry is therefore recorded only when
both timestamps are older than the moment the scan started minus
`RACY_MARGIN_NS` (longer than any filesystem's granularity, FAT's 2 s
included): a later write then gets a later timestamp. A file written just
before the run is read again next time, until it is old enough to be trusted.
ctime is part of the signature because nothing but the kernel can set it: a
tool that restores an edited file's mtime still changes its ctime.

The memo is a speed-up only. The result cache (`cache.py`) stays the source
of truth: findings are found there by the content digest.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

RACY_MARGIN_NS = 3_000_000_000
MEMO_DIRECTORY = "files"

Signature = tuple[int, int, int, int, int]
"""(st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns)."""

Entry = tuple[Signature, bytes, int, str]
"""(signature, sha256 of the bytes, byte-fact flags, settings key under which no trigger matched
or "")."""


def signature(info: os.stat_result) -> Signature:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def old_enough(sig: Signature, started_ns: int) -> bool:
    """Whether a later change of the file is certain to change its signature."""
    return max(sig[3], sig[4]) < started_ns - RACY_MARGIN_NS


def memo_file(cache_directory: Path) -> Path:
    """One memo per version of the code: the facts are computed by it."""
    from timeoutlint.cache import code_key

    name = hashlib.sha256(f"file-memo\0{code_key()}".encode("utf-8", "surrogateescape"))
    return cache_directory / MEMO_DIRECTORY / f"{name.hexdigest()[:40]}.pickle"


@dataclass
class FileMemo:
    """Entries by absolute path; loaded once, written back once when something changed."""

    cache_directory: Path
    file: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, cache_directory: Path) -> FileMemo:
        memo = cls(cache_directory, memo_file(cache_directory))
        memo.entries = _load(memo.file)
        return memo

    def lookup(self, key: str, sig: Signature) -> Entry | None:
        """The entry for `key` if the file still has signature `sig` (checked here, not at load:
        a run usually looks up only some of the entries)."""
        entry = self.entries.get(key)
        if entry is not None and _well_formed(entry) and entry[0] == sig:
            return entry
        return None

    def record(self, key: str, entry: Entry, started_ns: int) -> None:
        """Remember `entry` if its timestamps are old enough to be trusted next time."""
        if old_enough(entry[0], started_ns) and self.entries.get(key) != entry:
            self.entries[key] = entry
            self.changed = True

    def mark_clean(self, key: str, digest: bytes, settings: str) -> None:
        """No trigger of `settings` matches the bytes this entry's digest names."""
        entry = self.entries.get(key)
        if entry is not None and entry[1] == digest and entry[3] != settings:
            self.entries[key] = (entry[0], entry[1], entry[2], settings)
            self.changed = True

    def save(self) -> str | None:
        """Write the memo back (and drop memos of other code versions); why not, or None."""
        if not self.changed:
            return None
        from timeoutlint.cache import prune_siblings, write_atomically

        problem = write_atomically(self.cache_directory, self.file, self.entries)
        if problem is None:
            self.changed = False
            prune_siblings(self.file, keep=1)
        return problem


def _load(path: Path) -> dict[str, Entry]:
    from timeoutlint.cache import read_trusted

    loaded = read_trusted(path)
    if not isinstance(loaded, dict):
        return {}
    return loaded


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 4
        and isinstance(entry[1], bytes)
        and isinstance(entry[2], int)
        and isinstance(entry[3], str)
    )
