"""`--output-format gitlab`: GitLab Code Quality (a JSON array for `artifacts:reports:codequality`).

GitLab collapses entries with the same fingerprint into one, and compares
fingerprints between the source and target branch to tell new findings
from fixed ones; so the fingerprint is unique per finding in a run and
does not change when unrelated code moves the finding to another line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from timeoutlint.findings import Finding
from timeoutlint.report.context import ReportContext
from timeoutlint.report.fingerprints import identities
from timeoutlint.report.text import fix_hint

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def build(findings: Sequence[Finding], context: ReportContext) -> list[dict[str, Any]]:
    return [
        {
            "type": "issue",
            "engine_name": "timeoutlint",
            "check_name": finding.rule_id,
            "description": f"{finding.rule_id} {finding.message}{fix_hint(finding)}",
            "categories": ["Bug Risk"],
            "severity": SEVERITIES.get(context.severity(finding), "major"),
            "fingerprint": identity.fingerprint,
            "location": {
                "path": context.repo_path(finding.path),
                "lines": {"begin": finding.span.start.line, "end": finding.span.end.line},
            },
        }
        for finding, identity in zip(findings, identities(findings, context), strict=True)
    ]


def render(findings: Sequence[Finding], context: ReportContext) -> str:
    return json.dumps(build(findings, context), indent=2, ensure_ascii=False)
