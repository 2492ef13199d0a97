"""`--output-format sarif`: valid SARIF 2.1.0 that code scanning can track across runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from timeoutlint.catalog import builtin_rules
from timeoutlint.findings import Finding, RelatedLocation, Span
from timeoutlint.report import sarif
from timeoutlint.report.context import ReportContext

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
PROJECT = REPO / "tests" / "data" / "report_project"


def _validate(document: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(document)


def _copy_project(destination: Path) -> Path:
    root = destination / "shop"
    shutil.copytree(PROJECT, root)
    (root / ".git").mkdir()
    return root


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return _copy_project(tmp_path)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The SARIF report of an unchanged copy of the project, shared by the tests that only read it."""
    root = _copy_project(tmp_path_factory.mktemp("sarif"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMEOUTLINT_", "GITHUB_"))}
    result = subprocess.run(
        [sys.executable, "-m", "timeoutlint", "check", ".", "--output-format", "sarif"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    return root, json.loads(result.stdout)


def _sarif(run_cli, root: Path, *args: str) -> dict[str, Any]:
    result = run_cli("check", ".", "--output-format", "sarif", *args, cwd=root)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_vendored_schema_is_the_sarif_2_1_0_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_the_schema_rejects_what_it_should() -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})


def test_output_is_valid_against_the_official_schema(report: tuple[Path, dict[str, Any]]) -> None:
    _, document = report
    _validate(document)
    assert len(document["runs"][0]["results"]) == 5


def test_driver_rules_are_the_catalog_with_docs_links(report: tuple[Path, dict[str, Any]]) -> None:
    driver = report[1]["runs"][0]["tool"]["driver"]
    catalog = builtin_rules()
    assert [r["id"] for r in driver["rules"]] == list(catalog)
    tl101 = next(r for r in driver["rules"] if r["id"] == "TL101")
    assert tl101["name"] == "requests-without-timeout"
    assert tl101["shortDescription"]["text"] == catalog["TL101"].summary
    assert tl101["help"]["markdown"].startswith("# requests-without-timeout (TL101)")
    assert tl101["defaultConfiguration"]["level"] == "error"
    assert tl101["helpUri"].endswith("/docs/rules/TL101.md")
    assert (REPO / "docs" / "rules" / "TL101.md").is_file()


def test_results_point_at_their_rule_with_1_based_regions(
    report: tuple[Path, dict[str, Any]],
) -> None:
    shop, document = report
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = next(r for r in run["results"] if r["ruleId"] == "TL101")
    assert rules[result["ruleIndex"]]["id"] == "TL101"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/payments.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 9
    assert location["region"]["startColumn"] == 12
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == shop.as_uri() + "/"


def test_uris_are_relative_to_the_repository_root_from_a_subdirectory(shop: Path, run_cli) -> None:
    result = run_cli("check", ".", "--output-format", "sarif", cwd=shop / "app")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert uris == {"app/payments.py", "app/broken.py"}


def test_a_path_with_a_space_is_percent_encoded(report: tuple[Path, dict[str, Any]]) -> None:
    results = report[1]["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "legacy%20code/old%2C%20v1.py" in uris


def _line_hashes(document: dict[str, Any]) -> list[str]:
    return [
        r["partialFingerprints"]["primaryLocationLineHash"] for r in document["runs"][0]["results"]
    ]


def test_line_hashes_survive_code_added_above_the_findings(shop: Path, run_cli) -> None:
    before = _line_hashes(_sarif(run_cli, shop))
    payments = shop / "app" / "payments.py"
    payments.write_text(
        "# a new header\n\n" + payments.read_text(encoding="utf-8"), encoding="utf-8"
    )
    after = _sarif(run_cli, shop)
    assert _line_hashes(after) == before
    assert (
        after["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"]
        == 11
    )


def test_identical_lines_get_different_line_hashes(report: tuple[Path, dict[str, Any]]) -> None:
    hashes = _line_hashes(report[1])
    assert len(set(hashes)) == len(hashes)


def test_fixes_replay_to_what_timeoutlint_fix_writes(shop: Path, run_cli) -> None:
    results = _sarif(run_cli, shop)["runs"][0]["results"]
    post = next(r for r in results if "requests.post" in r["message"]["text"])
    (change,) = post["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    lines = (shop / "app" / "payments.py").read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines[region["startLine"] - 1]
    assert region["startLine"] == region["endLine"]
    lines[region["startLine"] - 1] = (
        line[: region["startColumn"] - 1]
        + replacement["insertedContent"]["text"]
        + line[region["endColumn"] - 1 :]
    )
    run_cli("fix", "app/payments.py", "--select", "TL101", cwd=shop)
    fixed = (shop / "app" / "payments.py").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[region["startLine"] - 1] == fixed[region["startLine"] - 1]


def test_no_source_snippets_are_embedded(report: tuple[Path, dict[str, Any]]) -> None:
    text = json.dumps(report[1]["runs"][0]["results"])
    assert "snippet" not in text
    assert "api.example.com" not in text


def test_related_locations_are_reported_and_valid(tmp_path: Path) -> None:
    finding = Finding(
        "TL101",
        "listener on a client with a finite socket_timeout",
        "worker.py",
        Span.of(10, 5, 10, 20),
        related=(RelatedLocation("settings.py", Span.of(3, 1, 3, 30), "the client is made here"),),
    )
    context = ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)
    document = sarif.build([finding], context)
    _validate(document)
    (related,) = document["runs"][0]["results"][0]["relatedLocations"]
    assert related["message"]["text"] == "the client is made here"
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "settings.py"
    assert related["physicalLocation"]["region"]["startLine"] == 3


def test_an_empty_run_is_valid(tmp_path: Path) -> None:
    document = sarif.build([], ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path))
    _validate(document)
    assert document["runs"][0]["results"] == []


def test_python_compose_and_dotenv_findings_with_fixes_are_valid(tmp_path: Path, run_cli) -> None:
    fixture = REPO / "fixtures" / "seed001-compose-password"
    project = tmp_path / "project"
    shutil.copytree(fixture, project, ignore=shutil.ignore_patterns("expected", "fixture.toml"))
    document = _sarif(run_cli, project, "--select", "TL2,TL4")
    _validate(document)
    results = document["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert {".env", "docker-compose.dev.yml"} <= uris
    assert any(u.endswith(".py") for u in uris)
    env_fix = next(
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".env"
    )
    (change,) = env_fix["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": ".env", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"][0]["insertedContent"]["text"]
