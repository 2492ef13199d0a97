"""TL401-TL404 in Python: Redis URLs in string constants and f-strings, and literal passwords.

Every `"redis://..."` / `f"redis://..."` literal is read, wherever it is: a
module constant, the fallback of `os.environ.get("REDIS_URL", ...)` (seed
001), `CELERY_BROKER_URL`, `CACHES[...]["LOCATION"]`, a `from_url()`
argument. A URL in the `else` branch of `if REDIS_PASSWORD:` is the
password-less variant on purpose and is left alone. Fixes rewrite the whole
literal: TL401 inserts `:{quote(REDIS_PASSWORD, safe="")}@` (the password
variable the project configures, never its value), TL404 wraps the
interpolated password in `quote(..., safe="")`; `from urllib.parse import
quote` is added when needed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, may_pass_literal
from timeoutlint.checks.redis_url_parts import SCHEMES, is_placeholder, marker, parse_redis_url
from timeoutlint.checks.redis_urls import (
    HARDCODED_PASSWORD,
    UNENCODED_PASSWORD,
    URL_RULES,
    UrlPolicy,
    UrlSite,
    url_findings,
)
from timeoutlint.findings import Applicability, Fix, Position
from timeoutlint.fix_operations import AddImport, ReplaceString
from timeoutlint.project.redis_auth import PasswordSource
from timeoutlint.python.model import PythonModule, Scope, walk
from timeoutlint.python.secrets import masked_code
from timeoutlint.python.values import CallResult, Constant, QualifiedName
from timeoutlint.redis.vocabulary import (
    PASSWORD_CALLEE_PACKAGES,
    PASSWORD_VARIABLE_MENTIONS,
    PASSWORD_VARIABLES,
    URL_SCHEME_MENTIONS,
)

_PREFIX = re.compile(r"^([A-Za-z]*)('''|\"\"\"|'|\")")
_QUOTE = "urllib.parse.quote"
_QUOTE_NAMES = frozenset({_QUOTE, "requests.compat.quote", "requests.utils.quote"})
"""`urllib.parse.quote` and the names requests re-exports it by (`requests.compat` imports it
from `urllib.parse`, `requests.utils` from `requests.compat`)."""
_BREAKING = "/#?%[]"
"""The characters that break a Redis URL's password slot when `quote()` keeps them."""
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv"})


@dataclass(frozen=True)
class Literal:
    """A one-line string literal's source text, split into prefix, quote and body."""

    node: ast.expr
    raw: str
    prefix: str
    quote: str
    start: Position

    @property
    def body_start(self) -> int:
        return len(self.prefix) + len(self.quote)

    @property
    def other_quote(self) -> str:
        return '"' if self.quote[0] == "'" else "'"


def _literal(model: PythonModule, node: ast.expr) -> Literal | None:
    span = model.span(node)
    if span.start.line != span.end.line:
        return None
    line = model.lines[span.start.line - 1]
    raw = line[span.start.column - 1 : span.end.column - 1]
    match = _PREFIX.match(raw)
    if match is None or not raw.endswith(match.group(2)):
        return None
    return Literal(node, raw, match.group(1), match.group(2), span.start)


def _exact_offsets(literal: Literal, value: str) -> tuple[int, ...] | None:
    """Column offsets of each character of a plain literal's value, if written without escapes."""
    body = literal.raw[literal.body_start : len(literal.raw) - len(literal.quote)]
    if body != value or "\\" in body:
        return None
    return tuple(literal.body_start + index for index in range(len(value) + 1))


