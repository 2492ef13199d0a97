"""Small helpers for tests that lint in-memory code through the real engine."""

from __future__ import annotations

import copy
import gc
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table
from timeoutlint.findings import Finding
from timeoutlint.run import CacheOptions, build_session, check_paths


def lint(
    tmp_path: Path, code: str, select: str = "TL101", filename: str = "example.py", **config: Any
) -> list[Finding]:
    """Findings of the selected rules for one file of dedented `code`."""
    return lint_files(tmp_path, {filename: textwrap.dedent(code)}, select=select, **config)


def lint_files(
    tmp_path: Path, files: dict[str, str], select: str = "TL101", **config: Any
) -> list[Finding]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    rules = builtin_rules()
    table = {"select": select.split(","), **{k.replace("_", "-"): v for k, v in config.items()}}
    settings = parse_table(table, tmp_path.resolve(), None)
    session = build_session(
        (tmp_path,), config=settings, rules=rules, cache=CacheOptions(enabled=False), jobs=1
    )
    return check_paths(session, jobs=1).findings


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Writes `files` (relative path -> text; a name ending in `/` is an empty directory) under root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("/"):
            path.mkdir(exist_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def lines(findings: list[Finding]) -> list[int]:
    return [f.span.start.line for f in findings]


def reported(tmp_path: Path, code: str, select: str = "TL101") -> list[tuple[int, str]]:
    """(line, rule) of each finding `lint` gives for `code`."""
    return [(f.span.start.line, f.rule_id) for f in lint(tmp_path, code, select=select)]


def read_until_closed(leader: int) -> bytes:
    """Everything a pseudo-terminal's other end wrote, until it is closed; closes `leader`."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)


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
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess[Any]:
    """Run `timeoutlint ARGS` in this process with click's `CliRunner`, as the command line
    would: in `cwd`, with the user's environment, stdin and stdout not terminals (as pipes).

    What a command changes in the process is put back: the working directory, the signal
    handlers `cli.main` installs, the garbage collector's tuning, and `sys.stdout` (the output
    error path points it at /dev/null). An exception the CLI's own guard would not catch is
    raised, not hidden in the result. `text=False` gives bytes, as `subprocess.run` without
    `text=True`."""
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
    if text:
        return subprocess.CompletedProcess(
            ["timeoutlint", *args], result.exit_code, result.stdout, result.stderr
        )
    return subprocess.CompletedProcess(
        ["timeoutlint", *args], result.exit_code, result.stdout_bytes, result.stderr_bytes
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


ACME_RULE: dict[str, Any] = {
    "id": "X-ACME001",
    "name": "acme-call-without-deadline",
    "message": "`{callee}()` {problem}",
    "severity": "error",
    "reads": ["python"],
    "summary": "s",
    "what": "w",
    "why": "y",
    "fix": {"applicability": "safe", "description": "d"},
    "callsite": {
        "defaults": {"keyword": "deadline"},
        "callees": [
            {"functions": ["acme.http.call"], "positional": 1},
            {"methods": ["call"], "built-by": ["acme.http.Client"]},
        ],
    },
}
"""A user's rule-pack entry: `acme.http.call(url, deadline=...)` and `Client().call(...)`."""


def acme_rule(**callsite_changes: Any) -> dict[str, Any]:
    """A fresh copy of `ACME_RULE` with its `callsite:` section changed."""
    data = copy.deepcopy(ACME_RULE)
    data["callsite"].update(callsite_changes)
    return data


HOOK_REPOSITORY_PARTS = (
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
    "timeoutlint",
    "rules",
)
"""What pre-commit needs of this repository to install the hook."""


def git(*args: str, cwd: Path) -> str:
    """Runs git with a fixed identity (a CI machine may have none) and returns its output."""
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit_hook_repository(directory: Path, repository: Path) -> Path:
    """A git repository in `directory` holding `repository`'s hook and package, committed."""
    for part in HOOK_REPOSITORY_PARTS:
        source = repository / part
        if source.is_dir():
            shutil.copytree(source, directory / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, directory / part)
    git("init", "-q", cwd=directory)
    git("add", "-A", cwd=directory)
    git("commit", "-q", "-m", "snapshot", cwd=directory)
    return directory
