"""`--output-format json-lines`: the `json` format's objects, one per line."""

from __future__ import annotations

import json
from pathlib import Path

BAD = "import requests\n\nrequests.get('https://a')\nrequests.post('https://b')\n"


def test_each_line_is_one_finding_of_the_json_format(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    lines = run_cli(
        "check", "--select", "TL101", "--output-format", "json-lines", cwd=tmp_path
    ).stdout.splitlines()
    whole = json.loads(
        run_cli("check", "--select", "TL101", "--output-format", "json", cwd=tmp_path).stdout
    )
    assert [json.loads(line) for line in lines] == whole
    assert len(lines) == 2


def test_a_clean_run_prints_nothing(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text("import requests\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "json-lines", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
