"""The stat memo: unchanged files are answered without reading them, changed files never are."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from timeoutlint import engine as engine_module
from timeoutlint import limits
from timeoutlint.cache import (
    CACHE_HEADER,
    CACHEDIR_TAG,
    ResultCache,
    prune_siblings,
    settings_key,
)
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine, FileResult
from timeoutlint.file_memo import RACY_MARGIN_NS, FileMemo, signature
from timeoutlint.project import build_project_context
from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
from timeoutlint.scan import scan_files

UNSAFE_CALL = "import requests\n\nrequests.get('https://example.com')\n"
MOVED_UP = "import requests\nrequests.get('https://example.com')\n\n"
SAFE_CALL = "import requests\n\nrequests.get('https://example.com', timeout=5)\n"
UNRELATED = "import os\n\nprint(os.getcwd())\n"
LATER_RUN_NS = 3600 * 10**9
"""How far in the future a run pretends to start, so that files written by the test count as
old enough to be trusted."""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _check(root: Path, cache_dir: Path, now_ns: int | None) -> list[FileResult]:
    """One run as the CLI does it: scan with the memo, context, engine, save both caches."""
    rules = builtin_rules()
    config = parse_table({"select": ["TL101"]}, root.resolve(), None)
    files = Discovery(config).files([root])
    memo = FileMemo.open(cache_dir)
    scan = scan_files(files, memo, jobs=1, now_ns=now_ns, byte_facts=PYTHON_BYTE_FACTS)
    project = build_project_context(files, config, cache_dir, True, scan, jobs=1)
    engine = Engine(config, rules, selected_rules(config, rules), project)
    key = settings_key(config, rules, engine.enabled, project.fingerprint())
    cache = ResultCache.open(cache_dir, key)
    results = engine.run(files, jobs=1, cache=cache, scan=scan)
    assert cache.save() is None
    assert scan.save() is None
    return results


def _rule_ids(results: list[FileResult]) -> dict[str, list[str]]:
    return {Path(r.path).name: [f.rule_id for f in r.findings] for r in results}


def _refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> bytes:
        raise AssertionError(f"{path} was read although it did not change")

    monkeypatch.setattr(limits, "read_regular_file", refuse)
    monkeypatch.setattr(engine_module, "read_regular_file", refuse)


def test_unchanged_files_are_answered_without_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL, "plain.py": UNRELATED})
    later = time.time_ns() + LATER_RUN_NS
    first = _check(tmp_path / "src", tmp_path / "cache", later)
    _refuse_reading(monkeypatch)
    second = _check(tmp_path / "src", tmp_path / "cache", later)
    assert [r.findings for r in second] == [r.findings for r in first]
    assert _rule_ids(second) == {"client.py": ["TL101"], "plain.py": []}
    assert all(r.unread for r in second)


def test_a_file_edited_in_the_same_second_with_the_same_size_is_analyzed_again(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    path = tmp_path / "src" / "client.py"
    later = time.time_ns() + LATER_RUN_NS
    first = _check(tmp_path / "src", tmp_path / "cache", later)
    before = path.stat()
    path.write_text(MOVED_UP, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert path.stat().st_size == before.st_size
    second = _check(tmp_path / "src", tmp_path / "cache", later)
    assert [f.span.start.line for f in first[0].findings] == [3]
    assert [f.span.start.line for f in second[0].findings] == [2]
    assert not second[0].unread


def test_a_racily_written_file_is_not_trusted_and_is_read_again(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    path = tmp_path / "src" / "client.py"
    first = _check(tmp_path / "src", tmp_path / "cache", None)
    before = path.stat()
    path.write_text(SAFE_CALL.replace("timeout=5", "timeout=6"), encoding="utf-8")
    path.write_text(SAFE_CALL, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = _check(tmp_path / "src", tmp_path / "cache", None)
    assert _rule_ids(first) == {"client.py": ["TL101"]}
    assert _rule_ids(second) == {"client.py": []}
    assert not second[0].unread


def test_an_entry_is_recorded_only_when_its_timestamps_are_old_enough(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(UNRELATED, encoding="utf-8")
    sig = signature(path.stat())
    memo = FileMemo(tmp_path, tmp_path / "memo.pickle")
    memo.record("a", (sig, b"digest", 0, ""), started_ns=max(sig[3], sig[4]) + 1)
    assert memo.lookup("a", sig) is None
    memo.record("a", (sig, b"digest", 0, ""), max(sig[3], sig[4]) + RACY_MARGIN_NS + 1)
    assert memo.lookup("a", sig) == (sig, b"digest", 0, "")


def test_an_entry_is_not_used_when_any_part_of_the_signature_differs(tmp_path: Path) -> None:
    memo = FileMemo(tmp_path, tmp_path / "memo.pickle")
    sig = (1, 2, 3, 4, 5)
    memo.record("a", (sig, b"digest", 0, ""), started_ns=10**18)
    assert memo.lookup("a", sig) is not None
    for position in range(5):
        other = tuple(part + (i == position) for i, part in enumerate(sig))
        assert memo.lookup("a", other) is None  # type: ignore[arg-type]


def test_a_damaged_memo_file_is_an_empty_memo(tmp_path: Path) -> None:
    memo = FileMemo.open(tmp_path)
    memo.file.parent.mkdir(parents=True)
    memo.file.write_bytes(b"\x80\x05 not a pickle")
    assert FileMemo.open(tmp_path).entries == {}


def test_prune_siblings_keeps_the_newest_files_and_the_one_just_written(tmp_path: Path) -> None:
    (tmp_path / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
    files = tmp_path / "files"
    files.mkdir()
    names = [f"{age:040x}.pickle" for age in range(6)]
    for age, name in enumerate(names):
        older = files / name
        older.write_bytes(CACHE_HEADER)
        os.utime(older, ns=(0, (100 - age) * 10**9))
    written = files / f"{'f' * 40}.pickle"
    written.write_bytes(CACHE_HEADER)
    os.utime(written, ns=(0, 10**9))
    prune_siblings(written, keep=3)
    assert sorted(p.name for p in files.iterdir()) == sorted([names[0], names[1], written.name])
