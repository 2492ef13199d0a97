"""Interrupting a run: exit 130 for Ctrl-C, 143 for SIGTERM, no traceback, no worker left behind.

Each test runs the real command on a generated tree big enough for the forked
worker pool, waits until workers exist, signals, and then checks the exit
status, stderr, and every worker by PID in /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers"
)

FILES = 4000
SOURCE = "import requests\n\n" + "".join(
    f"def call_{i}(url):\n    return requests.get(url, params={{'n': {i}}})\n\n" for i in range(20)
)


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    for index in range(FILES):
        directory = root / f"pkg{index % 40}"
        directory.mkdir(exist_ok=True)
        (directory / f"mod{index}.py").write_text(SOURCE)
    return root


def _state(pid: int) -> str | None:
    """The process state letter (R, S, Z...), None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()[0]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")


def _start(root: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    """The command, running, and its workers once there are two."""
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "timeoutlint", "check", "--no-cache", "-j", "2", "."],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the run ended before it started its workers"
    time.sleep(0.2)
    return process, workers


def _outcome(process: subprocess.Popen[bytes], workers: set[int]) -> tuple[int, str, set[int]]:
    _, stderr = process.communicate(timeout=60)  # workers holding the pipes would block this
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return process.returncode, stderr.decode(), {pid for pid in workers if _alive(pid)}


def test_sigterm_exits_143_and_takes_the_workers_along(big_tree: Path) -> None:
    process, workers = _start(big_tree)

    os.kill(process.pid, signal.SIGTERM)
    code, stderr, survivors = _outcome(process, workers)

    assert (code, stderr, survivors) == (143, "", set())


def test_ctrl_c_exits_130_without_a_traceback(big_tree: Path) -> None:
    process, workers = _start(big_tree)

    os.killpg(process.pid, signal.SIGINT)  # a terminal signals the whole foreground group
    code, stderr, survivors = _outcome(process, workers)

    assert (code, stderr, survivors) == (130, "", set())


def test_workers_die_when_the_parent_is_killed(big_tree: Path) -> None:
    process, workers = _start(big_tree)

    os.kill(process.pid, signal.SIGKILL)
    code, _, survivors = _outcome(process, workers)

    assert (code, survivors) == (-signal.SIGKILL, set())


def test_a_process_watching_the_parent_pipe_dies_when_the_pipe_closes() -> None:
    """The fallback where there is no PR_SET_PDEATHSIG: the parent's death closes the pipe."""
    from timeoutlint.parallel import watch_parent_pipe

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: watch, then wait to be killed
        os.close(writer)
        watch_parent_pipe(reader)
        time.sleep(30)
        os._exit(0)
    os.close(reader)
    time.sleep(0.2)
    assert _alive(pid)

    os.close(writer)
    _, status = os.waitpid(pid, 0)

    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
