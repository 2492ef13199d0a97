"""The concise terminal format: `path:line:col: TL101 [*] message`, then a summary.

`[*]` marks a finding that `timeoutlint fix` fixes (a safe fix), as ruff marks it; a
finding with only an unsafe fix is counted in the summary as a hidden fix.
"""

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


SAFE_MARKER = "[*]"


def applicability(finding: Finding) -> str:
    """`safe`, `unsafe` or `none`: the finding's fix as every report format names it."""
    return finding.fix.applicability.value if finding.fix is not None else "none"


def marker(finding: Finding) -> str:
    """`[*] ` for a finding with a safe fix (what `timeoutlint fix` applies), else ''."""
    return f"{SAFE_MARKER} " if applicability(finding) == "safe" else ""


def fix_hint(finding: Finding, fix_command: str = "timeoutlint fix") -> str:
    """` (safe fix: `timeoutlint fix`)` or ` (unsafe fix: ... --unsafe-fixes)`, or '' without
    a fix: the applicability where a format has only a message to carry it."""
    kind = applicability(finding)
    if kind == "safe":
        return f" (safe fix: `{fix_command}`)"
    if kind == "unsafe":
        return f" (unsafe fix: `{fix_command} --unsafe-fixes`)"
    return ""


def format_finding(finding: Finding, color: bool) -> str:
    path = printable_path(finding.path)
    location = f"{path}:{finding.span.start.line}:{finding.span.start.column}:"
    code = finding.rule_id
    fixable = marker(finding)
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg="red", bold=True)
        fixable = click.style(fixable, fg="cyan") if fixable else ""
    return f"{location} {code} {fixable}{printable(finding.message)}"


def fix_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    safe = sum(
        1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE
    )
    unsafe = sum(
        1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    )
    return safe, unsafe


def summary(findings: Sequence[Finding], fix_command: str = "timeoutlint fix") -> str:
    """`Found N findings.`, then (as ruff words it) how many `fix_command` fixes and how many
    hidden fixes `--unsafe-fixes` would enable, on a line of its own so that the two counts
    are never read as a sum."""
    if not findings:
        return "All checks passed!"
    noun = "finding" if len(findings) == 1 else "findings"
    lines = [f"Found {len(findings)} {noun}."]
    fixes = fix_line(findings, fix_command)
    if fixes:
        lines.append(fixes)
    return "\n".join(lines)


def hidden_fixes(unsafe: int, fix_command: str) -> str:
    noun = "fix" if unsafe == 1 else "fixes"
    return f"{unsafe} hidden {noun} can be enabled with `{fix_command} --unsafe-fixes`"


def fix_line(findings: Sequence[Finding], fix_command: str = "timeoutlint fix") -> str:
    """`[*] 2 fixable with `timeoutlint fix` (1 hidden fix ...).`, `No fixes available (...)`
    when every fix is unsafe, or '' when no finding has a fix."""
    safe, unsafe = fix_counts(findings)
    hidden = f" ({hidden_fixes(unsafe, fix_command)})" if unsafe else ""
    if safe:
        return f"{SAFE_MARKER} {safe} fixable with `{fix_command}`{hidden}."
    if unsafe:
        return f"No fixes available{hidden}."
    return ""


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
