"""`--output-format junit`: a testsuite per file and a failing testcase per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from timeoutlint.catalog import builtin_rules
from timeoutlint.findings import Finding, Span
from timeoutlint.report import junit
from timeoutlint.report.context import ReportContext


def _context(tmp_path: Path) -> ReportContext:
    return ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)


def _finding(path: str, line: int, message: str = "no timeout") -> Finding:
    return Finding("TL101", message, path, Span.of(line, 3, line, 9))


def test_one_testsuite_per_file_and_one_failing_testcase_per_finding(tmp_path: Path) -> None:
    findings = [_finding("a.py", 1), _finding("a.py", 7), _finding("b/c.py", 2)]
    root = ET.fromstring(junit.render(findings, _context(tmp_path)))
    assert root.tag == "testsuites" and root.get("failures") == "3"
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == ["a.py", "b/c.py"]
    assert suites["a.py"].get("tests") == "2" and suites["a.py"].get("failures") == "2"
    cases = suites["a.py"].findall("testcase")
    assert [case.get("name") for case in cases] == ["TL101 at a.py:1:3", "TL101 at a.py:7:3"]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "TL101"
    assert failure.get("message") == "no timeout"
    assert failure.text == "a.py:7:3: TL101 no timeout"


def test_a_clean_run_has_one_passing_testcase(tmp_path: Path) -> None:
    root = ET.fromstring(junit.render([], _context(tmp_path)))
    cases = list(root.iter("testcase"))
    assert len(cases) == 1 and cases[0].find("failure") is None
    assert root.get("failures") == "0"


def test_markup_and_control_characters_in_messages_stay_well_formed(tmp_path: Path) -> None:
    message = 'a <b> & "c"\x1b[0m\nnext'
    root = ET.fromstring(junit.render([_finding("x & y.py", 1, message)], _context(tmp_path)))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'a <b> & "c"\ufffd[0m\nnext'
    assert root.find("testsuite").get("name") == "x & y.py"  # type: ignore[union-attr]
