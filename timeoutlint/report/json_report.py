"""`--output-format json`: a list of findings, in the shape documented in docs/output-formats.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from timeoutlint.catalog import Rule
from timeoutlint.findings import Finding, Position, TextEdit

EditsFor = Callable[[Finding], tuple[TextEdit, ...]]


def _location(position: Position) -> dict[str, int]:
    return {"row": position.line, "column": position.column}


def finding_to_dict(
    finding: Finding, rules: Mapping[str, Rule], edits_for: EditsFor
) -> dict[str, Any]:
    rule = rules.get(finding.rule_id)
    fix = None
    if finding.fix is not None:
        fix = {
            "applicability": finding.fix.applicability.value,
            "message": finding.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": _location(edit.span.start),
                    "end_location": _location(edit.span.end),
                }
                for edit in edits_for(finding)
            ],
        }
    return {
        "code": finding.rule_id,
        "name": rule.name if rule else None,
        "severity": rule.severity if rule else "error",
        "message": finding.message,
        "filename": finding.path,
        "location": _location(finding.span.start),
        "end_location": _location(finding.span.end),
        "fix": fix,
        "applicability": finding.fix.applicability.value if finding.fix is not None else "none",
        "related": [
            {
                "filename": related.path,
                "message": related.message,
                "location": _location(related.span.start),
                "end_location": _location(related.span.end),
            }
            for related in finding.related
        ],
    }


def render(findings: Sequence[Finding], rules: Mapping[str, Rule], edits_for: EditsFor) -> str:
    return json.dumps(
        [finding_to_dict(f, rules, edits_for) for f in findings], indent=2, ensure_ascii=False
    )
