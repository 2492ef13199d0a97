"""What the CI reports need beyond the findings: the catalog, the repository root, source lines.

CI systems resolve paths against the repository root, not against the
directory timeoutlint was started in, so every CI format converts a
finding's display path with `ReportContext.repo_path`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from timeoutlint.catalog import Rule
from timeoutlint.findings import Finding, TextEdit
from timeoutlint.limits import read_regular_file

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line breaks as Python counts them; `str.splitlines` also breaks at form feeds and U+2028."""

EditsFor = Callable[[Finding], tuple[TextEdit, ...]]
ReadText = Callable[[str], str | None]


def _no_edits(finding: Finding) -> tuple[TextEdit, ...]:
    return ()


def repository_root(start: Path) -> Path:
    """The nearest directory from `start` upwards that holds `.git`, else `start` itself."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def read_source_text(path: Path) -> str | None:
    try:
        data = read_regular_file(path)
    except OSError:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


@dataclass
class ReportContext:
    """Everything a CI report reads besides the findings.

    `read_text(display_path)` gives a file's text (or None when it cannot be
    read); it is cached because several findings share a file.
    """

    rules: Mapping[str, Rule]
    root: Path
    version: str = ""
    edits_for: EditsFor = _no_edits
    read_text: ReadText | None = None
    cwd: Path = field(default_factory=Path.cwd)
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def absolute(self, display: str) -> Path:
        path = Path(display)
        return path if path.is_absolute() else self.cwd / path

    def repo_path(self, display: str) -> str:
        """The path relative to the repository root, with `/` separators."""
        absolute = self.absolute(display)
        relative = os.path.relpath(absolute, self.root)
        if relative.startswith(".."):
            return absolute.as_posix()
        return Path(relative).as_posix()

    def line(self, display: str, number: int) -> str:
        """Line `number` (1-based) of a file, '' when it cannot be read."""
        lines = self.lines(display)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def lines(self, display: str) -> list[str]:
        """A file's lines (read once), [] when it cannot be read."""
        if display not in self._lines:
            reader = self.read_text or (lambda d: read_source_text(self.absolute(d)))
            text = reader(display)
            self._lines[display] = _LINE_BREAK.split(text) if text is not None else []
        return self._lines[display]

    def severity(self, finding: Finding) -> str:
        rule = self.rules.get(finding.rule_id)
        return rule.severity if rule else "error"
