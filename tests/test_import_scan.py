"""Reading a file's imports from its bytes: every import statement the parser sees is found."""

from __future__ import annotations

import ast

import pytest

from timeoutlint.python.import_scan import Imported, RelativeImport, scan_imports
from timeoutlint.python.model import PythonModule, absolute_module


def paths(source: bytes) -> set[str]:
    return {item.path for item in scan_imports(source).absolute}


def test_every_item_of_a_plain_import_is_found_by_its_first_name() -> None:
    assert paths(b"import os, requests as r, urllib.request\n") == {"os", "requests", "urllib"}


def test_a_backslash_continued_import_list_is_read_to_its_end() -> None:
    assert paths(b"import os, \\\n    requests\n") == {"os", "requests"}


def test_a_from_import_keeps_its_module_and_names() -> None:
    found = scan_imports(b"from requests.adapters import HTTPAdapter as A, Retry\n").absolute
    assert found == {Imported("requests.adapters", frozenset({"HTTPAdapter", "Retry"}))}


def test_parenthesised_names_span_lines_and_comments_with_parentheses() -> None:
    source = b"from redis import (\n    Redis,  # see f(x)\n    from_url,\n)\n"
    assert scan_imports(source).absolute == {Imported("redis", frozenset({"Redis", "from_url"}))}


@pytest.mark.parametrize(
    "source",
    [
        b"try: import redis\nexcept ImportError: pass\n",
        b"x = 1; import redis\n",
        b"x = 1\rimport redis\r",
        b"\xef\xbb\xbfimport redis\n",
        b"if True:\n\timport redis\n",
        b"from \\\n  redis import Redis\n",
    ],
    ids=["after-colon", "after-semicolon", "carriage-returns", "bom", "tab-indent", "continued"],
)
def test_an_import_statement_is_found_wherever_a_statement_can_start(source: bytes) -> None:
    assert "redis" in paths(source)


def test_the_word_import_inside_an_expression_is_not_an_import() -> None:
    assert paths(b'message = "please import redis"\n') == set()


def test_relative_imports_keep_their_level_and_module() -> None:
    found = scan_imports(b"from . import api\nfrom ..sessions import Session\n").relative
    assert found == {
        RelativeImport(1, "", frozenset({"api"})),
        RelativeImport(2, "sessions", frozenset({"Session"})),
    }


def test_a_non_ascii_name_makes_the_imports_opaque() -> None:
    source = "import \uff52edis\n"
    assert ast.parse(source).body[0].names[0].name == "redis"  # type: ignore[attr-defined]
    assert scan_imports(source.encode()).opaque


@pytest.mark.parametrize(
    ("module", "is_package", "statement"),
    [
        ("app.views", False, "from .models import Item"),
        ("app", True, "from . import models"),
        ("app.api.views", False, "from ..core import db"),
        ("views", False, "from .redis import Redis"),
        ("app.views", False, "from ... import nothing"),
    ],
)
def test_relative_imports_are_made_absolute_as_the_model_does(
    module: str, is_package: bool, statement: str
) -> None:
    model = PythonModule(statement, ast.parse(statement), module, is_package)
    [bindings] = model.module_scope.bindings.values()
    [relative] = scan_imports(statement.encode()).relative
    expected = bindings[0].qualified_name
    base = absolute_module(module, is_package, relative.level, relative.module)
    name = next(iter(relative.names or ()))
    assert (f"{base}.{name}" if base else None) == expected
