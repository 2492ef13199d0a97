"""The progress line: only on a terminal's stderr, only after a delay, erased at the end."""

from __future__ import annotations

import os
import time

from tests.helpers import read_until_closed
from timeoutlint.progress import Progress


def _read_all(fd: int) -> bytes:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return b""


def test_a_short_run_prints_nothing() -> None:
    read, write = os.pipe()
    ticker = Progress(enabled=True, fd=write, delay=0.5).start()
    ticker.stop()
    assert _read_all(read) == b""


def test_a_long_run_shows_what_it_does_and_erases_the_line_at_the_end() -> None:
    read, write = os.pipe()
    ticker = Progress(enabled=True, fd=write, delay=0.05).start()
    ticker.update("checking 15,000 files")
    time.sleep(0.3)
    ticker.stop()
    written = _read_all(read)
    assert b"timeoutlint: checking 15,000 files... 0 s" in written
    assert written.endswith(b"\r\x1b[K")


def test_a_disabled_progress_line_prints_nothing_however_long_the_run() -> None:
    read, write = os.pipe()
    ticker = Progress(enabled=False, fd=write, delay=0.0).start()
    time.sleep(0.1)
    ticker.stop()
    assert _read_all(read) == b""


def test_stderr_that_is_not_a_terminal_gets_no_progress_line(project, run_cli) -> None:
    root = project({"app.py": "import requests\nrequests.get(u)\n"})
    result = run_cli("check", ".", cwd=root)
    assert "timeoutlint:" not in result.stderr


def test_a_terminal_stderr_gets_the_line_and_it_is_erased_before_the_report(project) -> None:
    import pty
    import subprocess
    import sys

    root = project({"app.py": "import requests\nrequests.get(u)\n"})
    leader, follower = pty.openpty()
    env = {**os.environ, "TIMEOUTLINT_PROGRESS_DELAY": "0.001", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "timeoutlint", "check", ".", "--no-cache"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    stdout, _ = process.communicate(timeout=60)
    os.close(follower)
    stderr = read_until_closed(leader)
    assert b"timeoutlint: " in stderr
    assert stderr.endswith(b"\r\x1b[K")
    assert stdout.startswith(b"app.py:2:1: TL101")
