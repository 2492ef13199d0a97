"""The terminal format: `path:line:col: TL101 message`, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import click

from timeoutlint.catalog import Rule
from timeoutlint.findings import Applicability, Finding

_WORKFLOW_COMMAND_STARTS = ("::", "##[")


def printable(text: str) -> str:
    """`text` with every control character and line or paragraph separator as an escape
    (`\\n`, `\\x1b`, `\\u2028`), so that a file name cannot start a new line in a log
    (where a CI runner could read it as a command) or drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() or character == " " else _escape(character)
        for character in text
    )


def _escape(character: str) -> str:
    escaped = repr(character)[1:-1]
    if escaped != character and escaped.startswith("\\"):
        return escaped
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_path(path: str) -> str:
    """A path as `printable` shows it, and never at the start of a line as a workflow
    command (`::error::`, `##[error]`): such a relative path is shown as `./path`."""
    shown = printable(path)
    return f"./{shown}" if shown.startswith(_WORKFLOW_COMMAND_STARTS) else shown


def format_finding(finding: Finding, color: bool) -> str:
    path = printable_path(finding.path)
    location = f"{path}:{finding.span.start.line}:{finding.span.start.column}:"
    code = finding.rule_id
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg="red", bold=True)
    return f"{location} {code} {printable(finding.message)}"


def fix_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    safe = sum(
        1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE
    )
    unsafe = sum(
        1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    )
    return safe, unsafe


def summary(findings: Sequence[Finding], fix_command: str = "timeoutlint fix") -> str:
    if not findings:
        return "All checks passed!"
    noun = "finding" if len(findings) == 1 else "findings"
    safe, unsafe = fix_counts(findings)
    parts = []
    if safe:
        parts.append(f"{safe} fixable with `{fix_command}`")
    if unsafe:
        parts.append(f"{unsafe} more with `{fix_command} --unsafe-fixes`")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Found {len(findings)} {noun}{detail}."


def statistics(findings: Sequence[Finding], rules: Mapping[str, Rule]) -> list[str]:
    counts = Counter(f.rule_id for f in findings)
    fixable = {f.rule_id for f in findings if f.fix is not None}
    lines = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(rule_id)
        name = rule.name if rule else ""
        marker = "[*]" if rule_id in fixable else "   "
        lines.append(f"{count:>5}\t{rule_id}\t{marker} {name}")
    return lines
