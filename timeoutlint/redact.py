"""Masking credentials in text that timeoutlint did not write itself.

Findings mask secrets where they are made (`checks/redis_url_parts.mask_url`,
`python/secrets.masked_code`). Text that comes from elsewhere (an exception's
message, a traceback, a diff of the user's code) can quote a user's value
verbatim, so it passes through `redact` before it is printed:

- the password of any `scheme://user:password@` URL, and user info that is a
  bare secret (`redis://secret@host`); the URL runs to the closing quote when
  it follows one, to the end of the line when it is a value (`KEY=`, `key: `),
  else to whitespace, so a `'`, a space or a backtick in a password is masked
  with the rest of it;
- `password=` / `secret:` / `token=` style assignments, `--requirepass` and
  `masterauth` values;
- in code: the default of `os.getenv("..._PASSWORD", "default")`, the fourth
  positional argument of `Redis(host, port, db, "password")`, the password of
  `auth=(user, "password")` and `HTTPBasicAuth(user, "password")`, and a
  literal concatenated (`+`), `.format`ted or `%`-formatted into a URL.

References (`${VAR}`, `{expr}` without literals, `os.environ.get(...)`,
`settings.NAME`) stay. `fix --diff` masks the literals of a whole Python file
that may hold a password first (`python/secrets.py`, `fixes/patch.py`).

Linear time: every pattern below starts with a fixed anchor, anything it
reads beyond the anchor is either bounded (`_CODE_WINDOW`) or consumed (the
next search starts after it), so no character is read more than a constant
number of times (tests/test_redact.py counts the regex calls on a 200 KB line).
"""

from __future__ import annotations

import re
from collections.abc import Callable

MASK = "****"
_CODE_WINDOW = 256
"""The most characters a code pattern reads after its anchor (an argument, a literal)."""

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_BARE_SECRET_SCHEMES = frozenset({"redis", "rediss", "valkey", "unix"})
_QUOTES = "'\"`"
_NON_SPACE = re.compile(r"\S*")
_TO_LINE_END = re.compile(r"[^\n]*")
_TO_QUOTE = {quote: re.compile(f"[^{quote}\\n]*") for quote in _QUOTES}
_VALUE_START = re.compile(r"(?:[A-Za-z_][\w.-]*=|[\w.-]+:[ \t]+|- )$")
_REFERENCE = re.compile(
    r"\$\{?[A-Za-z_]\w*(?::?-)?\}?|\{\}|\{[A-Za-z_][\w.]*\}|%s|%\([A-Za-z_]\w*\)s|\*+"
)
_DEFAULTED_REFERENCE = re.compile(r"(\$\{[A-Za-z_]\w*:?[-=?+])([^{}$]+)\}")
_STRING = re.compile(
    rf"[rRbBuUfF]{{0,2}}(?:'(?:[^'\\\n]|\\.){{0,{_CODE_WINDOW}}}'"
    rf"|\"(?:[^\"\\\n]|\\.){{0,{_CODE_WINDOW}}}\")"
)
_ENV_KEY = re.compile(r"(?:getenv|environ\.get|environ\.setdefault|environ\[)\s{0,8}\(?\s{0,8}$")
_KEPT_KEYWORD = re.compile(r"(?:safe|encoding|errors)\s{0,8}=\s{0,8}$")

_NAME_ANCHOR = re.compile(r"(?i)pass(?:word|wd)|secret|token")
_NAME_REST = re.compile(r"\w*+")
_ASSIGNMENT_TAIL = re.compile(
    r"""['"]?[ \t]{0,8}(?:=|:(?=[ \t'"]))[ \t]{0,8}(?:[rRbBuUfF]{0,2}(['"]))?"""
)
_FLAG_ANCHOR = re.compile(r"(?i)requirepass|masterauth")
_FLAG_TAIL = re.compile(r"""['"]?,?[ \t]{1,8}(['"])?""")
_PLAIN_VALUE = re.compile(r"""[^\s'"`,;&)\]]+""")
_CALL_OR_ATTRIBUTE = re.compile(r"[\w.\[\]]*\(|[A-Za-z_]\w*\.[A-Za-z_]")

