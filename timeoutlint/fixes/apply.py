"""Computing fixed file contents from findings, validated before anything is written.

Per file the loop is: check, apply the allowed fixes, re-parse the result
(a fix that would produce invalid code is dropped and reported), and check
again until nothing more can be fixed. Everything happens in memory; the
caller decides whether to write (atomically) or show a diff.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.findings import Applicability, Finding, TextEdit
from timeoutlint.fixes.keyword_text import CallIndex
from timeoutlint.fixes.operations import AddKeyword
from timeoutlint.python.source import decode_python

MAX_ROUNDS = 5


class FixValidationError(Exception):
    """Applying the fixes would have produced a file that does not parse."""


def allowed(finding: Finding, unsafe: bool) -> bool:
    if finding.fix is None:
        return False
    return unsafe or finding.fix.applicability is Applicability.SAFE


def _validate(kind: str, text: str, path: str) -> None:
    try:
        if kind == "python":
            ast.parse(text)
        elif kind == "compose":
            import yaml

            list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (SyntaxError, ValueError) as exc:
        raise FixValidationError(
            f"{path}: the fix would produce invalid code ({exc}); nothing was written"
        ) from None
    except Exception as exc:
        raise FixValidationError(
            f"{path}: the fix would produce an invalid file ({exc}); nothing was written"
        ) from None


def apply_to_text(
    kind: str, text: str, findings: Sequence[Finding], calls: CallIndex | None = None
) -> str:
    """The text with the findings' fixes applied; `calls` may hold `text` already indexed."""
    operations = [op for f in findings if f.fix is not None for op in f.fix.operations]
    if not operations:
        return text
    if kind == "python":
        if all(isinstance(op, AddKeyword) for op in operations):
            fixed = _add_keywords_as_text(text, operations, calls)
            if fixed is not None:
                return fixed
        from timeoutlint.fixes.python_codemod import apply_operations

        return apply_operations(text, operations)
    from timeoutlint.fixes.text_edits import apply_text_edits

    return apply_text_edits(text, [op for op in operations if isinstance(op, TextEdit)])


def index_calls(text: str) -> CallIndex | None:
    """The calls of Python code, for keyword insertions as text; None if it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return CallIndex(text, tree)


def _add_keywords_as_text(
    text: str, operations: Sequence[object], calls: CallIndex | None
) -> str | None:
    """The codemod's result computed as text insertions, or None when libcst must do it."""
    index = calls if calls is not None and calls.text == text else index_calls(text)
    if index is None:
        return None
    return index.add_keywords([op for op in operations if isinstance(op, AddKeyword)])


def _decode(kind: str, data: bytes) -> tuple[str, str, bool]:
    if kind == "python":
        decoded = decode_python(data)
        return decoded.text, decoded.encoding, decoded.has_bom
    has_bom = data.startswith(b"\xef\xbb\xbf")
    return data[3:].decode("utf-8") if has_bom else data.decode("utf-8"), "utf-8", has_bom


def _encode(text: str, encoding: str, has_bom: bool) -> bytes:
    data = text.encode(encoding)
    return b"\xef\xbb\xbf" + data if has_bom else data


def edits_for(kind: str, data: bytes, finding: Finding) -> tuple[TextEdit, ...]:
    """The text edits of one finding's fix, for reports that show fixes as edits."""
    return FileEdits(kind, data).of(finding)


class FileEdits:
    """The edits of each finding's fix in one file; the file is decoded and indexed once."""

    def __init__(self, kind: str, data: bytes) -> None:
        self.kind = kind
        self.data = data
        self._text: str | None = None
        self._calls: CallIndex | None = None
        self._indexed = False

    def of(self, finding: Finding) -> tuple[TextEdit, ...]:
        if finding.fix is None:
            return ()
        if self.kind != "python":
            return tuple(op for op in finding.fix.operations if isinstance(op, TextEdit))
        from timeoutlint.fixes.text_edits import edits_between

        if self._text is None:
            self._text, _, _ = _decode(self.kind, self.data)
        text = self._text
        if not self._indexed and all(isinstance(op, AddKeyword) for op in finding.fix.operations):
            self._calls = index_calls(text)
            self._indexed = True
        return tuple(edits_between(text, apply_to_text(self.kind, text, [finding], self._calls)))


@dataclass(frozen=True)
class FileFix:
    source: SourceFile
    original: bytes
    fixed: bytes
    applied: int
    remaining: tuple[Finding, ...]
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_file(engine: Engine, source: SourceFile, data: bytes, unsafe: bool) -> FileFix:
    current = data
    applied = 0
    findings = engine.analyze(source, current)
    for _ in range(MAX_ROUNDS):
        fixable = [f for f in findings if allowed(f, unsafe)]
        if not fixable:
            break
        text, encoding, has_bom = _decode(source.kind, current)
        try:
            new_text = apply_to_text(source.kind, text, fixable)
            _validate(source.kind, new_text, source.display)
        except FixValidationError as exc:
            return FileFix(source, data, current, applied, tuple(findings), str(exc))
        new = _encode(new_text, encoding, has_bom)
        if new == current:
            break
        applied += len(fixable)
        current = new
        findings = engine.analyze(source, current)
    return FileFix(source, data, current, applied, tuple(findings))
