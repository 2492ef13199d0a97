"""`timeoutlint check --add-noqa`: suppress every current finding with a `# noqa: ID` comment.

Never breaks a file:

- Python: `tokenize` tells where a line can take a comment. A line that
  ends inside a multi-line string or with a backslash continuation cannot;
  the comment then goes on the first line of the statement, which
  `suppression.py` honours too. The result must parse to the same AST as
  the original, or the file is left alone.
- YAML: the result must load to the same data, line by line; a line inside
  a block scalar (where `#` would be text) is left alone.
- .env: a line whose quotes are unbalanced (a multi-line value) is left alone.

Existing `# noqa: A` comments are merged (`# noqa: A, TL101`); a second run
changes nothing, because the findings are suppressed by then.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from timeoutlint.checks import ALWAYS_ON
from timeoutlint.discovery import SourceFile
from timeoutlint.findings import Finding
from timeoutlint.python.source import SourceDecodeError, decode_python

_CODE = r"[A-Z][A-Z0-9-]*[0-9]+"
_NOQA = re.compile(rf"(?i:#\s*noqa)(?P<colon>:\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*))?")
_SPLIT = re.compile(r"[\s,]+")
_LINE_END = re.compile(r"[\r\n]*$")


@dataclass(frozen=True)
class NoqaResult:
    data: bytes
    added: int
    skipped: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class _PythonLines:
    comment_start: dict[int, int]
    can_end_with_comment: frozenset[int]
    statement_start: dict[int, int]


def _scan_python(text: str) -> _PythonLines:
    comment_start: dict[int, int] = {}
    line_ends: set[int] = set()
    statement_start: dict[int, int] = {}
    start: int | None = None
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            comment_start[token.start[0]] = token.start[1]
        elif token.type in (tokenize.NL, tokenize.NEWLINE):
            line_ends.add(token.start[0])
            if token.type == tokenize.NEWLINE and start is not None:
                for line in range(start, token.start[0] + 1):
                    statement_start[line] = start
                start = None
        elif token.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            continue
        elif start is None and token.type != tokenize.ENDMARKER:
            start = token.start[0]
    return _PythonLines(comment_start, frozenset(line_ends), statement_start)


def merged_comment(comment: str, codes: Sequence[str], separator: str = "  ") -> str:
    """`comment` with `codes` added to its `# noqa:` list, or a `# noqa:` comment appended.

    A malformed `# noqa:` (`# noqa: XYZ`) suppresses nothing and, being the comment's first
    directive, would make an appended one text: the new directive goes before it."""
    from timeoutlint.suppression import invalid_noqa

    match = _NOQA.search(comment)
    if match is not None and invalid_noqa(comment) is not None:
        at = match.start()
        return f"{comment[:at]}# noqa: {', '.join(codes)}{separator}{comment[at:]}"
    if match is not None and match.group("codes") is None:
        return comment
    if match is None:
        return f"{comment.rstrip()}{separator}# noqa: {', '.join(codes)}"
    existing = [c for c in _SPLIT.split(match.group("codes").strip()) if c]
    known = {c.upper() for c in existing}
    added = [c for c in codes if c.upper() not in known]
    if not added:
        return comment
    return (
        comment[: match.start("codes")]
        + ", ".join([*existing, *added])
        + comment[match.end("codes") :]
    )


def _with_noqa(
    line: str, comment_at: int | None, codes: Sequence[str], separator: str = "  "
) -> str:
    ending = _LINE_END.search(line)
    assert ending is not None
    body, newline = line[: ending.start()], line[ending.start() :]
    if comment_at is None:
        return f"{body.rstrip()}{separator}# noqa: {', '.join(codes)}{newline}"
    return body[:comment_at] + merged_comment(body[comment_at:], codes, separator) + newline


def _suppressible(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule_id not in ALWAYS_ON]


def _group(targets: dict[int, list[str]], line: int, rule_id: str) -> None:
    codes = targets.setdefault(line, [])
    if rule_id not in codes:
        codes.append(rule_id)


def _python(data: bytes, findings: Sequence[Finding]) -> NoqaResult:
    try:
        decoded = decode_python(data)
        original_tree = ast.dump(ast.parse(decoded.text))
        scan = _scan_python(decoded.text)
    except (SourceDecodeError, SyntaxError, ValueError, tokenize.TokenError):
        return NoqaResult(data, 0, tuple(findings))
    lines = io.StringIO(decoded.text).readlines()
    targets: dict[int, list[str]] = {}
    skipped: list[Finding] = []
    for finding in findings:
        line = finding.span.start.line
        candidates = (line, scan.statement_start.get(line, line))
        target = next((c for c in candidates if c in scan.can_end_with_comment), None)
        if target is None or target > len(lines):
            skipped.append(finding)
            continue
        _group(targets, target, finding.rule_id)
    for line, codes in targets.items():
        lines[line - 1] = _with_noqa(lines[line - 1], scan.comment_start.get(line), codes)
    text = "".join(lines)
    try:
        unchanged = ast.dump(ast.parse(text)) == original_tree
    except (SyntaxError, ValueError):
        unchanged = False
    if not unchanged:
        return NoqaResult(data, 0, tuple(findings))
    added = len(findings) - len(skipped)
    return NoqaResult(decoded.encode(text), added, tuple(skipped))


def _comment_start(line: str) -> int | None:
    """Where a YAML/.env comment starts: a `#` at the start or after whitespace, outside quotes."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def _yaml_data(text: str) -> object:
    import yaml

    return list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _unbalanced_quotes(line: str) -> bool:
    value = line.split("=", 1)[1] if "=" in line else line
    value = value.split(" #", 1)[0]
    return value.count('"') % 2 == 1 or value.count("'") % 2 == 1


