"""The bad-input catalog: every kind of broken input gets a clear per-file outcome and the run goes on.

Each row builds a small project holding one bad input next to `good.py`, a
file with a known finding, runs the real `timeoutlint` command and asserts
the exact user-visible outcome: stdout, the exit code, what (if anything)
is printed on stderr, and that `good.py` was still checked. Python bad
inputs contain `import requests`, because a file is only parsed when a
check's trigger bytes are in it.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

GOOD = "good.py:2:1: TL101 [*] `requests.get()` has no timeout and can wait forever"
GOOD_SOURCE = "import requests\nrequests.get(URL)\n"
MISSING = "has no timeout and can wait forever"
REPORT_AT = "Please report this at https://github.com/timeoutlint/timeoutlint/issues"
FIFTY_MB = 50 * 1024 * 1024

Setup = Callable[[Path], None]
_AS_NOBODY = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")


@dataclass(frozen=True)
class Case:
    """One kind of bad input and the exact outcome a user sees."""

    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    setup: Setup | None = None
    args: tuple[str, ...] = ("check", ".")
    stdout: str = ""
    exit_code: int = 1
    stderr: str = ""
    script: str | None = None
    closed_stdin: bool = False
    stdin: bytes | None = None
    stdin_left_open: bool = False
    as_unprivileged_user: bool = False
    needs: Callable[[], str | None] | None = None


def _summary(findings: int, fixable: int) -> str:
    noun = "finding" if findings == 1 else "findings"
    return f"Found {findings} {noun}.\n[*] {fixable} fixable with `timeoutlint fix`."


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _with_good(bad_line: str | None, fixable: int = 1) -> str:
    """stdout for `good.py` plus one line for the bad file (sorted by path as the tool does)."""
    lines = sorted([GOOD, *([bad_line] if bad_line else [])])
    return _lines(*lines, _summary(len(lines), fixable))


def _py(body: str) -> bytes:
    return textwrap.dedent(body).encode("utf-8")


def _mkfifo(name: str) -> Setup:
    return lambda root: os.mkfifo(root / name)


def _bind_socket(name: str) -> Setup:
    def setup(root: Path) -> None:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        cwd = os.getcwd()
        os.chdir(root)  # a socket path is limited to ~100 bytes; bind it relative
        try:
            server.bind(name)
        finally:
            os.chdir(cwd)
            server.close()

    return setup


def _symlink_loop(root: Path) -> None:
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")


def _dangling(root: Path) -> None:
    (root / "dangling.py").symlink_to("nowhere/missing.py")


def _unreadable_file(root: Path) -> None:
    path = root / "secret.py"
    path.write_bytes(_py("import requests\nrequests.get(URL)\n"))
    path.chmod(0)


def _unreadable_directory(root: Path) -> None:
    directory = root / "locked"
    directory.mkdir()
    (directory / "inner.py").write_bytes(_py("import requests\nrequests.get(URL)\n"))
    directory.chmod(0)


def _directory_named_py(root: Path) -> None:
    directory = root / "x.py"
    directory.mkdir()
    (directory / "inner.py").write_bytes(_py("import requests\nrequests.post(URL)\n"))


def _non_utf8_name(root: Path) -> None:
    (root / os.fsdecode(b"caf\xe9.py")).write_bytes(_py("import requests\nrequests.get(URL)\n"))


def _fifty_megabytes(root: Path) -> None:
    head = b"import requests\nrequests.get(URL)\n"
    filler = b"x = 1\n" * ((FIFTY_MB - len(head)) // 6 + 1)
    (root / "huge.py").write_bytes(head + filler)


def _slow_to_analyze(root: Path) -> None:
    (root / "pyproject.toml").write_text("[tool.timeoutlint]\nanalysis-time-limit = 0.2\n")
    calls = "".join(f"requests.get(URL_{i})\n" for i in range(60_000))
    (root / "slow.py").write_text("import requests\n" + calls)


def _can_unix_socket() -> str | None:
    return None if hasattr(socket, "AF_UNIX") else "no Unix domain sockets on this platform"


def _can_fifo() -> str | None:
    return None if hasattr(os, "mkfifo") else "no FIFOs on this platform"


def _can_deny_reads() -> str | None:
    """Root reads any file whatever its mode, so those rows run as `nobody` via setpriv."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        return "running as root, where chmod 000 does not deny reads, and setpriv is not installed"
    if not _nobody_can_run_timeoutlint():
        return "running as root, and user nobody cannot run this interpreter or import timeoutlint"
    return None


