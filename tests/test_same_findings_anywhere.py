"""A file gets the same findings wherever timeoutlint is run from: the project context (compose,
`.env`, pins) comes from the whole project root, and only the paths given are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process

COMPOSE = """services:
  redis:
    image: redis:7
    command: redis-server --requirepass ${REDIS_PASSWORD}
  web:
    build: .
    environment:
      REDIS_HOST: redis
"""
SETTINGS = """import os
REDIS_HOST = os.environ.get("REDIS_HOST", "localhost")
REDIS_URL = os.environ.get("REDIS_URL", f"redis://{REDIS_HOST}:6379/0")
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "backend").mkdir()
    (root / "docker-compose.dev.yml").write_text(COMPOSE, encoding="utf-8")
    (root / "requirements.txt").write_text("redis>=8.0.1\n", encoding="utf-8")
    (root / "backend" / "pyproject.toml").write_text("[project]\nname = 'b'\n", encoding="utf-8")
    (root / "backend" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    return root


def _findings(cwd: Path, *args: str) -> list[tuple[str, str, int]]:
    result = run_cli_in_process("check", "--no-cache", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (Path(cwd, item["filename"]).resolve().as_posix(), item["code"], item["location"]["row"])
        for item in json.loads(result.stdout)
    )


@pytest.mark.parametrize(
    ("where", "args"),
    [
        ("", ("backend/settings.py",)),
        ("", ("backend/",)),
        ("backend", ()),
        ("backend", ("settings.py",)),
    ],
    ids=["one-file", "subdirectory", "inside-subdirectory", "file-from-inside"],
)
def test_a_file_gets_the_findings_of_a_full_run(
    tmp_path: Path, where: str, args: tuple[str, ...]
) -> None:
    root = _project(tmp_path)
    full = _findings(root, ".")
    assert [code for _, code, _ in full] == ["TL401"]

    assert _findings(root / where, *args) == full


def test_only_the_paths_given_are_reported(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "other.py").write_text('import requests\nrequests.get("https://x")\n', encoding="utf-8")

    reported = {path for path, _, _ in _findings(root, "backend/")}

    assert reported == {(root / "backend" / "settings.py").resolve().as_posix()}


def test_show_context_lists_the_root_and_the_files_it_read(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ".env").write_text("REDIS_PASSWORD=s3cret\n", encoding="utf-8")

    result = run_cli_in_process("check", "--no-cache", "--show-context", cwd=root / "backend")

    assert f"project root: {root.resolve()}" in result.stderr
    assert "compose files read: docker-compose.dev.yml" in result.stderr
    assert ".env files read: .env" in result.stderr
    assert "pin files read: requirements.txt" in result.stderr
