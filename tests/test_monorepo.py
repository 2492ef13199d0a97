"""Monorepos: each file is checked under its closest configuration and its own project's pins.

The repository below has two services: `billing` still pins `redis==4.6.0`, whose clients wait
forever without a socket timeout (TL205), and `search` requires `redis>=8.0.1`, whose clients
time out by default. `search` has its own configuration; `billing` uses the repository's.
Everything runs through the real CLI, as a user (or a pre-commit hook) would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import write_tree

CLIENT = """import redis

cache = redis.Redis(host="redis", port=6379, db=0)
cache.set("greeting", "hello")
"""
HTTP_CALL = """import requests

requests.get("https://api.example.com/health")
"""
COMPOSE = """services:
  redis:
    image: redis:7
    command: redis-server --requirepass ${REDIS_PASSWORD}
"""
PASSWORDLESS_URL = 'REDIS_URL = "redis://redis:6379/0"\n'


def _monorepo(tmp_path: Path, **extra: str) -> Path:
    return write_tree(
        tmp_path / "repo",
        {
            ".git/": "",
            "pyproject.toml": "[tool.timeoutlint]\n",
            "docker-compose.yml": COMPOSE,
            "services/billing/requirements.txt": "redis==4.6.0\n",
            "services/billing/billing/cache.py": CLIENT,
            "services/search/requirements.txt": "redis>=8.0.1\n",
            "services/search/search/cache.py": CLIENT,
            **extra,
        },
    )


Run = Callable[..., object]


def _findings(run_cli: Run, cwd: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli("check", "--no-cache", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr  # type: ignore[attr-defined]
    found: list[dict[str, object]] = json.loads(result.stdout)  # type: ignore[attr-defined]
    return found


def _codes(run_cli: Run, cwd: Path, *args: str) -> list[tuple[str, str]]:
    """(repository-relative file, rule) of every finding, sorted."""
    root = next(p for p in (cwd, *cwd.parents) if (p / ".git").exists())
    return sorted(
        (
            Path(cwd, str(f["filename"])).resolve().relative_to(root.resolve()).as_posix(),
            str(f["code"]),
        )
        for f in _findings(run_cli, cwd, *args)
    )


# per-project pins ---------------------------------------------------------------------------


def test_each_service_gets_the_findings_its_own_redis_pin_allows(tmp_path: Path, run_cli) -> None:
    root = _monorepo(tmp_path)

    assert _codes(run_cli, root, ".") == [("services/billing/billing/cache.py", "TL205")]


def test_a_finding_names_the_pin_file_of_its_own_service(tmp_path: Path, run_cli) -> None:
    root = _monorepo(tmp_path)

    (finding,) = _findings(run_cli, root, ".")

    assert str(finding["message"]).endswith(
        "(redis-py 4.6.0 from services/billing/requirements.txt)"
    )


def test_a_file_without_a_pinned_project_above_it_uses_the_root_pins(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(
        tmp_path,
        **{"requirements.txt": "redis>=8.0.1\n", "scripts/warm_cache.py": CLIENT},
    )

    assert ("scripts/warm_cache.py", "TL205") not in _codes(run_cli, root, ".")


def test_the_redis_version_option_still_wins_over_a_service_pin(tmp_path: Path, run_cli) -> None:
    root = _monorepo(tmp_path)

    assert _codes(run_cli, root, "--redis-version", "8.1.0", ".") == []


# per-directory configuration ----------------------------------------------------------------


def test_a_nested_configuration_that_ignores_a_rule_applies_only_below_it(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "services/billing/timeoutlint.toml": 'ignore = ["TL101"]\n',
            "services/billing/billing/health.py": HTTP_CALL,
            "services/search/search/health.py": HTTP_CALL,
        },
    )

    assert _codes(run_cli, root, ".") == [
        ("services/billing/billing/cache.py", "TL205"),
        ("services/search/search/health.py", "TL101"),
    ]


def test_a_nested_configuration_is_not_merged_with_the_root_one(tmp_path: Path, run_cli) -> None:
    """As in ruff: without `extend`, the root's `ignore` does not reach a service that has its
    own configuration."""
    root = _monorepo(
        tmp_path,
        **{
            "pyproject.toml": '[tool.timeoutlint]\nignore = ["TL101"]\n',
            "services/search/pyproject.toml": "[tool.timeoutlint]\n",
            "services/billing/billing/health.py": HTTP_CALL,
            "services/search/search/health.py": HTTP_CALL,
        },
    )

    assert ("services/search/search/health.py", "TL101") in _codes(run_cli, root, ".")
    assert ("services/billing/billing/health.py", "TL101") not in _codes(run_cli, root, ".")


def test_nested_per_file_ignores_are_relative_to_their_configuration(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "services/search/timeoutlint.toml": '[per-file-ignores]\n"scripts/*" = ["TL101"]\n',
            "services/search/scripts/ping.py": HTTP_CALL,
            "scripts/ping.py": HTTP_CALL,
        },
    )

    assert _codes(run_cli, root, ".") == [
        ("scripts/ping.py", "TL101"),
        ("services/billing/billing/cache.py", "TL205"),
    ]


def test_a_nested_exclude_is_relative_to_its_configuration(tmp_path: Path, run_cli) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "services/search/timeoutlint.toml": 'extend-exclude = ["generated"]\n',
            "services/search/generated/client.py": HTTP_CALL,
            "generated/client.py": HTTP_CALL,
        },
    )

    assert ("generated/client.py", "TL101") in _codes(run_cli, root, ".")
    assert ("services/search/generated/client.py", "TL101") not in _codes(run_cli, root, ".")


def test_a_fix_inserts_the_default_timeout_of_the_files_own_configuration(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "services/search/timeoutlint.toml": "default-timeout = 3\n",
            "services/search/search/health.py": HTTP_CALL,
            "services/billing/billing/health.py": HTTP_CALL,
        },
    )

    result = run_cli("fix", "--no-cache", ".", cwd=root)

    assert result.returncode in (0, 1), result.stderr
    assert 'health", timeout=3)' in (root / "services/search/search/health.py").read_text()
    assert 'health", timeout=10)' in (root / "services/billing/billing/health.py").read_text()


def test_the_config_option_applies_to_every_file(tmp_path: Path, run_cli) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "services/billing/timeoutlint.toml": 'ignore = ["TL205"]\n',
            "shared.toml": "",
        },
    )

    assert _codes(run_cli, root, "--config", "shared.toml", ".") == [
        ("services/billing/billing/cache.py", "TL205")
    ]


def test_a_changed_nested_configuration_is_not_answered_from_the_cache(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(tmp_path, **{"services/billing/timeoutlint.toml": ""})
    first = run_cli("check", "--output-format", "json", ".", cwd=root)
    (root / "services/billing/timeoutlint.toml").write_text('ignore = ["TL205"]\n')

    second = run_cli("check", "--output-format", "json", ".", cwd=root)

    assert [f["code"] for f in json.loads(first.stdout)] == ["TL205"]
    assert json.loads(second.stdout) == []


# extend -------------------------------------------------------------------------------------


def test_extend_inherits_the_parents_settings_and_the_childs_keys_override(
    tmp_path: Path, run_cli
) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "pyproject.toml": '[tool.timeoutlint]\nignore = ["TL205"]\ndefault-timeout = 5\n',
            "services/billing/timeoutlint.toml": 'extend = "../../pyproject.toml"\n'
            "default-timeout = 7\n",
            "services/billing/billing/health.py": HTTP_CALL,
        },
    )

    assert _codes(run_cli, root, ".") == [("services/billing/billing/health.py", "TL101")]
    run_cli("fix", "--no-cache", ".", cwd=root)
    assert 'health", timeout=7)' in (root / "services/billing/billing/health.py").read_text()


def test_extend_exclude_adds_to_the_inherited_list(tmp_path: Path, run_cli) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "pyproject.toml": '[tool.timeoutlint]\nextend-exclude = ["generated"]\n',
            "services/search/timeoutlint.toml": 'extend = "../../pyproject.toml"\n'
            'extend-exclude = ["vendored"]\n',
            "services/search/generated/a.py": HTTP_CALL,
            "services/search/vendored/b.py": HTTP_CALL,
            "services/search/search/c.py": HTTP_CALL,
        },
    )

    assert ("services/search/search/c.py", "TL101") in _codes(run_cli, root, ".")
    assert [f for f, _ in _codes(run_cli, root, ".") if "generated" in f or "vendored" in f] == []


def test_an_extend_cycle_is_an_error_naming_both_files(tmp_path: Path, run_cli) -> None:
    root = _monorepo(
        tmp_path,
        **{
            "pyproject.toml": '[tool.timeoutlint]\nextend = "services/billing/timeoutlint.toml"\n',
            "services/billing/timeoutlint.toml": 'extend = "../../pyproject.toml"\n',
        },
    )

    result = run_cli("check", "--no-cache", ".", cwd=root)

    assert result.returncode == 2
    assert "cycle" in result.stderr
    assert "pyproject.toml" in result.stderr
    assert "services/billing/timeoutlint.toml" in result.stderr


def test_a_missing_extend_target_is_an_error_naming_both_files(tmp_path: Path, run_cli) -> None:
    root = _monorepo(tmp_path, **{"services/billing/timeoutlint.toml": 'extend = "../base.toml"\n'})

    result = run_cli("check", "--no-cache", ".", cwd=root)

    assert result.returncode == 2
    assert "services/billing/timeoutlint.toml" in result.stderr
    assert "services/base.toml" in result.stderr


# the same answer from anywhere --------------------------------------------------------------


def _extending_monorepo(tmp_path: Path) -> Path:
    return _monorepo(
        tmp_path,
        **{
            "services/search/pyproject.toml": '[project]\nname = "search"\n\n'
            '[tool.timeoutlint]\nextend = "../../pyproject.toml"\nignore = ["TL101"]\n',
            "services/search/search/settings.py": PASSWORDLESS_URL,
            "services/search/search/health.py": HTTP_CALL,
        },
    )


@pytest.mark.parametrize(
    ("where", "args"),
    [
        ("", ("services/search/search/settings.py",)),
        ("", ("services/search",)),
        ("services/search", ()),
        ("services/search/search", ("settings.py", "cache.py", "health.py")),
    ],
    ids=["one-file", "subdirectory", "inside-the-service", "files-from-inside"],
)
def test_a_service_gets_the_findings_of_a_full_run(
    tmp_path: Path, run_cli, where: str, args: tuple[str, ...]
) -> None:
    root = _extending_monorepo(tmp_path)
    full = [item for item in _codes(run_cli, root, ".") if item[0].startswith("services/search/")]
    assert full == [("services/search/search/settings.py", "TL401")]

    assert _codes(run_cli, root / where, *args) == full


def test_show_context_lists_each_project_with_its_configuration_and_pins(
    tmp_path: Path, run_cli
) -> None:
    root = _extending_monorepo(tmp_path)

    result = run_cli("check", "--no-cache", "--show-context", ".", cwd=root)

    lines = [line.removeprefix("timeoutlint: ") for line in result.stderr.splitlines()]
    billing = lines.index("project services/billing: configuration pyproject.toml")
    assert lines[billing + 1 : billing + 3] == [
        "  pin files read: services/billing/requirements.txt",
        "  redis-py: redis==4.6.0 (services/billing/requirements.txt)",
    ]
    search = lines.index("project services/search: configuration services/search/pyproject.toml")
    assert lines[search + 2] == "  redis-py: redis>=8.0.1 (services/search/requirements.txt)"


def test_show_context_gives_the_versions_a_projects_files_assume(tmp_path: Path, run_cli) -> None:
    root = _monorepo(tmp_path, **{"services/billing/timeoutlint.toml": 'redis-version = "8.1.0"\n'})

    result = run_cli("check", "--no-cache", "--show-context", ".", cwd=root)

    lines = [line.removeprefix("timeoutlint: ") for line in result.stderr.splitlines()]
    billing = lines.index(
        "project services/billing: configuration services/billing/timeoutlint.toml"
    )
    assert lines[billing + 1 : billing + 3] == [
        "  pin files read: services/billing/requirements.txt",
        "  redis-py: redis==8.1.0 ([tool.timeoutlint] redis-version)",
    ]
