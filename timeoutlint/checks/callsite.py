"""The engine for call-site rules declared as data (`callsite:` in a catalog entry).

Every rule with a `callsite:` section, built-in or from a user's rule pack,
is compiled into one index: qualified name -> the rules that declare it, and
method name -> the rules that declare it on objects of some constructor. One
pass over a file's calls resolves each plausible callee once with the Python
model and looks it up. Objects are recognised by what built them
(`CallResult` of a declared constructor, or of a class defined in the file
that derives from one), never by a variable's name. When several callees of
one rule match a call, the first one declared decides.

Two kinds of report:

- `missing-timeout`: the argument that carries the timeout is absent (when
  the library has no default), `None`, a tuple with `None` at the read
  position, or a timeout object built without a limit (`httpx.Timeout(None)`).
  `**kwargs` or `*args` that may carry it make the call unknown: no finding.
- `in-async`: any matched call directly inside an `async def` (a blocking
  call on the event loop); nested sync functions and lambdas are not.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TypeVar

from timeoutlint.catalog import Rule
from timeoutlint.catalog_callsite import (
    ArgumentRef,
    ArgumentSpec,
    Callee,
    TimeoutObject,
    entry_point_triggers,
)
from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, gives, may_pass_keyword, mentions_any
from timeoutlint.checks.splat_dicts import (
    helper_dicts,
    helper_result_is_settled,
    may_be_overridden,
    splat_is_settled,
)
from timeoutlint.config import Config
from timeoutlint.findings import Applicability, Fix, Span
from timeoutlint.fix_operations import AddImport, AddKeyword, ReplaceKeywordValue
from timeoutlint.project import ProjectContext
from timeoutlint.project.client_factories import ClientLookup, ExportedClient, client_for
from timeoutlint.python.import_scan import Imported
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.module_names import dotted_prefixes
from timeoutlint.python.values import (
    UNKNOWN,
    BoundAttribute,
    CallResult,
    Constant,
    DictValue,
    Instance,
    LocalClass,
    LocalFunction,
    QualifiedName,
    TupleValue,
    Value,
)

_MAX_CLASS_DEPTH = 8


class TimeoutState(Enum):
    GIVEN = "given"
    MISSING = "missing"
    NONE = "none"
    READ_NONE = "read-none"
    UNBOUNDED = "unbounded"


@dataclass(frozen=True)
class TimeoutArgument:
    state: TimeoutState
    node: ast.AST | None = None
    keyword: bool = False
    certain: bool = True
    """False when a splatted helper may be overridden to pass it after all (no safe fix)."""


@dataclass(frozen=True)
class Declared:
    """One callee declaration of one rule."""

    rule_id: str
    callee: Callee


@dataclass(frozen=True)
class CallsiteIndex:
    functions: Mapping[str, tuple[Declared, ...]]
    methods: Mapping[str, tuple[Declared, ...]]
    attribute_names: frozenset[str]
    timeout_objects: Mapping[str, TimeoutObject]
    in_async_rules: frozenset[str]


def build_index(rules: Iterable[Rule]) -> CallsiteIndex:
    functions: dict[str, list[Declared]] = {}
    methods: dict[str, list[Declared]] = {}
    objects: dict[str, TimeoutObject] = {}
    in_async: set[str] = set()
    for rule in rules:
        spec = rule.callsite
        if spec is None:
            continue
        if spec.report == "in-async":
            in_async.add(rule.id)
        for callee in spec.callees:
            declared = Declared(rule.id, callee)
            for name in callee.functions:
                functions.setdefault(name, []).append(declared)
            for method in callee.methods:
                methods.setdefault(method, []).append(declared)
        for timeout_object in spec.timeout_objects:
            objects[timeout_object.constructor] = timeout_object
    attribute_names = frozenset(methods) | {name.rsplit(".", 1)[1] for name in functions}
    return CallsiteIndex(
        {k: tuple(v) for k, v in functions.items()},
        {k: tuple(v) for k, v in methods.items()},
        attribute_names,
        objects,
        frozenset(in_async),
    )


# What an object is ----------------------------------------------------------


def _built_by_class(
    value: Value, constructors: tuple[str, ...], overrides: tuple[str, ...], depth: int = 0
) -> bool:
    if depth > _MAX_CLASS_DEPTH:
        return False
    if isinstance(value, QualifiedName):
        return value.name in constructors
    if isinstance(value, LocalClass):
        defines = {
            node.name
            for node in value.node.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        if defines & set(overrides):
            return False
        return any(
            _built_by_class(base, constructors, overrides, depth + 1) for base in value.bases
        )
    return False


def built_by(value: Value, constructors: tuple[str, ...], overrides: tuple[str, ...] = ()) -> bool:
    """Whether `value` is an object made by one of `constructors` (or a local subclass): a call
    result, or an `Instance` a type annotation or an `x or Class()` fallback declares."""
    if isinstance(value, Instance):
        return _built_by_class(value.cls, constructors, overrides)
    return isinstance(value, CallResult) and _built_by_class(value.callee, constructors, overrides)


def _receiver(model: PythonModule, value: Value) -> Value:
    """The object a method is called on, with a factory function of the file followed to what
    it returns (`def make(): return requests.Session()`, or `-> requests.Session`)."""
    if isinstance(value, CallResult) and isinstance(value.callee, LocalFunction):
        return model.returned_object(value.callee)
    return value


def matching_declarations(
    index: CallsiteIndex,
    model: PythonModule,
    call: ast.Call,
    scope: Scope,
    clients: ClientLookup | None = None,
) -> tuple[Value, list[Declared]]:
    """What `call.func` is, and every declaration it matches; `clients` gives the network
    clients other project modules build (`project/client_factories.py`)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr not in index.attribute_names:
        return (UNKNOWN, [])
    if not isinstance(func, (ast.Attribute, ast.Name)):
        return (UNKNOWN, [])
    callee = model.resolve(func, scope)
    if isinstance(callee, QualifiedName):
        functions = list(index.functions.get(callee.name, ()))
        if functions or clients is None or "." not in callee.name:
            return callee, functions
        base, name = callee.name.rsplit(".", 1)  # `http.session.get`: an object of a module
        callee = BoundAttribute(QualifiedName(base), name)
    if isinstance(callee, BoundAttribute):
        callee = BoundAttribute(_receiver(model, callee.base), callee.name)
        imported = client_for(clients, callee.base)
        matched = [
            declared
            for declared in index.methods.get(callee.name, ())
            if (
                imported.built_by(declared.callee.built_by, declared.callee.unless_overridden)
                if imported is not None
                else built_by(
                    callee.base, declared.callee.built_by, declared.callee.unless_overridden
                )
            )
        ]
        return callee, matched
    return callee, []


