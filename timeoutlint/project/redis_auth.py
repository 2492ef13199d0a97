"""Which Redis endpoints have a password configured, and under which variable.

One explicit pass over the compose files, the `.env` files and the Python
files that mention a Redis password, done once per run. The result says,
per Redis endpoint of a compose project (service name and the other names
it is reached by, port), whether a password is configured (`--requirepass`
in the command, bitnami's `REDIS_PASSWORD`, `REDIS_ARGS` of redis-stack),
explicitly absent (`ALLOW_EMPTY_PASSWORD=yes`, a plain `redis-server`) or
unknown (a config file the linter cannot see); plus the project-wide
facts: `REDIS_PASSWORD`/`REDIS_PASS` set in a `.env`, in a service's
environment or in Python settings, and `password=` arguments in Python.

`.env.example` and friends document variables; they never make a password
configured. Nothing is guessed: with no evidence, no password is known.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from timeoutlint.config import Config
from timeoutlint.discovery import SourceFile, is_documentation_env
from timeoutlint.limits import parses_within_bounds, read_regular_file, read_text_file

if TYPE_CHECKING:
    from timeoutlint.compose.dotenv import DotenvFile
    from timeoutlint.compose.model import CommandWord, Service

PASSWORD_VARIABLES = ("REDIS_PASSWORD", "REDIS_PASS")
DEFAULT_PORT = 6379
_REDIS_IMAGES = frozenset(
    {
        "redis",
        "bitnami/redis",
        "redis/redis-stack",
        "redis/redis-stack-server",
        "valkey/valkey",
        "bitnami/valkey",
    }
)
_BITNAMI = frozenset({"bitnami/redis", "bitnami/valkey"})
_SERVERS = frozenset({"redis-server", "valkey-server", "redis-stack-server"})
_SHELL_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_REDIS_CONSTRUCTORS = frozenset(
    {"Redis", "StrictRedis", "ConnectionPool", "BlockingConnectionPool", "Sentinel", "RedisCluster"}
)
"""Callees whose `password=` configures Redis (`from_url` too, when the file imports redis)."""
_PASSWORD_KEYWORD = re.compile(rb"[(,]\s*password\s*=(?!=)")


class PasswordState(str, Enum):
    CONFIGURED = "configured"
    NONE = "none"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PasswordSource:
    """Where a password is configured: the variable that holds it (if any) and a location."""

    variable: str | None
    path: str
    line: int
    how: str

    def describe(self) -> str:
        return f"{self.how} ({self.path}:{self.line})"


@dataclass(frozen=True)
class RedisEndpoint:
    service: str
    hosts: tuple[str, ...]
    port: int
    compose_file: str
    state: PasswordState
    source: PasswordSource | None = None


@dataclass(frozen=True)
class ProjectPassword:
    """A password configured outside a Redis service: `.env`, a service's environment, Python."""

    source: PasswordSource
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedisAuth:
    endpoints: tuple[RedisEndpoint, ...] = ()
    passwords: tuple[ProjectPassword, ...] = ()
    compose_variables: tuple[tuple[str, frozenset[str]], ...] = field(default=())
    """Per compose file (relative path): the variables it can interpolate (its `.env` and its `${...}`)."""
    needs_encoding: tuple[tuple[str, frozenset[str]], ...] = field(default=())
    """Per compose file: the variables of its `.env` whose values contain `/ # ? %` (names only)."""

    def fingerprint(self) -> str:
        """A digest that is the same in every process (no set ordering in it)."""
        variables = [(path, sorted(names)) for path, names in self.compose_variables]
        encoding = [(path, sorted(names)) for path, names in self.needs_encoding]
        canonical = repr((self.endpoints, self.passwords, variables, encoding))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def password_for(self, host: str | None, port: int | None) -> PasswordSource | None:
        """The password configured for a URL's host and port; None when there is no evidence.

        `host` is None when the URL's host is not a literal (an f-string
        placeholder, a `${VAR}`). A host that names a compose Redis service
        follows that service; an unknown or local host follows any Redis
        service with a password, and otherwise the project-wide facts.
        """
        port = port or DEFAULT_PORT
        if host is not None:
            named = [e for e in self.endpoints if host in e.hosts and e.port == port]
            if named:
                return _decide(named, self.passwords)
        if host is None or _is_local(host):
            configured = [e for e in self.endpoints if e.state is PasswordState.CONFIGURED]
            if configured:
                by_port = [e for e in configured if e.port == port] or configured
                return by_port[0].source
            if self.endpoints and all(e.state is PasswordState.NONE for e in self.endpoints):
                return None
            return self.passwords[0].source if self.passwords else None
        for password in self.passwords:
            if host in password.hosts:
                return password.source
        return None

    def interpolatable(self, compose_file: str) -> frozenset[str]:
        for path, names in self.compose_variables:
            if path == compose_file:
                return names
        return frozenset()

    def unsafe_in_url(self, compose_file: str) -> frozenset[str]:
        """The variables whose values would break a URL they are interpolated into."""
        for path, names in self.needs_encoding:
            if path == compose_file:
                return names
        return frozenset()

    @classmethod
    def build(
        cls,
        files: list[SourceFile],
        config: Config,
        may_name_password: Callable[[SourceFile], bool] | None = None,
    ) -> RedisAuth:
        """`may_name_password` says, without reading, which Python files pass
        `mentions_password` (from the scan); the others are not read again."""
        return _Builder(files, may_name_password).build()


