"""What an expression is known to evaluate to, as far as the model can tell.

Rules ask the model for the value of an expression and match on these
shapes; anything the model cannot prove is `UNKNOWN`, and rules never guess
about an unknown value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeoutlint.python.model import Scope


@dataclass(frozen=True)
class Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Constant:
    """A literal value: None, bool, int, float, str or bytes.

    `from_env` names the environment variable when the value is the default of
    `os.environ.get("NAME", default)`: what runs unless the variable is set.
    """

    value: object
    from_env: str | None = None


@dataclass(frozen=True)
class QualifiedName:
    """A module, function or class reached through imports, e.g. `requests.Session`."""

    name: str


@dataclass(frozen=True, eq=False)
class CallResult:
    """The object returned by calling `callee` at `call` (a client, a session, a pubsub)."""

    callee: Value
    call: ast.Call
    scope: Scope


@dataclass(frozen=True)
class BoundAttribute:
    """`base.name` where `base` is an object rather than a module, e.g. `session.get`."""

    base: Value
    name: str


@dataclass(frozen=True, eq=False)
class Instance:
    """An object of class `cls` built somewhere the model cannot see, with no known arguments.

    What a type annotation declares (`session: requests.Session`, `Optional[httpx.Client]`,
    `self.client: httpx.Client = make()`), or the class an `x or Class()` fallback builds. It
    says which class the object is, never how it was constructed: a rule that needs the
    constructor's arguments treats them as unknown.
    """

    cls: Value
    node: ast.expr


@dataclass(frozen=True, eq=False)
class LocalClass:
    """A class defined in the file, with the values of its bases."""

    node: ast.ClassDef
    bases: tuple[Value, ...]


@dataclass(frozen=True, eq=False)
class LocalFunction:
    node: ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class TupleValue:
    elements: tuple[Value, ...]


@dataclass(frozen=True, eq=False)
class DictValue:
    """A dict display or `dict(...)` call whose keys are all known constants."""

    node: ast.expr
    items: tuple[tuple[ast.expr | None, ast.expr], ...]


Value = (
    Unknown
    | Constant
    | QualifiedName
    | CallResult
    | Instance
    | BoundAttribute
    | LocalClass
    | LocalFunction
    | TupleValue
    | DictValue
)


def callee_name(value: Value) -> str | None:
    """The qualified name of what was called to make `value`, if it is a call result."""
    if isinstance(value, CallResult) and isinstance(value.callee, QualifiedName):
        return value.callee.name
    return None
