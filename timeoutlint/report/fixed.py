"""`--show-fixes`: the findings the fixes removed, per file and rule, as ruff enumerates them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from timeoutlint.catalog import Rule

FixedCounts = Sequence[tuple[str, Sequence[tuple[str, int]]]]
"""Per file (its display path, in file order): (rule id, findings fixed) pairs."""


def _findings(count: int) -> str:
    return f"{count} finding" if count == 1 else f"{count} findings"


def fixed_summary(files: FixedCounts, rules: Mapping[str, Rule]) -> str:
    """`Fixed 2 findings:`, then a `- path:` line per file and a `count x ID (name)` line per
    rule; "" when nothing was fixed."""
    from timeoutlint.report.text import printable_path

    total = sum(count for _, counts in files for _, count in counts)
    if not total:
        return ""
    lines = [f"Fixed {_findings(total)}:"]
    for display, counts in files:
        if not counts:
            continue
        lines.append(f"- {printable_path(display)}:")
        for rule_id, count in counts:
            rule = rules.get(rule_id)
            name = f" ({rule.name})" if rule else ""
            lines.append(f"    {count} \N{MULTIPLICATION SIGN} {rule_id}{name}")
    return "\n".join(lines)


def fixed_total(files: FixedCounts) -> str:
    """`--fix-only`'s last line: `Fixed 2 findings.`"""
    return f"Fixed {_findings(sum(count for _, counts in files for _, count in counts))}."


def would_fix_total(files: FixedCounts) -> str:
    """`--diff`'s line on stderr: `Would fix 2 findings.`"""
    return f"Would fix {_findings(sum(count for _, counts in files for _, count in counts))}."
