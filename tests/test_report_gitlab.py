"""`--output-format gitlab`: GitLab Code Quality entries with stable, unique fingerprints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "data" / "report_project"
REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(PROJECT, root)
    (root / ".git").mkdir()
    return root


def _report(run_cli, cwd: Path) -> list[dict[str, Any]]:
    result = run_cli("check", ".", "--output-format", "gitlab", cwd=cwd)
    assert result.returncode == 1, result.stderr
    assert not result.stdout.startswith("\ufeff")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_every_entry_has_the_fields_gitlab_requires(shop: Path, run_cli) -> None:
    entries = _report(run_cli, shop)
    assert len(entries) == 5
    for entry in entries:
        assert REQUIRED <= entry.keys()
        assert entry["severity"] in SEVERITIES
        assert isinstance(entry["location"]["lines"]["begin"], int)
        assert not entry["location"]["path"].startswith("/")


def test_entry_names_the_rule_and_the_place(shop: Path, run_cli) -> None:
    entry = next(e for e in _report(run_cli, shop) if "requests.post" in e["description"])
    assert entry["check_name"] == "TL101"
    assert entry["severity"] == "major"
    assert entry["location"] == {"path": "app/payments.py", "lines": {"begin": 9, "end": 9}}


def test_fingerprints_are_unique_even_for_identical_lines(shop: Path, run_cli) -> None:
    fingerprints = [e["fingerprint"] for e in _report(run_cli, shop)]
    assert len(set(fingerprints)) == len(fingerprints)


def test_fingerprints_are_stable_across_runs_and_unrelated_edits(shop: Path, run_cli) -> None:
    before = {e["fingerprint"] for e in _report(run_cli, shop)}
    legacy = shop / "legacy code" / "old, v1.py"
    legacy.write_text('"""Old code."""\n' + legacy.read_text(encoding="utf-8"), encoding="utf-8")
    assert {e["fingerprint"] for e in _report(run_cli, shop)} == before


def test_paths_are_relative_to_the_repository_root(shop: Path, run_cli) -> None:
    paths = {e["location"]["path"] for e in _report(run_cli, shop / "legacy code")}
    assert paths == {"legacy code/old, v1.py"}
