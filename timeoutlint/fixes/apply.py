"""Computing fixed file contents from findings, validated before anything is written.

Per file the loop is: check, apply the allowed fixes, verify the result and
check again until nothing more can be fixed. Verifying means: the result
parses, a Python fix changed only the code it is for (libcst re-renders
some code it parses, e.g. a line-leading form feed or `except E :`), and
the bytes outside the edits are the original bytes (an encoding such as
`unicode_escape` does not write text back as it was read). A fix that fails
is refused with a message and the other fixes still apply. Everything
happens in memory; the caller decides whether to write (atomically) or
show a diff.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.findings import Applicability, Finding, TextEdit
from timeoutlint.fix_operations import AddKeyword
from timeoutlint.fixes.keyword_text import CallIndex, TextOperation
from timeoutlint.python.source import SourceDecodeError, decode_python

MAX_ROUNDS = 5


class FixRefused(Exception):
    """A fix cannot be made safely; the message says why, in the user's terms.

    `whole_file` refusals (the file cannot be parsed by libcst, or not written back
    byte for byte) are reported once per file, the others once per finding.
    """

    def __init__(self, reason: str, whole_file: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.whole_file = whole_file


class FixValidationError(FixRefused):
    """Applying the fixes would have produced a file that does not parse."""


def allowed(finding: Finding, unsafe: bool) -> bool:
    if finding.fix is None:
        return False
    return unsafe or finding.fix.applicability is Applicability.SAFE


def _validate(kind: str, text: str) -> None:
    try:
        if kind == "python":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
        elif kind == "compose":
            import yaml

            readable = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            list(yaml.load_all(readable, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (SyntaxError, ValueError) as exc:
        raise FixValidationError(f"the fix would produce invalid code ({exc})") from None
    except Exception as exc:
        raise FixValidationError(f"the fix would produce an invalid file ({exc})") from None


def apply_to_text(
    kind: str, text: str, findings: Sequence[Finding], calls: CallIndex | None = None
) -> str:
    """The text with the findings' fixes applied; `calls` may hold `text` already indexed.

    Raises `FixRefused` when libcst, which carries out most Python fixes, cannot parse
    the code (it does not read every valid program, e.g. `(x): int = 1`).
    """
    operations = [op for f in findings if f.fix is not None for op in f.fix.operations]
    if not operations:
        return text
    if kind == "python":
        text_operations = _text_operations(operations)
        if text_operations is not None:
            fixed = _edit_calls_as_text(text, text_operations, calls)
            if fixed is not None:
                return fixed
        import libcst

        from timeoutlint.fixes.python_codemod import apply_operations

        try:
            return apply_operations(text, operations)
        except libcst.ParserSyntaxError:
            raise FixRefused(LIBCST_CANNOT_PARSE, whole_file=True) from None
    from timeoutlint.fixes.text_edits import apply_text_edits

    return apply_text_edits(text, [op for op in operations if isinstance(op, TextEdit)])


LIBCST_CANNOT_PARSE = (
    "libcst, the parser the fixer edits code with, cannot read this file"
    " (it does not support every construct Python accepts)"
)


def index_calls(text: str) -> CallIndex | None:
    """The calls of Python code, for keyword edits as text; None if it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return CallIndex(text, tree)


def _text_operations(operations: Sequence[object]) -> list[TextOperation] | None:
    """The operations if text edits may make them all (keyword edits, imports), else None."""
    text_operations = [op for op in operations if isinstance(op, TextOperation)]
    return text_operations if len(text_operations) == len(operations) else None


def _edit_calls_as_text(
    text: str, operations: Sequence[TextOperation], calls: CallIndex | None
) -> str | None:
    """The codemod's result computed as text edits, or None when libcst must do it."""
    index = calls if calls is not None and calls.text == text else index_calls(text)
    if index is None:
        return None
    return index.edit_calls(operations)


def _decode(kind: str, data: bytes) -> tuple[str, str, bool]:
    """The text, its encoding and whether it had a BOM; YAML and .env bytes that are not
    UTF-8 decode to surrogates, so that they are written back as they were."""
    if kind == "python":
        decoded = decode_python(data)
        return decoded.text, decoded.encoding, decoded.has_bom
    has_bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if has_bom else data
    return body.decode("utf-8", "surrogateescape"), "utf-8", has_bom