@functools.cache
def _nobody_can_run_timeoutlint() -> bool:
    probe = subprocess.run(
        [*_AS_NOBODY, sys.executable, "-c", "import timeoutlint.cli"],
        capture_output=True,
        cwd=tempfile.gettempdir(),
        timeout=60,
    )
    return probe.returncode == 0


def _can_non_utf8_names() -> str | None:
    if sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"):
        return "the file system encoding is not UTF-8"
    probe = Path(tempfile.gettempdir()) / os.fsdecode(b"timeoutlint-probe-\xe9")
    try:
        probe.touch()
    except OSError:
        return "this file system does not accept file names that are not UTF-8"
    probe.unlink()
    return None


_DELETE_BETWEEN_DISCOVERY_AND_READ = """
import os
import sys

from timeoutlint import engine

original_run = engine.Engine.run


def run(self, *args, **kwargs):
    os.remove("gone.py")
    return original_run(self, *args, **kwargs)


engine.Engine.run = run
from timeoutlint.cli import main

main(sys.argv[1:], prog_name="timeoutlint")
"""

_CRASHING_CHECK = """
import sys

from timeoutlint import engine
from timeoutlint.checks.base import Check


def crash(ctx, model):
    if ctx.path.endswith("crash.py"):
        raise RuntimeError("a bug in a check")


original_init = engine.Engine.__init__


def init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.checks.append(Check(("TL101",), "python", (b"requests",), crash))


engine.Engine.__init__ = init
from timeoutlint.cli import main

main(sys.argv[1:], prog_name="timeoutlint")
"""


def _alias_bomb() -> bytes:
    """A "billion laughs" compose file: nine levels of nine aliases each."""
    lines = [
        "services:",
        "  redis:",
        "    image: redis:7",
        "x0: &a0 [" + ", ".join(["lol"] * 9) + "]",
    ]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


_ALIAS_BOMB = _alias_bomb()
_MULTI_DOCUMENT = b"""services:
  redis:
    image: redis:7
    command: redis-server --requirepass ${REDIS_PASSWORD}
---
services:
  web:
    environment:
      REDIS_URL: redis://redis:6379/0
"""

_PACK_TEMPLATE = """
rules:
  - id: X-ACME001
    name: acme-call-without-deadline
    message: "MESSAGE"
    severity: error
    reads: [python]
    summary: Calls through acme.http must pass a deadline.
    what: Finds `acme.http.call()` without `deadline=`.
    why: Without a deadline the wrapper waits forever.
    fix:
      applicability: none
      description: Add a deadline.
    callsite:
      triggers: [acme]
      defaults:
        keyword: deadline
      callees:
        - functions: [acme.http.call]
"""


def _link(name: str, target: str) -> Setup:
    def setup(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target)

    return setup


def _nested_gitignore_linked_to_dev_zero(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / ".gitignore").symlink_to("/dev/zero")
    (root / "sub" / "app.py").write_bytes(_py("import requests\nrequests.post(URL)\n"))


def _requirements_include_of_a_fifo(root: Path) -> None:
    (root / "requirements.txt").write_text("-c constraints.txt\nredis>=4\n")
    os.mkfifo(root / "constraints.txt")


_DEEP = "/".join(["a"] * 40)


def _gitignore_with_many_double_stars(root: Path) -> None:
    (root / ".gitignore").write_text("**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b\n")
    (root / _DEEP / "b").mkdir(parents=True)
    (root / _DEEP / "app.py").write_bytes(_py("import requests\nrequests.post(URL)\n"))
    (root / _DEEP / "b" / "ignored.py").write_bytes(_py("import requests\nrequests.post(URL)\n"))


def _can_dev_zero() -> str | None:
    return None if os.path.exists("/dev/zero") else "no /dev/zero on this platform"


def _can_dev_stdin() -> str | None:
    return None if os.path.exists("/dev/stdin") else "no /dev/stdin on this platform"


