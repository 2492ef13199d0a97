"""The installed wheel works on its own: the rule catalog ships inside it."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    [built] = out.glob("timeoutlint-*.whl")
    return built


def test_the_wheel_contains_the_rule_catalog(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "timeoutlint/_catalog/TL101.yaml" in names
    assert len([n for n in names if n.startswith("timeoutlint/_catalog/TL")]) == len(
        list((REPO / "rules").glob("TL*.yaml"))
    )


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_explains_and_checks(
    wheel: Path, tmp_path: Path
) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600)
    binary = environment / "bin" / "timeoutlint"
    rule = subprocess.run(
        [str(binary), "rule", "TL101"], capture_output=True, text=True, timeout=60
    )
    assert rule.returncode == 0
    assert rule.stdout.startswith("# requests-without-timeout (TL101)")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pay.py").write_text("import requests\nrequests.post(url, json=data)\n")
    check = subprocess.run(
        [str(binary), "check", "."], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 1
    assert (
        "pay.py:2:1: TL101 [*] `requests.post()` has no timeout and can wait forever"
        in check.stdout
    )
