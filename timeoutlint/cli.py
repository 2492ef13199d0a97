"""The command line: click commands only; the work happens in the engine, fixer and reports.

Exit codes follow ruff: 0 no findings, 1 findings (for `fix`: findings left,
or with `--diff`, changes that would be made), 2 usage, configuration or
internal error, or a file that `fix` / `--add-noqa` could not write (ruff
names such a file and goes on; so do we, and the exit code says the tree is
not what was asked for).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from timeoutlint import __version__
from timeoutlint.catalog import CatalogError, Rule
from timeoutlint.config import ConfigError, load_config
from timeoutlint.engine import FileResult
from timeoutlint.findings import Finding
from timeoutlint.report.formats import FORMATS, WITH_EDITS, RenderOptions, render
from timeoutlint.rule_packs import all_rules
from timeoutlint.run import (
    CacheOptions,
    FixOptions,
    FixResult,
    Session,
    SessionError,
    build_session,
    check_paths,
    context_lines,
    fix_paths,
    only_fixes_it_can_make,
    report_context,
)

if TYPE_CHECKING:
    from timeoutlint.report.context import ReportContext

ISSUES_URL = "https://github.com/timeoutlint/timeoutlint/issues"
OUTPUT_FORMATS = tuple(FORMATS)

F = TypeVar("F", bound=Callable[..., Any])
_VERBOSE_KEY = "timeoutlint.verbose"


class UsageFailure(click.ClickException):
    """An error the user can fix (configuration, catalog, arguments): exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"timeoutlint: error: {self.format_message()}", err=True)


def _color() -> bool | None:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


def _remember_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Kept in the shared context so that `_GuardedGroup` can honour it for any crash."""
    ctx.meta[_VERBOSE_KEY] = value
    return value


def common_options(function: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--select",
            multiple=True,
            help="Rules to enable (ids, prefixes, names or ALL), comma-separated.",
        ),
        click.option(
            "--extend-select", multiple=True, help="Rules to enable on top of the selection."
        ),
        click.option("--ignore", multiple=True, help="Rules to disable."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Use this pyproject.toml (or TOML file) instead of searching.",
        ),
        click.option(
            "--stdin-filename",
            help="Read the text to check from stdin, under this name (other paths are ignored).",
        ),
        click.option(
            "--force-exclude/--no-force-exclude",
            default=None,
            help="Apply excludes to paths given on the command line too (for pre-commit).",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
        click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary."),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            callback=_remember_verbose,
            help="Explain what is happening; show tracebacks of internal errors.",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            help="Worker processes (default: one per core).",
        ),
        click.option(
            "--default-timeout", type=float, help="The timeout (seconds) that fixes insert."
        ),
        click.option(
            "--redis-version",
            metavar="SPEC",
            help="The redis-py version(s) the project uses, e.g. '5.0.8' or '>=5,<6' "
            "(overrides the configuration key redis-version and the project's pins).",
        ),
        click.option(
            "--rq-version",
            metavar="SPEC",
            help="The rq version(s) the project uses (overrides the configuration key rq-version).",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            envvar="TIMEOUTLINT_NO_CACHE",
            help="Neither read nor write cached results.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Where cached results are kept (default: .timeoutlint_cache in the project "
            "root; configuration key cache-dir).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _log(verbose: bool, message: str) -> None:
    if verbose:
        click.echo(f"timeoutlint: {message}", err=True)


def _session(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    stdin_filename: str | None,
    force_exclude: bool | None,
    verbose: bool,
    default_timeout: float | None,
    cache: CacheOptions,
    redis_version: str | None = None,
    rq_version: str | None = None,
    write_cache: bool = True,
) -> Session:
    """`run.build_session` with the command's options; a configuration error exits 2."""
    click_context = click.get_current_context()
    try:
        session = build_session(
            paths,
            select,
            extend_select,
            ignore,
            config_file,
            stdin_filename,
            force_exclude,
            verbose,
            default_timeout,
            write_cache,
            jobs=click_context.params.get("jobs"),
            cache=cache,
            redis_version=redis_version,
            rq_version=rq_version,
            read_stdin=_read_stdin,
            log=lambda message: _log(True, message),
            warn=lambda message: click.echo(f"timeoutlint: warning: {message}", err=True),
        )
    except SessionError as exc:
        raise UsageFailure(str(exc)) from None
    return session


