from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def _user_environment(env: dict[str, str] | None) -> dict[str, str]:
    """The environment a user's shell gives the command: no forced colour or output format
    inherited from the test run, NO_COLOR set, then the test's own variables."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TIMEOUTLINT_OUTPUT_FORMAT")
    }
    return {**base, "NO_COLOR": "1", **(env or {})}


def run_cli_in_process(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `timeoutlint ARGS` in this process with click's `CliRunner`, as the command line
    would: in `cwd`, with the user's environment, stdin and stdout not terminals (as pipes).

    What a command changes in the process is put back: the working directory, the signal
    handlers `cli.main` installs, the garbage collector's tuning, and `sys.stdout` (the output
    error path points it at /dev/null). An exception the CLI's own guard would not catch is
    raised, not hidden in the result."""
    from click.testing import CliRunner

    from timeoutlint.cli import main

    full_env = _user_environment(env)
    unset = {k: None for k in os.environ if k not in full_env}
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    thresholds = gc.get_threshold()
    old_cwd = os.getcwd()
    stdout, stderr = sys.stdout, sys.stderr
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner(env={**full_env, **unset}).invoke(
            main, list(args), input=stdin, catch_exceptions=False, color=False
        )
    finally:
        os.chdir(old_cwd)
        sys.stdout, sys.stderr = stdout, stderr
        for number, handler in handlers.items():
            signal.signal(number, handler)
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    return subprocess.CompletedProcess(
        ["timeoutlint", *args], result.exit_code, result.stdout, result.stderr
    )


def run_cli_in_subprocess(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `python -m timeoutlint` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "timeoutlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=_user_environment(env),
        timeout=120,
    )


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `timeoutlint` in-process (`run_cli_in_process`): the tests that read its output."""
    return run_cli_in_process


@pytest.fixture
def run_cli_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `timeoutlint` in a subprocess: the few true end-to-end runs (a fresh interpreter,
    real file descriptors, exit by signal)."""
    return run_cli_in_subprocess


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Path]]:
    """Write a small project from a {relative path: text} mapping and return its root."""

    def make(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    yield make
