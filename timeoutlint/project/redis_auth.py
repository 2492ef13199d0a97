"""Which Redis servers require a password, per compose project, and what says so.

One explicit pass over the compose files, the `.env` files and the Python
files that mention a Redis password, done once per run. Compose files are
grouped into the projects `docker compose` would load (`compose/projects.py`);
per project, each Redis service (its names, port, published host ports) is
*configured* (`--requirepass` in the command, `requirepass` or an ACL in a
mounted redis.conf or ACL file, bitnami's `REDIS_PASSWORD`, `REDIS_ARGS` of
redis-stack), explicitly *none* (`ALLOW_EMPTY_PASSWORD=yes`, a plain
`redis-server`, a mounted config without a password) or *unknown* (a config
file the linter cannot see). Outside the servers, only a password a client
really connects with to a named host counts: `REDIS_HOST` with
`REDIS_PASSWORD` in a `.env` or a service's environment, `Redis(host=...,
password=...)` in Python.

`password_for` judges a URL in a compose file or in a `.env` that a project
reads against that project's services only; any other URL against every
stack of the repository, and only when they agree. Files in `test-paths`,
and `.env.example` and friends, are never evidence. Nothing is guessed: with
no evidence, no password is known.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from timeoutlint.config import Config
from timeoutlint.discovery import SourceFile, is_documentation_env
from timeoutlint.limits import parses_within_bounds, read_regular_file, read_text_file
from timeoutlint.redis.vocabulary import (
    BITNAMI_IMAGES,
    CLIENT_MENTIONS,
    LIBRARIES,
    PASSWORD_CALLEE_MENTIONS,
    PASSWORD_VARIABLE_MENTIONS,
    PASSWORD_VARIABLES,
    SERVER_COMMANDS,
    SERVER_IMAGES,
)

if TYPE_CHECKING:
    from timeoutlint.compose.dotenv import DotenvFile
    from timeoutlint.compose.model import (
        CommandWord,
        ComposeFile,
        EnvironmentEntry,
        Service,
        VolumeMount,
    )
    from timeoutlint.compose.projects import ComposeProject, ProjectFile
    from timeoutlint.project.password_memo import PasswordMemo

DEFAULT_PORT = 6379
_REDIS_IMAGES = SERVER_IMAGES
_BITNAMI = BITNAMI_IMAGES
_SERVERS = SERVER_COMMANDS
_SHELL_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_REDIS_CONSTRUCTORS = frozenset(name for library in LIBRARIES for name in library.bare_constructors)
"""Callees whose `password=` configures Redis (`from_url` too, when the file mentions a client
library)."""
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
    published: tuple[int, ...] = ()
    """The host ports that reach it: `localhost:P` is this server only when P is one of them."""


@dataclass(frozen=True)
class ProjectPassword:
    """A password a client connects with to the named hosts (a `.env`, a service's environment, Python)."""

    source: PasswordSource
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComposeProjectFacts:
    """One compose project: its files, the `.env` files it reads, its Redis servers and clients."""

    name: str
    files: tuple[str, ...]
    reads: tuple[str, ...]
    endpoints: tuple[RedisEndpoint, ...] = ()
    passwords: tuple[ProjectPassword, ...] = ()
    test: bool = False
    """Every compose file of it is in `test-paths`: evidence for nothing outside it."""
    how: str = ""

    def loads(self, relative: str) -> bool:
        return relative in self.files or relative in self.reads


@dataclass(frozen=True)
class RedisAuth:
    projects: tuple[ComposeProjectFacts, ...] = ()
    passwords: tuple[ProjectPassword, ...] = ()
    """Client passwords outside any compose file: `.env` files and Python, test paths excluded."""
    compose_variables: tuple[tuple[str, frozenset[str]], ...] = field(default=())
    """Per compose file (relative path): the variables it can interpolate (its `.env` and its `${...}`)."""
    needs_encoding: tuple[tuple[str, frozenset[str]], ...] = field(default=())
    """Per compose file: the variables of its `.env` whose values contain `/ # ? %` (names only)."""

    @property
    def endpoints(self) -> tuple[RedisEndpoint, ...]:
        """Every Redis service of every project, once per project that loads it."""
        return tuple(e for project in self.projects for e in project.endpoints)

    def fingerprint(self) -> str:
        """A digest that is the same in every process (no set ordering in it)."""
        variables = [(path, sorted(names)) for path, names in self.compose_variables]
        encoding = [(path, sorted(names)) for path, names in self.needs_encoding]
        canonical = repr((self.projects, self.passwords, variables, encoding))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def password_for(
        self, host: str | None, port: int | None, relative: str | None = None
    ) -> PasswordSource | None:
        """The password evidence for a URL's host and port; None when there is none or it conflicts.

        `host` is None when the URL's host is not a literal (an f-string
        placeholder, a `${VAR}`). `relative` is the file the URL is written
        in: a compose file or a `.env` that compose projects load is judged
        against those projects only, and every one of them must require a
        password. Any other file is judged against the servers of every
        project outside `test-paths`, which must all agree.
        """
        port = port or DEFAULT_PORT
        scope = [p for p in self.projects if relative is not None and p.loads(relative)]
        if scope:
            decisions = [_judge(p.endpoints, p.passwords, host, port) for p in scope]
            return decisions[0] if all(d is not None for d in decisions) else None
        outside_tests = [p for p in self.projects if not p.test]
        endpoints = tuple(e for p in outside_tests for e in p.endpoints)
        passwords = tuple(pw for p in outside_tests for pw in p.passwords) + self.passwords
        return _judge(endpoints, passwords, host, port)

    def describe_lines(self) -> list[str]:
        """One line per compose project and client password, for `--show-context` and `--verbose`."""
        lines = []
        for project in self.projects:
            files = " + ".join(project.files)
            test = ", in test-paths" if project.test else ""
            servers = (
                "; ".join(_describe_endpoint(e) for e in project.endpoints) or "no Redis service"
            )
            lines.append(f"compose project {files} ({project.how}{test}): {servers}")
            for password in project.passwords:
                hosts = ", ".join(password.hosts)
                lines.append(f"  client password for {hosts}: {password.source.describe()}")
        for password in self.passwords:
            hosts = ", ".join(password.hosts)
            lines.append(f"client password for {hosts}: {password.source.describe()}")
        return lines

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
        memo: PasswordMemo | None = None,
        digest_of: Callable[[SourceFile], bytes] | None = None,
    ) -> RedisAuth:
        """`may_name_password` says, without reading, which Python files pass
        `mentions_password` (from the scan); the others are not read again. With a `memo`
        (`password_memo.py`) and `digest_of` (the scan's sha256 of a file, empty when unknown),
        an unchanged Python file's passwords come from the memo without reading it."""
        return cls.build_with_parts(files, config, may_name_password, memo, digest_of)[0]

    @classmethod
    def build_with_parts(
        cls,
        files: list[SourceFile],
        config: Config,
        may_name_password: Callable[[SourceFile], bool] | None = None,
        memo: PasswordMemo | None = None,
        digest_of: Callable[[SourceFile], bytes] | None = None,
    ) -> tuple[RedisAuth, tuple[PasswordPart, ...]]:
        """`build`, and the client passwords file by file (in the order of `files`), so that
        the passwords of a few files can be replaced later (`context_patch.py`)."""
        builder = _Builder(files, config, may_name_password, memo, digest_of)
        return builder.build(), tuple(builder.parts)

    def with_passwords(self, parts: Sequence[PasswordPart]) -> RedisAuth:
        """These servers, with the client passwords of `parts`, in their order."""
        return dataclasses.replace(
            self, passwords=tuple(found for part in parts for found in part.passwords)
        )