_ARGUMENT = rf"""(?:{_STRING.pattern}|[^,()'"\n]{{0,{_CODE_WINDOW}}}+)"""
_CODE_FORMS = re.compile(
    r"(?P<env>(?:getenv|environ\.get|environ\.setdefault)\(\s{0,8}(?P<q>['\"])(?P<key>\w{1,128})(?P=q)\s{0,8},\s{0,8})"
    r"|(?P<auth>\bauth\s{0,8}=\s{0,8}[(\[]\s{0,8}" + _ARGUMENT + r"\s{0,8},\s{0,8})"
    r"|(?P<basic>\b(?:HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth)\(\s{0,8}"
    + _ARGUMENT
    + r"\s{0,8},\s{0,8})"
    r"|(?P<positional>\b(?:Strict)?Redis\(\s{0,8}(?:" + _ARGUMENT + r"\s{0,8},\s{0,8}){3})"
)
_SECRET_KEY = re.compile(r"(?i)pass(?:word|wd)?|pwd|secret|token|credential|api_?key")
_AFTER_URL = re.compile(r"\s{0,8}(?:(?P<plus>\+)|(?P<format>\.format\()|(?P<percent>%))\s{0,8}")

Span = tuple[int, int]


def redact(text: str) -> str:
    """`text` with the credentials it may quote replaced by `****`."""
    spans: list[Span] = []
    _url_secrets(text, spans.append)
    _assignments(text, spans.append)
    _flags(text, spans.append)
    _code_forms(text, spans.append)
    return _apply(text, spans)