# How the timeout is passed --------------------------------------------------


def _argument_node(call: ast.Call, ref: ArgumentRef) -> tuple[ast.expr | None, bool, bool]:
    """(the node passing `ref`, passed by keyword, known): unknown with `*args`/`**kwargs`."""
    for keyword in call.keywords:
        if keyword.arg == ref.keyword:
            return keyword.value, True, True
    if ref.positional is not None:
        if any(isinstance(arg, ast.Starred) for arg in call.args[: ref.positional + 1]):
            return None, False, False
        if len(call.args) > ref.positional:
            return call.args[ref.positional], False, True
    return None, False, True


def _is_none(value: Value) -> bool:
    return isinstance(value, Constant) and value.value is None


def _unbounded_object(value: Value, index: CallsiteIndex, model: PythonModule) -> bool:
    if not isinstance(value, CallResult) or not isinstance(value.callee, QualifiedName):
        return False
    timeout_object = index.timeout_objects.get(value.callee.name)
    if timeout_object is None:
        return False
    call = value.call
    if any(k.arg is None for k in call.keywords) or any(
        isinstance(a, ast.Starred) for a in call.args
    ):
        return False
    for ref in timeout_object.read_limit:
        node, _, _ = _argument_node(call, ref)
        if node is not None:
            return _is_none(model.resolve(node, value.scope))
    if timeout_object.read_limit:
        return False  # nothing passed: the constructor raises, or has a limit of its own
    for ref in timeout_object.unbounded_when_none:
        node, _, _ = _argument_node(call, ref)
        if node is not None and not _is_none(model.resolve(node, value.scope)):
            return False
    return True