@dataclass(frozen=True)
class PasswordPart:
    """The client passwords one `.env` or Python file gives (`RedisAuth.passwords`)."""

    display: str
    path: str
    passwords: tuple[ProjectPassword, ...]


def _describe_endpoint(endpoint: RedisEndpoint) -> str:
    where = f"service '{endpoint.service}' (port {endpoint.port}"
    if endpoint.published:
        where += ", published as " + ", ".join(str(p) for p in endpoint.published)
    where += ")"
    if endpoint.state is PasswordState.CONFIGURED and endpoint.source is not None:
        return f"{where} requires a password: {endpoint.source.describe()}"
    if endpoint.state is PasswordState.NONE:
        return f"{where} has no password"
    return f"{where}: password unknown (a configuration the linter cannot read)"


def _judge(
    endpoints: tuple[RedisEndpoint, ...],
    passwords: tuple[ProjectPassword, ...],
    host: str | None,
    port: int,
) -> PasswordSource | None:
    """The evidence when every server the host and port can mean requires a password."""
    if host is None:
        candidates = [e for e in endpoints if e.port == port or port in e.published]
    elif _is_local(host):
        candidates = [e for e in endpoints if port in e.published]
    else:
        candidates = [e for e in endpoints if host in e.hosts and e.port == port]
        if not candidates:
            return next((p.source for p in passwords if host in p.hosts), None)
    if candidates and all(e.state is PasswordState.CONFIGURED for e in candidates):
        return candidates[0].source
    return None


