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
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from timeoutlint.byte_literals import Literals
from timeoutlint.catalog import Rule
from timeoutlint.checks import (
    ALL_CHECKS,
    ALWAYS_ON,
    ANALYSIS_SKIPPED,
    IO_ERROR,
    SYNTAX_ERROR,
)
from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.callsite import with_callsite_rules, with_project_client_triggers
from timeoutlint.checks.prefilter import Prospect
from timeoutlint.config import Config, ignored_for_path, selected_rules
from timeoutlint.discovery import SourceFile
from timeoutlint.findings import Finding, Span
from timeoutlint.limits import (
    ISOLATION_THRESHOLD,
    AnalysisCrashed,
    AnalysisTimeout,
    can_isolate,
    deeper_recursion,
    describe_os_error,
    format_size,
    memory_budget,
    memory_was_exhausted,
    read_regular_file,
    run_isolated,
    time_budget,
)
from timeoutlint.parallel import fork_map
from timeoutlint.project import ProjectContext
from timeoutlint.python.grammar import (
    grammar_used,
    newer_python,
    requires_python_floor,
    with_newer_hint,
)
from timeoutlint.python.model import PythonModule
from timeoutlint.python.module_names import module_name_for
from timeoutlint.python.source import SourceDecodeError, decode_python, split_lines
from timeoutlint.suppression import (
    python_suppressions,
    skips_file,
    text_suppressions,
    without_suppressed,
)

if TYPE_CHECKING:
    from timeoutlint.cache import EntryKey, ResultCache
    from timeoutlint.file_scopes import FileScopes
    from timeoutlint.scan import Scan


@dataclass(frozen=True)
class FileResult:
    """One file's outcome.

    `analyzed`: the bytes passed the trigger prefilter (they were parsed, or
    came from the cache: `cached`); `parsed`: some check's guard admitted them, so they
    were parsed and checked. `digest`: the content digest of the bytes
    read when a cache is in use, so that the parent process can store the
    findings (and, for bytes no trigger matches, remember that in the stat
    memo). `unread`: the file was unchanged since an earlier run (stat memo)
    and its result came from the cache without reading it.
    """

    path: str
    findings: tuple[Finding, ...]
    internal_error: str | None = None
    analyzed: bool = False
    cached: bool = False
    digest: bytes | None = None
    unread: bool = False
    parsed: bool = False


def minimal_triggers(triggers: Iterable[bytes]) -> tuple[bytes, ...]:
    """The triggers without those that contain another one (`redis://` when `redis` is there):
    a file that has the longer one has the shorter one too."""
    kept: list[bytes] = []
    for trigger in sorted(set(triggers), key=lambda t: (len(t), t)):
        if not any(shorter in trigger for shorter in kept):
            kept.append(trigger)
    return tuple(kept)


def entry_key(source: SourceFile) -> EntryKey:
    return (source.display, source.relative, source.kind)


def _relative_to(path: Path, directory: Path) -> str:
    """`path` relative to `directory` (both made absolute), in `/` form."""
    text = os.path.abspath(path)
    prefix = os.path.abspath(directory).rstrip("/") + "/"
    return text[len(prefix) :] if text.startswith(prefix) else text.lstrip("/")


def _point(line: int, column: int) -> Span:
    return Span.of(line, column, line, column)


def _byte_point(data: bytes, index: int) -> Span:
    """The position of a byte offset, with lines counted as Python counts them."""
    lines = split_lines(data[:index].decode("utf-8", "replace"))
    return _point(len(lines), len(lines[-1]) + 1)


def enabled_checks(
    config: Config,
    rules: Mapping[str, Rule],
    enabled: frozenset[str],
    checks: Sequence[Check] = ALL_CHECKS,
) -> tuple[frozenset[str], list[Check]]:
    """The rules in force (the selection plus the always-on bad-input rules) and the checks
    that report any of them (the registry plus one check for the call-site rules)."""
    effective = enabled | (ALWAYS_ON - frozenset(config.ignore))
    if checks is ALL_CHECKS:
        checks = with_callsite_rules(checks, rules, effective)
    return effective, [c for c in checks if set(c.rules) & effective]


