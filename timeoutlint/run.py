"""The in-process pipeline the CLI and the language server share: a session, then the
findings or the fixed bytes of one text.

No click here: `cli.py` turns a `SessionError` into exit 2 and the server turns it into a
log message. Both get the same findings for the same text and settings because both go
through `build_session` and `Engine.analyze` (the stdin path of `check -` / `fix -`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeoutlint import __version__
from timeoutlint.catalog import CatalogError, Rule
from timeoutlint.config import (
    Config,
    ConfigError,
    check_default_timeout,
    load_config,
    selected_rules,
)
from timeoutlint.config_tree import ConfigTree, DirectoryNames, directory_of
from timeoutlint.discovery import Discovery, SourceFile, classify, display_path
from timeoutlint.engine import Engine, FileResult, Prefilter, all_findings, enabled_checks
from timeoutlint.findings import Finding, TextEdit
from timeoutlint.limits import read_regular_file
from timeoutlint.rule_packs import all_rules

if TYPE_CHECKING:
    from timeoutlint.file_scopes import FileScopes
    from timeoutlint.fixes.apply import FileEdits, FileFix
    from timeoutlint.project import ProjectContext
    from timeoutlint.project.context_snapshot import ContextSnapshot
    from timeoutlint.report.context import ReportContext
    from timeoutlint.scan import Scan


@dataclass(frozen=True)
class CacheOptions:
    """`--no-cache` and `--cache-dir`: whether the caches are read and written, and where
    (None: the configured `cache-dir`, else `.timeoutlint_cache` in the project root)."""

    enabled: bool = True
    directory: Path | None = None


class SessionError(Exception):
    """A configuration or catalog error the user can fix (the CLI exits 2)."""


@dataclass
class Session:
    """Everything a command needs, resolved from the arguments once."""

    config: Config
    rules: dict[str, Rule]
    enabled: frozenset[str]
    engine: Engine
    files: list[SourceFile]
    problems: list[Finding]
    stdin: bytes | None
    verbose: bool
    scan: Scan | None = None
    cache_refused: str | None = None
    cache: CacheOptions = CacheOptions()

    @property
    def uses_cache(self) -> bool:
        """The result cache is used unless `--no-cache` or the directory was refused."""
        return self.cache.enabled and self.cache_refused is None


def split_selectors(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--select A,B --select C` as one tuple; None when the option was not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def context_lines(project: ProjectContext, scopes: FileScopes | None = None) -> list[str]:
    """The project context for `--show-context`: the root, the files read, versions, compose
    projects, password evidence; then each project below the root with its own
    configuration or pins."""
    return [*project.describe_lines(), *(scopes.describe_lines() if scopes else [])]


def _command_line_options(
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    force_exclude: bool | None,
    default_timeout: float | None,
    redis_version: str | None,
    rq_version: str | None,
) -> Callable[[Config], Config]:
    """The command line's settings applied to a configuration (the root's, and every nested
    one alike): `--select` replaces, `--extend-select` and `--ignore` add."""
    overrides: dict[str, Any] = {
        "select": split_selectors(select),
        "force_exclude": force_exclude,
        "default_timeout": default_timeout,
    }
    for option, key, value in (
        ("--redis-version", "redis_version", redis_version),
        ("--rq-version", "rq_version", rq_version),
    ):
        if value is not None:
            overrides[key] = _version_option(option, value)

    def adjust(config: Config) -> Config:
        config = config.with_overrides(**overrides)
        return config.with_overrides(
            extend_select=(*config.extend_select, *(split_selectors(extend_select) or ())),
            ignore=(*config.ignore, *(split_selectors(ignore) or ())),
        )

    return adjust


def _ignore(message: str) -> None:
    pass


def _version_option(option: str, value: str) -> str:
    """A version specifier given on the command line, validated as the configuration's is."""
    from timeoutlint.version_option import parse_version_option

    try:
        return parse_version_option(value)
    except ValueError as exc:
        raise ConfigError(f"{option} {exc}") from None