PASSWORD_LITERALS = frozenset((b"password", *PASSWORD_VARIABLE_MENTIONS, *CLIENT_MENTIONS))
"""Every literal of the first byte test of `mentions_password` (`password_possible`)."""


def password_possible(found: frozenset[bytes]) -> bool:
    """The first byte test of `mentions_password`, from the `PASSWORD_LITERALS` in the bytes:
    a password variable, or `password` and a client library's name."""
    if not found.isdisjoint(PASSWORD_VARIABLE_MENTIONS):
        return True
    return b"password" in found and not found.isdisjoint(CLIENT_MENTIONS)


def mentions_password(data: bytes, possible: bool | None = None) -> bool:
    """Whether a Python file may configure a Redis password (the only ones parsed).

    `_python_passwords` finds a module-level `REDIS_PASSWORD`/`REDIS_PASS`
    assignment, or a `password=` keyword (`_PASSWORD_KEYWORD`) given to one
    of `_REDIS_CONSTRUCTORS` or to `from_url`; a file whose text names
    neither is not parsed. Identifiers are compared after NFKC normalization,
    as the parser does, so a file with non-ASCII bytes is searched in that form.
    `possible`: the answer of the first byte test (`password_possible`),
    when the caller already searched those literals.
    """
    if possible is None:
        possible = password_possible(frozenset(x for x in PASSWORD_LITERALS if x in data))
    if not possible:
        return False
    text = data if data.isascii() else _normalized(data)
    if text is None or _mentions_variable(text):
        return True
    return _PASSWORD_KEYWORD.search(data) is not None and any(
        callee in text for callee in _CALLEE_MENTIONS
    )


_CALLEE_MENTIONS = PASSWORD_CALLEE_MENTIONS
"""Substrings of every name in `_REDIS_CONSTRUCTORS`, and `from_url`."""


def _mentions_variable(data: bytes) -> bool:
    return any(m in data for m in PASSWORD_VARIABLE_MENTIONS)


def _mentions_client(data: bytes) -> bool:
    return any(m in data for m in CLIENT_MENTIONS)


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
        return read_text_file(path, encoding="utf-8-sig", errors="replace")
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


