"""Network clients that a project module builds for others: factories and module-level objects.

`from .http import make_session; make_session().get(url)` calls `get` on a
`requests.Session` that another module built. The call-site rules (TL101-TL103)
know an object by the constructor that made it, so the index keeps, per module,
each module-level name that is a client (`session = requests.Session()`) or a
function that returns one (`def make_session(): return requests.Session()`, or
`-> httpx.Client`), as plain data: the library class, the methods that local
subclasses on the way define (a subclass overriding `request` usually injects a
timeout), and the keywords the constructor call passes (unknown for an object
known only by its class, or a `**splat`).

Only modules whose bytes import a client library and spell a constructor's name
are parsed (`client_bytes.py`, a fact of the scan), so a project without such
modules costs nothing. A factory that returns the result of another factory
(of this module or another) is not followed.

Only the classes that some rule's `built-by` list names (`rule_constructors`) are
exported: `def pin(request) -> httpx.Request` is not a client, and exporting it would make
every module that imports `pin` a prospect of the call-site rules for nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from timeoutlint.catalog import Rule, builtin_rules
from timeoutlint.project.client_bytes import LIBRARY_NAMES
from timeoutlint.python.model import PythonModule
from timeoutlint.python.values import (
    CallResult,
    Instance,
    LocalClass,
    LocalFunction,
    QualifiedName,
    Value,
)

LIBRARIES = LIBRARY_NAMES
"""The packages whose clients the call-site rules recognise by their constructor."""
_MAX_CLASS_DEPTH = 8


@dataclass(frozen=True)
class ExportedClient:
    """A client another module builds: `cls`, a library class (`requests.Session`); `defines`,
    the methods of the project's subclasses between it and the object; `keywords`, what the
    constructor call passes (None: unknown); `factory`: a function returning it (else the
    module-level object itself)."""

    cls: str
    defines: frozenset[str]
    keywords: frozenset[str] | None
    factory: bool

    def built_by(self, constructors: tuple[str, ...], overrides: tuple[str, ...]) -> bool:
        return self.cls in constructors and self.defines.isdisjoint(overrides)

    def passes(self, keyword: str) -> bool | None:
        """Whether the constructor call passes `keyword` (None: cannot be known)."""
        return None if self.keywords is None else keyword in self.keywords


def _library_class(value: Value, defines: set[str], depth: int = 0) -> str | None:
    if depth > _MAX_CLASS_DEPTH:
        return None
    if isinstance(value, QualifiedName):
        return value.name if value.name.split(".", 1)[0] in LIBRARIES else None
    if isinstance(value, LocalClass):
        found = {_library_class(base, defines, depth + 1) for base in value.bases} - {None}
        if len(found) != 1:
            return None
        defines.update(
            node.name
            for node in value.node.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        return found.pop()
    return None


def client_of(value: Value, factory: bool) -> ExportedClient | None:
    """`value` as an exported client, when it is an object of a library class."""
    keywords: frozenset[str] | None = None
    if isinstance(value, Instance):
        cls = value.cls
    elif isinstance(value, CallResult) and isinstance(value.callee, (QualifiedName, LocalClass)):
        cls = value.callee
        passed = [k.arg for k in value.call.keywords]
        keywords = None if None in passed else frozenset(k for k in passed if k is not None)
    else:
        return None
    defines: set[str] = set()
    name = _library_class(cls, defines)
    if name is None:
        return None
    return ExportedClient(name, frozenset(defines), keywords, factory)


def rule_constructors(rules: Mapping[str, Rule] | Iterable[Rule]) -> frozenset[str]:
    """Every constructor a call-site rule of `rules` names in a `built-by` list: the classes
    whose objects a rule can follow from another module."""
    chosen = rules.values() if isinstance(rules, Mapping) else rules
    return frozenset(
        constructor
        for rule in chosen
        if rule.callsite is not None
        for callee in rule.callsite.callees
        for constructor in callee.built_by
    )


def builtin_constructors() -> frozenset[str]:
    """`rule_constructors` of the built-in catalog (for an index built without the run's rules)."""
    return rule_constructors(builtin_rules())


def module_clients(
    module: PythonModule, constructors: frozenset[str] | None = None
) -> dict[str, ExportedClient]:
    """The module-level names of `module` that are clients or return one (bound once), of a
    class in `constructors` (default: `builtin_constructors`)."""
    wanted = builtin_constructors() if constructors is None else constructors
    found: dict[str, ExportedClient] = {}
    for name, bindings in module.module_scope.bindings.items():
        if len(bindings) != 1:
            continue
        binding = bindings[0]
        if binding.kind == "function":
            function = module.resolve_binding(binding)
            if isinstance(function, LocalFunction):
                client = client_of(module.returned_object(function), factory=True)
            else:
                client = None
        elif binding.kind in ("assign", "with"):
            client = client_of(module.resolve_binding(binding), factory=False)
        else:
            client = None
        if client is not None and client.cls in wanted:
            found[name] = client
    return found


ClientLookup = Callable[[str], "ExportedClient | None"]


def client_for(lookup: ClientLookup | None, value: Value) -> ExportedClient | None:
    """The exported client `value` is: a module-level object of another module
    (`QualifiedName`), or the result of calling an exported factory."""
    if lookup is None:
        return None
    if isinstance(value, QualifiedName):
        client = lookup(value.name)
        return client if client is not None and not client.factory else None
    if isinstance(value, CallResult) and isinstance(value.callee, QualifiedName):
        client = lookup(value.callee.name)
        return client if client is not None and client.factory else None
    return None
