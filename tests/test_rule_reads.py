"""A rule's `reads:` field names exactly the file kinds its checks read."""

from __future__ import annotations

from timeoutlint.catalog import builtin_rules
from timeoutlint.checks import ALL_CHECKS, ALWAYS_ON

RULES = builtin_rules()


def _kinds_reported() -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for check in ALL_CHECKS:
        for rule_id in check.rules:
            kinds.setdefault(rule_id, set()).add(check.kind)
    for rule in RULES.values():
        if rule.callsite is not None:
            kinds.setdefault(rule.id, set()).add("python")
    return kinds


def test_every_rule_reads_the_file_kinds_its_checks_read() -> None:
    kinds = _kinds_reported()
    wrong = {
        rule.id: (sorted(rule.reads), sorted(kinds.get(rule.id, set())))
        for rule in RULES.values()
        if rule.id not in ALWAYS_ON and set(rule.reads) != kinds.get(rule.id, set())
    }
    assert wrong == {}


def test_every_checked_rule_is_in_the_catalog() -> None:
    assert set(_kinds_reported()) <= set(RULES)