def build_session(
    paths: tuple[Path, ...],
    select: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    config_file: Path | None = None,
    stdin_filename: str | None = None,
    force_exclude: bool | None = None,
    verbose: bool = False,
    default_timeout: float | None = None,
    write_cache: bool = True,
    *,
    jobs: int | None = None,
    cache: CacheOptions | None = None,
    config: Config | None = None,
    rules: Mapping[str, Rule] | None = None,
    redis_version: str | None = None,
    rq_version: str | None = None,
    read_stdin: Callable[[], bytes] | None = None,
    log: Callable[[str], None] = _ignore,
    warn: Callable[[str], None] = _ignore,
) -> Session:
    """The configuration, the files, the project context and the engine of a run.

    `paths` of `("-",)` reads one text through `read_stdin` (named by `stdin_filename`).
    `log` gets the `--verbose` lines, `warn` the warnings (a refused cache directory).
    `cache` says whether and where the index and result caches live (default: on, in the
    configured directory). `config` and `rules`, when given, are used instead of the
    configuration found from the paths and its catalog (the catalog examples, the tests).
    `redis_version` / `rq_version` (`--redis-version`, `--rq-version`) override the
    configuration keys of the same names. A `stdin_filename` means stdin is read, as in
    ruff: other paths are ignored, with a warning.
    """
    from timeoutlint.cache import usable_directory
    from timeoutlint.file_memo import FileMemo
    from timeoutlint.file_scopes import FileScopes
    from timeoutlint.project import build_project_context, context_snapshot
    from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
    from timeoutlint.project.client_factories import rule_constructors
    from timeoutlint.project.context_files import context_files, covers_root
    from timeoutlint.project.project_pins import ProjectPins
    from timeoutlint.scan import MEMO_MIN_FILES, scan_files

    targets = paths or (Path("."),)
    if stdin_filename is not None:
        ignored = next((p for p in targets if str(p) != "-"), None)
        if ignored is not None and paths:
            warn(f"ignoring file {ignored} in favor of standard input")
        targets = (Path("-"),)
    reading_stdin = any(str(p) == "-" for p in targets)
    if reading_stdin and len(targets) > 1:
        raise SessionError("'-' (stdin) cannot be combined with other paths")
    start = (
        Path(stdin_filename).parent
        if reading_stdin and stdin_filename
        else (Path(".") if reading_stdin else targets[0])
    )
    explicit = config is not None or config_file is not None
    try:
        if config is None:
            config = load_config(config_file, start)
        rules = dict(rules) if rules is not None else all_rules(config)
        if default_timeout is not None:
            check_default_timeout("--default-timeout", default_timeout)
        adjust = _command_line_options(
            select, extend_select, ignore, force_exclude, default_timeout, redis_version, rq_version
        )
        config = adjust(config)
        enabled = selected_rules(config, rules)
    except (ConfigError, CatalogError) as exc:
        raise SessionError(str(exc)) from None
    if verbose:
        log(f"configuration: {config.source or 'defaults (no [tool.timeoutlint] found)'}")
        log(f"enabled rules: {', '.join(sorted(enabled))}")
    names = DirectoryNames()
    tree = ConfigTree(config, adjust, explicit, names)
    discovery = Discovery(config, tree)
    stdin_data: bytes | None = None
    if reading_stdin:
        name = stdin_filename or "-"
        path = Path(os.path.abspath(name))
        kind = classify(path.name) or "python"
        files = [SourceFile(path, display_path(path) if stdin_filename else "-", name, kind)]
        stdin_data = read_stdin() if read_stdin is not None else b""
    else:
        try:
            files = discovery.files(targets)
        except ConfigError as exc:  # a nested configuration met on the walk
            raise SessionError(str(exc)) from None
    index_cache = None
    cache_refused = None
    cache = cache or CacheOptions()
    if cache.enabled:
        index_cache, cache_refused = usable_directory(config, cache.directory)
        if cache_refused is not None:
            warn(cache_refused)
    constructors = rule_constructors(rules)
    snapshot_key = None
    snapshot_directories: tuple[str, ...] = ()
    stale: ContextSnapshot | None = None
    """A snapshot that only given files no longer match: refreshed for them alone."""
    project: ProjectContext | None = None
    started_ns = time.time_ns()
    # A run over the whole root walks it anyway: the snapshot is for the runs over a few files.
    if index_cache is not None and not reading_stdin and not covers_root(targets, config.root):
        options: list[object] = [select, extend_select, ignore, force_exclude, default_timeout]
        options += [explicit, redis_version, rq_version]
        snapshot_key = context_snapshot.snapshot_key(config, tuple(options), constructors)
        snapshot = context_snapshot.load(index_cache, snapshot_key)
        if snapshot is not None:
            reuse = _ContextReuse(rules, enabled, jobs, index_cache, write_cache)
            project, scan, stale = _reused_context(snapshot, files, tree, reuse)
            snapshot_directories = snapshot.scope_directories
    reused = project is not None
    if project is not None:
        in_context = files
        _log_nested(tree, verbose, log)
    else:
        started_ns = time.time_ns()
        try:
            in_context = context_files(files, () if reading_stdin else targets, config, tree)
            directories = {directory_of(source.path) for source in in_context}
            for directory in directories:
                tree.for_directory(directory)
        except ConfigError as exc:
            raise SessionError(str(exc)) from None
        _log_nested(tree, verbose, log)
        memo = None
        if index_cache is not None and len(in_context) >= MEMO_MIN_FILES:
            memo = FileMemo.open(index_cache)
        scan = scan_files(
            in_context,
            memo,
            jobs,
            hashed=index_cache is not None,
            prefilter=_scan_prefilter(config, rules, enabled, tree),
            byte_facts=PYTHON_BYTE_FACTS,
        )
        if verbose:
            log(f"{scan.remembered} of {len(in_context)} files unchanged since the last run")
        project = build_project_context(
            in_context, config, index_cache, write_cache, scan, jobs, constructors
        )
        project = replace(project, known_fingerprint=project.fingerprint())  # digested once
    _, checks = enabled_checks(config, rules, enabled)
    file_scopes = FileScopes(tree, ProjectPins(config, project.dependencies, names))
    if reused:
        directories = {*snapshot_directories, *(directory_of(s.path) for s in in_context)}
    for directory in directories:
        file_scopes.of_directory(directory)
    # One configuration and one set of pins: nothing to look up per file.
    scopes = file_scopes if tree.nested() or file_scopes.pins.projects() else None
    if (
        index_cache is not None
        and snapshot_key is not None
        and not project.from_snapshot
        and write_cache
    ):
        if stale is not None:
            snapshot = context_snapshot.refreshed(
                stale, files, project, scan, file_scopes, started_ns
            )
        else:
            snapshot = context_snapshot.build(
                project, in_context, names.directories(), scan, file_scopes, started_ns
            )
        context_snapshot.save(index_cache, snapshot_key, snapshot)
    if verbose:
        for line in context_lines(project, scopes):
            log(line)
    engine = Engine(config, rules, enabled, project, checks, scopes)
    problems: list[Finding] = []
    for problem in discovery.problems:
        source = SourceFile(Path(problem.display), problem.display, problem.display, "unknown")
        problems.extend(engine.read_error(source, problem.message))
    if verbose:
        log(f"{len(files)} files to check")
    return Session(
        config,
        rules,
        enabled,
        engine,
        files,
        problems,
        stdin_data,
        verbose,
        scan,
        cache_refused,
        cache,
    )