@dataclass
class _MergedService:
    """A service as its project sees it: its definitions in every file, in merge order."""

    name: str
    parts: list[tuple[Service, ProjectFile]]

    @property
    def hostnames(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h for service, _ in self.parts for h in service.hostnames))

    @property
    def image(self) -> str | None:
        images = [service.image.value for service, _ in self.parts if service.image is not None]
        return images[-1] if images else None

    def command_words(self) -> list[CommandWord]:
        commands = [service for service, _ in self.parts if service.command]
        return commands[-1].command_words() if commands else []

    def command_file(self) -> ProjectFile | None:
        files = [file for service, file in self.parts if service.command]
        return files[-1] if files else None

    def entry(self, key: str) -> tuple[EnvironmentEntry, ProjectFile] | None:
        found = None
        for service, file in self.parts:
            entry = service.env(key)
            if entry is not None:
                found = (entry, file)
        return found

    def volumes(self) -> list[tuple[VolumeMount, ProjectFile]]:
        return [(volume, file) for service, file in self.parts for volume in service.volumes]

    def published(self, port: int) -> tuple[int, ...]:
        modes = [s.network_mode for s, _ in self.parts if s.network_mode is not None]
        if modes and modes[-1] == "host":
            return (port,)
        found = (
            mapping.published
            for service, _ in self.parts
            for mapping in service.ports
            if mapping.target == port and mapping.published is not None
        )
        return tuple(sorted({p for p in found if p is not None}))

    def is_redis(self) -> bool:
        image = self.image
        if image is not None and image_repository(image) in _REDIS_IMAGES:
            return True
        words = self.command_words()
        return bool(words) and PurePosixPath(words[0].text).name in _SERVERS


