"""Declarative Python fix operations.

Checks describe a repair with these small values (plain data, cheap to
pickle and cache); `python_codemod` carries them out with libcst, which is
imported only when something is fixed or shown. Each operation is
idempotent: applied to code that already has the result, it changes nothing.
A call is identified by the position where its expression starts. They sit beside
`findings.py`, not in `fixes/`, so the checks that build them do not import the fix loop
(ruff keeps `Fix` and `Edit` in its diagnostics crate likewise).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from timeoutlint.findings import Position


@dataclass(frozen=True)
class AddKeyword:
    """Add `keyword=value` as the call's last argument, unless the keyword is already there.

    `call` is where the call starts and `end` where it ends: several calls can start at one
    position (`urlopen(url).read()`), and only the one with both ends is edited.
    """

    call: Position
    keyword: str
    value: str
    end: Position | None = None


@dataclass(frozen=True)
class ReplaceKeywordValue:
    """Set the value of the call's existing `keyword=` argument (`call`, `end`: as for
    `AddKeyword`)."""

    call: Position
    keyword: str
    value: str
    end: Position | None = None


@dataclass(frozen=True)
class AddImport:
    """`import module` (name None) or `from module import name`, unless already imported."""

    module: str
    name: str | None = None


@dataclass(frozen=True)
class AddDictEntries:
    """Add `key: value` entries to the dict at `target` (a `{...}` display or a `dict(...)` call).

    Keys are string constants (keywords in a `dict(...)` call); a key already
    present is left alone. A new key in a display takes the quote character of
    the display's existing string keys, or `quote` when it has none.
    """

    target: Position
    entries: tuple[tuple[str, str], ...]
    quote: str = '"'


@dataclass(frozen=True)
class RenameDictKey:
    """Rename the string key `old` of the dict at `target` to `new`, keeping its value and quotes."""

    target: Position
    old: str
    new: str


@dataclass(frozen=True)
class ReplaceDictValue:
    """Set the value of the string key `key` of the dict at `target`."""

    target: Position
    key: str
    value: str


DictOperation = AddDictEntries | RenameDictKey | ReplaceDictValue


@dataclass(frozen=True)
class ReplaceString:
    """Edit the string literal (plain or f-string) that starts at `target` and whose code has
    the sha256 `old_digest`: each splice `(start, end, text)` replaces `code[start:end]`.

    The literal's text itself is not kept: it may hold a password, and fixes
    are cached and reported. Nothing happens when the literal there no longer
    has that digest, which makes the operation idempotent.
    """

    target: Position
    old_digest: str
    splices: tuple[tuple[int, int, str], ...]

    @staticmethod
    def digest(code: str) -> str:
        return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def of(
        cls, target: Position, old: str, splices: tuple[tuple[int, int, str], ...]
    ) -> ReplaceString:
        return cls(target, cls.digest(old), splices)

    def applied_to(self, code: str) -> str | None:
        """The literal's new code, or None when `code` is not the literal this was made for."""
        if self.digest(code) != self.old_digest:
            return None
        pieces: list[str] = []
        cursor = 0
        for start, end, text in sorted(self.splices):
            pieces.append(code[cursor:start])
            pieces.append(text)
            cursor = end
        pieces.append(code[cursor:])
        return "".join(pieces)


@dataclass(frozen=True)
class ReplaceExpression:
    """Replace the expression starting at `at` whose code is exactly `original` with `replacement`.

    Used for dict keys such as `1` -> `socket.TCP_KEEPIDLE`; once replaced, the
    code no longer matches `original`, so applying it again changes nothing.
    """

    at: Position
    original: str
    replacement: str
