"""`[tool.timeoutlint]` in pyproject.toml: found, parsed and validated.

An unknown key, a value of the wrong type or an unknown rule selector is a
`ConfigError` whose message names the key and the valid choices; the CLI
turns it into exit code 2. Nothing is silently ignored.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from timeoutlint.catalog import Rule
from timeoutlint.ignore_patterns import PatternSet
from timeoutlint.limits import (
    DEFAULT_ANALYSIS_TIME_LIMIT,
    DEFAULT_MAX_FILE_SIZE,
    read_text_file,
)

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", "*.egg-info",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".timeoutlint_cache",
    "node_modules", "build", "dist", "site-packages", "__pypackages__", ".direnv", ".semgrep",
    "*{{*",
)  # fmt: skip
"""Virtualenvs, caches, build output; `.semgrep/`: semgrep's rules with their test targets,
code written to be wrong (`# ruleid:` marks each bad line); and `{{cookiecutter.project_slug}}/`
style names: the templates of cookiecutter and copier, which are not code until rendered."""
DEFAULT_TEST_PATHS = (
    "tests/", "test/", "test_*.py", "*_test.py", "conftest.py", "fixtures/", "examples/", "docs/",
)  # fmt: skip
"""Test, fixture, example and documentation code: gitignore-style, relative to the project root."""
DEFAULT_TEST_PATHS_IGNORE = ("TL401", "TL402", "TL403", "TL404")
"""The credential rules: a dummy password in a test is test data, not a leaked secret."""


DEFAULT_CACHE_DIR = ".timeoutlint_cache"


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
    cache_dir: str = DEFAULT_CACHE_DIR
    rule_packs: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    analysis_time_limit: float = DEFAULT_ANALYSIS_TIME_LIMIT
    redis_version: str | None = None
    rq_version: str | None = None
    compose_files: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    test_paths_ignore: tuple[str, ...] = DEFAULT_TEST_PATHS_IGNORE
    external_suppressions: bool = True

    def in_test_paths(self, relative_path: str) -> bool:
        """Whether a file (relative to the root) is test, fixture, example or documentation code."""
        return bool(self.test_paths) and _test_path_patterns(self.test_paths).matches(
            relative_path, False
        )

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


MAX_TIMEOUT = 2_147_483
"""The largest timeout a fix inserts, in seconds (about 24.8 days): its milliseconds must fit
the signed 32-bit int that `poll()` takes (urllib3 waits with it); a larger value raises
OverflowError when the call runs, and 1e10 already overflows `socket.settimeout`."""


def _seconds(v: Any) -> bool:
    return (
        isinstance(v, (int, float))
        and not isinstance(v, bool)
        and math.isfinite(v)
        and 0 < v <= MAX_TIMEOUT
    )


def _timeout(key: str, value: Any) -> float | tuple[float, float]:
    if _seconds(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, list) and len(value) == 2 and all(_seconds(v) for v in value):
        return (value[0], value[1])
    raise ConfigError(
        f"'{key}' must be a number of seconds above 0 and at most {MAX_TIMEOUT}, or"
        f" [connect, read] of such numbers, not {value!r}"
    )


def check_default_timeout(option: str, value: float) -> float:
    """A timeout given on the command line, validated as the configuration's is."""
    if not _seconds(value):
        raise ConfigError(
            f"{option} must be a number of seconds above 0 and at most {MAX_TIMEOUT}, not {value!r}"
        )
    return value


