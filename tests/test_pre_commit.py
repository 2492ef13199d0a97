"""The pre-commit hooks: the manifest, and the real `pre-commit try-repo` on a throw-away repository.

`try-repo` installs the hooks from a git repository into a fresh environment
(pip install, about half a minute each). The repository installed is a
snapshot of the current working tree (committed in a temp directory), so the
test checks the code as it is now, committed or not; `try-repo` on an
unclean tree would leave out untracked files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import commit_hook_repository, git
from timeoutlint.discovery import classify

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
BAD = 'import requests\n\nrequests.get("https://example.com")\n'
GOOD = 'import requests\n\nrequests.get("https://example.com", timeout=10)\n'
NAMES = (
    "app.py", "pkg/stubs.pyi", "docker-compose.yml", "docker-compose.prod.yaml",
    "docker-compose-dev.yml", "compose.yaml", "deploy/compose.override.yml", "compose-x.yaml",
    ".env", "config/.env.local", "prod.env", ".ENV", "Docker-Compose.YML", "settings.yml",
    "mycompose.yml", "setup.cfg", "app.pyc", "env", ".envrc", "compose.yml.bak", "README.md",
    "APP.PY",
)  # fmt: skip


def _hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def test_manifest_has_a_check_and_a_fix_hook() -> None:
    hooks = _hooks()
    assert set(hooks) == {"timeoutlint", "timeoutlint-fix"}
    assert hooks["timeoutlint"]["entry"] == "timeoutlint check --force-exclude"
    assert hooks["timeoutlint-fix"]["entry"] == "timeoutlint fix --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True


def test_manifest_passes_pre_commits_own_validation() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_hook_files_pattern_selects_exactly_what_timeoutlint_reads(name: str) -> None:
    for hook in _hooks().values():
        pattern = re.compile(str(hook["files"]))
        assert bool(pattern.search(name)) == (classify(name.rsplit("/", 1)[-1]) is not None)


def test_the_check_hook_starts_without_importing_libcst(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "timeoutlint",
            "check",
            "--force-exclude",
            "app.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "timeoutlint.cli" in imported
    assert not any(name.split(".")[0] == "libcst" for name in imported)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the working tree's hooks and package, committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return commit_hook_repository(tmp_path_factory.mktemp("hook-repo"), REPO)


def _try_repo(hook_repo: Path, project: Path) -> subprocess.CompletedProcess[str]:
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMEOUTLINT_", "GITHUB_"))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "--all-files",
            "--color",
            "never",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def bad_run(
    hook_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], str]:
    project = tmp_path_factory.mktemp("bad-project")
    (project / "app.py").write_text(BAD, encoding="utf-8")
    (project / "notes.txt").write_text("requests.get(url)\n", encoding="utf-8")
    result = _try_repo(hook_repo, project)
    return result, (project / "app.py").read_text(encoding="utf-8")


def _section(output: str, hook_id: str) -> str:
    """The lines pre-commit printed for one hook (from its status line to the next one)."""
    blocks = re.split(r"\n(?=\S.*\.{3,}(?:Passed|Failed|Skipped)\s*$)", output, flags=re.MULTILINE)
    return next(block for block in blocks if f"- hook id: {hook_id}\n" in block)


@pytest.mark.slow
def test_check_hook_fails_on_a_bad_file_and_shows_the_finding(
    bad_run: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    result, _ = bad_run
    assert result.returncode == 1, result.stdout + result.stderr
    section = _section(result.stdout, "timeoutlint")
    assert re.search(r"^timeoutlint\.+Failed$", section, re.MULTILINE)
    assert "app.py:3:1: TL101 [*] `requests.get()` has no timeout" in section
    assert "notes.txt" not in result.stdout


@pytest.mark.slow
def test_fix_hook_changes_the_file_and_reports_failure(
    bad_run: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    result, fixed = bad_run
    section = _section(result.stdout, "timeoutlint-fix")
    assert re.search(r"^timeoutlint \(fix\)\.+Failed$", section, re.MULTILINE)
    assert "files were modified by this hook" in section
    assert fixed == GOOD


@pytest.mark.slow
def test_both_hooks_pass_on_a_fixed_file(hook_repo: Path, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(GOOD, encoding="utf-8")
    result = _try_repo(hook_repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^timeoutlint\.+Passed$", result.stdout, re.MULTILINE)
    assert re.search(r"^timeoutlint \(fix\)\.+Passed$", result.stdout, re.MULTILINE)
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == GOOD


@pytest.mark.slow
def test_check_hook_on_one_changed_file_sees_the_unchanged_compose_file(
    hook_repo: Path, tmp_path: Path
) -> None:
    """pre-commit passes only `backend/settings.py`; the password the root's compose file
    requires still makes its password-less URL a finding, as `timeoutlint check .` reports."""
    (tmp_path / "backend").mkdir()
    (tmp_path / "docker-compose.dev.yml").write_text(
        "services:\n  redis:\n    image: redis:7\n"
        "    command: redis-server --requirepass ${REDIS_PASSWORD}\n",
        encoding="utf-8",
    )
    settings = tmp_path / "backend" / "settings.py"
    settings.write_text("import os\n", encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "start", cwd=tmp_path)
    settings.write_text(
        'import os\nREDIS_URL = os.environ.get("REDIS_URL", "redis://redis:6379/0")\n',
        encoding="utf-8",
    )
    git("add", "backend/settings.py", cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMEOUTLINT_", "GITHUB_"))}

    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "timeoutlint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "backend/settings.py:2:" in result.stdout
    assert "TL401" in result.stdout
    assert "docker-compose.dev.yml" in result.stdout