def _encode(text: str, encoding: str, has_bom: bool) -> bytes:
    data = text.encode(encoding, "surrogateescape" if encoding == "utf-8" else "strict")
    return b"\xef\xbb\xbf" + data if has_bom else data


def _check_readable(kind: str, data: bytes, text: str, encoding: str, has_bom: bool) -> None:
    """The text must say what the checks saw and write back to exactly `data`."""
    try:
        same = _encode(text, encoding, has_bom) == data
    except (UnicodeError, LookupError):
        same = False
    if not same:
        raise FixRefused(
            f"its encoding ({encoding}) does not write the file back byte for byte",
            whole_file=True,
        )
    if kind != "python" and len(text) != len(data.decode("utf-8-sig", "replace")):
        raise FixRefused(
            "it is not valid UTF-8 in a way that moves the positions of the findings",
            whole_file=True,
        )


def needs_libcst(kind: str, finding: Finding) -> bool:
    """Whether the finding's fix may be made by libcst, so that whether it can be made
    depends on the file: a Python fix other than added keywords (those are text
    insertions in the common layouts). A replaced keyword value is a text edit in the
    common layouts too, but `FileEdits.can_make` looks at the call's layout first."""
    if kind != "python" or finding.fix is None:
        return False
    return not all(isinstance(op, AddKeyword) for op in finding.fix.operations)


class FileEdits:
    """The edits of each finding's fix in one file; the file is decoded and indexed once."""

    def __init__(self, kind: str, data: bytes) -> None:
        self.kind = kind
        self.data = data
        self._text: str | None = None
        self._calls: CallIndex | None = None
        self._indexed = False
        self._libcst_parses: bool | None = None
        self._as_text: dict[tuple[object, ...], str | None] = {}

    def can_make(self, finding: Finding) -> bool:
        """False when the fix certainly cannot be made: it needs libcst (it is not only
        keywords added, nor keyword edits that text edits make in this file) and libcst
        cannot parse the file, or the file does not decode. A cheap test: libcst parses
        the file only for such fixes, once."""
        if finding.fix is None:
            return False
        if not needs_libcst(self.kind, finding):
            return True
        if self._text_fix(finding.fix.operations) is not None:
            return True
        if self._libcst_parses is None:
            self._libcst_parses = self._parses_with_libcst()
        return self._libcst_parses

    def _parses_with_libcst(self) -> bool:
        import libcst

        try:
            libcst.parse_module(self._decoded())
        except (libcst.ParserSyntaxError, SourceDecodeError, RecursionError):
            return False
        return True

    def _decoded(self) -> str:
        if self._text is None:
            self._text, _, _ = _decode(self.kind, self.data)
        return self._text

    def _text_fix(self, operations: tuple[object, ...]) -> str | None:
        """The Python fix made as text edits, or None when libcst must make it (or the file
        does not decode or parse)."""
        if operations in self._as_text:
            return self._as_text[operations]
        fixed = None
        text_operations = _text_operations(operations)
        if self.kind == "python" and text_operations is not None:
            try:
                text = self._decoded()
            except SourceDecodeError:
                text = None
            if text is not None and not self._indexed:
                self._calls = index_calls(text)
                self._indexed = True
            if self._calls is not None:
                fixed = self._calls.edit_calls(text_operations)
        self._as_text[operations] = fixed
        return fixed

    def of(self, finding: Finding) -> tuple[TextEdit, ...]:
        if finding.fix is None:
            return ()
        if self.kind != "python":
            return tuple(op for op in finding.fix.operations if isinstance(op, TextEdit))
        from timeoutlint.fixes.text_edits import edits_between

        text = self._decoded()
        fixed = self._text_fix(finding.fix.operations)
        if fixed is None:  # libcst: the edits `fix` would make, verified as there
            try:
                fixed = _fixed_text(self.kind, text, [finding])
            except FixRefused:
                return ()
        return tuple(edits_between(text, fixed))


