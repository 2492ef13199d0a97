"""The project context of the last run, rebuilt for a few edited Python files only.

A pre-commit run is given the files a commit changed; when some of them feed the context (a
module that builds a Redis client, names a password, exports a client factory), the context
must change with them, but nothing else it was built from did (the snapshot's signature holds
for every other entry, `context_snapshot.py`). Each part of the context is then a function
of per-file inputs the snapshot keeps, so the edited files' inputs are replaced and the rest
is reused:

- the Python index's candidates (`python_index.IndexCandidates`): the edited files are chosen
  again from their new byte facts, the others keep their candidates (no choice over every
  file); the index is then built from the candidates as a full run builds it, so the
  per-module memo (`index_memo.py`) re-summarises only the edited modules and those whose
  summaries used them;
- the client passwords (`redis_auth.PasswordPart`, one per `.env` or Python file that gives
  any): the edited files' are taken again (from the password memo when their bytes were seen
  before), the others are kept;
- the dependencies, the compose projects, `requires-python` and the `.env` files read come
  from files that did not change, and are kept as they are.

A full run lists the given files first, then the rest of the walk, and the passwords follow
that order (the first password evidence for a host wins): the parts are kept in the walk's
order and put in a run's order by `in_run_order`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.discovery import SourceFile
from timeoutlint.project.python_index import IndexCandidates
from timeoutlint.project.redis_auth import PasswordPart

if TYPE_CHECKING:
    from timeoutlint.config import Config
    from timeoutlint.project import ProjectContext
    from timeoutlint.scan import Scan


@dataclass(frozen=True)
class ContextInputs:
    """What the context's Python-dependent parts were built from, file by file."""

    candidates: IndexCandidates
    password_parts: tuple[PasswordPart, ...]
    """In the walk's order (by display name, as `Discovery.files` sorts)."""


def walk_ordered(parts: Sequence[PasswordPart]) -> tuple[PasswordPart, ...]:
    return tuple(sorted(parts, key=lambda part: part.display))


def in_run_order(
    parts: Sequence[PasswordPart], given: Sequence[SourceFile]
) -> tuple[PasswordPart, ...]:
    """The parts in the order of a run over `given`: the given files first (in their order),
    then the others in the walk's order."""
    by_path = {os.path.abspath(part.path): part for part in parts}
    first = dict.fromkeys(p for s in given if (p := os.path.abspath(s.path)) in by_path)
    return (*(by_path[p] for p in first), *(part for p, part in by_path.items() if p not in first))


def patched_context(
    base: ProjectContext,
    inputs: ContextInputs,
    edited: Sequence[SourceFile],
    given: Sequence[SourceFile],
    scan: Scan,
    config: Config,
    cache_directory: Path,
    write_cache: bool,
    jobs: int | None,
) -> ProjectContext | None:
    """`base` (the snapshot's context) rebuilt for the `edited` Python files, whose new facts
    are in `scan`; None when the index's candidates cannot be patched (`IndexCandidates.
    patched`). The per-module index memo and the password memo are used and written as a
    full run uses them (keeping the other files' entries)."""
    from timeoutlint.project.password_memo import PasswordMemo
    from timeoutlint.project.python_index import PythonIndex
    from timeoutlint.project.redis_auth import RedisAuth

    candidates = inputs.candidates.patched(edited, scan)
    if candidates is None:
        return None
    # The snapshot keeps this index (by the context's fingerprint): not written twice.
    index = PythonIndex.from_candidates(
        candidates, cache_directory, write_cache, jobs, keep_whole=False
    )

    memo = PasswordMemo.open(cache_directory)
    _, new_parts = RedisAuth.build_with_parts(
        list(edited), config, scan.may_name_password, memo, scan.digest_of
    )
    memo.keep_loaded_except({source.relative for source in edited})
    if write_cache:
        memo.save(cache_directory)
    edited_paths = {os.path.abspath(source.path) for source in edited}
    kept = [
        part for part in inputs.password_parts if os.path.abspath(part.path) not in edited_paths
    ]
    parts = walk_ordered([*kept, *new_parts])
    patched = replace(
        base,
        python_index=index,
        redis_auth=base.redis_auth.with_passwords(in_run_order(parts, given)),
        inputs=ContextInputs(candidates, parts),
        from_snapshot=False,
        patched=True,
        known_fingerprint=None,
    )
    return replace(patched, known_fingerprint=patched.fingerprint())