def mentions_password(data: bytes) -> bool:
    """Whether a Python file may configure a Redis password (the only ones parsed).

    `_python_passwords` finds a module-level `REDIS_PASSWORD`/`REDIS_PASS`
    assignment, or a `password=` keyword (`_PASSWORD_KEYWORD`) given to one
    of `_REDIS_CONSTRUCTORS` or to `from_url`; a file whose text names
    neither is not parsed. Identifiers are compared after NFKC normalization,
    as the parser does, so a file with non-ASCII bytes is searched in that form.
    """
    if b"REDIS_PASS" not in data and not (b"password" in data and b"redis" in data):
        return False
    text = data if data.isascii() else _normalized(data)
    if text is None or b"REDIS_PASS" in text:
        return True
    return _PASSWORD_KEYWORD.search(data) is not None and any(
        callee in text for callee in _CALLEE_MENTIONS
    )


_CALLEE_MENTIONS = (b"Redis", b"ConnectionPool", b"Sentinel", b"from_url")
"""Substrings of every name in `_REDIS_CONSTRUCTORS`, and `from_url`."""


def _normalized(data: bytes) -> bytes | None:
    """The source as NFKC-normalized UTF-8, or None when it cannot be decoded."""
    import unicodedata

    from timeoutlint.python.source import SourceDecodeError, decode_python

    try:
        text = decode_python(data).text
    except SourceDecodeError:
        return None
    return unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")


def _is_local(host: str) -> bool:
    return host.lower() in ("localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal")


def _decide(
    endpoints: list[RedisEndpoint], passwords: tuple[ProjectPassword, ...]
) -> PasswordSource | None:
    for endpoint in endpoints:
        if endpoint.state is PasswordState.CONFIGURED:
            return endpoint.source
    if all(e.state is PasswordState.NONE for e in endpoints):
        return None
    return passwords[0].source if passwords else None