def _read_stdin() -> bytes:
    """Standard input's bytes; a closed or missing stdin reads as an empty file."""
    if sys.stdin is None or sys.stdin.closed:
        return b""
    try:
        return sys.stdin.buffer.read()
    except (OSError, ValueError):
        return b""


def _report_internal_errors(results: Iterable[FileResult], verbose: bool) -> bool:
    from timeoutlint.redact import redact  # only on an internal error: its patterns cost
    from timeoutlint.report.text import printable

    failed = False
    for result in results:
        if result.internal_error is None:
            continue
        failed = True
        first_line = printable(redact(result.internal_error.splitlines()[0]))
        click.echo(
            f"timeoutlint: internal error while checking {printable(result.path)}: {first_line}. "
            f"The other files were checked. Please report this at {ISSUES_URL}"
            + ("" if verbose else " (run with --verbose for the traceback)"),
            err=True,
        )
        if verbose:
            click.echo(redact(result.internal_error), err=True)
    return failed


def _parse_outputs(values: Sequence[str]) -> list[tuple[str, Path]]:
    """`--output FORMAT=FILE` values, validated."""
    outputs = []
    for value in values:
        name, separator, file_name = value.partition("=")
        if not separator or not file_name:
            raise UsageFailure(f"--output expects FORMAT=FILE, not {value!r}")
        if name not in OUTPUT_FORMATS:
            raise UsageFailure(
                f"--output: unknown format {name!r}. Valid choices: {', '.join(OUTPUT_FORMATS)}"
            )
        outputs.append((name, Path(file_name)))
    return outputs


def _emit(
    findings: list[Finding],
    session: Session,
    output_format: str,
    output_file: Path | None,
    quiet: bool,
    statistics: bool,
    extra_outputs: Sequence[tuple[str, Path]] = (),
    context: ReportContext | None = None,
) -> None:
    context = context or report_context(session)
    color = _color()
    for name, path in extra_outputs:
        options = RenderOptions(quiet=quiet, step_summary=_step_summary(name, findings, context))
        _write_report(path, render(name, findings, context, options), session)
    use_color = (
        bool(color)
        if output_file is None and color is not None
        else output_file is None and sys.stdout.isatty()
    )
    options = RenderOptions(
        color=use_color,
        quiet=quiet,
        statistics=statistics,
        step_summary=_step_summary(output_format, findings, context),
    )
    rendered = render(output_format, findings, context, options)
    if output_file is not None:
        _write_report(output_file, rendered, session)
    elif rendered:
        click.echo(rendered, color=color)


def _step_summary(output_format: str, findings: list[Finding], context: ReportContext) -> bool:
    """For `github`, append the job summary to `$GITHUB_STEP_SUMMARY` when it is set (a
    warning if it cannot be written); whether the log may point to it."""
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format != "github" or not summary_file:
        return False
    from timeoutlint.report import github

    try:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(github.step_summary(findings, context))
    except OSError as exc:
        click.echo(
            f"timeoutlint: warning: cannot write the job summary to {summary_file}: "
            f"{exc.strerror or exc}",
            err=True,
        )
    return True


def _write_report(path: Path, rendered: str, session: Session) -> None:
    """Write a report file (through the guarded write), creating its directory as ruff does;
    an unwritable path is a usage error."""
    from timeoutlint.safe_write import describe_write_error, write_file

    data = (rendered + "\n" if rendered else "").encode("utf-8")
    try:
        write_file(path, data, session.config.root, create=True)
    except OSError as exc:
        reason = describe_write_error(exc)
        raise UsageFailure(f"{path}: cannot write the report: {reason}") from None


def _refuse_outputs_onto_sources(session: Session, outputs: Sequence[tuple[str, Path]]) -> None:
    """A report or baseline written over a file being checked would destroy it: usage error.

    Compared by device and inode, so another spelling of the path, a link or a
    hard link to a checked file is caught too.
    """
    existing = {}
    for option, path in outputs:
        try:
            info = os.stat(path)
        except OSError:
            continue
        existing[(info.st_dev, info.st_ino)] = (option, path)
    if not existing:
        return
    for source in session.files:
        try:
            info = os.stat(source.path)
        except OSError:
            continue
        clash = existing.get((info.st_dev, info.st_ino))
        if clash is not None:
            option, path = clash
            raise UsageFailure(
                f"{option} {path} would overwrite {source.display}, a file being checked;"
                " choose another file"
            )


