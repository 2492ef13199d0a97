"""Several formats in one run: `--output-format` for stdout plus `--output FORMAT=FILE`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

BAD = "import requests\n\nrequests.get('https://example.com')\n"


def test_one_run_writes_every_requested_format(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    result = run_cli(
        "check",
        "--output-format",
        "github",
        "--output",
        "sarif=out/timeoutlint.sarif",
        "--output",
        "gitlab=gl-code-quality.json",
        "--output",
        "junit=junit.xml",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=app.py,")
    sarif = json.loads((tmp_path / "out" / "timeoutlint.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TL101"
    gitlab = json.loads((tmp_path / "gl-code-quality.json").read_text(encoding="utf-8"))
    assert gitlab[0]["check_name"] == "TL101"
    assert ET.parse(tmp_path / "junit.xml").getroot().get("failures") == "1"


def test_output_file_and_extra_outputs_combine(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    result = run_cli(
        "check", "-o", "report.txt", "--output", "json-lines=findings.jsonl", cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "app.py:3:1: TL101" in (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "findings.jsonl").read_text(encoding="utf-8"))["code"] == "TL101"


def test_an_unknown_output_format_is_a_usage_error(tmp_path: Path, run_cli) -> None:
    result = run_cli("check", "--output", "pdf=out.pdf", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown format 'pdf'" in result.stderr
    assert "sarif" in result.stderr


def test_output_needs_format_and_file(tmp_path: Path, run_cli) -> None:
    result = run_cli("check", "--output", "sarif", cwd=tmp_path)
    assert result.returncode == 2
    assert "FORMAT=FILE" in result.stderr


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "taken").write_text("a file, not a directory", encoding="utf-8")
    result = run_cli("check", "--output", "sarif=taken/out.sarif", cwd=tmp_path)
    assert result.returncode == 2
    assert "taken/out.sarif: cannot write the report" in result.stderr