def _per_file_ignores(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table of glob = [rule ids], not {value!r}")
    return {str(glob): _string_list(f"{key}.{glob}", codes) for glob, codes in value.items()}


def _positive_int(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"'{key}' must be a positive whole number, not {value!r}")
    return value


def _positive_seconds(key: str, value: Any) -> float:
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigError(f"'{key}' must be a positive number of seconds, not {value!r}")
    return float(value)


def _version_specifier(key: str, value: Any) -> str:
    """A version specifier such as ">=5,<6" or "5.0.8", normalised."""
    from timeoutlint.version_option import parse_version_option

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
    "test-paths": ("test_paths", _string_list),
    "test-paths-ignore": ("test_paths_ignore", _string_list),
    "external-suppressions": ("external_suppressions", _boolean),
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
    """The configuration of one file, its `extend` chain applied (`config_extend.py`)."""
    from timeoutlint.config_extend import ExtendError, read_table

    try:
        table, _ = read_table(path)
    except ExtendError as exc:
        raise ConfigError(str(exc)) from None
    try:
        return parse_table(table, path.parent.resolve(), path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


CONFIG_FILES = (".timeoutlint.toml", "timeoutlint.toml")
"""Files that hold the `[tool.timeoutlint]` table's keys at top level; in a directory they come
before its pyproject.toml (as ruff's own files come before pyproject.toml)."""


def _search_start(start: Path, follow_links: bool) -> Path:
    try:
        directory = start.resolve() if follow_links else Path(os.path.abspath(start))
    except (OSError, RuntimeError):  # a symbolic link loop: search from where it is
        directory = start.absolute()
    if not directory.is_dir() or (directory.is_symlink() and not follow_links):
        directory = directory.parent
    return directory


def configuration_in(directory: Path, names: Container[str] | None = None) -> Path | None:
    """The directory's own configuration file: the first of `CONFIG_FILES` there, else a
    `pyproject.toml` with a `[tool.timeoutlint]` table. `names`, the directory's listing where the
    caller has it, spares a stat of each file that is not there."""

    def present(name: str) -> bool:
        return (names is None or name in names) and (directory / name).is_file()

    for name in CONFIG_FILES:
        if present(name):
            return directory / name
    pyproject = directory / "pyproject.toml"
    if present("pyproject.toml"):
        try:
            text = read_text_file(pyproject)
        except (OSError, UnicodeDecodeError):
            return None
        if "[tool.timeoutlint" in text:
            return pyproject
    return None


def find_config(start: Path) -> Path | None:
    """The nearest timeoutlint configuration from `start` upwards: a `.timeoutlint.toml` or
    `timeoutlint.toml`, or a pyproject.toml with a [tool.timeoutlint] table."""
    directory = _search_start(start, follow_links=True)
    for candidate in (directory, *directory.parents):
        found = configuration_in(candidate)
        if found is not None:
            return found
    return None


def project_root(start: Path) -> Path:
    """The root of the project that `start` (a path being checked) belongs to.

    The nearest directory upwards holding a timeoutlint configuration, else the
    repository (`.git`), else `start` itself (its directory, for a file), as ruff
    and git find theirs. A pyproject.toml without [tool.timeoutlint] is not a
    root: in a repository whose Python service lives in `backend/`, the compose
    and `.env` files at the repository root belong to the same project (so
    `check backend/` and `check .` agree). Never the caller's working directory:
    `cd / && timeoutlint fix /repo` must not make `/` the project, or a link
    in the repository could lead a write anywhere. The search does not follow
    a link given as `start`; a link's target is not its project.
    """
    directory = _search_start(start, follow_links=False)
    candidates = (directory, *directory.parents)
    for marker in (
        configuration_in,
        lambda d: d if (d / ".git").exists() else None,
    ):
        for candidate in candidates:
            if marker(candidate) is not None:
                return candidate.resolve()
    return directory.resolve()


def load_config(explicit: Path | None, start: Path) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return read_config_file(explicit)
    found = find_config(start)
    if found is None:
        return Config(root=project_root(start))
    return read_config_file(_outermost_extended(found))


def _outermost_extended(found: Path) -> Path:
    """The configuration that roots the project of `found`: `found` itself, or, when its
    `extend` chain names configurations in directories above it, the one highest up. A
    service configuration that extends the repository's is part of the repository's project
    (its compose files, its other services), wherever the run starts; one that extends
    nothing is a project of its own, as the nearest configuration is in ruff."""
    from timeoutlint.config_extend import ExtendError, read_table

    try:
        _, chain = read_table(found)
    except ExtendError as exc:
        raise ConfigError(str(exc)) from None
    directory = found.parent.resolve()
    above = [
        path
        for path in chain
        if path.parent in directory.parents and configuration_in(path.parent) == path
    ]
    return min(above, key=lambda path: len(path.parts)) if above else found


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
    _validate_selectors(config.test_paths_ignore, rules, "test-paths-ignore")
    enabled |= {
        rule_id
        for rule_id, rule in rules.items()
        if any(_matches(s, rule) for s in config.extend_select)
    }
    enabled -= {
        rule_id for rule_id, rule in rules.items() if any(_matches(s, rule) for s in config.ignore)
    }
    return frozenset(enabled)


@functools.lru_cache(maxsize=8)
def _test_path_patterns(patterns: tuple[str, ...]) -> PatternSet:
    return PatternSet(patterns)


def ignored_for_path(
    config: Config, relative_path: str, rules: Mapping[str, Rule]
) -> frozenset[str]:
    """The rules `per-file-ignores` and, for a file in `test-paths`, `test-paths-ignore` turn off."""
    ignored: set[str] = set()
    if config.test_paths_ignore and config.in_test_paths(relative_path):
        ignored |= {
            rule_id
            for rule_id, rule in rules.items()
            if any(_matches(c, rule) for c in config.test_paths_ignore)
        }
    if not config.per_file_ignores:
        return frozenset(ignored)
    from timeoutlint.ignore_patterns import compile_patterns

    for glob, codes in config.per_file_ignores.items():
        if compile_patterns([glob]).match_file(relative_path):
            ignored |= {
                rule_id for rule_id, rule in rules.items() if any(_matches(c, rule) for c in codes)
            }
    return frozenset(ignored)