@dataclass(frozen=True)
class FileFix:
    """A file's fix. `error` names the fixes that were refused and why, one line each
    (the other fixes of the file are applied)."""

    source: SourceFile
    original: bytes
    fixed: bytes
    applied: int
    remaining: tuple[Finding, ...]
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_file(
    engine: Engine,
    source: SourceFile,
    data: bytes,
    unsafe: bool,
    wanted: Callable[[Finding], bool] | None = None,
) -> FileFix:
    """Apply the allowed fixes, re-checking after each round, until nothing more changes.

    A fix that cannot be made safely is refused on its own: the others still apply.
    `wanted` (the editor's "fix this one") limits the fixes to the findings it accepts.
    """
    current = data
    applied = 0
    refused: dict[str, None] = {}
    refused_findings: set[tuple[str, str]] = set()
    findings = engine.analyze(source, current)
    for _ in range(MAX_ROUNDS):
        fixable = [
            f
            for f in findings
            if allowed(f, unsafe)
            and (f.rule_id, f.message) not in refused_findings
            and (wanted is None or wanted(f))
        ]
        if not fixable:
            break
        text, encoding, has_bom = _decode(source.kind, current)
        try:
            _check_readable(source.kind, current, text, encoding, has_bom)
        except FixRefused as exc:
            refused[f"{source.display}: not fixed: {exc.reason}"] = None
            refused_findings.update((f.rule_id, f.message) for f in fixable)
            break
        new_text, refusals = _fix_round(source.kind, text, fixable)
        for finding, refusal in refusals:
            refused_findings.add((finding.rule_id, finding.message))
            refused[_refusal_line(source.display, finding, refusal)] = None
        new = _encode(new_text, encoding, has_bom)
        if new == current:
            break
        applied += len(fixable) - len(refusals)
        current = new
        findings = engine.analyze(source, current)
    error = "\n".join(refused) if refused else None
    left = tuple(
        replace(f, fix=None) if (f.rule_id, f.message) in refused_findings else f for f in findings
    )
    return FileFix(source, data, current, applied, left, error)


def _refusal_line(display: str, finding: Finding, exc: FixRefused) -> str:
    if exc.whole_file:
        return f"{display}: not fixed: {exc.reason}"
    start = finding.span.start
    return f"{display}:{start.line}:{start.column}: {finding.rule_id} not fixed: {exc.reason}"


def _fix_round(
    kind: str, text: str, fixable: Sequence[Finding]
) -> tuple[str, list[tuple[Finding, FixRefused]]]:
    """The text with every fix that can be made safely, and the refused findings.

    All fixes are made at once when that is safe; otherwise one at a time, and
    the edits of the safe ones are combined.
    """
    try:
        return _fixed_text(kind, text, fixable), []
    except FixRefused as exc:
        if len(fixable) == 1:
            return text, [(finding, exc) for finding in fixable]
    from timeoutlint.fixes.text_edits import apply_text_edits, edits_between

    fixed: list[tuple[Finding, str]] = []
    refusals: list[tuple[Finding, FixRefused]] = []
    for finding in fixable:
        try:
            fixed.append((finding, _fixed_text(kind, text, [finding])))
        except FixRefused as exc:
            refusals.append((finding, exc))
    if not fixed:
        return text, refusals
    edits = [edit for _, new_text in fixed for edit in edits_between(text, new_text)]
    combined = apply_text_edits(text, edits)
    try:
        _verify(kind, text, combined, [finding for finding, _ in fixed])
    except FixRefused:
        return fixed[0][1], refusals  # the others are made in the next round
    return combined, refusals


def _fixed_text(kind: str, text: str, findings: Sequence[Finding]) -> str:
    """The fixed text, verified; libcst's changes outside the fix's own code are left out
    (the result is verified again), and the fix is refused when that is not enough."""
    new_text = apply_to_text(kind, text, findings)
    try:
        _verify(kind, text, new_text, findings)
    except FixRefused as refusal:
        if kind != "python":
            raise
        from timeoutlint.fixes.own_edits import keep_own_edits

        operations = [op for f in findings if f.fix is not None for op in f.fix.operations]
        own = keep_own_edits(text, new_text, operations)
        if own is None or own == new_text:
            raise
        try:
            _verify(kind, text, own, findings)
        except FixRefused:
            raise refusal from None
        return own
    return new_text


def _verify(kind: str, text: str, new_text: str, findings: Sequence[Finding]) -> None:
    """The new text must parse, and a Python fix may change only its own code."""
    if new_text == text:
        return
    _validate(kind, new_text)
    if kind == "python":
        from timeoutlint.fixes.own_edits import check_own_edits

        operations = [op for f in findings if f.fix is not None for op in f.fix.operations]
        check_own_edits(text, new_text, operations)