class _Builder:
    def __init__(
        self,
        files: list[SourceFile],
        config: Config,
        may_name_password: Callable[[SourceFile], bool] | None,
        memo: PasswordMemo | None = None,
        digest_of: Callable[[SourceFile], bytes] | None = None,
    ) -> None:
        self.files = files
        self.memo = memo
        self.digest_of = digest_of
        self.config = config
        self.root = str(config.root)
        self.may_name_password = may_name_password
        self.passwords: list[ProjectPassword] = []
        self.parts: list[PasswordPart] = []
        self.compose_variables: list[tuple[str, frozenset[str]]] = []
        self.needs_encoding: list[tuple[str, frozenset[str]]] = []
        self.dotenv_cache: dict[Path, DotenvFile | None] = {}
        self.compose_cache: dict[Path, ComposeFile | None] = {}

    def build(self) -> RedisAuth:
        compose_sources = [source for source in self.files if source.kind == "compose"]
        projects: tuple[ComposeProjectFacts, ...] = ()
        if compose_sources:
            from timeoutlint.compose.projects import find_projects

            found = find_projects(
                [Path(os.path.abspath(s.path)) for s in compose_sources],
                self._load_compose,
                self._dotenv_values,
            )
            projects = tuple(self._project(project) for project in found)
        for source in compose_sources:
            self._compose_variables(source)
        for source in self.files:
            if self.config.in_test_paths(source.relative):
                continue
            before = len(self.passwords)
            if source.kind == "dotenv" and not is_documentation_env(source.path.name):
                self._dotenv(source.path, source.relative)
            elif source.kind == "python":
                self._python(source)
            if len(self.passwords) > before:
                given = tuple(self.passwords[before:])
                self.parts.append(PasswordPart(source.display, os.fspath(source.path), given))
        return RedisAuth(
            projects,
            tuple(self.passwords),
            tuple(self.compose_variables),
            tuple(self.needs_encoding),
        )

    def _relative(self, path: Path) -> str:
        absolute = os.path.abspath(path)
        if absolute.startswith(self.root.rstrip("/") + "/"):
            return absolute[len(self.root.rstrip("/")) + 1 :]
        return Path(absolute).as_posix().lstrip("/")

    def _load_dotenv(self, path: Path) -> DotenvFile | None:
        from timeoutlint.compose.dotenv import parse_dotenv

        resolved = path.resolve()
        if resolved not in self.dotenv_cache:
            text = _read_text(resolved) if resolved.is_file() else None
            self.dotenv_cache[resolved] = None if text is None else parse_dotenv(text)
        return self.dotenv_cache[resolved]

    def _dotenv_values(self, path: Path) -> dict[str, str | None]:
        parsed = self._load_dotenv(path)
        return parsed.values() if parsed is not None else {}

    def _load_compose(self, path: Path) -> ComposeFile | None:
        from timeoutlint.compose.model import parse_compose
        from timeoutlint.compose.yaml_tree import YamlProblem

        resolved = path.resolve()
        if resolved not in self.compose_cache:
            text = _read_text(resolved)
            try:
                parsed = parse_compose(text) if text is not None else None
            except YamlProblem:
                parsed = None
            self.compose_cache[resolved] = parsed
        return self.compose_cache[resolved]

    def _dotenv(self, path: Path, relative: str) -> None:
        parsed = self._load_dotenv(path)
        if parsed is None:
            return
        host = parsed.values().get("REDIS_HOST")
        if not host:
            return
        for key in PASSWORD_VARIABLES:
            entry = parsed.entry(key)
            if entry is not None and _non_empty(entry.value):
                source = PasswordSource(key, relative, entry.key_span.start.line, f"{key} in .env")
                self.passwords.append(ProjectPassword(source, (host,)))

    def _compose_variables(self, source: SourceFile) -> None:
        from timeoutlint.compose import interpolation
        from timeoutlint.compose.interpolation import InterpolationError

        compose = self._load_compose(source.path)
        if compose is None:
            return
        project_values = self._dotenv_values(source.path.parent / ".env")
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

    def _project(self, project: ComposeProject) -> ComposeProjectFacts:
        merged: dict[str, _MergedService] = {}
        reads: list[str] = []
        for file in project.files:
            reads.extend(self._relative(path) for path in file.dotenv)
            compose = self._load_compose(file.path)
            if compose is None:
                continue
            for service in compose.services:
                merged.setdefault(service.name, _MergedService(service.name, [])).parts.append(
                    (service, file)
                )
                reads.extend(
                    self._relative(file.directory / reference.path)
                    for reference in service.env_files
                )
        endpoints: list[RedisEndpoint] = []
        passwords: list[ProjectPassword] = []
        for whole in merged.values():
            environment = self._service_env(whole)
            if whole.is_redis():
                endpoints.append(self._endpoint(whole, environment))
            else:
                passwords.extend(self._client_passwords(whole, environment))
        files = tuple(self._relative(file.path) for file in project.files)
        return ComposeProjectFacts(
            name=files[0],
            files=files,
            reads=tuple(dict.fromkeys(reads)),
            endpoints=tuple(endpoints),
            passwords=tuple(passwords),
            test=all(self.config.in_test_paths(path) for path in files),
            how=project.how,
        )

    def _service_env(self, service: _MergedService) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        for part, file in service.parts:
            for reference in part.env_files:
                if is_documentation_env(reference.path):
                    continue
                values.update(self._dotenv_values(file.directory / reference.path))
            for entry in part.environment:
                values[entry.key] = entry.value
        return values

    def _source(
        self, variable: str | None, file: ProjectFile | None, line: int, how: str
    ) -> PasswordSource:
        path = self._relative(file.path) if file is not None else ""
        return PasswordSource(variable, path, line, how)

    def _client_passwords(
        self, service: _MergedService, environment: dict[str, str | None]
    ) -> Iterable[ProjectPassword]:
        """`REDIS_HOST` with `REDIS_PASSWORD`: the password this client connects to that host with."""
        host = environment.get("REDIS_HOST")
        if not host or "$" in host:
            return
        for key in PASSWORD_VARIABLES:
            found = service.entry(key)
            if found is None or not _non_empty(found[0].value):
                continue
            entry, file = found
            assert entry.value is not None
            variable, _ = _variable_of(entry.value)
            how = f"{key} of service '{service.name}'"
            where = self._source(variable or key, file, entry.scalar.span.start.line, how)
            yield ProjectPassword(where, (host,))

    def _endpoint(
        self, service: _MergedService, environment: dict[str, str | None]
    ) -> RedisEndpoint:
        state, password, port = self._redis_password(service, environment)
        first = service.parts[0][1]
        return RedisEndpoint(
            service.name,
            service.hostnames,
            port,
            self._relative(first.path),
            state,
            password,
            service.published(port),
        )

    def _redis_password(
        self, service: _MergedService, environment: dict[str, str | None]
    ) -> tuple[PasswordState, PasswordSource | None, int]:
        words = service.command_words()
        command_file = service.command_file()
        port = DEFAULT_PORT
        for index, word in enumerate(words[:-1]):
            if word.text == "--port" and words[index + 1].text.isdigit():
                port = int(words[index + 1].text)
        requirepass = _argument_after(words, "--requirepass")
        requirepass_file = command_file
        if requirepass is None:
            arguments = (environment.get("REDIS_ARGS") or "").split()
            if "--requirepass" in arguments[:-1]:
                value = arguments[arguments.index("--requirepass") + 1]
                found = service.entry("REDIS_ARGS")
                line = found[0].scalar.span.start.line if found is not None else 0
                requirepass_file = found[1] if found is not None else service.parts[0][1]
                requirepass = (value, line)
        if requirepass is not None:
            value, line = requirepass
            variable, _ = _variable_of(value)
            how = f"--requirepass of service '{service.name}'"
            return (
                PasswordState.CONFIGURED,
                self._source(variable, requirepass_file, line, how),
                port,
            )
        image = image_repository(service.image) if service.image is not None else ""
        if image in _BITNAMI:
            if (environment.get("ALLOW_EMPTY_PASSWORD") or "").lower() in ("yes", "true", "1"):
                return PasswordState.NONE, None, port
            for key in PASSWORD_VARIABLES:
                setting = environment.get(key)
                if setting is not None and _non_empty(setting):
                    variable, _ = _variable_of(setting)
                    found = service.entry(key)
                    file = found[1] if found is not None else service.parts[0][1]
                    line = (
                        found[0].scalar.span.start.line
                        if found is not None
                        else service.parts[0][0].name_scalar.span.start.line
                    )
                    how = f"{key} of service '{service.name}'"
                    return (
                        PasswordState.CONFIGURED,
                        self._source(variable or key, file, line, how),
                        port,
                    )
            return PasswordState.UNKNOWN, None, port
        configs = [w.text for w in words if w.text.endswith(".conf")]
        acl = _argument_after(words, "--aclfile")
        if configs or acl is not None:
            state, source = self._mounted(service, configs[0] if configs else None, acl)
            return state, source, port
        return PasswordState.NONE, None, port

    def _host_file(self, service: _MergedService, container_path: str) -> Path | None:
        """The file of the repository that a bind mount puts at `container_path`, if any.

        Only relative sources are the repository's: `/etc/redis/redis.conf` on the machine that
        runs the linter says nothing about the machine that runs the stack."""
        found = None
        for volume, file in service.volumes():
            source = volume.source
            if source is None or "$" in source or not source.startswith("."):
                continue
            target = volume.target.rstrip("/")
            if container_path == target:
                found = file.directory / source
            elif container_path.startswith(target + "/"):
                found = file.directory / source / container_path[len(target) + 1 :]
        if found is None:
            return None
        found = Path(os.path.normpath(found))
        return found if found.is_file() else None

    def _mounted(
        self, service: _MergedService, config: str | None, acl: tuple[str, int] | None
    ) -> tuple[PasswordState, PasswordSource | None]:
        """A redis.conf or ACL file mounted from the repository: `requirepass`, or the ACL of the
        `default` user (a URL without credentials logs in as `default`)."""
        acl_path = acl[0] if acl is not None else None
        if config is not None:
            host_config = self._host_file(service, config)
            text = _read_text(host_config) if host_config is not None else None
            if host_config is None or text is None:
                return PasswordState.UNKNOWN, None
            relative = self._relative(host_config)
            for number, words in _directives(text):
                if words[0] == "requirepass" and len(words) > 1 and words[1] not in ('""', "''"):
                    how = f"requirepass in the redis.conf of service '{service.name}'"
                    return PasswordState.CONFIGURED, PasswordSource(None, relative, number, how)
            default = _acl_default_user(_directives(text), relative, service.name)
            if default is not None:
                return default
            for _, words in _directives(text):
                if words[0] == "aclfile" and len(words) > 1:
                    acl_path = words[1].strip("\"'")
        if acl_path is None:
            return PasswordState.NONE, None
        host_acl = self._host_file(service, acl_path)
        text = _read_text(host_acl) if host_acl is not None else None
        if host_acl is None or text is None:
            return PasswordState.UNKNOWN, None
        lines = [(n, w) for n, w in _directives(text) if w[0] == "user"]
        default = _acl_default_user(lines, self._relative(host_acl), service.name)
        return default if default is not None else (PasswordState.NONE, None)

    def _python(self, source: SourceFile) -> None:
        if self.may_name_password is not None and not self.may_name_password(source):
            return
        digest = self.digest_of(source) if self.digest_of is not None else b""
        memo = self.memo if digest else None
        if memo is not None and (kept := memo.get(source.relative, digest)) is not None:
            self.passwords.extend(kept)
            return
        try:
            data = read_regular_file(source.path)
        except OSError:
            return
        found = tuple(python_passwords(data, source.relative))
        if memo is not None:
            memo.put(source.relative, digest, found)
        self.passwords.extend(found)