def _fstring_site(
    model: PythonModule, node: ast.JoinedStr, literal: Literal | None
) -> tuple[UrlSite, list[ast.FormattedValue]]:
    template: list[str] = []
    variables: list[str] = []
    formatted: list[ast.FormattedValue] = []
    offsets: list[int] | None = [] if literal is not None else None
    cursor = literal.body_start if literal is not None else 0
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            template.append(part.value)
            if offsets is not None and literal is not None:
                for char in part.value:
                    if literal.raw[cursor : cursor + 1] != char:
                        offsets = None
                        break
                    offsets.append(cursor)
                    cursor += 2 if char in "{}" else 1
        elif isinstance(part, ast.FormattedValue):
            stand_in = marker(len(variables))
            variables.append("{" + masked_code(model.source, part.value) + "}")
            formatted.append(part)
            template.append(stand_in)
            if offsets is not None and literal is not None:
                close = literal.raw.find(
                    "}", model.span(part.value).end.column - literal.start.column
                )
                if close < 0:
                    offsets = None
                    continue
                offsets.extend([cursor] * len(stand_in))
                cursor = close + 1
    if offsets is not None and literal is not None:
        offsets.append(cursor)
    span = model.span(node)
    site = UrlSite(
        "".join(template),
        tuple(variables),
        span.start,
        span.end,
        tuple(offsets) if offsets is not None else None,
        offsets is not None,
    )
    return site, formatted


def _mentions_password(test: ast.expr) -> bool:
    for node in ast.walk(test):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if isinstance(name, str) and "pass" in name.lower():
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "pass" in node.value.lower():
                return True
    return False


def _negated(test: ast.expr) -> bool:
    """`not PASSWORD`, `PASSWORD is None`, `PASSWORD == ""`: true when there is no password."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        [operator], [right] = test.ops, test.comparators
        empty = isinstance(right, ast.Constant) and right.value in (None, "")
        return empty and isinstance(operator, (ast.Is, ast.Eq))
    return False


def _password_less_branch(model: PythonModule, node: ast.AST) -> bool:
    """Inside the branch that runs when no password is set (`else` of `if REDIS_PASSWORD:`)."""
    child: ast.AST = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.If, ast.IfExp)) and _mentions_password(ancestor.test):
            negated = _negated(ancestor.test)
            in_else = (
                child in ancestor.orelse
                if isinstance(ancestor, ast.If)
                else child is ancestor.orelse
            )
            if in_else != negated:
                return True
        child = ancestor
    return False


class _PythonFixes:
    """Builds the literal rewrites for one URL site."""

    def __init__(self, model: PythonModule, literal: Literal, scope: Scope) -> None:
        self.model = model
        self.literal = literal
        self.scope = scope

    def _quote_name(self) -> tuple[str, tuple[AddImport, ...]] | None:
        binding = self.model.lookup("quote", self.scope, (self.literal.start.line, 0))
        if binding is None:
            return "quote", (AddImport("urllib.parse", "quote"),)
        resolved = self.model.resolve_binding(binding)
        if isinstance(resolved, QualifiedName) and resolved.name == _QUOTE:
            return "quote", ()
        return None

    def _password_expression(self, variable: str) -> tuple[str, bool, tuple[AddImport, ...]]:
        """The Python expression for the password, whether that is safe, and imports it needs."""
        position = (self.literal.start.line, self.literal.start.column - 1)
        if self.model.lookup(variable, self.scope, position) is not None:
            return variable, True, ()
        inner = self.literal.other_quote
        os_binding = self.model.lookup("os", self.scope, position)
        if os_binding is not None and os_binding.qualified_name != "os":
            return "", False, ()
        expression = f"os.environ.get({inner}{variable}{inner}, {inner}{inner})"
        return expression, False, (AddImport("os"),)

    def _rewrite(self, *splices: tuple[int, int, str], to_fstring: bool = True) -> ReplaceString:
        """Splices of the literal's code (made an f-string), which carry none of its text."""
        edits = list(splices)
        if to_fstring and "f" not in self.literal.prefix.lower():
            edits.append((0, 0, "f"))
        return ReplaceString.of(self.literal.start, self.literal.raw, tuple(edits))

    def insert_password(self, site: UrlSite, source: PasswordSource) -> Fix | None:
        variable = source.variable
        if variable is None:
            return None
        prefix = self.literal.prefix.lower()
        if "b" in prefix or "u" in prefix:
            return None
        is_fstring = "f" in prefix
        body = self.literal.raw[self.literal.body_start : -len(self.literal.quote)]
        if not is_fstring and ("{" in body or "}" in body):
            return None
        quote_name = self._quote_name()
        expression, safe, imports = self._password_expression(variable)
        if quote_name is None or not expression or site.offsets is None:
            return None
        url = parse_redis_url(site.template)
        assert url is not None
        at = site.offsets[url.authority_start]
        inner = self.literal.other_quote
        inserted = f":{{{quote_name[0]}({expression}, safe={inner}{inner})}}@"
        return Fix(
            Applicability.SAFE if safe else Applicability.UNSAFE,
            f"Insert the password from `{variable}`, percent-encoded",
            (self._rewrite((at, at, inserted)), *quote_name[1], *imports),
        )

    def replace(self, site: UrlSite, start: int, end: int, text: str, message: str) -> Fix | None:
        if site.offsets is None:
            return None
        splice = (site.offsets[start], site.offsets[end], text)
        return Fix(Applicability.SAFE, message, (self._rewrite(splice, to_fstring=False),))

    def wrap_in_quote(self, value: ast.FormattedValue, site: UrlSite) -> Fix | None:
        quote_name = self._quote_name()
        if quote_name is None or site.offsets is None:
            return None
        expression = value.value
        source = ast.get_source_segment(self.model.source, expression)
        if source is None:
            return None
        inner = self.literal.other_quote
        span = self.model.span(expression)
        start = span.start.column - self.literal.start.column
        end = span.end.column - self.literal.start.column
        if self.literal.raw[start:end] != source:
            return None
        safe_argument = f", safe={inner}{inner}"
        if isinstance(expression, ast.Call) and _is_quote(self.model, expression, self.scope):
            if len(expression.args) != 1 or expression.keywords:
                return None
            argument_end = self.model.span(expression.args[0]).end.column
            at = argument_end - self.literal.start.column
            splices: tuple[tuple[int, int, str], ...] = ((at, at, safe_argument),)
            imports: tuple[AddImport, ...] = ()
        else:
            splices = ((start, start, f"{quote_name[0]}("), (end, end, f"{safe_argument})"))
            imports = quote_name[1]
        return Fix(
            Applicability.SAFE,
            'Percent-encode the password with `quote(..., safe="")`',
            (self._rewrite(*splices), *imports),
        )


