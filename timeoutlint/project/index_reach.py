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
from timeoutlint.python.module_names import dotted_prefixes
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


Node = tuple[str, str]
"""(module, exported name)."""


@dataclass(frozen=True)
class AliasGraph:
    """The part of `index_reach` that does not depend on the names, computed once per index:
    each module's lookup suffixes, the summaries that are Redis objects, and the aliases by
    their targets, so that the aliases whose lookup can hit an export are found from the
    export (the few relevant exports are followed back, not every alias forward).

    An alias's lookup of `target.attributes...` (as `PythonIndex.lookup` splits it) hits the
    export NAME of a module with the lookup suffix S when `S.NAME` is a dotted prefix of the
    target (or the target itself), and every export of the module when the target is S or a
    dotted prefix of S."""

    lookup_names: Mapping[str, tuple[str, ...]]
    suffixes: Mapping[str, tuple[str, ...]]
    """Per module, its lookup names, and `django.conf.settings` for a settings module."""
    objects: tuple[Node, ...]
    by_target: Mapping[str, tuple[Node, ...]]
    """The aliases whose target is exactly this name."""
    by_prefix: Mapping[str, tuple[Node, ...]]
    """The aliases whose target is this name (of two components or more) or starts with it
    and a dot."""


def alias_graph(index: PythonIndex) -> AliasGraph:
    lookup_names = _lookup_names(index)
    suffixes: dict[str, tuple[str, ...]] = {}
    objects: list[Node] = []
    by_target: dict[str, list[Node]] = {}
    by_prefix: dict[str, list[Node]] = {}
    for module, exported in index.modules.items():
        found = lookup_names.get(module, ())
        if module.rsplit(".", 1)[-1] == "settings":
            found = (*found, _SETTINGS_MODULE)
        suffixes[module] = found
        for name, summary in exported.items():
            node = (module, name)
            if isinstance(summary, (ExportedObject, ExportedFactory)):
                objects.append(node)
            elif isinstance(summary, ExportedAlias):
                target = summary.qualified_name
                by_target.setdefault(target, []).append(node)
                for prefix in dotted_prefixes(target, shortest=2):
                    by_prefix.setdefault(prefix, []).append(node)
    return AliasGraph(
        lookup_names,
        suffixes,
        tuple(objects),
        {target: tuple(nodes) for target, nodes in by_target.items()},
        {prefix: tuple(nodes) for prefix, nodes in by_prefix.items()},
    )


def index_reach(
    index: PythonIndex, names: frozenset[str], graph: AliasGraph | None = None
) -> IndexReach:
    """What of `index` can lead a name to one of `names` or to a Redis object, computed once.

    Only some summaries matter: an `ExportedObject` or `ExportedFactory` (a Redis object), and an
    `ExportedAlias` whose target can be rewritten into one of `names` or can itself reach such a
    summary (`canonical` rewrites a name through aliases, `resolve_external` follows them). A
    constant only describes an object that one of those gives, and an alias to anything else
    ends nowhere. Computed once per project context (`ProjectContext.index_reach`), from the
    index's `alias_graph` (`graph`, computed here when not given).
    """
    if graph is None:
        graph = alias_graph(index)
    relevant: set[Node] = set(graph.objects)
    for prefix in _dotted_prefixes(names):
        relevant.update(graph.by_target.get(prefix, ()))
    queue = list(relevant)
    followed: set[str] = set()
    while queue:
        module, name = queue.pop()
        suffixes = graph.suffixes.get(module, ())
        hitting: list[Node] = []
        for suffix in suffixes:
            hitting.extend(graph.by_prefix.get(f"{suffix}.{name}", ()))
        if module not in followed:  # the lookups that hit every export of the module
            followed.add(module)
            for suffix in suffixes:
                for prefix in dotted_prefixes(suffix):
                    hitting.extend(graph.by_target.get(prefix, ()))
        for alias in hitting:
            if alias not in relevant:
                relevant.add(alias)
                queue.append(alias)
    by_module: dict[str, set[str]] = {}
    for module, name in relevant:
        by_module.setdefault(module, set()).add(name)
    return _reach(by_module, graph.lookup_names)


@functools.lru_cache(maxsize=16)
def _dotted_prefixes(names: frozenset[str]) -> frozenset[str]:
    return frozenset(prefix for name in names for prefix in dotted_prefixes(name))


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