def _directives(text: str) -> list[tuple[int, list[str]]]:
    """The (line number, words) of a redis.conf or ACL file, comments and blank lines left out."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if words and not words[0].startswith("#"):
            found.append((number, [words[0].lower(), *words[1:]]))
    return found


def _acl_default_user(
    directives: list[tuple[int, list[str]]], relative: str, service: str
) -> tuple[PasswordState, PasswordSource | None] | None:
    """`user default ...`: `>secret`, `#hash` or `off` require credentials; `nopass` does not."""
    for number, words in directives:
        if words[0] != "user" or len(words) < 2 or words[1] != "default":
            continue
        rules = words[2:]
        needs_password = False
        for rule in rules:
            if rule in ("nopass",):
                needs_password = False
            elif rule.startswith((">", "#")) or rule in ("off", "resetpass"):
                needs_password = True
        if needs_password:
            how = f"ACL of user 'default' for service '{service}'"
            return PasswordState.CONFIGURED, PasswordSource(None, relative, number, how)
        return PasswordState.NONE, None
    return None


def python_passwords(data: bytes, relative: str) -> list[ProjectPassword]:
    """The passwords a Python file's clients connect with to a literal `host=`; a pure function
    of its arguments."""
    if not mentions_password(data) or not parses_within_bounds(data):
        return []
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    keyword_possible = _PASSWORD_KEYWORD.search(data) is not None
    return list(_python_passwords(tree, relative, _mentions_client(data), keyword_possible))


def _argument_after(words: list[CommandWord], option: str) -> tuple[str, int] | None:
    for index, word in enumerate(words[:-1]):
        if word.text == option:
            following = words[index + 1]
            return following.text, following.scalar.span.start.line
    return None


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


def _literal_host(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "host" and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            return value if isinstance(value, str) and value else None
    return None


def _python_passwords(
    tree: ast.Module, relative: str, mentions_redis: bool, keyword_possible: bool
) -> Iterable[ProjectPassword]:
    """`Redis(host="cache", password=...)`: a client that connects to `cache` with a password.

    A `REDIS_PASSWORD = ...` setting, or a `password=` with no host, says
    nothing about which server needs it, so neither is evidence.
    """
    if not keyword_possible:
        return
    for node in _calls(tree):
        if not _configures_redis(node, mentions_redis):
            continue
        host = _literal_host(node)
        if host is None:
            continue
        for keyword in node.keywords:
            if keyword.arg == "password" and not _is_empty_constant(keyword.value):
                variable = keyword.value.id if isinstance(keyword.value, ast.Name) else None
                source = PasswordSource(
                    variable if variable in PASSWORD_VARIABLES else None,
                    relative,
                    keyword.value.lineno,
                    f"password= in {relative}",
                )
                yield ProjectPassword(source, (host,))


def _calls(tree: ast.AST) -> Iterable[ast.Call]:
    """The calls in `tree` in `ast.walk` order (the model's walk, at a third of its cost)."""
    from timeoutlint.python.model import walk

    return (node for node in walk(tree) if isinstance(node, ast.Call))
