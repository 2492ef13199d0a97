"""Findings are the same, byte for byte, with or without the cache and with 1 or N workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_projects import copy_fixture_project, fixture_args, fixture_dirs
from timeoutlint import parallel
from timeoutlint.cache import ResultCache, settings_key
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import load_config, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine, FileResult
from timeoutlint.project import build_project_context
from timeoutlint.report.text import format_finding


def _select(fixture: Path) -> tuple[str, ...] | None:
    args = fixture_args(fixture)
    if "--select" in args:
        return tuple(args[args.index("--select") + 1].split(","))
    return None


def _rendered(results: list[FileResult]) -> list[str]:
    """Every result as the report prints it, plus its full value (fixes included)."""
    return [f"{format_finding(f, False)}\n{f!r}" for r in results for f in r.findings] + [
        repr((r.path, r.internal_error)) for r in results
    ]


def _runs(
    project: Path, select: tuple[str, ...] | None, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[str]]:
    monkeypatch.chdir(project)
    rules = builtin_rules()
    config = load_config(None, project).with_overrides(select=select)
    files = Discovery(config).files([Path(".")])
    project_context = build_project_context(files, config)
    engine = Engine(config, rules, selected_rules(config, rules), project_context)
    key = settings_key(config, rules, engine.enabled, project_context.fingerprint())
    outcomes = {"one worker, no cache": _rendered(engine.run(files, jobs=1))}
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parallel, "MIN_CHUNK_SIZE", 1)
    outcomes["two workers, no cache"] = _rendered(engine.run(files, jobs=2))
    cold = ResultCache.open(cache_dir, key)
    outcomes["two workers, cold cache"] = _rendered(engine.run(files, jobs=2, cache=cold))
    cold.save()
    warm = ResultCache.open(cache_dir, key)
    warm_results = engine.run(files, jobs=2, cache=warm)
    outcomes["two workers, warm cache"] = _rendered(warm_results)
    outcomes["one worker, warm cache"] = _rendered(
        engine.run(files, jobs=1, cache=ResultCache.open(cache_dir, key))
    )
    analyzed = [r for r in warm_results if r.analyzed]
    assert all(r.cached for r in analyzed), "the warm runs must really come from the cache"
    return outcomes


def test_there_are_fixtures_to_compare() -> None:
    assert fixture_dirs()


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_findings_are_identical_with_or_without_cache_and_workers(
    fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_fixture_project(fixture, tmp_path)
    outcomes = _runs(project, _select(fixture), tmp_path / "cache", monkeypatch)
    reference = outcomes.pop("one worker, no cache")
    for name, rendered in outcomes.items():
        assert rendered == reference, name


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_the_cli_prints_the_expected_report_from_a_warm_cache(
    fixture: Path, tmp_path: Path, run_cli_process
) -> None:
    """End to end: two processes, so two hash seeds, share one cache directory."""
    project = copy_fixture_project(fixture, tmp_path)
    args = fixture_args(fixture)
    expected = (fixture / "expected" / "check.txt").read_text(encoding="utf-8")
    cold = run_cli_process("check", ".", *args, cwd=project)
    warm = run_cli_process("check", ".", *args, "--verbose", cwd=project)
    assert cold.stdout == expected, cold.stderr
    assert warm.stdout == expected, warm.stderr
    assert "), 0 parsed and checked" in warm.stderr
