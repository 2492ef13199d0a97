"""The scan reads every file once; the engine does not read again what the scan's prefilter rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint import engine as engine_module
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery, SourceFile
from timeoutlint.engine import Engine, Prefilter, enabled_checks
from timeoutlint.file_memo import FileMemo
from timeoutlint.project import build_project_context
from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
from timeoutlint.scan import PREFILTERED, TRIGGERED, scan_files

UNSAFE_CALL = "import requests\n\nrequests.get('https://example.com')\n"
UNRELATED = "import os\n\nprint(os.getcwd())\n"


def _engine_reads(root: Path, monkeypatch: pytest.MonkeyPatch, prefiltered: bool) -> list[str]:
    """The names of the files the engine reads in a run whose scan did (or did not) prefilter."""
    (root / "client.py").write_text(UNSAFE_CALL, encoding="utf-8")
    (root / "tool.py").write_text(UNRELATED, encoding="utf-8")
    rules = builtin_rules()
    config = parse_table({"select": ["TL101"]}, root.resolve(), None)
    enabled = selected_rules(config, rules)
    files = Discovery(config).files([root])
    _, checks = enabled_checks(config, rules, enabled)
    prefilter = Prefilter.of(checks) if prefiltered else None
    scan = scan_files(
        files, None, jobs=1, hashed=False, prefilter=prefilter, byte_facts=PYTHON_BYTE_FACTS
    )
    engine = Engine(config, rules, enabled, build_project_context(files, config), checks)
    read: list[str] = []
    original = engine_module.read_regular_file

    def recording(path: Path) -> bytes:
        read.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(engine_module, "read_regular_file", recording)
    results = engine.run(files, jobs=1, scan=scan)
    assert [f.rule_id for r in results for f in r.findings] == ["TL101"]
    return sorted(read)


def test_the_engine_reads_only_the_files_the_scan_prefilter_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _engine_reads(tmp_path, monkeypatch, prefiltered=True) == ["client.py"]


def test_without_the_scan_prefilter_the_engine_reads_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _engine_reads(tmp_path, monkeypatch, prefiltered=False) == ["client.py", "tool.py"]


def test_the_prefilter_answer_is_not_kept_in_the_facts_the_memo_records(tmp_path: Path) -> None:
    path = tmp_path / "tool.py"
    path.write_text(UNRELATED, encoding="utf-8")
    source = SourceFile(path, "tool.py", "tool.py", "python")
    memo = FileMemo.open(tmp_path / "cache")
    later = path.stat().st_mtime_ns + 3600 * 10**9
    scan = scan_files(
        [source],
        memo,
        jobs=1,
        now_ns=later,
        prefilter=Prefilter({}, {}),
        byte_facts=PYTHON_BYTE_FACTS,
    )
    facts = scan.get(source)
    assert facts is not None and facts.rejected_by_prefilter
    recorded_flags = memo.entries[scan.memo_keys[path]][2]
    assert recorded_flags & (PREFILTERED | TRIGGERED) == 0


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_the_triggers_the_engine_takes_from_the_scan_are_those_it_would_search(
    fixture: str,
) -> None:
    """Including the names of the project's own clients, which the scan does not know."""
    root = FIXTURES / fixture
    rules = builtin_rules()
    config = parse_table({"select": ["ALL"]}, root, None)
    enabled = selected_rules(config, rules)
    files = Discovery(config).files([root])
    _, checks = enabled_checks(config, rules, enabled)
    scan = scan_files(
        files,
        None,
        jobs=1,
        hashed=False,
        prefilter=Prefilter.of(checks),
        byte_facts=PYTHON_BYTE_FACTS,
    )
    engine = Engine(config, rules, enabled, build_project_context(files, config, scan=scan), checks)
    compared = 0
    for source in files:
        facts = scan.get(source)
        assert facts is not None
        data = source.path.read_bytes()
        expected = engine.triggers_in(source.kind, data)
        if facts.triggers is None:
            assert expected.isdisjoint(scan.searched.get(source.kind, frozenset()))
            continue
        searched = scan.searched[source.kind]
        assert engine.triggers_known(source.kind, data, facts.triggers, searched) == expected
        compared += 1
    assert compared > 0
