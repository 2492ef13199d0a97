"""The Python model: scopes, bindings and values, built once per file from `ast`.

One pass over the tree records every scope (module, class, function,
lambda, comprehension), every name bound in it (imports, assignments,
`with ... as`, definitions, parameters) and every call. Questions are then
answered lazily: `resolve(expr, scope)` says what an expression is known to
be (see `values.py`), `in_async_function(scope)` whether code runs directly
inside an `async def`.

Resolution is flow-insensitive with one refinement: inside the scope where
a name is used, the latest binding *before* the use wins, so a name rebound
to something else is no longer what it was. From a nested function, an outer
scope's last binding counts, because the function runs later.

A second refinement is for optional imports (`try: from redis import X` /
`except ImportError: X = None`): where the name is called, or has an attribute
taken that the fallback constant does not have, only the import can be what
runs there (see `PythonModule.optional_imports`).
"""

from __future__ import annotations

import ast
import builtins
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from timeoutlint.findings import Position, Span
from timeoutlint.limits import deeper_recursion
from timeoutlint.python.annotations import annotated_class
from timeoutlint.python.source import character_column, split_lines
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

ScopeKind = Literal["module", "class", "function", "lambda", "comprehension"]
BindingKind = Literal["import", "assign", "with", "class", "function", "param", "unknown"]

_MAX_DEPTH = 24
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
_CONVERTERS = {"builtins.int": int, "builtins.float": float, "builtins.str": str}
_BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(eq=False, slots=True)
class Binding:
    name: str
    kind: BindingKind
    scope: Scope
    node: ast.AST
    effective: tuple[int, int]
    qualified_name: str | None = None
    value: ast.expr | None = None
    annotation: ast.expr | None = None
    """The type annotation of a parameter or an annotated assignment (`x: T = ...`, `x: T`)."""


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: ast.AST
    parent: Scope | None
    is_async: bool = False
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    instance_attributes: dict[str, list[Binding]] = field(default_factory=dict)
    self_name: str | None = None
    returns: list[ast.Return] = field(default_factory=list)
    """A function's own `return` statements (not those of nested functions and classes), in
    source order."""

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(frozen=True, eq=False, slots=True)
class CallSite:
    node: ast.Call
    scope: Scope


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _start(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0) or 0, getattr(node, "col_offset", 0) or 0)


def absolute_module(
    own: str | None, is_package: bool, level: int, module: str | None
) -> str | None:
    """The absolute module a relative import (`level` dots, then `module`) names in the module
    `own` (a package's `__init__` when `is_package`); None when it reaches above the top."""
    if own is None:
        return None
    parts = own.split(".")
    if not is_package:
        parts = parts[:-1]
    drop = level - 1
    if drop > len(parts):
        return None
    parts = parts[: len(parts) - drop] if drop else parts
    if module:
        parts = [*parts, module]
    return ".".join(parts) if parts else None


