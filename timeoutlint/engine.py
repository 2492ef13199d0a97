"""The pipeline: per file, bytes -> prefilter -> parse -> model -> checks -> suppressions -> findings.

`Engine.analyze` is pure (bytes in, findings out); `Engine.run` spreads the
files over a pool of forked workers when there are enough of them. A file
that cannot be read or parsed becomes a finding for that file (TL001,
TL003) and every other file is still checked. A crash inside a check is
caught per file and reported as an internal error, so one bad rule cannot
take the run down.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import traceback
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from timeoutlint.catalog import Rule
from timeoutlint.checks import ALL_CHECKS, ALWAYS_ON, IO_ERROR, SYNTAX_ERROR
from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.config import Config, ignored_for_path
from timeoutlint.discovery import SourceFile
from timeoutlint.findings import Finding, Span
from timeoutlint.project import ProjectContext, module_name_for
from timeoutlint.python.model import PythonModule
from timeoutlint.python.source import SourceDecodeError, decode_python
from timeoutlint.suppression import (
    python_suppressions,
    skips_file,
    text_suppressions,
    without_suppressed,
)

PARALLEL_THRESHOLD = 48
CHUNK_SIZE = 24


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...]
    internal_error: str | None = None


def _point(line: int, column: int) -> Span:
    return Span.of(line, column, line, column)


class Engine:
    def __init__(
        self,
        config: Config,
        rules: Mapping[str, Rule],
        enabled: frozenset[str],
        project: ProjectContext,
        checks: Sequence[Check] = ALL_CHECKS,
    ) -> None:
        self.config = config
        self.rules = rules
        self.enabled = enabled | (ALWAYS_ON - frozenset(config.ignore))
        self.project = project
        self.checks = [c for c in checks if set(c.rules) & self.enabled]

    def _enabled_for(self, source: SourceFile) -> frozenset[str]:
        return self.enabled - ignored_for_path(self.config, source.relative, self.rules)

    def _context(self, source: SourceFile, enabled: frozenset[str]) -> CheckContext:
        return CheckContext(
            source.display, source.relative, self.config, self.project, self.rules, enabled
        )

    def _problem(
        self, rule_id: str, source: SourceFile, span: Span, enabled: frozenset[str], **args: object
    ) -> list[Finding]:
        ctx = self._context(source, enabled)
        ctx.add(rule_id, span, args)
        return ctx.findings

    def read_error(self, source: SourceFile, detail: str) -> list[Finding]:
        return self._problem(
            IO_ERROR, source, _point(1, 1), self._enabled_for(source), detail=detail
        )

    def analyze(self, source: SourceFile, data: bytes) -> list[Finding]:
        """The findings for one file's bytes, suppressions applied, sorted."""
        if skips_file(data):
            return []
        enabled = self._enabled_for(source)
        checks = [
            c
            for c in self.checks
            if c.kind == source.kind and set(c.rules) & enabled and c.may_match(data)
        ]
        if not checks:
            return []
        if source.kind == "python":
            findings = self._analyze_python(source, data, checks, enabled)
        else:
            ctx = self._context(source, enabled)
            for check in checks:
                check.run(ctx, source, data)
            findings = ctx.findings
            if findings:
                text = data.decode("utf-8", "replace")
                findings = without_suppressed(findings, text_suppressions(text.splitlines()))
        return sorted(findings, key=lambda f: f.sort_key)

    def _analyze_python(
        self, source: SourceFile, data: bytes, checks: list[Check], enabled: frozenset[str]
    ) -> list[Finding]:
        try:
            decoded = decode_python(data)
        except SourceDecodeError as exc:
            return self._problem(
                SYNTAX_ERROR, source, _point(exc.line, exc.column), enabled, detail=str(exc)
            )
        try:
            tree = ast.parse(decoded.text, filename=source.display)
            module_name, is_package = module_name_for(source.relative)
            model = PythonModule(decoded.text, tree, module_name, is_package)
        except SyntaxError as exc:
            line = exc.lineno or 1
            column = max(exc.offset or 1, 1)
            return self._problem(
                SYNTAX_ERROR, source, _point(line, column), enabled, detail=exc.msg
            )
        except ValueError as exc:
            index = decoded.text.find("\0")
            line = decoded.text.count("\n", 0, max(index, 0)) + 1
            column = index - decoded.text.rfind("\n", 0, max(index, 0)) if index >= 0 else 1
            detail = "the file contains a null byte" if index >= 0 else str(exc)
            return self._problem(SYNTAX_ERROR, source, _point(line, column), enabled, detail=detail)
        except (RecursionError, MemoryError):
            return self._problem(
                SYNTAX_ERROR,
                source,
                _point(1, 1),
                enabled,
                detail="the code is nested too deeply to analyze",
            )
        ctx = self._context(source, enabled)
        for check in checks:
            check.run(ctx, model)
        findings = ctx.findings
        if findings:
            findings = without_suppressed(findings, python_suppressions(decoded.text))
        return findings

    def check_file(self, source: SourceFile) -> FileResult:
        try:
            with open(source.path, "rb") as stream:
                data = stream.read()
        except OSError as exc:
            detail = exc.strerror or str(exc)
            return FileResult(source.display, tuple(self.read_error(source, detail)))
        try:
            return FileResult(source.display, tuple(self.analyze(source, data)))
        except Exception as exc:  # a bug in a check must not stop the run
            trace = traceback.format_exc()
            return FileResult(source.display, (), f"{type(exc).__name__}: {exc}\n{trace}")

    def run(self, files: Sequence[SourceFile], jobs: int | None = None) -> list[FileResult]:
        workers = jobs or os.cpu_count() or 1
        if (
            workers <= 1
            or len(files) < PARALLEL_THRESHOLD
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return [self.check_file(source) for source in files]
        return _run_parallel(self, files, workers)


_WORKER_ENGINE: Engine | None = None


def _check_chunk(chunk: list[SourceFile]) -> list[FileResult]:
    assert _WORKER_ENGINE is not None
    return [_WORKER_ENGINE.check_file(source) for source in chunk]


def _run_parallel(engine: Engine, files: Sequence[SourceFile], workers: int) -> list[FileResult]:
    global _WORKER_ENGINE
    _WORKER_ENGINE = engine
    chunks = [list(files[i : i + CHUNK_SIZE]) for i in range(0, len(files), CHUNK_SIZE)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results: list[FileResult] = []
            for chunk_results in pool.map(_check_chunk, chunks):
                results.extend(chunk_results)
            return results
    finally:
        _WORKER_ENGINE = None


def all_findings(results: Iterable[FileResult]) -> list[Finding]:
    findings = [finding for result in results for finding in result.findings]
    return sorted(findings, key=lambda f: f.sort_key)
