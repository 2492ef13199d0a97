"""The command line: click commands only; the work happens in the engine, fixer and reports.

Exit codes follow ruff: 0 no findings, 1 findings (for `fix`: findings left,
or with `--diff`, changes that would be made), 2 usage, configuration or
internal error.
"""

from __future__ import annotations

import difflib
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from timeoutlint import __version__
from timeoutlint.catalog import CatalogError, Rule, builtin_rules
from timeoutlint.config import Config, ConfigError, load_config, selected_rules
from timeoutlint.discovery import Discovery, SourceFile, classify, display_path
from timeoutlint.engine import Engine, FileResult, all_findings
from timeoutlint.findings import Finding, TextEdit

ISSUES_URL = "https://github.com/timeoutlint/timeoutlint/issues"
OUTPUT_FORMATS = ("text", "json")

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.ClickException):
    """An error the user can fix (configuration, catalog, arguments): exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"timeoutlint: error: {self.format_message()}", err=True)


def _split(values: Sequence[str]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _color() -> bool | None:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


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
        click.option("--stdin-filename", help="The name of the file read from stdin (path '-')."),
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
    ]
    for option in reversed(options):
        function = option(function)
    return function


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
) -> Session:
    from timeoutlint.project import build_project_context

    targets = paths or (Path("."),)
    reading_stdin = any(str(p) == "-" for p in targets)
    if reading_stdin and len(targets) > 1:
        raise UsageFailure("'-' (stdin) cannot be combined with other paths")
    start = (
        Path(stdin_filename).parent
        if reading_stdin and stdin_filename
        else (Path(".") if reading_stdin else targets[0])
    )
    try:
        rules = builtin_rules()
        config = load_config(config_file, start)
        overrides: dict[str, Any] = {
            "select": _split(select),
            "force_exclude": force_exclude,
            "default_timeout": default_timeout,
        }
        if default_timeout is not None and default_timeout <= 0:
            raise ConfigError("--default-timeout must be a positive number of seconds")
        config = config.with_overrides(**overrides)
        config = config.with_overrides(
            extend_select=(*config.extend_select, *(_split(extend_select) or ())),
            ignore=(*config.ignore, *(_split(ignore) or ())),
        )
        enabled = selected_rules(config, rules)
    except (ConfigError, CatalogError) as exc:
        raise UsageFailure(str(exc)) from None
    _log(verbose, f"configuration: {config.source or 'defaults (no [tool.timeoutlint] found)'}")
    _log(verbose, f"enabled rules: {', '.join(sorted(enabled))}")
    discovery = Discovery(config)
    stdin_data: bytes | None = None
    if reading_stdin:
        name = stdin_filename or "-"
        path = Path(os.path.abspath(name))
        kind = classify(path.name) or "python"
        files = [SourceFile(path, display_path(path) if stdin_filename else "-", name, kind)]
        stdin_data = sys.stdin.buffer.read() if not sys.stdin.closed else b""
    else:
        files = discovery.files(targets)
    project = build_project_context(files, config)
    engine = Engine(config, rules, enabled, project)
    problems: list[Finding] = []
    for problem in discovery.problems:
        source = SourceFile(Path(problem.display), problem.display, problem.display, "unknown")
        problems.extend(engine.read_error(source, problem.message))
    _log(verbose, f"{len(files)} files to check")
    return Session(config, rules, enabled, engine, files, problems, stdin_data, verbose)


def _report_internal_errors(results: Iterable[FileResult], verbose: bool) -> bool:
    failed = False
    for result in results:
        if result.internal_error is None:
            continue
        failed = True
        first_line = result.internal_error.splitlines()[0]
        click.echo(
            f"timeoutlint: internal error while checking {result.path}: {first_line}. "
            f"The other files were checked. Please report this at {ISSUES_URL}"
            + ("" if verbose else " (run with --verbose for the traceback)"),
            err=True,
        )
        if verbose:
            click.echo(result.internal_error, err=True)
    return failed


def _edits_loader(session: Session) -> Callable[[Finding], tuple[TextEdit, ...]]:
    from timeoutlint.fixes.apply import edits_for

    by_display = {source.display: source for source in session.files}
    cache: dict[str, bytes | None] = {}

    def load(finding: Finding) -> tuple[TextEdit, ...]:
        source = by_display.get(finding.path)
        if source is None or finding.fix is None:
            return ()
        if finding.path not in cache:
            try:
                cache[finding.path] = (
                    session.stdin if session.stdin is not None else source.path.read_bytes()
                )
            except OSError:
                cache[finding.path] = None
        data = cache[finding.path]
        if data is None:
            return ()
        try:
            return edits_for(source.kind, data, finding)
        except Exception:
            return ()

    return load


def _emit(
    findings: list[Finding],
    session: Session,
    output_format: str,
    output_file: Path | None,
    quiet: bool,
    statistics: bool,
) -> None:
    from timeoutlint.report import text

    color = _color()
    if output_format == "json":
        from timeoutlint.report import json_report

        rendered = json_report.render(findings, session.rules, _edits_loader(session))
    elif statistics:
        rendered = "\n".join(text.statistics(findings, session.rules))
    else:
        use_color = (
            bool(color)
            if output_file is None and color is not None
            else output_file is None and sys.stdout.isatty()
        )
        lines = [text.format_finding(f, use_color) for f in findings]
        if not quiet:
            lines.append(text.summary(findings))
        rendered = "\n".join(lines)
    if output_file is not None:
        output_file.write_text(rendered + "\n", encoding="utf-8")
    elif rendered:
        click.echo(rendered, color=color)


def _run_check(session: Session, jobs: int | None) -> tuple[list[Finding], bool]:
    if session.stdin is not None:
        source = session.files[0]
        findings = session.engine.analyze(source, session.stdin)
        return findings, False
    results = session.engine.run(session.files, jobs)
    failed = _report_internal_errors(results, session.verbose)
    return sorted([*session.problems, *all_findings(results)], key=lambda f: f.sort_key), failed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="timeoutlint")
def main() -> None:
    """Find and fix network calls and Redis clients that can hang, time out too early, or fail to authenticate."""


@main.command()
@common_options
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    envvar="TIMEOUTLINT_OUTPUT_FORMAT",
    show_default=True,
    help="How findings are printed.",
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
    output_format: str,
    output_file: Path | None,
    statistics: bool,
) -> None:
    """Check PATHS (default: the current directory) and report findings."""
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
    )
    try:
        findings, failed = _run_check(session, jobs)
        _emit(findings, session, output_format, output_file, quiet, statistics)
    except Exception as exc:
        _internal_error(exc, verbose)
    if failed:
        sys.exit(2)
    sys.exit(1 if findings and not exit_zero else 0)


def _internal_error(exc: BaseException, verbose: bool) -> None:
    click.echo(
        f"timeoutlint: internal error: {type(exc).__name__}: {exc}. Please report this at {ISSUES_URL}"
        + ("" if verbose else " (run with --verbose for the traceback)"),
        err=True,
    )
    if verbose:
        click.echo(traceback.format_exc(), err=True)
    sys.exit(2)


def _unified_diff(display: str, before: bytes, after: bytes) -> str:
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=f"a/{display}", tofile=f"b/{display}"))


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
    diff: bool,
    unsafe_fixes: bool,
) -> None:
    """Apply the fixes for findings in PATHS, then report what is left."""
    from timeoutlint.fixes.apply import allowed, fix_file
    from timeoutlint.fixes.writer import write_atomic
    from timeoutlint.report import text

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
    )
    try:
        if session.stdin is not None:
            outcome = fix_file(session.engine, session.files[0], session.stdin, unsafe_fixes)
            if diff:
                click.echo(
                    _unified_diff(session.files[0].display, outcome.original, outcome.fixed),
                    nl=False,
                )
            else:
                sys.stdout.buffer.write(outcome.fixed)
                sys.stdout.flush()
            if outcome.error:
                click.echo(f"timeoutlint: error: {outcome.error}", err=True)
            remaining = list(outcome.remaining)
            changed = outcome.changed
            failed = False
        else:
            results = session.engine.run(session.files, jobs)
            failed = _report_internal_errors(results, session.verbose)
            by_display = {source.display: source for source in session.files}
            remaining = list(session.problems)
            changed = False
            fixed_count = 0
            for result in results:
                if not any(allowed(f, unsafe_fixes) for f in result.findings):
                    remaining.extend(result.findings)
                    continue
                source = by_display[result.path]
                try:
                    data = source.path.read_bytes()
                except OSError as exc:
                    remaining.extend(session.engine.read_error(source, exc.strerror or str(exc)))
                    continue
                outcome = fix_file(session.engine, source, data, unsafe_fixes)
                if outcome.error:
                    click.echo(f"timeoutlint: error: {outcome.error}", err=True)
                    failed = True
                remaining.extend(outcome.remaining)
                if not outcome.changed:
                    continue
                changed = True
                fixed_count += outcome.applied
                if diff:
                    click.echo(
                        _unified_diff(source.display, outcome.original, outcome.fixed), nl=False
                    )
                else:
                    write_atomic(source.path, outcome.fixed)
            remaining.sort(key=lambda f: f.sort_key)
            if not quiet and not diff:
                if fixed_count:
                    noun = "fix" if fixed_count == 1 else "fixes"
                    click.echo(f"Applied {fixed_count} {noun}.", err=bool(session.stdin))
            if not diff:
                color = _color()
                for finding in remaining:
                    click.echo(
                        text.format_finding(
                            finding, bool(color) if color is not None else sys.stdout.isatty()
                        ),
                        color=color,
                    )
                if not quiet:
                    click.echo(text.summary(remaining, "timeoutlint fix"))
    except Exception as exc:
        _internal_error(exc, verbose)
    if failed:
        sys.exit(2)
    if diff:
        sys.exit(1 if changed and not exit_zero else 0)
    sys.exit(1 if remaining and not exit_zero else 0)


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

    try:
        rules = builtin_rules()
    except CatalogError as exc:
        raise UsageFailure(str(exc)) from None
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
                    "explanation": render_markdown(found),
                },
                indent=2,
            )
        )
    else:
        click.echo(render_markdown(found), nl=False)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: id, name, the files it reads, its fix and whether it is on by default."""
    from timeoutlint.report.rule_doc import rules_table

    try:
        rules = builtin_rules()
    except CatalogError as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(rules_table(rules))
