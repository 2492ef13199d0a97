"""Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

APP = """\
import requests


def charge():
    return requests.post("https://pay.example.com")


def refund():
    return requests.post("https://refund.example.com")
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.timeoutlint]\nselect = ["TL101"]\n', encoding="utf-8"
    )
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def _app(repo: Path) -> Path:
    return repo / "service" / "app.py"


def _write(run_cli, repo: Path) -> None:
    result = run_cli("check", ".", "--write-baseline", "baseline.json", cwd=repo)
    assert result.returncode == 0, result.stderr


def _check(run_cli, cwd: Path, baseline: str = "baseline.json"):  # type: ignore[no-untyped-def]
    return run_cli("check", ".", "--baseline", baseline, cwd=cwd)


def test_writing_a_baseline_records_every_finding_and_exits_0(repo: Path, run_cli) -> None:
    result = run_cli("check", ".", "--write-baseline", "baseline.json", cwd=repo)
    assert result.returncode == 0
    assert "Wrote a baseline of 2 findings to baseline.json." in result.stdout
    document = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert document["tool"] == "timeoutlint"
    assert [(e["rule"], e["path"]) for e in document["findings"]] == [
        ("TL101", "service/app.py"),
        ("TL101", "service/app.py"),
    ]
    assert "line" not in document["findings"][0]


def test_with_the_baseline_the_known_findings_are_not_reported(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    result = _check(run_cli, repo)
    assert result.returncode == 0, result.stdout
    assert "All checks passed!" in result.stdout


def test_a_new_finding_is_reported(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    _app(repo).write_text(APP + '\nrequests.get("https://new.example.com")\n', encoding="utf-8")
    result = _check(run_cli, repo)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "service/app.py:11:1: TL101 [*] `requests.get()`"
    )
    assert "Found 1 finding" in result.stdout


def test_findings_that_moved_lines_still_match(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    _app(repo).write_text('"""Payments."""\n\nimport os\n' + APP, encoding="utf-8")
    assert _check(run_cli, repo).returncode == 0


def test_a_copy_of_a_known_line_elsewhere_is_new(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    extra = '\n\ndef charge_again():\n    return requests.post("https://pay.example.com")\n'
    _app(repo).write_text(APP + extra, encoding="utf-8")
    result = _check(run_cli, repo)
    assert result.returncode == 1
    assert "Found 1 finding" in result.stdout


def test_a_fixed_finding_is_dropped_on_the_next_write(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    _app(repo).write_text(
        APP.replace('"https://pay.example.com")', '"https://pay.example.com", timeout=5)'),
        encoding="utf-8",
    )
    _write(run_cli, repo)
    document = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) == 1
    _app(repo).write_text(APP, encoding="utf-8")
    assert _check(run_cli, repo).returncode == 1


def test_the_baseline_works_from_another_directory(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    result = _check(run_cli, repo / "service", baseline="../baseline.json")
    assert result.returncode == 0, result.stdout


def test_the_baseline_applies_to_every_output_format(repo: Path, run_cli) -> None:
    _write(run_cli, repo)
    result = run_cli(
        "check", ".", "--baseline", "baseline.json", "--output-format", "sarif", cwd=repo
    )
    assert json.loads(result.stdout)["runs"][0]["results"] == []


def test_a_missing_baseline_is_a_usage_error(repo: Path, run_cli) -> None:
    result = _check(run_cli, repo, baseline="nope.json")
    assert result.returncode == 2
    assert "nope.json: baseline file not found (create it with --write-baseline)" in result.stderr


def test_a_file_that_is_not_a_baseline_is_a_usage_error(repo: Path, run_cli) -> None:
    (repo / "other.json").write_text('{"findings": []}', encoding="utf-8")
    result = _check(run_cli, repo, baseline="other.json")
    assert result.returncode == 2
    assert "not a timeoutlint baseline" in result.stderr