def image_repository(image: str) -> str:
    """`docker.io/bitnami/redis:7.2@sha256:...` -> `bitnami/redis`; `redis:7-alpine` -> `redis`."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts[:1] == ["library"]:
        parts = parts[1:]
    return "/".join(parts).lower()


def _read_text(path: Path) -> str | None:
    try:
        return read_text_file(path, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _variable_of(text: str) -> tuple[str | None, bool]:
    """(variable, is_compose_variable) for a password written as `${VAR}`, `$$VAR` or a literal."""
    from timeoutlint.compose import interpolation
    from timeoutlint.compose.interpolation import InterpolationError, Literal, Reference

    try:
        parts = interpolation.parse(text)
    except InterpolationError:
        return None, False
    if len(parts) == 1 and isinstance(parts[0], Reference):
        return parts[0].name, True
    if len(parts) == 1 and isinstance(parts[0], Literal):
        shell = _SHELL_VARIABLE.match(parts[0].text)
        if shell is not None:
            return shell.group(1), False
    return None, False


def breaks_url(value: str | None) -> bool:
    """Whether a password value needs percent-encoding to sit in a URL (`/ # ? %`)."""
    return value is not None and any(char in value for char in "/#?%")


def _non_empty(value: str | None) -> bool:
    return value is not None and value.strip() not in ("", '""', "''")


class _Builder:
    def __init__(
        self, files: list[SourceFile], may_name_password: Callable[[SourceFile], bool] | None
    ) -> None:
        self.files = files
        self.may_name_password = may_name_password
        self.endpoints: list[RedisEndpoint] = []
        self.passwords: list[ProjectPassword] = []
        self.compose_variables: list[tuple[str, frozenset[str]]] = []
        self.needs_encoding: list[tuple[str, frozenset[str]]] = []
        self.dotenv_cache: dict[Path, DotenvFile | None] = {}

    def build(self) -> RedisAuth:
        for source in self.files:
            if source.kind == "compose":
                self._compose(source)
        for source in self.files:
            if source.kind == "dotenv" and not is_documentation_env(source.path.name):
                self._dotenv(source.path, source.relative)
            elif source.kind == "python":
                self._python(source)
        return RedisAuth(
            tuple(self.endpoints),
            tuple(self.passwords),
            tuple(self.compose_variables),
            tuple(self.needs_encoding),
        )

    def _load_dotenv(self, path: Path) -> DotenvFile | None:
        from timeoutlint.compose.dotenv import parse_dotenv

        resolved = path.resolve()
        if resolved not in self.dotenv_cache:
            text = _read_text(resolved)
            self.dotenv_cache[resolved] = None if text is None else parse_dotenv(text)
        return self.dotenv_cache[resolved]

    def _dotenv(self, path: Path, relative: str) -> None:
        parsed = self._load_dotenv(path)
        if parsed is None:
            return
        values = parsed.values()
        host = values.get("REDIS_HOST")
        hosts = (host,) if host else ()
        for key in PASSWORD_VARIABLES:
            entry = parsed.entry(key)
            if entry is not None and _non_empty(entry.value):
                source = PasswordSource(key, relative, entry.key_span.start.line, f"{key} in .env")
                self.passwords.append(ProjectPassword(source, hosts))

    def _compose(self, source: SourceFile) -> None:
        from timeoutlint.compose import interpolation
        from timeoutlint.compose.interpolation import InterpolationError
        from timeoutlint.compose.model import parse_compose
        from timeoutlint.compose.yaml_tree import YamlProblem

        text = _read_text(source.path)
        if text is None:
            return
        try:
            compose = parse_compose(text)
        except YamlProblem:
            return
        beside = source.path.parent / ".env"
        dotenv = self._load_dotenv(beside) if beside.is_file() else None
        project_values = dotenv.values() if dotenv is not None else {}
        names = set(project_values)
        for scalar in compose.scalars():
            if "$" in scalar.value:
                try:
                    names.update(
                        r.name for r in interpolation.references(interpolation.parse(scalar.value))
                    )
                except InterpolationError:
                    continue
        self.compose_variables.append((source.relative, frozenset(names)))
        unsafe = {key for key, value in project_values.items() if breaks_url(value)}
        self.needs_encoding.append((source.relative, frozenset(unsafe)))
        for service in compose.services:
            self._service(service, source, project_values)

    def _service_env(self, service: Service, source: SourceFile) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        for reference in service.env_files:
            if is_documentation_env(reference.path):
                continue
            parsed = self._load_dotenv(source.path.parent / reference.path)
            if parsed is not None:
                values.update(parsed.values())
        for entry in service.environment:
            values[entry.key] = entry.value
        return values

    def _service(
        self, service: Service, source: SourceFile, project_values: dict[str, str | None]
    ) -> None:
        environment = self._service_env(service, source)
        for key in PASSWORD_VARIABLES:
            entry = service.env(key)
            if entry is not None and _non_empty(entry.value) and not self._is_redis(service):
                assert entry.value is not None
                variable, _ = _variable_of(entry.value)
                where = PasswordSource(
                    variable or key,
                    source.relative,
                    entry.scalar.span.start.line,
                    f"{key} of service '{service.name}'",
                )
                host = environment.get("REDIS_HOST")
                self.passwords.append(ProjectPassword(where, (host,) if host else ()))
        if not self._is_redis(service):
            return
        state, password, port = self._redis_password(service, source, environment)
        self.endpoints.append(
            RedisEndpoint(service.name, service.hostnames, port, source.relative, state, password)
        )

    @staticmethod
    def _is_redis(service: Service) -> bool:
        if service.image is not None and image_repository(service.image.value) in _REDIS_IMAGES:
            return True
        words = service.command_words()
        return bool(words) and PurePosixPath(words[0].text).name in _SERVERS

    def _redis_password(
        self, service: Service, source: SourceFile, environment: dict[str, str | None]
    ) -> tuple[PasswordState, PasswordSource | None, int]:
        words = service.command_words()
        port = DEFAULT_PORT
        for index, word in enumerate(words[:-1]):
            if word.text == "--port" and words[index + 1].text.isdigit():
                port = int(words[index + 1].text)
        requirepass = _argument_after(words, "--requirepass")
        if requirepass is None:
            arguments = (environment.get("REDIS_ARGS") or "").split()
            if "--requirepass" in arguments[:-1]:
                value = arguments[arguments.index("--requirepass") + 1]
                requirepass = (value, _line_of_env(service, "REDIS_ARGS"))
        if requirepass is not None:
            value, line = requirepass
            variable, _ = _variable_of(value)
            how = f"--requirepass of service '{service.name}'"
            return (
                PasswordState.CONFIGURED,
                PasswordSource(variable, source.relative, line, how),
                port,
            )
        image = image_repository(service.image.value) if service.image is not None else ""
        if image in _BITNAMI:
            if (environment.get("ALLOW_EMPTY_PASSWORD") or "").lower() in ("yes", "true", "1"):
                return PasswordState.NONE, None, port
            for key in PASSWORD_VARIABLES:
                setting = environment.get(key)
                if setting is not None and _non_empty(setting):
                    variable, _ = _variable_of(setting)
                    where = PasswordSource(
                        variable or key,
                        source.relative,
                        _line_of_env(service, key) or service.name_scalar.span.start.line,
                        f"{key} of service '{service.name}'",
                    )
                    return PasswordState.CONFIGURED, where, port
            return PasswordState.UNKNOWN, None, port
        if any(w.text.endswith(".conf") for w in words):
            return PasswordState.UNKNOWN, None, port
        return PasswordState.NONE, None, port

    def _python(self, source: SourceFile) -> None:
        if self.may_name_password is not None and not self.may_name_password(source):
            return
        try:
            data = read_regular_file(source.path)
        except OSError:
            return
        for where in python_passwords(data, source.relative):
            self.passwords.append(ProjectPassword(where))


def python_passwords(data: bytes, relative: str) -> list[PasswordSource]:
    """The Redis passwords a Python file's bytes configure; a pure function of its arguments."""
    if not mentions_password(data) or not parses_within_bounds(data):
        return []
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    keyword_possible = _PASSWORD_KEYWORD.search(data) is not None
    return list(_python_passwords(tree, relative, b"redis" in data, keyword_possible))


