"""Which Python's grammar a file is parsed with, and when a newer one would read it (TL001).

timeoutlint parses with `ast` of the interpreter it runs on, so a file in a newer Python's
syntax (PEP 695's `type X = ...`, `def f[T]()`, `class C[T]` are Python 3.12) is a syntax
error on an older one, although the project runs it fine. TL001 says which grammar was used
and, when the project declares a newer `requires-python` or the error is on PEP 695 syntax,
that running timeoutlint on that Python would read the file.
"""

from __future__ import annotations

import re
import sys

Version = tuple[int, int]

PEP_695 = (3, 12)
"""The first Python with type parameter lists and the `type` statement."""
_PEP_695_LINE = re.compile(
    r"\s*(?:(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[|type\s+\w+\s*(?:\[|=))"
)


def running() -> Version:
    return (sys.version_info.major, sys.version_info.minor)


def spelled(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def requires_python_floor(specifier: str | None) -> Version | None:
    """The lowest `major.minor` a `requires-python` specifier admits (`>=3.12`, `~=3.12.1`,
    `==3.12.*`, `>3.11` as 3.12), or None when it states no lower bound or is not one."""
    if not specifier:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion
    from packaging.version import Version as Release

    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    floors: list[Version] = []
    for item in specifiers:
        try:
            release = Release(item.version.removesuffix(".*")).release
        except InvalidVersion:
            continue
        floor = (release[0], release[1] if len(release) > 1 else 0)
        if item.operator in (">=", "~=", "==", "==="):
            floors.append(floor)
        elif item.operator == ">":
            floors.append(floor if len(release) > 2 else (floor[0], floor[1] + 1))
    return max(floors) if floors else None


def is_pep_695(line: str) -> bool:
    """Whether `line` starts a PEP 695 type alias or a function or class with type parameters."""
    return _PEP_695_LINE.match(line) is not None


def grammar_used() -> str:
    """The `grammar` part of TL001's message for a syntax error: the running Python's."""
    return f" with Python {spelled(running())}'s grammar"


def newer_python(text: str, line: int, floor: Version | None) -> tuple[Version, bool] | None:
    """The newer Python that would read `text`, whose syntax error is on `line` (1-based):
    the project's `requires-python` floor when it is newer than the running Python, else 3.12
    when the line is PEP 695 syntax and the running Python is older; None otherwise. The flag
    says whether the error is newer syntax for sure (PEP 695) or only may be (the floor)."""
    here = running()
    lines = text.splitlines()
    if here < PEP_695 and 0 < line <= len(lines) and is_pep_695(lines[line - 1]):
        return (max(PEP_695, floor or PEP_695), True)
    if floor is not None and floor > here:
        return (floor, False)
    return None


def with_newer_hint(detail: str, newer: tuple[Version, bool] | None) -> str:
    if newer is None:
        return detail
    version, certain = newer
    if certain:
        return f"{detail}; timeoutlint running on Python {spelled(version)} or newer would read it"
    return (
        f"{detail}; the project requires Python {spelled(version)}, and timeoutlint running on"
        " that version may read it"
    )
