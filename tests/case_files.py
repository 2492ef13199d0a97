"""Annotated case files: code with the findings it must give written on its own lines.

A case is a file `tests/cases/TLnnn[-what].py` or a directory `tests/cases/TLnnn[-what]/`
holding a small project (compose files, `.env`, several modules). Its lines carry markers:

- `# error: TL203` — this line must be reported with TL203. Several findings on one line are
  written `# error: TL302, TL303`; a column is `TL203@5` (1-based, as the reports print it);
  fragments of the message are `TL203 "blocks forever"` (each in quotes, all must occur).
- `# error-on-next-line: TL401` — the same for the next line, for files where a comment at
  the end of the line would change its value (an unquoted `.env` value).
- `# ok` (optionally `# ok: why`) — this line must not be reported.

A line without a marker must not be reported either: the runner fails on a missing finding,
on a finding on a line marked `ok`, and on a finding on an unmarked line.

The configuration is written in the case as `# case: KEY = VALUE` lines, VALUE in TOML
(`# case: redis-version = "==5.0.8"`); these are `[tool.timeoutlint]` keys. `select` defaults
to the rule id (or family, `TL3`) the case is named for. A file keeps its name, so a compose or
`.env` file, or a module imported by another, needs a directory case.

The case is copied to a temporary directory and linted there through the real pipeline
(`tests/helpers.lint_files`: `run.build_session` and `run.check_paths`), so the repository's own
configuration and files never take part.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import lint_files
from timeoutlint.findings import Finding

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES = Path(__file__).resolve().parent / "cases"

_RULE_NAME = re.compile(r"^(?P<rule>[A-Z]+[0-9]+)")
_ERROR = re.compile(r"#\s*error(?P<next>-on-next-line)?:\s*(?P<specs>.*)$")
_SPEC = re.compile(
    r'(?P<rule>[A-Z][A-Z0-9-]*[0-9])(?:@(?P<column>\d+))?(?P<fragments>(?:\s+"[^"]*")*)'
)
_FRAGMENT = re.compile(r'"([^"]*)"')
_OK = re.compile(r"#\s*ok\b(?::.*)?$")
_SETTING = re.compile(r"^\s*#\s*case:\s*(?P<setting>.+?)\s*$")


@dataclass(frozen=True)
class Expected:
    """One finding a marker asks for."""

    path: str
    line: int
    rule: str
    column: int | None = None
    fragments: tuple[str, ...] = ()

    def matches(self, finding: Finding, path: str) -> bool:
        return (
            path == self.path
            and finding.span.start.line == self.line
            and finding.rule_id == self.rule
            and (self.column is None or finding.span.start.column == self.column)
            and all(fragment in finding.message for fragment in self.fragments)
        )

    def __str__(self) -> str:
        column = f"@{self.column}" if self.column is not None else ""
        fragments = "".join(f' "{fragment}"' for fragment in self.fragments)
        return f"{self.path}:{self.line}: {self.rule}{column}{fragments}"


@dataclass(frozen=True)
class Case:
    """A case's files (relative path -> text), what they must give, and its configuration."""

    name: str
    files: dict[str, str]
    expected: tuple[Expected, ...]
    ok_lines: frozenset[tuple[str, int]]
    config: dict[str, Any]


def case_paths(root: Path = CASES) -> list[Path]:
    """Every case under `root`: its files and directories named for a rule."""
    return sorted(p for p in root.iterdir() if _RULE_NAME.match(p.name))


def load_case(path: Path) -> Case:
    """Read a case file or directory and its markers."""
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(path.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }
    else:
        files = {path.name: path.read_text(encoding="utf-8")}
    config: dict[str, Any] = {}
    expected: list[Expected] = []
    ok_lines: set[tuple[str, int]] = set()
    for name, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            setting = _SETTING.match(line)
            if setting:
                config.update(tomllib.loads(setting["setting"]))
                continue
            error = _ERROR.search(line)
            if error:
                target = number + 1 if error["next"] else number
                specs = list(_SPEC.finditer(error["specs"]))
                if not specs:
                    raise ValueError(f"{path.name}/{name}:{number}: a marker without a rule id")
                for spec in specs:
                    column = spec["column"]
                    expected.append(
                        Expected(
                            name,
                            target,
                            spec["rule"],
                            int(column) if column else None,
                            tuple(_FRAGMENT.findall(spec["fragments"])),
                        )
                    )
            elif _OK.search(line):
                ok_lines.add((name, number))
    rule = _RULE_NAME.match(path.name)
    assert rule is not None, path
    config.setdefault("select", [rule["rule"]])
    return Case(path.name, files, tuple(expected), frozenset(ok_lines), config)


def problems(case: Case, findings: list[Finding], root: Path) -> list[str]:
    """What is wrong with `findings` for `case`: one line per missing or unmarked finding."""
    if not case.expected and not case.ok_lines:
        return [f"{case.name}: no `# error:` or `# ok` marker: this case checks nothing"]
    left = [(f, Path(f.path).resolve().relative_to(root.resolve()).as_posix()) for f in findings]
    found: list[str] = []
    for expected in case.expected:
        match = next((item for item in left if expected.matches(*item)), None)
        if match is None:
            found.append(f"missing: {expected}")
        else:
            left.remove(match)
    for finding, path in left:
        where = f"{path}:{finding.span.start.line}:{finding.span.start.column}"
        kind = (
            "on a line marked ok"
            if (path, finding.span.start.line) in case.ok_lines
            else "unmarked"
        )
        found.append(f"{kind}: {where}: {finding.rule_id} {finding.message}")
    return found


def run_case(case: Case, tmp_path: Path) -> list[str]:
    """Lint the case in `tmp_path` through the real pipeline and say what is wrong."""
    config = dict(case.config)
    select = config.pop("select")
    findings = lint_files(tmp_path, case.files, select=",".join(select), **config)
    return problems(case, findings, tmp_path)