def _log_nested(tree: ConfigTree, verbose: bool, log: Callable[[str], None]) -> None:
    if verbose:
        for nested in tree.nested():
            log(f"configuration for {nested.root}: {nested.source}")


def _scan_prefilter(
    config: Config, rules: Mapping[str, Rule], enabled: frozenset[str], tree: ConfigTree
) -> Prefilter:
    """The union of every scope's checks: the root's and each nested configuration's."""
    try:
        scan_checks = list(enabled_checks(config, rules, enabled)[1])
        for nested in tree.nested():
            scan_checks.extend(enabled_checks(nested, rules, selected_rules(nested, rules))[1])
    except ConfigError as exc:
        raise SessionError(str(exc)) from None
    return Prefilter.of(scan_checks)


@dataclass(frozen=True)
class _ContextReuse:
    """What `_reused_context` needs of the run besides the snapshot and the given files."""

    rules: Mapping[str, Rule]
    enabled: frozenset[str]
    jobs: int | None
    cache_directory: Path
    write_cache: bool


def _reused_context(
    snapshot: ContextSnapshot, given: list[SourceFile], tree: ConfigTree, reuse: _ContextReuse
) -> tuple[ProjectContext | None, Scan, ContextSnapshot | None]:
    """The snapshot's project context when nothing it was built from changed but the given
    files, with the scan of the given files alone (`project/context_snapshot.py`): as it is
    when the context never read them and still would not, else rebuilt for them
    (`project/context_patch.py`); None (and an empty scan) when anything else changed. The
    snapshot comes back when only given files differed from it: it is refreshed for them."""
    from timeoutlint.file_memo import FileMemo
    from timeoutlint.project import context_snapshot
    from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
    from timeoutlint.scan import MEMO_MIN_FILES, Scan, scan_files

    changed = context_snapshot.changed_files(snapshot)
    if changed is None or not context_snapshot.serves_this_run(snapshot):
        return None, Scan(), None
    try:
        for directory in snapshot.scope_directories:
            tree.for_directory(directory)
        for source in given:
            tree.for_file(source.path)
    except ConfigError as exc:
        raise SessionError(str(exc)) from None
    prefilter = _scan_prefilter(tree.root, reuse.rules, reuse.enabled, tree)
    cache_directory = reuse.cache_directory
    memo = FileMemo.open(cache_directory) if len(given) >= MEMO_MIN_FILES else None
    scan = scan_files(given, memo, reuse.jobs, prefilter=prefilter, byte_facts=PYTHON_BYTE_FACTS)
    if context_snapshot.given_excused(snapshot, changed, given, scan):
        return context_snapshot.restored(snapshot, cache_directory, given), scan, None
    given_paths = {os.path.abspath(source.path) for source in given}
    if not given_paths.issuperset(changed):
        return None, scan, None
    project = context_snapshot.patched(
        snapshot,
        changed,
        given,
        scan,
        tree.root,
        cache_directory,
        reuse.write_cache,
        reuse.jobs,
    )
    return project, scan, snapshot


