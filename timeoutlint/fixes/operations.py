"""Declarative Python fix operations.

Checks describe a repair with these small values (plain data, cheap to
pickle and cache); `python_codemod` carries them out with libcst, which is
imported only when something is fixed or shown. Each operation is
idempotent: applied to code that already has the result, it changes nothing.
A call is identified by the position where its expression starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeoutlint.findings import Position


@dataclass(frozen=True)
class AddKeyword:
    """Add `keyword=value` as the call's last argument, unless the keyword is already there."""

    call: Position
    keyword: str
    value: str


@dataclass(frozen=True)
class ReplaceKeywordValue:
    """Set the value of the call's existing `keyword=` argument."""

    call: Position
    keyword: str
    value: str


@dataclass(frozen=True)
class AddImport:
    """`import module` (name None) or `from module import name`, unless already imported."""

    module: str
    name: str | None = None