class PythonModule:
    """A parsed Python file with its scopes and bindings."""

    def __init__(
        self,
        source: str,
        tree: ast.Module,
        module_name: str | None = None,
        is_package: bool = False,
    ) -> None:
        self.source = source
        self.tree = tree
        self.module_name = module_name
        self.is_package = is_package
        self.calls: list[CallSite] = []
        self.assignments: list[ast.Assign | ast.AnnAssign] = []
        self.module_scope = Scope("module", tree, None)
        self._parents: dict[ast.AST, ast.AST] | None = None
        self._node_scopes: dict[ast.AST, Scope] = {}
        self._guarded_imports: list[tuple[ast.Try, Scope]] = []
        """`try` statements (also `try ... except*`) with an import in the body and handlers."""
        with deeper_recursion():
            _ScopeBuilder(self).build()

    @classmethod
    def from_source(
        cls, source: str, module_name: str | None = None, is_package: bool = False
    ) -> PythonModule:
        return cls(source, ast.parse(source), module_name, is_package)

    # Positions -------------------------------------------------------------

    @cached_property
    def string_constants(self) -> list[ast.Constant]:
        """Every `str` constant in the file (annotations and f-string parts too), in `walk`
        order; found on the first question, as few checks ask it."""
        return [
            node
            for node in walk(self.tree)
            if isinstance(node, ast.Constant) and type(node.value) is str
        ]

    @cached_property
    def lines(self) -> list[str]:
        """The source's lines, split on the first question (most files never need them)."""
        return split_lines(self.source)

    def _column(self, line: int, byte_offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return character_column(text, byte_offset) + 1

    def position(self, line: int, byte_offset: int) -> Position:
        return Position(line, self._column(line, byte_offset))

    def span(self, node: ast.AST) -> Span:
        line, col = _start(node)
        end_line, end_col = _end(node)
        return Span(self.position(line, col), self.position(end_line, end_col))

    def span_between(self, first: ast.AST, last: ast.AST) -> Span:
        return Span(self.span(first).start, self.span(last).end)

    # Structure -------------------------------------------------------------

    def parent(self, node: ast.AST) -> ast.AST | None:
        if self._parents is None:
            self._parents = _parent_map(self.tree)
        return self._parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def scope_of_definition(self, node: ast.AST) -> Scope | None:
        """The scope opened by a function, class, lambda or comprehension node."""
        return self._node_scopes.get(node)

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope an expression inside a body is evaluated in (the nearest enclosing one)."""
        for ancestor in self.ancestors(node):
            scope = self._node_scopes.get(ancestor)
            if scope is not None:
                return scope
        return self.module_scope

    def function_scope(self, scope: Scope) -> Scope | None:
        """The nearest enclosing function or lambda scope (comprehensions are transparent)."""
        current: Scope | None = scope
        while current is not None:
            if current.kind in ("function", "lambda"):
                return current
            if current.kind in ("module", "class"):
                return None
            current = current.parent
        return None

    def in_async_function(self, scope: Scope) -> bool:
        function = self.function_scope(scope)
        return function is not None and function.is_async

    # Names and values --------------------------------------------------------

    def lookup(self, name: str, scope: Scope, at: tuple[int, int] | None = None) -> Binding | None:
        current: Scope | None = scope
        position = at
        own_scope = True
        while current is not None:
            if current.kind == "class" and not own_scope:
                current = current.parent
                continue
            if name in current.global_names:
                current = current.module
                position = None
                own_scope = False
                continue
            candidates = current.bindings.get(name)
            if candidates:
                if position is not None:
                    for binding in reversed(candidates):
                        if binding.effective <= position:
                            return binding  # the last one before the use
                return candidates[-1]
            current = current.parent
            position = None
            own_scope = False
        return None

    @cached_property
    def optional_imports(self) -> dict[Binding, Binding]:
        """Fallback binding -> the import it stands in for, for every name bound by an import
        in a `try:` body and rebound to a constant in a handler that catches a failed import
        (`ImportError`, `ModuleNotFoundError`, `Exception`, `BaseException` or bare), both
        statements directly in the `try:` and the handler, in the same scope.

        Why a use may skip the fallback (`resolve`): after such a `try`, the name is either the
        imported value or the constant. A constant (None, a string, a number) is never
        callable, and has no attribute its type lacks: `X(...)` or `X.from_url` on the constant
        raises, so where that code runs without raising, the name is the import. That holds at
        the use site only; comparisons (`X is None`) and everything else still see the fallback.
        A fallback that is not a constant (a dummy class or function) may be callable and is
        left alone.
        """
        found: dict[Binding, Binding] = {}
        for node, scope in self._guarded_imports:
            imports: dict[str, Binding] = {}
            for statement in node.body:
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    for binding in _bindings_of(scope, statement, "import"):
                        imports[binding.name] = binding
            if not imports:
                continue
            for handler in node.handlers:
                if not _catches_failed_import(handler.type):
                    continue
                for statement in handler.body:
                    for target, value in _constant_assignments(statement):
                        imported = imports.get(target.id)
                        if imported is None:
                            continue
                        for binding in _bindings_of(scope, target, "assign"):
                            if binding.value is value:
                                found[binding] = imported
        return found

    def _behind_fallback(self, binding: Binding, use: ast.Name) -> Binding:
        """The import behind an optional import's fallback where `use` cannot be the constant
        (`optional_imports`), else the fallback itself."""
        imported = self.optional_imports.get(binding)
        if imported is None or not isinstance(binding.value, ast.Constant):
            return binding
        fallback = binding.value.value
        parent = self.parent(use)
        if isinstance(parent, ast.Call) and parent.func is use and not callable(fallback):
            return imported
        if (
            isinstance(parent, ast.Attribute)
            and parent.value is use
            and not hasattr(fallback, parent.attr)
        ):
            return imported
        return binding

    def qualified_name(self, expr: ast.expr, scope: Scope) -> str | None:
        value = self.resolve(expr, scope)
        return value.name if isinstance(value, QualifiedName) else None

    def resolve(self, expr: ast.expr | None, scope: Scope, _depth: int = 0) -> Value:
        if expr is None or _depth > _MAX_DEPTH:
            return UNKNOWN
        depth = _depth + 1
        if isinstance(expr, ast.Constant):
            return Constant(expr.value)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
            operand = self.resolve(expr.operand, scope, depth)
            if isinstance(operand, Constant) and isinstance(operand.value, (int, float)):
                return Constant(-operand.value if isinstance(expr.op, ast.USub) else operand.value)
            return UNKNOWN
        if isinstance(expr, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in expr.elts):
                return UNKNOWN
            return TupleValue(tuple(self.resolve(e, scope, depth) for e in expr.elts))
        if isinstance(expr, ast.Dict):
            return DictValue(expr, tuple(zip(expr.keys, expr.values, strict=True)))
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, scope, _start(expr))
            if binding is None:
                if expr.id in _BUILTIN_NAMES:
                    return QualifiedName(f"builtins.{expr.id}")
                return UNKNOWN
            if binding.kind == "assign" and self._guarded_imports:
                binding = self._behind_fallback(binding, expr)
            return self.resolve_binding(binding, depth)
        if isinstance(expr, ast.Attribute):
            return self._resolve_attribute(expr, scope, depth)
        if isinstance(expr, ast.Call):
            return self._resolve_call(expr, scope, depth)
        if isinstance(expr, ast.NamedExpr):
            return self.resolve(expr.value, scope, depth)
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
            return self._resolve_fallback(expr, scope, depth)
        return UNKNOWN

    def _resolve_fallback(self, expr: ast.BoolOp, scope: Scope, depth: int) -> Value:
        """`given or Class()`: an `Instance` of the class the last operand builds.

        The last operand is what the expression is whenever the others are falsy (the usual
        `session or requests.Session()` default); an operand that is unknown (an injected
        object) is taken to be of the same class, as the default stands in for it. Any operand
        known to be something else makes the whole unknown. The constructor's arguments are
        not kept: the injected object may have been built with others.
        """
        last = self.resolve(expr.values[-1], scope, depth)
        cls = object_class(last)
        if cls is None:
            return UNKNOWN
        for operand in expr.values[:-1]:
            value = self.resolve(operand, scope, depth)
            if value is UNKNOWN or (isinstance(value, Constant) and value.value is None):
                continue
            other = object_class(value)
            if other is None or _callee_key(other) != _callee_key(cls):
                return UNKNOWN
        return Instance(cls, expr)

    def declared_value(self, binding: Binding, value: Value, _depth: int = 0) -> Value:
        """`value` refined by the binding's annotation: an `Instance` of the class it names,
        unless the value is a constant or an object built by a class (whose constructor
        arguments are then known) the annotation names too or that is defined in the file."""
        if binding.annotation is None:
            return value
        if isinstance(value, Constant):
            return value
        if isinstance(value, CallResult) and isinstance(value.callee, LocalClass):
            return value
        declared = annotated_class(
            binding.annotation,
            lambda node: self.resolve(node, binding.scope, _depth + 1),
        )
        if declared is None:
            return value
        if isinstance(value, CallResult) and _callee_key(value.callee) == _callee_key(declared):
            return value
        return Instance(declared, binding.annotation)

    def returned_object(self, function: LocalFunction, _depth: int = 0) -> Value:
        """What a factory function defined in the file returns: the class its return annotation
        names (`-> requests.Session`), else the object every `return` gives when they all agree
        (one value, or objects of one class as an `Instance`); UNKNOWN otherwise, and for a
        generator or a coroutine. A path that ends without `return` gives None, on which no
        method runs, so it does not change what a method call on the result is called on."""
        node = function.node
        scope = self._node_scopes.get(node)
        if scope is None or isinstance(node, ast.AsyncFunctionDef) or _depth > _MAX_DEPTH:
            return UNKNOWN
        if node.returns is not None:
            declared = annotated_class(node.returns, lambda e: self.resolve(e, scope, _depth + 1))
            return UNKNOWN if declared is None else Instance(declared, node.returns)
        returns = [r.value for r in scope.returns if r.value is not None]
        if not returns or function_yields(node):
            return UNKNOWN
        values = [self.resolve(value, scope, _depth + 1) for value in returns]
        values = [v for v in values if not (isinstance(v, Constant) and v.value is None)]
        if not values:
            return UNKNOWN
        first = values[0]
        if all(_same_kind(first, other) for other in values[1:]) and isinstance(first, CallResult):
            return first
        cls = object_class(first)
        if cls is None or not all(_same_class(cls, object_class(v)) for v in values[1:]):
            return UNKNOWN
        return Instance(cls, returns[0])

    def resolve_binding(self, binding: Binding, _depth: int = 0) -> Value:
        depth = _depth + 1
        if binding.kind == "import":
            return QualifiedName(binding.qualified_name) if binding.qualified_name else UNKNOWN
        if binding.kind in ("assign", "with"):
            value = self.resolve(binding.value, binding.scope, depth)
            return self.declared_value(binding, value, depth)
        if binding.kind in ("param", "unknown") and binding.annotation is not None:
            return self.declared_value(binding, UNKNOWN, depth)
        if binding.kind == "class":
            node = binding.node
            assert isinstance(node, ast.ClassDef)
            bases = tuple(self.resolve(base, binding.scope, depth) for base in node.bases)
            return LocalClass(node, bases)
        if binding.kind == "function":
            assert isinstance(binding.node, (ast.FunctionDef, ast.AsyncFunctionDef))
            return LocalFunction(binding.node)
        return UNKNOWN

    def _resolve_attribute(self, expr: ast.Attribute, scope: Scope, depth: int) -> Value:
        if isinstance(expr.value, ast.Name):
            owner = self.method_class_scope(expr.value.id, scope)
            if owner is not None:
                return self._resolve_instance_attribute(owner, expr.attr, depth)
        base = self.resolve(expr.value, scope, depth)
        if isinstance(base, QualifiedName):
            return QualifiedName(f"{base.name}.{expr.attr}")
        if isinstance(base, LocalClass):
            class_scope = self._node_scopes.get(base.node)
            if class_scope is not None:
                candidates = class_scope.bindings.get(expr.attr)
                if candidates:
                    return self.resolve_binding(candidates[-1], depth)
        if base is UNKNOWN:
            return UNKNOWN
        return BoundAttribute(base, expr.attr)

    def method_class_scope(self, name: str, scope: Scope) -> Scope | None:
        """The class scope if `name` is the `self` parameter of the method `scope` is in."""
        function = self.function_scope(scope)
        if function is None or function.self_name != name or function.parent is None:
            return None
        binding = self.lookup(name, scope)
        if binding is None or binding.kind != "param" or binding.scope is not function:
            return None
        return function.parent

    def _resolve_instance_attribute(self, class_scope: Scope, attr: str, depth: int) -> Value:
        candidates = list(class_scope.instance_attributes.get(attr, ()))
        candidates += class_scope.bindings.get(attr, [])
        values = [self.resolve_binding(b, depth) for b in candidates]
        assigned = _common_value(values)
        if assigned is not UNKNOWN:
            return assigned
        local = any(isinstance(v, CallResult) and isinstance(v.callee, LocalClass) for v in values)
        for binding in candidates if not local else ():
            # What the assignments build says more than an annotation (`session: Any = None`
            # above `self.session = requests.Session()`); when they say nothing, an annotation
            # (`session: requests.Session` in the class body, or on one `self.session: ... =
            # ...`) declares the attribute. A class of the file that is assigned is more
            # precise (it may inject a timeout).
            if binding.annotation is not None:
                declared = self.declared_value(binding, UNKNOWN, depth)
                if isinstance(declared, Instance):
                    return declared
        return UNKNOWN

    def _resolve_call(self, call: ast.Call, scope: Scope, depth: int) -> Value:
        callee = self.resolve(call.func, scope, depth)
        if isinstance(callee, QualifiedName):
            converter = _CONVERTERS.get(callee.name)
            if converter is not None and len(call.args) == 1 and not call.keywords:
                inner = self.resolve(call.args[0], scope, depth)
                if isinstance(inner, Constant) and inner.value is not None:
                    try:
                        return Constant(converter(inner.value), inner.from_env)
                    except (TypeError, ValueError):
                        return UNKNOWN
                return UNKNOWN
            if callee.name in _ENV_GETTERS and len(call.args) == 2:
                variable = self.resolve(call.args[0], scope, depth)
                default = self.resolve(call.args[1], scope, depth)
                if isinstance(default, Constant) and isinstance(variable, Constant):
                    return Constant(default.value, str(variable.value))
                return UNKNOWN
            if callee.name == "builtins.dict" and not call.args:
                keys: list[ast.expr | None] = []
                for keyword in call.keywords:
                    keys.append(None if keyword.arg is None else ast.Constant(keyword.arg))
                return DictValue(
                    call, tuple(zip(keys, [k.value for k in call.keywords], strict=True))
                )
        return CallResult(callee, call, scope)


_FAILED_IMPORT_CATCHERS = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)


def _catches_failed_import(caught: ast.expr | None) -> bool:
    """Whether an `except` clause catching `caught` (None: bare) catches a failed import."""
    if caught is None:
        return True
    if isinstance(caught, ast.Tuple):
        return any(_catches_failed_import(element) for element in caught.elts)
    if isinstance(caught, ast.Name):
        return caught.id in _FAILED_IMPORT_CATCHERS
    if isinstance(caught, ast.Attribute):
        return (
            isinstance(caught.value, ast.Name)
            and caught.value.id == "builtins"
            and (caught.attr in _FAILED_IMPORT_CATCHERS)
        )
    return False


def _constant_assignments(statement: ast.stmt) -> Iterator[tuple[ast.Name, ast.Constant]]:
    """`name = constant` (also chained: `A = B = None`, and annotated) as (target, value)."""
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                yield target, statement.value
    elif (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and isinstance(statement.value, ast.Constant)
    ):
        yield statement.target, statement.value


def _bindings_of(scope: Scope, node: ast.AST, kind: BindingKind) -> Iterator[Binding]:
    """The bindings of `kind` that the statement or target `node` made in `scope` (or, under
    `global`, in its module)."""
    for owner in (scope, scope.module) if scope.global_names else (scope,):
        for bindings in owner.bindings.values():
            for binding in bindings:
                if binding.node is node and binding.kind == kind and binding.scope is scope:
                    yield binding


def _parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node's parent (built on the first `parent()` question; leaves such as contexts and
    operators, which `ast` shares between nodes, have none)."""
    parents: dict[ast.AST, ast.AST] = {}
    stack = [tree]
    while stack:
        outer = stack.pop()
        for child in iter_child_nodes(outer):
            parents[child] = outer
            stack.append(child)
    return parents


def _same_kind(a: Value, b: Value) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, CallResult) and isinstance(b, CallResult):
        return _callee_key(a.callee) == _callee_key(b.callee)
    return a == b


