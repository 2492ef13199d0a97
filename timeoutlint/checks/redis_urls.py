"""TL401-TL404 on docker-compose and `.env` files, TL002/TL004 for files that cannot be read.

The Redis URL rules share one decision per URL (`url_findings`), whichever
kind of file the URL is written in:

- TL402: `redis://secret@host` puts the password in the user-name slot;
- TL404: a literal password with `/ # ? %` breaks the URL;
- TL403: a literal password in a compose or Python file (a `.env` is where
  secrets belong);
- TL401: no credentials at all, while the server the URL points at requires a
  password: in a compose file or a `.env` that compose projects read, a server
  of those projects; elsewhere, a server every stack of the repository agrees
  on (see `project/redis_auth.py`).

Messages never show a secret: URLs go through `mask_url`. Fixes are exact
text edits inside the scalar or value; values written as block scalars,
with escapes, or built from YAML anchors are reported without a fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.redis_url_parts import (
    URL_BREAKERS,
    RedisUrl,
    has_marker,
    is_placeholder,
    marker,
    mask_url,
    only_variables,
    parse_redis_url,
    password_with_specials,
    scan_urls,
)
from timeoutlint.discovery import SourceFile, is_documentation_env
from timeoutlint.findings import Applicability, Fix, Position, RelatedLocation, Span, TextEdit
from timeoutlint.project.redis_auth import PasswordSource, breaks_url
from timeoutlint.redis.vocabulary import (
    CONFIG_TRIGGERS,
    PASSWORD_VARIABLES,
    mentions_client,
    url_library,
)

if TYPE_CHECKING:
    from timeoutlint.compose.dotenv import DotenvEntry
    from timeoutlint.compose.model import ComposeFile
    from timeoutlint.compose.yaml_tree import YamlScalar

YAML_SYNTAX_ERROR = "TL002"
DOTENV_SYNTAX_ERROR = "TL004"
MISSING_PASSWORD = "TL401"
PASSWORD_IN_USERNAME = "TL402"
HARDCODED_PASSWORD = "TL403"
UNENCODED_PASSWORD = "TL404"
URL_RULES = (MISSING_PASSWORD, PASSWORD_IN_USERNAME, HARDCODED_PASSWORD, UNENCODED_PASSWORD)
TRIGGERS = CONFIG_TRIGGERS
_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class UrlSite:
    """A Redis URL in a file: its text with variables as markers, and where each character is.

    `offsets[i]` is the column offset (from `start`) of template character
    `i`; None when the written text does not map one to one (escapes), in
    which case findings point at the whole URL and carry no fix.
    """

    template: str
    variables: tuple[str, ...]
    start: Position
    end: Position
    offsets: tuple[int, ...] | None
    editable: bool

    def position(self, index: int) -> Position:
        if self.offsets is None:
            return self.start
        return Position(self.start.line, self.start.column + self.offsets[index])

    def span(self, start: int, end: int) -> Span:
        if self.offsets is None:
            return Span(self.start, self.end)
        return Span(self.position(start), self.position(end))

    @property
    def whole(self) -> Span:
        return Span(self.start, self.end)

    def masked(self) -> str:
        return mask_url(self.template, self.variables)


@dataclass(frozen=True)
class UrlPolicy:
    """What the kind of file allows: literal passwords (a `.env`), the password check at all."""

    literal_password_allowed: bool
    check_missing_password: bool
    insert_password: Callable[[UrlSite, PasswordSource], Fix | None]
    replace: Callable[[UrlSite, int, int, str, str], Fix | None]
    """A fix replacing template characters `start:end` with text, described by a message."""
    encode_in_place: bool = True
    """Percent-encode a literal password with one edit per character, which never shows the secret."""
    needs_encoding: frozenset[str] = frozenset()
    """Variables whose values contain `/ # ? %`: interpolated raw into a URL, they break it."""


def _port(text: str | None) -> int | None:
    return int(text) if text is not None and text.isascii() and text.isdigit() else None


def url_findings(ctx: CheckContext, site: UrlSite, policy: UrlPolicy) -> None:
    """Report what is wrong with one Redis URL (at most one finding per rule)."""
    special = password_with_specials(site.template)
    if special is not None:
        _report_specials(ctx, site, special, policy)
        return
    url = parse_redis_url(site.template)
    if url is None:
        return
    if url.user_only:
        _report_user_only(ctx, site, url, policy)
        return
    password = url.password_text
    _report_unsafe_variable(ctx, site, url, policy)
    if password and not has_marker(password) and not policy.literal_password_allowed:
        if not is_placeholder(password):
            assert url.password is not None
            ctx.report(
                HARDCODED_PASSWORD,
                site.span(*url.password),
                None,
                what=f"The password in `{site.masked()}`",
            )
    if url.has_credentials or not policy.check_missing_password:
        return
    host = url.host_text
    source = ctx.project.redis_auth.password_for(
        None if "\x00" in host or not host else host, _port(url.port), ctx.relative
    )
    if source is None:
        return
    where = _shown_path(ctx, source.path)
    related: tuple[RelatedLocation, ...] = ()
    if where is not None and source.line > 0:
        span = _line_span(ctx.project.root / source.path, source.line, ctx.config.max_file_size)
        related = (RelatedLocation(where, span, "the password the server requires"),)
    ctx.report(
        MISSING_PASSWORD,
        site.whole,
        policy.insert_password(site, source) if site.editable and url.readable else None,
        related,
        url=site.masked(),
        source=f"{source.how} ({where}:{source.line})" if where else source.describe(),
    )


def _line_span(path: Path, line: int, limit: int) -> Span:
    """The text of a line of a context file, without its indentation (the whole line when the
    file cannot be read again)."""
    from timeoutlint.limits import read_regular_file

    try:
        text = read_regular_file(path, limit).decode("utf-8", "replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return Span.of(line, 1, line + 1, 1)
    stripped = text.rstrip()
    start = len(stripped) - len(stripped.lstrip()) + 1
    return Span.of(line, start, line, max(len(stripped) + 1, start + 1))


def _shown_path(ctx: CheckContext, relative: str) -> str | None:
    """A root-relative path of the project context, written as the finding's own path is:
    relative to the same directory (the working directory, for the CLI), absolute when it is
    outside it or the finding's path is absolute (as ruff writes paths); None when it is not a
    file of the project. It follows from the finding's two paths alone, so a cached result
    never depends on where the run started."""
    import os
    import posixpath

    if not relative:
        return None
    absolute = ctx.project.root / relative
    if not absolute.is_file():
        return None
    if os.path.isabs(ctx.path):
        return absolute.as_posix()
    here = posixpath.dirname(ctx.relative) or "."
    shown = posixpath.normpath(
        posixpath.join(posixpath.dirname(ctx.path), posixpath.relpath(relative, here))
    )
    if shown == ".." or shown.startswith("../"):
        return absolute.as_posix()
    return shown


def _report_user_only(ctx: CheckContext, site: UrlSite, url: RedisUrl, policy: UrlPolicy) -> None:
    """TL402, unless the user part is a variable named for a user name (`${REDIS_USER}`).

    The fix inserts the colon. It is safe for a variable (a secret someone
    interpolates); for a literal it is unsafe, since `redis://alice@host`
    is right for an ACL user `alice` with `nopass`. Where a literal password
    is TL403's (compose, Python), no fix is offered: the colon would turn
    this finding into a hard-coded-password finding, and moving the secret
    out of the file (`redis://:${REDIS_PASSWORD}@host`) is the fix.
    """
    assert url.username is not None
    user = site.template[url.username[0] : url.username[1]]
    if _names_a_user(user, site.variables):
        return
    fix = None
    variable_only = bool(only_variables(user))
    fixable = site.editable and url.readable and not _colon_before_last_at(url)
    if fixable and (policy.literal_password_allowed or is_placeholder(user)):
        start = url.username[0]
        message = "Insert `:` so that the secret is sent as the password"
        fix = policy.replace(site, start, start, ":", message)
        if fix is not None and not variable_only:
            fix = Fix(Applicability.UNSAFE, fix.message, fix.operations)
    library = url_library(site.template).name
    ctx.report(
        PASSWORD_IN_USERNAME, site.span(*url.username), fix, url=site.masked(), library=library
    )


def _colon_before_last_at(url: RedisUrl) -> bool:
    """Whether a person reads a colon in the user info (`redis://0@?:@host`): up to the last
    `@`, as the encoding fix reads the password (`password_with_specials`), not where redis-py
    ends the authority. Then the URL is a user name and a password whose characters break it,
    and inserting `:` would make the whole of it the password."""
    start = url.authority_start
    return ":" in url.text[start : max(start, url.text.rfind("@"))]


def _names_a_user(user: str, variables: tuple[str, ...]) -> bool:
    """The user part is one variable whose name says it holds a user name."""
    indices = only_variables(user)
    if len(indices) != 1:
        return False
    written = variables[indices[0]].lower()
    return "user" in written and "pass" not in written


def _report_unsafe_variable(
    ctx: CheckContext, site: UrlSite, url: RedisUrl, policy: UrlPolicy
) -> None:
    password = url.password_text
    if url.password is None or password is None or not policy.needs_encoding:
        return
    for index, written in enumerate(site.variables):
        match = _VARIABLE.match(written)
        if match is None or match.group(1) not in policy.needs_encoding:
            continue
        if marker(index) not in password:
            continue
        ctx.report(
            UNENCODED_PASSWORD,
            site.span(*url.password),
            None,
            problem=(
                f"the value of {match.group(1)} contains `/`, `#`, `?` or `%` and is put into"
                f" `{site.masked()}` as it is; percent-encode the value where it is set"
            ),
        )


def _report_specials(
    ctx: CheckContext, site: UrlSite, special: tuple[int, int], policy: UrlPolicy
) -> None:
    password = site.template[special[0] : special[1]]
    fix = None
    if site.editable and policy.encode_in_place and "\x00" not in password and "%" not in password:
        fix = _encode_in_place(site, special[0], password)
    ctx.report(
        UNENCODED_PASSWORD,
        site.span(*special),
        fix,
        problem=(
            f"the password in `{site.masked()}` contains `/`, `#`, `?`, `%`, `[` or `]` without"
            f" percent-encoding; {url_library(site.template).name} then reads part of it as the"
            " port, path or host, or"
            " refuses the URL"
        ),
    )
    if not policy.literal_password_allowed:
        ctx.report(
            HARDCODED_PASSWORD, site.span(*special), None, what=f"The password in `{site.masked()}`"
        )


def _encode_in_place(site: UrlSite, start: int, password: str) -> Fix:
    """One edit per character that needs encoding, so that no edit carries the secret itself.

    A `[`, `]`, `/`, `?` or `#` in the user name before the password breaks the URL as much as
    one in the password (`redis://[:[@host` is refused as an invalid IPv6 address), so those
    are encoded too; redis-py decodes the user name, so the credentials it sends are the same.
    """
    edits = []
    user_start = site.template.index("://") + 3
    for index in range(user_start, start - 1):
        if site.template[index] in URL_BREAKERS:
            char = site.template[index]
            edits.append(TextEdit(site.span(index, index + 1), quote(char, safe="")))
    for index, char in enumerate(password):
        encoded = quote(char, safe="")
        if encoded != char:
            edits.append(TextEdit(site.span(start + index, start + index + 1), encoded))
    return Fix(Applicability.SAFE, "Percent-encode the password", tuple(edits))


# Building sites from compose and .env values --------------------------------------------


def interpolated_site(text: str, base: Position, editable: bool) -> UrlSite | None:
    """A site for a URL written with compose/dotenv interpolation, starting at column `base`."""
    from timeoutlint.compose import interpolation
    from timeoutlint.compose.interpolation import InterpolationError, Literal

    try:
        parts = interpolation.parse(text)
    except InterpolationError:
        return None
    template: list[str] = []
    variables: list[str] = []
    offsets: list[int] = []
    exact = True
    for part in parts:
        if isinstance(part, Literal):
            if part.end - part.start != len(part.text):
                exact = False
            for index in range(len(part.text)):
                offsets.append(part.start + index)
            template.append(part.text)
        else:
            stand_in = marker(len(variables))
            variables.append(text[part.start : part.end])
            offsets.extend([part.start] * len(stand_in))
            template.append(stand_in)
    offsets.append(len(text))
    joined = "".join(template)
    end = Position(base.line, base.column + len(text))
    return UrlSite(
        joined,
        tuple(variables),
        base,
        end,
        tuple(offsets) if exact else None,
        editable and exact,
    )


def _variable_for(source: PasswordSource, available: frozenset[str]) -> str | None:
    if source.variable is not None and source.variable in available:
        return source.variable
    return next((name for name in PASSWORD_VARIABLES if name in available), None)


def _insert_interpolation(
    available: frozenset[str],
) -> Callable[[UrlSite, PasswordSource], Fix | None]:
    def insert(site: UrlSite, source: PasswordSource) -> Fix | None:
        variable = _variable_for(source, available)
        if variable is None:
            return None
        url = parse_redis_url(site.template)
        assert url is not None
        at = site.position(url.authority_start)
        return Fix(
            Applicability.SAFE,
            f"Insert `:${{{variable}}}@`, the variable that holds the password",
            (TextEdit(Span(at, at), f":${{{variable}}}@"),),
        )

    return insert


# docker-compose ---------------------------------------------------------------------


def _scalar_sites(scalar: YamlScalar) -> list[UrlSite]:
    if not mentions_client(scalar.value):
        return []
    offset = scalar.value_offset()
    plain_in_flow = scalar.flow and scalar.style is None
    editable = offset is not None and not scalar.shared and not plain_in_flow
    sites: list[UrlSite] = []
    for start, end in scan_urls(scalar.value):
        if offset is None:
            base = scalar.span.start
        else:
            base = Position(scalar.span.start.line, scalar.span.start.column + offset + start)
        site = interpolated_site(scalar.value[start:end], base, editable)
        if site is None:
            continue
        if offset is None:
            site = UrlSite(
                site.template, site.variables, scalar.span.start, scalar.span.end, None, False
            )
        sites.append(site)
    return sites


def _literal_requirepass(ctx: CheckContext, compose: ComposeFile) -> None:
    for service in compose.services:
        words = service.command_words()
        for index, word in enumerate(words[:-1]):
            if word.text != "--requirepass":
                continue
            value = words[index + 1]
            if "$" in value.text or not value.text or is_placeholder(value.text):
                continue
            ctx.report(
                HARDCODED_PASSWORD,
                _word_span(value.scalar, value.text),
                None,
                what=f"The `--requirepass` value of service '{service.name}'",
            )
        for key in PASSWORD_VARIABLES:
            entry = service.env(key)
            if entry is None or not entry.value or "$" in entry.value:
                continue
            if is_placeholder(entry.value):
                continue
            ctx.report(
                HARDCODED_PASSWORD,
                _word_span(entry.scalar, entry.value),
                None,
                what=f"The {key} of service '{service.name}'",
            )


def _word_span(scalar: YamlScalar, word: str) -> Span:
    offset = scalar.value_offset()
    index = scalar.value.rfind(word)
    if offset is None or index < 0:
        return scalar.span
    line = scalar.span.start.line
    column = scalar.span.start.column + offset + index
    return Span.of(line, column, line, column + len(word))


def check_compose(ctx: CheckContext, source: SourceFile, data: bytes) -> None:
    from timeoutlint.compose.model import parse_compose
    from timeoutlint.compose.yaml_tree import YamlProblem

    text = data.decode("utf-8-sig", "replace")
    try:
        compose = parse_compose(text)
    except YamlProblem as problem:
        from timeoutlint.templates import fails_at_a_template_tag

        if not fails_at_a_template_tag(text, problem.position.line, lines_before=1):
            point = Span(problem.position, problem.position)
            ctx.report(YAML_SYNTAX_ERROR, point, None, detail=str(problem))
        return
    if not compose.services:
        return
    policy = UrlPolicy(
        literal_password_allowed=False,
        check_missing_password=True,
        insert_password=_insert_interpolation(ctx.project.redis_auth.interpolatable(ctx.relative)),
        replace=text_replace,
        needs_encoding=ctx.project.redis_auth.unsafe_in_url(ctx.relative),
    )
    seen: set[tuple[int, int]] = set()
    for scalar in compose.scalars():
        key = (scalar.span.start.line, scalar.span.start.column)
        if key in seen:
            continue
        seen.add(key)
        for site in _scalar_sites(scalar):
            url_findings(ctx, site, policy)
    _literal_requirepass(ctx, compose)


# .env -------------------------------------------------------------------------------


def _entry_sites(entry: DotenvEntry) -> list[UrlSite]:
    if entry.value is None or not mentions_client(entry.value):
        return []
    offset = entry.value_offset()
    sites: list[UrlSite] = []
    for start, end in scan_urls(entry.value):
        text = entry.value[start:end]
        if offset is None:
            site = interpolated_site(text, entry.value_span.start, False)
            if site is not None:
                end_position = entry.value_span.end
                site = UrlSite(site.template, site.variables, site.start, end_position, None, False)
        elif entry.quote == "'":
            site = _plain_site(text, entry, offset + start)
        else:
            base = Position(
                entry.value_span.start.line, entry.value_span.start.column + offset + start
            )
            site = interpolated_site(text, base, True)
        if site is not None:
            sites.append(site)
    return sites


def _plain_site(text: str, entry: DotenvEntry, offset: int) -> UrlSite:
    """A single-quoted value: no interpolation, every character is itself."""
    base = Position(entry.value_span.start.line, entry.value_span.start.column + offset)
    return UrlSite(
        text,
        (),
        base,
        Position(base.line, base.column + len(text)),
        tuple(range(len(text) + 1)),
        True,
    )


def check_dotenv(ctx: CheckContext, source: SourceFile, data: bytes) -> None:
    from timeoutlint.compose.dotenv import parse_dotenv

    parsed = parse_dotenv(data.decode("utf-8-sig", "replace"))
    for problem in parsed.problems:
        ctx.report(
            DOTENV_SYNTAX_ERROR,
            Span(problem.position, problem.position),
            None,
            detail=problem.message,
        )
    documentation = is_documentation_env(source.path.name)
    defined: set[str] = set()
    unsafe: set[str] = set()
    for entry in parsed.entries:
        available = frozenset(defined)
        policy = UrlPolicy(
            literal_password_allowed=True,
            check_missing_password=not documentation,
            insert_password=(_no_fix if entry.quote == "'" else _insert_interpolation(available)),
            replace=text_replace,
            needs_encoding=frozenset(unsafe),
        )
        for site in _entry_sites(entry):
            url_findings(ctx, site, policy)
        if entry.value:
            defined.add(entry.key)
        if breaks_url(entry.value):
            unsafe.add(entry.key)


def _no_fix(site: UrlSite, source: PasswordSource) -> Fix | None:
    return None


def text_replace(site: UrlSite, start: int, end: int, text: str, message: str) -> Fix | None:
    """The exact text edit for compose and .env values."""
    if not site.editable:
        return None
    return Fix(Applicability.SAFE, message, (TextEdit(site.span(start, end), text),))


COMPOSE_CHECK = Check(
    rules=(YAML_SYNTAX_ERROR, *URL_RULES), kind="compose", triggers=TRIGGERS, run=check_compose
)
DOTENV_CHECK = Check(
    rules=(DOTENV_SYNTAX_ERROR, *URL_RULES), kind="dotenv", triggers=TRIGGERS, run=check_dotenv
)
