"""A short run imports only what its files need (a pre-commit hook pays for every import).

Each test runs the real command in a fresh interpreter with `-X importtime`, which lists every
module the process imported, so the property is checked without timing anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from timeoutlint import catalog_cache
from timeoutlint.catalog import GROUPS_FILE, builtin_catalog_dir

REPO = Path(__file__).resolve().parent.parent
PYTHON_ONLY = {"app.py": 'import requests\n\nrequests.get("https://example.com")\n'}
COMPOSE = {
    "app.py": "print('no network here')\n",
    "docker-compose.yml": textwrap.dedent(
        """\
        services:
          redis:
            image: redis:7-alpine
            command: redis-server --requirepass redis_dev_password
        """
    ),
}
DOTENV_WITH_COMPOSE = {
    ".env": "REDIS_PASSWORD=s3cret\nCELERY_BROKER_URL=redis://cache:6379/1\n",
    "docker-compose.yml": textwrap.dedent(
        """\
        services:
          cache:
            image: docker.io/bitnami/redis:7.2
            environment:
              REDIS_PASSWORD: ${REDIS_PASSWORD}
        """
    ),
}


def _environment(write_bytecode: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    if write_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _catalog_cache_is_warm() -> bool:
    directory = builtin_catalog_dir()
    files = [*sorted(directory.glob("TL*.yaml")), directory / GROUPS_FILE]
    key = catalog_cache.content_key([(path.name, path.read_bytes()) for path in files])
    return catalog_cache.read(key) is not None


@pytest.fixture(scope="module")
def warm_catalog_cache() -> None:
    """The state of every run but the first after an install or a rule edit."""
    warm = "from timeoutlint.catalog import builtin_rules; builtin_rules()"
    subprocess.run([sys.executable, "-c", warm], env=_environment(write_bytecode=True), check=True)
    if not _catalog_cache_is_warm():
        pytest.skip("the catalog cache cannot be written next to the package here")


def _check(tmp_path: Path, files: dict[str, str]) -> tuple[str, set[str]]:
    """The findings printed by `timeoutlint check` of a project, and the modules it imported."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "timeoutlint", "check", "--no-cache", "-q", "."],
        cwd=tmp_path,
        env=_environment(write_bytecode=False),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result.stdout, imported


def _top_level(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


@pytest.mark.usefixtures("warm_catalog_cache")
def test_checking_python_files_imports_neither_yaml_nor_libcst_nor_packaging(
    tmp_path: Path,
) -> None:
    findings, imported = _check(tmp_path, PYTHON_ONLY)
    assert "app.py:3:1: TL101" in findings
    assert not _top_level(imported) & {"yaml", "libcst", "packaging"}
    assert not {m for m in imported if m.startswith("timeoutlint.compose")}


@pytest.mark.usefixtures("warm_catalog_cache")
def test_checking_python_files_imports_only_the_check_modules_their_bytes_trigger(
    tmp_path: Path,
) -> None:
    """No file of the run mentions Redis, Django settings or a URL: of the checks, only the
    call-site check (TL101) is loaded, with the modules every check shares."""
    findings, imported = _check(tmp_path, PYTHON_ONLY)
    assert "app.py:3:1: TL101" in findings
    checks = {m.rsplit(".", 1)[1] for m in imported if m.startswith("timeoutlint.checks.")}
    assert checks == {"base", "prefilter", "callsite", "splat_dicts"}


@pytest.mark.usefixtures("warm_catalog_cache")
def test_a_compose_file_in_the_run_still_gets_its_findings(tmp_path: Path) -> None:
    findings, imported = _check(tmp_path, COMPOSE)
    assert "docker-compose.yml:4:41: TL403" in findings
    assert "yaml" in _top_level(imported)


@pytest.mark.usefixtures("warm_catalog_cache")
def test_a_compose_file_still_tells_the_project_context_about_passwords(tmp_path: Path) -> None:
    findings, _ = _check(tmp_path, DOTENV_WITH_COMPOSE)
    assert ".env:2:19: TL401" in findings
