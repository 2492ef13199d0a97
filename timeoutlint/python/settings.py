"""Reading Django-style settings dicts (`CACHES`, `DATABASES`) from the Python model.

A settings module assigns a dict display or `dict(...)` to an upper-case
name at module (or class) level, and often changes it afterwards:
`CACHES["x"] = {...}`, `CACHES["x"]["OPTIONS"]["K"] = v`, `.update({...})`,
`.setdefault("K", {})`, `|=`, `del`. Rules read the dict Django gets: the
display with those changes folded in, in source order (`SettingsDict`).

A change makes unknown only what it may add or replace:

- a change with a key and value we can read sets that key, wherever it runs
  (a key set under `if` counts as set: the author handled it);
- a change whose keys we cannot read (`.update(x)` of an unseen dict, a computed
  key, a `**splat`) *opens* the dict it changes: a rule never reports a key
  as missing from an open dict. When such a change runs only under a
  condition (`if`, a loop body, an `except` branch), the path that skips it
  still has the dict as written; it is recorded in `opened_by` instead, and a
  rule may report a missing key saying which change could add it;
- a value such a change may replace is no longer known (`SettingsItem.value`
  is None); a change inside a function, or through a key we cannot read, is
  taken as one that may or may not have happened.

A settings file split across modules (`prod.py` with `from .base import *`) changes a dict it
does not bind. Its entries are the base file's, checked there, plus those this file adds:
`CACHES["x"] = {...}` (or `dict(...)`), a key of a display given to `.update` or `|=`
(`settings_entries(..., added_to_unseen=True)`). Such an entry is written here, so it is read as
any entry, and a later change in this file is folded into it as above. The base dict is open
(it holds keys we do not read here), so a `.setdefault` on it may keep the base's entry and adds
nothing we read. What a file that imports this one (`local.py` with `from .prod import *`) does
to the entry afterwards is out of reach: one file is read at a time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from timeoutlint.python.model import Binding, PythonModule, Scope, walk
from timeoutlint.python.values import UNKNOWN, Constant, DictValue, Value

_READ_METHODS = frozenset({"get", "items", "keys", "values", "copy"})
_CONDITIONAL = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)
_BRANCHES = (*_CONDITIONAL, ast.Try)


@dataclass(frozen=True)
class SettingsItem:
    """One key of a settings dict: where the key is written, its value expression (None when a
    later change may have replaced it with something unseen), and the value as a settings dict
    when it is one."""

    key: ast.expr
    value: ast.expr | None
    scope: Scope
    dict: SettingsDict | None = None


@dataclass(frozen=True)
class SettingsDict:
    """A dict's items by constant string key, with later changes folded in.

    `open`: a change or splat we cannot read may have added keys on every path. `opened_by`:
    the changes that may add unseen keys but run only under a condition (line numbers).
    """

    node: ast.expr
    items: Mapping[str, SettingsItem]
    open: bool
    opened_by: tuple[int, ...] = ()

    def value_of(self, key: str, model: PythonModule) -> Value:
        item = self.items.get(key)
        if item is None or item.value is None:
            return UNKNOWN
        return model.resolve(item.value, item.scope)

    def child(self, key: str) -> SettingsDict | None:
        item = self.items.get(key)
        return item.dict if item is not None else None


# The mutable form, while changes are folded in ------------------------------------------------


@dataclass(eq=False)
class _Item:
    key: ast.expr
    value: ast.expr | None
    scope: Scope
    dict: _Dict | None


@dataclass(eq=False)
class _Dict:
    node: ast.expr
    items: dict[str, _Item] = field(default_factory=dict)
    open: bool = False
    opened_by: list[int] = field(default_factory=list)

    def freeze(self, seen: dict[int, SettingsDict] | None = None) -> SettingsDict:
        seen = {} if seen is None else seen
        done = seen.get(id(self))
        if done is not None:
            return done
        items: dict[str, SettingsItem] = {}
        frozen = SettingsDict(self.node, items, self.open, tuple(sorted(set(self.opened_by))))
        seen[id(self)] = frozen
        for name, item in self.items.items():
            inner = item.dict.freeze(seen) if item.dict is not None else None
            items[name] = SettingsItem(item.key, item.value, item.scope, inner)
        return frozen

    def forget_values(self) -> None:
        """A change we cannot read may have replaced every value."""
        for item in self.items.values():
            item.value = None
            item.dict = None


@dataclass(frozen=True)
class _Change:
    """How a change is made: `maybe` when it may not apply to this dict (a computed key on the
    way, inside a function); `conditional` when it runs only under a condition."""

    maybe: bool
    conditional: bool
    line: int


class _Folder:
    """Builds each settings dict once per dict node (the same display reached twice is one
    object at runtime) and applies the file's changes to them in source order."""

    def __init__(self, model: PythonModule) -> None:
        self.model = model
        self.dicts: dict[int, _Dict] = {}
        self.unseen: tuple[str, _Dict] | None = None
        """A setting this file changes but does not bind, and the dict standing for it."""

    def build(self, value: Value, scope: Scope) -> _Dict | None:
        if not isinstance(value, DictValue):
            return None
        known = self.dicts.get(id(value.node))
        if known is not None:
            return known
        built = _Dict(value.node)
        self.dicts[id(value.node)] = built
        self._merge(built, value, scope, _Change(False, False, 0))
        return built

    def _item(self, key: ast.expr, value: ast.expr, scope: Scope) -> _Item:
        built = self.build(self.model.resolve(value, scope), scope)
        if built is None and isinstance(value, (ast.Name, ast.Subscript)):
            reached, maybe = self.reach(value, scope)
            if len(reached) == 1 and not maybe:
                built = reached[0]
        return _Item(key, value, scope, built)

    def _key(self, key: ast.expr, scope: Scope) -> str | None:
        resolved = self.model.resolve(key, scope)
        if isinstance(resolved, Constant) and isinstance(resolved.value, str):
            return resolved.value
        return None

    def _merge(self, target: _Dict, value: DictValue, scope: Scope, change: _Change) -> None:
        for key, item in value.items:
            name = None if key is None else self._key(key, scope)
            if key is None or name is None:
                self._open(target, change)
                continue
            self._set(target, name, key, item, scope, change)

    def _open(self, target: _Dict, change: _Change) -> None:
        if change.conditional and not change.maybe:
            target.opened_by.append(change.line)
            return
        target.open = True
        if change.line:
            target.forget_values()

    def _set(
        self,
        target: _Dict,
        name: str,
        key: ast.expr,
        value: ast.expr,
        scope: Scope,
        change: _Change,
    ) -> None:
        if change.maybe:
            existing = target.items.get(name)
            if existing is not None:
                existing.value, existing.dict = None, None
            else:
                target.items[name] = _Item(key, None, scope, None)
            return
        target.items[name] = self._item(key, value, scope)

    # Finding the dicts a change reaches ---------------------------------------------------

    def reach(self, expr: ast.expr, scope: Scope, depth: int = 0) -> tuple[list[_Dict], bool]:
        """The dicts `expr` (`NAME["a"]["b"]`, an alias of one, a loop variable over
        `NAME.values()`) can be, and whether a computed key on the way makes that a maybe."""
        if depth > 12:
            return [], False
        if isinstance(expr, ast.Subscript):
            bases, maybe = self.reach(expr.value, scope, depth + 1)
            name = self._key(expr.slice, scope)
            return _step(bases, name), maybe or name is None
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "setdefault"
            and expr.args
        ):
            bases, maybe = self.reach(expr.func.value, scope, depth + 1)
            name = self._key(expr.args[0], scope)
            return _step(bases, name), maybe or name is None
        if not isinstance(expr, ast.Name):
            return [], False
        reaching = self._reaching(expr, scope)
        if (
            self.unseen is not None
            and expr.id == self.unseen[0]
            and all(_merged_in_place(binding, self.model) for binding in reaching)
        ):
            return [self.unseen[1]], False
        found: list[_Dict] = []
        maybe = False
        for binding in reaching:
            dicts, through = self._reach_binding(binding, depth)
            found.extend(d for d in dicts if all(d is not f for f in found))
            maybe = maybe or through
        return found, maybe

    def _reach_binding(self, binding: Binding, depth: int) -> tuple[list[_Dict], bool]:
        if binding.kind in ("assign", "with") and isinstance(
            binding.value, (ast.Subscript, ast.Call)
        ):
            aliased = self.reach(binding.value, binding.scope, depth + 1)
            if aliased[0]:
                return aliased
        looped = self._loop_variable(binding, depth)
        if looped is not None:
            return looped
        built = self.build(self.model.resolve_binding(binding), binding.scope)
        return ([built] if built is not None else []), False

    def _reaching(self, name: ast.Name, scope: Scope) -> list[Binding]:
        """The bindings of `name` that may be the one in effect where it is used: the latest
        before the use and, while that one sits in a branch the use is not in (`if CACHE_URL:
        CACHES = {...}`), the ones before it; from a nested scope, which runs later, any."""
        at = (name.lineno, name.col_offset)
        latest = self.model.lookup(name.id, scope, at)
        if latest is None:
            return []
        current: Scope | None = scope
        candidates: list[Binding] = [latest]
        while current is not None:
            bound = current.bindings.get(name.id, [])
            if any(b is latest for b in bound):
                if current is not scope:
                    return list(bound)
                candidates = [b for b in bound if b.effective <= at] or [latest]
                break
            current = current.parent
        use_branches = self._branches(name)
        reaching: list[Binding] = []
        for binding in reversed(candidates):
            reaching.append(binding)
            if not (self._branches(binding.node) - use_branches):
                break
        return reaching

    def _branches(self, node: ast.AST) -> set[int]:
        return {id(a) for a in self.model.ancestors(node) if isinstance(a, _BRANCHES)}

    def _loop_variable(self, binding: Binding, depth: int) -> tuple[list[_Dict], bool] | None:
        """`for entry in NAME.values()` / `for alias, entry in NAME.items()`: any entry."""
        loop = self.model.parent(binding.node)
        index = 0
        if isinstance(loop, ast.Tuple):
            if len(loop.elts) != 2 or loop.elts[1] is not binding.node:
                return None
            index, loop = 1, self.model.parent(loop)
        if not isinstance(loop, (ast.For, ast.AsyncFor)):
            return None
        source = loop.iter
        if not (
            isinstance(source, ast.Call)
            and isinstance(source.func, ast.Attribute)
            and source.func.attr == ("items" if index else "values")
            and not source.args
        ):
            return None
        bases, _ = self.reach(source.func.value, binding.scope, depth + 1)
        return _step(bases, None), True

    # Applying one statement ---------------------------------------------------------------

    def apply(self, node: ast.AST, scope: Scope) -> None:
        change_line = getattr(node, "lineno", 0)
        in_function = self.model.function_scope(scope) is not None
        conditional = in_function or any(
            isinstance(a, _CONDITIONAL) for a in self.model.ancestors(node)
        )
        if isinstance(node, ast.AugAssign):
            self._merge_into(node, scope, conditional, in_function, change_line)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is None:
                return
            for target in targets:
                if isinstance(target, ast.Subscript):
                    self._assign(target, node.value, scope, conditional, in_function, change_line)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    self._delete(target, scope, in_function)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            self._method(node, scope, conditional, in_function, change_line)

    def _merge_into(
        self, node: ast.AugAssign, scope: Scope, conditional: bool, in_function: bool, line: int
    ) -> None:
        """`NAME["x"] |= {...}` merges; any other augmented assignment replaces the value."""
        if not isinstance(node.target, (ast.Name, ast.Subscript)):
            return
        dicts, maybe = self.reach(node.target, scope)
        merged = self.model.resolve(node.value, scope)
        change = _Change(maybe or in_function, conditional, line)
        for target_dict in dicts:
            if isinstance(node.op, ast.BitOr) and isinstance(merged, DictValue):
                self._merge(target_dict, merged, scope, change)
            else:
                target_dict.items.clear()
                target_dict.open = True

    def _assign(
        self,
        target: ast.Subscript,
        value: ast.expr,
        scope: Scope,
        conditional: bool,
        in_function: bool,
        line: int,
    ) -> None:
        dicts, maybe = self.reach(target.value, scope)
        name = self._key(target.slice, scope)
        change = _Change(maybe or in_function, conditional, line)
        for target_dict in dicts:
            if name is None:
                self._open(target_dict, change)
            else:
                self._set(target_dict, name, target.slice, value, scope, change)

    def _delete(self, target: ast.Subscript, scope: Scope, in_function: bool) -> None:
        dicts, maybe = self.reach(target.value, scope)
        name = self._key(target.slice, scope)
        for target_dict in dicts:
            if name is None:
                target_dict.items.clear()
                target_dict.open = True
                continue
            target_dict.items.pop(name, None)
            if maybe or in_function:
                target_dict.open = True

    def _method(
        self, call: ast.Call, scope: Scope, conditional: bool, in_function: bool, line: int
    ) -> None:
        assert isinstance(call.func, ast.Attribute)
        method = call.func.attr
        if method in _READ_METHODS:
            return
        dicts, maybe = self.reach(call.func.value, scope)
        change = _Change(maybe or in_function, conditional, line)
        for target in dicts:
            if method == "update":
                self._update(target, call, scope, change)
            elif method == "setdefault" and call.args:
                name = self._key(call.args[0], scope)
                if name is None:
                    self._open(target, change)
                elif name not in target.items:
                    default = call.args[1] if len(call.args) > 1 else ast.Constant(None)
                    kept = replace(change, maybe=change.maybe or target.open)
                    self._set(target, name, call.args[0], default, scope, kept)
            elif method == "pop" and call.args and self._key(call.args[0], scope) is not None:
                name = self._key(call.args[0], scope)
                assert name is not None
                target.items.pop(name, None)
                if change.maybe:
                    target.open = True
            else:
                target.items.clear()
                target.open = True

    def _update(self, target: _Dict, call: ast.Call, scope: Scope, change: _Change) -> None:
        for argument in call.args:
            merged = self.model.resolve(argument, scope)
            if isinstance(merged, DictValue):
                self._merge(target, merged, scope, change)
            else:
                self._open(target, change)
        for keyword in call.keywords:
            if keyword.arg is None:
                self._open(target, change)
            else:
                self._set(
                    target, keyword.arg, ast.Constant(keyword.arg), keyword.value, scope, change
                )


