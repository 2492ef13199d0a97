"""The project context: the few facts that cross file boundaries, computed once per run.

Per-file analysis stays a pure function of (file bytes, config, project
context). What lives here is small and explicit, and it is part of the
cache key of every file that depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timeoutlint.config import Config
from timeoutlint.discovery import SourceFile


@dataclass(frozen=True)
class ProjectContext:
    root: Path

    def fingerprint(self) -> str:
        """A digest of everything here, for cache keys."""
        return ""


def build_project_context(files: list[SourceFile], config: Config) -> ProjectContext:
    return ProjectContext(root=config.root)


def module_name_for(relative_path: str) -> tuple[str | None, bool]:
    """The dotted module name of a project file (`app/infra/queue.py` -> `app.infra.queue`)."""
    if not relative_path.endswith((".py", ".pyi")) or relative_path.startswith("/"):
        return None, False
    parts = relative_path.rsplit(".", 1)[0].split("/")
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None, is_package
    return ".".join(parts), is_package
