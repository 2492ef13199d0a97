"""A run over a few files whose edits change the project context rebuilds the last run's
context for them alone (`project/context_patch.py`) when nothing else it was built from
changed: its findings and its `--show-context` facts are those of a fresh run (`--no-cache`)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process
from timeoutlint import file_memo, scan

PATCHED = "project context: the last run's, rebuilt for the edited files"
REUSED = "project context: reused from the last run"

CLIENT = "import redis\n\nclient = redis.Redis(host='h', socket_timeout=5)\n"
NO_CLIENT = "client = object()\n"
BLOCKING_USE = """from app.connection import client


def listen():
    return client.blpop("jobs", timeout=0)
"""
PASSWORD = "import redis\n\ncache = redis.Redis(host='cache', password=PW)\n"
NO_PASSWORD = "import redis\n\ncache = redis.Redis(host='cache')\n"
URL_USE = "import redis\n\nr = redis.from_url('redis://cache:6379/0')\n"
FACTORY = "import requests\n\n\ndef session():\n    return requests.Session()\n"
NO_FACTORY = "def session():\n    return None\n"
FACTORY_USE = """from app.http import session


def fetch():
    return session().get("https://example.com")
"""
PLAIN_CLIENT = "import redis\n\nclient = redis.Redis(host='h')\n"
RQ_WORKER = """from rq import Worker

from app.connection import client

Worker(["default"], connection=client).work()
"""
NOT_A_WORKER = "import json\n\nVALUE = json.dumps({})\n"


@pytest.fixture(autouse=True, params=["stat", "stat-memo"])
def _no_racy_margin(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The files are aged instead (`_age`); with "stat-memo" the run uses the stat memo even
    for these few files."""
    monkeypatch.setattr(file_memo, "RACY_MARGIN_NS", 0)
    if request.param == "stat-memo":
        monkeypatch.setattr(scan, "MEMO_MIN_FILES", 0)


def _age(root: Path) -> None:
    past = time.time_ns() - 3_600 * 10**9
    for directory, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(directory, name), ns=(past, past))
        os.utime(directory, ns=(past, past))


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".timeoutlint_cache").mkdir()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _age(root)
    return root


def _edit(root: Path, name: str, text: str) -> None:
    """Rewrite a file in place (its directory is unchanged, as an editor or git leaves it)."""
    (root / name).write_text(text, encoding="utf-8")


def _check(root: Path, *args: str) -> tuple[list[object], list[str], str]:
    """The JSON findings, the context facts `--show-context` prints (without the line that
    says where the context came from) and stderr."""
    result = run_cli_in_process(
        "check", "--output-format", "json", "--show-context", *args, cwd=root
    )
    assert result.returncode in (0, 1), result.stderr
    facts = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("timeoutlint: ") and "project context:" not in line
    ]
    return json.loads(result.stdout), facts, result.stderr


def _warm(root: Path, given: tuple[str, ...]) -> None:
    """A run that writes the snapshot, and one that reuses it."""
    _check(root, *given)
    _, _, stderr = _check(root, *given)
    assert REUSED in stderr


def _patched_equals_fresh(root: Path, given: tuple[str, ...]) -> tuple[list[object], list[str]]:
    """The run after an edit rebuilt the context for the edited files, and gave what a fresh
    run gives; its findings and facts."""
    found, facts, stderr = _check(root, *given)
    assert PATCHED in stderr
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)
    assert found == fresh
    assert facts == fresh_facts
    return found, facts


def _codes(found: list[object]) -> list[str]:
    return sorted(item["code"] for item in found)  # type: ignore[index]


def test_a_given_module_that_starts_exporting_a_client(tmp_path: Path) -> None:
    given = ("app/connection.py", "app/worker.py")
    root = _project(tmp_path, {"app/connection.py": NO_CLIENT, "app/worker.py": BLOCKING_USE})
    _warm(root, given)

    _edit(root, "app/connection.py", CLIENT)
    found, _ = _patched_equals_fresh(root, given)

    assert "TL203" in _codes(found)


def test_a_given_module_that_stops_exporting_a_client(tmp_path: Path) -> None:
    given = ("app/connection.py", "app/worker.py")
    root = _project(tmp_path, {"app/connection.py": CLIENT, "app/worker.py": BLOCKING_USE})
    _warm(root, given)

    _edit(root, "app/connection.py", NO_CLIENT)
    found, _ = _patched_equals_fresh(root, given)

    assert "TL203" not in _codes(found)


def test_a_password_added_to_a_given_module(tmp_path: Path) -> None:
    given = ("app/cache.py", "app/urls.py")
    root = _project(tmp_path, {"app/cache.py": NO_PASSWORD, "app/urls.py": URL_USE})
    _warm(root, given)

    _edit(root, "app/cache.py", PASSWORD)
    found, facts = _patched_equals_fresh(root, given)

    assert "TL401" in _codes(found)
    assert any("client password for cache" in line for line in facts)