_INPUTS_THAT_HUNG = [
    Case(
        "requirements-include-of-dev-zero",
        files={"requirements.txt": b"-r /dev/zero\nredis>=4\n"},
        stdout=_with_good(None),
        needs=_can_dev_zero,
    ),
    Case(
        "requirements-constraint-of-dev-stdin-left-open",
        files={"requirements.txt": b"-c /dev/stdin\nredis>=4\n"},
        stdin_left_open=True,
        stdout=_with_good(None),
        needs=_can_dev_stdin,
    ),
    Case(
        "requirements-include-of-a-fifo",
        setup=_requirements_include_of_a_fifo,
        stdout=_with_good(None),
        needs=_can_fifo,
    ),
    Case(
        "nested-gitignore-linked-to-dev-zero",
        setup=_nested_gitignore_linked_to_dev_zero,
        stdout=_lines(
            GOOD, f"sub/app.py:2:1: TL101 [*] `requests.post()` {MISSING}", _summary(2, 2)
        ),
        needs=_can_dev_zero,
    ),
    Case(
        "gitignore-that-is-a-fifo",
        setup=_mkfifo(".gitignore"),
        stdout=_with_good(None),
        needs=_can_fifo,
    ),
    Case(
        "gitignore-with-many-double-stars-on-a-deep-path",
        setup=_gitignore_with_many_double_stars,
        stdout=_lines(
            f"{_DEEP}/app.py:2:1: TL101 [*] `requests.post()` {MISSING}", GOOD, _summary(2, 2)
        ),
    ),
    Case(
        "gitignore-with-patterns-git-ignores",
        files={".gitignore": b"!\n[z-a]\ntrailing\\\n"},
        stdout=_with_good(None),
    ),
    Case(
        "valid-code-nested-2500-deep",
        files={"chain.py": _py("import requests\nx = requests.get(URL)" + ".b" * 2500 + "\n")},
        stdout=_lines(f"chain.py:2:5: TL101 [*] `requests.get()` {MISSING}", GOOD, _summary(2, 2)),
    ),
    Case(
        "gitignore-linked-to-dev-stdin-left-open",
        setup=_link(".gitignore", "/dev/stdin"),
        stdin_left_open=True,
        stdout=_with_good(None),
        needs=_can_dev_stdin,
    ),
]

PARSED = (
    f"the file cannot be parsed with Python {sys.version_info[0]}.{sys.version_info[1]}'s grammar"
)
"""TL001's words for a syntax error: the running Python's grammar was used."""

