"""The Python index's per-module results, kept across runs so that an edit re-parses only
what it can change.

The whole index is cached under one key over every candidate module (`python_index.build`);
a pre-commit run is started because files changed, and when one of them is a module the index
reads, that key misses. This memo keeps what each module gave the last run, with what it
depended on, so that the next build parses only the modules whose result may differ:

- a module's network clients (`client_factories.module_clients`) depend on the module alone:
  its path, name, import names, bytes (sha256 from the scan) and the rules' constructors;
- a module's Redis summary may use other modules' summaries (the builder's lazy lookups). Its
  entry lists every module its build consulted, directly or through their own lookups, with
  their keys, the name table's entries for every import name those lookups asked for (a new
  candidate importable by that name changes what the lookup finds), and the settings modules
  when a `django.conf.settings.X` lookup was made. It is reused only when all of these are
  the same now. A summary whose build met a module still in progress (an import cycle, where
  the walk order decides which name ends as unknown) is never kept.

Such a reused summary is what a build from scratch gives: the build it comes from consulted
only the listed modules, which are unchanged, through lookups that find the same modules, and
met no cycle, so it did not depend on where the walk entered it.

One file in `<cache-dir>/index-modules/`, named by the tool's code key (a new version of the
tool starts empty). It holds the entries of the last run only (one per candidate module), so it
does not grow with edits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeoutlint.project.client_factories import ExportedClient
    from timeoutlint.redis.model import Exported, Location

MEMO_DIRECTORY = "index-modules"
INDEX_MEMO_FILES_KEPT = 2

CandidateKey = tuple[str, str, bool, bytes, tuple[str, ...], bool]
"""(path, display, is_package, sha256, import names, reads long): everything of a candidate
module its summary can depend on, besides its module name."""


@dataclass(frozen=True)
class SummaryEntry:
    """One module's Redis summary (None: it could not be parsed) and what it depended on."""

    modules: tuple[tuple[str, CandidateKey], ...]
    """The module itself and every module its build consulted, directly or transitively."""
    names: tuple[tuple[str, tuple[str, ...]], ...]
    """Each import name those builds looked up -> the name table's modules for it (sorted)."""
    settings: tuple[str, ...] | None
    """The settings modules (sorted) when a `django.conf.settings.X` lookup was made."""
    exports: dict[str, Exported] | None
    long_read_clients: frozenset[Location]


@dataclass(frozen=True)
class ClientEntry:
    key: tuple[str, bool, tuple[str, ...], bytes, tuple[str, ...]]
    """(path, is_package, import names, sha256, constructors)."""
    clients: dict[str, ExportedClient]


@dataclass
class IndexMemo:
    """module name -> its entries as loaded, and as used or made by this run."""

    path: Path | None = None
    summaries: dict[str, SummaryEntry] = field(default_factory=dict)
    clients: dict[str, ClientEntry] = field(default_factory=dict)
    used_summaries: dict[str, SummaryEntry] = field(default_factory=dict)
    used_clients: dict[str, ClientEntry] = field(default_factory=dict)

    @classmethod
    def open(cls, cache_directory: Path) -> IndexMemo:
        from timeoutlint.cache import code_key, read_trusted

        name = hashlib.sha256(f"index-modules\0{code_key()}".encode()).hexdigest()[:40]
        path = cache_directory / MEMO_DIRECTORY / f"{name}.pickle"
        loaded = read_trusted(path)
        summaries: dict[str, SummaryEntry] = {}
        clients: dict[str, ClientEntry] = {}
        if isinstance(loaded, tuple) and len(loaded) == 2:
            summaries = _entries(loaded[0], SummaryEntry)
            clients = _entries(loaded[1], ClientEntry)
        return cls(path, summaries, clients)

    def save(self, cache_directory: Path) -> None:
        """Write this run's entries, only when they differ from what was loaded."""
        from timeoutlint.cache import prune_siblings, write_atomically

        if self.path is None:
            return
        if self.used_summaries == self.summaries and self.used_clients == self.clients:
            return
        value = (_shared_keys(self.used_summaries), self.used_clients)
        if write_atomically(cache_directory, self.path, value) is None:
            prune_siblings(self.path, keep=INDEX_MEMO_FILES_KEPT)


def _shared_keys(summaries: dict[str, SummaryEntry]) -> dict[str, SummaryEntry]:
    """The entries with one object per (module, key), so the file holds each once (a popular
    module is in the closure of many summaries; pickle writes an object it saw as a reference)."""
    shared: dict[tuple[str, CandidateKey], tuple[str, CandidateKey]] = {}
    return {
        name: replace(entry, modules=tuple(shared.setdefault(m, m) for m in entry.modules))
        for name, entry in summaries.items()
    }


def _entries(value: object, kind: type) -> dict:  # type: ignore[type-arg]
    """The entries of `kind` in a loaded dict (the file is read from disk: anything may be in it)."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, kind)}