def _apply(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if end <= cursor or end <= start:
            continue
        start = max(start, cursor)
        pieces.append(text[cursor:start])
        pieces.append(MASK)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


# URLs ----------------------------------------------------------------------------------


def _url_secrets(text: str, mask: Callable[[Span], None]) -> None:
    position = 0
    while True:
        anchor = text.find("://", position)
        if anchor < 0:
            return
        scheme_start = anchor
        while scheme_start > 0 and anchor - scheme_start < 32:
            if text[scheme_start - 1] not in _SCHEME_CHARS:
                break
            scheme_start -= 1
        scheme = text[scheme_start:anchor]
        if not scheme or not scheme[0].isalpha():
            position = anchor + 3
            continue
        start = anchor + 3
        before = text[scheme_start - 1] if scheme_start else ""
        closing: str | None = None
        if before and before in _QUOTES:
            closing = before
            end = _TO_QUOTE[before].match(text, start).end()  # type: ignore[union-attr]
            if end >= len(text) or text[end] != before:
                closing = None
                end = _NON_SPACE.match(text, start).end()  # type: ignore[union-attr]
        elif _VALUE_START.search(text, max(0, scheme_start - 64), scheme_start) is not None:
            end = _TO_LINE_END.match(text, start).end()  # type: ignore[union-attr]
        else:
            end = _NON_SPACE.match(text, start).end()  # type: ignore[union-attr]
        at = text.rfind("@", start, end)
        if at > start:
            _user_info(text, scheme, start, at, mask)
        if closing is not None:
            _followers(text, start, end, at <= start, mask)
        position = max(end, anchor + 3)


def _user_info(text: str, scheme: str, start: int, at: int, mask: Callable[[Span], None]) -> None:
    colon = _colon_outside_references(text, start, at)
    if colon >= 0:
        secret = (colon + 1, at)
    elif scheme.lower() in _BARE_SECRET_SCHEMES:
        secret = (start, at)
    else:
        return
    value = text[secret[0] : secret[1]]
    if not value or _REFERENCE.fullmatch(value):
        return
    defaulted = _DEFAULTED_REFERENCE.fullmatch(value)
    if defaulted is not None:
        mask((secret[0] + defaulted.start(2), secret[0] + defaulted.end(2)))
        return
    if value.startswith("{") and value.endswith("}"):
        _code_literals(text, secret[0], secret[1], mask)
        return
    mask(secret)


def _colon_outside_references(text: str, start: int, end: int) -> int:
    """The first `:` of `text[start:end]` that is not inside a `${...}` (its `:-default`)."""
    position = start
    while position < end:
        colon = text.find(":", position, end)
        opened = text.find("${", position, end)
        if colon < 0 or opened < 0 or colon < opened:
            return colon
        closed = text.find("}", opened, end)
        if closed < 0:
            return -1
        position = closed + 1
    return -1


def _followers(
    text: str, start: int, end: int, open_user_info: bool, mask: Callable[[Span], None]
) -> None:
    """`"redis://:" + "secret" + "@host"`, `"redis://:{}@h".format("secret")`, `... % "secret"`:
    the URL literal closes at `end` and the code after it completes it."""
    follower = _AFTER_URL.match(text, end + 1)
    if follower is None:
        return
    window_end = min(len(text), follower.end() + _CODE_WINDOW)
    if follower.group("plus"):
        literal = _STRING.match(text, follower.end(), window_end)
        if literal is not None and open_user_info and text[start:end].endswith(":"):
            mask(_literal_body(text, literal.start(), literal.end()))
        return
    if "@" in text[start:end] or open_user_info:
        _code_literals(text, follower.end(), window_end, mask, stop_at_paren=True)


# Assignments and server flags ---------------------------------------------------------


def _assignments(text: str, mask: Callable[[Span], None]) -> None:
    position = 0
    while True:
        anchor = _NAME_ANCHOR.search(text, position)
        if anchor is None:
            return
        name_end = _NAME_REST.match(text, anchor.end()).end()  # type: ignore[union-attr]
        position = name_end
        tail = _ASSIGNMENT_TAIL.match(text, name_end)
        if tail is None:
            continue
        position = _value(text, tail.end(), tail.group(1), mask)


def _flags(text: str, mask: Callable[[Span], None]) -> None:
    position = 0
    while True:
        anchor = _FLAG_ANCHOR.search(text, position)
        if anchor is None:
            return
        position = anchor.end()
        tail = _FLAG_TAIL.match(text, anchor.end())
        if tail is None:
            continue
        position = _value(text, tail.end(), tail.group(1), mask)


def _value(text: str, start: int, quote: str | None, mask: Callable[[Span], None]) -> int:
    """Mask the value starting at `start` (inside `quote` if given) unless it is a reference;
    returns where the value ends."""
    end = -1
    if quote is not None:
        window = text[start : start + _CODE_WINDOW]
        close = window.find(quote)
        if close >= 0 and "\n" not in window[:close]:
            end = start + close
    if end < 0:
        plain = _PLAIN_VALUE.match(text, start)
        end = start if plain is None else plain.end()
    value = text[start:end]
    if value.startswith("$"):
        defaulted = _DEFAULTED_REFERENCE.match(text, start, end)
        if defaulted is not None:
            mask((defaulted.start(2), defaulted.end(2)))
        return end
    if not value or value.startswith(MASK) or _CALL_OR_ATTRIBUTE.match(value):
        return end
    if _REFERENCE.fullmatch(value):
        return end
    mask((start, end))
    return end


# Code ---------------------------------------------------------------------------------


_CODE_FORM_ANCHORS = ("getenv", "environ", "auth", "Auth", "Redis(")
"""A literal every `_CODE_FORMS` alternative starts with or contains: text without any of them
(most constants the project index keeps) skips the alternation's scan of every position."""


def _code_forms(text: str, mask: Callable[[Span], None]) -> None:
    if not any(anchor in text for anchor in _CODE_FORM_ANCHORS):
        return
    for found in _CODE_FORMS.finditer(text):
        if found.group("env") and not _SECRET_KEY.search(found.group("key")):
            continue
        literal = _STRING.match(text, found.end())
        if literal is not None:
            mask(_literal_body(text, literal.start(), literal.end()))


def _code_literals(
    text: str, start: int, end: int, mask: Callable[[Span], None], stop_at_paren: bool = False
) -> None:
    """Mask the non-empty string literals in `text[start:end]`, except names: an environment
    lookup's key and `safe=`/`encoding=` values."""
    position = start
    depth = 0
    while position < end:
        char = text[position]
        if stop_at_paren and char in "\n":
            return
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if stop_at_paren and depth < 0:
                return
        literal = _STRING.match(text, position, end) if char in "'\"rRbBuUfF" else None
        if literal is None or (char not in "'\"" and not _starts_literal(text, position)):
            position += 1
            continue
        body = _literal_body(text, literal.start(), literal.end())
        lead = text[max(start, literal.start() - 40) : literal.start()]
        if body[0] < body[1] and not _ENV_KEY.search(lead) and not _KEPT_KEYWORD.search(lead):
            mask(body)
        position = literal.end()


def _starts_literal(text: str, position: int) -> bool:
    """A prefix letter starts a literal only where a name does not continue."""
    return position == 0 or not (text[position - 1].isalnum() or text[position - 1] == "_")


def _literal_body(text: str, start: int, end: int) -> Span:
    quote_at = start
    while text[quote_at] not in "'\"":
        quote_at += 1
    return quote_at + 1, end - 1


def masked_constant(name: str, value: object) -> object:
    """A module constant as the project index keeps it (in memory and in the cache): the
    value of a secret-named constant is `****` (its presence is what other modules use), and
    a string's URL passwords and `password=` parts are masked."""
    if not isinstance(value, str) or not value:
        return value
    from timeoutlint.python.secrets import secret_name

    if secret_name(name):
        return MASK
    return redact(value)
