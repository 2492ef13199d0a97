"""The README's pre-commit snippet and docs/ci.md's action step point at something that exists.

The snippet is taken from the README as written (not a copy in this file), installed with the
real `pre-commit` (a dev pin) and run on a project with one TL101 finding: the hook fails with
that finding, and passes after `timeoutlint fix`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import commit_hook_repository, git
from timeoutlint import __version__

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
REPOSITORY_URL = "https://github.com/timeoutlint/timeoutlint"
BAD = 'import requests\n\nrequests.get("https://example.com")\n'
GOOD = 'import requests\n\nrequests.get("https://example.com", timeout=10)\n'


def _yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)


def _pre_commit_snippet(markdown: str) -> dict[str, Any]:
    blocks = [b for b in _yaml_blocks(markdown) if b.startswith("# .pre-commit-config.yaml")]
    assert len(blocks) == 1, "one pre-commit snippet"
    config: dict[str, Any] = yaml.safe_load(blocks[0])
    return config


def _readme_repo() -> dict[str, Any]:
    (entry,) = _pre_commit_snippet(README)["repos"]
    return entry  # type: ignore[no-any-return]


def _action_steps(markdown: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for block in _yaml_blocks(markdown):
        steps.extend(_uses_steps(yaml.safe_load(block)))
    return steps


def _uses_steps(node: object) -> list[dict[str, Any]]:
    """Every mapping with `uses: timeoutlint/timeoutlint@...` anywhere in a YAML document."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("uses", "")).startswith("timeoutlint/timeoutlint@"):
            found.append(node)
        for value in node.values():
            found.extend(_uses_steps(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_uses_steps(value))
    return found


def test_the_readme_rev_is_the_release_tag_of_this_version() -> None:
    """The lead tags `v` + `__version__` on the release commit; a rev naming any other tag
    would not exist."""
    assert _readme_repo()["rev"] == f"v{__version__}"


def test_the_readme_and_ci_docs_name_the_same_repository_and_rev() -> None:
    assert _readme_repo()["repo"] == REPOSITORY_URL
    (ci_entry,) = _pre_commit_snippet(CI)["repos"]
    assert (ci_entry["repo"], ci_entry["rev"]) == (REPOSITORY_URL, _readme_repo()["rev"])


def test_the_snippets_hook_ids_exist_in_the_manifest() -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for hook in manifest}
    for snippet in (README, CI):
        for entry in _pre_commit_snippet(snippet)["repos"]:
            for hook in entry["hooks"]:
                assert hook["id"] in ids


def test_the_ci_docs_action_step_uses_the_release_tag_and_only_real_inputs() -> None:
    steps = _action_steps(CI)
    assert steps, "docs/ci.md shows the action"
    for step in steps:
        assert step["uses"] == f"timeoutlint/timeoutlint@{_readme_repo()['rev']}"
        assert set(step.get("with", {})) <= set(ACTION["inputs"]), step


def test_the_ci_docs_list_exactly_the_actions_inputs_and_outputs() -> None:
    inputs = re.search(r"^Inputs: (.*?)\. Outputs: (.*?)\.", CI, re.MULTILINE | re.DOTALL)
    assert inputs is not None
    listed_inputs = re.findall(r"`([\w-]+)` \(default", inputs.group(1))
    listed_inputs += re.findall(r"`(version)` \(install", inputs.group(1))
    assert sorted(listed_inputs) == sorted(ACTION["inputs"])
    assert sorted(re.findall(r"`([\w-]+)`", inputs.group(2))) == sorted(ACTION["outputs"])


def test_the_ci_docs_input_defaults_are_the_actions() -> None:
    for name, default in re.findall(r"`([\w-]+)` \(default `([^`]*)`\)", CI):
        assert ACTION["inputs"][name]["default"] == default, name


def _has_tag(tag: str) -> bool:
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
    )
    return found.returncode == 0


@pytest.fixture(scope="module")
def tagged_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository that has the README's `rev`, standing in for the GitHub repository.

    When this checkout has the tag, the copy is a clone of it, so the tagged commit itself is
    installed. A clean CI checkout usually has no tags (actions/checkout fetches one commit),
    and before the release the tag does not exist yet; then the working tree is committed in
    a fresh repository and the tag is created there, so the test checks that the code as it is
    now installs under the README's snippet.
    """
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    rev = _readme_repo()["rev"]
    copy = tmp_path_factory.mktemp("timeoutlint-repo") / "timeoutlint"
    if _has_tag(rev):
        git("clone", "--quiet", str(REPO), str(copy), cwd=copy.parent)
        return copy
    copy.mkdir()
    commit_hook_repository(copy, REPO)
    git("tag", rev, cwd=copy)
    return copy


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMEOUTLINT_", "GITHUB_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.slow
def test_the_readme_snippet_installs_fails_on_a_finding_and_passes_once_fixed(
    tagged_copy: Path, tmp_path: Path
) -> None:
    section = next(b for b in _yaml_blocks(README) if b.startswith("# .pre-commit-config.yaml"))
    config = section.replace(f"repo: {REPOSITORY_URL}", f"repo: {tagged_copy.as_uri()}")
    assert config != section
    project = tmp_path / "project"
    project.mkdir()
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (project / "app.py").write_text(BAD, encoding="utf-8")
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)

    failed = _pre_commit(project, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^timeoutlint\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert "app.py:3:1: TL101 [*] `requests.get()` has no timeout" in failed.stdout

    fixed = subprocess.run(
        [sys.executable, "-m", "timeoutlint", "fix", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (project / "app.py").read_text(encoding="utf-8") == GOOD
    passed = _pre_commit(project, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^timeoutlint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout
