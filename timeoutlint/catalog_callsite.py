"""The `callsite:` section of a catalog entry: a call-site rule declared as data.

A call-site rule names callees by qualified name (module functions and
constructors, or methods of objects built by a constructor), the argument
that carries the timeout, what counts as "no timeout", the library's own
default when the argument is absent, and the fix. `checks/callsite.py`
matches every declared callee of every rule in one pass over a file.

The section is validated strictly; every error names the file, the rule,
the field and the problem. This module only parses: it imports nothing from
the checks, so the catalog can use it without an import cycle.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Report = Literal["missing-timeout", "in-async"]
WhenAbsent = Literal["finding", "library-default"]

REPORTS: tuple[str, ...] = ("missing-timeout", "in-async")
WHEN_ABSENT: tuple[str, ...] = ("finding", "library-default")
FIX_PLACEHOLDERS = frozenset({"timeout", "seconds", "connect", "connect_int"})
MIN_TRIGGER_LENGTH = 4

_QUALIFIED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


class CallsiteError(ValueError):
    """A `callsite:` section is malformed; the catalog adds the file and rule to the message."""


Groups = Mapping[str, tuple[str, ...]]
"""Named lists of callees shared by several rules (`rules/groups.yaml`): a list of functions,
methods or constructors names one as `{group: NAME}` among its items."""

_GROUP_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def parse_groups(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    """Validate the groups file: a mapping of lowercase names to non-empty lists of names."""
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping of group names to lists of names")
    groups: dict[str, tuple[str, ...]] = {}
    for name, items in raw.items():
        if not isinstance(name, str) or not _GROUP_NAME.match(name):
            raise _fail(where, f"group name {name!r} must be lowercase words joined by '-'")
        groups[name] = _names(
            items, name, re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$"), "names", where
        )
    return groups


def _expand(raw: Any, field: str, groups: Groups, where: str) -> Any:
    """A list with each `{group: NAME}` item replaced by the group's names, in place."""
    if not isinstance(raw, list):
        return raw
    expanded: list[Any] = []
    for item in raw:
        if isinstance(item, dict):
            if set(item) != {"group"} or not isinstance(item["group"], str):
                raise _fail(where, f"field '{field}': a mapping item must be {{group: NAME}}")
            if item["group"] not in groups:
                known = ", ".join(sorted(groups)) or "none"
                raise _fail(
                    where, f"field '{field}' names an unknown group {item['group']!r} "
                    f"(known: {known})",
                )  # fmt: skip
            expanded.extend(groups[item["group"]])
        else:
            expanded.append(item)
    return expanded


@dataclass(frozen=True)
class ArgumentRef:
    """Where an argument can be passed: by keyword, and by position when it has one."""

    keyword: str
    positional: int | None = None


@dataclass(frozen=True)
class InString:
    """A connection string argument that may carry the setting itself, e.g. a libpq DSN."""

    argument: ArgumentRef
    contains: str


@dataclass(frozen=True)
class ArgumentSpec:
    """How one callee takes its timeout and what counts as missing."""

    keyword: str = "timeout"
    positional: int | None = None
    when_absent: WhenAbsent = "finding"
    when_none: WhenAbsent = "finding"
    absent_problem: str | None = None
    tuple_none_index: int | None = None
    in_string: InString | None = None
    constructor_keyword: bool = False
    fix_value: str | None = "{timeout}"
    fix_imports: tuple[str, ...] = ()
    unless_true: tuple[str, ...] = ()
    """Keywords that put the call in a mode where the timeout does not apply
    (`psycopg2.connect(async_=True)`): given and not known to be false, no finding."""


@dataclass(frozen=True)
class Callee:
    """Functions/constructors by qualified name, or methods of objects built by `on`."""

    functions: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    built_by: tuple[str, ...] = ()
    unless_overridden: tuple[str, ...] = ()
    argument: ArgumentSpec = ArgumentSpec()


@dataclass(frozen=True)
class TimeoutObject:
    """A timeout value built by a constructor, without a read limit either when every argument
    of `unbounded_when_none` is None or absent (aiohttp's `ClientTimeout`), or when the first
    argument of `read_limit` that is passed is None (httpx's `Timeout(5.0, read=None)`: `read`
    overrides the default `timeout`)."""

    constructor: str
    unbounded_when_none: tuple[ArgumentRef, ...]
    read_limit: tuple[ArgumentRef, ...] = ()


@dataclass(frozen=True)
class CallsiteSpec:
    report: Report
    triggers: tuple[str, ...]
    callees: tuple[Callee, ...]
    timeout_objects: tuple[TimeoutObject, ...] = ()


_SECTION_KEYS = ("report", "triggers", "defaults", "callees", "timeout-objects")
_ARGUMENT_KEYS = (
    "keyword", "positional", "when-absent", "when-none", "absent-problem", "tuple-none-index",
    "in-string", "constructor-keyword", "fix-value", "fix-imports", "unless-true",
)  # fmt: skip
_CALLEE_KEYS = ("functions", "methods", "built-by", "unless-overridden", *_ARGUMENT_KEYS)
_GROUPED_FIELDS = ("functions", "methods", "built-by", "unless-overridden")


def _fail(where: str, message: str) -> CallsiteError:
    return CallsiteError(f"{where}: {message}")


def _check_keys(raw: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise _fail(where, f"unknown field '{key}' (expected one of: {', '.join(allowed)})")


def _names(
    raw: Any, field: str, pattern: re.Pattern[str], what: str, where: str
) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, f"field '{field}' must be a non-empty list of {what}")
    for item in raw:
        if not isinstance(item, str) or not pattern.match(item):
            raise _fail(where, f"field '{field}' must list {what}, and {item!r} is not one")
    return tuple(raw)


