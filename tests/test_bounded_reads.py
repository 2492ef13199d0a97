"""Every file the tool reads goes through `limits.read_regular_file` (bounded, regular files only).

A raw `open()`, `Path.read_text()` or `Path.read_bytes()` on a path taken from a
project blocks forever on a FIFO or `/dev/stdin` and exhausts memory on
`/dev/zero`: requirements includes, nested ignore files and `env_file` entries
are all paths a repository chooses. The reader refuses anything but a regular
file, never opens a device, and reads at most its limit.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from timeoutlint.limits import (
    AUXILIARY_FILE_LIMIT,
    FileTooLarge,
    NotARegularFile,
    describe_os_error,
    read_regular_file,
    read_text_file,
)

PACKAGE = Path(__file__).resolve().parent.parent / "timeoutlint"
RAW_READS = frozenset({"read_text", "read_bytes", "open", "fdopen"})
ALLOWED = {
    ("limits.py", "os.open"): "the reader itself",
    ("limits.py", "os.read"): "the reader itself, a child's pipe and /proc/self/statm",
    ("parallel.py", "os.read"): "the parent-watch pipe",
    ("safe_write.py", "os.open"): "opens a directory to fsync it, a temporary file it creates, "
    "and the file it replaces (never following a link)",
    ("safe_write.py", "os.read"): "the guarded write compares the file it replaces",
    ("safe_write.py", "open"): "writes a report to a device or FIFO as a stream",
    ("cache.py", "open"): "reads the 18-byte header of a regular file it may prune",
    ("cache.py", "os.fdopen"): "writes the temporary file it created",
    ("cli.py", "sys.stdin.buffer.read"): "`-` reads standard input on purpose",
    ("cli.py", "open"): "appends to $GITHUB_STEP_SUMMARY",
    ("report/rule_pages.py", "path.read_text"): "compares generated pages of our own docs",
    ("report/rule_pages.py", "(directory / name).read_text"): "compares generated pages",
}
"""(module, call) pairs that are not reads of a path a project chose, and why."""


def _raw_reads(path: Path) -> list[str]:
    """The calls that open or read a file; `X.open` of a class (`ResultCache.open`) is ours."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        call = ast.unparse(node.func)
        name = call.rpartition(".")[2]
        if (name in RAW_READS and not call[0].isupper()) or call in ("os.read", "sys.stdin.read"):
            found.append(call)
        elif call.endswith("stdin.buffer.read"):
            found.append(call)
    return found


def test_no_module_reads_a_file_except_through_the_bounded_reader() -> None:
    unexpected = [
        f"{path.relative_to(PACKAGE).as_posix()}: {call}()"
        for path in sorted(PACKAGE.rglob("*.py"))
        for call in _raw_reads(path)
        if (path.relative_to(PACKAGE).as_posix(), call) not in ALLOWED
    ]

    assert unexpected == []


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    with pytest.raises(NotARegularFile):
        read_text_file(tmp_path / "pipe")


def test_a_link_to_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").symlink_to("/dev/zero")

    with pytest.raises(NotARegularFile) as raised:
        read_regular_file(tmp_path / "requirements.txt", AUXILIARY_FILE_LIMIT)
    assert describe_os_error(raised.value) == "not a regular file"


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 101)

    with pytest.raises(FileTooLarge) as raised:
        read_regular_file(tmp_path / "big.txt", 100)
    assert describe_os_error(raised.value) == "the file is larger than 100 bytes"
    assert read_regular_file(tmp_path / "big.txt", 101) == b"x" * 101


def test_text_is_read_with_universal_newlines_as_open_reads_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"one\r\ntwo\rthree\n")

    assert read_text_file(tmp_path / "a.txt") == "one\ntwo\nthree\n"