@dataclass(frozen=True)
class Prefilter:
    """The file-level prefilter: can any enabled check of this file kind match these bytes?

    One `bytes.__contains__` per distinct trigger (a combined regex measured twice as slow in
    CPython). When it says no, `Engine.analyze` would return no findings either, so the scan
    (`scan.py`), which reads every file anyway, asks it too and the engine never reads those
    files again.
    """

    triggers: Mapping[str, tuple[bytes, ...]]
    every: Mapping[str, frozenset[bytes]]
    """Every check's triggers, not only the minimal ones: the scan searches them all (a longer
    trigger costs little once its gate is found, `byte_literals.py`) so that the engine can
    take each file's triggers from the scan (`Engine.triggers_known`)."""

    @classmethod
    def of(cls, checks: Iterable[Check]) -> Prefilter:
        checks = list(checks)
        every = {
            kind: frozenset(t for c in checks if c.kind == kind for t in c.triggers)
            for kind in {c.kind for c in checks}
        }
        return cls({kind: minimal_triggers(triggers) for kind, triggers in every.items()}, every)

    def __call__(self, kind: str, data: bytes) -> bool:
        return any(trigger in data for trigger in self.triggers.get(kind, ()))


class Engine:
    def __init__(
        self,
        config: Config,
        rules: Mapping[str, Rule],
        enabled: frozenset[str],
        project: ProjectContext,
        checks: Sequence[Check] = ALL_CHECKS,
        scopes: FileScopes | None = None,
    ) -> None:
        """`scopes`, when given, says which configuration and pins apply to each file (a
        nested configuration, another project's pins); a file whose scope is not this
        engine's own is analysed by an engine of its scope, made once per scope."""
        self.config = config
        self.rules = rules
        self.project = project
        self.enabled, self.checks = enabled_checks(config, rules, enabled, checks)
        self.checks, added = with_project_client_triggers(self.checks, project)
        self.added_triggers = {kind: minimal_triggers(names) for kind, names in added.items()}
        """A file the scan's prefilter rejected may still use a client built in another
        project module (known only now): it is read again for the names that reach one, and
        only those are searched (it has none of the others)."""
        self.rereads_rejected = bool(added)
        self.prefilter = Prefilter.of(self.checks)
        self._literals: dict[str, Literals] = {}
        self.scopes = scopes
        self._selected = enabled
        self._scoped: dict[tuple[int, object], Engine] = {}

    def for_source(self, source: SourceFile) -> Engine:
        """The engine of the file's own configuration and pins (this one, in a project with a
        single configuration and set of pins)."""
        if self.scopes is None:
            return self
        config, dependencies = self.scopes.of(source.path)
        if config is self.config and dependencies is self.project.dependencies:
            return self
        key = (id(config), dependencies)
        engine = self._scoped.get(key)
        if engine is None:
            enabled = (
                self._selected if config is self.config else selected_rules(config, self.rules)
            )
            project = replace(self.project, dependencies=dependencies)
            engine = Engine(config, self.rules, enabled, project)
            self._scoped[key] = engine
        return engine

    def may_need_analysis(self, kind: str, data: bytes) -> bool:
        """`Prefilter`: can any enabled check of this file kind match these bytes?"""
        return self.prefilter(kind, data)

    def triggers_in(self, kind: str, data: bytes) -> frozenset[bytes]:
        """Every trigger of this kind's checks in `data`, from one search of each distinct
        literal (`byte_literals.Literals`): empty exactly when `may_need_analysis` says no, and
        it answers each check's `may_match` without searching the bytes again."""
        literals = self._literals.get(kind)
        if literals is None:
            triggers = {t for c in self.checks if c.kind == kind for t in c.triggers}
            literals = self._literals[kind] = Literals(triggers)
        return literals.found(data).exact

    def triggers_known(
        self, kind: str, data: bytes, known: frozenset[bytes], searched: frozenset[bytes]
    ) -> frozenset[bytes]:
        """`triggers_in`, from the scan's answer for these bytes: `known` are the triggers of
        `searched` the scan found in them. Only this engine's triggers the scan did not
        search for (the names of the project's own clients, known after the scan) are
        searched here."""
        every = self.prefilter.every.get(kind, frozenset())
        return (known & every) | {t for t in every - searched if t in data}

    def _enabled_for(self, source: SourceFile) -> frozenset[str]:
        relative = source.relative
        if self.config.root != self.project.root:
            # A nested configuration's paths are relative to its own directory.
            relative = _relative_to(source.path, self.config.root)
        return self.enabled - ignored_for_path(self.config, relative, self.rules)

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
        engine = self.for_source(source)
        if engine is not self:
            return engine.read_error(source, detail)
        return self._problem(
            IO_ERROR, source, _point(1, 1), self._enabled_for(source), detail=detail
        )

    def _skipped(self, source: SourceFile, enabled: frozenset[str], reason: str) -> list[Finding]:
        return self._problem(ANALYSIS_SKIPPED, source, _point(1, 1), enabled, reason=reason)

    def analyze(self, source: SourceFile, data: bytes) -> list[Finding]:
        """The findings for one file's bytes, suppressions applied, sorted.

        A file that some check needs is bounded in size and analysis time; past
        either limit it is skipped with a TL005 finding, so one pathological
        file cannot stall or exhaust the run. A check runs only if its triggers
        match and its guard admits the file (`checks/prefilter.py`); a file no
        check admits is not parsed at all, so (as for a file no trigger matches)
        its syntax errors are not reported: no rule could have found anything in it.
        """
        return self._analyze(source, data)[0]

    def _analyze(
        self, source: SourceFile, data: bytes, found: frozenset[bytes] | None = None
    ) -> tuple[list[Finding], bool]:
        """`analyze`, and whether some check admitted the file (it was parsed). `found`: the
        file's engine's `triggers_in` these bytes, when known."""
        engine = self.for_source(source)
        if engine is not self:
            return engine._analyze(source, data, found)
        if skips_file(data):
            return [], False
        enabled = self._enabled_for(source)
        triggered = [
            c
            for c in self.checks
            if c.kind == source.kind
            and set(c.rules) & enabled
            and (c.may_match(data) if found is None else not found.isdisjoint(c.triggers))
        ]
        if not triggered:
            return [], False
        prospect = Prospect(data, source.relative, enabled, self.project)
        checks = [c for c in triggered if c.admits(prospect)]
        if not checks:
            return [], False
        limit = self.config.max_file_size
        if len(data) > limit:
            reason = (
                f"the file is {format_size(len(data))}, "
                f"larger than max-file-size ({format_size(limit)})"
            )
            return self._skipped(source, enabled, reason), False
        seconds = self.config.analysis_time_limit
        try:
            with time_budget(seconds):
                if len(data) >= ISOLATION_THRESHOLD and can_isolate():
                    findings = run_isolated(
                        lambda: self._analyze_checked(source, data, checks, enabled),
                        seconds,
                        memory_budget(len(data)),
                    )
                else:
                    findings = self._analyze_checked(source, data, checks, enabled)
        except AnalysisTimeout:
            reason = f"took too long (more than analysis-time-limit, {seconds:g} s)"
            return self._skipped(source, enabled, reason), True
        except RecursionError:
            return self._skipped(source, enabled, "the file is nested too deeply to analyze"), True
        except MemoryError:
            skipped = self._skipped(source, enabled, "ran out of memory while analyzing the file")
            return skipped, True
        except AnalysisCrashed:
            reason = "the analysis was ended by the system (out of memory?)"
            return self._skipped(source, enabled, reason), True
        return sorted(findings, key=lambda f: f.sort_key), True

    def _analyze_checked(
        self, source: SourceFile, data: bytes, checks: list[Check], enabled: frozenset[str]
    ) -> list[Finding]:
        if source.kind == "python":
            return self._analyze_python(source, data, checks, enabled)
        ctx = self._context(source, enabled)
        for check in checks:
            check.run(ctx, source, data)
        findings = ctx.findings
        if findings:
            text = data.decode("utf-8", "replace")
            findings = without_suppressed(findings, text_suppressions(text.splitlines()))
        return findings

    def _analyze_python(
        self, source: SourceFile, data: bytes, checks: list[Check], enabled: frozenset[str]
    ) -> list[Finding]:
        null = data.find(b"\0")
        if null >= 0:
            return self._problem(
                SYNTAX_ERROR,
                source,
                _byte_point(data, null),
                enabled,
                grammar="",
                detail="the file contains a null byte (is it a binary file?)",
            )
        try:
            decoded = decode_python(data)
        except SourceDecodeError as exc:
            return self._problem(
                SYNTAX_ERROR,
                source,
                _point(exc.line, exc.column),
                enabled,
                grammar="",
                detail=str(exc),
            )
        text = decoded.text
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=source.display)
            module_name, is_package = module_name_for(source.relative)
            model = PythonModule(text, tree, module_name, is_package)
        except SyntaxError as exc:
            from timeoutlint.templates import fails_at_a_template_tag

            line = exc.lineno or 1
            if fails_at_a_template_tag(text, line):
                return []
            column = max(exc.offset or 1, 1)
            newer = newer_python(text, line, requires_python_floor(self.project.requires_python))
            return self._problem(
                SYNTAX_ERROR,
                source,
                _point(line, column),
                enabled,
                grammar=grammar_used(),
                detail=with_newer_hint(exc.msg, newer),
            )
        except (RecursionError, MemoryError) as exc:
            if isinstance(exc, MemoryError) and memory_was_exhausted():
                raise
            return self._problem(
                SYNTAX_ERROR,
                source,
                _point(1, 1),
                enabled,
                grammar="",
                detail="the code is nested too deeply to analyze",
            )
        ctx = self._context(source, enabled)
        with deeper_recursion():
            for check in checks:
                check.run(ctx, model)
        findings = ctx.findings
        if findings:
            findings = without_suppressed(
                findings, python_suppressions(text, self.config.external_suppressions)
            )
        return findings

    def check_file(
        self,
        source: SourceFile,
        cache: ResultCache | None = None,
        hash_rejected: bool = False,
        rejected: bool = False,
        scanned: tuple[frozenset[bytes], frozenset[bytes]] | None = None,
    ) -> FileResult:
        """`hash_rejected`: also give the digest of bytes the prefilter rejects (for the memo).
        `rejected`: the scan's prefilter, with every trigger but the `added_triggers`, rejected
        these bytes (they are searched for those only). `scanned`: the triggers the scan found
        in these bytes and those it searched for (`triggers_known`)."""
        try:
            data = read_regular_file(source.path)
        except OSError as exc:
            detail = describe_os_error(exc)
            return FileResult(source.display, tuple(self.read_error(source, detail)))
        engine = self.for_source(source)
        found = None
        if rejected:
            added = engine.added_triggers.get(source.kind, ())
            passes = any(trigger in data for trigger in added)
        elif scanned is not None:
            found = engine.triggers_known(source.kind, data, *scanned)
            passes = bool(found)
        else:
            found = engine.triggers_in(source.kind, data)
            passes = bool(found)
        if not passes:
            if hash_rejected and cache is not None:
                from timeoutlint.cache import content_digest

                return FileResult(source.display, (), digest=content_digest(data))
            return FileResult(source.display, ())
        digest = None
        if cache is not None:
            from timeoutlint.cache import content_digest

            digest = content_digest(data)
            cached = cache.get(entry_key(source), digest)
            if cached is not None:
                return FileResult(source.display, cached, analyzed=True, cached=True)
        try:
            findings, parsed = self._analyze(source, data, found)
        except Exception as exc:  # a bug in a check must not stop the run
            import traceback

            trace = traceback.format_exc()
            return FileResult(source.display, (), f"{type(exc).__name__}: {exc}\n{trace}")
        return FileResult(
            source.display, tuple(findings), analyzed=True, digest=digest, parsed=parsed
        )

    def run(
        self,
        files: Sequence[SourceFile],
        jobs: int | None = None,
        cache: ResultCache | None = None,
        scan: Scan | None = None,
    ) -> list[FileResult]:
        """Every file's result, in the order of `files`; new results are added to `cache`
        (the caller saves it).

        With a `scan` (digests from this run's scan, most of them from the stat memo), a file
        whose digest the cache knows is answered here without reading it, and only the
        others go to the workers.
        """
        results: list[FileResult | None] = [None] * len(files)
        if cache is not None and scan is not None:
            results = [_known_result(source, cache, scan) for source in files]
        rejected: set[int] = set()
        if scan is not None:
            remember_clean = cache is not None and scan.memo is not None
            for index, source in enumerate(files):
                facts = scan.get(source) if results[index] is None else None
                if facts is None or not facts.rejected_by_prefilter:
                    continue
                if self.rereads_rejected and source.kind in self.added_triggers:
                    rejected.add(index)
                else:
                    digest = facts.digest if remember_clean and facts.digest else None
                    results[index] = FileResult(source.display, (), digest=digest)
        pending = [i for i, result in enumerate(results) if result is None]
        hash_rejected = scan is not None and scan.memo is not None

        def outcome(item: tuple[SourceFile, bool]) -> FileResult | None:
            source, was_rejected = item
            known = None if was_rejected or scan is None else scan.triggers_found(source)
            result = self.check_file(source, cache, hash_rejected, was_rejected, known)
            if (
                result.findings
                or result.internal_error is not None
                or result.analyzed
                or result.digest is not None
            ):
                return result
            return None

        outcomes = fork_map(outcome, [(files[i], i in rejected) for i in pending], jobs)
        for index, result in zip(pending, outcomes, strict=True):
            results[index] = result if result is not None else FileResult(files[index].display, ())
        done = [result for result in results if result is not None]
        if cache is not None:
            _remember(cache, files, done, scan)
        return done


