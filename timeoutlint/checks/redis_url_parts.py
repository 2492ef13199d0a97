"""Reading a Redis URL the way redis-py does, on text whose variables are placeholders.

The URL may come from a Python f-string, a compose value with `${VAR}` or a
`.env` value; the caller replaces each variable with a marker (see
`marker`) so that the structure can be read without knowing the values.

redis-py (`redis.connection.parse_url`, 4.x to 8.x) calls `urllib.parse.urlparse`
and `unquote`s the parts; `parse_redis_url` follows `urlsplit` step by step
(tests/test_redis_url_parsing.py checks it against redis-py on generated
passwords): `\\t`, `\\r` and `\\n` are dropped, the authority ends at the first
`/`, `?` or `#`, user info is split from the host at the *last* `@`, the user
name from the password at the *first* `:` of the user info, and the port
follows the first `:` of the host part (after `]` for `[v6]` hosts). Any
other character, `'`, a backtick or a space included, belongs to the part it
sits in. An empty password or user name is not sent.

`mask_url` renders a URL for a message without its secret: a literal password
(or a password sitting in the user-name slot) becomes `****`, and so does
the default of a variable written there (`${REDIS_PASSWORD:-****}`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from timeoutlint.redis.vocabulary import URL_SCHEMES

SCHEMES = URL_SCHEMES
MASK = "****"
_MARKER = re.compile("\x00(\\d+)\x00")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SCHEME = "|".join(re.escape(scheme) for scheme in URL_SCHEMES)
_URL_START = re.compile(f"(?:{_SCHEME})")
URL_BREAKERS = "/?#[]"
"""Characters that break a URL when written raw in its password (besides an unescaped `%`)."""
_REMOVED = "\t\r\n"
_WHOLE_VALUE_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*=")
_QUOTES = "'\"`"
_NEXT_URL = re.compile(rf"[,;\s]\s*(?={_SCHEME})")
_DEFAULT = re.compile(r"^(\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+]))(.+)\}$", re.DOTALL)

PLACEHOLDER_WORDS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "change-this",
        "change_this",
        "password",
        "passwd",
        "secret",
        "redis-password",
        "redis_password",
        "redispassword",
        "your-password",
        "your_password",
        "yourpassword",
        "my-password",
        "my_password",
        "mypassword",
        "placeholder",
    }
)
"""Values that stand for a password rather than being one (compared case-insensitively)."""
_PLACEHOLDER_SHAPES = re.compile(
    r"<[^<>]*>"  # <password>, <your redis password>
    r"|x{3,}|X{3,}"  # xxx, XXXXXX
    r"|\*+|\.{3,}|…"  # ****, ..., …
    r"|\{[A-Za-z_0-9]*\}"  # "redis://:{}@h".format(pw), "{password}"
    r"|%(?:\([A-Za-z_][A-Za-z0-9_]*\))?s"  # "redis://:%s@h" % pw, %(password)s
    r"|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-)?\}"  # $PW, ${PW}, ${PW:-}
)


def marker(index: int) -> str:
    """The stand-in for the index-th variable part of a URL."""
    return f"\x00{index}\x00"


def has_marker(text: str) -> bool:
    return "\x00" in text


def only_variables(text: str) -> list[int]:
    """The indices of the variables `text` consists of; empty when it holds anything else."""
    if not text or _MARKER.sub("", text):
        return []
    return [int(found.group(1)) for found in _MARKER.finditer(text)]


def is_placeholder(value: str) -> bool:
    """A written value that stands for a password: interpolation, a template field, or one
    of the obvious placeholders (`PLACEHOLDER_WORDS`, `<...>`, `xxx`, `****`, `...`)."""
    if only_variables(value):
        return True
    return value.lower() in PLACEHOLDER_WORDS or _PLACEHOLDER_SHAPES.fullmatch(value) is not None


@dataclass(frozen=True)
class RedisUrl:
    """The parts of a Redis URL; offsets index into `text`, the URL as written (with markers).

    `userinfo` is what precedes the last `@` of the authority, `username`
    its part before the first `:`, `password` the part after it (None
    without a colon, as in urlsplit).
    """

    text: str
    scheme: str
    userinfo: tuple[int, int] | None
    username: tuple[int, int] | None
    password: tuple[int, int] | None
    host: tuple[int, int]
    port: str | None
    authority_end: int

    @property
    def authority_start(self) -> int:
        return len(self.scheme) + 3

    def _part(self, span: tuple[int, int] | None) -> str | None:
        if span is None:
            return None
        return _without_removed(self.text[span[0] : span[1]])

    @property
    def host_text(self) -> str:
        return _without_removed(self.text[self.host[0] : self.host[1]])

    @property
    def hostname(self) -> str | None:
        """urlsplit's `.hostname`: lower-cased up to a `%` zone, None when empty."""
        host = self.host_text
        if not host:
            return None
        name, percent, zone = host.partition("%")
        return name.lower() + percent + zone

    @property
    def password_text(self) -> str | None:
        return self._part(self.password)

    @property
    def username_text(self) -> str | None:
        return self._part(self.username)

    @property
    def user_only(self) -> bool:
        """`redis://secret@host`: a user name and no password (redis-py sends `AUTH secret ""`).

        An empty user info (`redis://@host`) sends nothing: it is how a URL
        says that the credentials come from elsewhere (`credential_provider`).
        """
        return self.password is None and bool(self.username_text)

    @property
    def has_credentials(self) -> bool:
        """Credentials are written in the URL, or it says they come from elsewhere (`@host`)."""
        return self.userinfo is not None or "password=" in self.text[self.authority_end :]

    @property
    def readable(self) -> bool:
        """redis-py reads the host and port without an error (urlsplit's `.port` does not raise
        and brackets match); markers count as valid."""
        authority = self.text[self.authority_start : self.authority_end]
        if ("[" in authority) != ("]" in authority):
            return False
        return self.valid_port

    @property
    def valid_port(self) -> bool:
        """urlsplit's `.port` does not raise (redis-py reads it for every URL)."""
        if self.port is None:
            return True
        port = _without_removed(self.port)
        if not port or only_variables(port):
            return True
        return port.isascii() and port.isdigit() and 0 <= int(port) <= 65535


