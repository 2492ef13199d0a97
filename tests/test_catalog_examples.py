"""Every rule's catalog examples are executed: bad ones are flagged where marked and fix to `fixed`, good ones are clean."""

from __future__ import annotations

import pytest

from timeoutlint.catalog import builtin_rules
from timeoutlint.examples import run_example

RULES = builtin_rules()
CASES = [
    pytest.param(rule, example, True, id=f"{rule.id}-bad-{index}")
    for rule in RULES.values()
    for index, example in enumerate(rule.bad)
] + [
    pytest.param(rule, example, False, id=f"{rule.id}-good-{index}")
    for rule in RULES.values()
    for index, example in enumerate(rule.good)
]


@pytest.mark.parametrize(("rule", "example", "bad"), CASES)
def test_catalog_example_behaves_as_documented(rule, example, bad) -> None:
    assert run_example(rule, example, RULES, bad) == []


def test_every_rule_that_reports_code_has_bad_and_good_examples() -> None:
    missing = [
        rule.id for rule in RULES.values() if rule.id != "TL003" and (not rule.bad or not rule.good)
    ]
    assert missing == []


def test_every_fixable_rule_shows_a_fixed_example() -> None:
    missing = [
        rule.id for rule in RULES.values() if rule.fixable and not any(e.fixed for e in rule.bad)
    ]
    assert missing == []
