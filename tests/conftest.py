from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process, run_cli_in_subprocess

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

collect_ignore = ["cases"]
"""Annotated case files are code to lint (`tests/test_cases.py`), never tests to collect."""


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