def _state(
    value: Value, spec: ArgumentSpec, index: CallsiteIndex, model: PythonModule
) -> TimeoutState:
    if _is_none(value):
        return TimeoutState.NONE
    if (
        spec.tuple_none_index is not None
        and isinstance(value, TupleValue)
        and len(value.elements) > spec.tuple_none_index
        and _is_none(value.elements[spec.tuple_none_index])
    ):
        return TimeoutState.READ_NONE
    if _unbounded_object(value, index, model):
        return TimeoutState.UNBOUNDED
    return TimeoutState.GIVEN


def _from_splat(
    model: PythonModule, call: ast.Call, scope: Scope, keyword: str
) -> tuple[ast.expr | None, bool, bool]:
    """(the value a `**{...}` splat gives `keyword`, known, certain); unknown splats are unknown.

    Not certain: a splat of a method's dict (`**self._kwargs()`), which a subclass may
    override to return other keys; a finding there gets no safe fix.
    """
    certain = True
    for item in call.keywords:
        if item.arg is not None:
            continue
        splat = model.resolve(item.value, scope)
        if isinstance(splat, CallResult):
            dicts = helper_dicts(model, splat)
            if dicts is None or not helper_result_is_settled(model, item.value, splat, call):
                return None, False, False
            certain = certain and not may_be_overridden(splat)
            for returned in dicts:
                passed, known = _dict_item(model, returned, keyword)
                if not known or passed is not None:
                    return None, False, False  # the helper may return a timeout: unknown
            continue
        if not isinstance(splat, DictValue) or not splat_is_settled(model, item.value, splat):
            return None, False, False
        passed, known = _dict_item(model, splat, keyword)
        if not known:
            return None, False, False
        if passed is not None:
            return passed, True, certain
    return None, True, certain


def _dict_item(model: PythonModule, splat: DictValue, keyword: str) -> tuple[ast.expr | None, bool]:
    """(the value `splat` has for the key `keyword`, known): a `**` inside or a key that is not
    a constant is unknown."""
    scope = model.scope_of(splat.node)
    for key, value in splat.items:
        if key is None:
            return None, False
        key_value = model.resolve(key, scope)
        if not isinstance(key_value, Constant):
            return None, False
        if key_value.value == keyword:
            return value, True
    return None, True


def _in_string(
    model: PythonModule, call: ast.Call, scope: Scope, spec: ArgumentSpec
) -> bool | None:
    """Whether a connection-string argument sets it: True, False (absent), None (unknown)."""
    if spec.in_string is None:
        return False
    node, _, known = _argument_node(call, spec.in_string.argument)
    if not known:
        return None
    if node is None:
        return False
    value = model.resolve(node, scope)
    if isinstance(value, Constant) and isinstance(value.value, str):
        return spec.in_string.contains in value.value
    return None


def _may_be_exempt(model: PythonModule, call: ast.Call, scope: Scope, spec: ArgumentSpec) -> bool:
    """Whether a keyword of `spec.unless_true` is passed, directly or in a `**` splat, with a
    value not known to be false (`async_=True`, `**{"async": True}`, `async_=flag`)."""
    if not spec.unless_true:
        return False
    for keyword in call.keywords:
        if keyword.arg is None:
            splat = model.resolve(keyword.value, scope)
            if not isinstance(splat, DictValue):
                continue  # an unknown splat already makes the call unknown
            for name in spec.unless_true:
                passed, known = _dict_item(model, splat, name)
                if not known or (passed is not None and _not_false(model, passed, scope)):
                    return True
        elif keyword.arg in spec.unless_true and _not_false(model, keyword.value, scope):
            return True
    return False


def _not_false(model: PythonModule, node: ast.expr, scope: Scope) -> bool:
    value = model.resolve(node, scope)
    return not (isinstance(value, Constant) and not value.value)


