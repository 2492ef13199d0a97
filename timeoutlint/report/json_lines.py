"""`--output-format json-lines`: one JSON object per finding per line, the `json` format's objects.

Suited to streaming and to `grep`/`jq -c`; an empty run prints nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from timeoutlint.catalog import Rule
from timeoutlint.findings import Finding
from timeoutlint.report.json_report import EditsFor, finding_to_dict


def render(findings: Sequence[Finding], rules: Mapping[str, Rule], edits_for: EditsFor) -> str:
    return "\n".join(
        json.dumps(finding_to_dict(f, rules, edits_for), ensure_ascii=False) for f in findings
    )
