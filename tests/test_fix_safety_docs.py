"""Fix safety is told per rule as it is: `sometimes` (with when) where some fixes are unsafe."""

from __future__ import annotations

from typing import Any

import pytest

from timeoutlint.catalog import CatalogError, builtin_rules, parse_rule

MIXED = ("TL101", "TL102", "TL202", "TL205", "TL206", "TL401", "TL402")


def _rule_data(**fix: Any) -> dict[str, Any]:
    return {
        "id": "X-DEMO001",
        "name": "demo",
        "message": "demo",
        "severity": "error",
        "reads": ["python"],
        "summary": "s",
        "what": "w",
        "why": "y",
        "fix": {"description": "d", **fix},
    }


def test_sometimes_is_a_catalog_applicability_with_its_when_sentence() -> None:
    rule = parse_rule(_rule_data(applicability="sometimes", when="unsafe for X."), "demo.yaml")
    assert (rule.fix.applicability, rule.fix.when) == ("sometimes", "unsafe for X.")


def test_sometimes_without_when_is_refused() -> None:
    with pytest.raises(CatalogError, match="needs 'when'"):
        parse_rule(_rule_data(applicability="sometimes"), "demo.yaml")


def test_when_on_a_rule_that_is_always_safe_is_refused() -> None:
    with pytest.raises(CatalogError, match="only for applicability 'sometimes'"):
        parse_rule(_rule_data(applicability="safe", when="never"), "demo.yaml")


@pytest.mark.parametrize("rule_id", MIXED)
def test_rules_with_safe_and_unsafe_fixes_say_sometimes(rule_id: str) -> None:
    assert builtin_rules()[rule_id].fix.applicability == "sometimes"


def test_no_rule_documented_safe_has_an_example_that_needs_unsafe_fixes() -> None:
    wrong = [
        rule.id
        for rule in builtin_rules().values()
        if rule.fix.applicability == "safe" and any(example.unsafe for example in rule.bad)
    ]
    assert wrong == []


@pytest.mark.parametrize("rule_id", MIXED)
def test_the_rule_page_does_not_open_with_the_fix_is_safe(rule_id: str, run_cli) -> None:
    page = run_cli("rule", rule_id).stdout
    safety = page.split("## Fix safety", 1)[1].strip()
    assert not safety.startswith("The fix is safe:")
    assert builtin_rules()[rule_id].fix.when in safety


def test_rules_table_shows_sometimes(run_cli) -> None:
    table = run_cli("rules").stdout.splitlines()
    row = next(line for line in table if line.startswith("TL202"))
    assert row.split()[3] == "sometimes"


def test_rule_json_gives_the_when_sentence(run_cli) -> None:
    import json

    data = json.loads(run_cli("rule", "TL401", "--format", "json").stdout)
    assert data["fix"] == "sometimes"
    assert data["fix_when"] == builtin_rules()["TL401"].fix.when