def _without_removed(text: str) -> str:
    if any(char in text for char in _REMOVED):
        return "".join(char for char in text if char not in _REMOVED)
    return text


def parse_redis_url(text: str) -> RedisUrl | None:
    """The URL's parts as urlsplit finds them, or None without redis:// or rediss://."""
    if not text.startswith(SCHEMES):
        return None
    scheme = text[: text.index("://")]
    start = len(scheme) + 3
    end = start
    while end < len(text) and text[end] not in "/?#":
        end += 1
    at = text.rfind("@", start, end)
    userinfo: tuple[int, int] | None = None
    username: tuple[int, int] | None = None
    password: tuple[int, int] | None = None
    host_start = start
    if at >= 0:
        userinfo = (start, at)
        colon = text.find(":", start, at)
        if colon >= 0:
            username = (start, colon)
            password = (colon + 1, at)
        else:
            username = (start, at)
        host_start = at + 1
    port: str | None = None
    host_end = end
    open_bracket = text.find("[", host_start, end)
    if open_bracket >= 0:
        close = text.find("]", open_bracket, end)
        host_end = end if close < 0 else close
        host_start = open_bracket + 1
        if close >= 0:
            colon = text.find(":", close, end)
            port = text[colon + 1 : end] if colon >= 0 else None
    else:
        colon = text.find(":", host_start, end)
        if colon >= 0:
            port = text[colon + 1 : end]
            host_end = colon
    return RedisUrl(
        text, scheme, userinfo, username, password, (host_start, host_end), port or None, end
    )


def password_with_specials(text: str) -> tuple[int, int] | None:
    """The literal password of `redis://user:pa/ss#w?d@host` whose `/ # ? % [ ]` break the URL.

    redis-py cuts the authority at the first `/`, `?` or `#`, so such a
    password ends up in the path or the port; a lone `[` or `]` makes
    urlsplit raise "Invalid IPv6 URL". The password is taken, as a
    person would read it, up to the *last* `@` of the URL.
    """
    if not text.startswith(SCHEMES):
        return None
    start = text.index("://") + 3
    at = text.rfind("@")
    if at < start:
        return None
    colon = text.find(":", start, at)
    if colon < 0:
        return None
    password = text[colon + 1 : at]
    if is_placeholder(password):
        return None
    if has_marker(password):
        password = _MARKER.sub("", password)
    unescaped_percent = "%" in _PERCENT_ESCAPE.sub("", password)
    if any(char in password for char in URL_BREAKERS) or unescaped_percent:
        return colon + 1, at
    return None