def _built_on(model: PythonModule, node: ast.expr) -> bool:
    """`"redis://" + host`: a bare scheme is a URL only as the start of a concatenation."""
    parent = model.parent(node)
    return isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add) and parent.left is node


def _at_sign_follows(model: PythonModule, node: ast.expr) -> bool:
    """`"redis://" + user + ":" + pw + "@host"`: user info is written further on."""
    current: ast.AST = node
    parent = model.parent(current)
    while isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
        right = parent.right
        if isinstance(right, ast.Constant) and isinstance(right.value, str):
            authority = re.split(r"[/?#]", right.value, maxsplit=1)[0]
            if "@" in authority:
                return True
            if authority != right.value:
                return False
        current = parent
        parent = model.parent(current)
    return False


def _is_quote(model: PythonModule, call: ast.Call, scope: Scope) -> bool:
    callee = model.resolve(call.func, scope)
    return isinstance(callee, QualifiedName) and callee.name in _QUOTE_NAMES


@dataclass(frozen=True)
class _Quoting:
    """The `quote()` call that encodes an interpolated password, written in the f-string
    (`direct`) or bound to the name it interpolates, and the URL-breaking characters its `safe`
    keeps (None when `safe=` cannot be read)."""

    call: ast.Call
    direct: bool
    kept: str | None
    default_safe: bool = False


def _quoting(model: PythonModule, expression: ast.expr, scope: Scope) -> _Quoting | None:
    if isinstance(expression, ast.Call):
        call, direct = expression, True
    else:
        value = model.resolve(expression, scope)
        if not isinstance(value, CallResult):
            return None
        call, scope, direct = value.call, value.scope, False
    if not _is_quote(model, call, scope):
        return None
    safe: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "safe":
            safe = keyword.value
    if safe is None:
        return _Quoting(call, direct, "/", default_safe=True)
    value = model.resolve(safe, scope)
    if not isinstance(value, Constant) or not isinstance(value.value, (str, bytes)):
        return _Quoting(call, direct, None)
    safe_text = value.value.decode("latin-1") if isinstance(value.value, bytes) else value.value
    return _Quoting(call, direct, "".join(c for c in _BREAKING if c in safe_text))