class _GuardedGroup(click.Group):
    """Any unexpected exception in any command: a short message, where to report it, exit 2.
    Ctrl-C exits 130 and SIGTERM 143, silently (`interrupts.py`)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from timeoutlint.interrupts import handle_interruptions

        handle_interruptions()
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        from timeoutlint.interrupts import Terminated, exit_code

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (KeyboardInterrupt, Terminated) as interruption:
            raise click.exceptions.Exit(exit_code(interruption) or 1) from None
        except Exception as exc:
            _internal_error(exc, bool(ctx.meta.get(_VERBOSE_KEY)))


@click.group(cls=_GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="timeoutlint")
def main() -> None:
    """Find and fix network calls and Redis clients that can hang, time out too early, or fail to authenticate."""
    _tune_garbage_collection()


def _tune_garbage_collection() -> None:
    """Fewer, cheaper cyclic collections: a run allocates millions of short-lived `ast` nodes,
    which with the default thresholds (700, 10, 10) start a collection every few hundred
    nodes. Freezing what start-up created keeps it out of every later collection. Measured on
    the large benchmark corpus: 15 % less CPU for 10 % more peak memory; turning the
    collector off would save 25 % but triples peak memory (the models hold reference cycles)."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


@main.command()
@common_options
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    envvar="TIMEOUTLINT_OUTPUT_FORMAT",
    help="How findings are printed [default: full on a terminal, else concise].",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead of each finding.",
)
@click.option(
    "--show-context",
    is_flag=True,
    help="Print the project context the rules use (e.g. the redis-py and rq versions and "
    "where they were read) to stderr.",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=FILE",
    help="Also write the report in FORMAT to FILE (repeatable), e.g. --output sarif=out.sarif.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings that are not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the current findings in this baseline file and exit 0.",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: ID` comments that suppress every current finding.",
)
@click.option(
    "--fix/--no-fix",
    default=False,
    help="Apply the fixes (as `timeoutlint fix`), then report what is left.",
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply fixes marked unsafe.")
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply the fixes but do not report, or exit 1 for, the findings left. Implies --fix.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes as a unified diff and write nothing (exit 1 if there are any). "
    "Implies --fix-only.",
)
@click.option(
    "--show-fixes/--no-show-fixes",
    default=False,
    help="With --fix: list the findings the fixes removed, per file and rule.",
)
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    stdin_filename: str | None,
    force_exclude: bool | None,
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    default_timeout: float | None,
    redis_version: str | None,
    rq_version: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    output_format: str | None,
    output_file: Path | None,
    statistics: bool,
    show_context: bool,
    outputs: tuple[str, ...],
    baseline: Path | None,
    write_baseline: Path | None,
    add_noqa: bool,
    fix: bool,
    unsafe_fixes: bool,
    fix_only: bool,
    diff: bool,
    show_fixes: bool,
) -> None:
    """Check PATHS (default: the current directory) and report findings."""
    extra_outputs = _parse_outputs(outputs)
    fixing = fix or fix_only or diff
    if fixing and (add_noqa or write_baseline is not None):
        option = "--add-noqa" if add_noqa else "--write-baseline"
        raise UsageFailure(f"{option} cannot be combined with --fix, --fix-only or --diff")
    output_format = output_format or _default_format(output_file)
    _start_progress(verbose)
    session = _session(
        paths,
        select,
        extend_select,
        ignore,
        config_file,
        stdin_filename,
        force_exclude,
        verbose,
        default_timeout,
        CacheOptions(not no_cache, cache_dir),
        redis_version,
        rq_version,
        write_cache=not fixing,
    )
    _progress(f"checking {len(session.files):,} files")
    if show_context and not verbose:
        for line in context_lines(session.engine.project, session.engine.scopes):
            click.echo(f"timeoutlint: {line}", err=True)
    if add_noqa and session.stdin is not None:
        raise UsageFailure("--add-noqa edits files; it cannot be used with stdin ('-')")
    _refuse_outputs_onto_sources(
        session,
        [
            *([("--output-file", output_file)] if output_file is not None else []),
            *(("--output", path) for _, path in extra_outputs),
            *([("--write-baseline", write_baseline)] if write_baseline is not None else []),
        ],
    )
    if fixing:
        options = FixOptions(unsafe_fixes, diff, jobs)
        _check_fix(
            session,
            options,
            fix_only or diff,
            show_fixes,
            exit_zero,
            quiet,
            verbose,
            output_format,
            output_file,
            statistics,
            extra_outputs,
            baseline,
        )
    try:
        result = check_paths(session, jobs, log=lambda message: _log(True, message))
        _stop_progress()
        failed = _report_internal_errors(result.crashed, session.verbose)
        _show_warnings(result.warnings)
        context = report_context(session)
        formats = {output_format, *(name for name, _ in extra_outputs)}
        shown = context.edits_for if formats & WITH_EDITS else None
        findings = only_fixes_it_can_make(result.findings, session, shown)
        if add_noqa:
            findings, not_written = _add_noqa(findings, session, quiet)
            failed = failed or not_written
        elif write_baseline is not None:
            _write_baseline(write_baseline, findings, context, quiet, session.config.root)
            findings = []
        else:
            if baseline is not None:
                findings = _apply_baseline(baseline, findings, context)
            _emit(
                findings,
                session,
                output_format,
                output_file,
                quiet,
                statistics,
                extra_outputs,
                context,
            )
    except UsageFailure:
        raise
    except Exception as exc:
        _internal_error(exc, verbose)
    if failed:
        sys.exit(2)
    sys.exit(1 if findings and not exit_zero else 0)


_PROGRESS_KEY = "timeoutlint.progress"
_TEXT_FORMATS = ("full", "concise", "text")


def _start_progress(verbose: bool) -> None:
    """The progress line of a long run on a terminal's stderr (`progress.py`), stopped
    before anything is printed and, whatever happens, when the command ends."""
    from timeoutlint.progress import for_stderr

    context = click.get_current_context()
    ticker = for_stderr(verbose)
    context.meta[_PROGRESS_KEY] = ticker
    context.call_on_close(ticker.stop)


def _progress(what: str) -> None:
    ticker = click.get_current_context().meta.get(_PROGRESS_KEY)
    if ticker is not None:
        ticker.update(what)


def _stop_progress() -> None:
    ticker = click.get_current_context().meta.get(_PROGRESS_KEY)
    if ticker is not None:
        ticker.stop()


def _default_format(output_file: Path | None) -> str:
    """`full` (code frames) when a person reads stdout on a terminal, as ruff does; the
    one-line `concise` form for pipes, CI logs and files."""
    return "full" if output_file is None and sys.stdout.isatty() else "concise"


def _check_fix(
    session: Session,
    options: FixOptions,
    fix_only: bool,
    show_fixes: bool,
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    output_format: str,
    output_file: Path | None,
    statistics: bool,
    extra_outputs: Sequence[tuple[str, Path]],
    baseline: Path | None,
) -> None:
    """`check --fix` / `--fix-only` / `--diff`, as ruff's: `timeoutlint fix`'s loop, then the
    findings left in the chosen output format (none with `--fix-only`); exits."""
    from timeoutlint.report.fixed import fixed_summary, fixed_total, would_fix_total

    try:
        result = _fix(session, options)
        counts = [(fixed.source.display, fixed.fixed) for fixed in result.files]
        remaining: list[Finding] = []
        shown_fixes = fixed_summary(counts, session.rules) if show_fixes else ""
        if options.diff and not quiet:
            click.echo(would_fix_total(counts), err=True)
        if session.stdin is None and not options.diff:
            if fix_only:
                if shown_fixes and output_format in _TEXT_FORMATS:
                    click.echo(f"\n{shown_fixes}\n")
                if not quiet and output_format in _TEXT_FORMATS:
                    click.echo(fixed_total(counts))
            elif output_format in _TEXT_FORMATS and output_file is None and not statistics:
                _print_fixed(result, quiet, "timeoutlint check --fix", shown_fixes)
                remaining = result.remaining
            else:
                context = report_context(session)
                formats = {output_format, *(name for name, _ in extra_outputs)}
                shown = context.edits_for if formats & WITH_EDITS else None
                remaining = only_fixes_it_can_make(result.remaining, session, shown)
                if baseline is not None:
                    remaining = _apply_baseline(baseline, remaining, context)
                _emit(
                    remaining,
                    session,
                    output_format,
                    output_file,
                    quiet,
                    statistics,
                    extra_outputs,
                    context,
                )
        elif session.stdin is not None and not fix_only:
            remaining = result.remaining
    except UsageFailure:
        raise
    except Exception as exc:
        _internal_error(exc, verbose)
    if result.failed:
        sys.exit(2)
    if options.diff:
        sys.exit(1 if result.changed and not exit_zero else 0)
    sys.exit(1 if remaining and not exit_zero else 0)


def _add_noqa(findings: list[Finding], session: Session, quiet: bool) -> tuple[list[Finding], bool]:
    """Suppress the findings in place; return the ones that could not be suppressed, and
    whether a file could not be written (each is named on stderr)."""
    from timeoutlint.add_noqa import add_noqa_to_files
    from timeoutlint.report import text

    run = add_noqa_to_files(findings, session.files, session.config.root)
    for display, reason in run.not_written:
        click.echo(f"timeoutlint: error: {display}: not written: {reason}", err=True)
    left = list(run.not_suppressed)
    for finding in left:
        click.echo(text.format_finding(finding, color=False))
    if not quiet:
        noun = "directive" if run.added == 1 else "directives"
        files = "file" if len(run.changed_files) == 1 else "files"
        click.echo(f"Added {run.added} noqa {noun} to {len(run.changed_files)} {files}.")
        unwritten = {display for display, _ in run.not_written}
        uncommentable = sum(1 for finding in left if finding.path not in unwritten)
        if uncommentable:
            click.echo(
                f"{uncommentable} findings cannot be suppressed with a comment (listed above)."
            )
    return left, bool(run.not_written)


def _write_baseline(
    path: Path, findings: list[Finding], context: ReportContext, quiet: bool, root: Path
) -> None:
    from timeoutlint import baseline
    from timeoutlint.safe_write import describe_write_error

    try:
        baseline.write(path, findings, context, root)
    except OSError as exc:
        reason = describe_write_error(exc)
        raise UsageFailure(f"{path}: cannot write the baseline: {reason}") from None
    if not quiet:
        noun = "finding" if len(findings) == 1 else "findings"
        click.echo(f"Wrote a baseline of {len(findings)} {noun} to {path}.")


def _apply_baseline(path: Path, findings: list[Finding], context: ReportContext) -> list[Finding]:
    from timeoutlint import baseline

    try:
        known = baseline.read(path)
    except baseline.BaselineError as exc:
        raise UsageFailure(str(exc)) from None
    return known.new_findings(findings, context)


_WRITE_ERRORS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, name)
)


def _internal_error(exc: BaseException, verbose: bool) -> None:
    if isinstance(exc, BrokenPipeError):
        raise exc  # the reader went away (`| head`): click exits quietly
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
        _output_error(exc)
    from timeoutlint.redact import redact

    click.echo(
        f"timeoutlint: internal error: {type(exc).__name__}: {redact(str(exc))}. "
        f"Please report this at {ISSUES_URL}"
        + ("" if verbose else " (run with --verbose for the traceback)"),
        err=True,
    )
    if verbose:
        import traceback

        click.echo(redact(traceback.format_exc()), err=True)
    sys.exit(2)


def _output_error(exc: OSError) -> None:
    """The output could not be written (a full disk, `> /dev/full`): a write error, exit 2."""
    reason = exc.strerror or os.strerror(exc.errno or 0)
    with contextlib.suppress(OSError, ValueError):
        sys.stdout = open(os.devnull, "w")  # nothing more can be flushed there
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"timeoutlint: error: cannot write the output: {reason}", err=True)
    sys.exit(2)


def _show_warnings(warnings: Sequence[str]) -> None:
    """Warnings about the input (a malformed `# noqa:`), one line each, on stderr."""
    from timeoutlint.report.text import printable

    for warning in warnings:
        click.echo(f"timeoutlint: warning: {printable(warning)}", err=True)


def _show_refusals(refusals: str | None) -> None:
    """The fixes of a file that were refused, one line each, on stderr."""
    from timeoutlint.report.text import printable

    for line in (refusals or "").splitlines():
        click.echo(f"timeoutlint: {printable(line)}", err=True)


@main.command()
@common_options
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff and write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
def fix(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    stdin_filename: str | None,
    force_exclude: bool | None,
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    default_timeout: float | None,
    redis_version: str | None,
    rq_version: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    diff: bool,
    unsafe_fixes: bool,
) -> None:
    """Apply the fixes for findings in PATHS, then report what is left."""
    _start_progress(verbose)
    session = _session(
        paths,
        select,
        extend_select,
        ignore,
        config_file,
        stdin_filename,
        force_exclude,
        verbose,
        default_timeout,
        CacheOptions(not no_cache, cache_dir),
        redis_version,
        rq_version,
        write_cache=False,
    )
    _progress(f"fixing {len(session.files):,} files")
    try:
        result = _fix(session, FixOptions(unsafe_fixes, diff, jobs))
        if session.stdin is None and not diff:
            _print_fixed(result, quiet, "timeoutlint fix")
        elif session.stdin is None and not quiet:
            _print_would_fix(result, unsafe_fixes)
    except Exception as exc:
        _internal_error(exc, verbose)
    if result.failed:
        sys.exit(2)
    if diff:
        sys.exit(1 if result.changed and not exit_zero else 0)
    sys.exit(1 if result.remaining and not exit_zero else 0)


def _fix(session: Session, options: FixOptions) -> FixResult:
    """`run.fix_paths`, printing what happened to each file in file order: refused fixes,
    files that could not be read, fixed or written (stderr), the diff (stdout)."""
    if session.stdin is not None:
        return _fix_stdin(session, options)
    result = fix_paths(session, options, log=lambda message: _log(True, message))
    _stop_progress()
    from timeoutlint.report.text import printable

    _report_internal_errors(result.crashed, session.verbose)
    if options.diff:
        _unread_in_diff(session.problems)
    for fixed in result.files:
        if fixed.unread:
            if options.diff:
                _unread_in_diff(fixed.unread)
            continue
        if fixed.crash is not None:
            crash = FileResult(fixed.source.display, (), fixed.crash)
            _report_internal_errors([crash], session.verbose)
            continue
        _show_refusals(fixed.refusals)
        if fixed.not_written is not None:
            click.echo(
                f"timeoutlint: error: {printable(fixed.source.display)}: not written: "
                f"{printable(fixed.not_written)}",
                err=True,
            )
            continue
        if options.diff and fixed.diff:
            _write_diff(fixed.diff)
    return result


def _print_fixed(result: FixResult, quiet: bool, fix_command: str, fixed_block: str = "") -> None:
    """After writing the fixes: how many were applied, the findings left, `fixed_block`
    (`--show-fixes`), the summary."""
    from timeoutlint.report import text

    if not quiet and result.applied:
        noun = "fix" if result.applied == 1 else "fixes"
        click.echo(f"Applied {result.applied} {noun}.")
    elif not quiet and text.fix_counts(result.remaining)[1]:
        hidden = text.fix_counts(result.remaining)[1]
        click.echo(f"No fixes applied ({hidden} more with `--unsafe-fixes`).")
    color = _color()
    for finding in result.remaining:
        click.echo(
            text.format_finding(finding, bool(color) if color is not None else sys.stdout.isatty()),
            color=color,
        )
    if fixed_block:
        click.echo(f"\n{fixed_block}\n")
    if not quiet:
        click.echo(text.summary(result.remaining, fix_command))


def _print_would_fix(result: FixResult, unsafe_fixes: bool) -> None:
    """`fix --diff`: stdout is the patch, so stderr says when unsafe fixes were left out of it
    (an empty patch would otherwise read as "nothing to fix")."""
    from timeoutlint.report import text

    hidden = 0 if unsafe_fixes else text.fix_counts(result.remaining)[1]
    if not hidden:
        return
    if result.applied:
        noun = "fix" if result.applied == 1 else "fixes"
        click.echo(
            f"Would apply {result.applied} {noun} ({hidden} more with `--unsafe-fixes`).", err=True
        )
    else:
        click.echo(f"No fixes applied ({hidden} more with `--unsafe-fixes`).", err=True)


def _fix_stdin(session: Session, options: FixOptions) -> FixResult:
    """Fix standard input and print the result; whatever happens, the input is printed back
    when it cannot be fixed (an editor that filters its buffer through `fix -` keeps it)."""
    try:
        result = fix_paths(session, options)
    except Exception:
        if not options.diff:
            sys.stdout.buffer.write(session.stdin or b"")
            sys.stdout.flush()
        raise
    if options.diff:
        _write_diff(result.files[0].diff)
    else:
        sys.stdout.buffer.write(result.stdin_fixed or b"")
        sys.stdout.flush()
    _show_refusals(result.files[0].refusals)
    return result


def _unread_in_diff(findings: Sequence[Finding]) -> bool:
    """With `--diff` stdout is the patch: a path that could not be read is an error on stderr
    (exit 2), not a finding nobody sees."""
    from timeoutlint.report.text import printable

    for finding in findings:
        click.echo(
            f"timeoutlint: error: {printable(finding.path)}: {printable(finding.message)}",
            err=True,
        )
    return bool(findings)


def _write_diff(text: str) -> None:
    from timeoutlint.fixes.patch import write_raw

    sys.stdout.flush()
    write_raw(text, sys.stdout.buffer)


def _rules_with_packs() -> dict[str, Rule]:
    """The built-in rules plus the rule packs of the configuration found from here."""
    try:
        return all_rules(load_config(None, Path(".")))
    except (ConfigError, CatalogError) as exc:
        raise UsageFailure(str(exc)) from None


@main.command()
@click.argument("rule_id")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
def rule(rule_id: str, output_format: str) -> None:
    """Explain a rule: what it finds, why it matters, and how it is fixed."""
    from timeoutlint.report.rule_doc import render_markdown

    rules = _rules_with_packs()
    wanted = rule_id.strip()
    found = rules.get(wanted.upper()) or next((r for r in rules.values() if r.name == wanted), None)
    if found is None:
        raise UsageFailure(f"unknown rule '{rule_id}'. Valid choices: {', '.join(rules)}")
    if output_format == "json":
        import json

        click.echo(
            json.dumps(
                {
                    "id": found.id,
                    "name": found.name,
                    "severity": found.severity,
                    "summary": found.summary,
                    "fix": found.fix.applicability,
                    "fix_when": found.fix.when,
                    "explanation": render_markdown(found),
                },
                indent=2,
            )
        )
    else:
        click.echo(render_markdown(found), nl=False)


@main.command(name="rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "markdown"]),
    default="table",
    show_default=True,
    help="`markdown` prints the rules index, or writes every rule's page with --output-dir.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --format markdown: write one page per rule and an index here (docs/rules).",
)
def list_rules(output_format: str, output_dir: Path | None) -> None:
    """List every rule: id, name, the files it reads, its fix and whether it is on by default."""
    from timeoutlint.report.rule_doc import rules_table

    rules = _rules_with_packs()
    if output_dir is not None and output_format != "markdown":
        raise UsageFailure("--output-dir needs --format markdown")
    if output_format == "markdown":
        from timeoutlint.report import rule_pages

        if output_dir is None:
            click.echo(rule_pages.index_page(rules), nl=False)
            return
        changed = rule_pages.write_pages(rules, output_dir)
        click.echo(f"{len(changed)} of {len(rules) + 1} pages in {output_dir} changed.")
        return
    click.echo(rules_table(rules))


@main.command(name="validate-rules")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this pyproject.toml (or TOML file) instead of searching.",
)
def validate_rules(config_file: Path | None) -> None:
    """Load the configured rule packs and run their examples, as the built-in rules are tested."""
    from timeoutlint.examples import validate_packs

    try:
        config = load_config(config_file, Path("."))
        if not config.rule_packs:
            raise UsageFailure("no 'rule-packs' configured in [tool.timeoutlint]")
        results = validate_packs(config)
    except (ConfigError, CatalogError) as exc:
        raise UsageFailure(str(exc)) from None
    failed = 0
    for label, problems in results.items():
        click.echo(f"{'FAIL' if problems else 'ok  '} {label}")
        for problem in problems:
            click.echo("     " + problem.replace("\n", "\n     "))
        failed += bool(problems)
    click.echo(f"{len(results)} examples, {failed} failed.")
    sys.exit(1 if failed else 0)


@main.command()
def server() -> None:
    """Run the language server over stdio (needs `pip install 'timeoutlint[server]'`)."""
    try:
        from timeoutlint.server import serve
    except ImportError:
        raise UsageFailure(
            "the language server needs pygls and lsprotocol, which are not installed:"
            " pip install 'timeoutlint[server]'"
        ) from None
    serve()
