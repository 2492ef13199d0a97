"""Which string literals of Python code may hold a password, and code shown without them.

Messages quote code (`{os.getenv('REDIS_PASSWORD', 's3cret')}` in a URL),
`fix --diff` shows whole lines, and the project index keeps module constants
in the cache. A password is not only a `redis://:secret@` literal: it is the
default of an environment lookup of a secret-named variable, the fourth
positional argument of `Redis(host, port, db, password)`, a string
concatenated, `.format`ted or `%`-formatted into a URL's user info, the
second element of `auth=(user, password)`, a `password=` keyword, or the
value given to a secret-named variable, attribute or dict key.
`secret_constants` finds these by position, so that callers mask exactly
them; names stay even in such a value: the key of a lookup
(`os.getenv("REDIS_PASSWORD")`, `config.get("PASSWORD", default)`,
`getattr(settings, "SECRET_KEY", default)`, a subscript) and the keys of a
dict display (`AUTH_PASSWORD_VALIDATORS = [{"NAME": ...}]`). A literal is
masked wherever its text occurs, so a name spelled like a password is masked
too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

MASK = "****"
_SECRET_NAME = re.compile(r"pass(?:word|wd)?(?![a-z])|pwd|secret|token|credential|api_?key", re.I)
_REDIS_CONSTRUCTORS = frozenset({"Redis", "StrictRedis", "Connection", "SSLConnection"})
_AUTH_CLASSES = frozenset({"HTTPBasicAuth", "HTTPDigestAuth", "HTTPProxyAuth", "BasicAuth"})
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LOOKUP_METHODS = frozenset({"get", "pop", "setdefault"})
_NAMED_ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "hasattr", "setattr"})


def secret_name(name: str) -> bool:
    """A variable, keyword or key name that says it holds a secret (`REDIS_PASSWORD`, `pwd`)."""
    return _SECRET_NAME.search(name) is not None


def _callee_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_env_lookup(call: ast.Call) -> bool:
    """`os.getenv(...)`, `os.environ.get(...)`, `environ.get(...)`, `getenv(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "getenv"
    if isinstance(func, ast.Attribute):
        if func.attr == "getenv":
            return True
        base = func.value
        environ = (isinstance(base, ast.Attribute) and base.attr == "environ") or (
            isinstance(base, ast.Name) and base.id == "environ"
        )
        return func.attr in ("get", "setdefault", "pop") and environ
    return False


def _strings(node: ast.AST | None) -> Iterator[ast.Constant]:
    if node is None:
        return
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, (str, bytes)):
            if child.value:
                yield child


def _lookup_key(call: ast.Call) -> ast.expr | None:
    """The key argument of a lookup by name: `d.get("KEY", default)` (also `.pop`,
    `.setdefault`, environment lookups) or `getattr(obj, "NAME", default)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _LOOKUP_METHODS and call.args:
        return call.args[0]
    if isinstance(func, ast.Name) and func.id in _NAMED_ATTRIBUTE_FUNCTIONS:
        return call.args[1] if len(call.args) >= 2 else None
    return call.args[0] if _is_env_lookup(call) and call.args else None


def _names(node: ast.AST) -> set[int]:
    """Constants that are names, not values: lookup keys (`.get("PASSWORD", default)`,
    subscripts), dict display keys (`{"NAME": ...}`), `safe=`."""
    found: set[int] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            key = _lookup_key(child)
            if isinstance(key, ast.Constant):
                found.add(id(key))
            for keyword in child.keywords:
                if keyword.arg in ("safe", "encoding", "errors"):
                    found.update(id(c) for c in _strings(keyword.value))
        elif isinstance(child, ast.Subscript):
            found.update(id(c) for c in _strings(child.slice))
        elif isinstance(child, ast.Dict):
            found.update(id(k) for k in child.keys if isinstance(k, ast.Constant))
    return found


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr
    elif isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)


def _concatenation(node: ast.BinOp) -> list[ast.expr]:
    parts: list[ast.expr] = []
    current: ast.expr = node
    while isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
        parts.append(current.right)
        current = current.left
    parts.append(current)
    return parts[::-1]


