from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `timeoutlint` command in a subprocess, as a user would."""

    def run(
        *args: str,
        cwd: Path | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("FORCE_COLOR", "TIMEOUTLINT_OUTPUT_FORMAT")
        }
        full_env = {**base, "NO_COLOR": "1", **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "timeoutlint", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
        )

    return run


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
