"""`--config FILE` as ruff's: a standalone file holds the keys at its top level (as ruff.toml), a
pyproject.toml (or any file with a `[tool]` table) holds them in `[tool.timeoutlint]`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process

BAD = 'import requests\nrequests.get("https://example.com")\n'


def _check(root: Path, config: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process("check", "--no-cache", "--config", config, "app.py", cwd=root)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("timeoutlint.toml", 'ignore = ["TL101"]\n'),
        ("ci/pyproject.toml", '[tool.timeoutlint]\nignore = ["TL101"]\n'),
        ("ci/other.toml", '[tool.timeoutlint]\nignore = ["TL101"]\n'),
    ],
    ids=["top-level-keys", "pyproject-table", "tool-table-in-any-file"],
)
def test_the_passed_file_settings_apply(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")

    result = _check(tmp_path, name)

    assert "unknown key" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
