# timeoutlint: skip-file -- test data: Redis URLs and passwords written on purpose
"""Compose variable interpolation, as `docker compose config` does it."""

from __future__ import annotations

import pytest

from timeoutlint.compose.interpolation import (
    InterpolationError,
    Literal,
    Reference,
    lookup_in,
    parse,
    references,
    resolve,
)


def _resolve(text: str, **values: str) -> str | None:
    return resolve(parse(text), lookup_in(values))


def test_braced_and_bare_references_keep_their_offsets() -> None:
    parts = parse("redis://:${PW}@$HOST/0")
    assert parts == (
        Literal("redis://:", 0, 9),
        Reference("PW", None, (), 9, 14),
        Literal("@", 14, 15),
        Reference("HOST", None, (), 15, 20),
        Literal("/0", 20, 22),
    )


def test_double_dollar_is_a_literal_dollar_that_keeps_its_raw_width() -> None:
    [part] = parse("$$HOME")
    assert part == Literal("$HOME", 0, 6)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A-d}", {}, "d"),
        ("${A:+alt}", {"A": "x"}, "alt"),
        ("${A:+alt}", {"A": ""}, ""),
        ("${A+alt}", {"A": ""}, "alt"),
        ("${A:?must be set}", {"A": "v"}, "v"),
        ("${A:-${B}}", {"B": "inner"}, "inner"),
    ],
)
def test_operators_follow_compose(text: str, values: dict[str, str], expected: str) -> None:
    assert _resolve(text, **values) == expected


def test_an_unknown_variable_makes_the_value_unknown() -> None:
    assert _resolve("redis://${HOST}:6379") is None


def test_required_references_are_marked() -> None:
    [reference] = parse("${PW:?set it}")
    assert isinstance(reference, Reference) and reference.is_required


def test_references_inside_defaults_are_listed() -> None:
    assert [r.name for r in references(parse("${A:-${B}}"))] == ["A", "B"]


@pytest.mark.parametrize("text", ["${A", "${}", "${A!x}", "${1A}"])
def test_invalid_forms_are_errors(text: str) -> None:
    with pytest.raises(InterpolationError):
        parse(text)


def test_a_lone_dollar_is_literal() -> None:
    assert parse("cost $5") == (Literal("cost $5", 0, 7),)
