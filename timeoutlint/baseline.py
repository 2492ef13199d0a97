"""Baselines: record today's findings, report only new ones from then on.

An entry is a finding's identity (rule, repository-relative path,
whitespace-normalised content of its line, occurrence index; see
`report/fingerprints.py`), never its line number, so a finding that moved
because code was added above it still matches, while a second identical
finding on another line of the same content is new. Writing a baseline
records exactly the current findings, so a fixed finding drops out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeoutlint.findings import Finding
from timeoutlint.limits import read_text_file
from timeoutlint.report.context import ReportContext
from timeoutlint.report.fingerprints import identities

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing or malformed; the message says which and why."""


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[str]

    def new_findings(self, findings: Sequence[Finding], context: ReportContext) -> list[Finding]:
        return [
            finding
            for finding, identity in zip(findings, identities(findings, context), strict=True)
            if identity.fingerprint not in self.fingerprints
        ]


def entries(findings: Sequence[Finding], context: ReportContext) -> list[dict[str, str]]:
    rows = [
        {
            "rule": finding.rule_id,
            "path": identity.path,
            "fingerprint": identity.fingerprint,
            "message": finding.message,
        }
        for finding, identity in zip(findings, identities(findings, context), strict=True)
    ]
    return sorted(rows, key=lambda row: (row["path"], row["rule"], row["fingerprint"]))


def render(findings: Sequence[Finding], context: ReportContext) -> str:
    document = {
        "tool": "timeoutlint",
        "version": FORMAT_VERSION,
        "comment": "Findings accepted on adoption; regenerate with --write-baseline.",
        "findings": entries(findings, context),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Sequence[Finding], context: ReportContext, root: Path) -> None:
    """Through the guarded write (no link out of the project `root`, parent directories
    created); raises `OSError` with the reason when it cannot."""
    from timeoutlint.safe_write import write_file

    write_file(path, render(findings, context).encode("utf-8"), root, create=True)


def _fail(path: Path, reason: str) -> BaselineError:
    return BaselineError(f"{path}: {reason}")


def read(path: Path) -> Baseline:
    try:
        document: Any = json.loads(read_text_file(path))
    except FileNotFoundError:
        raise _fail(path, "baseline file not found (create it with --write-baseline)") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not a timeoutlint baseline (invalid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("tool") != "timeoutlint":
        raise _fail(path, 'not a timeoutlint baseline (no "tool": "timeoutlint")')
    if document.get("version") != FORMAT_VERSION:
        raise _fail(
            path,
            f"baseline format version {document.get('version')!r} is not supported "
            f"(expected {FORMAT_VERSION}); regenerate it with --write-baseline",
        )
    rows = document.get("findings")
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("fingerprint"), str) for row in rows
    ):
        raise _fail(path, '"findings" must be a list of objects with a "fingerprint"')
    return Baseline(frozenset(row["fingerprint"] for row in rows))
