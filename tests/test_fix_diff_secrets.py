"""`fix --diff` masks literal secrets on every line of the patch, context lines too, and
never a variable reference or interpolation, which is what the fix writes."""

from __future__ import annotations

import pytest

COMPOSE = """\
services:
  redis:
    image: redis:7
    command: redis-server --requirepass "${REDIS_PASSWORD}"
  web:
    image: app
    environment:
      REDIS_URL: redis://redis:6379/0
      API_PASSWORD: literalpw123
"""
SETTINGS = """\
import os
REDIS_PASSWORD = "pysecret987"
REDIS_HOST = "redis"
REDIS_PORT = 6379
CACHE_URL = "redis://redis:6379/0"
"""


@pytest.fixture
def diff(project, run_cli) -> str:
    root = project(
        {
            "docker-compose.yml": COMPOSE,
            ".env": "REDIS_PASSWORD=hunter2secret\n",
            "settings.py": SETTINGS,
            ".git/HEAD": "ref: refs/heads/main\n",
        }
    )
    result = run_cli("fix", "--diff", "--unsafe-fixes", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_a_literal_secret_in_a_compose_context_line_is_masked(diff: str) -> None:
    assert "literalpw123" not in diff
    assert "       API_PASSWORD: ****\n" in diff


def test_a_literal_secret_in_a_python_context_line_is_masked(diff: str) -> None:
    assert "pysecret987" not in diff
    assert ' REDIS_PASSWORD = "****"\n' in diff


def test_a_compose_variable_reference_is_shown_as_written(diff: str) -> None:
    assert "+      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6379/0\n" in diff


def test_a_python_interpolation_is_shown_as_written(diff: str) -> None:
    assert "+CACHE_URL = f\"redis://:{quote(REDIS_PASSWORD, safe='')}@redis:6379/0\"\n" in diff