def function_yields(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether `function` itself (not a nested function) yields: calling it makes a generator."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(iter_child_nodes(node))
    return False


def _same_class(a: Value, b: Value | None) -> bool:
    return b is not None and _callee_key(a) == _callee_key(b)


def _callee_key(value: Value) -> object:
    if isinstance(value, QualifiedName):
        return value.name
    if isinstance(value, BoundAttribute):
        return (_callee_key(value.base), value.name)
    if isinstance(value, CallResult):
        return ("call", _callee_key(value.callee))
    if isinstance(value, (LocalClass, LocalFunction)):
        return id(value.node)
    return id(value)


def object_class(value: Value) -> Value | None:
    """The class an object was made by: the callee of a call result that names a class (or
    may: an imported name), or an `Instance`'s class; None for anything else."""
    if isinstance(value, Instance):
        return value.cls
    if isinstance(value, CallResult) and isinstance(value.callee, (QualifiedName, LocalClass)):
        return value.callee
    return None


_NON_NODE_FIELDS = frozenset(
    {
        "ctx", "op", "ops", "id", "attr", "arg", "asname", "module", "level", "kind", "simple",
        "type_comment", "type_ignores", "is_async", "conversion", "tag", "lineno", "kwd_attrs",
        "rest",
    }
)  # fmt: skip
"""Fields that hold no node, or only leaves (contexts, operators), in every Python version."""


def _node_classes() -> list[type[ast.AST]]:
    found: list[type[ast.AST]] = []
    pending: list[type[ast.AST]] = [ast.AST]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.append(subclass)
                pending.append(subclass)
    return found


_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    cls: ()
    if cls is ast.Constant
    else tuple(name for name in cls._fields if name not in _NON_NODE_FIELDS)
    for cls in _node_classes()
}
"""Per node class, the fields that may hold child nodes, in `_fields` order (as `ast.walk`);
none for a `Constant`, whose value is never a node."""


