"""`fix --diff` is a patch that `git apply` accepts for the original bytes.

Each case writes a file into a fresh git repository, runs the real
`timeoutlint fix --diff`, and asks `git apply --check` (and then `git apply`)
whether the output applies; the applied result must be what `fix` writes.
Form feeds, U+2028, lone carriage returns, a missing final newline and
latin-1 text are where a diff made with `str.splitlines` or a UTF-8 decode
used to break.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process
from timeoutlint.fixes.patch import quote_path, unified_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli_in_process(*args, cwd=cwd, text=False)


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False
    )


CASES = {
    "form-feed": b"import requests\n\x0c\ndef f():\n    return requests.get(URL)\n",
    "form-feed-in-the-changed-line": b"import requests\n\x0crequests.get(URL)\n",
    "line-separator-in-a-comment": "import requests\n# a\u2028b\nrequests.get(URL)\n".encode(),
    "line-separator-in-a-string": 'import requests\nX = "a\u2028b"\nrequests.get(X)\n'.encode(),
    "latin-1": b"# coding: latin-1\nimport requests\n# caf\xe9\nrequests.get('caf\xe9')\n",
    "crlf": b"import requests\r\n\r\nrequests.get(URL)\r\n",
    "lone-cr-in-a-comment": b"import requests\n# old\rmac\nrequests.get(URL)\n",
    "lone-cr": b"import requests\rrequests.get(URL, timeout=None)\r",
    "form-feed-and-libcst": b"import requests\n\x0cx = 1\nrequests.get(URL, timeout=None)\n",
    "no-final-newline": b"import requests\nrequests.get(URL)",
    "bom": b"\xef\xbb\xbfimport requests\nrequests.get(URL)\n",
    "two-hunks": b"import requests\n"
    + b"".join(b"x%d = %d\n" % (i, i) for i in range(20))
    + b"requests.get(A)\n"
    + b"".join(b"y%d = %d\n" % (i, i) for i in range(20))
    + b"requests.get(B)",
}


@pytest.mark.parametrize("data", list(CASES.values()), ids=list(CASES))
def test_the_diff_applies_to_the_original_bytes_with_git_apply(tmp_path: Path, data: bytes) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "app.py").write_bytes(data)

    diff = _run(tmp_path, "fix", "--diff", "--unsafe-fixes", "app.py")
    checked = _git(tmp_path, "apply", "--check", "-", stdin=diff.stdout)
    _git(tmp_path, "apply", "-", stdin=diff.stdout)
    patched = (tmp_path / "app.py").read_bytes()
    (tmp_path / "app.py").write_bytes(data)
    _run(tmp_path, "fix", "--unsafe-fixes", "app.py")

    assert diff.returncode == 1
    assert diff.stderr == b""
    assert checked.returncode == 0, checked.stderr.decode()
    assert patched == (tmp_path / "app.py").read_bytes() != data


def test_a_latin1_line_is_shown_in_the_files_own_bytes() -> None:
    before = b"# coding: latin-1\nrequests.get('caf\xe9')\n"
    after = b"# coding: latin-1\nrequests.get('caf\xe9', timeout=10)\n"

    diff = unified_diff("app.py", before, after)

    assert diff.encode("utf-8", "surrogateescape") == (
        b"--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n # coding: latin-1\n"
        b"-requests.get('caf\xe9')\n+requests.get('caf\xe9', timeout=10)\n"
    )


def test_a_masked_hunk_is_announced_before_the_file_header() -> None:
    before = b"URL = 'redis://:hunter2@cache:6379/0'\nrequests.get(URL)\n"
    after = b"URL = 'redis://:hunter2@cache:6379/0'\nrequests.get(URL, timeout=10)\n"

    diff = unified_diff("app.py", before, after)

    assert diff == (
        "timeoutlint: the hunk at line 1 of app.py masks a credential (****), so it does not"
        " apply as shown; `timeoutlint fix` makes the real change\n"
        "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n"
        " URL = 'redis://:****@cache:6379/0'\n"
        "-requests.get(URL)\n+requests.get(URL, timeout=10)\n"
    )


def test_a_path_with_a_line_break_is_quoted_as_git_quotes_it() -> None:
    assert quote_path("a/x\n::stop-commands::y\n.py") == '"a/x\\n::stop-commands::y\\n.py"'
    assert quote_path("a/plain name.py") == "a/plain name.py"


def test_a_full_disk_on_stdout_is_a_write_error_without_a_traceback(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this platform")
    (tmp_path / "app.py").write_text("import requests\nrequests.get(URL)\n")

    for args in (("check", "."), ("fix", "--diff", ".")):
        with open("/dev/full", "wb") as full:
            result = subprocess.run(
                [sys.executable, "-m", "timeoutlint", *args],
                cwd=tmp_path,
                stdout=full,
                stderr=subprocess.PIPE,
                timeout=120,
            )

        assert result.stderr.decode() == (
            "timeoutlint: error: cannot write the output: No space left on device\n"
        )
        assert result.returncode == 2
