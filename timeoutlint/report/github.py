"""`--output-format github`: GitHub Actions workflow commands, within GitHub's annotation limits.

GitHub turns `::error file=...,line=...::message` lines into annotations on
the pull request, but shows at most 10 errors, 10 warnings and 10 notices
per step and 50 per job, and drops the rest silently. So only the first
ones within those limits become annotations; every finding is also printed
as a plain `path:line:col: ID message` line, the complete list goes to the
step summary (`$GITHUB_STEP_SUMMARY`) as a Markdown table, and the log says
how many findings were not annotated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from timeoutlint.findings import Finding
from timeoutlint.report.context import ReportContext
from timeoutlint.report.text import fix_hint, format_finding, summary

PER_STEP_LIMIT = 10
PER_JOB_LIMIT = 50
SUMMARY_BUDGET = 1_000_000
LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def level(finding: Finding, context: ReportContext) -> str:
    return LEVELS.get(context.severity(finding), "error")


def annotation(finding: Finding, context: ReportContext) -> str:
    span = finding.span
    properties = {
        "file": context.repo_path(finding.path),
        "line": str(span.start.line),
        "endLine": str(span.end.line),
        "col": str(max(span.start.column, 1)),
        "endColumn": str(max(span.end.column, 1)),
        "title": f"timeoutlint ({finding.rule_id})",
    }
    if span.end.line != span.start.line:
        # GitHub ignores columns on annotations that span several lines.
        del properties["col"], properties["endColumn"]
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = finding.message + fix_hint(finding)
    return f"::{level(finding, context)} {rendered}::{escape_data(message)}"


def select_annotated(
    findings: Sequence[Finding],
    context: ReportContext,
    per_step: int = PER_STEP_LIMIT,
    per_job: int = PER_JOB_LIMIT,
) -> list[bool]:
    """Which findings become annotations: the first ones of each level, within both limits."""
    counts: Counter[str] = Counter()
    chosen: list[bool] = []
    for finding in findings:
        kind = level(finding, context)
        take = counts[kind] < per_step and sum(counts.values()) < per_job
        if take:
            counts[kind] += 1
        chosen.append(take)
    return chosen


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def step_summary(
    findings: Sequence[Finding], context: ReportContext, budget: int = SUMMARY_BUDGET
) -> str:
    """A Markdown table of every finding, for `$GITHUB_STEP_SUMMARY`.

    GitHub rejects a step summary over 1 MiB as a whole, so a table that would
    not fit ends with a line that says how many rows were left out.
    """
    lines = ["## timeoutlint", ""]
    if not findings:
        return "\n".join([*lines, "All checks passed!", ""])
    lines += [
        summary(findings),
        "",
        "| Location | Rule | Level | Message |",
        "| --- | --- | --- | --- |",
    ]
    size = sum(len(line.encode()) + 1 for line in lines)
    for index, finding in enumerate(findings):
        start = finding.span.start
        location = f"{context.repo_path(finding.path)}:{start.line}:{start.column}"
        row = (
            f"| `{_cell(location)}` | {finding.rule_id} | {level(finding, context)} "
            f"| {_cell(finding.message)} |"
        )
        size += len(row.encode()) + 1
        if size > budget:
            left = len(findings) - index
            lines += ["", f"{left} more findings do not fit in the job summary; see the log."]
            break
        lines.append(row)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class GithubReport:
    log: str
    summary: str
    not_annotated: int


def render(
    findings: Sequence[Finding], context: ReportContext, has_step_summary: bool
) -> GithubReport:
    chosen = select_annotated(findings, context)
    lines = [annotation(f, context) for f, take in zip(findings, chosen, strict=True) if take]
    lines += [format_finding(f, color=False) for f in findings]
    lines.append(summary(findings))
    not_annotated = chosen.count(False)
    if not_annotated:
        where = (
            "the job summary lists every finding"
            if has_step_summary
            else "every finding is listed above"
        )
        lines.append(
            f"timeoutlint: {not_annotated} of {len(findings)} findings were not annotated "
            f"(GitHub shows at most {PER_STEP_LIMIT} errors, {PER_STEP_LIMIT} warnings and "
            f"{PER_STEP_LIMIT} notices per step and {PER_JOB_LIMIT} per job); {where}."
        )
    return GithubReport("\n".join(lines), step_summary(findings, context), not_annotated)
