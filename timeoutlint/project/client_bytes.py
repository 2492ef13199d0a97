"""Which modules can export a network client, told from their bytes (the scan's client facts).

`client_factories.module_clients` exports a module-level name only when `_library_class` finds
a `QualifiedName` whose first part is one of `LIBRARIES` (`requests.Session`), and only when that
name is one of the run's constructors. Both conditions leave traces in the bytes:

1. A `QualifiedName` comes from an import binding of the same file (`python/model.py`:
   `visit_Import`, `visit_ImportFrom`; star imports bind nothing, builtins are `builtins.*`), and
   attributes added to it. It starts with a library only if the file has
   - `import ... LIB` (`import os, httpx`, `import requests.adapters as a`): the keyword, then
     the rest of that logical line (no newline unless `\\`-continued, no `;`, no `#`), then the
     library as a name not preceded by `.` (`import a.requests` is `a.requests`);
   - `from LIB...` or `from ..LIB` (a relative import climbing to the top is made absolute as
     `LIB...` by `absolute_module`): the keyword, whitespace, continuations or dots, the library;
   - or a relative import in a module whose own name starts with a library (the project *is*
     the library: `requests/api.py` saying `from . import sessions`); the scan cannot know the
     module's name, so `python_index` admits every such module (`library_module`).
   `IMPORTS` match every such statement (and a few others: `import a as requests`,
   `yield from requests`, text in strings and comments), so `imports_client_library` is
   necessary for any export.
2. The library class's last name is spelled in the file as an identifier (an attribute,
   `requests.Session`; an imported name, `from requests import Session as S`; a base of a local
   subclass; the dotted name in a string annotation): resolution only appends attribute names
   written in the file to an import's name. So for the built-in catalog's constructors
   (`CONSTRUCTOR_NAMES`), `CLASS` or `SESSION` must match: one of the names as a whole identifier
   (`ClientError` or `HTTPClient` are other names), the lowercase `session` (`requests.session`)
   only after a `.` (with whitespace, continuations or comments between, as inside brackets) or
   within an import statement's name list.

A run whose rules name a constructor outside `CONSTRUCTOR_NAMES` (a custom `built-by`) falls
back to condition 1 alone (`python_index`). Like the guards (`checks/prefilter.py`), this reads
identifiers as the ASCII bytes they are written with; a non-ASCII byte next to a name never
makes it fail (bytes regular expressions treat only ASCII letters, digits and `_` as `\\w`).
`tests/test_client_bytes.py` and `benchmarks/triggers.py --verify-clients` check that the
index's clients are the same as with every module admitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LIBRARY_NAMES = ("requests", "httpx", "httpx2", "urllib3", "aiohttp")
"""The packages whose clients the call-site rules recognise by their constructor
(`client_factories.LIBRARIES`)."""
CONSTRUCTOR_NAMES = frozenset(
    {"AsyncClient", "Client", "ClientSession", "HTTPConnectionPool", "HTTPSConnectionPool",
     "PoolManager", "ProxyManager", "Session", "connection_from_url", "session"}
)  # fmt: skip
"""The last names of the built-in catalog's `built-by` constructors (kept equal by a test)."""

LIBRARY_LITERALS = frozenset({b"requests", b"httpx", b"urllib3", b"aiohttp"})
"""Necessary for `IMPORTS` (`httpx` is in `httpx2`): the scan's cheap gate before the regex."""
CONSTRUCTOR_LITERALS = frozenset(
    {b"Session", b"session", b"Client", b"PoolManager", b"ProxyManager", b"ConnectionPool",
     b"connection_from_url"}
)  # fmt: skip
"""Necessary for `CLASS` and `SESSION` (`ClientSession` and `AsyncClient` contain `Session` and
`Client`, the pools `ConnectionPool`)."""

_LIBRARY = rb"(?:requests|httpx2?|urllib3|aiohttp)(?!\w)"
_REST_OF_LINE = rb"(?:[^\r\n;#]|\\\r\n|\\[\r\n])*?"
_COMMENT = rb"#[^\r\n]*(?![^\r\n])"
"""A whole comment: ending only at the line's end, so that a run of `#` has one reading (no
exponential backtracking)."""
_BETWEEN = rb"(?:\s|\\|" + _COMMENT + rb")*"
_NAME_LIST = rb"(?:[\s\\(),.\w]|" + _COMMENT + rb")*?"
_CLASSES = b"|".join(sorted(n.encode() for n in CONSTRUCTOR_NAMES if n != "session"))
# Each pattern starts with a literal (a keyword's boundary is checked by a lookbehind after it),
# which lets `re` skip ahead to it: on the large corpus, ten times faster than one alternation.
IMPORTS = (
    re.compile(rb"import(?<!\wimport)(?!\w)" + _REST_OF_LINE + rb"(?<![\w.])" + _LIBRARY),
    re.compile(rb"from(?<!\wfrom)(?!\w)[\s\\.]*" + _LIBRARY),
)
"""Condition 1: `import ... LIB` on one logical line, `from LIB`, `from ..LIB`."""
CLASS = re.compile(rb"(?<!\w)(?:" + _CLASSES + rb")(?!\w)")
SESSION_WORD = re.compile(rb"session(?<!\wsession)(?!\w)")
SESSION = (
    re.compile(rb"\." + _BETWEEN + rb"session(?!\w)"),
    re.compile(rb"import(?<!\wimport)(?!\w)" + _NAME_LIST + rb"(?<!\w)session(?!\w)"),
)
"""Condition 2 for `session`: an attribute, or a name of an import list (searched only when
`SESSION_WORD` is there)."""


def imports_client_library(data: bytes, found: Iterable[bytes] | None = None) -> bool:
    """Whether `data` has an import statement that can bind a name starting with a library
    (condition 1); `found`: the literals of `LIBRARY_LITERALS` known present, if searched."""
    present = LIBRARY_LITERALS.intersection(found) if found is not None else None
    if present is not None and not present:
        return False
    return any(pattern.search(data) is not None for pattern in IMPORTS)


def names_constructor(data: bytes, found: Iterable[bytes] | None = None) -> bool:
    """Whether `data` spells the last name of a built-in constructor as one (condition 2)."""
    present = CONSTRUCTOR_LITERALS.intersection(found) if found is not None else None
    if present is not None and not present:
        return False
    if CLASS.search(data) is not None:
        return True
    if SESSION_WORD.search(data) is None:
        return False
    return any(pattern.search(data) is not None for pattern in SESSION)


def may_build_a_client(data: bytes) -> bool:
    """Both conditions: the module may export a client of a built-in constructor."""
    return imports_client_library(data) and names_constructor(data)


def library_module(module_name: str) -> bool:
    """Whether the module is inside a library's own package (its relative imports resolve into
    the library without naming it)."""
    return module_name.split(".", 1)[0] in LIBRARY_NAMES


def covers(constructors: Iterable[str]) -> bool:
    """Whether condition 2 is necessary for every one of `constructors`."""
    return all(c.rsplit(".", 1)[-1] in CONSTRUCTOR_NAMES for c in constructors)
