"""The dotted module name of a project file, read from its path (no import system involved)."""

from __future__ import annotations

from collections.abc import Iterator


def dotted_prefixes(name: str, shortest: int = 1) -> Iterator[str]:
    """`a.b.c` -> `a`, `a.b`, `a.b.c` (from `shortest` components on): the names an import
    path or a lookup can stop at."""
    parts = name.split(".")
    for end in range(shortest, len(parts) + 1):
        yield ".".join(parts[:end])


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
