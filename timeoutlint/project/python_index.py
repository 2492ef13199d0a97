"""Module-level bindings of the project's Redis-related modules, for cross-module resolution.

A project often builds its client in one module (`app/infra/queue/connection.py`)
and uses it in another (`worker.py`); per-file analysis alone cannot see the client's settings. The
index, computed once per run, summarises what each relevant module binds at
module level as plain data (see `redis_model.Exported`): a constant, an alias
of another qualified name, a Redis object, or a function returning one. A class
that extends an rq worker or queue (`class MyWorker(Worker)`) is exported as an
alias of the rq class: for the Redis rules it uses its connection as that class
does.
Per-file analysis stays a pure function of (bytes, config, project context).

Only modules whose bytes mention "redis" or "valkey" (any case; `vocabulary.CLIENT_MENTIONS`) are indexed, plus those
that use pub/sub, blocking commands or RQ (possibly on an imported client): a
module that never says redis cannot build a client, and a settings module
holding `REDIS_SOCKET_TIMEOUT = 600` names it. The index also records which
clients serve pub/sub, blocking commands or RQ anywhere, so that no rule
suggests a finite `socket_timeout` for them. Summaries are built lazily so one
module's summary can use another's (a client in `connection.py` whose timeout
is a constant of `settings.py`); cycles end as "unknown".

Modules are keyed by their path names (`backend/app/queue.py` -> `backend.app.queue`);
a lookup matches a module only by a name Python could import it by
(`source_roots.import_names`: `app.queue` when `backend/` is outside every
package, never `queue` inside the package `app`), so a project module
`app/state/redis.py` never stands for the `redis` library.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.discovery import SourceFile
from timeoutlint.limits import parses_within_bounds, read_regular_file
from timeoutlint.parallel import fork_map
from timeoutlint.project.client_bytes import covers, library_module
from timeoutlint.project.client_factories import (
    ExportedClient,
    builtin_constructors,
    module_clients,
)
from timeoutlint.project.index_memo import CandidateKey, ClientEntry, IndexMemo, SummaryEntry
from timeoutlint.project.source_roots import PackageDirectories, import_names, name_table
from timeoutlint.python.model import Binding, PythonModule
from timeoutlint.python.source import SourceDecodeError, decode_python
from timeoutlint.python.values import Constant, LocalFunction, QualifiedName
from timeoutlint.redis.model import (
    Exported,
    ExportedAlias,
    ExportedConstant,
    ExportedFactory,
    ExportedObject,
    Location,
    RedisModel,
    long_read_clients,
    returned_object,
    rq_class,
)
from timeoutlint.redis.vocabulary import CLIENT_MENTIONS, LONG_READ_MENTIONS, RQ_MENTIONS

if TYPE_CHECKING:
    from timeoutlint.scan import Scan

_MENTIONS = CLIENT_MENTIONS
_SETTINGS_PREFIX = "django.conf.settings."


# Uses that need `socket_timeout=None`, possibly of a client imported from another module.
_LONG_READ_MENTIONS = LONG_READ_MENTIONS
_RQ_MENTIONS = RQ_MENTIONS
LONG_READ_LITERALS = frozenset((*_LONG_READ_MENTIONS, *_RQ_MENTIONS))
"""Every literal `mentions_long_reads` looks for (the scan searches them with its triggers)."""
MENTIONS = _MENTIONS
"""What `mentions_redis` looks for in the lowered bytes (the scan searches them case-folded)."""


def mentions_long_reads(data: bytes) -> bool:
    """Whether a module may use a client for pub/sub, blocking commands or RQ."""
    return any(m in data for m in _LONG_READ_MENTIONS) or any(m in data for m in _RQ_MENTIONS)


def mentions_redis(data: bytes) -> bool:
    """Whether a module may build, configure or use a Redis client."""
    lowered = data.lower()
    return any(m in lowered for m in _MENTIONS) or mentions_long_reads(data)


@dataclass(frozen=True)
class PythonIndex:
    """module name -> {exported name -> summary}; `names`: import name -> the modules it can
    mean (`source_roots.import_names`)."""

    modules: Mapping[str, Mapping[str, Exported]] = field(default_factory=dict)
    long_read_clients: frozenset[Location] = frozenset()
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    parsed: int = field(default=0, compare=False)
    """How many module parses building it took in this run (0 when read from the cache); for
    `--verbose` only, in neither the fingerprint nor equality."""
    clients: Mapping[str, Mapping[str, ExportedClient]] = field(default_factory=dict)
    """module name -> {name -> the network client it is or returns} (`client_factories.py`)."""
    client_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for module in sorted(self.modules):
            digest.update(module.encode("utf-8") + b"\0")
            for name, exported in sorted(self.modules[module].items()):
                digest.update(f"{name}={exported!r}\0".encode())
        for location in sorted(self.long_read_clients, key=repr):
            digest.update(f"{location!r}\0".encode())
        for name in sorted(self.names):
            digest.update(f"{name}={self.names[name]!r}\0".encode())
        for module in sorted(self.clients):
            for name, client in sorted(self.clients[module].items()):
                digest.update(f"client {module}.{name}={client!r}\0".encode())
        for name in sorted(self.client_names):
            digest.update(f"client {name}={self.client_names[name]!r}\0".encode())
        return digest.hexdigest()

    def lookup_client(self, qualified_name: str) -> ExportedClient | None:
        """The network client (or client factory) `package.module.NAME` is, if any."""
        split = _split(qualified_name)
        if split is None:
            return None
        module = _find_module(self.client_names, split[0])
        return None if module is None else self.clients[module].get(split[1])

    @cached_property
    def client_qualified_names(self) -> frozenset[str]:
        """Every qualified name by which a module's client or factory can be imported."""
        found: set[str] = set()
        for name, modules in self.client_names.items():
            module = _find_module(self.client_names, name)
            if module is not None and module in modules:
                found.update(f"{name}.{exported}" for exported in self.clients[module])
        return frozenset(found)

    def lookup(self, qualified_name: str) -> Exported | None:
        """What `package.module.NAME` is, if the module is indexed and binds NAME."""
        return _lookup(self.modules, self.names, qualified_name)

    @classmethod
    def build(
        cls,
        files: list[SourceFile],
        cache_directory: Path | None = None,
        write_cache: bool = True,
        scan: Scan | None = None,
        jobs: int | None = None,
        constructors: frozenset[str] | None = None,
    ) -> PythonIndex:
        """The index of `files`; with a cache directory, reused from an earlier run when no
        indexed module changed (the key covers every candidate's name, path and content), else
        built from the per-module results of the last run that still hold (`index_memo.py`).

        `constructors`: the client classes the run's rules follow (`client_factories.
        rule_constructors`; default: the built-in catalog's); only clients of these are kept.

        `scan` (the run's `scan.scan_files`) says which files mention redis without reading
        them again; without it they are scanned here.
        """
        if scan is None:
            from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
            from timeoutlint.scan import scan_files

            python_files = [source for source in files if source.kind == "python"]
            scan = scan_files(
                python_files,
                jobs=jobs,
                hashed=cache_directory is not None,
                byte_facts=PYTHON_BYTE_FACTS,
            )
        found = IndexCandidates.of(files, scan, constructors)
        return cls.from_candidates(found, cache_directory, write_cache, jobs)

    @classmethod
    def from_candidates(
        cls,
        found: IndexCandidates,
        cache_directory: Path | None = None,
        write_cache: bool = True,
        jobs: int | None = None,
        *,
        keep_whole: bool = True,
    ) -> PythonIndex:
        """The index of the modules `found` (see `build`). Without `keep_whole`, the whole
        index is not written under its key (the caller keeps it elsewhere), only the memo."""
        candidates = found.redis
        client_candidates = found.clients
        wanted = found.constructors
        if cache_directory is None:
            return cls._summarise(candidates, jobs)._with_clients(client_candidates, jobs, wanted)
        from timeoutlint.cache import prune_siblings, read_trusted, write_atomically

        key = _cache_key(candidates, _cache_key(client_candidates, ",".join(sorted(wanted))))
        cache_file = cache_directory / "index" / f"{key[:40]}.pickle"
        cached = read_trusted(cache_file)
        if isinstance(cached, PythonIndex):
            return dataclasses.replace(cached, parsed=0)
        memo = IndexMemo.open(cache_directory)
        index = cls._summarise(candidates, jobs, memo)._with_clients(
            client_candidates, jobs, wanted, memo
        )
        if write_cache:
            memo.save(cache_directory)
        if write_cache and keep_whole:
            if write_atomically(cache_directory, cache_file, index) is None:
                prune_siblings(cache_file, keep=INDEX_CACHE_FILES_KEPT)
        return index

    @classmethod
    def _summarise(
        cls, candidates: Mapping[str, _Candidate], jobs: int | None, memo: IndexMemo | None = None
    ) -> PythonIndex:
        """Summaries built in fixed chunks of the sorted module names, each chunk by its own
        builder (in a forked worker when there are enough), so that the index is the same
        whatever the number of workers. With `memo`, the summaries of the last run that still
        hold are taken from it (and given to the builders), and a chunk whose modules all have
        one is not built at all.

        A builder summarises the modules its chunk needs from other chunks too (rarely more
        than a few); a module's summary does not depend on which builder made it, except
        inside an import cycle, where the order of the walk decides which name ends as
        unknown: that order is fixed by the chunks.
        """
        names = sorted(candidates)
        count = max(1, min(MAX_CHUNKS, len(names) // MODULES_PER_CHUNK))
        bounds = [len(names) * i // count for i in range(count + 1)]
        chunks = [tuple(names[bounds[i] : bounds[i + 1]]) for i in range(count)]

        seeds = _valid_summaries(candidates, memo) if memo is not None else {}

        def summarise_chunk(chunk: tuple[str, ...]) -> _ChunkSummary:
            return _Builder(candidates, seeds).summarise_chunk(chunk)

        modules: dict[str, dict[str, Exported]] = {}
        users: set[Location] = set()
        parsed = 0
        entries: dict[str, SummaryEntry] = dict(seeds)
        for name, entry in seeds.items():
            if entry.exports is not None:
                modules[name] = entry.exports
                users |= entry.long_read_clients
        pending = [chunk for chunk in chunks if any(name not in seeds for name in chunk)]
        for outcome in fork_map(summarise_chunk, pending, jobs, batches=True):
            assert outcome is not None
            modules.update(outcome.modules)
            users |= outcome.long_read_clients
            parsed += outcome.parsed
            entries.update(outcome.entries)
        if memo is not None:
            memo.used_summaries = entries
        ordered = {name: modules[name] for name in names if name in modules}
        table = name_table({name: candidates[name].names for name in ordered})
        return cls(ordered, frozenset(users), table, parsed)

    def _with_clients(
        self,
        candidates: Mapping[str, _Candidate],
        jobs: int | None,
        constructors: frozenset[str],
        memo: IndexMemo | None = None,
    ) -> PythonIndex:
        """This index with the network clients of `candidates` (each module on its own, in
        fixed chunks of the sorted names, so the result does not depend on the workers). With
        `memo`, a module whose key (path, import names, bytes, constructors) is the last run's
        is not parsed: its clients are the last run's."""
        names = sorted(candidates)
        if not names:
            return self
        wanted = tuple(sorted(constructors))
        keys = {name: _client_key(candidates[name], wanted) for name in names}
        clients: dict[str, dict[str, ExportedClient]] = {}
        if memo is not None:
            for name in names:
                entry = memo.clients.get(name)
                if entry is not None and entry.key == keys[name] and candidates[name].digest:
                    clients[name] = entry.clients
        pending = [name for name in names if name not in clients]
        count = max(1, min(MAX_CHUNKS, len(pending) // CLIENT_MODULES_PER_CHUNK))
        bounds = [len(pending) * i // count for i in range(count + 1)]
        chunks = (
            [tuple(pending[bounds[i] : bounds[i + 1]]) for i in range(count)] if pending else []
        )

        def summarise_chunk(chunk: tuple[str, ...]) -> dict[str, dict[str, ExportedClient]]:
            found = {}
            for name in chunk:
                model = _parse(candidates[name])
                found[name] = module_clients(model, constructors) if model is not None else {}
            return found

        for outcome in fork_map(summarise_chunk, chunks, jobs, batches=True):
            assert outcome is not None
            clients.update(outcome)
        if memo is not None:
            memo.used_clients = {
                name: ClientEntry(keys[name], clients[name])
                for name in names
                if candidates[name].digest
            }
        ordered = {name: clients[name] for name in names if clients[name]}
        table = name_table({name: candidates[name].names for name in ordered})
        return dataclasses.replace(
            self, parsed=self.parsed + len(pending), clients=ordered, client_names=table
        )


MODULES_PER_CHUNK = 160
MAX_CHUNKS = 8
"""A chunk's builder also parses the modules its own modules need from other chunks (the
same few popular ones for every chunk), so chunks are large: on the large corpus, 2 chunks
parse 416 modules, 4 chunks 508, one builder 366. The number of chunks depends only on the
number of candidates, never on the number of workers."""
CLIENT_MODULES_PER_CHUNK = 24
"""A module's clients depend on that module alone, so their chunks are small (every worker
gets a share, whatever the number of chunks the result is the same)."""
INDEX_CACHE_FILES_KEPT = 4


@dataclass(frozen=True)
class _ChunkSummary:
    modules: dict[str, dict[str, Exported]]
    long_read_clients: frozenset[Location]
    parsed: int
    entries: dict[str, SummaryEntry] = field(default_factory=dict)
    """The chunk's own modules whose summaries can be kept (`index_memo.py`)."""


@dataclass(frozen=True)
class IndexCandidates:
    """The modules the index is built from, chosen from the scan's byte facts: those that
    mention redis (`redis`) and those that may export a network client (`clients`), by module
    name. A module name that two files give (`contested`) keeps the later file's module, as
    the walk order has it: a change to either file can only be judged by choosing again from
    every file (`patched` refuses it).

    Kept by the project-context snapshot (`context_snapshot.py`), so that a run over a few
    edited files replaces their candidates instead of choosing again from every file."""

    redis: dict[str, _Candidate] = field(default_factory=dict)
    clients: dict[str, _Candidate] = field(default_factory=dict)
    contested: frozenset[str] = frozenset()
    constructors: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, files: Sequence[SourceFile], scan: Scan, constructors: frozenset[str] | None = None
    ) -> IndexCandidates:
        redis: dict[str, _Candidate] = {}
        clients: dict[str, _Candidate] = {}
        contested: set[str] = set()
        packages = PackageDirectories()
        wanted = builtin_constructors() if constructors is None else constructors
        by_name = covers(wanted)
        for source in files:
            if source.kind != "python":
                continue
            if (candidate := _candidate(source, scan, packages)) is not None:
                if candidate.module_name in redis:
                    contested.add(candidate.module_name)
                redis[candidate.module_name] = candidate
            candidate = _candidate(source, scan, packages, clients=True, by_name=by_name)
            if candidate is not None:
                if candidate.module_name in clients:
                    contested.add(candidate.module_name)
                clients[candidate.module_name] = candidate
        return cls(redis, clients, frozenset(contested), wanted)

    def patched(self, edited: Sequence[SourceFile], scan: Scan) -> IndexCandidates | None:
        """These candidates with the `edited` files chosen again from their new facts in
        `scan`; None when a module name of theirs is contested, or another file than theirs
        has it (then only a choice from every file can tell which one the index means)."""
        from timeoutlint.python.module_names import module_name_for

        redis = dict(self.redis)
        clients = dict(self.clients)
        packages = PackageDirectories()
        by_name = covers(self.constructors)
        for source in edited:
            module_name, _ = module_name_for(source.relative)
            if module_name is None:
                continue
            if module_name in self.contested:
                return None
            path = os.path.abspath(source.path)
            for table, clients_too in ((redis, False), (clients, True)):
                known = table.get(module_name)
                if known is not None and os.path.abspath(known.path) != path:
                    return None
                table.pop(module_name, None)
                candidate = _candidate(source, scan, packages, clients_too, by_name)
                if candidate is not None:
                    table[module_name] = candidate
        return replace(self, redis=redis, clients=clients)


@dataclass(frozen=True)
class _Candidate:
    """A module whose bytes mention redis; parsed only while its summary is being built."""

    module_name: str
    is_package: bool
    path: str
    display: str
    reads_long: bool
    digest: bytes
    names: tuple[str, ...]
    """Every name the module can be imported by (`source_roots.import_names`)."""


def _cache_key(candidates: Mapping[str, _Candidate], prefix: str = "") -> str:
    from timeoutlint.cache import code_key

    digest = hashlib.sha256(
        f"python-index\0{code_key()}\0{prefix}\0".encode("utf-8", "surrogateescape")
    )
    for c in candidates.values():
        line = (
            f"{c.module_name}\0{c.is_package}\0{c.display}\0{c.path}\0{c.digest.hex()}\0"
            f"{','.join(c.names)}\0"
        )
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _key(candidate: _Candidate) -> CandidateKey:
    c = candidate
    return (str(c.path), c.display, c.is_package, c.digest, c.names, c.reads_long)


def _client_key(
    candidate: _Candidate, constructors: tuple[str, ...]
) -> tuple[str, bool, tuple[str, ...], bytes, tuple[str, ...]]:
    c = candidate
    return (str(c.path), c.is_package, c.names, c.digest, constructors)


def _valid_summaries(
    candidates: Mapping[str, _Candidate], memo: IndexMemo
) -> dict[str, SummaryEntry]:
    """The memo's summaries that a build from scratch would give again: every module they
    consulted is a candidate with the same key, every import name they looked up means the same
    modules, and the settings modules are the same when they read `django.conf.settings`."""
    table = name_table({name: c.names for name, c in candidates.items()})
    settings = tuple(sorted(_settings_modules(candidates)))
    valid: dict[str, SummaryEntry] = {}
    for name, entry in memo.summaries.items():
        if name not in candidates or (name, _key(candidates[name])) not in entry.modules:
            continue
        if not all(m in candidates and _key(candidates[m]) == k for m, k in entry.modules):
            continue
        if not all(tuple(sorted(table.get(n, ()))) == found for n, found in entry.names):
            continue
        if entry.settings is not None and entry.settings != settings:
            continue
        valid[name] = entry
    return valid


def _candidate(
    source: SourceFile,
    scan: Scan,
    packages: PackageDirectories,
    clients: bool = False,
    by_name: bool = True,
) -> _Candidate | None:
    """The module of `source` if it mentions redis (with `clients`: if it may export a network
    client, `client_bytes.py`: it imports a client library and, when `by_name`, names one of
    the built-in constructors; or it is inside a library's own package)."""
    from timeoutlint.python.module_names import module_name_for

    facts = scan.get(source)
    if facts is None:
        return None
    if not clients and not facts.mentions_redis:
        return None
    module_name, is_package = module_name_for(source.relative)
    if module_name is None:
        return None
    if clients and not (
        (facts.mentions_client_factory if by_name else facts.imports_client_library)
        or library_module(module_name)
    ):
        return None
    names = import_names(source.relative, packages.test_for(source.path, source.relative))
    return _Candidate(
        module_name,
        is_package,
        os.fspath(source.path),
        source.display,
        facts.reads_long,
        facts.digest,
        names,
    )


def _parse(candidate: _Candidate) -> PythonModule | None:
    """The candidate's model, or None when it cannot be read, decoded or parsed."""
    try:
        text = decode_python(read_regular_file(candidate.path)).text
        if not parses_within_bounds(text):
            return None
        tree = ast.parse(text)
        return PythonModule(text, tree, candidate.module_name, candidate.is_package)
    except (OSError, SourceDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _split(qualified_name: str) -> tuple[str, str] | None:
    if "." not in qualified_name:
        return None
    module, name = qualified_name.rsplit(".", 1)
    return module, name


def _find_module(names: Mapping[str, tuple[str, ...]], module: str) -> str | None:
    """The indexed module that the import name `module` means: the one whose path name it is,
    else the only one it can mean (two modules importable by one name: unknown)."""
    found = names.get(module, ())
    if module in found:
        return module
    return found[0] if len(found) == 1 else None


def _settings_modules(names: Mapping[str, object]) -> list[str]:
    return [n for n in names if n == "settings" or n.endswith(".settings")]


def _lookup(
    modules: Mapping[str, Mapping[str, Exported]],
    names: Mapping[str, tuple[str, ...]],
    qualified_name: str,
) -> Exported | None:
    if qualified_name.startswith(_SETTINGS_PREFIX):
        attribute = qualified_name[len(_SETTINGS_PREFIX) :]
        found = [
            modules[m][attribute] for m in _settings_modules(modules) if attribute in modules[m]
        ]
        return found[0] if len(found) == 1 else None
    split = _split(qualified_name)
    if split is None:
        return None
    module = _find_module(names, split[0])
    if module is None:
        return None
    return modules[module].get(split[1])


class _Builder:
    """Summarises modules on demand, so summaries may depend on each other.

    A module is parsed when first needed, with one `RedisModel` for all the lookups into it,
    and both are dropped as soon as its summary is done (a module with long reads gives its
    clients from the same model first): only the plain-data summaries outlive the build. A
    module that cannot be parsed counts as absent, as if it had never been a candidate (also
    when an import name could mean it or another module).

    `seeds`: summaries of the last run that still hold (`_valid_summaries`), taken as done.
    Each model's lookups are recorded for the module it belongs to (which modules and import
    names they consulted; a lookup that met a name still in progress makes the module cyclic),
    so that `summarise_chunk` can say which summaries may be kept (`index_memo.py`).
    """

    def __init__(
        self, candidates: Mapping[str, _Candidate], seeds: Mapping[str, SummaryEntry] | None = None
    ) -> None:
        self.candidates = candidates
        self.models: dict[str, RedisModel] = {}
        self.parseable: set[str] = set()
        self.broken: set[str] = set()
        self.done: dict[str, dict[str, Exported]] = {}
        self.partial: dict[str, dict[str, Exported]] = {}
        self.active: set[tuple[str, str]] = set()
        self.finished: RedisModel | None = None
        self.names = name_table({name: c.names for name, c in candidates.items()})
        self.seeds: Mapping[str, SummaryEntry] = seeds or {}
        for name, entry in self.seeds.items():
            if entry.exports is None:
                self.broken.add(name)
            else:
                self.done[name] = entry.exports
        self.parses = 0
        self.consulted: dict[str, set[str]] = {}
        self.looked_up: dict[str, dict[str, tuple[str, ...]]] = {}
        self.read_settings: set[str] = set()
        self.cyclic: set[str] = set()
        self.keys: dict[str, CandidateKey] = {}

    def summarise_chunk(self, chunk: tuple[str, ...]) -> _ChunkSummary:
        """The chunk's summaries and long-read clients. After each module, nothing is in
        progress: the neighbours its lookups parsed are summarised too (in the order they were
        parsed), so that their models can be dropped and later lookups find their summaries."""
        members = frozenset(chunk)
        modules: dict[str, dict[str, Exported]] = {}
        users: set[Location] = set()
        own_users: dict[str, frozenset[Location]] = {}

        def finish(module: str) -> None:
            exports = self.summary(module)
            if module in members and exports is not None:
                modules[module] = exports
                if self.finished is not None and self.candidates[module].reads_long:
                    found = frozenset(long_read_clients(self.finished))
                    users.update(found)
                    own_users[module] = found
            self.finished = None

        for name in chunk:
            if name not in self.done:
                finish(name)
            while self.models:
                finish(next(iter(self.models)))
        entries: dict[str, SummaryEntry] = {}
        for name in chunk:
            if name not in self.seeds:
                entry = self._entry(name, modules.get(name), own_users.get(name, frozenset()))
                if entry is not None:
                    entries[name] = entry
        return _ChunkSummary(modules, frozenset(users), self.parses, entries)

    def _entry(
        self, module: str, exports: dict[str, Exported] | None, users: frozenset[Location]
    ) -> SummaryEntry | None:
        """What `module`'s summary depended on, or None when it may not be kept: its build,
        or the build of a module it consulted, met a name still in progress."""
        closure: set[str] = set()
        names: dict[str, tuple[str, ...]] = {}
        settings = False
        stack = [module]
        while stack:
            current = stack.pop()
            if current in closure:
                continue
            closure.add(current)
            seed = self.seeds.get(current)
            if seed is not None:
                stack.extend(m for m, _ in seed.modules)
                names.update(seed.names)
                settings = settings or seed.settings is not None
                continue
            if current in self.cyclic:
                return None
            names.update(self.looked_up.get(current, {}))
            settings = settings or current in self.read_settings
            stack.extend(self.consulted.get(current, ()))
        keys = tuple(sorted((m, self._key(m)) for m in closure))
        if any(not key[3] for _, key in keys):
            return None  # no digest (a run without hashing): nothing to check it against
        return SummaryEntry(
            keys,
            tuple(sorted(names.items())),
            tuple(sorted(_settings_modules(self.candidates))) if settings else None,
            exports,
            users,
        )

    def _key(self, module: str) -> CandidateKey:
        """One tuple per module, so that the memo file holds each key once (pickle's memo)."""
        key = self.keys.get(module)
        if key is None:
            key = self.keys[module] = _key(self.candidates[module])
        return key

    def _model(self, module: str) -> RedisModel | None:
        if module in self.broken:
            return None
        model = self.models.get(module)
        if model is None:
            candidate = self.candidates[module]
            self.parses += 1
            python = _parse(candidate)
            if python is None:
                self.broken.add(module)
                return None
            self.parseable.add(module)
            model = RedisModel(python, candidate.display, self._lookup_for(module))
            self.models[module] = model
        return model

    def _parses(self, module: str) -> bool:
        return module in self.done or module in self.parseable or self._model(module) is not None

    def summary(self, module: str) -> dict[str, Exported] | None:
        if module in self.done:
            return self.done[module]
        model = self._model(module)
        if model is None:
            return None
        exports = self.partial.setdefault(module, {})
        for name in model.module.module_scope.bindings:
            exported = self._export(module, model, name, None)
            if exported is not None:
                exports[name] = exported
        self.done[module] = exports
        del self.models[module]
        self.finished = model
        return exports

    def _lookup_for(self, caller: str) -> Callable[[str], Exported | None]:
        """The lookup of the model of `caller`, which records what it consults for it."""
        return lambda qualified_name: self.lookup(qualified_name, caller)

    def lookup(self, qualified_name: str, caller: str) -> Exported | None:
        consulted = self.consulted.setdefault(caller, set())
        if qualified_name.startswith(_SETTINGS_PREFIX):
            attribute = qualified_name[len(_SETTINGS_PREFIX) :]
            self.read_settings.add(caller)
            found = []
            for m in _settings_modules(self.candidates):
                consulted.add(m)
                if (e := self._name(m, attribute, caller)) is not None:
                    found.append(e)
            return found[0] if len(found) == 1 else None
        split = _split(qualified_name)
        if split is None:
            return None
        meant = self.names.get(split[0], ())
        self.looked_up.setdefault(caller, {})[split[0]] = tuple(sorted(meant))
        consulted.update(meant)
        matches = tuple(m for m in meant if self._parses(m))
        module = _find_module({split[0]: matches}, split[0])
        if module is None:
            return None
        return self._name(module, split[1], caller)

    def _name(self, module: str, name: str, caller: str) -> Exported | None:
        if module in self.done:
            return self.done[module].get(name)
        partial = self.partial.get(module, {})
        if name in partial:
            return partial[name]
        model = self._model(module)
        if model is None or name not in model.module.module_scope.bindings:
            return None
        return self._export(module, model, name, caller)

    def _export(
        self, module: str, model: RedisModel, name: str, caller: str | None
    ) -> Exported | None:
        key = (module, name)
        if key in self.active:
            self.cyclic.add(module if caller is None else caller)
            return None
        self.active.add(key)
        try:
            exported = summarise_binding(model, model.module.module_scope.bindings[name])
        finally:
            self.active.discard(key)
        if exported is not None:
            self.partial.setdefault(module, {})[name] = exported
        return exported


def summarise_binding(model: RedisModel, bindings: list[Binding]) -> Exported | None:
    """A module-level name as plain data, when all its non-None bindings agree."""
    found: list[Exported] = []
    for binding in bindings:
        exported = _summarise_one(model, binding)
        if exported is None:
            return None
        if isinstance(exported, ExportedConstant) and exported.value is None and len(bindings) > 1:
            continue
        found.append(exported)
    if not found or any(other != found[0] for other in found[1:]):
        return None
    return found[0]


def _summarise_one(model: RedisModel, binding: Binding) -> Exported | None:
    if binding.kind == "import":
        return ExportedAlias(binding.qualified_name) if binding.qualified_name else None
    if binding.kind == "class":
        extended = rq_class(model, model.module.resolve_binding(binding))
        return ExportedAlias(extended) if extended is not None else None
    if binding.kind == "function":
        value = model.module.resolve_binding(binding)
        if not isinstance(value, LocalFunction):
            return None
        scope = model.module.scope_of_definition(value.node)
        if scope is None:
            return None
        returns = returned_object(model, value.node, scope)
        return ExportedFactory(returns) if returns is not None else None
    if binding.kind not in ("assign", "with"):
        return None
    value = model.module.resolve_binding(binding)
    obj = model.object_of(value)
    if obj is not None:
        return ExportedObject(obj)
    if isinstance(value, QualifiedName):
        return ExportedAlias(value.name)
    constant = model.constant(binding.value, binding.scope) if binding.value is not None else None
    if isinstance(constant, Constant) and _plain(constant.value):
        from timeoutlint.redact import masked_constant  # its patterns: only with a constant

        return ExportedConstant(masked_constant(binding.name, constant.value), constant.from_env)
    return None


MAX_EXPORTED_TEXT = 4096
"""A longer string constant is not exported (other modules see an unknown value, as for a
call): the values the rules read across modules are URLs, hosts, ports and timeouts, while a
module's long texts (an embedded JSON document, a Lua script) would only make the index large
and cost the redaction of its secrets on every cold run."""


def _plain(value: object) -> bool:
    if isinstance(value, (str, bytes)):
        return len(value) <= MAX_EXPORTED_TEXT
    return value is None or isinstance(value, (bool, int, float))