def timeout_argument(
    model: PythonModule,
    call: ast.Call,
    scope: Scope,
    spec: ArgumentSpec,
    index: CallsiteIndex,
) -> TimeoutArgument | None:
    """How `call` passes its timeout, or None when it cannot be known (or does not apply)."""
    if _may_be_exempt(model, call, scope, spec):
        return None
    ref = ArgumentRef(spec.keyword, spec.positional)
    node, by_keyword, known = _argument_node(call, ref)
    if node is not None:
        state = _state(model.resolve(node, scope), spec, index, model)
        shown = next((k for k in call.keywords if k.value is node), node) if by_keyword else node
        return TimeoutArgument(state, shown, by_keyword)
    splat_value, splat_known, certain = _from_splat(model, call, scope, spec.keyword)
    if not splat_known:
        return None
    if splat_value is not None:
        state = _state(model.resolve(splat_value, scope), spec, index, model)
        return TimeoutArgument(state, splat_value)
    if not known:
        return None
    in_string = _in_string(model, call, scope, spec)
    if in_string is None:
        return None
    if in_string:
        return TimeoutArgument(TimeoutState.GIVEN)
    return TimeoutArgument(TimeoutState.MISSING, certain=certain)


def _constructor_sets_it(
    callee: Value, keyword: str, clients: ClientLookup | None = None
) -> bool | None:
    """For a method: whether the constructor call of its object passes `keyword` (None: unknown,
    as for an object known only by its class)."""
    if isinstance(callee, BoundAttribute):
        imported = client_for(clients, callee.base)
        if imported is not None:
            return imported.passes(keyword)
    if isinstance(callee, BoundAttribute) and isinstance(callee.base, Instance):
        return None
    if not isinstance(callee, BoundAttribute) or not isinstance(callee.base, CallResult):
        return False
    call = callee.base.call
    if any(k.arg == keyword for k in call.keywords):
        return True
    if any(k.arg is None for k in call.keywords):
        return None
    return False


# Reporting -------------------------------------------------------------------


def source_segment(model: PythonModule, node: ast.AST) -> str | None:
    """The code of `node`, from the model's lines (`ast.get_source_segment` re-splits the file)."""
    first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if first is None or last is None or start is None or end is None or last > len(model.lines):
        return None
    encoded = [line.encode("utf-8") for line in model.lines[first - 1 : last]]
    if len(encoded) == 1:
        return encoded[0][start:end].decode("utf-8", "replace")
    middle = b"\n".join(encoded[1:-1])
    pieces = [encoded[0][start:], *([middle] if len(encoded) > 2 else []), encoded[-1][:end]]
    return b"\n".join(pieces).decode("utf-8", "replace")


def describe_callee(model: PythonModule, call: ast.Call) -> str:
    from timeoutlint.redact import redact

    return redact(source_segment(model, call.func) or "call")  # `Session(auth=(u, "pw")).get`


def _problem(state: TimeoutState, spec: ArgumentSpec) -> str:
    keyword = spec.keyword
    if state is TimeoutState.MISSING:
        return spec.absent_problem or f"has no {keyword} and can wait forever"
    if state is TimeoutState.NONE:
        return f"has {keyword}=None and can wait forever"
    if state is TimeoutState.READ_NONE:
        return (
            f"has no read timeout ({keyword}=(connect, None)) and can wait forever for a response"
        )
    return f"has a {keyword} without a read limit and can wait forever"


