"""`[tool.timeoutlint]` in pyproject.toml: found, parsed and validated.

An unknown key, a value of the wrong type or an unknown rule selector is a
`ConfigError` whose message names the key and the valid choices; the CLI
turns it into exit code 2. Nothing is silently ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from timeoutlint.catalog import Rule
from timeoutlint.limits import (
    DEFAULT_ANALYSIS_TIME_LIMIT,
    DEFAULT_MAX_FILE_SIZE,
    read_text_file,
)

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", "*.egg-info",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".timeoutlint_cache",
    "node_modules", "build", "dist", "site-packages", "__pypackages__", ".direnv",
)  # fmt: skip


class ConfigError(Exception):
    """The configuration is invalid; the message says which key and why."""


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    default_timeout: float | tuple[float, float] = 10
    cache_dir: str = ".timeoutlint_cache"
    rule_packs: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    analysis_time_limit: float = DEFAULT_ANALYSIS_TIME_LIMIT
    redis_version: str | None = None
    rq_version: str | None = None
    compose_files: tuple[str, ...] = ()

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def timeout_code(self) -> str:
        """The Python source a fix inserts for a timeout, e.g. `10` or `(3.05, 27)`."""
        value = self.default_timeout
        if isinstance(value, tuple):
            return f"({_number(value[0])}, {_number(value[1])})"
        return _number(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings, not {value!r}")
    return tuple(value)


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{key}' must be true or false, not {value!r}")
    return value


def _timeout(key: str, value: Any) -> float | tuple[float, float]:
    def positive(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0

    if positive(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, list) and len(value) == 2 and all(positive(v) for v in value):
        return (value[0], value[1])
    raise ConfigError(
        f"'{key}' must be a positive number of seconds or [connect, read], not {value!r}"
    )


def _per_file_ignores(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table of glob = [rule ids], not {value!r}")
    return {str(glob): _string_list(f"{key}.{glob}", codes) for glob, codes in value.items()}


def _positive_int(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"'{key}' must be a positive whole number, not {value!r}")
    return value


def _positive_seconds(key: str, value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"'{key}' must be a positive number of seconds, not {value!r}")
    return float(value)


def _version_specifier(key: str, value: Any) -> str:
    """A version specifier such as ">=5,<6" or "5.0.8", normalised."""
    from timeoutlint.project.dependencies import parse_version_option

    if not isinstance(value, str):
        raise ConfigError(f"'{key}' must be a string such as \">=5,<6\", not {value!r}")
    try:
        return parse_version_option(value)
    except ValueError as exc:
        raise ConfigError(f"'{key}' {exc}") from None


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string, not {value!r}")
    return value


_KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _string_list),
    "extend-select": ("extend_select", _string_list),
    "ignore": ("ignore", _string_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "force-exclude": ("force_exclude", _boolean),
    "default-timeout": ("default_timeout", _timeout),
    "cache-dir": ("cache_dir", _string),
    "rule-packs": ("rule_packs", _string_list),
    "max-file-size": ("max_file_size", _positive_int),
    "analysis-time-limit": ("analysis_time_limit", _positive_seconds),
    "redis-version": ("redis_version", _version_specifier),
    "rq-version": ("rq_version", _version_specifier),
    "compose-files": ("compose_files", _string_list),
}


def parse_table(table: Mapping[str, Any], root: Path, source: Path | None) -> Config:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _KEYS:
            import difflib

            hint = difflib.get_close_matches(key, _KEYS, n=1)
            suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
            raise ConfigError(
                f"unknown key '{key}' in [tool.timeoutlint].{suggestion} Valid keys: {', '.join(sorted(_KEYS))}"
            )
        attribute, validate = _KEYS[key]
        values[attribute] = validate(key, raw)
    return Config(root=root, source=source, **values)


def read_config_file(path: Path) -> Config:
    try:
        data = tomllib.loads(read_text_file(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("timeoutlint", {})
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.timeoutlint] must be a table")
    try:
        return parse_table(table, path.parent.resolve(), path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.timeoutlint] table, from `start` upwards."""
    try:
        directory = start.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: search from where it is
        directory = start.absolute()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = read_text_file(pyproject)
            except (OSError, UnicodeDecodeError):
                continue
            if "[tool.timeoutlint" in text:
                return pyproject
    return None


def load_config(explicit: Path | None, start: Path) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return read_config_file(explicit)
    found = find_config(start)
    if found is None:
        return Config(root=Path.cwd().resolve())
    return read_config_file(found)


def _matches(selector: str, rule: Rule) -> bool:
    return selector in ("ALL", rule.name) or rule.id.startswith(selector)


def _validate_selectors(selectors: Iterable[str], rules: Mapping[str, Rule], key: str) -> None:
    for selector in selectors:
        if not any(_matches(selector, rule) for rule in rules.values()):
            choices = ", ".join(["ALL", *rules])
            raise ConfigError(
                f"unknown rule selector '{selector}' in {key}. Valid choices: {choices}"
            )


def selected_rules(config: Config, rules: Mapping[str, Rule]) -> frozenset[str]:
    """The ids of the rules this run enables."""
    if config.select is None:
        enabled = {rule_id for rule_id, rule in rules.items() if rule.default}
    else:
        _validate_selectors(config.select, rules, "select")
        enabled = {
            rule_id
            for rule_id, rule in rules.items()
            if any(_matches(s, rule) for s in config.select)
        }
    _validate_selectors(config.extend_select, rules, "extend-select")
    _validate_selectors(config.ignore, rules, "ignore")
    for codes in config.per_file_ignores.values():
        _validate_selectors(codes, rules, "per-file-ignores")
    enabled |= {
        rule_id
        for rule_id, rule in rules.items()
        if any(_matches(s, rule) for s in config.extend_select)
    }
    enabled -= {
        rule_id for rule_id, rule in rules.items() if any(_matches(s, rule) for s in config.ignore)
    }
    return frozenset(enabled)


def ignored_for_path(
    config: Config, relative_path: str, rules: Mapping[str, Rule]
) -> frozenset[str]:
    if not config.per_file_ignores:
        return frozenset()
    from timeoutlint.discovery import compile_patterns

    ignored: set[str] = set()
    for glob, codes in config.per_file_ignores.items():
        if compile_patterns([glob]).match_file(relative_path):
            ignored |= {
                rule_id for rule_id, rule in rules.items() if any(_matches(c, rule) for c in codes)
            }
    return frozenset(ignored)