def _user_info_parts(parts: list[ast.expr]) -> Iterator[ast.expr]:
    """The parts of `"redis://:" + pw + "@host"` (or an f-string's) that sit in the user info."""
    first = parts[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return
    match = _URL_SCHEME.match(first.value)
    if match is None:
        return
    template: list[str] = []
    bounds: list[tuple[int, int]] = []
    length = 0
    for part in parts:
        piece = (
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "\x00"
        )
        template.append(piece)
        bounds.append((length, length + len(piece)))
        length += len(piece)
    text = "".join(template)
    end = match.end()
    while end < len(text) and text[end] not in "/?#":
        end += 1
    at = text.rfind("@", match.end(), end)
    if at < 0:
        return
    for part, (start, stop) in zip(parts[1:], bounds[1:], strict=True):
        if start < at and stop > match.end():
            yield part


def secret_constants(tree: ast.AST) -> list[ast.Constant]:
    """The non-empty string literals of `tree` that may hold a password (see the module doc)."""
    names = _names(tree)
    found: dict[int, ast.Constant] = {}

    def add(node: ast.AST | None) -> None:
        for constant in _strings(node):
            if id(constant) not in names:
                found[id(constant)] = constant

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = _callee_name(node)
            if _is_env_lookup(node) and len(node.args) >= 2:
                key = node.args[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if secret_name(key.value):
                        add(node.args[1])
            if callee in _REDIS_CONSTRUCTORS and len(node.args) >= 4:
                add(node.args[3])
            if callee in _AUTH_CLASSES:
                for argument in node.args[1:]:
                    add(argument)
            for keyword in node.keywords:
                if keyword.arg == "auth" and isinstance(keyword.value, (ast.Tuple, ast.List)):
                    for element in keyword.value.elts[1:]:
                        add(element)
                elif keyword.arg is not None and secret_name(keyword.arg):
                    add(keyword.value)
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "format":
                receiver = func.value
                if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
                    if "://" in receiver.value and "@" in receiver.value:
                        for argument in node.args:
                            add(argument)
                        for keyword in node.keywords:
                            add(keyword.value)
        elif isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod):
                left = node.left
                if isinstance(left, ast.Constant) and isinstance(left.value, str):
                    if "://" in left.value and "@" in left.value:
                        add(node.right)
            elif isinstance(node.op, ast.Add):
                for part in _user_info_parts(_concatenation(node)):
                    add(part)
        elif isinstance(node, ast.JoinedStr):
            for part in _user_info_parts(list(node.values)):
                if isinstance(part, ast.FormattedValue):
                    add(part.value)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(secret_name(name) for t in targets for name in _target_names(t)):
                add(node.value)
        elif isinstance(node, ast.Dict):
            for dict_key, dict_value in zip(node.keys, node.values, strict=True):
                if isinstance(dict_key, ast.Constant) and isinstance(dict_key.value, str):
                    if secret_name(dict_key.value):
                        add(dict_value)
    return sorted(found.values(), key=lambda c: (c.lineno, c.col_offset))


def secret_literal_texts(source: str) -> set[str]:
    """The source text of each literal `secret_constants` finds; empty when `source` does not
    parse as Python."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    texts: set[str] = set()
    for constant in secret_constants(tree):
        segment = ast.get_source_segment(source, constant)
        if segment:
            texts.add(segment)
    return texts


def masked_literal(segment: str) -> str:
    """`"s3cret"` -> `"****"`, keeping the prefix and quotes as written."""
    match = re.match(r"^([A-Za-z]*)('''|\"\"\"|'|\")", segment)
    if match is None or not segment.endswith(match.group(2)):
        return MASK
    return f"{match.group(1)}{match.group(2)}{MASK}{match.group(2)}"


def mask_literals(text: str, literals: set[str]) -> str:
    """`text` with every occurrence of each literal's code replaced by its masked form."""
    for literal in sorted(literals, key=len, reverse=True):
        if literal in text:
            text = text.replace(literal, masked_literal(literal))
    return text


def masked_code(source: str, node: ast.expr) -> str:
    """The code of `node` with every non-empty string literal in it masked, except names
    (environment keys, subscripts, `safe=`): an expression in a password slot."""
    segment = ast.get_source_segment(source, node) or "..."
    names = _names(node)
    literals = {
        ast.get_source_segment(source, constant) or ""
        for constant in _strings(node)
        if id(constant) not in names
    }
    literals.discard("")
    kept = {ast.get_source_segment(source, c) or "" for c in _strings(node) if id(c) in names}
    if kept & literals:
        literals -= kept
    return mask_literals(segment, literals)