def fix_value(config: Config, template: str) -> str:
    """The fix's value: the template filled from `default-timeout`."""
    configured = config.default_timeout
    connect, read = configured if isinstance(configured, tuple) else (configured, configured)
    return template.format(
        timeout=config.timeout_code,
        seconds=_number(read),
        connect=_number(connect),
        connect_int=str(max(1, math.ceil(connect))),
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _fix(
    state: TimeoutState, argument: TimeoutArgument, spec: ArgumentSpec, call: ast.Call,
    model: PythonModule, config: Config, index: CallsiteIndex,
) -> Fix | None:  # fmt: skip
    if spec.fix_value is None:
        return None
    value = fix_value(config, spec.fix_value)
    imports = tuple(AddImport(module) for module in spec.fix_imports)
    span = model.span(call)
    start, end = span.start, span.end
    if state is TimeoutState.MISSING:
        return Fix(
            Applicability.SAFE if argument.certain else Applicability.UNSAFE,
            f"Add `{spec.keyword}={value}`",
            (AddKeyword(start, spec.keyword, value, end), *imports),
        )
    if not argument.keyword:
        return None
    if state is TimeoutState.READ_NONE:
        value = _bounded_tuple(argument, spec, model, config) or value
    elif state is TimeoutState.UNBOUNDED:
        value = _bounded_object(argument, spec, model, config, index) or value
    return Fix(
        Applicability.UNSAFE,
        f"Replace the {spec.keyword} with `{value}`",
        (ReplaceKeywordValue(start, spec.keyword, value, end), *imports),
    )


_PLAIN_SECONDS = frozenset({"{timeout}", "{seconds}"})


def _bounded_tuple(
    argument: TimeoutArgument, spec: ArgumentSpec, model: PythonModule, config: Config
) -> str | None:
    """`timeout=(5, None)` -> `(5, 10)`: each `None` bounded, each value the author wrote kept.

    A `None` at the connect position (index 0) gets the configured connect
    timeout, any other `None` the configured read timeout, so `(None, None)`
    becomes `(10, 10)` and httpx's `(5, None, 5, 5)` becomes `(5, 10, 5, 5)`.
    Only a tuple written at the call: a name bound to one may be shared, and
    is replaced whole, as before. None when the tuple cannot be rewritten.
    """
    if spec.fix_value not in _PLAIN_SECONDS or not isinstance(argument.node, ast.keyword):
        return None
    written = argument.node.value
    if not isinstance(written, ast.Tuple) or any(isinstance(e, ast.Starred) for e in written.elts):
        return None
    connect = fix_value(config, "{connect}")
    read = fix_value(config, "{seconds}")
    parts: list[str] = []
    for position, element in enumerate(written.elts):
        if isinstance(element, ast.Constant) and element.value is None:
            parts.append(connect if position == 0 else read)
            continue
        text = source_segment(model, element)
        if text is None or "\n" in text:
            return None
        parts.append(text)
    return f"({', '.join(parts)})"


def _bounded_object(
    argument: TimeoutArgument,
    spec: ArgumentSpec,
    model: PythonModule,
    config: Config,
    index: CallsiteIndex,
) -> str | None:
    """`timeout=httpx.Timeout(connect=5, read=None, write=60)` -> `read=10`, the other values
    the author wrote kept: the `None` literal of the object's read limit (`read=`, else its
    first argument) replaced by the configured read timeout. Only an object written at the
    call, on one line, whose read limit is that literal; None otherwise (the whole value is
    replaced, as before)."""
    if spec.fix_value not in _PLAIN_SECONDS or not isinstance(argument.node, ast.keyword):
        return None
    written = argument.node.value
    if not isinstance(written, ast.Call):
        return None
    callee = model.resolve(written.func, model.scope_of(written))
    if not isinstance(callee, QualifiedName):
        return None
    timeout_object = index.timeout_objects.get(callee.name)
    if timeout_object is None or not timeout_object.read_limit:
        return None
    limit = None
    for ref in timeout_object.read_limit:
        node, _, known = _argument_node(written, ref)
        if not known:
            return None
        if node is not None:
            limit = node
            break
    if not (isinstance(limit, ast.Constant) and limit.value is None):
        return None
    if written.end_lineno != written.lineno or written.lineno > len(model.lines):
        return None
    line = model.lines[written.lineno - 1].encode("utf-8")
    assert limit.end_col_offset is not None
    before = line[written.col_offset : limit.col_offset].decode("utf-8", "replace")
    after = line[limit.end_col_offset : written.end_col_offset].decode("utf-8", "replace")
    return f"{before}{fix_value(config, '{seconds}')}{after}"


def _report_missing_timeout(
    ctx: CheckContext, model: PythonModule, call: ast.Call, scope: Scope, callee: Value,
    declared: Declared, index: CallsiteIndex, clients: ClientLookup | None = None,
) -> None:  # fmt: skip
    spec = declared.callee.argument
    argument = timeout_argument(model, call, scope, spec, index)
    if argument is None or argument.state is TimeoutState.GIVEN:
        return
    state = argument.state
    if state is TimeoutState.NONE and spec.when_none == "library-default":
        return
    if state is TimeoutState.MISSING:
        if spec.when_absent == "library-default":
            return
        if (
            spec.constructor_keyword
            and _constructor_sets_it(callee, spec.keyword, clients) is not False
        ):
            return
        span: Span = model.span(call.func)
    else:
        assert argument.node is not None
        span = model.span(argument.node)
    ctx.report(
        declared.rule_id,
        span,
        _fix(state, argument, spec, call, model, ctx.config, index),
        callee=describe_callee(model, call),
        problem=_problem(state, spec),
    )


def _enclosing_async_name(model: PythonModule, scope: Scope) -> str:
    function = model.function_scope(scope)
    node = function.node if function is not None else None
    return node.name if isinstance(node, ast.AsyncFunctionDef) else "function"


class CallsiteCheck:
    """One pass over a file's calls for every call-site rule in `index`."""

    def __init__(self, index: CallsiteIndex) -> None:
        self.index = index

    def __call__(self, ctx: CheckContext, model: PythonModule) -> None:
        index = self.index
        python_index = ctx.project.python_index
        clients = python_index.lookup_client if python_index.clients else None
        for site in model.calls:
            call = site.node
            callee, matched = matching_declarations(index, model, call, site.scope, clients)
            if not matched:
                continue
            seen: set[str] = set()
            for declared in matched:
                rule_id = declared.rule_id
                if rule_id in seen or not ctx.wants(rule_id):
                    continue
                seen.add(rule_id)
                if rule_id in index.in_async_rules:
                    if model.in_async_function(site.scope):
                        ctx.report(
                            rule_id,
                            model.span(call.func),
                            None,
                            callee=describe_callee(model, call),
                            function=_enclosing_async_name(model, site.scope),
                        )
                    continue
                _report_missing_timeout(
                    ctx, model, call, site.scope, callee, declared, index, clients
                )


T = TypeVar("T")


def _by_dotted_prefix(named: Iterable[tuple[str, T]]) -> dict[str, tuple[T, ...]]:
    """Each item under every dotted prefix of its name (`requests`, `requests.api`,
    `requests.api.get`): an import gives a name only if its path is one of them
    (`prefilter.gives`)."""
    by_prefix: dict[str, list[T]] = {}
    for name, item in named:
        for prefix in dotted_prefixes(name):
            by_prefix.setdefault(prefix, []).append(item)
    return {prefix: tuple(items) for prefix, items in by_prefix.items()}


@dataclass(frozen=True)
class EntryPoint:
    """A function or constructor one call-site rule declares, and the triggers that spell it."""

    rule_id: str
    name: str
    triggers: tuple[bytes, ...]
    in_async: bool
    needs_keyword: str | None = None
    """The keyword every call through this entry point must pass for the rule to report
    (`reports_only_when_passed`), or None."""


def reports_only_when_passed(spec: ArgumentSpec) -> bool:
    """Whether a callee with `spec` reports only a timeout that the call passes by name.

    `_report_missing_timeout` reports nothing for a timeout that is absent when the library has
    a default (`when-absent: library-default`); with no `positional`, `timeout_argument` finds a
    passed one only among the call's keywords or in a splatted dict's constant keys, which
    `prefilter.may_pass_keyword` reads from the bytes."""
    return spec.when_absent == "library-default" and spec.positional is None


def _needed_keyword(rule: Rule, name: str) -> str | None:
    """The keyword every callee of `rule` that enters through `name` (a function, or a
    constructor of the methods' objects) must see passed before it reports, if they agree."""
    spec = rule.callsite
    assert spec is not None
    if spec.report == "in-async":
        return None
    keywords = {
        callee.argument.keyword if reports_only_when_passed(callee.argument) else None
        for callee in spec.callees
        if name in (callee.functions or callee.built_by)
    }
    return keywords.pop() if len(keywords) == 1 else None


class CallsiteGuard:
    """Admits a file only if some enabled call-site rule can match a call in it.

    A call matches a rule when its callee resolves (`model.resolve`, which does not consult the
    project index) to one of the rule's functions, or to a method of an object built by one of
    its constructors (or by a local subclass of one): the entry point's qualified name itself.
    The model gives a name a qualified name only through an import statement of this file
    (`python/import_scan.py`), so the entry point must start with an import's path followed by
    one of the names it takes (`prefilter.gives`):

    - an absolute import (`import requests as r`, `from requests.sessions import Session`)
      spells the entry point's first name, and the code spells its last name (as an attribute,
      an imported name or a base class), so a trigger that `_check_triggers` matched against
      one of them is in the bytes too;
    - a relative import, made absolute with the file's module name as the model does, inside
      the package itself: only the last name is spelled, so no trigger is asked for;
    - a builtin (`builtins.open`) needs no import: such a rule always admits the file.

    An `in-async` rule reports only inside an `async def`, so it needs the keyword `async`. A
    rule whose every callee through an entry point reports only a timeout the call passes
    (`reports_only_when_passed`: httpx, aiohttp, urllib3's functions) needs that keyword written
    as passed (`prefilter.may_pass_keyword`): a file of `httpx.get(url)` calls is not parsed.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        entries: list[EntryPoint] = []
        rules_list = list(rules)
        for rule in rules_list:
            spec = rule.callsite
            if spec is None:
                continue
            for name, triggers in entry_point_triggers(spec).items():
                encoded = tuple(t.encode("utf-8") for t in triggers)
                in_async = spec.report == "in-async"
                needs = _needed_keyword(rule, name)
                entries.append(EntryPoint(rule.id, name, encoded, in_async, needs))
        by_package: dict[str, list[EntryPoint]] = {}
        for entry in entries:
            by_package.setdefault(entry.name.split(".", 1)[0], []).append(entry)
        self.by_package = {package: tuple(found) for package, found in by_package.items()}
        self._unconditional_rules = frozenset(
            e.rule_id for e in entries if not e.in_async and e.needs_keyword is None
        )
        self._conditional_entries = tuple(
            {(e.rule_id, e.in_async, e.needs_keyword): e for e in entries}.values()
        )
        """With `_unconditional_rules`, what `_some_entry_applies` asks (one entry per set of
        conditions)."""
        grouped: dict[str, list[EntryPoint]] = {}
        for entry in entries:
            grouped.setdefault(entry.name, []).append(entry)
        self.names_by_prefix = _by_dotted_prefix(
            (name, (name, tuple(found))) for name, found in grouped.items()
        )
        """The entry points grouped by name (the rules of one family declare the same callees),
        under every dotted prefix of the name."""
        self._prefixes_of: tuple[frozenset[str], dict[str, tuple[str, ...]]] | None = None
        self.methods = tuple(
            (Declared(rule.id, callee), rule.callsite.report == "in-async")
            for rule in rules_list
            if rule.callsite is not None
            for callee in rule.callsite.callees
            if callee.methods
        )

    def _applies(self, entry: EntryPoint, prospect: Prospect) -> bool:
        data = prospect.data
        return (
            entry.rule_id in prospect.enabled
            and (not entry.in_async or b"async" in data)
            and (entry.needs_keyword is None or may_pass_keyword(data, entry.needs_keyword))
        )

    def __call__(self, prospect: Prospect) -> bool:
        if any(self._applies(e, prospect) for e in self.by_package.get("builtins", ())):
            return True
        imports = prospect.imports
        relative = prospect.relative_imports
        if imports.opaque or relative is None:
            return self._some_entry_applies(prospect)
        data = prospect.data
        candidates = [(i, True) for i in imports.absolute] + [(i, False) for i in relative]
        for imported, spelled in candidates:
            for name, entries in self.names_by_prefix.get(imported.path, ()):
                if gives(imported, name) and any(
                    self._applies(entry, prospect)
                    and (not spelled or mentions_any(data, entry.triggers))
                    for entry in entries
                ):
                    return True
        return self._imports_a_project_client(prospect, [i for i, _ in candidates])

    def _some_entry_applies(self, prospect: Prospect) -> bool:
        """`_applies` for some entry point of any package."""
        enabled = prospect.enabled
        if not self._unconditional_rules.isdisjoint(enabled):
            return True
        return any(self._applies(entry, prospect) for entry in self._conditional_entries)

    def _imports_a_project_client(self, prospect: Prospect, imports: list[Imported]) -> bool:
        """A client built in another project module is reached only through an import of the
        name that is it or returns it (`client_factories.client_for`)."""
        index = prospect.project.python_index
        exported = index.client_qualified_names
        if not exported or not self._some_entry_applies(prospect):
            return False
        by_prefix = self._dotted_prefixes(exported)
        given = {name for i in imports for name in by_prefix.get(i.path, ()) if gives(i, name)}
        for name in sorted(given):
            client = index.lookup_client(name)
            if client is None or self._may_report_on(client, prospect):
                return True
        return False

    def _dotted_prefixes(self, names: frozenset[str]) -> dict[str, tuple[str, ...]]:
        """Each dotted prefix of `names` (`app.http`, `app.http.session`) to the names it
        begins: an import gives a name only from one of them (`prefilter.gives`)."""
        cached = self._prefixes_of
        if cached is None or cached[0] is not names:
            by_prefix = _by_dotted_prefix((name, name) for name in sorted(names))
            cached = self._prefixes_of = (names, by_prefix)
        return cached[1]

    def _may_report_on(self, client: ExportedClient, prospect: Prospect) -> bool:
        """Whether an enabled rule can report a method call on `client` in this file.

        `matching_declarations` matches a call on it only to a method callee whose `built-by`
        the client passes (`ExportedClient.built_by`). An `in-async` rule then reports inside an
        `async def`. Any other reports only when the timeout is not given; when the callee
        also reports only a timeout that is passed (`reports_only_when_passed`), the file must
        pass it by its keyword, written in the call (`timeout=None`) or as the key of a
        splatted dict (`**{"timeout": None}`), as `prefilter.may_pass_keyword` reads it.
        """
        data = prospect.data
        for declared, in_async in self.methods:
            callee = declared.callee
            if declared.rule_id not in prospect.enabled or not client.built_by(
                callee.built_by, callee.unless_overridden
            ):
                continue
            spec = callee.argument
            if in_async:
                if b"async" in data:
                    return True
            elif not reports_only_when_passed(spec) or may_pass_keyword(data, spec.keyword):
                return True
        return False


def callsite_check(rules: Mapping[str, Rule], enabled: Iterable[str]) -> Check | None:
    """The single check that runs every enabled call-site rule, or None if there is none."""
    wanted = set(enabled)
    chosen = [r for r in rules.values() if r.callsite is not None and r.id in wanted]
    if not chosen:
        return None
    triggers = sorted({t for r in chosen if r.callsite for t in r.callsite.triggers})
    return Check(
        rules=tuple(r.id for r in chosen),
        kind="python",
        triggers=tuple(t.encode("utf-8") for t in triggers),
        run=CallsiteCheck(build_index(chosen)),
        guard=CallsiteGuard(chosen),
    )


def with_callsite_rules(
    checks: Sequence[Check], rules: Mapping[str, Rule], enabled: Iterable[str]
) -> tuple[Check, ...]:
    """`checks` plus the one check for the call-site rules in `rules` (built-in and packs)."""
    declared = callsite_check(rules, enabled)
    return (*checks, declared) if declared is not None else tuple(checks)


def with_project_client_triggers(
    checks: Sequence[Check], project: ProjectContext
) -> tuple[list[Check], dict[str, frozenset[bytes]]]:
    """`checks`, with the call-site check also triggered by the names under which other project
    modules export a client or a client factory (`from .http import make_session` is all a
    file may say); and, per file kind, the triggers that added (none: no kind)."""
    names = project.python_index.client_qualified_names
    extra = frozenset(name.rsplit(".", 1)[-1].encode("utf-8") for name in names)
    added: dict[str, frozenset[bytes]] = {}
    found: list[Check] = []
    for check in checks:
        if extra and isinstance(check.run, CallsiteCheck):
            check = replace(check, triggers=tuple(sorted({*check.triggers, *extra})))
            added[check.kind] = added.get(check.kind, frozenset()) | extra
        found.append(check)
    return found, added
