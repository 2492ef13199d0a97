"""Fixing many files: `fix_file` for each in forked workers, the outcomes back in file order.

The workers only compute (read, fix in memory, optionally render the diff);
they write nothing and print nothing, so the caller writes the files and
prints the output in a deterministic order, exactly as a serial loop would.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.fixes import apply
from timeoutlint.limits import read_regular_file
from timeoutlint.parallel import fork_map


@dataclass(frozen=True)
class FixOutcome:
    """One file's outcome: its fix, or why there is none (it could not be read, or fixing crashed).

    `crash` is `"Type: message"` and the traceback, as in `FileResult.internal_error`;
    `shown` is what `describe` made of a changed file (the diff), or "".
    """

    source: SourceFile
    fix: apply.FileFix | None = None
    read_error: str | None = None
    crash: str | None = None
    shown: str = ""


def fix_files(
    engine: Engine,
    sources: Sequence[SourceFile],
    unsafe: bool,
    jobs: int | None = None,
    describe: Callable[[apply.FileFix], str] | None = None,
) -> list[FixOutcome]:
    """Each file's fix, in the order of `sources`; `describe` runs in the workers too."""

    def fix_one(source: SourceFile) -> FixOutcome:
        try:
            data = read_regular_file(source.path)
        except OSError as exc:
            return FixOutcome(source, read_error=exc.strerror or str(exc))
        try:
            outcome = apply.fix_file(engine, source, data, unsafe)
        except Exception as exc:  # a bug in a fix must not stop the other files
            trace = traceback.format_exc()
            return FixOutcome(source, crash=f"{type(exc).__name__}: {exc}\n{trace}")
        shown = describe(outcome) if describe is not None and outcome.changed else ""
        return FixOutcome(source, outcome, shown=shown)

    outcomes = fork_map(fix_one, sources, jobs, batches=True)
    return [outcome for outcome in outcomes if outcome is not None]