def _bound_to_an_unknown_encoder(model: PythonModule, expression: ast.expr, scope: Scope) -> bool:
    """A name bound to a call of something named like an encoder that the model cannot resolve
    (`requests.compat.quote(pw)` with `requests` from a star import): the value may be encoded
    already, and wrapping it in `quote()` would encode it twice."""
    if not isinstance(expression, ast.Name):
        return False
    value = model.resolve(expression, scope)
    if not isinstance(value, CallResult) or isinstance(value.callee, QualifiedName):
        return False
    func = value.call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return any(word in name.lower() for word in ("quote", "encode", "escape"))


def _unencoded_problem(code: str, quoting: _Quoting | None) -> str:
    if quoting is None or not quoting.kept:
        return (
            f'`{code}` is put into a Redis URL without `quote(..., safe="")`; a `/`, `#`, `?`'
            " or `%` in the password then breaks the URL"
        )
    kept = " or ".join(f"`{c}`" for c in quoting.kept)
    safe = 'the default `safe="/"`' if quoting.default_safe else "its `safe=`"
    encoded = "" if quoting.direct else " is percent-encoded by `quote()` and"
    return (
        f"`{code}`{encoded} is put into a Redis URL, but {safe} keeps {kept} as it is: a"
        f" {kept} in the password then breaks the URL"
    )


def _check_url(ctx: CheckContext, model: PythonModule, node: ast.Constant | ast.JoinedStr) -> None:
    scope = model.scope_of(node)
    literal = _literal(model, node)
    formatted: list[ast.FormattedValue] = []
    if isinstance(node, ast.Constant):
        value = str(node.value)
        offsets = _exact_offsets(literal, value) if literal is not None else None
        span = model.span(node)
        site = UrlSite(value, (), span.start, span.end, offsets, offsets is not None)
    else:
        site, formatted = _fstring_site(model, node, literal)
    if literal is None:
        site = UrlSite(site.template, site.variables, site.start, site.end, None, False)
    if any(char.isspace() for char in site.template):
        return
    fixes = _PythonFixes(model, literal, scope) if literal is not None else None
    url = parse_redis_url(site.template)
    if site.template in SCHEMES and not _built_on(model, node):
        return
    if url is not None and url.authority_end == len(site.template) and _built_on(model, node):
        if site.template.endswith(("://:", "@")) or _at_sign_follows(model, node):
            return
    if url is not None and url.password is not None and formatted:
        password = site.template[url.password[0] : url.password[1]]
        for index, part in enumerate(formatted):
            if marker(index) not in password:
                continue
            quoting = _quoting(model, part.value, scope)
            if quoting is not None and quoting.kept == "":
                continue
            encoded_elsewhere = (
                quoting is not None and not quoting.direct
            ) or _bound_to_an_unknown_encoder(model, part.value, scope)
            fix = (
                fixes.wrap_in_quote(part, site)
                if fixes is not None and not encoded_elsewhere
                else None
            )
            ctx.report(
                UNENCODED_PASSWORD,
                model.span(part.value),
                fix,
                problem=_unencoded_problem(masked_code(model.source, part.value), quoting),
            )
    skip_missing = _password_less_branch(model, node)

    def insert(site: UrlSite, source: PasswordSource) -> Fix | None:
        return fixes.insert_password(site, source) if fixes is not None else None

    def replace(site: UrlSite, start: int, end: int, text: str, message: str) -> Fix | None:
        return fixes.replace(site, start, end, text, message) if fixes is not None else None

    url_findings(ctx, site, UrlPolicy(False, not skip_missing, insert, replace, False))