def _merged_in_place(binding: Binding, model: PythonModule) -> bool:
    """`NAME |= {...}`: binds NAME to the same dict, changed."""
    statement = model.parent(binding.node)
    return (
        isinstance(statement, ast.AugAssign)
        and statement.target is binding.node
        and isinstance(statement.op, ast.BitOr)
    )


def _unbound(model: PythonModule, name: str) -> bool:
    """No module-level statement binds `name` (a star import may), other than `|=` on it."""
    return all(
        _merged_in_place(binding, model) for binding in model.module_scope.bindings.get(name, [])
    )


def _step(dicts: list[_Dict], name: str | None) -> list[_Dict]:
    found: list[_Dict] = []
    for current in dicts:
        items = current.items.values() if name is None else [current.items.get(name)]
        found.extend(item.dict for item in items if item is not None and item.dict is not None)
    return found


def _changes(model: PythonModule) -> Iterator[ast.AST]:
    """The statements and calls that may change a dict, in source order (a call before the
    assignment it is part of, as Python evaluates `d.setdefault("k", {})["x"] = 1`)."""
    found: list[tuple[int, int, int, ast.AST]] = []
    for node in walk(model.tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Delete)):
            found.append((node.lineno, node.col_offset, 1, node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            found.append((node.lineno, node.col_offset, 0, node))
    found.sort(key=lambda entry: entry[:3])
    return (entry[3] for entry in found)


def _definition_scope(model: PythonModule, node: ast.AST) -> Scope | None:
    """The module or class scope a settings assignment runs in; None inside a function."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if isinstance(ancestor, ast.ClassDef):
            return model.scope_of_definition(ancestor)
    return model.module_scope


def settings_assignments(model: PythonModule, name: str) -> Iterator[tuple[ast.expr, Scope]]:
    """The values assigned to the setting `name` outside functions, with their scopes."""
    for node in walk(model.tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            scope = _definition_scope(model, node)
            if scope is not None:
                yield value, scope


def quote_style(model: PythonModule, entry: SettingsDict) -> str:
    """The quote character the dict's keys are written with, for keys a fix adds."""
    for item in entry.items.values():
        key_node = item.key
        if isinstance(key_node, ast.Constant) and hasattr(key_node, "lineno"):
            segment = ast.get_source_segment(model.source, key_node) or ""
            stripped = segment.lstrip("rRbBuUfF")
            if stripped[:1] in ("'", '"'):
                return stripped[0]
    return '"'


def settings_entries(
    model: PythonModule, name: str, *, added_to_unseen: bool = False
) -> Iterator[tuple[str, SettingsDict]]:
    """Each readable entry of a setting like `CACHES` or `DATABASES` as Django gets it, changes
    folded in: (alias, entry dict). With `added_to_unseen`, when the file does not bind `name`
    (it comes from a star import), the entries this file adds to it."""
    folder = _Folder(model)
    roots = [
        folder.build(model.resolve(value_node, scope), scope)
        for value_node, scope in settings_assignments(model, name)
    ]
    if not roots and added_to_unseen and _unbound(model, name):
        unseen = _Dict(ast.Name(id=name, ctx=ast.Load()), open=True)
        folder.unseen = (name, unseen)
        roots = [unseen]
    if not any(roots):
        return
    for node in _changes(model):
        folder.apply(node, model.scope_of(node))
    frozen: dict[int, SettingsDict] = {}
    entries: dict[tuple[str, int], SettingsDict] = {}
    for root in roots:
        if root is None:
            continue
        settings = root.freeze(frozen)
        for alias, item in settings.items.items():
            if item.dict is None:
                continue
            entry = item.dict
            if settings.opened_by:
                lines = tuple(sorted({*entry.opened_by, *settings.opened_by}))
                entry = replace(entry, opened_by=lines)
            entries[(alias, id(entry.node))] = _merged(entries.get((alias, id(entry.node))), entry)
    for (alias, _), entry in entries.items():
        yield alias, entry


def _merged(earlier: SettingsDict | None, entry: SettingsDict) -> SettingsDict:
    """One entry added to every binding of the setting (`DATABASES["replica"] = {...}` after an
    `if`/`else` that binds `DATABASES` twice) is one entry: reported once, and open if it is
    open under any of them."""
    if earlier is None:
        return entry
    lines = tuple(sorted({*earlier.opened_by, *entry.opened_by}))
    return replace(earlier, open=earlier.open or entry.open, opened_by=lines)