def source_file(session: Session, path: Path) -> SourceFile:
    """The `SourceFile` for a text named `path` that is not read from disk (an editor buffer,
    stdin): its kind by name (or `compose-files`), its path relative to the project root for
    `per-file-ignores` and `test-paths`. Anything else is read as Python, like `check -`."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(session.config.root).as_posix()
    except ValueError:
        relative = absolute.as_posix().lstrip("/")
    kind = Discovery(session.config).kind_of(absolute.name, relative) or "python"
    return SourceFile(absolute, display_path(absolute), relative, kind)


def check_source(session: Session, path: Path, data: bytes) -> list[Finding]:
    """The findings of `timeoutlint check` for this text under the session's settings, as
    `check --stdin-filename PATH -` gives them: a fix `fix` could not make is not offered."""
    source = source_file(session, path)
    return only_makeable_fixes(session.engine.analyze(source, data), source.kind, data)


def only_makeable_fixes(findings: list[Finding], kind: str, data: bytes) -> list[Finding]:
    """The findings of one text, without the fixes `fix` could not make (a fix that needs
    libcst in a text libcst cannot parse)."""
    from timeoutlint.fixes.apply import FileEdits, needs_libcst

    edits: FileEdits | None = None
    kept = []
    for finding in findings:
        if finding.fix is None or not needs_libcst(kind, finding):
            kept.append(finding)
            continue
        if edits is None:
            edits = FileEdits(kind, data)
        kept.append(finding if edits.can_make(finding) else replace(finding, fix=None))
    return kept


def fix_source(
    session: Session,
    path: Path,
    data: bytes,
    unsafe: bool = False,
    wanted: Callable[[Finding], bool] | None = None,
) -> bytes:
    """The bytes `timeoutlint fix` (with `--unsafe-fixes` when `unsafe`) writes for this
    text, through the same verified fix loop; `wanted` limits the fixes to some findings
    (one rule, one finding). A refused fix leaves its text as it was."""
    from timeoutlint.fixes.apply import fix_file

    return fix_file(session.engine, source_file(session, path), data, unsafe, wanted).fixed


@dataclass(frozen=True)
class CheckResult:
    """The findings of a run, sorted (the discovery problems among them), and the files whose
    analysis crashed (`FileResult.internal_error`; the other files were checked)."""

    findings: list[Finding]
    crashed: tuple[FileResult, ...] = ()
    warnings: tuple[str, ...] = ()
    """Malformed `# noqa:` directives, `Invalid ... on path:line: why` (see `noqa_warnings`)."""


def run_files(
    session: Session,
    jobs: int | None = None,
    write_cache: bool = True,
    log: Callable[[str], None] = _ignore,
) -> list[FileResult]:
    """The engine over the session's files, with the result cache unless the session's cache
    options say no (or its directory was refused). `fix` reads the cache but does not write
    it: it rewrites the files it reads. `log` gets the `--verbose` lines."""
    from timeoutlint.cache import ResultCache, cache_directory, settings_key

    cache = None
    if session.uses_cache:
        directory = cache_directory(session.config, session.cache.directory)
        key = settings_key(
            session.config,
            session.rules,
            session.engine.enabled,
            session.engine.project.fingerprint()
            + (session.engine.scopes.fingerprint() if session.engine.scopes else ""),
        )
        cache = ResultCache.open(directory, key)
    results = session.engine.run(session.files, jobs, cache, session.scan)
    if cache is not None and write_cache:
        for problem in (cache.save(), session.scan.save() if session.scan else None):
            if problem and session.verbose:
                log(problem)
    if session.verbose:
        analyzed = sum(1 for r in results if r.analyzed)
        cached = sum(1 for r in results if r.analyzed and r.cached)
        parsed = sum(1 for r in results if r.parsed)
        unread = sum(1 for r in results if r.unread)
        log(
            f"{len(results) - unread} files read, {analyzed} passed the prefilter"
            f" ({cached} answered from the cache), {parsed} parsed and checked (a rule's guard"
            f" admitted them); {unread} unchanged files answered without reading; the project"
            f" index parsed {session.engine.project.python_index.parsed} modules"
        )
    return results


def check_paths(
    session: Session, jobs: int | None = None, log: Callable[[str], None] = _ignore
) -> CheckResult:
    """The findings of `timeoutlint check` for the session's files (or its stdin text), before
    the fixes `fix` could not make are taken out (that needs the report's edits; see cli)."""
    if session.stdin is not None:
        source = session.files[0]
        found = session.engine.analyze(source, session.stdin)
        return CheckResult(found, (), tuple(_noqa_warnings(source, session.stdin)))
    results = run_files(session, jobs, log=log)
    crashed = tuple(result for result in results if result.internal_error is not None)
    findings = sorted([*session.problems, *all_findings(results)], key=lambda f: f.sort_key)
    return CheckResult(findings, crashed, noqa_warnings(session, results))


def noqa_warnings(session: Session, results: Sequence[FileResult]) -> tuple[str, ...]:
    """The malformed `# noqa:` directives of the files this run parsed and checked, as ruff
    warns of them (`Invalid `# noqa` directive on path:line: why`). Like ruff, only files
    that were analysed now: a file answered from the cache, or one no rule could report in
    (nothing for a directive to suppress), is not read again for this."""
    by_display = {source.display: source for source in session.files}
    warnings: list[str] = []
    for result in results:
        source = by_display.get(result.path)
        if not result.parsed or result.cached or source is None:
            continue
        try:
            data = read_regular_file(source.path)
        except OSError:
            continue
        warnings.extend(_noqa_warnings(source, data))
    return tuple(warnings)


def _noqa_warnings(source: SourceFile, data: bytes) -> list[str]:
    from timeoutlint.suppression import invalid_noqa_lines

    if b"noqa" not in data.lower():
        return []
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return [
        f"{what} {source.display}:{line}: {reason}"
        for line, what, reason in invalid_noqa_lines(text, source.kind)
    ]


@dataclass(frozen=True)
class FixOptions:
    """`timeoutlint fix`'s choices: unsafe fixes too, a diff instead of writing, workers."""

    unsafe: bool = False
    diff: bool = False
    jobs: int | None = None


@dataclass(frozen=True)
class FixedFile:
    """What happened to one file with allowed fixes, in the order the CLI prints it: the
    refused fixes (`refusals`, one line each), then a write error or the diff.

    `unread`: the file could not be read (its TL003-style findings); `crash`: fixing it
    crashed (as `FileResult.internal_error`); `not_written`: the fixed bytes could not be
    written (the reason); `diff`: with `--diff`, the patch of a changed file.
    """

    source: SourceFile
    refusals: str | None = None
    unread: tuple[Finding, ...] = ()
    crash: str | None = None
    not_written: str | None = None
    diff: str = ""
    applied: int = 0
    fixed: tuple[tuple[str, int], ...] = ()
    """How many findings of each rule the fixes removed (for `--show-fixes`), by rule id."""


@dataclass(frozen=True)
class FixResult:
    """The outcome of `fix_paths`: the findings left (sorted), the files that had fixes,
    whether anything changed (or would, with `--diff`), and how many fixes were applied.

    `failed`: a file could not be fixed or written, or (with `--diff`) read: exit 2.
    `stdin_fixed`: for stdin, the fixed text (or the text itself when nothing applied).
    """

    remaining: list[Finding]
    files: tuple[FixedFile, ...]
    changed: bool
    applied: int
    failed: bool
    crashed: tuple[FileResult, ...] = ()
    stdin_fixed: bytes | None = None


def fix_paths(
    session: Session, options: FixOptions, log: Callable[[str], None] = _ignore
) -> FixResult:
    """`timeoutlint fix`: check the files, fix those with allowed fixes in forked workers,
    and (unless `options.diff`) write each changed file through `safe_write.write_file`,
    which refuses a file edited since it was read. Nothing is printed: the caller prints
    `FixResult.files` in order. A stdin text is fixed in memory (`stdin_fixed`); an
    exception there propagates, so that the caller can give the text back unchanged."""
    from timeoutlint.fixes.apply import allowed, fix_file
    from timeoutlint.fixes.batch import fix_files
    from timeoutlint.fixes.patch import unified_diff
    from timeoutlint.safe_write import describe_write_error, write_file

    if session.stdin is not None:
        source = session.files[0]
        outcome = fix_file(session.engine, source, session.stdin, options.unsafe)
        shown = unified_diff(source.display, outcome.original, outcome.fixed)
        fixed_rules = _fixed_rules(session.engine.analyze(source, session.stdin), outcome)
        stdin_file = FixedFile(
            source, outcome.error, diff=shown, applied=outcome.applied, fixed=fixed_rules
        )
        return FixResult(
            list(outcome.remaining),
            (stdin_file,),
            outcome.changed,
            outcome.applied,
            False,
            stdin_fixed=outcome.fixed,
        )

    def describe(outcome: FileFix) -> str:
        return unified_diff(outcome.source.display, outcome.original, outcome.fixed)

    results = run_files(session, options.jobs, write_cache=False, log=log)
    crashed = tuple(result for result in results if result.internal_error is not None)
    failed = bool(crashed) or (options.diff and bool(session.problems))
    by_display = {source.display: source for source in session.files}

    def has_fixes(result: FileResult) -> bool:
        return any(allowed(f, options.unsafe) for f in result.findings)

    fixes = iter(
        fix_files(
            session.engine,
            [by_display[result.path] for result in results if has_fixes(result)],
            options.unsafe,
            options.jobs,
            describe if options.diff else None,
        )
    )
    remaining = list(session.problems)
    files: list[FixedFile] = []
    changed = False
    applied = 0
    for result in results:
        if not has_fixes(result):
            remaining.extend(result.findings)
            continue
        fixed = next(fixes)
        source = fixed.source
        if fixed.read_error is not None:
            unread = tuple(session.engine.read_error(source, fixed.read_error))
            remaining.extend(unread)
            files.append(FixedFile(source, unread=unread))
            failed = failed or (options.diff and bool(unread))
            continue
        if fixed.fix is None:
            files.append(FixedFile(source, crash=fixed.crash))
            failed = True
            remaining.extend(result.findings)
            continue
        outcome = fixed.fix
        if outcome.changed and not options.diff:
            try:
                write_file(source.path, outcome.fixed, session.config.root, fixed.state)
            except OSError as exc:
                reason = describe_write_error(exc)
                files.append(FixedFile(source, outcome.error, not_written=reason))
                failed = True
                remaining.extend(result.findings)
                continue
        remaining.extend(outcome.remaining)
        if not outcome.changed:
            files.append(FixedFile(source, outcome.error))
            continue
        changed = True
        applied += outcome.applied
        files.append(
            FixedFile(
                source,
                outcome.error,
                diff=fixed.shown,
                applied=outcome.applied,
                fixed=_fixed_rules(result.findings, outcome),
            )
        )
    remaining.sort(key=lambda f: f.sort_key)
    return FixResult(remaining, tuple(files), changed, applied, failed, crashed)


def edits_loader(session: Session) -> Callable[[Finding], tuple[TextEdit, ...]]:
    """Each finding's fix as text edits; a file is read, decoded and indexed once for all
    of its findings."""
    by_display = {source.display: source for source in session.files}
    files: dict[str, FileEdits | None] = {}

    made: dict[Finding, tuple[TextEdit, ...]] = {}

    def load(finding: Finding) -> tuple[TextEdit, ...]:
        if finding not in made:
            made[finding] = compute(finding)
        return made[finding]

    def compute(finding: Finding) -> tuple[TextEdit, ...]:

        source = by_display.get(finding.path)
        if source is None or finding.fix is None:
            return ()
        edits = _file_edits(session, source, files)
        if edits is None:
            return ()
        try:
            return edits.of(finding)
        except Exception:
            return ()

    return load


def _file_edits(
    session: Session, source: SourceFile, files: dict[str, FileEdits | None]
) -> FileEdits | None:
    """A file's fix edits, read once per run (stdin in `-` mode); None if it cannot be read."""
    from timeoutlint.fixes.apply import FileEdits

    if source.display not in files:
        try:
            data = session.stdin if session.stdin is not None else read_regular_file(source.path)
            files[source.display] = FileEdits(source.kind, data)
        except OSError:
            files[source.display] = None
    return files[source.display]


def only_fixes_it_can_make(
    findings: list[Finding],
    session: Session,
    edits_for: Callable[[Finding], tuple[TextEdit, ...]] | None = None,
) -> list[Finding]:
    """The findings, without the fixes that `fix` could not make: a fix that needs libcst in
    a file libcst cannot parse, and (when `edits_for` shows the edits anyway) any fix whose
    edits cannot be computed. So `check` never calls such a finding fixable."""
    from timeoutlint.fixes.apply import needs_libcst

    by_display = {source.display: source for source in session.files}
    files: dict[str, FileEdits | None] = {}
    kept = []
    for finding in findings:
        source = by_display.get(finding.path)
        if finding.fix is None or source is None:
            kept.append(finding)
            continue
        if edits_for is None and not needs_libcst(source.kind, finding):
            kept.append(finding)  # decided without reading the file
            continue
        edits = _file_edits(session, source, files)
        makeable = edits is not None and edits.can_make(finding)
        if makeable and edits_for is not None:
            makeable = bool(edits_for(finding))
        kept.append(finding if makeable else replace(finding, fix=None))
    return kept


def _fixed_rules(before: Sequence[Finding], outcome: FileFix) -> tuple[tuple[str, int], ...]:
    """The findings per rule that a file's fixes removed: found before, not found after."""
    from collections import Counter

    gone = Counter(f.rule_id for f in before) - Counter(f.rule_id for f in outcome.remaining)
    return tuple(sorted(gone.items()))


def report_context(session: Session) -> ReportContext:
    """What the reports read besides the findings: the catalog, the repository root, each
    finding's edits (`edits_loader`) and the source lines (stdin's text for `-`)."""
    from timeoutlint.report.context import ReportContext, repository_root

    stdin_text = None
    if session.stdin is not None:
        stdin_text = session.stdin.decode("utf-8", "replace")
    stdin_display = session.files[0].display if session.stdin is not None else None

    def read_text(display: str) -> str | None:
        if display == stdin_display:
            return stdin_text
        from timeoutlint.report.context import read_source_text

        return read_source_text(Path(display))

    return ReportContext(
        rules=session.rules,
        root=repository_root(session.config.root),
        version=__version__,
        edits_for=edits_loader(session),
        read_text=read_text,
    )