def _argument_after(words: list[CommandWord], option: str) -> tuple[str, int] | None:
    for index, word in enumerate(words[:-1]):
        if word.text == option:
            following = words[index + 1]
            return following.text, following.scalar.span.start.line
    return None


def _line_of_env(service: Service, key: str) -> int:
    entry = service.env(key)
    return entry.scalar.span.start.line if entry is not None else 0


def _is_empty_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, "", b"")


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _configures_redis(call: ast.Call, mentions_redis: bool) -> bool:
    name = _callee_name(call)
    return name in _REDIS_CONSTRUCTORS or (mentions_redis and name == "from_url")


def _python_passwords(
    tree: ast.Module, relative: str, mentions_redis: bool, keyword_possible: bool
) -> Iterable[PasswordSource]:
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if (
                    isinstance(target, ast.Name)
                    and target.id in PASSWORD_VARIABLES
                    and not _is_empty_constant(statement.value)
                ):
                    yield PasswordSource(
                        target.id, relative, statement.lineno, f"{target.id} in {relative}"
                    )
    if not keyword_possible:
        return
    for node in _calls(tree):
        if not _configures_redis(node, mentions_redis):
            continue
        for keyword in node.keywords:
            if keyword.arg == "password" and not _is_empty_constant(keyword.value):
                variable = keyword.value.id if isinstance(keyword.value, ast.Name) else None
                yield PasswordSource(
                    variable if variable in PASSWORD_VARIABLES else None,
                    relative,
                    keyword.value.lineno,
                    f"password= in {relative}",
                )


def _calls(tree: ast.AST) -> Iterable[ast.Call]:
    """The calls in `tree` in `ast.walk` order (the model's walk, at a third of its cost)."""
    from timeoutlint.python.model import walk

    return (node for node in walk(tree) if isinstance(node, ast.Call))
