"""`report/formats.py`: the one table of output formats, and renders without side effects."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.catalog import builtin_rules
from timeoutlint.cli import OUTPUT_FORMATS
from timeoutlint.findings import Finding, Position, Span
from timeoutlint.report.context import ReportContext
from timeoutlint.report.formats import FORMATS, RenderOptions, render

FINDING = Finding(
    "TL101", "requests.get without a timeout", "app.py", Span(Position(3, 1), Position(3, 20))
)


def _context(tmp_path: Path) -> ReportContext:
    return ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)


def test_every_reporter_is_registered_in_the_table() -> None:
    assert set(FORMATS) == {
        "full",
        "concise",
        "text",
        "json",
        "json-lines",
        "github",
        "sarif",
        "gitlab",
        "junit",
    }


def test_the_cli_offers_exactly_the_formats_of_the_table() -> None:
    assert OUTPUT_FORMATS == tuple(FORMATS)


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_render_writes_no_github_step_summary(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert render(name, [FINDING], _context(tmp_path), RenderOptions())
    assert not summary.exists()


def test_text_statistics_replace_the_findings(tmp_path: Path) -> None:
    rendered = render("text", [FINDING], _context(tmp_path), RenderOptions(statistics=True))
    assert rendered.split() == ["1", "TL101", "requests-without-timeout"]


def test_text_quiet_leaves_out_the_summary(tmp_path: Path) -> None:
    rendered = render("text", [FINDING], _context(tmp_path), RenderOptions(quiet=True))
    assert rendered == "app.py:3:1: TL101 requests.get without a timeout"
