"""Each finding says whether its fix is safe, unsafe or absent, in every format; `fix` says
when it left unsafe fixes out, and the summary never reads as a sum of two counts."""

from __future__ import annotations

import json

import pytest

SAFE = "requests.get(u)\n"
UNSAFE = "requests.get(u, timeout=None)\n"


@pytest.fixture
def mixed(project):
    return project({"app.py": "import requests\n" + SAFE + UNSAFE})


@pytest.fixture
def only_unsafe(project):
    return project({"app.py": "import requests\n" + UNSAFE + UNSAFE})


def test_concise_text_marks_a_safe_fix_with_a_star_and_nothing_else(mixed, run_cli) -> None:
    lines = run_cli("check", ".", cwd=mixed).stdout.splitlines()
    assert lines[0] == "app.py:2:1: TL101 [*] `requests.get()` has no timeout and can wait forever"
    assert lines[1] == "app.py:3:17: TL101 `requests.get()` has timeout=None and can wait forever"


def test_summary_counts_findings_once_and_the_fixes_on_their_own_line(mixed, run_cli) -> None:
    lines = run_cli("check", ".", cwd=mixed).stdout.splitlines()
    assert lines[-2:] == [
        "Found 2 findings.",
        "[*] 1 fixable with `timeoutlint fix` "
        "(1 hidden fix can be enabled with `timeoutlint fix --unsafe-fixes`).",
    ]


def test_summary_with_only_unsafe_fixes_says_no_fixes_available(only_unsafe, run_cli) -> None:
    lines = run_cli("check", ".", cwd=only_unsafe).stdout.splitlines()
    assert lines[-2:] == [
        "Found 2 findings.",
        "No fixes available (2 hidden fixes can be enabled with `timeoutlint fix --unsafe-fixes`).",
    ]


def test_fix_with_only_unsafe_fixes_says_none_were_applied(only_unsafe, run_cli) -> None:
    result = run_cli("fix", ".", cwd=only_unsafe)
    assert result.stdout.splitlines()[0] == "No fixes applied (2 more with `--unsafe-fixes`)."
    assert result.returncode == 1


def test_fix_diff_with_only_unsafe_fixes_says_so_on_stderr(only_unsafe, run_cli) -> None:
    result = run_cli("fix", "--diff", ".", cwd=only_unsafe)
    assert result.stdout == ""
    assert result.stderr == "No fixes applied (2 more with `--unsafe-fixes`).\n"
    assert result.returncode == 0


def test_fix_diff_names_the_unsafe_fixes_it_left_out(mixed, run_cli) -> None:
    result = run_cli("fix", "--diff", ".", cwd=mixed)
    assert result.stdout.startswith("--- a/app.py")
    assert result.stderr == "Would apply 1 fix (1 more with `--unsafe-fixes`).\n"


def test_fix_diff_with_unsafe_fixes_has_nothing_to_add(only_unsafe, run_cli) -> None:
    result = run_cli("fix", "--diff", "--unsafe-fixes", ".", cwd=only_unsafe)
    assert result.stderr == ""


@pytest.mark.parametrize("output_format", ["json", "json-lines"])
def test_json_formats_give_every_finding_its_applicability(
    output_format: str, mixed, run_cli
) -> None:
    result = run_cli("check", ".", "--output-format", output_format, cwd=mixed)
    text = result.stdout
    items = (
        json.loads(text) if output_format == "json" else [json.loads(x) for x in text.splitlines()]
    )
    assert [item["applicability"] for item in items] == ["safe", "unsafe"]


def test_a_finding_without_a_fix_has_applicability_none_in_json(project, run_cli) -> None:
    root = project(
        {"app.py": "import requests\n\nasync def f():\n    requests.get(u, timeout=5)\n"}
    )
    items = json.loads(run_cli("check", ".", "--output-format", "json", cwd=root).stdout)
    assert [(item["code"], item["applicability"]) for item in items] == [("TL103", "none")]


def test_sarif_results_carry_the_applicability_property(mixed, run_cli) -> None:
    document = json.loads(run_cli("check", ".", "--output-format", "sarif", cwd=mixed).stdout)
    results = document["runs"][0]["results"]
    assert [r["properties"]["applicability"] for r in results] == ["safe", "unsafe"]


def test_gitlab_descriptions_say_which_fix_applies(mixed, run_cli) -> None:
    entries = json.loads(run_cli("check", ".", "--output-format", "gitlab", cwd=mixed).stdout)
    assert entries[0]["description"].endswith("(safe fix: `timeoutlint fix`)")
    assert entries[1]["description"].endswith("(unsafe fix: `timeoutlint fix --unsafe-fixes`)")


def test_junit_testcases_have_an_applicability_property(mixed, run_cli) -> None:
    report = run_cli("check", ".", "--output-format", "junit", cwd=mixed).stdout
    assert report.count('<property name="applicability" value="safe" />') == 1
    assert report.count('<property name="applicability" value="unsafe" />') == 1


def test_github_annotations_say_which_fix_applies(mixed, run_cli) -> None:
    log = run_cli("check", ".", "--output-format", "github", cwd=mixed).stdout.splitlines()
    assert log[0].endswith("(safe fix: `timeoutlint fix`)")
    assert log[1].endswith("(unsafe fix: `timeoutlint fix --unsafe-fixes`)")
