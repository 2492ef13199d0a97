"""The one table of output formats: name -> `render(findings, context, options) -> str`.

Every reporter is registered here and only here: `check --output-format`, `--output
FORMAT=FILE` and the tests read `FORMATS`. A render is pure (no printing, no files):
the GitHub job summary is `github.step_summary`, written by the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from timeoutlint.findings import Finding
from timeoutlint.report.context import ReportContext


@dataclass(frozen=True)
class RenderOptions:
    """How a report is printed, beyond the findings and their context.

    `color`: ANSI styles (text only); `quiet`: no summary line; `statistics`: counts per
    rule instead of each finding; `show_fixes`: list the fixes that were applied
    (`fixed`, for `check --fix`); `step_summary`: the GitHub job summary is written, so
    the log may point to it; `fix_command`: what the text summary tells the user to run.
    """

    color: bool = False
    quiet: bool = False
    statistics: bool = False
    show_fixes: bool = False
    step_summary: bool = False
    fix_command: str = "timeoutlint fix"
    fixed: tuple[Finding, ...] = ()


Render = Callable[[Sequence[Finding], ReportContext, RenderOptions], str]


def _text(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import text

    if options.statistics:
        return "\n".join(text.statistics(findings, context.rules))
    lines = [text.format_finding(f, options.color) for f in findings]
    if not options.quiet:
        lines.append(text.summary(findings, options.fix_command))
    return "\n".join(lines)


def _full(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import full

    if options.statistics:
        return _text(findings, context, options)
    return full.render(findings, context, options.color, options.quiet, options.fix_command)


def _json(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import json_report

    if options.statistics:
        return json_statistics(findings, context)
    return json_report.render(findings, context.rules, context.edits_for)


def json_statistics(findings: Sequence[Finding], context: ReportContext) -> str:
    """`--statistics --output-format json`, in ruff's shape: per rule (most findings first)
    its code, name, count, whether any is fixable and how many are."""
    import json
    from collections import Counter

    counts = Counter(f.rule_id for f in findings)
    fixable = Counter(f.rule_id for f in findings if f.fix is not None)
    rows = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = context.rules.get(rule_id)
        rows.append(
            {
                "code": rule_id,
                "name": rule.name if rule else "",
                "count": count,
                "fixable": fixable[rule_id] > 0,
                "fixable_count": fixable[rule_id],
            }
        )
    return json.dumps(rows, indent=2, ensure_ascii=False)


def _json_lines(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import json_lines

    return json_lines.render(findings, context.rules, context.edits_for)


def _github(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import github

    return github.render(findings, context, has_step_summary=options.step_summary).log


def _sarif(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import sarif

    return sarif.render(findings, context)


def _gitlab(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import gitlab

    return gitlab.render(findings, context)


def _junit(findings: Sequence[Finding], context: ReportContext, options: RenderOptions) -> str:
    from timeoutlint.report import junit

    return junit.render(findings, context)


FORMATS: dict[str, Render] = {
    "full": _full,
    "concise": _text,
    "text": _text,
    "json": _json,
    "json-lines": _json_lines,
    "github": _github,
    "sarif": _sarif,
    "gitlab": _gitlab,
    "junit": _junit,
}
"""Every output format, in the order `--help` lists them. `concise` is the one-line form
(`text` is its older name); `full` adds code frames and is the default on a terminal."""

WITH_EDITS = frozenset({"full", "json", "json-lines", "sarif"})
"""The formats that show each fix's edits (so a fix whose edits cannot be made is dropped)."""


def render(
    name: str, findings: Sequence[Finding], context: ReportContext, options: RenderOptions
) -> str:
    """The report in format `name` (a key of `FORMATS`)."""
    return FORMATS[name](findings, context, options)