def _text(kind: str, data: bytes, findings: Sequence[Finding]) -> NoqaResult:
    has_bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = (data[3:] if has_bom else data).decode("utf-8")
    except UnicodeDecodeError:
        return NoqaResult(data, 0, tuple(findings))
    lines = io.StringIO(text).readlines()
    targets: dict[int, list[str]] = {}
    by_line: dict[int, list[Finding]] = {}
    skipped: list[Finding] = []
    for finding in findings:
        line = finding.span.start.line
        if not 0 < line <= len(lines) or (kind == "dotenv" and _unbalanced_quotes(lines[line - 1])):
            skipped.append(finding)
            continue
        _group(targets, line, finding.rule_id)
        by_line.setdefault(line, []).append(finding)
    try:
        expected = _yaml_data(text) if kind == "compose" else None
    except Exception:
        return NoqaResult(data, 0, tuple(findings))
    for line, codes in sorted(targets.items()):
        original = lines[line - 1]
        lines[line - 1] = _with_noqa(original, _comment_start(original), codes, " ")
        if kind == "compose":
            try:
                same = _yaml_data("".join(lines)) == expected
            except Exception:
                same = False
            if not same:
                lines[line - 1] = original
                skipped.extend(by_line[line])
    result = "".join(lines).encode("utf-8")
    added = len(findings) - len(skipped)
    return NoqaResult((b"\xef\xbb\xbf" if has_bom else b"") + result, added, tuple(skipped))


def add_noqa(kind: str, data: bytes, findings: Sequence[Finding]) -> NoqaResult:
    """The file's bytes with a `# noqa: ID` for each suppressible finding."""
    wanted = _suppressible(findings)
    if not wanted:
        return NoqaResult(data, 0, tuple(findings))
    result = _python(data, wanted) if kind == "python" else _text(kind, data, wanted)
    not_suppressible = tuple(f for f in findings if f.rule_id in ALWAYS_ON)
    return NoqaResult(result.data, result.added, result.skipped + not_suppressible)


@dataclass(frozen=True)
class NoqaRun:
    """`not_written`: (display path, why) of each file whose comments could not be written."""

    added: int
    changed_files: tuple[str, ...]
    not_suppressed: tuple[Finding, ...]
    not_written: tuple[tuple[str, str], ...] = ()


def add_noqa_to_files(
    findings: Sequence[Finding], files: Sequence[SourceFile], root: Path | None
) -> NoqaRun:
    """Add the comments to the files on disk through the guarded write (no link out of `root`,
    no read-only file, not over an edit made meanwhile); a file that cannot be written is
    reported and the others are still done. Findings of unknown files are left."""
    from timeoutlint.safe_write import describe_write_error, read_with_state, write_file

    by_display = {source.display: source for source in files}
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    added = 0
    changed: list[str] = []
    left: list[Finding] = []
    not_written: list[tuple[str, str]] = []
    for display, file_findings in grouped.items():
        source = by_display.get(display)
        if source is None:
            left.extend(file_findings)
            continue
        try:
            data, state = read_with_state(source.path)
        except OSError:
            left.extend(file_findings)
            continue
        result = add_noqa(source.kind, data, file_findings)
        if result.data != data:
            try:
                write_file(source.path, result.data, root, state)
            except OSError as exc:
                not_written.append((display, describe_write_error(exc)))
                left.extend(file_findings)
                continue
            changed.append(display)
        added += result.added
        left.extend(result.skipped)
    return NoqaRun(
        added,
        tuple(changed),
        tuple(sorted(left, key=lambda f: f.sort_key)),
        tuple(sorted(not_written)),
    )
