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
import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from functools import cached_property

from timeoutlint.project import ProjectContext
from timeoutlint.python.import_scan import Imported, ImportedNames, scan_imports
from timeoutlint.python.model import absolute_module
from timeoutlint.python.module_names import module_name_for
from timeoutlint.redis.model import REDIS_CONSTRUCTORS


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
        names it takes, or attributes spelled in the file (`IndexReach.meets`, in
        `project/index_reach.py`). A builtin name (`builtins.open`, no import) reaches the index only if `builtins` is such a suffix.
        """
        imported = self.imported
        if imported is None:
            return True
        reach = self.project.index_reach(names)
        if "builtins" in reach.exports:
            return True
        return any(reach.meets(item, self.data) for item in imported)

    def may_reach(self, names: frozenset[str]) -> bool:
        """Whether a name of this file can be one of `names` (or a Redis object) to the Redis
        model, directly or through the project's index (`RedisModel.canonical`,
        `resolve_external`)."""
        return self.may_resolve_to(names) or self.may_reach_index(names)

    def may_reach_redis(self) -> bool:
        """Whether the Redis model (`redis/model.py`) can know any object in this file.

        Every `RedisObject` comes from a qualified name (after `canonical`): a call of one of
        `REDIS_CONSTRUCTORS`, or an object or factory summarised by the project's index; local
        functions, `self.x` and method calls (`client.pubsub()`) only pass such values on.
        """
        return self.may_reach(REDIS_CONSTRUCTORS)


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


_BETWEEN_TOKENS = rb"(?:\s|\\|#[^\r\n]*)*"
"""What may separate two tokens inside a call's parentheses: whitespace and newlines (implicit
line joining), backslash continuations and comments."""


@functools.lru_cache(maxsize=32)
def _keyword_passed(keyword: str) -> re.Pattern[bytes]:
    word = re.escape(keyword.encode("utf-8"))
    return re.compile(rb"(?<![A-Za-z0-9_])" + word + rb"(?:[\"']|" + _BETWEEN_TOKENS + rb"=)")


@functools.lru_cache(maxsize=32)
def _literal_passed(keyword: str) -> re.Pattern[bytes]:
    word = re.escape(keyword.encode("utf-8"))
    opening = rb"(?:\s|\\|#[^\r\n]*|\()*[A-Za-z]{0,2}[\"']"
    return re.compile(rb"(?<![A-Za-z0-9_])" + word + _BETWEEN_TOKENS + rb"=" + opening)


def may_pass_literal(data: bytes, keyword: str) -> bool:
    """Whether a call in `data` can pass a string literal as the keyword argument `keyword`
    (`password="s3cret"`, `password=("s3cret")`, `password=r'x'`): the name as in
    `may_pass_keyword`, `=`, then blanks, comments, continuations or opening parentheses, a
    string prefix of at most two letters and a quote."""
    return _literal_passed(keyword).search(data) is not None


def may_pass_keyword(data: bytes, keyword: str) -> bool:
    """Whether a call in `data` can pass the argument `keyword` by name.

    The model reads a keyword argument from the call's `keywords` (`keyword=value`: the name,
    then only whitespace, comments or continuations before `=`) or from the constant key of a
    `**{...}` splat or of a dict a helper returns (`splat_dicts`, `callsite._dict_item`): a
    string literal, at the splat or bound to a name of this file, that is exactly `keyword`,
    so its closing quote follows the name. Either way no identifier character comes before the
    name (`read_timeout=` is another keyword). Spelled with the bytes it is written with,
    like the triggers (no escapes or implicit concatenation inside the key).
    """
    return _keyword_passed(keyword).search(data) is not None