CASES = [
    *_INPUTS_THAT_HUNG,
    Case(
        "syntax-error",
        files={"broken.py": _py("import requests\nrequests.get(URL\n")},
        stdout=_with_good(f"broken.py:2:13: TL001 {PARSED}: '(' was never closed"),
    ),
    Case(
        "syntax-error-indentation",
        files={"indent.py": _py("import requests\ndef f():\nreturn 1\n")},
        stdout=_with_good(
            f"indent.py:3:1: TL001 {PARSED}: "
            "expected an indented block after function definition on line 2"
        ),
    ),
    Case(
        "null-byte",
        files={"nul.py": b"import requests\nx = 1\x00\nrequests.get(URL)\n"},
        stdout=_with_good(
            "nul.py:2:6: TL001 the file cannot be parsed: "
            "the file contains a null byte (is it a binary file?)"
        ),
    ),
    Case(
        "undecodable-bytes",
        files={"latin.py": b'import requests\nNAME = "caf\xe9"\nrequests.get(URL)\n'},
        stdout=_with_good(
            "latin.py:2:12: TL001 the file cannot be parsed: "
            "file is not valid utf-8: byte 0xe9 cannot be decoded"
        ),
    ),
    Case(
        "pep263-latin-1",
        files={
            "latin1.py": '# -*- coding: latin-1 -*-\nimport requests\nNAME = "café"; requests.get(URL)\n'.encode(
                "latin-1"
            )
        },
        stdout=_with_good(f"latin1.py:3:16: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "pep263-cp1252",
        files={
            "cp1252.py": '# coding: cp1252\nimport requests\nS = "\u201cq\u201d"; requests.get(URL)\n'.encode(
                "cp1252"
            )
        },
        stdout=_with_good(f"cp1252.py:3:12: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "pep263-unknown-encoding",
        files={"klingon.py": b"# coding: klingon\nimport requests\nrequests.get(URL)\n"},
        stdout=_with_good(
            "klingon.py:1:1: TL001 the file cannot be parsed: unknown encoding: klingon"
        ),
    ),
    Case(
        "pep263-cookie-contradicts-bytes",
        files={"ascii.py": b'# coding: ascii\nimport requests\nS = "\xc3\xa9"\n'},
        stdout=_with_good(
            "ascii.py:3:6: TL001 the file cannot be parsed: "
            "file is not valid ascii: byte 0xc3 cannot be decoded"
        ),
    ),
    Case(
        "utf-8-bom",
        files={"bom.py": b"\xef\xbb\xbfimport requests\nrequests.get(URL)\n"},
        stdout=_with_good(f"bom.py:2:1: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "crlf-line-endings",
        files={"crlf.py": b"import requests\r\n\r\nrequests.get(URL)\r\n"},
        stdout=_with_good(f"crlf.py:3:1: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "mixed-line-endings",
        files={"mixed.py": b"import requests\r\nx = 1\rrequests.get(URL)\ny = 2\r\nz = 3\n"},
        stdout=_with_good(f"mixed.py:3:1: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "nested-1000-deep-brackets",
        files={"deep.py": ("import requests\nx = " + "[" * 1000 + "]" * 1000 + "\n").encode()},
        stdout=_with_good(f"deep.py:2:205: TL001 {PARSED}: too many nested parentheses"),
    ),
    Case(
        "nested-expression-100000-operators",
        files={"chain.py": ("import requests\nx = 1" + " + 1" * 100_000 + "\n").encode()},
        stdout=_with_good(
            "chain.py:1:1: TL001 the file cannot be parsed: the code is nested too deeply to analyze"
        ),
    ),
    Case(
        "file-of-50-megabytes",
        setup=_fifty_megabytes,
        stdout=_with_good(
            "huge.py:1:1: TL005 skipped: the file is 50.0 MB, larger than max-file-size (10.0 MB)"
        ),
    ),
    Case(
        "analysis-takes-too-long",
        setup=_slow_to_analyze,
        stdout=_with_good(
            "slow.py:1:1: TL005 skipped: took too long (more than analysis-time-limit, 0.2 s)"
        ),
    ),
    Case("empty-file", files={"empty.py": b""}, stdout=_with_good(None)),
    Case(
        "invalid-yaml",
        files={
            "docker-compose.yml": b"services:\n  redis:\n    image: redis:7\n"
            b"    command: [redis-server, --requirepass\n"
        },
        stdout=_with_good(
            "docker-compose.yml:5:1: TL002 the YAML file cannot be read: "
            "expected ',' or ']', but got '<stream end>'"
        ),
    ),
    Case(
        "yaml-alias-bomb",
        files={"compose.yaml": _ALIAS_BOMB},
        stdout=_with_good(
            "compose.yaml:8:1: TL002 the YAML file cannot be read: the file's aliases expand to "
            "more than 20000 values (a 'billion laughs' document or an anchor that contains "
            "itself); not checked"
        ),
    ),
    Case(
        "multi-document-yaml",
        files={"compose.prod.yml": _MULTI_DOCUMENT},
        stdout=_lines(
            "compose.prod.yml:9:18: TL401 [*] `redis://redis:6379/0` has no password, but the Redis "
            "server it points at requires one: --requirepass of service 'redis' "
            "(compose.prod.yml:4)",
            GOOD,
            _summary(2, 2),
        ),
    ),
    Case(
        "dotenv-broken-quoting",
        files={".env": b"REDIS_HOST=redis\nBROKEN LINE\nREDIS_PASSWORD='never closed\n"},
        stdout=_lines(
            ".env:2:8: TL004 this .env line cannot be read: expected '=' after BROKEN",
            ".env:3:16: TL004 this .env line cannot be read: "
            "the quoted value of REDIS_PASSWORD is never closed",
            GOOD,
            _summary(3, 1),
        ),
    ),
    Case(
        "binary-file-named-py",
        files={"image.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\nimport requests\n\xff\xd8"},
        stdout=_with_good(
            "image.py:3:1: TL001 the file cannot be parsed: "
            "the file contains a null byte (is it a binary file?)"
        ),
    ),
    Case(
        "fifo-in-the-tree",
        setup=_mkfifo("pipe.py"),
        stdout=_with_good("pipe.py:1:1: TL003 cannot check this path: not a regular file"),
        needs=_can_fifo,
    ),
    Case(
        "fifo-on-the-command-line",
        setup=_mkfifo("pipe.py"),
        args=("check", "pipe.py", "good.py"),
        stdout=_with_good("pipe.py:1:1: TL003 cannot check this path: not a regular file"),
        needs=_can_fifo,
    ),
    Case(
        "socket-in-the-tree",
        setup=_bind_socket("sock.py"),
        stdout=_with_good("sock.py:1:1: TL003 cannot check this path: not a regular file"),
        needs=_can_unix_socket,
    ),
    Case(
        "symlink-loop",
        setup=_symlink_loop,
        stdout=_lines(
            GOOD,
            "loop_a.py:1:1: TL003 cannot check this path: symbolic link loop",
            "loop_b.py:1:1: TL003 cannot check this path: symbolic link loop",
            _summary(3, 1),
        ),
    ),
    Case(
        "symlink-loop-on-the-command-line",
        setup=_symlink_loop,
        args=("check", "loop_a.py", "good.py"),
        stdout=_with_good("loop_a.py:1:1: TL003 cannot check this path: symbolic link loop"),
    ),
    Case(
        "dangling-symlink",
        setup=_dangling,
        stdout=_with_good("dangling.py:1:1: TL003 cannot check this path: dangling symbolic link"),
    ),
    Case(
        "unreadable-file",
        setup=_unreadable_file,
        stdout=_with_good("secret.py:1:1: TL003 cannot check this path: permission denied"),
        as_unprivileged_user=True,
        needs=_can_deny_reads,
    ),
    Case(
        "unreadable-directory",
        setup=_unreadable_directory,
        stdout=_with_good("locked:1:1: TL003 cannot check this path: permission denied"),
        as_unprivileged_user=True,
        needs=_can_deny_reads,
    ),
    Case(
        "directory-named-x-py",
        setup=_directory_named_py,
        stdout=_lines(
            GOOD, f"x.py/inner.py:2:1: TL101 [*] `requests.post()` {MISSING}", _summary(2, 2)
        ),
    ),
    Case(
        "path-that-does-not-exist",
        args=("check", "nothere.py", "good.py"),
        stdout=_with_good(
            "nothere.py:1:1: TL003 cannot check this path: no such file or directory"
        ),
    ),
    Case(
        "file-deleted-between-discovery-and-read",
        files={"gone.py": _py("import requests\nrequests.get(URL)\n")},
        script=_DELETE_BETWEEN_DISCOVERY_AND_READ,
        stdout=_with_good(
            "gone.py:1:1: TL003 cannot check this path: "
            "no such file or directory (it may have been deleted during the run)"
        ),
    ),
    Case(
        "non-utf-8-file-name",
        setup=_non_utf8_name,
        stdout=_lines(
            f"caf\\xe9.py:2:1: TL101 [*] `requests.get()` {MISSING}", GOOD, _summary(2, 2)
        ),
        needs=_can_non_utf8_names,
    ),
    Case(
        "invalid-escape-is-not-a-warning-on-stderr",
        files={"escape.py": _py('import requests\nPATTERN = "\\d+"\nrequests.get(URL)\n')},
        stdout=_with_good(f"escape.py:3:1: TL101 [*] `requests.get()` {MISSING}", fixable=2),
    ),
    Case(
        "crash-inside-a-check",
        files={"crash.py": _py("import requests\nrequests.get(URL)\n")},
        script=_CRASHING_CHECK,
        stdout=_with_good(None),
        exit_code=2,
        stderr=(
            "timeoutlint: internal error while checking crash.py: RuntimeError: a bug in a check. "
            f"The other files were checked. {REPORT_AT} (run with --verbose for the traceback)\n"
        ),
    ),
    Case(
        "config-with-a-syntax-error",
        files={"pyproject.toml": b"[tool.timeoutlint\nselect = ['TL101']\n"},
        exit_code=2,
        stderr=(
            "timeoutlint: error: {root}/pyproject.toml: not valid TOML: "
            "Expected ']' at the end of a table declaration (at line 1, column 18)\n"
        ),
    ),
    Case(
        "config-with-an-unknown-key",
        files={"pyproject.toml": b"[tool.timeoutlint]\nselct = ['TL101']\n"},
        exit_code=2,
        stderr=(
            "timeoutlint: error: {root}/pyproject.toml: unknown key 'selct' in [tool.timeoutlint]. "
            "Did you mean 'select'? Valid keys: {keys}\n"
        ),
    ),
    Case(
        "stdin-empty",
        args=("check", "-", "--stdin-filename", "app.py"),
        stdin=b"",
        stdout="All checks passed!\n",
        exit_code=0,
    ),
    Case(
        "stdin-closed",
        args=("check", "-", "--stdin-filename", "app.py"),
        closed_stdin=True,
        stdout="All checks passed!\n",
        exit_code=0,
    ),
    Case(
        "stdin-closed-fix",
        args=("fix", "-", "--stdin-filename", "app.py"),
        closed_stdin=True,
        stdout="",
        exit_code=0,
    ),
    Case(
        "null-byte-after-an-import",
        files={"nul.py": b"import requests\x00\n"},
        stdout=_with_good(
            "nul.py:1:16: TL001 the file cannot be parsed: the file contains a null byte"
            " (is it a binary file?)"
        ),
    ),
    Case(
        "fix-diff-of-a-path-that-does-not-exist",
        args=("fix", "--diff", "nothere.py", "good.py"),
        stdout=_lines(
            "--- a/good.py",
            "+++ b/good.py",
            "@@ -1,2 +1,2 @@",
            " import requests",
            "-requests.get(URL)",
            "+requests.get(URL, timeout=10)",
        ),
        exit_code=2,
        stderr="timeoutlint: error: nothere.py: cannot check this path: no such file or directory\n",
    ),
    *(
        Case(
            f"default-timeout-option-{value}",
            args=("check", ".", "--default-timeout", value),
            exit_code=2,
            stderr=(
                "timeoutlint: error: --default-timeout must be a number of seconds above 0 and"
                f" at most 2147483, not {shown}\n"
            ),
        )
        for value, shown in (("inf", "inf"), ("nan", "nan"), ("1e400", "inf"), ("1e20", "1e+20"))
    ),
    *(
        Case(
            f"default-timeout-setting-{value}",
            files={"pyproject.toml": f"[tool.timeoutlint]\ndefault-timeout = {value}\n".encode()},
            exit_code=2,
            stderr=(
                "timeoutlint: error: {root}/pyproject.toml: 'default-timeout' must be a number"
                " of seconds above 0 and at most 2147483, or [connect, read] of such numbers,"
                f" not {shown}\n"
            ),
        )
        for value, shown in (
            ("inf", "inf"),
            ("nan", "nan"),
            ("1e400", "inf"),
            ("1e20", "1e+20"),
            ("[3, inf]", "[3, inf]"),
        )
    ),
    Case(
        "config-file-with-only-another-tool",
        files={"other.toml": b"[tool.other]\nline-length = 99\n"},
        args=("check", ".", "--config", "other.toml"),
        exit_code=2,
        stderr=(
            "timeoutlint: error: other.toml: has no [tool.timeoutlint] table (a configuration"
            " file holds the settings at its top level, or in [tool.timeoutlint] as"
            " pyproject.toml does)\n"
        ),
    ),
    Case(
        "fix-stdin-that-libcst-cannot-parse-echoes-the-input",
        args=("fix", "-", "--stdin-filename", "app.py", "--unsafe-fixes"),
        stdin=b"import requests\n(x): int = 1\nrequests.get(URL, timeout=(None))\n",
        stdout="import requests\n(x): int = 1\nrequests.get(URL, timeout=(None))\n",
        stderr=(
            "timeoutlint: app.py: not fixed: libcst, the parser the fixer edits code with,"
            " cannot read this file (it does not support every construct Python accepts)\n"
        ),
    ),
    *(
        Case(
            f"rule-pack-message-{name}",
            files={
                "pyproject.toml": b'[tool.timeoutlint]\nrule-packs = ["pack.yaml"]\n',
                "pack.yaml": _PACK_TEMPLATE.replace("MESSAGE", message).encode(),
            },
            exit_code=2,
            stderr=(
                "timeoutlint: error: {root}/pack.yaml rules[0] (X-ACME001): field 'message' uses"
                f" {shown.replace('{', '{{').replace('}', '}}')}; only plain {{{{name}}}} placeholders are allowed (no format specs,"
                " conversions, attributes or indexes)\n"
            ),
        )
        for name, message, shown in (
            ("format-spec", "`{callee:d}()` {problem}", "{callee:d}"),
            ("huge-width", "`{callee:>300000000}()` {problem}", "{callee:>300000000}"),
            ("conversion", "`{callee!r}()` {problem}", "{callee!r}"),
            ("attribute", "`{callee.__class__}()` {problem}", "{callee.__class__}"),
        )
    ),
]

_READ_ONLY = "permission denied (the file is read-only)"


def _read_only(name: str) -> Setup:
    return lambda root: (root / name).chmod(0o444)


def _cache_linked_out_of_the_project(root: Path) -> None:
    victim = Path(f"{root}-victim")
    victim.mkdir()
    (victim / "model.pickle").write_bytes(b"weights")
    (root / ".timeoutlint_cache").symlink_to(victim)


CASES += [
    Case(
        "fix-read-only-file",
        files={"ro.py": GOOD_SOURCE.encode()},
        setup=_read_only("ro.py"),
        args=("fix", "."),
        stdout=_lines(
            "Applied 1 fix.",
            f"ro.py:2:1: TL101 [*] `requests.get()` {MISSING}",
            _summary(1, 1),
        ),
        exit_code=2,
        stderr=f"timeoutlint: error: ro.py: not written: {_READ_ONLY}\n",
    ),
    Case(
        "add-noqa-read-only-file",
        files={"ro.py": GOOD_SOURCE.encode()},
        setup=_read_only("ro.py"),
        args=("check", ".", "--add-noqa"),
        stdout=_lines(
            f"ro.py:2:1: TL101 [*] `requests.get()` {MISSING}", "Added 1 noqa directive to 1 file."
        ),
        exit_code=2,
        stderr=f"timeoutlint: error: ro.py: not written: {_READ_ONLY}\n",
    ),
    Case(
        "report-onto-a-checked-source",
        args=("check", ".", "--output", "json=good.py"),
        exit_code=2,
        stderr=(
            "timeoutlint: error: --output good.py would overwrite good.py, a file being checked;"
            " choose another file\n"
        ),
    ),
    Case(
        "baseline-in-a-missing-directory",
        args=("check", ".", "--write-baseline", "missing/baseline.json"),
        stdout="Wrote a baseline of 1 finding to missing/baseline.json.\n",
        exit_code=0,
    ),
    Case(
        "cache-directory-linked-out-of-the-project",
        setup=_cache_linked_out_of_the_project,
        stdout=_with_good(None),
        stderr=(
            "timeoutlint: warning: not using the cache directory {root}/.timeoutlint_cache:"
            " it is a symbolic link to {root}-victim, which is outside the project ({root});"
            " running without the cache\n"
        ),
    ),
]


@pytest.fixture
def world_readable_root() -> Iterator[Path]:
    """A project directory that an unprivileged user can enter (pytest's tmp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="timeoutlint-bad-input-"))
    root.chmod(0o777)
    try:
        yield root
    finally:
        for path in (root, *root.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(root)


def _command(case: Case) -> list[str]:
    python = [sys.executable]
    if case.as_unprivileged_user and hasattr(os, "geteuid") and os.geteuid() == 0:
        python = [*_AS_NOBODY, *python]
    if case.script is not None:
        return [*python, "-c", case.script, *case.args]
    return [*python, "-m", "timeoutlint", *case.args]


def _run(case: Case, root: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    for name in ("FORCE_COLOR", "TIMEOUTLINT_OUTPUT_FORMAT"):
        env.pop(name, None)
    if case.stdin_left_open:
        reader, writer = os.pipe()  # nobody ever writes, nobody closes: a read blocks forever
        try:
            return subprocess.run(
                _command(case), cwd=root, stdin=reader, capture_output=True, env=env, timeout=120
            )
        finally:
            os.close(reader)
            os.close(writer)
    return subprocess.run(
        _command(case),
        cwd=root,
        input=None if case.closed_stdin else (case.stdin or b""),
        stdin=subprocess.DEVNULL if case.closed_stdin else None,
        capture_output=True,
        env=env,
        timeout=120,
        preexec_fn=(lambda: os.close(0)) if case.closed_stdin else None,
    )


def _valid_keys() -> str:
    from timeoutlint.config import _KEYS

    return ", ".join(sorted(_KEYS))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_a_clear_outcome_and_the_run_goes_on(
    case: Case, tmp_path: Path, world_readable_root: Path
) -> None:
    reason = case.needs() if case.needs else None
    if reason:
        pytest.skip(reason)
    root = world_readable_root if case.as_unprivileged_user else tmp_path
    (root / "good.py").write_text(GOOD_SOURCE)
    for name, data in case.files.items():
        (root / name).write_bytes(data)
    if case.setup is not None:
        case.setup(root)

    result = _run(case, root)

    stderr = result.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in stderr
    assert stderr == case.stderr.format(root=root.resolve(), keys=_valid_keys())
    assert result.stdout.decode("utf-8") == case.stdout
    assert result.returncode == case.exit_code


def test_the_json_report_escapes_a_non_utf8_file_name(tmp_path: Path) -> None:
    import json

    reason = _can_non_utf8_names()
    if reason:
        pytest.skip(reason)
    (tmp_path / "good.py").write_text(GOOD_SOURCE)
    _non_utf8_name(tmp_path)
    case = Case("json", args=("check", ".", "--output-format", "json", "-o", "report.json"))

    result = _run(case, tmp_path)

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert result.returncode == 1
    assert sorted(entry["filename"] for entry in report) == ["caf\\xe9.py", "good.py"]


_CRASH_EVERYWHERE = """
import sys

from timeoutlint import cli


def broken_catalog():
    raise RuntimeError("the catalog exploded")


for module in list(sys.modules.values()):
    if getattr(module, "__name__", "").startswith("timeoutlint") and hasattr(
        module, "builtin_rules"
    ):
        module.builtin_rules = broken_catalog
cli.main(sys.argv[1:], prog_name="timeoutlint")
"""
_PACK = """
rules:
  - id: X-ACME001
    name: acme-call-without-deadline
    message: "`{callee}()` {problem}"
    severity: error
    reads: [python]
    summary: Calls through acme.http must pass a deadline.
    what: Finds `acme.http.call()` without `deadline=`.
    why: Without a deadline the wrapper waits forever.
    fix:
      applicability: none
      description: Add a deadline.
    callsite:
      triggers: [acme]
      defaults:
        keyword: deadline
      callees:
        - functions: [acme.http.call]
"""
COMMANDS = [
    ("check", "."),
    ("fix", "."),
    ("fix", ".", "--diff"),
    ("rule", "TL101"),
    ("rules",),
    ("validate-rules",),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(args) for args in COMMANDS])
def test_an_internal_error_in_any_command_is_a_short_message_and_exit_2(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    (tmp_path / "good.py").write_text(GOOD_SOURCE)
    if args[0] == "validate-rules":
        (tmp_path / "pyproject.toml").write_text('[tool.timeoutlint]\nrule-packs = ["pack.yaml"]\n')
        (tmp_path / "pack.yaml").write_text(_PACK)

    result = _run(Case("crash", args=args, script=_CRASH_EVERYWHERE), tmp_path)

    assert result.stderr.decode() == (
        f"timeoutlint: internal error: RuntimeError: the catalog exploded. {REPORT_AT}"
        " (run with --verbose for the traceback)\n"
    )
    assert result.returncode == 2
    assert (tmp_path / "good.py").read_text() == GOOD_SOURCE


@pytest.mark.parametrize("command", ["check", "fix"])
def test_verbose_shows_the_traceback_of_an_internal_error(command: str, tmp_path: Path) -> None:
    case = Case("crash", args=(command, ".", "--verbose"), script=_CRASH_EVERYWHERE)

    result = _run(case, tmp_path)

    stderr = result.stderr.decode()
    assert stderr.startswith("timeoutlint: internal error: RuntimeError: the catalog exploded.")
    assert "Traceback (most recent call last):" in stderr
    assert 'File "<string>", line 8, in broken_catalog' in stderr
    assert result.returncode == 2
