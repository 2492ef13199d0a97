"""Keyword insertions as text give exactly the libcst codemod's code, or defer to it."""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fix_safety import modules
from timeoutlint.findings import Position
from timeoutlint.fix_operations import AddKeyword
from timeoutlint.fixes.apply import index_calls
from timeoutlint.fixes.python_codemod import apply_operations
from timeoutlint.python.source import split_lines


def _call_positions(code: str) -> list[Position]:
    lines = split_lines(code)
    positions = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            prefix = lines[node.lineno - 1].encode()[: node.col_offset].decode()
            positions.append(Position(node.lineno, len(prefix) + 1))
    return positions


def _as_text(code: str, operations: list[AddKeyword]) -> str | None:
    index = index_calls(code)
    assert index is not None
    return index.add_keywords(operations)


def _timeout_at_first_call(code: str) -> list[AddKeyword]:
    first = min(_call_positions(code))
    return [AddKeyword(first, "timeout", "10"), AddKeyword(first, "verify", "True")]


@pytest.mark.parametrize(
    "code",
    [
        "f()\n",
        "f(a)\n",
        "f(a, b=1)\n",
        "f (a )\n",
        "f(a, )\n",
        "f(a)(b)\n",
        "urlopen(url).read()\n",
        "x = (f(a))\n",
        "f(*a, **k)\n",
        "f('é', b)\n",
        "f(\n    a,\n    b)\n",
        "f(  # open\n    a)\n",
        "f(\n    a,\n    b,\n)\n",
        "f(\n    a,  # one\n\n    # two\n    b  # three\n)\n",
        "x = f(\r\n    a,\r\n    b,\r\n)\r\n",
        "def g():\n\tx = f(\n\t\ta,\n\t\tb\n\t)\n",
    ],
)
def test_a_plain_layout_is_edited_as_the_codemod_would(code: str) -> None:
    operations = _timeout_at_first_call(code)
    edited = _as_text(code, operations)
    assert edited is not None
    assert edited == apply_operations(code, operations)


@pytest.mark.parametrize(
    "code",
    [
        "f( )\n",
        "f(x for x in y)\n",
        "f((a))\n",
        "f(a, \\\n  b)\n",
        "f(\n    a\n    ,\n    b)\n",
        "f(f'{g(a)}')\n",
        "x = f(a)\ry = 1\r",
    ],
)
def test_an_unusual_layout_is_left_to_the_codemod(code: str) -> None:
    assert _as_text(code, _timeout_at_first_call(code)) is None


def test_a_value_libcst_would_reject_is_left_to_the_codemod() -> None:
    assert _as_text("f(a)\n", [AddKeyword(Position(1, 1), "timeout", " 10")]) is None


def test_a_keyword_the_call_has_is_not_added_again() -> None:
    operations = [AddKeyword(Position(1, 1), "timeout", "10")]
    assert _as_text("f(a, timeout=3)\n", operations) == "f(a, timeout=3)\n"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(code=modules(), data=st.data())
def test_text_insertions_equal_the_codemod_whenever_they_apply(
    code: str, data: st.DataObject
) -> None:
    positions = _call_positions(code)
    operations = [
        AddKeyword(
            data.draw(st.sampled_from(positions)),
            data.draw(st.sampled_from(["timeout", "headers", "socket_timeout"])),
            data.draw(st.sampled_from(["10", "(3, 10)", "None"])),
        )
        for _ in range(data.draw(st.integers(1, 3)))
    ]
    edited = _as_text(code, operations)
    if edited is not None:
        assert edited == apply_operations(code, operations)
