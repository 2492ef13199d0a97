"""Prefilter guards: a second, cheaper-than-parsing test per check, after its trigger bytes matched.

A check's triggers (`Check.triggers`) are an OR of byte strings. A guard (`Check.guard`) looks
at the same bytes once a trigger matched, with the file's path, the enabled rules and the
project context, and says whether the check can possibly report; when it says no, the file is
not parsed for that check. Every guard must be sound: it returns True for every file on which
the check's `run` could report a finding. Each guard's docstring says why.

Most guards rest on one fact of the model (`python/model.py`): a name gets a qualified name only
from an import statement of the same file (or is a builtin), so a call can resolve into a
package (`requests.get`, `redis.Redis`) only if the file imports that package, or is itself
inside it and uses a relative import, or the name reaches the project's Python index
(`project/python_index.py`), which answers for module names ending with one of its indexed
modules' names. `Prospect.may_resolve_into` decides that from the bytes
(`python/import_scan.py`).

Like the triggers, the guards read identifiers, keywords and URL schemes as the ASCII bytes they
are written with (an ASCII-compatible source encoding, no escapes inside a literal's scheme).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import cached_property

from timeoutlint.project import ProjectContext, module_name_for
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.python.import_scan import Imported, ImportedNames, scan_imports
from timeoutlint.python.model import absolute_module
from timeoutlint.redis.model import (
    REDIS_CONSTRUCTORS,
    ExportedAlias,
    ExportedFactory,
    ExportedObject,
)

_SETTINGS_MODULE = "django.conf.settings"
"""`django.conf.settings.X` is looked up in the project's settings modules (`python_index`)."""


def gives(imported: Imported, name: str) -> bool:
    """Whether a qualified name the import gives (`path.NAME.attributes...`, NAME one of its
    names, or any) can be `name`."""
    if name == imported.path:
        return imported.names is None
    path = imported.path + "."
    if not name.startswith(path):
        return False
    following = name[len(path) :].split(".", 1)[0]
    return imported.names is None or following in imported.names


@dataclass
class Prospect:
    """A file whose bytes passed a check's triggers, as a guard sees it.

    `relative` is the project-relative path (None when unknown: then a relative import may
    resolve anywhere); `enabled` are the rules enabled for this file.
    """

    data: bytes
    relative: str | None
    enabled: frozenset[str]
    project: ProjectContext

    @cached_property
    def imports(self) -> ImportedNames:
        return scan_imports(self.data)

    @cached_property
    def relative_imports(self) -> frozenset[Imported] | None:
        """This file's relative imports made absolute as the model does (from the file's module
        name), or None when its path is unknown."""
        found = self.imports.relative
        if not found:
            return frozenset()
        if self.relative is None:
            return None
        own, is_package = module_name_for(self.relative)
        resolved = set()
        for item in found:
            path = absolute_module(own, is_package, item.level, item.module)
            if path is not None:
                resolved.add(Imported(path, item.names))
        return frozenset(resolved)

    @cached_property
    def imported(self) -> frozenset[Imported] | None:
        """Every import of this file, or None when they cannot be told from the bytes (a
        non-ASCII name, a relative import of an unknown path)."""
        relative = self.relative_imports
        if self.imports.opaque or relative is None:
            return None
        return self.imports.absolute | relative

    def may_resolve_into(self, packages: Set[str]) -> bool:
        """Whether a qualified name resolved in this file can start with one of `packages`."""
        imported = self.imported
        return imported is None or any(_first(i.path) in packages for i in imported)

    def may_resolve_to(self, names: Set[str]) -> bool:
        """Whether a qualified name resolved in this file can be one of `names` (without the
        project's index)."""
        imported = self.imported
        if imported is None:
            return True
        by_package = _by_package(frozenset(names))
        return any(
            gives(item, name) for item in imported for name in by_package.get(_first(item.path), ())
        )

    def may_reach_index(self, names: frozenset[str]) -> bool:
        """Whether a name of this file can be one the project's index answers for with a Redis
        object or a name that leads to one of `names` (`index_reach`).

        `PythonIndex.lookup` (used by `RedisModel.canonical` and `resolve_external`) splits a
        name into a module part, which must be a dotted suffix of an indexed module's name, and
        a last name, which that module must export; a `django.conf.settings.` name is looked up
        in the settings modules instead. A name starts with an import's path and one of the
        names it takes, or attributes spelled in the file (`IndexReach.meets`). A builtin name
        (`builtins.open`, no import) reaches the index only if `builtins` is such a suffix.
        """
        imported = self.imported
        if imported is None:
            return True
        reach = index_reach(self.project.python_index, names)
        if "builtins" in reach.exports:
            return True
        return any(reach.meets(item, self.data) for item in imported)

    def may_reach(self, names: frozenset[str]) -> bool:
        """Whether a name of this file can be one of `names` (or a Redis object) to the Redis
        model, directly or through the project's index (`RedisModel.canonical`,
        `resolve_external`)."""
        return self.may_resolve_to(names) or self.may_reach_index(names)

    def may_reach_redis(self) -> bool:
        """Whether the Redis model (`python/redis_model.py`) can know any object in this file.

        Every `RedisObject` comes from a qualified name (after `canonical`): a call of one of
        `REDIS_CONSTRUCTORS`, or an object or factory summarised by the project's index; local
        functions, `self.x` and method calls (`client.pubsub()`) only pass such values on.
        """
        return self.may_reach(REDIS_CONSTRUCTORS)


@dataclass(frozen=True)
class IndexReach:
    """What the project's index can answer for: per dotted suffix of an indexed module's name
    (a lookup's module part), the names those modules export that matter; per dotted prefix of
    those suffixes, the components that can follow it."""

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
    ends nowhere.
    """
    key = (id(index), names)
    cached = _INDEX_REACH.get(key)
    if cached is not None and cached[0] is index:
        return cached[1]
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
    reach = _reach(by_module, lookup_names)
    _INDEX_REACH[key] = (index, reach)
    return reach


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


_INDEX_REACH: dict[tuple[int, frozenset[str]], tuple[PythonIndex, IndexReach]] = {}


def _first(path: str) -> str:
    return path.split(".", 1)[0]


@functools.lru_cache(maxsize=16)
def _by_package(names: frozenset[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        grouped.setdefault(_first(name), []).append(name)
    return {package: tuple(found) for package, found in grouped.items()}


Guard = Callable[[Prospect], bool]


def mentions_any(data: bytes, words: tuple[bytes, ...]) -> bool:
    return any(word in data for word in words)