def test_a_password_removed_from_a_given_module(tmp_path: Path) -> None:
    given = ("app/cache.py", "app/urls.py")
    root = _project(tmp_path, {"app/cache.py": PASSWORD, "app/urls.py": URL_USE})
    _warm(root, given)

    _edit(root, "app/cache.py", NO_PASSWORD)
    found, facts = _patched_equals_fresh(root, given)

    assert "TL401" not in _codes(found)
    assert not any("client password" in line for line in facts)


def test_the_given_files_password_comes_first_as_in_a_fresh_run(tmp_path: Path) -> None:
    other = PASSWORD.replace("password=PW", "password=OTHER")
    root = _project(
        tmp_path,
        {"app/cache.py": NO_PASSWORD, "app/b_cache.py": other, "app/urls.py": URL_USE},
    )
    _warm(root, ("app/urls.py",))
    given = ("app/urls.py", "app/cache.py")

    _edit(root, "app/cache.py", PASSWORD)
    _, facts = _patched_equals_fresh(root, given)

    passwords = [line for line in facts if "client password" in line]
    assert [line.rsplit("(", 1)[1] for line in passwords] == [
        "app/cache.py:3)",
        "app/b_cache.py:3)",
    ]


def test_a_client_factory_added_to_a_given_module(tmp_path: Path) -> None:
    given = ("app/http.py", "app/use.py")
    root = _project(tmp_path, {"app/http.py": NO_FACTORY, "app/use.py": FACTORY_USE})
    _warm(root, given)

    _edit(root, "app/http.py", FACTORY)
    found, _ = _patched_equals_fresh(root, given)

    assert "TL101" in _codes(found)


def test_a_long_read_added_to_a_given_module(tmp_path: Path) -> None:
    given = ("app/connection.py", "app/worker.py")
    root = _project(tmp_path, {"app/connection.py": PLAIN_CLIENT, "app/worker.py": NOT_A_WORKER})
    _warm(root, given)
    before, _, _ = _check(root, *given)

    _edit(root, "app/worker.py", RQ_WORKER)
    found, _ = _patched_equals_fresh(root, given)

    assert found != before  # the client's TL205 changes once rq reads with it


def test_an_edit_beside_a_new_file_takes_the_full_path(tmp_path: Path) -> None:
    given = ("app/connection.py", "app/worker.py")
    root = _project(tmp_path, {"app/connection.py": NO_CLIENT, "app/worker.py": BLOCKING_USE})
    _warm(root, given)

    _edit(root, "app/connection.py", CLIENT)
    _edit(root, "app/settings.py", "REDIS_SOCKET_TIMEOUT = 600\n")
    found, facts, stderr = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert PATCHED not in stderr and REUSED not in stderr
    assert (found, facts) == (fresh, fresh_facts)


def test_an_edited_setup_py_takes_the_full_path(tmp_path: Path) -> None:
    given = ("setup.py", "app/connection.py")
    root = _project(
        tmp_path,
        {
            "setup.py": "from setuptools import setup\nsetup(install_requires=['redis==4.6.0'])\n",
            "app/connection.py": PLAIN_CLIENT,
        },
    )
    _warm(root, given)

    _edit(
        root, "setup.py", "from setuptools import setup\nsetup(install_requires=['redis==8.0.1'])\n"
    )
    found, facts, stderr = _check(root, *given)
    fresh, fresh_facts, _ = _check(root, "--no-cache", *given)

    assert PATCHED not in stderr and REUSED not in stderr
    assert (found, facts) == (fresh, fresh_facts)


VARIANTS = {
    "app/connection.py": (NO_CLIENT, CLIENT, PLAIN_CLIENT, PASSWORD, FACTORY),
    "app/worker.py": (NOT_A_WORKER, BLOCKING_USE, RQ_WORKER, URL_USE, FACTORY_USE),
}
SEQUENCES = [
    # (file, variant) per step: every step is an edit of given files
    [("app/connection.py", 1), ("app/worker.py", 2), ("app/connection.py", 2)],
    [("app/worker.py", 1), ("app/connection.py", 1), ("app/connection.py", 0)],
    [("app/connection.py", 3), ("app/worker.py", 3), ("app/connection.py", 4)],
    [("app/worker.py", 4), ("app/connection.py", 4), ("app/worker.py", 0)],
    [("app/connection.py", 2), ("app/worker.py", 2), ("app/worker.py", 1)],
]


@pytest.mark.parametrize("steps", SEQUENCES)
def test_every_step_of_an_edit_sequence_gives_the_fresh_findings(
    tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    given = ("app/connection.py", "app/worker.py")
    root = _project(
        tmp_path,
        {"app/connection.py": NO_CLIENT, "app/worker.py": NOT_A_WORKER, "app/other.py": URL_USE},
    )
    _warm(root, given)
    for name, variant in steps:
        _edit(root, name, VARIANTS[name][variant])
        found, facts, _ = _check(root, *given)
        assert (found, facts) == _check(root, "--no-cache", *given)[:2], (name, variant)
