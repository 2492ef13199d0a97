"""Project templates (cookiecutter, copier, Jinja) are not code until rendered: no parse errors.

A generator's `{% if cookiecutter.use_celery == 'y' %}` cannot be parsed as Python or YAML, and
a TL001/TL002 on it tells the maintainer nothing. A real syntax error stays reported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from timeoutlint.templates import fails_at_a_template_tag

Project = Callable[[dict[str, str]], Path]

SETTINGS_TEMPLATE = """import requests
{%- if cookiecutter.use_sentry == 'y' %}
import sentry_sdk
{%- endif %}
requests.get("https://example.com", timeout=5)
"""
COMPOSE_TEMPLATE = """services:
  redis:
    image: redis:7
{% if use_password %}
    command: redis-server --requirepass ${REDIS_PASSWORD}
{% endif %}
"""
BROKEN_PYTHON = 'import requests\ndef fetch(:\n    return requests.get("u", timeout=5)\n'
BROKEN_COMPOSE = "services:\n  redis:\n    image: redis\n    command: [\n"


def test_a_cookiecutter_template_directory_is_excluded_by_default(
    project: Project, run_cli
) -> None:
    root = project({"{{cookiecutter.project_slug}}/config/settings.py": BROKEN_PYTHON})
    result = run_cli("check", ".", cwd=root)
    assert result.stdout == "All checks passed!\n"
    assert result.returncode == 0


def test_a_python_file_failing_at_a_jinja_tag_is_not_a_syntax_error(
    project: Project, run_cli
) -> None:
    root = project({"settings.py": SETTINGS_TEMPLATE, "broken.py": BROKEN_PYTHON})
    result = run_cli("check", ".", cwd=root)
    assert "broken.py:2:" in result.stdout and "TL001" in result.stdout
    assert "settings.py" not in result.stdout


def test_a_compose_file_failing_at_a_jinja_tag_is_not_a_yaml_error(
    project: Project, run_cli
) -> None:
    root = project({"compose.yaml": COMPOSE_TEMPLATE, "deploy/docker-compose.yml": BROKEN_COMPOSE})
    result = run_cli("check", ".", cwd=root)
    assert "deploy/docker-compose.yml:5:1: TL002" in result.stdout
    assert "compose.yaml" not in result.stdout


def test_escaped_braces_elsewhere_do_not_hide_a_real_syntax_error() -> None:
    text = 'label = f"{{name}}"\ndef fetch(:\n    pass\n'
    assert not fails_at_a_template_tag(text, 2)
    assert fails_at_a_template_tag("x = 1\n{% if debug %}\n", 2)
    compose = "volumes:\n  {{ cookiecutter.slug }}_data: {}\n  other: {}\n"
    assert fails_at_a_template_tag(compose, 3, lines_before=1)
