"""TL001 names the grammar it parsed with and, for newer syntax, the Python that reads the file
(`python/grammar.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import lint_files
from timeoutlint.python.grammar import (
    is_pep_695,
    newer_python,
    requires_python_floor,
    with_newer_hint,
)

HERE = (sys.version_info[0], sys.version_info[1])
GRAMMAR = f"with Python {HERE[0]}.{HERE[1]}'s grammar"


@pytest.mark.parametrize(
    ("specifier", "floor"),
    [(">=3.12", (3, 12)), ("~=3.12.1", (3, 12)), ("==3.13.*", (3, 13)), (">3.11", (3, 12)),
     (">=3.9,<4", (3, 9)), ("<3.13", None), ("", None), ("not a specifier", None)],
)  # fmt: skip
def test_the_floor_of_requires_python_is_its_lowest_minor_version(
    specifier: str, floor: tuple[int, int] | None
) -> None:
    assert requires_python_floor(specifier) == floor


@pytest.mark.parametrize(
    "line", ["type Alias = int", "def f[T](x: T) -> T:", "async def g[T]():", "class C[T]:"]
)
def test_pep_695_lines_are_recognised(line: str) -> None:
    assert is_pep_695(line)


@pytest.mark.parametrize("line", ["type = 3", "def f(x):", "class C(Base):", "items[0] = 1"])
def test_other_lines_are_not_pep_695(line: str) -> None:
    assert not is_pep_695(line)


def test_a_floor_newer_than_the_running_python_may_read_the_file() -> None:
    newer = (HERE[0], HERE[1] + 1)
    assert newer_python("f(\n", 1, newer) == (newer, False)
    hint = with_newer_hint("x", (newer, False))
    assert (
        hint
        == f"x; the project requires Python {newer[0]}.{newer[1]}, and timeoutlint running on that version may read it"
    )


def test_a_floor_not_above_the_running_python_gives_no_hint() -> None:
    assert newer_python("f(\n", 1, HERE) is None
    assert with_newer_hint("x", None) == "x"


@pytest.mark.skipif(HERE >= (3, 12), reason="PEP 695 parses from Python 3.12")
def test_a_pep_695_alias_is_reported_with_the_python_that_reads_it(tmp_path: Path) -> None:
    code = "import requests\ntype Url = str\nrequests.get('u')\n"
    [finding] = lint_files(tmp_path, {"app.py": code}, select="TL001,TL101")
    assert finding.message == (
        f"the file cannot be parsed {GRAMMAR}: invalid syntax; timeoutlint running on Python"
        " 3.12 or newer would read it"
    )


def test_a_syntax_error_names_the_running_pythons_grammar(tmp_path: Path) -> None:
    code = "import requests\nrequests.get(url\n"
    [finding] = lint_files(tmp_path, {"app.py": code}, select="TL001,TL101")
    assert finding.message == f"the file cannot be parsed {GRAMMAR}: '(' was never closed"


def test_a_newer_requires_python_is_named_in_the_finding(tmp_path: Path) -> None:
    newer = f"{HERE[0]}.{HERE[1] + 1}"
    files = {
        "pyproject.toml": f'[project]\nrequires-python = ">={newer}"\n',
        "app.py": "import requests\nrequests.get(url\n",
    }
    [finding] = lint_files(tmp_path, files, select="TL001,TL101")
    assert finding.message.endswith(
        f"the project requires Python {newer}, and timeoutlint running on that version may read it"
    )


def test_a_decoding_error_names_no_grammar(tmp_path: Path) -> None:
    [finding] = lint_files(tmp_path, {"app.py": "import requests\n\0\n"}, select="TL001,TL101")
    assert finding.message.startswith("the file cannot be parsed: the file contains a null byte")
