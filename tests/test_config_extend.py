"""`extend`: a configuration file inherits another's settings (ruff's semantics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.config import ConfigError, read_config_file


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_extend_select_adds_to_the_inherited_list(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.timeoutlint]\nextend-select = ["TL104"]\n')
    child = _write(
        tmp_path / "svc" / "timeoutlint.toml",
        'extend = "../pyproject.toml"\nextend-select = ["TL303"]\n',
    )

    assert read_config_file(child).extend_select == ("TL104", "TL303")


def test_the_extending_files_keys_replace_the_inherited_ones(tmp_path: Path) -> None:
    _write(tmp_path / "base.toml", 'ignore = ["TL101", "TL102"]\ndefault-timeout = 5\n')
    child = _write(tmp_path / "svc" / ".timeoutlint.toml", 'extend = "../base.toml"\nignore = []\n')

    config = read_config_file(child)

    assert (config.ignore, config.default_timeout) == ((), 5)


def test_a_chain_of_extends_is_followed(tmp_path: Path) -> None:
    _write(tmp_path / "base.toml", "default-timeout = 4\n")
    _write(tmp_path / "a" / "timeoutlint.toml", 'extend = "../base.toml"\n')
    child = _write(tmp_path / "a" / "b" / "timeoutlint.toml", 'extend = "../timeoutlint.toml"\n')

    assert read_config_file(child).default_timeout == 4


def test_paths_of_an_extending_file_are_relative_to_its_directory(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.timeoutlint]\n")
    child = _write(tmp_path / "svc" / "timeoutlint.toml", 'extend = "../pyproject.toml"\n')

    assert read_config_file(child).root == (tmp_path / "svc").resolve()


def test_extend_must_name_a_path(tmp_path: Path) -> None:
    child = _write(tmp_path / "timeoutlint.toml", "extend = 3\n")

    with pytest.raises(ConfigError, match="'extend' must be the path of a configuration file"):
        read_config_file(child)


def test_a_file_that_extends_itself_is_a_cycle(tmp_path: Path) -> None:
    child = _write(tmp_path / "timeoutlint.toml", 'extend = "timeoutlint.toml"\n')

    with pytest.raises(ConfigError, match="cycle"):
        read_config_file(child)
