"""A run over a few files reuses the project context of the last run only while nothing it was
built from changed (`project/context_snapshot.py`): whatever changed elsewhere in the project,
the next run over the same files gives the findings of a fresh run (`--no-cache`)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process
from timeoutlint import file_memo, scan

REUSED = "project context: reused from the last run"

CONNECTION = "import redis\n\nclient = redis.Redis(host='h')\n"
VIEWS = """from app.connection import client


async def view():
    return client.blpop('q', timeout=1)
"""
COMPOSE = """services:
  redis:
    image: redis:7
    command: redis-server{password}
  web:
    build: .
    environment:
      REDIS_HOST: redis
"""
SETTINGS = """import os
REDIS_HOST = os.environ.get("REDIS_HOST", "localhost")
REDIS_URL = os.environ.get("REDIS_URL", f"redis://{REDIS_HOST}:6379/0")
"""
OTHER = "import json\n\nVALUE = json.dumps({})\n"


@pytest.fixture(autouse=True, params=["stat", "stat-memo"])
def _no_racy_margin(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The files are aged by `_age` instead: an entry newer than the margin is never trusted,
    and a test cannot wait seconds for every edit. With "stat-memo" the run uses the stat
    memo even for these few files, and the snapshot takes the scan's signatures from it."""
    monkeypatch.setattr(file_memo, "RACY_MARGIN_NS", 0)
    if request.param == "stat-memo":
        monkeypatch.setattr(scan, "MEMO_MIN_FILES", 0)


def _age(root: Path) -> None:
    """Every file and directory an hour old, so that an edit afterwards changes its mtime."""
    past = time.time_ns() - 3_600 * 10**9
    for directory, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(directory, name), ns=(past, past))
        os.utime(directory, ns=(past, past))


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".timeoutlint_cache").mkdir()  # created by the first run, it would change the root
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _age(root)
    return root


def _check(root: Path, *args: str) -> tuple[list[tuple[str, str, int]], str]:
    result = run_cli_in_process("check", "--output-format", "json", "--verbose", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found = sorted(
        (item["filename"], item["code"], item["location"]["row"])
        for item in json.loads(result.stdout)
    )
    return found, result.stderr


def _after_change(
    root: Path, given: tuple[str, ...], change: Callable[[Path], None]
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """The findings of `given` before the change (the snapshot written), after it (the
    snapshot checked), and of a fresh run after it."""
    before, _ = _check(root, *given)
    again, stderr = _check(root, *given)
    assert REUSED in stderr
    assert again == before
    change(root)
    after, stderr = _check(root, *given)
    assert REUSED not in stderr
    fresh, _ = _check(root, "--no-cache", *given)
    return before, after, fresh


def _codes(found: list[tuple[str, str, int]]) -> list[str]:
    return [code for _, code, _ in found]


def test_a_client_module_added_elsewhere_is_seen(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS})

    def add(root: Path) -> None:
        (root / "app" / "connection.py").write_text(CONNECTION, encoding="utf-8")

    before, after, fresh = _after_change(root, ("app/views.py",), add)

    assert _codes(before) == []
    assert after == fresh
    assert _codes(after) == ["TL302"]


def test_a_client_module_removed_elsewhere_is_seen(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})

    def remove(root: Path) -> None:
        (root / "app" / "connection.py").unlink()

    before, after, fresh = _after_change(root, ("app/views.py",), remove)

    assert _codes(before) == ["TL302"]
    assert after == fresh == []


def test_a_client_module_edited_elsewhere_is_seen(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})

    def edit(root: Path) -> None:
        (root / "app" / "connection.py").write_text("client = object()\n", encoding="utf-8")

    before, after, fresh = _after_change(root, ("app/views.py",), edit)

    assert _codes(before) == ["TL302"]
    assert after == fresh == []


def test_a_password_added_to_compose_is_seen(tmp_path: Path) -> None:
    compose = COMPOSE.format(password="")
    root = _project(tmp_path, {"docker-compose.yml": compose, "backend/settings.py": SETTINGS})

    def require_password(root: Path) -> None:
        with_password = COMPOSE.format(password=" --requirepass ${REDIS_PASSWORD}")
        (root / "docker-compose.yml").write_text(with_password, encoding="utf-8")

    before, after, fresh = _after_change(root, ("backend/settings.py",), require_password)

    assert _codes(before) == []
    assert after == fresh
    assert _codes(after) == ["TL401"]


