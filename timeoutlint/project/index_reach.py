"""What the project's Python index can answer for, as the prefilter's guards ask it.

`checks/prefilter.Prospect.may_reach_index` must say True for every file in which a name could be
looked up in the index (`PythonIndex.lookup`) and come back with a Redis object or a name that
leads to one; this module computes, from the index alone, which module-name suffixes and
exported names can do that. It mirrors `python_index.py`'s lookup rules, so it sits beside it;
the result is kept on the project context (`ProjectContext.index_reach`), once per set of names.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Set
from dataclasses import dataclass

from timeoutlint.project.python_index import PythonIndex
from timeoutlint.python.import_scan import Imported
from timeoutlint.redis.model import ExportedAlias, ExportedFactory, ExportedObject

_SETTINGS_MODULE = "django.conf.settings"
"""`django.conf.settings.X` is looked up in the project's settings modules (`python_index`)."""


@dataclass(frozen=True)
class IndexReach:
    """What the project's index can answer for: per import name of an indexed module (a
    lookup's module part: `_lookup_names`), the names those modules export that matter; per
    dotted prefix of those names, the components that can follow it."""

    exports: Mapping[str, frozenset[str]]
    following: Mapping[str, frozenset[str]]

    def meets(self, item: Imported, data: bytes) -> bool:
        """Whether a name `item.path.NAME.attributes...` can be split into an indexed module part
        and a name it exports. NAME is one of `item.names`; after a plain import (`names` is
        None) it is an attribute, which the file spells (as the triggers' premise: identifiers
        are written with their ASCII bytes)."""
        parts = item.path.split(".")
        for end in range(1, len(parts)):
            if parts[end] in self.exports.get(".".join(parts[:end]), ()):
                return True
        path = item.path
        if item.names is not None:
            return any(
                name in self.exports.get(path, ()) or name in self.following.get(path, ())
                for name in item.names
            )
        candidates = self.exports.get(path, frozenset()) | self.following.get(path, frozenset())
        return any(name.encode("utf-8") in data for name in candidates)


def index_reach(index: PythonIndex, names: frozenset[str]) -> IndexReach:
    """What of `index` can lead a name to one of `names` or to a Redis object, computed once.

    Only some summaries matter: an `ExportedObject` or `ExportedFactory` (a Redis object), and an
    `ExportedAlias` whose target can be rewritten into one of `names` or can itself reach such a
    summary (`canonical` rewrites a name through aliases, `resolve_external` follows them). A
    constant only describes an object that one of those gives, and an alias to anything else
    ends nowhere. Computed once per project context (`ProjectContext.index_reach`).
    """
    lookup_names = _lookup_names(index)
    graph = _ExportGraph(index, lookup_names)
    relevant: set[tuple[str, str]] = set()
    waiting: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for module, exported in index.modules.items():
        for name, summary in exported.items():
            node = (module, name)
            if isinstance(summary, (ExportedObject, ExportedFactory)) or (
                isinstance(summary, ExportedAlias) and _leads_to(summary.qualified_name, names)
            ):
                relevant.add(node)
            elif isinstance(summary, ExportedAlias):
                for target in graph.hits(summary.qualified_name):
                    waiting.setdefault(target, []).append(node)
    queue = list(relevant)
    while queue:
        for alias in waiting.pop(queue.pop(), ()):
            if alias not in relevant:
                relevant.add(alias)
                queue.append(alias)
    by_module: dict[str, set[str]] = {}
    for module, name in relevant:
        by_module.setdefault(module, set()).add(name)
    return _reach(by_module, lookup_names)


class _ExportGraph:
    """Which exported names of `index` a lookup of a name starting with a given target can hit."""

    def __init__(self, index: PythonIndex, lookup_names: Mapping[str, tuple[str, ...]]) -> None:
        self.by_suffix: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.under: dict[str, list[tuple[str, str]]] = {}
        for module, exported in index.modules.items():
            parts = module.split(".")
            suffixes = list(lookup_names.get(module, ()))
            if parts[-1] == "settings":
                suffixes.append(_SETTINGS_MODULE)
            nodes = [(module, name) for name in exported]
            for suffix in suffixes:
                by_name = self.by_suffix.setdefault(suffix, {})
                for node in nodes:
                    by_name.setdefault(node[1], []).append(node)
                pieces = suffix.split(".")
                for end in range(1, len(pieces)):
                    self.under.setdefault(".".join(pieces[:end]), []).extend(nodes)

    def hits(self, target: str) -> set[tuple[str, str]]:
        """The exports a name `target.attributes...` can be looked up as (`IndexReach.meets`)."""
        parts = target.split(".")
        found: set[tuple[str, str]] = set()
        for end in range(1, len(parts)):
            found.update(self.by_suffix.get(".".join(parts[:end]), {}).get(parts[end], ()))
        for nodes in self.by_suffix.get(target, {}).values():
            found.update(nodes)
        found.update(self.under.get(target, ()))
        return found


def _leads_to(target: str, names: frozenset[str]) -> bool:
    """Whether `target.attributes...` can be one of `names`."""
    return target in _dotted_prefixes(names)


@functools.lru_cache(maxsize=16)
def _dotted_prefixes(names: frozenset[str]) -> frozenset[str]:
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return frozenset(found)


def _lookup_names(index: PythonIndex) -> dict[str, tuple[str, ...]]:
    """Per indexed module, the module parts a lookup can find it by: the import names
    `PythonIndex.names` maps to it (`_find_module` answers with no other module), not every
    dotted suffix of its path (`json` is no name of `redis.commands.json`, whose package
    `redis.commands` holds an `__init__.py`: a file's `import json` cannot reach it)."""
    found: dict[str, list[str]] = {}
    for name, modules in index.names.items():
        for module in modules:
            found.setdefault(module, []).append(name)
    return {module: tuple(names) for module, names in found.items()}


def _reach(
    relevant: Mapping[str, Set[str]], lookup_names: Mapping[str, tuple[str, ...]]
) -> IndexReach:
    exports: dict[str, frozenset[str]] = {}
    settings: set[str] = set()
    for module, names in relevant.items():
        parts = module.split(".")
        for suffix in lookup_names.get(module, ()):
            exports[suffix] = exports.get(suffix, frozenset()) | frozenset(names)
        if parts[-1] == "settings":
            settings.update(names)
    if settings:
        exports[_SETTINGS_MODULE] = frozenset(settings)
    following: dict[str, set[str]] = {}
    for suffix in exports:
        parts = suffix.split(".")
        for end in range(1, len(parts)):
            following.setdefault(".".join(parts[:end]), set()).add(parts[end])
    return IndexReach(exports, {k: frozenset(v) for k, v in following.items()})
