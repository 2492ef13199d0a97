"""The parsed built-in catalog kept in `__pycache__`: used only for the exact same rule files."""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

import pytest

from timeoutlint import catalog, catalog_cache
from timeoutlint.catalog import _builtin_documents, builtin_catalog_dir, load_rules_from


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "__pycache__" / "catalog.test.marshal"
    monkeypatch.setattr(catalog_cache, "_cache_file", lambda: path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return path


@pytest.fixture
def rule_files(tmp_path: Path) -> list[Path]:
    directory = tmp_path / "rules"
    shutil.copytree(builtin_catalog_dir(), directory, ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(directory.glob("TL*.yaml"))


def _parsed_yaml(path: Path) -> object:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_unchanged_rule_files_are_read_from_the_cache_with_the_same_rules(
    cache_file: Path, rule_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _builtin_documents(rule_files)
    assert cache_file.is_file()
    parsed = [_parsed_yaml(path) for path in rule_files]
    rules = load_rules_from(rule_files)

    def no_yaml(path: Path) -> object:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(catalog, "_load_yaml", no_yaml)
    cached = _builtin_documents(rule_files)
    assert cached == parsed
    assert catalog._rules_from_documents(zip(rule_files, cached, strict=True)) == rules


def test_an_edited_rule_file_is_parsed_again(cache_file: Path, rule_files: list[Path]) -> None:
    _builtin_documents(rule_files)
    edited = rule_files[0]
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("summary:", "summary: Edited.", 1),
        encoding="utf-8",
    )
    assert _builtin_documents(rule_files)[0]["summary"].startswith("Edited.")


def test_nothing_is_written_when_bytecode_is_not_written(
    cache_file: Path, rule_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _builtin_documents(rule_files)
    assert not cache_file.exists()


def test_documents_marshal_cannot_hold_are_not_cached(cache_file: Path) -> None:
    catalog_cache.write(b"key", [{"released": datetime.date(2026, 11, 24)}])
    assert not cache_file.exists()
    assert catalog_cache.read(b"key") is None


def test_a_damaged_cache_file_is_ignored(cache_file: Path, rule_files: list[Path]) -> None:
    _builtin_documents(rule_files)
    cache_file.write_bytes(cache_file.read_bytes()[:100])
    assert _builtin_documents(rule_files) == [_parsed_yaml(p) for p in rule_files]