def _known_result(source: SourceFile, cache: ResultCache, scan: Scan) -> FileResult | None:
    """The result of a file the scan has a digest for, from the memo or the cache; None
    when the file must be read."""
    facts = scan.get(source)
    if facts is None or not facts.digest:
        return None
    if scan.is_clean(source, cache.key):
        return FileResult(source.display, (), unread=True)
    found = cache.get(entry_key(source), facts.digest)
    if found is None:
        return None
    return FileResult(source.display, found, analyzed=True, cached=True, unread=True)


def _remember(
    cache: ResultCache,
    files: Sequence[SourceFile],
    results: list[FileResult],
    scan: Scan | None = None,
) -> None:
    """Store fresh results; a time-out or size skip (TL005) depends on more than the bytes.
    Bytes no trigger matches are remembered in the stat memo, by the digest of what was read."""
    for source, result in zip(files, results, strict=True):
        if result.digest is None or result.internal_error is not None:
            continue
        if result.analyzed:
            if all(f.rule_id != ANALYSIS_SKIPPED for f in result.findings):
                cache.put(entry_key(source), result.digest, result.findings)
        elif scan is not None and not result.findings:
            scan.mark_clean(source, result.digest, cache.key)


def all_findings(results: Iterable[FileResult]) -> list[Finding]:
    findings = [finding for result in results for finding in result.findings]
    return sorted(findings, key=lambda f: f.sort_key)
