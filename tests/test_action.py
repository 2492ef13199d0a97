"""The composite GitHub Action (action.yml): its structure, and its run step executed for real."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def _steps() -> list[dict[str, Any]]:
    return ACTION["runs"]["steps"]  # type: ignore[no-any-return]


def _step(name: str) -> dict[str, Any]:
    return next(step for step in _steps() if step.get("name") == name)


def test_action_is_a_composite_action_with_a_name_and_description() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] == "timeoutlint"
    assert ACTION["description"]


def test_every_input_is_documented_and_has_a_default() -> None:
    assert {"args", "version", "sarif-file", "upload-sarif"} <= set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert "default" in spec, name


def test_every_run_step_names_its_shell() -> None:
    run_steps = [step for step in _steps() if "run" in step]
    assert run_steps
    for step in run_steps:
        assert step["shell"] == "bash", step["name"]


def test_every_step_is_either_run_or_uses() -> None:
    for step in _steps():
        assert ("run" in step) != ("uses" in step), step


def test_inputs_reach_scripts_through_env_never_spliced_into_the_script() -> None:
    """Splicing `${{ inputs.x }}` into `run:` lets an input inject shell code."""
    for step in _steps():
        assert not EXPRESSION.search(step.get("run", "")), step["name"]


def test_every_referenced_input_and_step_output_exists() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    step_ids = {step["id"] for step in _steps() if "id" in step}
    for expression in EXPRESSION.findall(text):
        for name in re.findall(r"inputs\.([\w-]+)", expression):
            assert name in ACTION["inputs"], name
        for step_id in re.findall(r"steps\.([\w-]+)\.outputs", expression):
            assert step_id in step_ids, step_id


def test_outputs_come_from_the_check_step() -> None:
    for output in ACTION["outputs"].values():
        assert "steps.check.outputs." in output["value"]


def test_the_check_step_writes_annotations_sarif_and_outputs(tmp_path: Path) -> None:
    step = _step("Run timeoutlint")
    (tmp_path / "app.py").write_text(
        "import requests\n\nrequests.get('https://example.com')\n", encoding="utf-8"
    )
    github_output = tmp_path / "github-output"
    summary = tmp_path / "summary.md"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TIMEOUTLINT_", "GITHUB_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TIMEOUTLINT_ARGS": ".",
        "TIMEOUTLINT_SARIF": "reports/timeoutlint.sarif",
        "GITHUB_OUTPUT": str(github_output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=app.py,line=3,")
    sarif = json.loads((tmp_path / "reports" / "timeoutlint.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TL101"
    outputs = github_output.read_text(encoding="utf-8").splitlines()
    assert outputs == ["sarif-file=reports/timeoutlint.sarif", "exit-code=1"]
    assert "| `app.py:3:1` | TL101 |" in summary.read_text(encoding="utf-8")
