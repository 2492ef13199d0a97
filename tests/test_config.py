"""[tool.timeoutlint]: found, validated, and turned into a rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import (
    Config,
    ConfigError,
    find_config,
    ignored_for_path,
    load_config,
    parse_table,
    selected_rules,
)

RULES = builtin_rules()


def _config(**table: object) -> Config:
    return parse_table(table, Path("/project"), None)


def test_unknown_key_names_the_key_a_suggestion_and_the_valid_keys() -> None:
    with pytest.raises(ConfigError) as error:
        _config(**{"default-timout": 5})
    message = str(error.value)
    assert "unknown key 'default-timout'" in message
    assert "Did you mean 'default-timeout'?" in message
    assert "respect-gitignore" in message


def test_wrong_type_names_the_key_and_the_expected_type() -> None:
    with pytest.raises(ConfigError, match="'select' must be a list of strings"):
        _config(select="TL101")


def test_default_timeout_must_be_positive_or_a_pair() -> None:
    assert _config(**{"default-timeout": [3.05, 27]}).timeout_code == "(3.05, 27)"
    assert _config(**{"default-timeout": 10}).timeout_code == "10"
    with pytest.raises(ConfigError, match="'default-timeout' must be a number of seconds above 0"):
        _config(**{"default-timeout": 0})
    with pytest.raises(ConfigError):
        _config(**{"default-timeout": True})


@pytest.mark.parametrize(
    "value", [float("inf"), float("nan"), 1e20, 2_147_484, [3, float("inf")], [float("nan"), 5]]
)
def test_default_timeout_must_be_finite_and_fit_the_libraries_poll_timeout(value: object) -> None:
    with pytest.raises(ConfigError) as error:
        _config(**{"default-timeout": value})
    assert str(error.value) == (
        "'default-timeout' must be a number of seconds above 0 and at most 2147483, or"
        f" [connect, read] of such numbers, not {value!r}"
    )


def test_the_largest_default_timeout_is_inserted_as_written() -> None:
    assert _config(**{"default-timeout": 2_147_483}).timeout_code == "2147483"


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_analysis_time_limit_must_be_finite(value: float) -> None:
    with pytest.raises(ConfigError, match="'analysis-time-limit' must be a positive number"):
        _config(**{"analysis-time-limit": value})


def test_a_config_file_with_only_another_tools_table_says_it_has_none(tmp_path: Path) -> None:
    path = tmp_path / "ruff.toml"
    path.write_text("[tool.other]\nline-length = 99\n")
    with pytest.raises(ConfigError) as error:
        load_config(path, tmp_path)
    assert str(error.value) == (
        f"{path}: has no [tool.timeoutlint] table (a configuration file holds the settings"
        " at its top level, or in [tool.timeoutlint] as pyproject.toml does)"
    )


def test_a_config_file_under_another_name_may_hold_a_tool_timeoutlint_table(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lint.toml"
    path.write_text("[tool.other]\nx = 1\n[tool.timeoutlint]\ndefault-timeout = 7\n")
    assert load_config(path, tmp_path).timeout_code == "7"


def test_unknown_rule_in_select_lists_the_valid_choices() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown rule selector 'TL9' in select. Valid choices: ALL, "
    ):
        selected_rules(_config(select=["TL9"]), RULES)


def test_unknown_rule_in_ignore_is_an_error_too() -> None:
    with pytest.raises(ConfigError, match="in ignore"):
        selected_rules(_config(ignore=["NOPE1"]), RULES)


def test_default_selection_is_the_rules_on_by_default() -> None:
    assert selected_rules(_config(), RULES) == {r.id for r in RULES.values() if r.default}


def test_select_accepts_ids_prefixes_names_and_all() -> None:
    assert selected_rules(_config(select=["TL101"]), RULES) == {"TL101"}
    assert "TL101" in selected_rules(_config(select=["TL1"]), RULES)
    assert selected_rules(_config(select=["requests-without-timeout"]), RULES) == {"TL101"}
    assert selected_rules(_config(select=["ALL"]), RULES) == set(RULES)


def test_ignore_wins_over_select_and_extend_select_adds() -> None:
    config = _config(select=["TL001"], **{"extend-select": ["TL101"]})
    assert selected_rules(config, RULES) == {"TL001", "TL101"}
    assert selected_rules(_config(select=["ALL"], ignore=["TL101"]), RULES) == set(RULES) - {
        "TL101"
    }


def test_per_file_ignores_match_gitignore_style_globs() -> None:
    config = _config(**{"per-file-ignores": {"tests/**": ["TL101"]}, "test-paths": []})
    assert ignored_for_path(config, "tests/unit/test_api.py", RULES) == {"TL101"}
    assert ignored_for_path(config, "src/api.py", RULES) == frozenset()


CREDENTIAL_RULES = {"TL401", "TL402", "TL403", "TL404"}


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_api.py",
        "app/tests/factories.py",
        "test/settings.py",
        "test_cache.py",
        "app/cache_test.py",
        "app/conftest.py",
        "fixtures/redis/.env",
        "examples/compose.yaml",
        "docs/conf.py",
    ],
)
def test_the_credential_rules_are_off_in_default_test_paths(path: str) -> None:
    assert ignored_for_path(_config(), path, RULES) == CREDENTIAL_RULES


@pytest.mark.parametrize("path", ["app/settings.py", "testing.py", "contest.py", "app/latest/x.py"])
def test_other_paths_keep_every_rule(path: str) -> None:
    assert ignored_for_path(_config(), path, RULES) == frozenset()


def test_test_paths_replace_the_defaults_and_test_paths_ignore_chooses_the_rules() -> None:
    config = _config(**{"test-paths": ["qa/"], "test-paths-ignore": ["TL403", "TL1"]})
    assert ignored_for_path(config, "qa/load.py", RULES) == {
        "TL403",
        "TL101",
        "TL102",
        "TL103",
        "TL104",
    }
    assert ignored_for_path(config, "tests/test_api.py", RULES) == frozenset()


def test_an_empty_test_paths_ignore_keeps_every_rule_in_tests() -> None:
    config = _config(**{"test-paths-ignore": []})
    assert ignored_for_path(config, "tests/test_api.py", RULES) == frozenset()
    assert config.in_test_paths("tests/test_api.py")


def test_test_paths_settings_are_validated() -> None:
    with pytest.raises(ConfigError, match="'test-paths' must be a list of strings"):
        _config(**{"test-paths": "tests/"})
    with pytest.raises(ConfigError, match="unknown rule selector 'TL999' in test-paths-ignore"):
        selected_rules(_config(**{"test-paths-ignore": ["TL999"]}), RULES)


def test_nearest_pyproject_with_a_timeoutlint_table_is_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\nignore = ['TL101']\n")
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.black]\nline-length = 80\n")
    assert find_config(inner) == tmp_path / "pyproject.toml"


def test_config_root_is_the_directory_of_the_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n")
    assert load_config(None, tmp_path).root == tmp_path.resolve()


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.timeoutlint\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: not valid TOML"):
        load_config(path, tmp_path)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml", tmp_path)
