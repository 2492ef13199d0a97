"""Small helpers for tests that lint in-memory code through the real engine."""

from __future__ import annotations

import copy
import os
import textwrap
from pathlib import Path
from typing import Any

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table
from timeoutlint.findings import Finding
from timeoutlint.run import CacheOptions, build_session, check_paths


def lint(
    tmp_path: Path, code: str, select: str = "TL101", filename: str = "example.py", **config: Any
) -> list[Finding]:
    """Findings of the selected rules for one file of dedented `code`."""
    return lint_files(tmp_path, {filename: textwrap.dedent(code)}, select=select, **config)


def lint_files(
    tmp_path: Path, files: dict[str, str], select: str = "TL101", **config: Any
) -> list[Finding]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    rules = builtin_rules()
    table = {"select": select.split(","), **{k.replace("_", "-"): v for k, v in config.items()}}
    settings = parse_table(table, tmp_path.resolve(), None)
    session = build_session(
        (tmp_path,), config=settings, rules=rules, cache=CacheOptions(enabled=False), jobs=1
    )
    return check_paths(session, jobs=1).findings


def lines(findings: list[Finding]) -> list[int]:
    return [f.span.start.line for f in findings]


def reported(tmp_path: Path, code: str, select: str = "TL101") -> list[tuple[int, str]]:
    """(line, rule) of each finding `lint` gives for `code`."""
    return [(f.span.start.line, f.rule_id) for f in lint(tmp_path, code, select=select)]


def read_until_closed(leader: int) -> bytes:
    """Everything a pseudo-terminal's other end wrote, until it is closed; closes `leader`."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)


ACME_RULE: dict[str, Any] = {
    "id": "X-ACME001",
    "name": "acme-call-without-deadline",
    "message": "`{callee}()` {problem}",
    "severity": "error",
    "reads": ["python"],
    "summary": "s",
    "what": "w",
    "why": "y",
    "fix": {"applicability": "safe", "description": "d"},
    "callsite": {
        "defaults": {"keyword": "deadline"},
        "callees": [
            {"functions": ["acme.http.call"], "positional": 1},
            {"methods": ["call"], "built-by": ["acme.http.Client"]},
        ],
    },
}
"""A user's rule-pack entry: `acme.http.call(url, deadline=...)` and `Client().call(...)`."""


def acme_rule(**callsite_changes: Any) -> dict[str, Any]:
    """A fresh copy of `ACME_RULE` with its `callsite:` section changed."""
    data = copy.deepcopy(ACME_RULE)
    data["callsite"].update(callsite_changes)
    return data
