"""Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and the `$$` escape.

A value is split into literal text and variable references, each with its
offsets in the raw value, so that rules can tell "the password here is
`${REDIS_PASSWORD}`" from "the password here is a literal". Defaults may
themselves contain references (`${A:-${B}}`), as in compose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


@dataclass(frozen=True)
class Literal:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Reference:
    """`${name<operator>argument}` (or `$name`) at `start:end` of the raw value."""

    name: str
    operator: str | None
    argument: tuple[Part, ...]
    start: int
    end: int

    @property
    def is_required(self) -> bool:
        return self.operator in (":?", "?")


Part = Literal | Reference


class InterpolationError(Exception):
    """The value is not valid compose interpolation; `offset` is where, in the raw value."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _closing_brace(text: str, start: int) -> int:
    """The index of the `}` that closes the `${` whose body starts at `start`."""
    depth = 1
    index = start
    while index < len(text):
        if text.startswith("$$", index):
            index += 2
            continue
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise InterpolationError("a '${' is never closed with '}'", start - 2)


def parse(text: str, base: int = 0) -> tuple[Part, ...]:
    """The parts of `text`; offsets are relative to the start of the value plus `base`."""
    parts: list[Part] = []
    literal: list[str] = []
    literal_start = 0
    index = 0

    def flush(end: int) -> None:
        if literal:
            parts.append(Literal("".join(literal), base + literal_start, base + end))
            literal.clear()

    while index < len(text):
        char = text[index]
        if char != "$":
            if not literal:
                literal_start = index
            literal.append(char)
            index += 1
            continue
        if text.startswith("$$", index):
            if not literal:
                literal_start = index
            literal.append("$")
            index += 2
            continue
        if text.startswith("${", index):
            close = _closing_brace(text, index + 2)
            body = text[index + 2 : close]
            name_match = _NAME.match(body)
            if name_match is None:
                raise InterpolationError(f"invalid interpolation format '${{{body}}}'", index)
            name = name_match.group(0)
            rest = body[len(name) :]
            operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
            if rest and operator is None:
                raise InterpolationError(f"invalid interpolation format '${{{body}}}'", index)
            argument: tuple[Part, ...] = ()
            if operator is not None:
                offset = index + 2 + len(name) + len(operator)
                argument = parse(rest[len(operator) :], base + offset)
            flush(index)
            parts.append(Reference(name, operator, argument, base + index, base + close + 1))
            index = close + 1
            continue
        name_match = _NAME.match(text, index + 1)
        if name_match is None:
            if not literal:
                literal_start = index
            literal.append("$")
            index += 1
            continue
        flush(index)
        parts.append(
            Reference(name_match.group(0), None, (), base + index, base + name_match.end())
        )
        index = name_match.end()
    flush(len(text))
    return tuple(parts)


def references(parts: tuple[Part, ...]) -> list[Reference]:
    """Every reference, those inside defaults included."""
    found: list[Reference] = []
    for part in parts:
        if isinstance(part, Reference):
            found.append(part)
            found.extend(references(part.argument))
    return found


def resolve(parts: tuple[Part, ...], lookup: Callable[[str], str | None]) -> str | None:
    """The value as compose would see it, or None when a variable's value is not known."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, Literal):
            pieces.append(part.text)
            continue
        value = lookup(part.name)
        operator = part.operator
        if operator in (":-", "-"):
            use_default = value is None or (operator == ":-" and value == "")
            if use_default:
                value = resolve(part.argument, lookup)
        elif operator in (":+", "+"):
            present = value is not None and (operator == "+" or value != "")
            value = (
                resolve(part.argument, lookup) if present else ("" if value is not None else None)
            )
        if value is None:
            return None
        pieces.append(value)
    return "".join(pieces)


def template(parts: tuple[Part, ...], marker: Callable[[int], str]) -> str:
    """The value with each top-level reference replaced by `marker(index)` (for URL parsing)."""
    pieces: list[str] = []
    for index, part in enumerate(parts):
        pieces.append(part.text if isinstance(part, Literal) else marker(index))
    return "".join(pieces)


def lookup_in(*mappings: Mapping[str, str | None]) -> Callable[[str], str | None]:
    def lookup(name: str) -> str | None:
        for mapping in mappings:
            if name in mapping:
                return mapping[name]
        return None

    return lookup
