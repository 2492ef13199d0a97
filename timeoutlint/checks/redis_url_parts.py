"""Reading a Redis URL the way redis-py does, on text whose variables are placeholders.

The URL may come from a Python f-string, a compose value with `${VAR}` or a
`.env` value; the caller replaces each variable with a marker (see
`marker`) so that the structure can be read without knowing the values.
redis-py uses `urlparse`: the authority ends at the first `/`, `?` or `#`,
user info is split from the host at the last `@` and the password is what
follows the first `:`. `mask_url` renders a URL for a message without its
secret: a literal password (or a password sitting in the user-name slot)
becomes `****`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SCHEMES = ("redis://", "rediss://")
MASK = "****"
_MARKER = re.compile("\x00(\\d+)\x00")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_URL_START = re.compile(r"rediss?://")


def marker(index: int) -> str:
    """The stand-in for the index-th variable part of a URL."""
    return f"\x00{index}\x00"


def has_marker(text: str) -> bool:
    return "\x00" in text


@dataclass(frozen=True)
class RedisUrl:
    """The parts of a Redis URL; offsets index into `text`, the URL as written (with markers)."""

    text: str
    scheme: str
    userinfo: tuple[int, int] | None
    password: tuple[int, int] | None
    host: tuple[int, int]
    port: str | None

    @property
    def authority_start(self) -> int:
        return len(self.scheme) + 3

    @property
    def host_text(self) -> str:
        return self.text[self.host[0] : self.host[1]]

    @property
    def password_text(self) -> str | None:
        return None if self.password is None else self.text[self.password[0] : self.password[1]]

    @property
    def user_only(self) -> bool:
        """`redis://secret@host`: user info without a colon, which redis-py reads as a user name."""
        return self.userinfo is not None and self.password is None

    @property
    def has_credentials(self) -> bool:
        return self.userinfo is not None or "password=" in self.text


def parse_redis_url(text: str) -> RedisUrl | None:
    """The URL's parts, or None when `text` does not start with redis:// or rediss://."""
    if not text.startswith(SCHEMES):
        return None
    scheme = text[: text.index("://")]
    start = len(scheme) + 3
    end = start
    while end < len(text) and text[end] not in "/?#":
        end += 1
    at = text.rfind("@", start, end)
    userinfo: tuple[int, int] | None = None
    password: tuple[int, int] | None = None
    host_start = start
    if at >= 0:
        userinfo = (start, at)
        colon = text.find(":", start, at)
        if colon >= 0:
            password = (colon + 1, at)
        host_start = at + 1
    hostport = text[host_start:end]
    port: str | None = None
    host_end = end
    if hostport.startswith("["):
        close = hostport.find("]")
        if close >= 0 and hostport[close + 1 : close + 2] == ":":
            port = hostport[close + 2 :]
            host_end = host_start + close + 1
    elif ":" in hostport:
        colon = hostport.rindex(":")
        port = hostport[colon + 1 :]
        host_end = host_start + colon
    return RedisUrl(text, scheme, userinfo, password, (host_start, host_end), port)


def password_with_specials(text: str) -> tuple[int, int] | None:
    """The literal password of `redis://user:pa/ss#w?d@host` whose `/ # ? %` break the URL.

    redis-py cuts the authority at the first `/`, `?` or `#`, so such a
    password ends up in the path or the port. The password is taken, as a
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
    if has_marker(password):
        password = _MARKER.sub("", password)
    unescaped_percent = "%" in _PERCENT_ESCAPE.sub("", password)
    if any(char in password for char in "/?#") or unescaped_percent:
        return colon + 1, at
    return None


def scan_urls(text: str) -> list[tuple[int, int]]:
    """Where Redis URLs sit in a longer text (a command line, a compose value)."""
    found: list[tuple[int, int]] = []
    for match in _URL_START.finditer(text):
        if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"):
            continue
        if found and match.start() < found[-1][1]:
            continue
        index = match.end()
        while index < len(text):
            char = text[index]
            if char.isspace() or char in "\"'<>`,;|)}":
                break
            if text.startswith("${", index):
                close = text.find("}", index)
                index = len(text) if close < 0 else close + 1
                continue
            index += 1
        found.append((match.start(), index))
    return found


def render(text: str, variables: Sequence[str]) -> str:
    """`text` with each marker replaced by how its variable is written (`${VAR}`, `{expr}`)."""
    return _MARKER.sub(lambda m: variables[int(m.group(1))], text)


def mask_url(text: str, variables: Sequence[str] = ()) -> str:
    """The URL for a message: literal secrets replaced by `****`, variables shown as written.

    Masked: a literal password, a user-info part without a colon (a password
    in the user-name slot), and a `password=` query value.
    """
    url = parse_redis_url(text)
    if url is None:
        return render(text, variables)
    pieces: list[str] = []
    cursor = 0
    secret: tuple[int, int] | None = None
    if url.password is not None:
        secret = url.password
    elif url.userinfo is not None:
        secret = url.userinfo
    special = password_with_specials(text)
    if special is not None and (secret is None or special[1] > secret[1]):
        secret = special
        cursor = 0
    if secret is not None and secret[0] < secret[1]:
        value = text[secret[0] : secret[1]]
        if not _only_markers(value):
            pieces.append(text[: secret[0]])
            pieces.append(MASK)
            cursor = secret[1]
    pieces.append(text[cursor:])
    masked = "".join(pieces)
    masked = re.sub(r"(?i)([?&]password=)[^&#\x00]+", rf"\g<1>{MASK}", masked)
    return render(masked, variables)


def _only_markers(value: str) -> bool:
    return _MARKER.sub("", value) == ""
