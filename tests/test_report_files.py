"""Report and baseline files: never written over a file being checked, their directory created."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

APP = "import requests\n\nrequests.get(URL)\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\nselect = ['TL101']\n")
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("-o", "app.py"), "--output-file app.py"),
        (("--output", "json=app.py"), "--output app.py"),
        (("--write-baseline", "app.py"), "--write-baseline app.py"),
        (("--output-format", "sarif", "--output-file", "./sub/../app.py"), None),
    ],
    ids=["-o", "--output", "--write-baseline", "another-spelling"],
)
def test_a_report_onto_a_checked_source_is_refused(
    repo: Path, run_cli, args: tuple[str, ...], option: str | None
) -> None:
    (repo / "sub").mkdir()
    result = run_cli("check", ".", *args, cwd=repo)

    option = option or "--output-file sub/../app.py"
    assert result.stderr == (
        f"timeoutlint: error: {option} would overwrite app.py, a file being checked;"
        " choose another file\n"
    )
    assert result.stdout == ""
    assert result.returncode == 2
    assert (repo / "app.py").read_text() == APP


def test_a_report_onto_a_hard_link_of_a_checked_source_is_refused(repo: Path, run_cli) -> None:
    os.link(repo / "app.py", repo / "report.json")

    result = run_cli("check", "app.py", "-o", "report.json", cwd=repo)

    assert result.returncode == 2
    assert "--output-file report.json would overwrite app.py" in result.stderr
    assert (repo / "app.py").read_text() == APP


def test_a_report_next_to_the_sources_is_written(repo: Path, run_cli) -> None:
    result = run_cli("check", ".", "--output-format", "json", "-o", "report.json", cwd=repo)

    assert result.returncode == 1, result.stderr
    assert [e["code"] for e in json.loads((repo / "report.json").read_text())] == ["TL101"]


def test_a_baseline_in_a_missing_directory_is_written_with_its_directory(
    repo: Path, run_cli
) -> None:
    result = run_cli("check", ".", "--write-baseline", "missing/deeper/b.json", cwd=repo)

    assert result.stderr == ""
    assert result.stdout == "Wrote a baseline of 1 finding to missing/deeper/b.json.\n"
    assert result.returncode == 0
    document = json.loads((repo / "missing" / "deeper" / "b.json").read_text())
    assert [row["path"] for row in document["findings"]] == ["app.py"]


def test_a_baseline_that_cannot_be_written_is_a_usage_error(repo: Path, run_cli) -> None:
    (repo / "blocker").write_text("a file, not a directory")

    result = run_cli("check", ".", "--write-baseline", "blocker/b.json", cwd=repo)

    assert result.stderr == (
        "timeoutlint: error: blocker/b.json: cannot write the baseline: not a directory\n"
    )
    assert result.returncode == 2


def test_a_report_is_not_written_through_a_link_out_of_the_project(tmp_path: Path, run_cli) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[tool.timeoutlint]\nselect = ['TL101']\n")
    (repo / "app.py").write_text(APP)
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text("export PATH=/usr/bin\n")
    (repo / "report.txt").symlink_to(victim)

    result = run_cli("check", ".", "-o", "report.txt", cwd=repo)

    assert victim.read_text() == "export PATH=/usr/bin\n"
    assert result.stderr == (
        f"timeoutlint: error: report.txt: cannot write the report: it is a symbolic link to"
        f" {victim}, which is outside the project ({repo})\n"
    )
    assert result.returncode == 2


def test_a_report_to_standard_output_by_its_device_path_still_works(
    repo: Path, run_cli_process
) -> None:
    """End to end: `/dev/stdout` is the real file descriptor 1 only in a process of its own."""
    result = run_cli_process("check", ".", "-o", "/dev/stdout", cwd=repo)

    assert result.stdout.startswith("app.py:3:1: TL101 ")
    assert result.returncode == 1
