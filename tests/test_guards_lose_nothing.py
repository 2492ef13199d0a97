"""The prefilter's guards only save work: with every guard forced open, the findings are the same.

A guard (`Check.guard`, `checks/prefilter.py`) rejects a file whose bytes matched a trigger when
its soundness argument says the check cannot report there. These tests run every catalog example
and every fixture project twice, with the guards and with every guard replaced by None (admit
everything), with every rule selected, and require identical findings. A new rule shape that a
guard does not admit fails here before it silently goes unreported.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.fixture_projects import copy_fixture_project, fixture_dirs
from timeoutlint.catalog import Example, Rule, builtin_rules
from timeoutlint.config import Config, load_config, parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.findings import Finding
from timeoutlint.project import build_project_context

RULES = builtin_rules()


def _unguarded(engine: Engine) -> Engine:
    checks = [dataclasses.replace(check, guard=None) for check in engine.checks]
    return Engine(engine.config, engine.rules, engine.enabled, engine.project, checks)


def _findings(engine: Engine, root: Path) -> list[Finding]:
    files = Discovery(engine.config).files([root])
    found = [f for source in files for f in engine.check_file(source).findings]
    return sorted(found, key=lambda f: f.sort_key)


def _both(root: Path, config: Config) -> tuple[list[Finding], list[Finding]]:
    config = dataclasses.replace(config, select=("ALL",))
    files = Discovery(config).files([root])
    engine = Engine(
        config, RULES, selected_rules(config, RULES), build_project_context(files, config)
    )
    return _findings(engine, root), _findings(_unguarded(engine), root)


def _examples() -> list[tuple[str, Rule, Example]]:
    cases = []
    for rule in RULES.values():
        for label, examples in (("bad", rule.bad), ("good", rule.good)):
            for index, example in enumerate(examples):
                cases.append((f"{rule.id}-{label}[{index}]", rule, example))
    return cases


EXAMPLES = _examples()


@pytest.mark.parametrize(
    ("rule", "example"), [c[1:] for c in EXAMPLES], ids=[c[0] for c in EXAMPLES]
)
def test_a_catalog_example_gives_the_same_findings_with_every_guard_forced_open(
    tmp_path: Path, rule: Rule, example: Example
) -> None:
    for name, text in example.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    table = {key: value for key, value in example.config.items() if key != "select"}
    root = tmp_path.resolve()
    guarded, forced = _both(root, parse_table(table, root, None))
    assert guarded == forced


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_a_fixture_project_gives_the_same_findings_with_every_guard_forced_open(
    tmp_path: Path, fixture: Path
) -> None:
    root = copy_fixture_project(fixture, tmp_path).resolve()
    guarded, forced = _both(root, load_config(None, root))
    assert guarded == forced
    assert _expected(fixture) <= {_where(f, root) for f in forced}


def _where(finding: Finding, root: Path) -> str:
    path = Path(finding.path)
    shown = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
    return f"{shown}:{finding.span.start.line}:{finding.span.start.column}: {finding.rule_id}"


def _expected(fixture: Path) -> set[str]:
    """The findings the fixture's expected output lists (under its own selection)."""
    lines = (fixture / "expected" / "check.txt").read_text(encoding="utf-8").splitlines()
    return {" ".join(line.split(" ")[:2]) for line in lines if ": TL" in line}
