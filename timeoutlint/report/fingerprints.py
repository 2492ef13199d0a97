"""Finding identities that survive unrelated edits: used by baselines, SARIF and GitLab.

A finding is identified by its rule, its repository-relative path, the
content of its first line (whitespace-normalised, so re-indenting does not
matter, and with secrets masked) and its occurrence index among findings with those same three
values. The line *number* is deliberately not part of it: adding code above
a finding must not turn it into a new one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from timeoutlint.findings import Finding
from timeoutlint.report.context import ReportContext


@dataclass(frozen=True)
class FindingIdentity:
    rule_id: str
    path: str
    line_content: str
    occurrence: int

    @property
    def line_hash(self) -> str:
        """A hash of rule and line content (no path, no occurrence), 16 hex digits."""
        digest = hashlib.sha256(f"{self.rule_id}\0{self.line_content}".encode())
        return digest.hexdigest()[:16]

    @property
    def fingerprint(self) -> str:
        """A hash of all four parts: unique per finding in a run, stable across runs."""
        text = f"{self.rule_id}\0{self.path}\0{self.line_content}\0{self.occurrence}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def primary_location_line_hash(self) -> str:
        """The `hash:occurrence` shape GitHub code scanning uses for `primaryLocationLineHash`."""
        return f"{self.line_hash}:{self.occurrence}"


_URL_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")
_KEYED_SECRET = re.compile(
    r"(?i)((?:pass(?:word|wd)?|secret|token|requirepass)\w*[\"']?\s*[:=]\s*[\"']?)[^\"'\s,;)}]+"
)
_REQUIREPASS = re.compile(r"(?i)(requirepass\s+[\"']?)[^\"'\s]+")


def mask_secrets(line: str) -> str:
    """The line with passwords and tokens replaced, so that no hash is derived from a secret.

    A fingerprint is published (SARIF uploads, GitLab artifacts, committed
    baselines); a short hash of a line holding a weak password could be
    brute-forced. It also keeps the identity when only the secret changes.
    """
    line = _URL_PASSWORD.sub(r"\1****@", line)
    line = _KEYED_SECRET.sub(r"\1****", line)
    return _REQUIREPASS.sub(r"\1****", line)


def normalise_line(line: str) -> str:
    return " ".join(mask_secrets(line).split())


def identities(findings: Sequence[Finding], context: ReportContext) -> list[FindingIdentity]:
    """One identity per finding, in the order of `findings`."""
    seen: Counter[tuple[str, str, str]] = Counter()
    result: list[FindingIdentity | None] = [None] * len(findings)
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key)
    for index in order:
        finding = findings[index]
        path = context.repo_path(finding.path)
        content = normalise_line(context.line(finding.path, finding.span.start.line))
        key = (finding.rule_id, path, content)
        seen[key] += 1
        result[index] = FindingIdentity(finding.rule_id, path, content, seen[key])
    return [identity for identity in result if identity is not None]
