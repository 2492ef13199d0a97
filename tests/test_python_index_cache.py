"""The Python index is reused across runs only while no indexed module changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from timeoutlint.cli import main
from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project import python_index
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.redis.model import ExportedConstant

SETTINGS = "REDIS_SOCKET_TIMEOUT = 600\nREDIS_URL = 'redis://cache:6379/0'\n"


def _build(root: Path, cache: Path | None) -> PythonIndex:
    config = parse_table({}, root.resolve(), None)
    return PythonIndex.build(Discovery(config).files([root]), cache)


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    return root


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(candidate: object) -> None:
        raise AssertionError(f"parsed {candidate!r} although the index was cached")

    monkeypatch.setattr(python_index, "_parse", refuse)


def test_an_unchanged_project_reuses_the_cached_index_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    first = _build(root, tmp_path / "cache")
    _forbid_parsing(monkeypatch)
    again = _build(root, tmp_path / "cache")
    assert again == first
    assert again.modules["app.settings"]["REDIS_SOCKET_TIMEOUT"] == ExportedConstant(600)


def test_the_index_counts_the_parses_of_this_run_only(tmp_path: Path) -> None:
    """What `--verbose` reports: one parse for the one module that mentions redis, then none
    when the index comes from the cache."""
    root = _project(tmp_path)
    (root / "app" / "views.py").write_text("print('no client here')\n", encoding="utf-8")
    assert _build(root, tmp_path / "cache").parsed == 1
    assert _build(root, tmp_path / "cache").parsed == 0


def test_an_edited_module_is_summarised_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _build(root, tmp_path / "cache")
    (root / "app" / "settings.py").write_text(SETTINGS.replace("600", "5"), encoding="utf-8")
    edited = _build(root, tmp_path / "cache")
    assert edited.modules["app.settings"]["REDIS_SOCKET_TIMEOUT"] == ExportedConstant(5)


def test_a_damaged_cache_file_is_a_miss(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected = _build(root, None)
    _build(root, tmp_path / "cache")
    written = list((tmp_path / "cache" / "index").glob("*.pickle"))
    assert len(written) == 1
    written[0].write_bytes(b"\x80\x04not a pickle")
    assert _build(root, tmp_path / "cache") == expected


def test_no_cache_writes_no_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-q", "--exit-zero", "."])
    assert result.exit_code == 0, result.output
    assert not (root / ".timeoutlint_cache").exists()


def test_check_caches_the_index_in_the_cache_directory(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "elsewhere"
    result = CliRunner().invoke(
        main, ["check", "--cache-dir", str(cache), "-q", "--exit-zero", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert len(list((cache / "index").glob("*.pickle"))) == 1


def test_fix_reads_but_does_not_write_the_index_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["fix", "-q", "."])
    assert result.exit_code in (0, 1), result.output
    assert not (root / ".timeoutlint_cache" / "index").exists()