def test_a_changed_pin_is_seen_though_the_file_keeps_its_size(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"requirements.txt": "redis==4.6.0\n", "app/connection.py": CONNECTION},
    )

    def upgrade(root: Path) -> None:
        (root / "requirements.txt").write_text("redis==8.0.1\n", encoding="utf-8")

    before, after, fresh = _after_change(root, ("app/connection.py",), upgrade)

    assert "TL205" in _codes(before)
    assert after == fresh
    assert "TL205" not in _codes(after)


def test_a_changed_configuration_is_seen(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"app/views.py": VIEWS, "app/connection.py": CONNECTION, "timeoutlint.toml": ""},
    )

    def exclude_the_client(root: Path) -> None:
        (root / "timeoutlint.toml").write_text(
            'extend-exclude = ["app/connection.py"]\n', encoding="utf-8"
        )

    before, after, fresh = _after_change(root, ("app/views.py",), exclude_the_client)

    assert _codes(before) == ["TL302"]
    assert after == fresh == []


def test_a_given_file_that_builds_a_client_rebuilds_the_context(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})
    given = ("app/views.py", "app/connection.py")

    def edit(root: Path) -> None:
        (root / "app" / "connection.py").write_text("client = object()\n", encoding="utf-8")

    before, after, fresh = _after_change(root, given, edit)

    assert "TL302" in _codes(before)
    assert after == fresh
    assert "TL302" not in _codes(after)


def test_the_context_is_reused_when_only_unrelated_given_files_changed(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"app/views.py": VIEWS, "app/connection.py": CONNECTION, "app/other.py": OTHER},
    )
    given = ("app/views.py", "app/other.py")
    before, stderr = _check(root, *given)
    assert REUSED not in stderr
    with open(root / "app" / "other.py", "a", encoding="utf-8") as stream:
        stream.write("# edited\n")

    after, stderr = _check(root, *given)

    assert REUSED in stderr
    assert after == before == _check(root, "--no-cache", *given)[0]
    assert _codes(after) == ["TL302"]


def test_show_context_says_when_the_context_was_reused(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})
    run_cli_in_process("check", "app/views.py", cwd=root)

    result = run_cli_in_process("check", "--show-context", "app/views.py", cwd=root)

    assert REUSED in result.stdout + result.stderr


def test_a_recent_change_is_never_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})
    (root / "app" / "connection.py").write_text(CONNECTION, encoding="utf-8")
    monkeypatch.setattr(file_memo, "RACY_MARGIN_NS", 3_000_000_000)
    _check(root, "app/views.py")

    _, stderr = _check(root, "app/views.py")

    assert REUSED not in stderr


def test_a_reused_context_has_the_fingerprint_of_the_context_it_stands_for(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from timeoutlint.cache import read_trusted
    from timeoutlint.project import context_snapshot

    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})
    _check(root, "app/views.py")
    cache = root / ".timeoutlint_cache"
    (stored,) = [
        path
        for path in (cache / "context").glob("*.pickle")
        if isinstance(read_trusted(path), context_snapshot.ContextSnapshot)
    ]
    snapshot = context_snapshot.load(cache, stored.stem)
    assert snapshot is not None

    reused = context_snapshot.restored(snapshot, cache)
    assert reused is not None

    assert reused.fingerprint() == replace(reused, known_fingerprint=None).fingerprint()
    assert reused.python_index.modules


def test_a_run_over_the_whole_root_keeps_no_snapshot(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": VIEWS, "app/connection.py": CONNECTION})

    found, stderr = _check(root, ".")

    assert "TL302" in _codes(found)
    assert REUSED not in stderr
    assert not (root / ".timeoutlint_cache" / "context").exists()


def test_a_snapshot_refreshed_for_a_given_file_still_sees_a_change_elsewhere(
    tmp_path: Path,
) -> None:
    root = _project(
        tmp_path,
        {"app/views.py": VIEWS, "app/connection.py": CONNECTION, "app/other.py": OTHER},
    )
    given = ("app/views.py", "app/other.py", "app/connection.py")
    _check(root, *given)
    (root / "app" / "connection.py").write_text(CONNECTION + "# edited\n", encoding="utf-8")
    _, stderr = _check(root, *given)  # a given file that builds a client: rebuilt, refreshed
    assert REUSED not in stderr
    _, stderr = _check(root, *given)
    assert REUSED in stderr
    (root / "app" / "views.py").unlink()
    (root / "app" / "helpers.py").write_text(VIEWS, encoding="utf-8")

    after, stderr = _check(root, "app/helpers.py")

    assert REUSED not in stderr
    assert after == _check(root, "--no-cache", "app/helpers.py")[0]
    assert _codes(after) == ["TL302"]
