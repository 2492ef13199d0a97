"""One pass over the discovered files before the project context is built.

Per file: the sha256 of its bytes (what the result cache and the Python index
cache are keyed by) and the byte facts the project context uses to choose the
few files it parses (mentions redis, uses long reads, may configure a
password), and whether the engine's prefilter passes the bytes (so the
engine never reads a rejected file again). Files whose stat signature is unchanged since an earlier run come
from the stat memo (`file_memo.py`) and are not read at all; the others are
read in forked workers. The engine then answers unchanged files from the
result cache by these digests, without reading them either.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from timeoutlint.discovery import SourceFile
from timeoutlint.file_memo import FileMemo, Signature, signature
from timeoutlint.parallel import fork_map

if TYPE_CHECKING:
    from timeoutlint.byte_literals import Found, Literals

MEMO_MIN_FILES = 200
"""Below this many files, reading them costs less than loading a project-wide memo (the
pre-commit case); the CLI then does without it."""

MENTIONS_REDIS = 1
READS_LONG = 2
MENTIONS_PASSWORD = 4
PREFILTERED = 8
TRIGGERED = 16
MENTIONS_CLIENT_FACTORY = 32
IMPORTS_CLIENT_LIBRARY = 64
_RUN_ONLY = PREFILTERED | TRIGGERED
"""The prefilter's answer holds for this run's settings only: never recorded in the memo."""


class FileFacts(NamedTuple):
    """What one file's bytes say; `digest` is empty when no cache asked for it."""

    digest: bytes
    flags: int
    triggers: frozenset[bytes] | None = None
    """The prefilter's triggers in these bytes, of those the scan searched (`Scan.searched`),
    when some matched; this run only (never in the memo). The engine takes them instead of
    searching the bytes again (`Engine.triggers_known`)."""

    @property
    def mentions_redis(self) -> bool:
        return bool(self.flags & MENTIONS_REDIS)

    @property
    def reads_long(self) -> bool:
        return bool(self.flags & READS_LONG)

    @property
    def mentions_client_factory(self) -> bool:
        """It imports a network client library and names a built-in constructor
        (`project/client_bytes.py`)."""
        return bool(self.flags & MENTIONS_CLIENT_FACTORY)

    @property
    def imports_client_library(self) -> bool:
        """It may import a network client library (`project/client_bytes.py`)."""
        return bool(self.flags & IMPORTS_CLIENT_LIBRARY)

    @property
    def mentions_password(self) -> bool:
        return bool(self.flags & MENTIONS_PASSWORD)

    @property
    def rejected_by_prefilter(self) -> bool:
        """This run's prefilter read these bytes and no enabled check's trigger is in them."""
        return self.flags & _RUN_ONLY == PREFILTERED


class Triggers(Protocol):
    """What the scan reads of the engine's `Prefilter` (`engine.py`): each file kind's trigger
    literals, searched in the same pass as the byte facts' literals."""

    @property
    def every(self) -> Mapping[str, frozenset[bytes]]: ...


@dataclass(frozen=True)
class ByteFacts:
    """The byte facts of a Python file that the project context chooses its files by.

    `exact` (as written) and `folded` (ignoring ASCII case) are the literals they ask about,
    searched together with the prefilter's triggers (`byte_literals.py`); `flags` gives the
    scan flags (`MENTIONS_REDIS`, `READS_LONG`, `MENTIONS_PASSWORD`) from the bytes and the
    literals found. The project layer builds it (`project/byte_facts.py`) and the scan is
    given it, so that the scan does not import the project context built on it.
    """

    exact: frozenset[bytes]
    folded: frozenset[bytes]
    flags: Callable[[bytes, Found], int]


def facts_of(
    kind: str,
    data: bytes,
    hashed: bool,
    prefilter: Triggers | None = None,
    *,
    byte_facts: ByteFacts,
) -> FileFacts:
    """The digest and flags of one file's bytes. With the engine's `Prefilter`, its triggers and
    the facts' literals are searched together (`byte_literals.py`), each at most once."""
    from timeoutlint.cache import content_digest

    every = prefilter.every.get(kind, frozenset()) if prefilter is not None else frozenset()
    facts = byte_facts if kind == "python" else None
    found = _literals(every, facts).found(data)
    flags = facts.flags(data, found) if facts is not None else 0
    triggers = None
    if prefilter is not None:
        flags |= PREFILTERED
        if not found.exact.isdisjoint(every):
            flags |= TRIGGERED
            triggers = found.exact & every
    return FileFacts(content_digest(data) if hashed else b"", flags, triggers)


_LITERALS: dict[tuple[frozenset[bytes], ByteFacts | None], Literals] = {}


