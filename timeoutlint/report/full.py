"""The `full` terminal format: each finding with a code frame, as ruff prints it.

    app/payments.py:9:12: TL101 [*] `requests.post()` has no timeout and can wait forever
       |
     8 | def pay(body):
     9 |     return requests.post(URL, json=body)
       |            ^^^^^^^^^^^^^ TL101
    10 |
       |
       = fix (safe): Add `timeout=10`
       |
     9 -     return requests.post(URL, json=body)
     9 +     return requests.post(URL, json=body, timeout=10)

The frame shows the finding's line(s) with one line of context and the span underlined;
each related location (the compose line with `--requirepass`, the line that set
`socket_timeout`) gets a frame of its own after `:::`; the fix is a small diff of the lines
it changes, labelled safe or unsafe. Source text is shown as the user wrote it, except that
credentials are masked as `fix --diff` masks them (literal passwords in Python, URL user
info, `password=` values, `--requirepass`), and control characters are escaped; the
underline follows the shown text. Colours (severity, diff) only when `color` is set.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import click

from timeoutlint.findings import Finding, Span, TextEdit
from timeoutlint.report.context import ReportContext
from timeoutlint.report.text import marker, printable, printable_path, summary

CONTEXT_LINES = 1
MAX_SPAN_LINES = 6
TAB = "    "
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass(frozen=True)
class Style:
    """What is coloured how; every method is the identity when `color` is off."""

    color: bool
    severity: str = "error"

    def _paint(self, text: str, **styles: object) -> str:
        return click.style(text, **styles) if self.color and text else text  # type: ignore[arg-type]

    def code(self, text: str) -> str:
        return self._paint(text, fg=SEVERITY_COLORS.get(self.severity, "red"), bold=True)

    def underline(self, text: str) -> str:
        return self._paint(text, fg=SEVERITY_COLORS.get(self.severity, "red"), bold=True)

    def gutter(self, text: str) -> str:
        return self._paint(text, fg="blue", bold=True)

    def bold(self, text: str) -> str:
        return self._paint(text, bold=True)

    def fixable(self, text: str) -> str:
        return self._paint(text, fg="cyan")

    def removed(self, text: str) -> str:
        return self._paint(text, fg="red")

    def added(self, text: str) -> str:
        return self._paint(text, fg="green")

    def safety(self, applicability: str) -> str:
        return self._paint(applicability, fg="green" if applicability == "safe" else "yellow")


class _Masker:
    """Masks a file's lines as `fix --diff` masks its hunks: the literals that may hold a
    password in a Python file (found once per file), then `redact`'s patterns."""

    def __init__(self, context: ReportContext) -> None:
        self._context = context
        self._literals: dict[str, set[str]] = {}

    def literals(self, path: str) -> set[str]:
        if path not in self._literals:
            self._literals[path] = set()
            if path.endswith((".py", ".pyi")) or self._is_python(path):
                from timeoutlint.python.secrets import secret_literal_texts

                text = "\n".join(self._context.lines(path))
                self._literals[path] = secret_literal_texts(text)
        return self._literals[path]

    @staticmethod
    def _is_python(path: str) -> bool:
        from timeoutlint.discovery import classify

        return classify(path.rsplit("/", 1)[-1]) == "python"

    def mask(self, path: str, text: str) -> str:
        from timeoutlint.python.secrets import mask_literals
        from timeoutlint.redact import redact

        return redact(mask_literals(text, self.literals(path)))


def _shown(line: str) -> tuple[str, list[int]]:
    """The line as displayed (tabs expanded, control characters escaped) and, for each
    character index (and one past the end), the display column where it starts."""
    parts: list[str] = []
    columns: list[int] = []
    width = 0
    for character in line:
        columns.append(width)
        shown = TAB if character == "\t" else printable(character)
        parts.append(shown)
        width += len(shown)
    columns.append(width)
    return "".join(parts), columns


