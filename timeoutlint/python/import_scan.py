"""Which modules a Python file imports, read from its bytes without parsing.

The prefilter guards (`checks/prefilter.py`) use this to decide that a file cannot resolve a
name into a package before paying for `ast.parse`. The model (`python/model.py`) gives a name a
qualified name only through an import statement of the same file: `import a.b` binds `a`,
`import a.b as c` binds `c` to `a.b`, `from a.b import c` binds `c` to `a.b.c`, and a relative
`from ..x import c` is based on the file's own module name (`model.absolute_module`, as the model
does). So every qualified name the model produces (other than `builtins.*`) starts with the path
of an `Imported` here: the first name of a plain import (any attribute may follow), or the module
of a `from` import followed by one of the names it takes.

The scan over-approximates and never misses an import statement:

- A statement starts at the beginning of a physical line, after `;` or after the `:` of a
  compound statement (`try: import redis`); only spaces, tabs and form feeds may come before the
  keyword. A line continued with a backslash starts a new physical line, which can only add
  candidates. Old Mac line endings (a lone carriage return) break lines, as in Python.
- `import` is followed by a comma-separated list of dotted names with optional `as` aliases,
  possibly continued with backslashes (parentheses are not allowed there); the first name of each
  item is recorded. `from` is followed by dots, whitespace or backslash continuations, the dotted
  module name (absent in `from . import x`), `import`, and the names, in parentheses (across
  lines, with comments) or up to the end of the logical line. Every word that starts an item is
  recorded (a superset of the names). If the statement does not read that way, its names are
  unknown (None: any name).
- A name with a non-ASCII byte makes the result `opaque`: Python folds identifiers with NFKC
  (fullwidth letters spelling `redis` are `redis`), so such a file may import anything.
  So does a null byte anywhere (`import requests\\0` must reach the parser and its TL001).

Keywords are ASCII in every source encoding this tool reads as ASCII-compatible (the same
premise as the trigger bytes), and a file with a syntax error gets no finding from a check.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_CONTINUATION = rb"\\(?:\r\n|\r|\n)"
_SPACE = rb"(?:[ \t\f]|" + _CONTINUATION + rb")"
_NAME = rb"[^\s\\.,;#()]+"
_DOTTED = _NAME + rb"(?:" + _SPACE + rb"*\." + _SPACE + rb"*" + _NAME + rb")*"
_LIST = rb"(?:[^\r\n\\;#]|" + _CONTINUATION + rb"|\\)*"
_IMPORT_LIST = re.compile(_LIST)
_FROM = re.compile(
    rb"((?:[ \t\f.]|" + _CONTINUATION + rb")*)"
    rb"(?:(" + _DOTTED + rb")" + _SPACE + rb"*)?"
    rb"import(?:" + _SPACE + rb"*\(((?:#[^\r\n]*|[^)#])*)|(?=[ \t\f\\])(" + _LIST + rb"))"
)
_FROM_MODULE_ONLY = re.compile(rb"((?:[ \t\f.]|" + _CONTINUATION + rb")*)(" + _DOTTED + rb")?")
_COMMENT = re.compile(rb"#[^\r\n]*")
_ITEM_FIRST_NAME = re.compile(rb"(?:^|,)\s*(?:\\\s*)*([^\s\\,()]+)")
_NOT_IN_NAME = re.compile(rb"[ \t\f\r\n\\]")


@dataclass(frozen=True)
class Imported:
    """A dotted path that begins every qualified name an import statement gives, and the names
    taken from it (`from path import a, b`; None: any attribute of `path`)."""

    path: str
    names: frozenset[str] | None = None


@dataclass(frozen=True)
class RelativeImport:
    """`from ..module import names`: `level` dots; `module` is "" for `from . import x`."""

    level: int
    module: str
    names: frozenset[str] | None


@dataclass(frozen=True)
class ImportedNames:
    """The file's absolute imports, its relative ones, and whether a non-ASCII name was seen
    (`opaque`: then anything may be imported)."""

    absolute: frozenset[Imported]
    relative: frozenset[RelativeImport]
    opaque: bool


def _first_names(items: bytes) -> frozenset[bytes]:
    return frozenset(_ITEM_FIRST_NAME.findall(_COMMENT.sub(b"", items)))


def _statement_starts(
    data: bytes, keyword: bytes, follows: frozenset[int], start: int
) -> list[int]:
    """Where `keyword` begins a statement (see the module docstring): the offsets just after it."""
    found = []
    position = data.find(keyword, start)
    while position >= 0:
        end = position + len(keyword)
        if end < len(data) and data[end] in follows:
            before = position - 1
            while before >= start and data[before] in _INDENT:
                before -= 1
            if before < start or data[before] in _STATEMENT_BREAKS:
                found.append(end)
        position = data.find(keyword, end)
    return found


_INDENT = frozenset(b" \t\f")
_STATEMENT_BREAKS = frozenset(b"\n\r;:")
_AFTER_IMPORT = frozenset(b" \t\f\\")
_AFTER_FROM = frozenset(b" \t\f\\.")


def scan_imports(data: bytes) -> ImportedNames:
    """The import statements of a Python file's bytes, as `ImportedNames`."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    found: list[tuple[int, bytes, frozenset[bytes] | None]] = []
    for end in _statement_starts(data, b"import", _AFTER_IMPORT, start):
        listed = _IMPORT_LIST.match(data, end)
        assert listed is not None
        tops = {name.split(b".", 1)[0] for name in _first_names(listed.group())}
        found.extend((0, top, None) for top in tops)
    for end in _statement_starts(data, b"from", _AFTER_FROM, start):
        full = _FROM.match(data, end)
        if full is not None:
            dots, module = full.group(1), full.group(2) or b""
            names: frozenset[bytes] | None = _first_names(full.group(3) or full.group(4) or b"")
        else:
            partial = _FROM_MODULE_ONLY.match(data, end)
            assert partial is not None
            dots, module, names = partial.group(1), partial.group(2) or b"", None
        found.append((dots.count(b"."), _NOT_IN_NAME.sub(b"", module), names))
    opaque = b"\0" in data or any(
        not module.isascii() or (names is not None and not all(n.isascii() for n in names))
        for _, module, names in found
    )
    absolute = {
        Imported(_text(module), _texts(names))
        for level, module, names in found
        if not level and module
    }
    relative = {
        RelativeImport(level, _text(module), _texts(names))
        for level, module, names in found
        if level
    }
    return ImportedNames(frozenset(absolute), frozenset(relative), opaque)


def _text(name: bytes) -> str:
    return name.decode("ascii", "replace")


def _texts(names: frozenset[bytes] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(_text(name) for name in names)
