"""Keyword insertions and replaced keyword values as text give exactly the libcst codemod's
code, or defer to it."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fix_safety import modules
from timeoutlint.findings import Position
from timeoutlint.fix_operations import AddImport, AddKeyword, ReplaceKeywordValue
from timeoutlint.fixes.apply import index_calls
from timeoutlint.fixes.keyword_text import TextOperation
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


def _as_text(code: str, operations: Sequence[TextOperation]) -> str | None:
    index = index_calls(code)
    assert index is not None
    return index.edit_calls(operations)


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


def _replace_timeout(code: str) -> list[ReplaceKeywordValue]:
    return [ReplaceKeywordValue(min(_call_positions(code)), "timeout", "10")]


@pytest.mark.parametrize(
    "code",
    [
        "f(timeout=None)\n",
        "f(a, timeout = None)\n",
        "f(a, timeout=\tNone, b=1)\n",
        "f(timeout=None  # forever\n)\n",
        "f(\n    a,\n    timeout=None,\n)\n",
        "f(*a, timeout=None, **k)\n",
        "f(timeout=(3, None))\n",
        "f(timeout=f'{T}')\n",
        "f(timeout=g(x, y=None))\n",
        "f(timeout=None)(timeout=None)\n",
        "f(timeout=None, timeout=None)\n",
        "x = 'é'; f(a, timeout=None)\n",
        "f('ü', timeout=None)\n",
        "f(a,\n  timeout=[\n    None][0])\n",
        "x = f(\r\n    a,\r\n    timeout=None,\r\n)\r\n",
        "f(a)\n",
        "f(**timeout)\n",
    ],
)
def test_a_plain_keyword_value_is_replaced_as_the_codemod_would(code: str) -> None:
    operations = _replace_timeout(code)
    edited = _as_text(code, operations)
    assert edited is not None
    assert edited == apply_operations(code, operations)


@pytest.mark.parametrize(
    "code",
    [
        "f(timeout=(None))\n",
        "f(timeout=( None ))\n",
        "f(timeout=\n    None)\n",
        "f(timeout=  # forever\n    None)\n",
        "f(timeout=\\\n    None)\n",
        "f(timeout\n    =None)\n",
        "f(\uff54imeout=None)\n",
        "f(f'{g(timeout=None)}', timeout=None)\n",
        "f(timeout=None)\ry = 1\r",
    ],
)
def test_an_unusual_keyword_value_layout_is_left_to_the_codemod(code: str) -> None:
    assert _as_text(code, _replace_timeout(code)) is None


def test_a_replaced_value_and_an_added_keyword_are_edited_together() -> None:
    code = "f(\n    a,\n    timeout=None\n)\n"
    operations = [
        ReplaceKeywordValue(Position(1, 1), "timeout", "(3, 10)"),
        AddKeyword(Position(1, 1), "verify", "True"),
    ]
    edited = _as_text(code, operations)
    assert edited == "f(\n    a,\n    timeout=(3, 10),\n    verify=True\n)\n"
    assert edited == apply_operations(code, operations)


def test_a_replaced_value_without_the_keyword_leaves_the_call_alone() -> None:
    assert _as_text("f(a)\n", _replace_timeout("f(a)\n")) == "f(a)\n"


def test_a_keyword_both_added_and_replaced_is_left_to_the_codemod() -> None:
    operations: list[TextOperation] = [
        AddKeyword(Position(1, 1), "timeout", "10"),
        ReplaceKeywordValue(Position(1, 1), "timeout", "20"),
    ]
    assert _as_text("f(a)\n", operations) is None


def test_two_values_for_one_keyword_are_left_to_the_codemod() -> None:
    operations = [
        ReplaceKeywordValue(Position(1, 1), "timeout", "10"),
        ReplaceKeywordValue(Position(1, 1), "timeout", "20"),
    ]
    assert _as_text("f(timeout=None)\n", operations) is None


def test_an_edit_inside_a_replaced_value_is_left_to_the_codemod() -> None:
    code = "f(timeout=g(timeout=None))\n"
    inner = [ReplaceKeywordValue(Position(1, 11), "timeout", "3")]
    added = [AddKeyword(Position(1, 11), "verify", "True")]
    outer = [ReplaceKeywordValue(Position(1, 1), "timeout", "10")]
    assert _as_text(code, inner) == "f(timeout=g(timeout=3))\n"
    assert _as_text(code, [*inner, *outer]) is None
    assert _as_text(code, [*added, *outer]) is None


def test_a_replacement_value_libcst_would_reject_is_left_to_the_codemod() -> None:
    operations = [ReplaceKeywordValue(Position(1, 1), "timeout", "10  # s")]
    assert _as_text("f(timeout=None)\n", operations) is None


_TIMEOUT_ARGUMENT = re.compile(r"timeout=(?:\(3, None\)|None|5|T)")
_TIMEOUT_LAYOUTS = st.sampled_from(
    [
        "timeout=None",
        "timeout = None",
        "timeout =\tNone",
        "timeout=(None)",
        "timeout=( None )",
        "timeout=(3, None)",
        "timeout=((3, None))",
        "timeout=\n    None",
        "timeout=  # forever\n    None",
        "timeout=None  # forever\n",
        "timeout=\\\n    None",
        "timeout\n    =None",
        "timeout=f'{T}'",
        "timeout=f'{g(T)}'",
        "timeout=[\n    None][0]",
        "timeout=g(timeout=None)",
        "\uff54imeout=None",
        "timeout='é'",
    ]
)


@st.composite
def modules_with_timeouts(draw: st.DrawFn) -> str:
    """Generated modules whose `timeout=` arguments take many layouts (one call gets one
    when none has any)."""
    code = draw(modules())
    if not _TIMEOUT_ARGUMENT.search(code):
        code = code.replace("(URL", "(URL, timeout=None", 1)
    return _TIMEOUT_ARGUMENT.sub(lambda _: draw(_TIMEOUT_LAYOUTS), code)


_IMPORTS = [AddImport("requests"), AddImport("aiohttp"), AddImport("os", "path")]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(code=modules_with_timeouts(), data=st.data())
def test_replaced_values_equal_the_codemod_whenever_they_apply(
    code: str, data: st.DataObject
) -> None:
    try:
        positions = _call_positions(code)
    except SyntaxError:
        return  # a layout that does not fit where it was put (a comment before a `)`)
    operations: list[TextOperation] = [
        data.draw(st.sampled_from(_IMPORTS)) for _ in range(data.draw(st.integers(0, 1)))
    ]
    for _ in range(data.draw(st.integers(1, 3))):
        operation = data.draw(st.sampled_from([ReplaceKeywordValue, AddKeyword]))
        operations.append(
            operation(
                data.draw(st.sampled_from(positions)),
                data.draw(st.sampled_from(["timeout", "headers", "verify"])),
                data.draw(st.sampled_from(["10", "(3, 10)", "None"])),
            )
        )
    edited = _as_text(code, operations)
    if edited is not None:
        assert edited == apply_operations(code, operations)


def test_a_keyword_written_in_another_unicode_form_is_left_to_the_codemod() -> None:
    code = "f(\uff54imeout=None)\n"
    assert _as_text(code, [AddKeyword(Position(1, 1), "timeout", "10")]) is None


@pytest.mark.parametrize(
    "imports",
    ["import requests\n", "import os, requests\n", "import os; import requests\n"],
)
def test_an_import_the_module_has_changes_nothing(imports: str) -> None:
    code = f"{imports}requests.get(url, timeout=None)\n"
    operations = [ReplaceKeywordValue(Position(2, 1), "timeout", "10"), AddImport("requests")]
    edited = _as_text(code, operations)
    assert edited == code.replace("timeout=None", "timeout=10")
    assert edited == apply_operations(code, operations)


@pytest.mark.parametrize(
    ("imports", "operation"),
    [
        ("import os\n", AddImport("requests")),
        ("import requests as r\n", AddImport("requests")),
        ("from requests import get\n", AddImport("requests")),
        ("if True:\n    import requests\n", AddImport("requests")),
        ("import requests\n", AddImport("requests", "get")),
    ],
)
def test_an_import_the_module_lacks_is_left_to_the_codemod(
    imports: str, operation: AddImport
) -> None:
    code = f"{imports}f(url, timeout=None)\n"
    line = imports.count("\n") + 1
    operations = [ReplaceKeywordValue(Position(line, 1), "timeout", "10"), operation]
    assert _as_text(code, operations) is None