def _masked_line(line: str, masked: str) -> tuple[str, list[int]]:
    """`masked` as displayed, and where each character of the original `line` lands in it
    (a masked character lands where its mask starts)."""
    shown, columns = _shown(masked)
    if masked == line:
        return shown, columns
    mapping = [0] * (len(line) + 1)
    matcher = difflib.SequenceMatcher(None, line, masked, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        for offset, index in enumerate(range(i1, i2)):
            mapping[index] = columns[j1 + offset] if tag == "equal" else columns[j1]
    mapping[len(line)] = columns[len(masked)]
    return shown, mapping


class _Frames:
    def __init__(self, context: ReportContext, style: Style) -> None:
        self.context = context
        self.style = style
        self.masker = _Masker(context)

    def frame(self, path: str, span: Span, label: str) -> list[str]:
        """The span's lines with context, the span underlined, `label` after the carets."""
        lines = self.context.lines(path)
        count = len(lines) - (1 if lines and lines[-1] == "" else 0)  # the final line break
        if not lines:
            return []
        first = max(1, min(span.start.line, count) - CONTEXT_LINES)
        last_span_line = min(span.end.line, span.start.line + MAX_SPAN_LINES - 1, len(lines))
        last = min(max(count, last_span_line), last_span_line + CONTEXT_LINES)
        if span.end.line > span.start.line and span.end.column == 1:
            last_span_line = max(span.start.line, min(last_span_line, span.end.line - 1))
        width = len(str(last))
        out = [self._gutter(width, "")]
        for number in range(first, last + 1):
            original = lines[number - 1]
            shown, columns = _masked_line(original, self.masker.mask(path, original))
            out.append(f"{self._gutter(width, str(number))} {shown}".rstrip())
            if span.start.line <= number <= last_span_line:
                start = span.start.column - 1 if number == span.start.line else 0
                end = span.end.column - 1 if number == span.end.line else len(original)
                start = min(max(start, 0), len(original))
                end = min(max(end, start), len(original))
                begin, stop = columns[start], columns[end]
                carets = "^" * max(stop - begin, 1)
                text = f"{carets} {label}" if number == last_span_line and label else carets
                out.append(f"{self._gutter(width, '')} {' ' * begin}{self.style.underline(text)}")
        out.append(self._gutter(width, ""))
        return out

    def _gutter(self, width: int, number: str) -> str:
        return self.style.gutter(f"{number:>{width}} |")

    def fix_diff(self, path: str, edits: Sequence[TextEdit]) -> list[str]:
        """The lines the edits change, before (`-`) and after (`+`), masked."""
        if not edits:
            return []
        lines = self.context.lines(path)
        first = min(edit.span.start.line for edit in edits)
        last = max(edit.span.end.line for edit in edits)
        before = [lines[n - 1] if 0 < n <= len(lines) else "" for n in range(first, last + 1)]
        region = "\n".join(before)
        starts = [0]
        for line in before:
            starts.append(starts[-1] + len(line) + 1)

        def offset(line: int, column: int) -> int:
            index = min(max(line - first, 0), len(before))
            base = starts[index] if index < len(starts) else len(region)
            return min(base + column - 1, len(region))

        after_text = region
        for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
            begin = offset(edit.span.start.line, edit.span.start.column)
            end = offset(edit.span.end.line, edit.span.end.column)
            after_text = after_text[:begin] + edit.content + after_text[end:]
        after = after_text.split("\n")
        width = len(str(first + max(len(before), len(after))))
        out: list[str] = [self._gutter(width, "")]
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        opcodes = matcher.get_opcodes()
        for position, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            if tag == "equal":
                for index in _context_of(i1, i2, position > 0, position < len(opcodes) - 1):
                    if index is None:
                        out.append(self.style.gutter(f"{'':>{width}} ⋮"))
                        continue
                    shown = self._masked(path, before[index])
                    out.append(
                        f"{self.style.gutter(f'{first + index:>{width}}  ')} {shown}".rstrip()
                    )
                continue
            for index in range(i1, i2):
                shown = self._masked(path, before[index])
                out.append(self.style.removed(f"{first + index:>{width}} - {shown}".rstrip()))
            for index in range(j1, j2):
                shown = self._masked(path, after[index])
                out.append(self.style.added(f"{first + index:>{width}} + {shown}".rstrip()))
        return out

    def _masked(self, path: str, text: str) -> str:
        return _shown(self.masker.mask(path, text))[0]


def _context_of(start: int, stop: int, after_change: bool, before_change: bool) -> list[int | None]:
    """Which unchanged lines of a fix's region are shown: one next to each change, the
    rest as one `⋮` (an import added at the top and a call fixed further down)."""
    indices = list(range(start, stop))
    keep = set()
    if after_change:
        keep.update(indices[:CONTEXT_LINES])
    if before_change:
        keep.update(indices[-CONTEXT_LINES:])
    shown: list[int | None] = []
    for index in indices:
        if index in keep:
            shown.append(index)
        elif not shown or shown[-1] is not None:
            shown.append(None)
    if shown and shown[0] is None and not after_change:
        shown.pop(0)
    if shown and shown[-1] is None and not before_change:
        shown.pop()
    return shown


def format_finding(finding: Finding, frames: _Frames) -> str:
    context = frames.context
    style = Style(frames.style.color, context.severity(finding))
    start = finding.span.start
    location = style.bold(f"{printable_path(finding.path)}:{start.line}:{start.column}:")
    fixable = marker(finding)
    header = (
        f"{location} {style.code(finding.rule_id)} "
        f"{style.fixable(fixable)}{printable(finding.message)}"
    )
    frames.style = style
    lines = [header, *frames.frame(finding.path, finding.span, finding.rule_id)]
    for related in finding.related:
        where = related.span.start
        lines.append(
            f"  {style.gutter(':::')} {printable_path(related.path)}:{where.line}:{where.column}: "
            f"{printable(related.message)}"
        )
        lines += frames.frame(related.path, related.span, "")
    if finding.fix is not None:
        kind = finding.fix.applicability.value
        how = "" if kind == "safe" else ", with `--unsafe-fixes`"
        lines.append(
            f"  {style.gutter('=')} fix ({style.safety(kind)}{how}): "
            f"{printable(finding.fix.message)}"
        )
        lines += frames.fix_diff(finding.path, context.edits_for(finding))
    return "\n".join(lines)


def render(
    findings: Sequence[Finding],
    context: ReportContext,
    color: bool = False,
    quiet: bool = False,
    fix_command: str = "timeoutlint fix",
) -> str:
    """Every finding with its frames, a blank line between them, then the summary."""
    frames = _Frames(context, Style(color))
    blocks = [format_finding(finding, frames) for finding in findings]
    if not quiet:
        blocks.append(summary(findings, fix_command))
    return "\n\n".join(blocks)
