"""The libcst codemods keep the call's layout: same line, own line, trailing comma, comments."""

from __future__ import annotations

import pytest

from timeoutlint.findings import Position
from timeoutlint.fix_operations import AddImport, AddKeyword, ReplaceKeywordValue
from timeoutlint.fixes.python_codemod import apply_operations


def _add_timeout(code: str) -> str:
    index = code.index("requests.")
    line = code.count("\n", 0, index) + 1
    column = index - (code.rfind("\n", 0, index) + 1) + 1
    return apply_operations(code, [AddKeyword(Position(line, column), "timeout", "10")])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("requests.get(u)\n", "requests.get(u, timeout=10)\n"),
        ("requests.get()\n", "requests.get(timeout=10)\n"),
        ("requests.get(u, )\n", "requests.get(u, timeout=10, )\n"),
        (
            "requests.get(\n    u,\n    headers=h,\n)\n",
            "requests.get(\n    u,\n    headers=h,\n    timeout=10,\n)\n",
        ),
        (
            "requests.get(\n    u,\n    headers=h)\n",
            "requests.get(\n    u,\n    headers=h,\n    timeout=10)\n",
        ),
        (
            "requests.get(\n    u,  # url\n    headers=h,  # auth\n)\n",
            "requests.get(\n    u,  # url\n    headers=h,  # auth\n    timeout=10,\n)\n",
        ),
        (
            "requests.get(\n    u,\n    headers=h  # auth\n)\n",
            "requests.get(\n    u,\n    headers=h,  # auth\n    timeout=10\n)\n",
        ),
        ("requests.get(u, **extra)\n", "requests.get(u, **extra, timeout=10)\n"),
        ("x = (requests.get(u))\n", "x = (requests.get(u, timeout=10))\n"),
    ],
    ids=[
        "one-line",
        "no-args",
        "one-line-trailing-comma",
        "multi-line-trailing-comma",
        "multi-line-no-trailing-comma",
        "comments-stay",
        "comment-after-last-arg",
        "after-kwargs",
        "parenthesized-call",
    ],
)
def test_add_keyword_follows_the_call_layout(before: str, after: str) -> None:
    assert _add_timeout(before) == after


def test_add_keyword_is_idempotent() -> None:
    once = _add_timeout("requests.get(u)\n")
    assert _add_timeout(once) == once


def test_crlf_line_endings_are_kept() -> None:
    code = "import requests\r\nrequests.get(\r\n    u,\r\n)\r\n"
    assert (
        _add_timeout(code)
        == "import requests\r\nrequests.get(\r\n    u,\r\n    timeout=10,\r\n)\r\n"
    )


def test_replace_keyword_value_changes_only_that_value() -> None:
    code = "requests.get(u, timeout=None, stream=True)\n"
    result = apply_operations(code, [ReplaceKeywordValue(Position(1, 1), "timeout", "10")])
    assert result == "requests.get(u, timeout=10, stream=True)\n"


def test_add_import_goes_after_the_docstring_and_existing_imports_once() -> None:
    code = '"""Doc."""\nimport os\n\nx = 1\n'
    result = apply_operations(code, [AddImport("socket"), AddImport("socket")])
    assert result == '"""Doc."""\nimport os\nimport socket\n\nx = 1\n'


def test_add_import_is_skipped_when_the_name_is_already_imported() -> None:
    code = "from urllib.parse import quote, urlsplit\n"
    assert apply_operations(code, [AddImport("urllib.parse", "quote")]) == code


def test_an_unknown_operation_is_an_error() -> None:
    with pytest.raises(TypeError):
        apply_operations("x = 1\n", [object()])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("requests.get(x for x in y)\n", "requests.get((x for x in y), timeout=10)\n"),
        ("requests.get(u, (a for a in b))\n", "requests.get(u, (a for a in b), timeout=10)\n"),
        ("requests.get((x for x in y))\n", "requests.get((x for x in y), timeout=10)\n"),
    ],
)
def test_a_generator_argument_keeps_or_gets_its_own_parentheses(before: str, after: str) -> None:
    assert _add_timeout(before) == after