def iter_child_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.iter_child_nodes` without the leaves (contexts, operators) and faster."""
    for name in _CHILD_FIELDS.get(type(node), ()):
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` (breadth first, same order) without the leaves (contexts, operators)."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        queue.extend(iter_child_nodes(current))
        yield current


_Handler = Callable[["_ScopeBuilder", Any], None]


class _ScopeBuilder:
    """Walks the tree once, recording scopes, bindings and calls.

    A hand-written `ast.NodeVisitor`: `visit` dispatches on the node's class
    through `_HANDLERS` (the `visit_X` methods, `visit_children` for every
    other class with child fields, nothing for leaves), and `visit_children`
    reads the fields directly. The order of visits is `NodeVisitor`'s, so
    bindings and calls are recorded in the same order.
    """

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.scope = module.module_scope

    def build(self) -> None:
        self.module._node_scopes[self.module.tree] = self.scope
        self._visit_each(self.module.tree.body)

    def visit(self, node: ast.AST) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)

    def _visit_each(self, nodes: Sequence[ast.AST | None]) -> None:
        handlers = _HANDLERS
        for node in nodes:
            handler = handlers.get(type(node))
            if handler is not None:
                handler(self, node)

    def visit_children(self, node: ast.AST) -> None:
        handlers = _HANDLERS
        for name in _CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    handler = handlers.get(type(item))
                    if handler is not None:
                        handler(self, item)
            else:
                handler = handlers.get(type(value))
                if handler is not None:
                    handler(self, value)

    # helpers ---------------------------------------------------------------

    def _bind(
        self,
        name: str,
        kind: BindingKind,
        node: ast.AST,
        effective: tuple[int, int],
        value: ast.expr | None = None,
        qualified_name: str | None = None,
        annotation: ast.expr | None = None,
    ) -> None:
        scope = self.scope
        owner = scope.module if name in scope.global_names else scope
        binding = Binding(name, kind, scope, node, effective, qualified_name, value, annotation)
        found = owner.bindings.get(name)
        if found is None:
            owner.bindings[name] = [binding]
        else:
            found.append(binding)

    def _bind_target(
        self,
        target: ast.expr,
        value: ast.expr | None,
        effective: tuple[int, int],
        annotation: ast.expr | None = None,
    ) -> None:
        if isinstance(target, ast.Name):
            kind: BindingKind = "assign" if value is not None else "unknown"
            self._bind(target.id, kind, target, effective, value, annotation=annotation)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values: list[ast.expr] | None = None
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                values = list(value.elts)
            for index, element in enumerate(target.elts):
                inner = element.value if isinstance(element, ast.Starred) else element
                self._bind_target(inner, values[index] if values else None, effective)
        elif isinstance(target, ast.Attribute):
            self._bind_attribute(target, value, effective, annotation)
            self.visit(target.value)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None, effective)
        else:
            self.visit(target)

    def _bind_attribute(
        self,
        target: ast.Attribute,
        value: ast.expr | None,
        effective: tuple[int, int],
        annotation: ast.expr | None = None,
    ) -> None:
        if not isinstance(target.value, ast.Name):
            return
        function = self.module.function_scope(self.scope)
        if function is None or function.self_name != target.value.id or function.parent is None:
            return
        if function.parent.kind != "class":
            return
        kind: BindingKind = "assign" if value is not None else "unknown"
        function.parent.instance_attributes.setdefault(target.attr, []).append(
            Binding(target.attr, kind, self.scope, target, effective, None, value, annotation)
        )

    def _enter(self, kind: ScopeKind, node: ast.AST, is_async: bool = False) -> Scope:
        scope = Scope(kind, node, self.scope, is_async=is_async)
        self.module._node_scopes[node] = scope
        return scope

    def _bind_parameters(
        self, arguments: ast.arguments, parameters: list[ast.arg], effective: tuple[int, int]
    ) -> None:
        """Bind `parameters` (`_parameters(arguments)`) in the scope just entered, where no
        `global` statement has been seen yet."""
        scope = self.scope
        bindings = scope.bindings
        starred = (arguments.vararg, arguments.kwarg)
        for param in parameters:
            # `*args: T` and `**kwargs: T` annotate the elements, not the parameter.
            annotation = None if param in starred else param.annotation
            binding = Binding(param.arg, "param", scope, param, effective, None, None, annotation)
            found = bindings.get(param.arg)
            if found is None:
                bindings[param.arg] = [binding]
            else:
                found.append(binding)

    # statements ------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind(alias.asname, "import", node, _end(node), qualified_name=alias.name)
            else:
                top = alias.name.split(".")[0]
                self._bind(top, "import", node, _end(node), qualified_name=top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute_module(node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            name = alias.asname or alias.name
            qualified = f"{base}.{alias.name}" if base else None
            self._bind(
                name,
                "import" if qualified else "unknown",
                node,
                _end(node),
                qualified_name=qualified,
            )

    def _absolute_module(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        return absolute_module(self.module.module_name, self.module.is_package, level, module)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.module.assignments.append(node)
        value = node.value
        handler = _HANDLERS.get(type(value))
        if handler is not None:
            handler(self, value)
        for target in node.targets:
            self._bind_target(target, node.value, _end(node))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.module.assignments.append(node)
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        self._bind_target(node.target, node.value, _end(node), node.annotation)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self._bind_target(node.target, None, _end(node))

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        target_scope = self.scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        target_scope.bind(
            Binding(
                node.target.id, "assign", target_scope, node.target, _end(node), None, node.value
            )
        )

    def _visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._bind_target(node.target, None, _start(node.body[0]) if node.body else _end(node))
        self._visit_each(node.body)
        self._visit_each(node.orelse)

    visit_For = _visit_for
    visit_AsyncFor = _visit_for

    def _visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                if isinstance(item.optional_vars, ast.Name):
                    self._bind(
                        item.optional_vars.id,
                        "with",
                        item.optional_vars,
                        _end(item.context_expr),
                        item.context_expr,
                    )
                else:
                    self._bind_target(item.optional_vars, None, _end(item.context_expr))
        self._visit_each(node.body)

    visit_With = _visit_with
    visit_AsyncWith = _visit_with

    def _visit_try(self, node: ast.Try) -> None:
        if node.handlers and any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body):
            self.module._guarded_imports.append((node, self.scope))
        self.visit_children(node)

    visit_Try = _visit_try
    visit_TryStar = _visit_try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name, "unknown", node, _start(node))
        self._visit_each(node.body)

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.global_names.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        return None

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        arguments = node.args
        self._visit_each(node.decorator_list)
        self._visit_arguments_defaults(arguments)
        if node.returns is not None:
            self.visit(node.returns)
        start = _start(node)
        self._bind(node.name, "function", node, start)
        outer = self.scope
        scope = self._enter("function", node, is_async=type(node) is ast.AsyncFunctionDef)
        if outer.kind == "class":
            positional = arguments.posonlyargs or arguments.args
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            if positional and "staticmethod" not in decorators and "classmethod" not in decorators:
                scope.self_name = positional[0].arg
        self.scope = scope
        parameters = _parameters(arguments)
        self._bind_parameters(arguments, parameters, start)
        self._visit_each(node.body)
        self.scope = outer

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def _visit_arguments_defaults(self, arguments: ast.arguments) -> None:
        self._visit_each(arguments.defaults)
        self._visit_each(arguments.kw_defaults)  # None for a keyword-only one without default

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_arguments_defaults(node.args)
        outer = self.scope
        self.scope = self._enter("lambda", node)
        self._bind_parameters(node.args, _parameters(node.args), _start(node))
        self.visit(node.body)
        self.scope = outer

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword.value)
        outer = self.scope
        self.scope = self._enter("class", node)
        self._visit_each(node.body)
        self.scope = outer
        self._bind(node.name, "class", node, _start(node))

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        outer = self.scope
        self.scope = self._enter("comprehension", node)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self._bind_target(generator.target, None, _start(node))
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope = outer

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension
    visit_DictComp = _visit_comprehension

    def visit_Call(self, node: ast.Call) -> None:
        self.module.calls.append(CallSite(node, self.scope))
        handlers = _HANDLERS
        func = node.func
        handler = handlers.get(type(func))
        if handler is not None:
            handler(self, func)
        for argument in node.args:
            handler = handlers.get(type(argument))
            if handler is not None:
                handler(self, argument)
        for keyword in node.keywords:
            # a `keyword`'s one child field is its value
            value = keyword.value
            handler = handlers.get(type(value))
            if handler is not None:
                handler(self, value)

    # The most frequent classes without a binding of their own, their fields read directly
    # (`_CHILD_FIELDS`, in the same order; `tests/test_model_walk.py` holds them equal).

    def visit_Attribute(self, node: ast.Attribute) -> None:
        value = node.value
        while type(value) is ast.Attribute:
            value = value.value
        handler = _HANDLERS.get(type(value))
        if handler is not None:
            handler(self, value)

    def _visit_value(self, node: ast.Expr | ast.keyword | ast.Await | ast.Starred) -> None:
        value = node.value
        handler = _HANDLERS.get(type(value))
        if handler is not None:
            handler(self, value)

    visit_Expr = _visit_value
    visit_keyword = _visit_value
    visit_Await = _visit_value
    visit_Starred = _visit_value

    def _visit_elements(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        handlers = _HANDLERS
        for element in node.elts:
            handler = handlers.get(type(element))
            if handler is not None:
                handler(self, element)

    visit_Tuple = _visit_elements
    visit_List = _visit_elements
    visit_Set = _visit_elements

    def visit_Subscript(self, node: ast.Subscript) -> None:
        handlers = _HANDLERS
        value = node.value
        handler = handlers.get(type(value))
        if handler is not None:
            handler(self, value)
        index = node.slice
        handler = handlers.get(type(index))
        if handler is not None:
            handler(self, index)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        handlers = _HANDLERS
        left = node.left
        handler = handlers.get(type(left))
        if handler is not None:
            handler(self, left)
        right = node.right
        handler = handlers.get(type(right))
        if handler is not None:
            handler(self, right)

    def visit_Compare(self, node: ast.Compare) -> None:
        handlers = _HANDLERS
        left = node.left
        handler = handlers.get(type(left))
        if handler is not None:
            handler(self, left)
        for comparator in node.comparators:
            handler = handlers.get(type(comparator))
            if handler is not None:
                handler(self, comparator)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        handlers = _HANDLERS
        for value in node.values:
            handler = handlers.get(type(value))
            if handler is not None:
                handler(self, value)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        operand = node.operand
        handler = _HANDLERS.get(type(operand))
        if handler is not None:
            handler(self, operand)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        handler = _HANDLERS.get(type(test))
        if handler is not None:
            handler(self, test)
        self._visit_each(node.body)
        self._visit_each(node.orelse)

    def visit_Return(self, node: ast.Return) -> None:
        if self.scope.kind == "function":
            self.scope.returns.append(node)
        if node.value is not None:
            self.visit(node.value)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self._bind(node.name, "unknown", node, _start(node))
        self.visit_children(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, "unknown", node, _start(node))

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._bind(node.rest, "unknown", node, _start(node))
        self.visit_children(node)


def _parameters(arguments: ast.arguments) -> list[ast.arg]:
    params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg:
        params.append(arguments.vararg)
    if arguments.kwarg:
        params.append(arguments.kwarg)
    return params


def _handler(cls: type[ast.AST]) -> _Handler | None:
    own: _Handler | None = getattr(_ScopeBuilder, f"visit_{cls.__name__}", None)
    if own is not None:
        return own
    return _ScopeBuilder.visit_children if _CHILD_FIELDS[cls] else None


_HANDLERS: dict[type, _Handler] = {
    cls: handler for cls in _CHILD_FIELDS if (handler := _handler(cls)) is not None
}
"""What `_ScopeBuilder.visit` does per node class; a class that is not here is a leaf."""


def _common_value(values: list[Value]) -> Value:
    """The one object every assignment of an attribute gives (assignments of `None` aside):
    the same value, or instances of the same class; else `UNKNOWN`."""
    values = [v for v in values if not (isinstance(v, Constant) and v.value is None)]
    if not values:
        return UNKNOWN
    first = values[0]
    if all(_same_kind(first, other) for other in values[1:]):
        return first
    cls = object_class(first)
    if cls is not None and all(_same_class(cls, object_class(v)) for v in values[1:]):
        node = first.node if isinstance(first, Instance) else None
        if node is None and isinstance(first, CallResult):
            node = first.call
        if node is not None:
            return Instance(cls, node)
    return UNKNOWN
