"""Every output format, byte for byte, on one small project (tests/data/report_project).

The project has a fixable and an unsafe-fixable finding, two identical
findings on identical lines, a path with a space and a comma, and a file
that does not parse. The expected outputs live in tests/data/report_golden/;
after an intended change, regenerate them with
`TIMEOUTLINT_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from timeoutlint import __version__
from timeoutlint.python.grammar import running, spelled

DATA = Path(__file__).resolve().parent / "data"
PROJECT = DATA / "report_project"
GOLDEN = DATA / "report_golden"
FORMATS = {
    "text": "text.txt",
    "json": "json.json",
    "json-lines": "json-lines.jsonl",
    "github": "github.txt",
    "sarif": "sarif.json",
    "gitlab": "gitlab.json",
    "junit": "junit.xml",
}


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(PROJECT, root)
    (root / ".git").mkdir()
    return root


def _normalise(output_format: str, text: str, root: Path) -> str:
    """Remove what depends on the machine or the release: the checkout path, the version, the
    catalog, and the running Python's version in TL001's message."""
    text = text.replace(f"with Python {spelled(running())}'s grammar", "with Python X.Y's grammar")
    if output_format != "sarif":
        return text
    document = json.loads(text)
    run = document["runs"][0]
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///CHECKOUT/"
    driver = run["tool"]["driver"]
    assert driver["version"] == __version__
    driver["version"] = "VERSION"
    driver["rules"] = f"<{len(driver['rules'])} catalog rules, see test_report_sarif.py>"
    for result in run["results"]:
        result.pop("ruleIndex", None)
    assert root.as_uri() not in json.dumps(document)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_output_format_matches_its_golden_file(output_format: str, tmp_path: Path, run_cli) -> None:
    root = _copy_project(tmp_path)
    result = run_cli(
        "check", ".", "--output-format", output_format, cwd=root, env={"GITHUB_STEP_SUMMARY": ""}
    )
    assert result.returncode == 1, result.stderr
    actual = _normalise(output_format, result.stdout, root)
    golden = GOLDEN / FORMATS[output_format]
    if os.environ.get("TIMEOUTLINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{output_format} output differs from {golden.name}; if the change is intended, run "
        "TIMEOUTLINT_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py and review the diff"
    )


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_every_format_exits_0_on_a_clean_project(
    output_format: str, tmp_path: Path, run_cli
) -> None:
    root = tmp_path / "clean"
    root.mkdir()
    (root / "app.py").write_text(
        "import requests\nrequests.get('https://x', timeout=5)\n", encoding="utf-8"
    )
    result = run_cli("check", ".", "--output-format", output_format, cwd=root)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_every_format_exits_0_with_exit_zero(output_format: str, tmp_path: Path, run_cli) -> None:
    root = _copy_project(tmp_path)
    result = run_cli("check", ".", "--output-format", output_format, "--exit-zero", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "TL101" in result.stdout