def scan_urls(text: str) -> list[tuple[int, int]]:
    """Where Redis URLs sit in a value (a compose scalar, a `.env` value, a command line).

    A URL in the default of `${VAR:-...}` ends at its `}`. A URL that is the
    whole value (or follows `NAME=` at its start, as in a compose
    `environment` list) runs to the end of the value, or to a `,`, `;` or
    space followed by another URL (`redis://a:26379,redis://b:26379`):
    whatever else it holds (`'`, a backtick, a space) is what the program
    receives. A URL
    after an opening quote ends at the closing one; any other URL ends at
    whitespace.
    """
    found: list[tuple[int, int]] = []
    before = _Before(text)
    for match in _URL_START.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        if found and start < found[-1][1]:
            continue
        before.advance(start)
        if before.open_reference:
            close = text.find("}", match.end())
            found.append((start, len(text) if close < 0 else close))
            continue
        if start == 0 or _WHOLE_VALUE_PREFIX.fullmatch(text, 0, start):
            following = _NEXT_URL.search(text, match.end())
            found.append((start, len(text) if following is None else following.start()))
            continue
        quote = text[start - 1] if text[start - 1] in _QUOTES else before.open_quote()
        if quote is not None:
            close = text.find(quote, match.end())
            found.append((start, len(text) if close < 0 else close))
            continue
        index = match.end()
        while index < len(text) and not text[index].isspace():
            if text.startswith("${", index):
                close = text.find("}", index)
                index = len(text) if close < 0 else close + 1
                continue
            index += 1
        found.append((start, index))
    return found


class _Before:
    """What the text before a position leaves open (quotes, a `${`), read once from the start
    as the positions advance, so that scanning many URLs stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.counts = dict.fromkeys(_QUOTES, 0)
        self.last = dict.fromkeys(_QUOTES, -1)
        self.open_reference = False

    def advance(self, to: int) -> None:
        text = self.text
        for index in range(self.position, to):
            char = text[index]
            if char in self.counts:
                self.counts[char] += 1
                self.last[char] = index
            elif char == "$" and text.startswith("${", index):
                self.open_reference = True
            elif char == "}":
                self.open_reference = False
        self.position = max(self.position, to)

    def open_quote(self) -> str | None:
        """The quote character left open (an odd number of them so far), the latest one."""
        opened = [quote for quote in _QUOTES if self.counts[quote] % 2 == 1]
        return max(opened, key=lambda quote: self.last[quote]) if opened else None


def render(text: str, variables: Sequence[str]) -> str:
    """`text` with each marker replaced by how its variable is written (`${VAR}`, `{expr}`)."""
    return _MARKER.sub(lambda m: variables[int(m.group(1))], text)


def mask_variable(written: str) -> str:
    """A variable as written, its default (`${PW:-s3cret}`) masked: it may be a password."""
    match = _DEFAULT.match(written)
    if match is None:
        return written
    return f"{match.group(1)}{MASK}}}"


def mask_url(text: str, variables: Sequence[str] = ()) -> str:
    """The URL for a message: literal secrets replaced by `****`, variables shown as written.

    Masked: a literal password, a user-info part without a colon (a password
    in the user-name slot), a `password=` query value, and the defaults of
    variables written in the user info.
    """
    url = parse_redis_url(text)
    if url is None:
        return render(text, variables)
    secret: tuple[int, int] | None = None
    if url.password is not None:
        secret = url.password
    elif url.userinfo is not None:
        secret = url.userinfo
    special = password_with_specials(text)
    if special is not None and (secret is None or special[1] > secret[1]):
        secret = special
    masked_variables = list(variables)
    pieces: list[str] = []
    cursor = 0
    if secret is not None and secret[0] < secret[1]:
        value = text[secret[0] : secret[1]]
        for found in _MARKER.finditer(value):
            index = int(found.group(1))
            if index < len(masked_variables):
                masked_variables[index] = mask_variable(masked_variables[index])
        if not _only_markers(value):
            pieces.append(text[: secret[0]])
            pieces.append(MASK)
            cursor = secret[1]
    pieces.append(text[cursor:])
    masked = "".join(pieces)
    masked = re.sub(r"(?i)([?&]password=)[^&#\x00]+", rf"\g<1>{MASK}", masked)
    return render(masked, masked_variables)


def _only_markers(value: str) -> bool:
    return _MARKER.sub("", value) == ""


def unquoted(text: str | None) -> str | None:
    """A URL part as redis-py passes it on (`unquote`d)."""
    return None if text is None else unquote(text)
