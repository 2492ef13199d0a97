"""`--output-format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Choices that matter to consumers (see docs/output-formats.md):

- URIs are relative to the repository root and carry `uriBaseId: %SRCROOT%`,
  declared in `originalUriBaseIds`, so alerts do not depend on the machine.
- Columns are character columns (`columnKind: unicodeCodePoints`), 1-based;
  `endColumn` is the column after the last character, as SARIF defines it.
- `partialFingerprints.primaryLocationLineHash` comes from the rule and the
  finding line's content plus an occurrence index, so an alert keeps its
  identity when code is added above it (the code scanning API does not
  compute it for uploads that lack it, which makes duplicate alerts).
- `tool.driver.rules` is the whole catalog, in id order, so `ruleIndex` is
  stable from run to run whatever `--select` says.
- No source text is embedded: messages are used as the checks wrote them
  (they mask secrets) and regions carry no snippets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from timeoutlint.catalog import Rule
from timeoutlint.findings import Finding, RelatedLocation, Span, TextEdit
from timeoutlint.report.context import ReportContext
from timeoutlint.report.fingerprints import identities
from timeoutlint.report.rule_doc import render_markdown
from timeoutlint.report.text import applicability

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS_URI = "https://github.com/timeoutlint/timeoutlint/blob/main/docs/rules/{id}.md"
INFORMATION_URI = "https://github.com/timeoutlint/timeoutlint"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
MAX_DESCRIPTION = 1024


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A `reportingDescriptor`; `helpUri` only for a built-in rule, whose page is in this
    repository's docs/rules/ (a rule pack's `X-...` rule has none there, and its `help` says
    it all)."""
    markdown = render_markdown(rule)
    help_uri = {"helpUri": DOCS_URI.format(id=rule.id)} if rule.id.startswith("TL") else {}
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(rule.what)},
        "help": {"text": markdown, "markdown": markdown},
        **help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["timeoutlint", *rule.reads],
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
        },
    }


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _artifact(path: str, context: ReportContext) -> dict[str, str]:
    repo_path = context.repo_path(path)
    if repo_path.startswith("/"):
        return {"uri": "file://" + _uri(repo_path)}
    return {"uri": _uri(repo_path), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": max(span.start.line, 1),
        "startColumn": max(span.start.column, 1),
        "endLine": max(span.end.line, span.start.line, 1),
        "endColumn": max(span.end.column, 1),
    }


def _location(path: str, span: Span, context: ReportContext) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(path, context),
            "region": _region(span),
        }
    }


def _related(index: int, related: RelatedLocation, context: ReportContext) -> dict[str, Any]:
    return {
        "id": index,
        **_location(related.path, related.span, context),
        "message": {"text": related.message},
    }


def _replacement(edit: TextEdit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(edit.span),
        "insertedContent": {"text": edit.content},
    }


def _fixes(finding: Finding, context: ReportContext) -> list[dict[str, Any]]:
    if finding.fix is None:
        return []
    edits = context.edits_for(finding)
    if not edits:
        return []
    return [
        {
            "description": {
                "text": f"{finding.fix.message} ({finding.fix.applicability.value} fix)"
            },
            "artifactChanges": [
                {
                    "artifactLocation": _artifact(finding.path, context),
                    "replacements": [_replacement(edit) for edit in edits],
                }
            ],
        }
    ]


def _directory_uri(context: ReportContext) -> str:
    uri = context.root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def build(findings: Sequence[Finding], context: ReportContext) -> dict[str, Any]:
    rule_ids = list(context.rules)
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    results = []
    for finding, identity in zip(findings, identities(findings, context), strict=True):
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "level": LEVELS.get(context.severity(finding), "error"),
            "message": {"text": finding.message},
            "locations": [_location(finding.path, finding.span, context)],
            "partialFingerprints": {"primaryLocationLineHash": identity.primary_location_line_hash},
            "fingerprints": {"timeoutlint/v1": identity.fingerprint},
        }
        if finding.rule_id in rule_index:
            result["ruleIndex"] = rule_index[finding.rule_id]
        if finding.related:
            result["relatedLocations"] = [
                _related(index, related, context)
                for index, related in enumerate(finding.related, start=1)
            ]
        fixes = _fixes(finding, context)
        if fixes:
            result["fixes"] = fixes
        result["properties"] = {"applicability": applicability(finding)}
        results.append(result)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "timeoutlint",
                        "version": context.version,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(context.rules[r]) for r in rule_ids],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(context)}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }


def render(findings: Sequence[Finding], context: ReportContext) -> str:
    return json.dumps(build(findings, context), indent=2, ensure_ascii=False)
