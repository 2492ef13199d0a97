"""`--output-format github`: workflow commands GitHub turns into annotations, within its limits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.helpers import run_cli_in_process
from timeoutlint.catalog import builtin_rules
from timeoutlint.findings import Finding, Span
from timeoutlint.report import github
from timeoutlint.report.context import ReportContext

BAD = "import requests\n\nrequests.get('https://example.com')\n"


def _context(tmp_path: Path) -> ReportContext:
    rules = dict(builtin_rules())
    rules["TL901"] = replace(rules["TL101"], id="TL901", name="a-warning", severity="warning")
    rules["TL902"] = replace(rules["TL101"], id="TL902", name="a-notice", severity="info")
    return ReportContext(rules=rules, root=tmp_path, cwd=tmp_path)


def _finding(
    rule_id: str = "TL101", message: str = "m", path: str = "app.py", line: int = 1
) -> Finding:
    return Finding(rule_id, message, path, Span.of(line, 1, line, 5))


def test_data_escapes_percent_carriage_return_and_newline() -> None:
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"


def test_properties_also_escape_colon_and_comma() -> None:
    assert github.escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_annotation_has_every_position_property_and_a_title(tmp_path: Path) -> None:
    finding = Finding("TL101", "no timeout", "app.py", Span.of(3, 1, 3, 13))
    assert github.annotation(finding, _context(tmp_path)) == (
        "::error file=app.py,line=3,endLine=3,col=1,endColumn=13,"
        "title=timeoutlint (TL101)::no timeout"
    )


def test_annotation_escapes_the_message_and_a_path_with_spaces_and_commas(tmp_path: Path) -> None:
    finding = Finding(
        "TL101", "50% of calls, all\nof them", "legacy code/old, v1.py", Span.of(1, 2, 1, 3)
    )
    line = github.annotation(finding, _context(tmp_path))
    assert "file=legacy code/old%2C v1.py," in line
    assert line.endswith("::50%25 of calls, all%0Aof them")
    assert "\n" not in line


def test_level_follows_the_rule_severity(tmp_path: Path) -> None:
    context = _context(tmp_path)
    levels = [
        github.annotation(_finding(r), context).split(" ")[0] for r in ("TL101", "TL901", "TL902")
    ]
    assert levels == ["::error", "::warning", "::notice"]


def test_a_multi_line_annotation_leaves_out_columns(tmp_path: Path) -> None:
    finding = Finding("TL101", "m", "app.py", Span.of(3, 5, 6, 2))
    line = github.annotation(finding, _context(tmp_path))
    assert "line=3,endLine=6," in line
    assert "col=" not in line and "endColumn=" not in line


def test_paths_are_relative_to_the_repository_root_not_the_working_directory(
    tmp_path: Path,
) -> None:
    (tmp_path / "service").mkdir()
    context = ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path / "service")
    assert "file=service/app.py," in github.annotation(_finding(path="app.py"), context)


def test_at_most_ten_of_each_level_are_annotated_per_step(tmp_path: Path) -> None:
    context = _context(tmp_path)
    findings = [_finding("TL101", line=i) for i in range(1, 15)] + [
        _finding("TL901", line=i) for i in range(20, 32)
    ]
    chosen = github.select_annotated(findings, context)
    assert chosen[:10] == [True] * 10 and chosen[10:14] == [False] * 4
    assert chosen[14:24] == [True] * 10 and chosen[24:] == [False] * 2


def test_no_more_than_the_job_limit_is_annotated(tmp_path: Path) -> None:
    context = _context(tmp_path)
    findings = [_finding("TL101", line=i) for i in range(1, 80)]
    assert sum(github.select_annotated(findings, context, per_step=100, per_job=50)) == 50


def test_the_log_says_how_many_were_not_annotated(tmp_path: Path) -> None:
    findings = [_finding("TL101", line=i) for i in range(1, 26)]
    report = github.render(findings, _context(tmp_path), has_step_summary=True)
    log = report.log.splitlines()
    assert sum(1 for line in log if line.startswith("::error ")) == 10
    assert report.not_annotated == 15
    assert log[-1].startswith("timeoutlint: 15 of 25 findings were not annotated")
    assert "job summary" in log[-1]


def test_every_finding_is_also_a_plain_line_and_in_the_summary_table(tmp_path: Path) -> None:
    findings = [_finding("TL101", message=f"finding {i}", line=i) for i in range(1, 26)]
    report = github.render(findings, _context(tmp_path), has_step_summary=True)
    for i in range(1, 26):
        assert f"app.py:{i}:1: TL101 finding {i}" in report.log.splitlines()
        assert f"| `app.py:{i}:1` | TL101 | error | finding {i} |" in report.summary


def test_summary_table_cells_cannot_break_the_table(tmp_path: Path) -> None:
    report = github.render([_finding(message="a | b\nc")], _context(tmp_path), True)
    assert "| a \\| b c |" in report.summary


def test_cli_writes_the_step_summary_and_annotates(tmp_path: Path, run_cli) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run_cli(
        "check",
        "--output-format",
        "github",
        cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=app.py,line=3,endLine=3,col=1,")
    assert "app.py:3:1: TL101 " in result.stdout
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## timeoutlint\n")
    assert "| `app.py:3:1` | TL101 | error |" in text


def test_output_format_can_come_from_the_environment(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", cwd=tmp_path, env={"TIMEOUTLINT_OUTPUT_FORMAT": "github"})
    assert result.stdout.startswith("::error file=app.py,")


def test_a_huge_summary_stays_under_githubs_one_mebibyte_limit(tmp_path: Path) -> None:
    findings = [_finding(message="x" * 200, line=i) for i in range(1, 20_001)]
    text = github.step_summary(findings, _context(tmp_path))
    assert len(text.encode()) <= github.SUMMARY_BUDGET
    assert text.rstrip().endswith("more findings do not fit in the job summary; see the log.")
    shown = text.count("| TL101 |")
    assert text.rstrip().splitlines()[-1].startswith(f"{20_000 - shown} more findings")


INJECTED = "x\n::stop-commands::pwned\n.py"


def test_a_file_name_cannot_inject_a_workflow_command_into_the_log(tmp_path: Path) -> None:
    report = github.render([_finding(path=INJECTED)], _context(tmp_path), has_step_summary=True)

    lines = report.log.splitlines()
    assert lines[1] == "x\\n::stop-commands::pwned\\n.py:1:1: TL101 m"
    assert [line for line in lines if line.startswith("::")] == [lines[0]]
    assert lines[0].startswith("::error file=x%0A%3A%3Astop-commands%3A%3Apwned%0A.py,")


def test_a_file_name_that_starts_like_a_workflow_command_is_shown_as_a_relative_path(
    tmp_path: Path,
) -> None:
    report = github.render(
        [_finding(path="::warning::x.py"), _finding(path="##[error]y.py")],
        _context(tmp_path),
        has_step_summary=True,
    )

    assert report.log.splitlines()[2:4] == [
        "./::warning::x.py:1:1: TL101 m",
        "./##[error]y.py:1:1: TL101 m",
    ]


def test_the_command_line_escapes_a_file_name_with_line_breaks_in_every_format(
    tmp_path: Path,
) -> None:

    (tmp_path / INJECTED).write_text("import requests\nrequests.get(URL)\n")
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    for output_format in ("text", "github"):
        result = run_cli_in_process(
            "check", ".", "--output-format", output_format, cwd=tmp_path, env=env, text=False
        )
        lines = result.stdout.decode().splitlines()

        assert not any(line.startswith("::stop-commands") for line in lines), lines
        assert "x\\n::stop-commands::pwned\\n.py:2:1: TL101" in result.stdout.decode()
        assert result.returncode == 1
