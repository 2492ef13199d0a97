"""The in-process pipeline the CLI and the language server share: a session, then the
findings or the fixed bytes of one text.

No click here: `cli.py` turns a `SessionError` into exit 2 and the server turns it into a
log message. Both get the same findings for the same text and settings because both go
through `build_session` and `Engine.analyze` (the stdin path of `check -` / `fix -`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeoutlint.catalog import CatalogError, Rule
from timeoutlint.config import (
    Config,
    ConfigError,
    check_default_timeout,
    load_config,
    selected_rules,
)
from timeoutlint.discovery import Discovery, SourceFile, classify, display_path
from timeoutlint.engine import Engine, Prefilter, enabled_checks
from timeoutlint.findings import Finding
from timeoutlint.rule_packs import all_rules

if TYPE_CHECKING:
    from timeoutlint.project import ProjectContext
    from timeoutlint.scan import Scan


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


def split_selectors(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--select A,B --select C` as one tuple; None when the option was not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def context_lines(project: ProjectContext) -> list[str]:
    """The project context for `--show-context`: the root, the files read, versions, compose
    projects, password evidence."""
    return project.describe_lines()


def _ignore(message: str) -> None:
    pass


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
    use_cache: bool = True,
    cache_dir: Path | None = None,
    read_stdin: Callable[[], bytes] | None = None,
    log: Callable[[str], None] = _ignore,
    warn: Callable[[str], None] = _ignore,
) -> Session:
    """The configuration, the files, the project context and the engine of a run.

    `paths` of `("-",)` reads one text through `read_stdin` (named by `stdin_filename`).
    `log` gets the `--verbose` lines, `warn` the warnings (a refused cache directory).
    """
    from timeoutlint.cache import usable_directory
    from timeoutlint.file_memo import FileMemo
    from timeoutlint.project import build_project_context
    from timeoutlint.project.context_files import context_files
    from timeoutlint.scan import MEMO_MIN_FILES, scan_files

    targets = paths or (Path("."),)
    reading_stdin = any(str(p) == "-" for p in targets)
    if reading_stdin and len(targets) > 1:
        raise SessionError("'-' (stdin) cannot be combined with other paths")
    start = (
        Path(stdin_filename).parent
        if reading_stdin and stdin_filename
        else (Path(".") if reading_stdin else targets[0])
    )
    try:
        config = load_config(config_file, start)
        rules = all_rules(config)
        overrides: dict[str, Any] = {
            "select": split_selectors(select),
            "force_exclude": force_exclude,
            "default_timeout": default_timeout,
        }
        if default_timeout is not None:
            check_default_timeout("--default-timeout", default_timeout)
        config = config.with_overrides(**overrides)
        config = config.with_overrides(
            extend_select=(*config.extend_select, *(split_selectors(extend_select) or ())),
            ignore=(*config.ignore, *(split_selectors(ignore) or ())),
        )
        enabled = selected_rules(config, rules)
    except (ConfigError, CatalogError) as exc:
        raise SessionError(str(exc)) from None
    if verbose:
        log(f"configuration: {config.source or 'defaults (no [tool.timeoutlint] found)'}")
        log(f"enabled rules: {', '.join(sorted(enabled))}")
    discovery = Discovery(config)
    stdin_data: bytes | None = None
    if reading_stdin:
        name = stdin_filename or "-"
        path = Path(os.path.abspath(name))
        kind = classify(path.name) or "python"
        files = [SourceFile(path, display_path(path) if stdin_filename else "-", name, kind)]
        stdin_data = read_stdin() if read_stdin is not None else b""
    else:
        files = discovery.files(targets)
    index_cache = None
    cache_refused = None
    if use_cache:
        index_cache, cache_refused = usable_directory(config, cache_dir)
        if cache_refused is not None:
            warn(cache_refused)
    in_context = context_files(files, () if reading_stdin else targets, config)
    memo = None
    if index_cache is not None and len(in_context) >= MEMO_MIN_FILES:
        memo = FileMemo.open(index_cache)
    _, checks = enabled_checks(config, rules, enabled)
    prefilter = Prefilter.of(checks)
    scan = scan_files(in_context, memo, jobs, hashed=index_cache is not None, prefilter=prefilter)
    if verbose:
        log(f"{scan.remembered} of {len(in_context)} files unchanged since the last run")
    project = build_project_context(in_context, config, index_cache, write_cache, scan, jobs)
    if verbose:
        for line in context_lines(project):
            log(line)
    engine = Engine(config, rules, enabled, project, checks)
    problems: list[Finding] = []
    for problem in discovery.problems:
        source = SourceFile(Path(problem.display), problem.display, problem.display, "unknown")
        problems.extend(engine.read_error(source, problem.message))
    if verbose:
        log(f"{len(files)} files to check")
    return Session(
        config, rules, enabled, engine, files, problems, stdin_data, verbose, scan, cache_refused
    )


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
