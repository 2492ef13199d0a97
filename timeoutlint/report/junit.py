"""`--output-format junit`: JUnit XML, one `<testsuite>` per file, one failing `<testcase>` per finding.

GitLab (`artifacts:reports:junit`) and Jenkins (`junit` step) show the
testcase name and the failure text. A clean run still has one passing
testcase, because both treat a report without testcases as an error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from timeoutlint.findings import Finding
from timeoutlint.report.context import ReportContext
from timeoutlint.report.text import applicability, fix_hint

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """XML 1.0 cannot carry most control characters, not even escaped."""
    return _NOT_XML.sub("\ufffd", value)


def _testcase(parent: ET.Element, finding: Finding, path: str) -> None:
    start = finding.span.start
    case = ET.SubElement(
        parent,
        "testcase",
        name=_xml_text(f"{finding.rule_id} at {path}:{start.line}:{start.column}"),
        classname=_xml_text(path),
        file=_xml_text(path),
        line=str(start.line),
        time="0",
    )
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", name="applicability", value=applicability(finding))
    failure = ET.SubElement(
        case, "failure", message=_xml_text(finding.message), type=finding.rule_id
    )
    failure.text = _xml_text(
        f"{path}:{start.line}:{start.column}: {finding.rule_id} {finding.message}"
        + fix_hint(finding)
    )


def build(findings: Sequence[Finding], context: ReportContext) -> ET.Element:
    root = ET.Element(
        "testsuites", name="timeoutlint", tests=str(len(findings) or 1), failures=str(len(findings))
    )
    if not findings:
        suite = ET.SubElement(root, "testsuite", name="timeoutlint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="no findings", classname="timeoutlint", time="0")
        return root
    located = sorted(((context.repo_path(f.path), f) for f in findings), key=lambda p: p[0])
    for path, group in groupby(located, key=lambda pair: pair[0]):
        members = [finding for _, finding in group]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_xml_text(path),
            tests=str(len(members)),
            failures=str(len(members)),
            errors="0",
            skipped="0",
        )
        for finding in members:
            _testcase(suite, finding, path)
    return root


def render(findings: Sequence[Finding], context: ReportContext) -> str:
    root = build(findings, context)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
