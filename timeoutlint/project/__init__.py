"""The project context: the few facts that cross file boundaries, computed once per run.

Per-file analysis stays a pure function of (file bytes, config, project
context). Each part is built by its own module and is small and explicit:

- `dependencies`: which redis-py / rq versions the project allows
  (requirements files, pyproject, lock files, or config overrides);
- `python_index`: what each project module binds at module level, so that
  `from .connection import redis_conn` resolves across files;
- `redis_auth`: which Redis endpoints have a password configured (compose,
  .env, settings), for the URL rules.

`fingerprint()` digests all of it and is part of every file's cache key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.config import Config
from timeoutlint.discovery import SourceFile
from timeoutlint.project.dependencies import Dependencies
from timeoutlint.project.dependency_files import declared_requires_python
from timeoutlint.project.index_reach import AliasGraph, IndexReach, alias_graph, index_reach
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.project.redis_auth import RedisAuth

if TYPE_CHECKING:
    from timeoutlint.project.context_patch import ContextInputs
    from timeoutlint.scan import Scan


@dataclass(frozen=True)
class ProjectContext:
    root: Path
    dependencies: Dependencies = field(default_factory=Dependencies)
    python_index: PythonIndex = field(default_factory=PythonIndex)
    redis_auth: RedisAuth = field(default_factory=RedisAuth)
    compose_and_env: tuple[SourceFile, ...] = ()
    """The compose and `.env` files the context was built from (for `--show-context`)."""
    requires_python: str | None = None
    """`[project] requires-python` of the root's pyproject.toml (TL001 says when a newer
    Python than the running one would read a file, `python/grammar.py`)."""
    from_snapshot: bool = field(default=False, compare=False)
    """Reused from an earlier run (`context_snapshot.py`), for `--show-context` and
    `--verbose` only."""
    patched: bool = field(default=False, compare=False)
    """The snapshot's context rebuilt for edited given files (`context_patch.py`), for
    `--show-context` and `--verbose` only."""
    inputs: ContextInputs | None = field(default=None, compare=False, repr=False)
    """What the Python index and the client passwords were built from, file by file (kept by
    the snapshot, so that a later run can rebuild them for a few files)."""
    known_fingerprint: str | None = field(default=None, compare=False, repr=False)
    """`fingerprint()` as the run that built the context computed it (a snapshot's), so that
    a reused context is not digested again."""
    _index_reaches: dict[frozenset[str], IndexReach] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """`index_reach` per set of names: derived from `python_index`, computed at most once."""
    _alias_graph: list[AliasGraph] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    """The index's `alias_graph`, shared by every set of names (computed at most once)."""

    def index_reach(self, names: frozenset[str]) -> IndexReach:
        """What of the Python index can lead a name to one of `names` or to a Redis object
        (`project/index_reach.py`), computed once per context and set of names."""
        reach = self._index_reaches.get(names)
        if reach is None:
            if not self._alias_graph:
                self._alias_graph.append(alias_graph(self.python_index))
            graph = self._alias_graph[0]
            reach = self._index_reaches[names] = index_reach(self.python_index, names, graph)
        return reach

    def describe_lines(self) -> list[str]:
        """The root and every file the context read, then what it found, for `--show-context`."""
        from timeoutlint.project.context_files import described

        return [
            f"project root: {self.root}",
            *(
                ["project context: reused from the last run (nothing it was built from changed)"]
                if self.from_snapshot
                else []
            ),
            *(
                ["project context: the last run's, rebuilt for the edited files"]
                if self.patched
                else []
            ),
            f"compose files read: {described(self.compose_and_env, 'compose')}",
            f".env files read: {described(self.compose_and_env, 'dotenv')}",
            f"pin files read: {', '.join(self.dependencies.pin_files) or 'none'}",
            *self.dependencies.describe_lines(),
            *self.redis_auth.describe_lines(),
        ]

    def fingerprint(self) -> str:
        if self.known_fingerprint is not None:
            return self.known_fingerprint
        digest = hashlib.sha256()
        for part in (
            self.dependencies.fingerprint(),
            self.python_index.fingerprint(),
            self.redis_auth.fingerprint(),
            repr(self.requires_python),
        ):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


def build_project_context(
    files: list[SourceFile],
    config: Config,
    cache_directory: Path | None = None,
    write_cache: bool = True,
    scan: Scan | None = None,
    jobs: int | None = None,
    constructors: frozenset[str] | None = None,
) -> ProjectContext:
    """`cache_directory` (None with `--no-cache`) lets the Python index be reused across runs;
    `fix` reads it but does not write it, as for the result cache. `scan` (the run's
    `scan.scan_files`) tells which files to parse without reading them all again; without it
    the files are scanned here. `constructors`: the client classes the run's rules follow
    across modules (`PythonIndex.build`)."""
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
    from timeoutlint.project.context_patch import ContextInputs, walk_ordered
    from timeoutlint.project.python_index import IndexCandidates

    dependencies = Dependencies.from_project(config)
    candidates = IndexCandidates.of(files, scan, constructors)
    python_index = PythonIndex.from_candidates(candidates, cache_directory, write_cache, jobs)
    if cache_directory is None:
        redis_auth, parts = RedisAuth.build_with_parts(files, config, scan.may_name_password)
    else:
        from timeoutlint.project.password_memo import PasswordMemo

        memo = PasswordMemo.open(cache_directory)
        redis_auth, parts = RedisAuth.build_with_parts(
            files, config, scan.may_name_password, memo, scan.digest_of
        )
        if write_cache:
            memo.save(cache_directory)
    return ProjectContext(
        inputs=ContextInputs(candidates, walk_ordered(parts)),
        root=config.root,
        dependencies=dependencies,
        python_index=python_index,
        redis_auth=redis_auth,
        compose_and_env=tuple(s for s in files if s.kind in ("compose", "dotenv")),
        requires_python=declared_requires_python(config.root),
    )