def _url_literals(model: PythonModule) -> list[ast.Constant | ast.JoinedStr]:
    """The URL literals in `ast.walk` order; none without a string that starts with a scheme (an
    f-string is one only when its first part is such a string)."""
    if not any(str(node.value).startswith(SCHEMES) for node in model.string_constants):
        return []
    found: list[ast.Constant | ast.JoinedStr] = []
    inside_fstrings: set[int] = set()
    for node in walk(model.tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstrings.update(id(part) for part in node.values)
            first = node.values[0] if node.values else None
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.startswith(SCHEMES)
            ):
                found.append(node)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(SCHEMES)
        ):
            found.append(node)
    return [node for node in found if id(node) not in inside_fstrings]


def _literal_passwords(ctx: CheckContext, model: PythonModule) -> None:
    for site in model.calls:
        if not any(keyword.arg == "password" for keyword in site.node.keywords):
            continue
        callee = model.resolve(site.node.func, site.scope)
        name = callee.name if isinstance(callee, QualifiedName) else ""
        if not name.startswith(("redis.", "django_redis.", "rq.")):
            continue
        for keyword in site.node.keywords:
            if keyword.arg != "password":
                continue
            if isinstance(keyword.value, ast.Constant) and _secret(keyword.value.value):
                ctx.report(
                    HARDCODED_PASSWORD,
                    model.span(keyword.value),
                    None,
                    what=f"The `password=` of `{ast.get_source_segment(model.source, site.node.func)}()`",
                )
    for node in model.assignments:
        if node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name) and t.id in PASSWORD_VARIABLES]
        if not names:
            continue
        literal = _literal_value(model, node.value)
        if literal is not None:
            ctx.report(
                HARDCODED_PASSWORD,
                model.span(literal),
                None,
                what=f"The value given to `{names[0]}`",
            )


def _secret(value: object) -> bool:
    return isinstance(value, str) and value != "" and not is_placeholder(value)


def _literal_value(model: PythonModule, value: ast.expr) -> ast.expr | None:
    if isinstance(value, ast.Constant):
        return value if _secret(value.value) else None
    if isinstance(value, ast.Call) and len(value.args) == 2:
        callee = model.resolve(value.func, model.scope_of(value))
        if isinstance(callee, QualifiedName) and callee.name in _ENV_GETTERS:
            default = value.args[1]
            if isinstance(default, ast.Constant) and _secret(default.value):
                return default
    return None


def check_python(ctx: CheckContext, model: PythonModule) -> None:
    for node in _url_literals(model):
        _check_url(ctx, model, node)
    if ctx.wants(HARDCODED_PASSWORD):
        _literal_passwords(ctx, model)


_PASSWORD_CALLEE_PACKAGES = PASSWORD_CALLEE_PACKAGES


def may_report(prospect: Prospect) -> bool:
    """A finding is about a string literal that starts with a scheme of `URL_SCHEMES` (written as
    is, the premise of the triggers), or (TL403) a literal assigned to a name of
    `PASSWORD_VARIABLES` (both contain `REDIS_PASS`), or the `password=` keyword of a call whose
    callee resolves into one of `_PASSWORD_CALLEE_PACKAGES` with `model.resolve` alone (no
    index): through an import of one of them, or a relative import inside one
    (`Prospect.may_resolve_into`). `_literal_passwords` reports that keyword only when its
    value is a string constant written at the call (`ast.Constant`, no name is resolved), so
    the bytes spell `password=` and a string literal after it (`prefilter.may_pass_literal`)."""
    data = prospect.data
    if any(scheme in data for scheme in URL_SCHEME_MENTIONS) or b"REDIS_PASS" in data:
        return True
    return (
        HARDCODED_PASSWORD in prospect.enabled
        and may_pass_literal(data, "password")
        and prospect.may_resolve_into(_PASSWORD_CALLEE_PACKAGES)
    )


PYTHON_CHECK = Check(
    rules=URL_RULES,
    kind="python",
    triggers=(*URL_SCHEME_MENTIONS, *PASSWORD_VARIABLE_MENTIONS, b"password"),
    run=check_python,
    guard=may_report,
)