def _literals(triggers: frozenset[bytes], facts: ByteFacts | None) -> Literals:
    """The literals of one file kind's triggers and facts, built on first use (once per run)."""
    key = (triggers, facts)
    literals = _LITERALS.get(key)
    if literals is None:
        from timeoutlint.byte_literals import Literals

        if facts is not None:
            literals = Literals({*triggers, *facts.exact}, facts.folded)
        else:
            literals = Literals(triggers)
        _LITERALS[key] = literals
    return literals


@dataclass
class Scan:
    """The facts of every file that could be read, by `SourceFile.path`."""

    facts: dict[Path, FileFacts] = field(default_factory=dict)
    memo: FileMemo | None = None
    memo_keys: dict[Path, str] = field(default_factory=dict)
    remembered: int = 0
    searched: Mapping[str, frozenset[bytes]] = field(default_factory=dict)
    """Per file kind, the triggers the scan searched each file read for (`FileFacts.triggers`);
    empty without the engine's prefilter."""

    def get(self, source: SourceFile) -> FileFacts | None:
        return self.facts.get(source.path)

    def triggers_found(
        self, source: SourceFile
    ) -> tuple[frozenset[bytes], frozenset[bytes]] | None:
        """The triggers the scan found in the file and those it searched for, when some
        matched (`Engine.triggers_known`); None when the scan did not search it."""
        facts = self.facts.get(source.path)
        searched = self.searched.get(source.kind)
        if facts is None or facts.triggers is None or searched is None:
            return None
        return facts.triggers, searched

    def may_name_password(self, source: SourceFile) -> bool:
        """`FileFacts.mentions_password`; a file the scan could not read may (it is read)."""
        facts = self.facts.get(source.path)
        return facts is None or facts.mentions_password

    def digest_of(self, source: SourceFile) -> bytes:
        """The file's sha256 as the scan read it, empty when unknown."""
        facts = self.facts.get(source.path)
        return facts.digest if facts is not None else b""

    def is_clean(self, source: SourceFile, settings: str) -> bool:
        """Whether an earlier run found that no trigger of `settings` matches these very bytes."""
        facts = self.facts.get(source.path)
        key = self.memo_keys.get(source.path)
        if facts is None or key is None or self.memo is None or not facts.digest:
            return False
        entry = self.memo.entries.get(key)
        return entry is not None and entry[1] == facts.digest and entry[3] == settings

    def mark_clean(self, source: SourceFile, digest: bytes, settings: str) -> None:
        key = self.memo_keys.get(source.path)
        if key is not None and self.memo is not None:
            self.memo.mark_clean(key, digest, settings)

    def save(self) -> str | None:
        return self.memo.save() if self.memo is not None else None


def scan_files(
    files: Sequence[SourceFile],
    memo: FileMemo | None = None,
    jobs: int | None = None,
    hashed: bool = True,
    now_ns: int | None = None,
    prefilter: Triggers | None = None,
    *,
    byte_facts: ByteFacts,
) -> Scan:
    """The facts of `files`; with a memo, unchanged files are not read and the rest is recorded.

    `now_ns` is when the scan started (the racy-timestamp guard compares against it). With the
    engine's `prefilter`, the facts of each file read also say whether it passed, so the engine
    does not read the files it rejects again. `byte_facts` are the Python files' facts the
    project context asks for (`project.byte_facts.PYTHON_BYTE_FACTS`).
    """
    started_ns = time.time_ns() if now_ns is None else now_ns
    scan = Scan(memo=memo, searched=dict(prefilter.every) if prefilter is not None else {})
    signatures: dict[Path, Signature] = {}
    pending: list[SourceFile] = []
    for source in files:
        if memo is None or not hashed:
            pending.append(source)
            continue
        key = os.path.abspath(source.path)
        try:
            sig = signature(os.stat(source.path))
        except OSError:
            pending.append(source)
            continue
        scan.memo_keys[source.path] = key
        entry = memo.lookup(key, sig)
        if entry is not None:
            scan.facts[source.path] = FileFacts(entry[1], entry[2])
            scan.remembered += 1
        else:
            signatures[source.path] = sig
            pending.append(source)

    def read(source: SourceFile) -> FileFacts | None:
        from timeoutlint.limits import read_regular_file

        try:
            data = read_regular_file(source.path)
        except OSError:
            return None
        return facts_of(source.kind, data, hashed, prefilter, byte_facts=byte_facts)

    for source, facts in zip(pending, fork_map(read, pending, jobs), strict=True):
        if facts is None:
            continue
        scan.facts[source.path] = facts
        recorded = signatures.get(source.path)
        if memo is not None and recorded is not None:
            memo.record(
                scan.memo_keys[source.path],
                (recorded, facts.digest, facts.flags & ~_RUN_ONLY, ""),
                started_ns,
            )
    return scan