def _index(raw: Any, field: str, where: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise _fail(where, f"field '{field}' must be a non-negative integer, not {raw!r}")
    return raw


def _text(raw: Any, field: str, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(where, f"field '{field}' must be a non-empty string, not {raw!r}")
    return raw.strip()


def _argument_ref(raw: Any, field: str, where: str) -> ArgumentRef:
    if not isinstance(raw, dict):
        raise _fail(where, f"field '{field}' must be a mapping with 'keyword' and 'positional'")
    _check_keys(raw, ("keyword", "positional"), f"{where} {field}")
    if "keyword" not in raw:
        raise _fail(where, f"field '{field}' needs a 'keyword'")
    keyword = _text(raw["keyword"], f"{field}.keyword", where)
    if not _IDENTIFIER.match(keyword):
        raise _fail(where, f"field '{field}.keyword' must be an identifier, not {keyword!r}")
    positional = raw.get("positional")
    return ArgumentRef(
        keyword, None if positional is None else _index(positional, f"{field}.positional", where)
    )


def _fix_value(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    value = _text(raw, "fix-value", where)
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise _fail(where, f"field 'fix-value' is not a valid template: {exc}") from None
    unknown = fields - FIX_PLACEHOLDERS
    if unknown:
        raise _fail(
            where,
            f"field 'fix-value' uses unknown placeholder(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(FIX_PLACEHOLDERS))}",
        )
    return value


def _argument_fields(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The argument fields present in `raw`, validated, as ArgumentSpec keyword arguments."""
    fields: dict[str, Any] = {}
    if "keyword" in raw:
        keyword = _text(raw["keyword"], "keyword", where)
        if not _IDENTIFIER.match(keyword):
            raise _fail(where, f"field 'keyword' must be an identifier, not {keyword!r}")
        fields["keyword"] = keyword
    if "positional" in raw:
        fields["positional"] = (
            None if raw["positional"] is None else _index(raw["positional"], "positional", where)
        )
    for field in ("when-absent", "when-none"):
        if field not in raw:
            continue
        if raw[field] not in WHEN_ABSENT:
            raise _fail(
                where,
                f"field '{field}' must be one of {', '.join(WHEN_ABSENT)}, not {raw[field]!r}",
            )
        fields[field.replace("-", "_")] = raw[field]
    if "absent-problem" in raw:
        fields["absent_problem"] = _text(raw["absent-problem"], "absent-problem", where)
    if "tuple-none-index" in raw:
        fields["tuple_none_index"] = _index(raw["tuple-none-index"], "tuple-none-index", where)
    if "in-string" in raw:
        in_string = raw["in-string"]
        if not isinstance(in_string, dict):
            raise _fail(where, "field 'in-string' must be a mapping with 'argument' and 'contains'")
        _check_keys(in_string, ("argument", "contains"), f"{where} in-string")
        if "argument" not in in_string or "contains" not in in_string:
            raise _fail(where, "field 'in-string' needs 'argument' and 'contains'")
        fields["in_string"] = InString(
            _argument_ref(in_string["argument"], "in-string.argument", where),
            _text(in_string["contains"], "in-string.contains", where),
        )
    if "constructor-keyword" in raw:
        if not isinstance(raw["constructor-keyword"], bool):
            raise _fail(where, "field 'constructor-keyword' must be true or false")
        fields["constructor_keyword"] = raw["constructor-keyword"]
    if "fix-value" in raw:
        fields["fix_value"] = _fix_value(raw["fix-value"], where)
    if "unless-true" in raw:
        fields["unless_true"] = _names(
            raw["unless-true"], "unless-true", _IDENTIFIER, "keyword names", where
        )
    if "fix-imports" in raw:
        fields["fix_imports"] = _names(
            raw["fix-imports"], "fix-imports", re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$"),
            "module names", where,
        )  # fmt: skip
    return fields


def _callee(raw: Any, defaults: Mapping[str, Any], where: str, groups: Groups) -> Callee:
    if not isinstance(raw, dict):
        raise _fail(where, "a callee must be a mapping")
    _check_keys(raw, _CALLEE_KEYS, where)
    raw = {
        key: _expand(value, key, groups, where) if key in _GROUPED_FIELDS else value
        for key, value in raw.items()
    }
    if ("functions" in raw) == ("methods" in raw):
        raise _fail(where, "give exactly one of 'functions' or 'methods' (with 'built-by')")
    argument = ArgumentSpec(**{**defaults, **_argument_fields(raw, where)})
    if "functions" in raw:
        for key in ("built-by", "unless-overridden"):
            if key in raw:
                raise _fail(where, f"field '{key}' belongs to 'methods', not 'functions'")
        if argument.constructor_keyword:
            raise _fail(where, "field 'constructor-keyword' only applies to 'methods'")
        functions = _names(
            raw["functions"], "functions", _QUALIFIED, "qualified names like 'package.function'",
            where,
        )  # fmt: skip
        return Callee(functions=functions, argument=argument)
    if "built-by" not in raw:
        raise _fail(where, "'methods' need 'built-by': the constructors that build the object")
    return Callee(
        methods=_names(raw["methods"], "methods", _IDENTIFIER, "method names", where),
        built_by=_names(
            raw["built-by"], "built-by", _QUALIFIED, "qualified constructor names", where
        ),
        unless_overridden=_names(
            raw["unless-overridden"], "unless-overridden", _IDENTIFIER, "method names", where
        )
        if "unless-overridden" in raw
        else (),
        argument=argument,
    )


def _timeout_object(raw: Any, where: str) -> TimeoutObject:
    if not isinstance(raw, dict):
        raise _fail(where, "a timeout object must be a mapping")
    _check_keys(raw, ("constructor", "unbounded-when-none", "read-limit"), where)
    if "constructor" not in raw or ("unbounded-when-none" in raw) == ("read-limit" in raw):
        raise _fail(
            where, "a timeout object needs 'constructor' and one of 'unbounded-when-none' or "
            "'read-limit'"
        )  # fmt: skip
    constructor = _text(raw["constructor"], "constructor", where)
    if not _QUALIFIED.match(constructor):
        raise _fail(where, f"field 'constructor' must be a qualified name, not {constructor!r}")
    field = "unbounded-when-none" if "unbounded-when-none" in raw else "read-limit"
    refs = raw[field]
    if not isinstance(refs, list) or not refs:
        raise _fail(where, f"field '{field}' must be a non-empty list of arguments")
    parsed = tuple(_argument_ref(ref, f"{field}[{i}]", where) for i, ref in enumerate(refs))
    if field == "read-limit":
        return TimeoutObject(constructor, (), parsed)
    return TimeoutObject(constructor, parsed)


def _entry_points(callee: Callee) -> tuple[str, ...]:
    return callee.functions or callee.built_by


def entry_point_triggers(spec: CallsiteSpec) -> dict[str, tuple[str, ...]]:
    """Each entry point of the callees (function or constructor) and the triggers that spell its
    first or last name (`_check_triggers` makes sure there is one)."""
    found: dict[str, tuple[str, ...]] = {}
    for callee in spec.callees:
        for name in _entry_points(callee):
            parts = name.split(".")
            found[name] = tuple(t for t in spec.triggers if t in parts[0] or t in parts[-1])
    return found


def default_triggers(callees: tuple[Callee, ...]) -> tuple[str, ...]:
    """The top-level packages of every callee: one of them is imported by any matching file."""
    return tuple(sorted({name.split(".")[0] for c in callees for name in _entry_points(c)}))


def _check_triggers(triggers: tuple[str, ...], callees: tuple[Callee, ...], where: str) -> None:
    for trigger in triggers:
        if len(trigger) < MIN_TRIGGER_LENGTH:
            raise _fail(
                where,
                f"trigger {trigger!r} is shorter than {MIN_TRIGGER_LENGTH} characters; "
                "it would make nearly every file parse",
            )
    for callee in callees:
        for name in _entry_points(callee):
            parts = name.split(".")
            spelled = (parts[0], parts[-1])
            if not any(t in part for t in triggers for part in spelled):
                raise _fail(
                    where,
                    f"no trigger occurs in '{parts[0]}' or '{parts[-1]}', so a file using "
                    f"{name} would never be checked; add one of them to 'triggers'",
                )


def parse_callsite(raw: Any, where: str, groups: Groups | None = None) -> CallsiteSpec:
    """Validate and build a `callsite:` section; `where` names the file and rule, `groups` the
    named callee lists its items may refer to."""
    where = f"{where} callsite"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    _check_keys(raw, _SECTION_KEYS, where)
    report = raw.get("report", "missing-timeout")
    if report not in REPORTS:
        raise _fail(where, f"field 'report' must be one of {', '.join(REPORTS)}, not {report!r}")
    defaults_raw = raw.get("defaults") or {}
    if not isinstance(defaults_raw, dict):
        raise _fail(where, "field 'defaults' must be a mapping of argument fields")
    _check_keys(defaults_raw, _ARGUMENT_KEYS, f"{where} defaults")
    defaults = _argument_fields(defaults_raw, f"{where} defaults")
    callees_raw = raw.get("callees")
    if not isinstance(callees_raw, list) or not callees_raw:
        raise _fail(where, "field 'callees' must be a non-empty list")
    callees = tuple(
        _callee(item, defaults, f"{where} callees[{i}]", groups or {})
        for i, item in enumerate(callees_raw)
    )
    objects_raw = raw.get("timeout-objects") or []
    if not isinstance(objects_raw, list):
        raise _fail(where, "field 'timeout-objects' must be a list")
    objects = tuple(
        _timeout_object(item, f"{where} timeout-objects[{i}]") for i, item in enumerate(objects_raw)
    )
    if "triggers" in raw:
        triggers = _names(
            raw["triggers"], "triggers", re.compile(r"^\S+$"), "strings without spaces", where
        )
    else:
        triggers = default_triggers(callees)
    _check_triggers(triggers, callees, where)
    return CallsiteSpec(report, triggers, callees, objects)


MESSAGE_FIELDS: dict[str, frozenset[str]] = {
    "missing-timeout": frozenset({"callee", "problem"}),
    "in-async": frozenset({"callee", "function"}),
}


def check_message(message: str, spec: CallsiteSpec, where: str) -> None:
    """A call-site rule's message may only use the placeholders its engine fills."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError as exc:
        raise _fail(where, f"field 'message' is not a valid template: {exc}") from None
    allowed = MESSAGE_FIELDS[spec.report]
    unknown = fields - allowed
    if unknown:
        raise _fail(
            where,
            f"field 'message' uses {', '.join('{' + f + '}' for f in sorted(unknown))}, but a "
            f"'{spec.report}' rule fills only {', '.join('{' + f + '}' for f in sorted(allowed))}",
        )
