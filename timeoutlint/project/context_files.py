"""Which files the project context is built from: the whole project root, not the paths given.

A finding can depend on a file that was not named on the command line: the compose file that
sets `--requirepass`, the `.env` with the password, the module that defines the client. So
`timeoutlint check backend/settings.py`, `cd backend && timeoutlint check` and a pre-commit run
over one changed file must read the same context as `timeoutlint check .` at the root, or the
same file gets different findings depending on where the tool was started. Only the paths given
are reported; the rest of the root is read for the context alone.

The root is walked with the run's excludes and `.gitignore`, so a vendored or ignored compose file
is no more part of the context than it is of a full run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.config import Config
from timeoutlint.discovery import Discovery, SourceFile

if TYPE_CHECKING:
    from timeoutlint.config_tree import ConfigTree


def covers_root(targets: Iterable[Path], root: Path) -> bool:
    """Whether walking `targets` already walks the whole root (`check .` at the root)."""
    root_text = os.path.abspath(root)
    for target in targets:
        text = os.path.abspath(target)
        if text == root_text or root_text.startswith(text.rstrip("/") + "/"):
            return True
    return False


def context_files(
    given: list[SourceFile],
    targets: Iterable[Path],
    config: Config,
    tree: ConfigTree | None = None,
) -> list[SourceFile]:
    """`given` (the files to report), then every other file of the project root.

    The walk has its own `Discovery`, so an unreadable directory elsewhere in the root is not
    reported as a problem of this run; it is simply not part of the context.
    """
    targets = tuple(targets)
    if covers_root(targets, config.root):
        return given
    seen = {os.path.abspath(source.path) for source in given}
    walked = Discovery(config, tree).files((config.root,))
    # The walk's paths are absolute and normalised already (`Discovery._expand`).
    return [*given, *(s for s in walked if os.fspath(s.path) not in seen)]


def described(files: Iterable[SourceFile], kind: str) -> str:
    """The root-relative names of the context files of one kind, for `--show-context`."""
    names = sorted(source.relative for source in files if source.kind == kind)
    return ", ".join(names) if names else "none"
