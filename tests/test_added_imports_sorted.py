"""An import a fix adds goes where isort, and ruff's I001, put it: the file stays sorted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from timeoutlint.fix_operations import AddImport
from timeoutlint.fixes.python_codemod import add_imports

SOCKET = AddImport("socket")
QUOTE = AddImport("urllib.parse", "quote")

LAYOUTS = {
    "stdlib section": "import os\nimport sys\n\nimport redis\n\nx = 1\n",
    "stdlib section, from imports": (
        "import os\nfrom collections import OrderedDict\nfrom uuid import uuid4\n\nimport redis\n"
    ),
    "only third-party": "import redis\nfrom django.conf import settings\n\nx = 1\n",
    "future then third-party": '"""Doc."""\n\nfrom __future__ import annotations\n\nimport redis\n',
    "future, stdlib, third-party, local": (
        "from __future__ import annotations\n\nimport os\n\nimport redis\n\nfrom .app import thing\n"
    ),
    "stdlib after the new one": "import ssl\nimport zlib\n\nimport redis\n",
}


def _sorted_by_ruff(tmp_path: Path, code: str) -> bool:
    path = tmp_path / "module.py"
    path.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I001", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
@pytest.mark.parametrize("operation", [SOCKET, QUOTE], ids=["import socket", "from urllib.parse"])
def test_an_added_stdlib_import_keeps_a_sorted_file_sorted(
    tmp_path: Path, layout: str, operation: AddImport
) -> None:
    before = LAYOUTS[layout]
    assert _sorted_by_ruff(tmp_path, before)
    after = add_imports(cst.parse_module(before), [operation]).code
    assert after != before
    assert _sorted_by_ruff(tmp_path, after), after


def test_two_added_imports_keep_the_file_sorted(tmp_path: Path) -> None:
    after = add_imports(cst.parse_module(LAYOUTS["only third-party"]), [QUOTE, SOCKET]).code
    assert after.startswith("import socket\nfrom urllib.parse import quote\n\nimport redis\n")
    assert _sorted_by_ruff(tmp_path, after)


def test_an_added_import_only_inserts_lines(tmp_path: Path) -> None:
    before = LAYOUTS["future, stdlib, third-party, local"]
    after = add_imports(cst.parse_module(before), [SOCKET]).code
    assert after.replace("import socket\n", "", 1) == before


def test_a_file_without_imports_gets_the_import_after_its_docstring() -> None:
    after = add_imports(cst.parse_module('"""Doc."""\nx = 1\n'), [SOCKET]).code
    assert after == '"""Doc."""\nimport socket\nx = 1\n'
