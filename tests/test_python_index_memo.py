"""After an edit, the Python index parses only the modules whose results may change
(`project/index_memo.py`), and it is the index a build from scratch gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tests.fixture_projects import copy_fixture_project, fixture_dirs
from timeoutlint.cache import CACHE_HEADER
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.examples import _write
from timeoutlint.project import python_index
from timeoutlint.project.index_memo import MEMO_DIRECTORY
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.redis.model import ExportedConstant

MODULES = {
    "app/settings.py": "REDIS_TIMEOUT = 600\n",
    "app/connection.py": (
        "import redis\nfrom app.settings import REDIS_TIMEOUT\n"
        "client = redis.Redis(host='cache', socket_timeout=REDIS_TIMEOUT)\n"
    ),
    "app/worker.py": "from app.connection import client\np = client.pubsub()\n",
    "app/views.py": "import redis\nlocal = redis.Redis(host='cache')\n",
    "app/http.py": "import requests\nsession = requests.Session()\n",
    "app/e_cycle.py": "# redis\nfrom app.f_cycle import OTHER\nREDIS_NAME = OTHER\n",
    "app/f_cycle.py": "# redis\nfrom app.e_cycle import REDIS_NAME\nOTHER = REDIS_NAME\n",
}


def _build(root: Path, cache: Path | None) -> PythonIndex:
    config = parse_table({}, root.resolve(), None)
    return PythonIndex.build(Discovery(config).files([root]), cache, jobs=1)


def _write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _parsed_modules(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = python_index._parse

    def recording(candidate: python_index._Candidate) -> object:
        parsed.append(candidate.module_name)
        return real(candidate)

    monkeypatch.setattr(python_index, "_parse", recording)
    return parsed


def _memo_entries(cache: Path) -> tuple[dict[str, object], dict[str, object]]:
    (memo,) = (cache / MEMO_DIRECTORY).glob("*.pickle")
    summaries, clients = pickle.loads(memo.read_bytes()[len(CACHE_HEADER) :])
    return summaries, clients


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return _write_project(tmp_path / "project", MODULES)


def test_an_edited_module_that_nothing_consulted_is_the_only_one_parsed(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(root, tmp_path / "cache")
    (root / "app" / "views.py").write_text("import redis\nlocal = redis.Redis()\n")
    parsed = _parsed_modules(monkeypatch)
    index = _build(root, tmp_path / "cache")
    assert sorted(set(parsed) - {"app.e_cycle", "app.f_cycle"}) == ["app.views"]
    assert index == _build(root, None)


def test_a_module_that_consulted_an_edited_one_is_summarised_again(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(root, tmp_path / "cache")
    (root / "app" / "settings.py").write_text("REDIS_TIMEOUT = 5\n")
    parsed = _parsed_modules(monkeypatch)
    index = _build(root, tmp_path / "cache")
    assert {"app.settings", "app.connection"} <= set(parsed)
    assert "app.views" not in parsed
    assert index == _build(root, None)
    assert index.fingerprint() == _build(root, None).fingerprint()


def test_a_new_module_that_a_lookup_now_finds_invalidates_the_summary(tmp_path: Path) -> None:
    client = (
        "import redis\nfrom app.config import REDIS_TIMEOUT\n"
        "client = redis.Redis(host='cache', socket_timeout=REDIS_TIMEOUT)\n"
    )
    root = _write_project(tmp_path / "project", {"app/__init__.py": "", "app/client.py": client})
    before = _build(root, tmp_path / "cache")
    _write_project(root, {"app/config.py": "REDIS_TIMEOUT = 7\n"})
    after = _build(root, tmp_path / "cache")
    assert after == _build(root, None)
    assert after.modules["app.client"] != before.modules["app.client"]
    assert after.modules["app.config"]["REDIS_TIMEOUT"] == ExportedConstant(7)


def test_a_summary_built_inside_an_import_cycle_is_not_kept(root: Path, tmp_path: Path) -> None:
    _build(root, tmp_path / "cache")
    summaries, _ = _memo_entries(tmp_path / "cache")
    assert "app.e_cycle" not in summaries
    assert "app.f_cycle" not in summaries
    assert "app.views" in summaries


def test_an_unchanged_client_module_is_not_parsed_again(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build(root, tmp_path / "cache")
    assert "session" in first.clients["app.http"]
    (root / "app" / "views.py").write_text("import redis\nlocal = redis.Redis()\n")
    parsed = _parsed_modules(monkeypatch)
    again = _build(root, tmp_path / "cache")
    assert "app.http" not in parsed
    assert again.clients == first.clients


def test_an_edited_client_module_is_parsed_again(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(root, tmp_path / "cache")
    (root / "app" / "http.py").write_text("import requests\nother = requests.Session()\n")
    parsed = _parsed_modules(monkeypatch)
    index = _build(root, tmp_path / "cache")
    assert parsed.count("app.http") == 1
    assert set(index.clients["app.http"]) == {"other"}
    assert index == _build(root, None)


def test_the_memo_holds_one_entry_per_module_of_the_last_run(root: Path, tmp_path: Path) -> None:
    for timeout in range(5):
        (root / "app" / "settings.py").write_text(f"REDIS_TIMEOUT = {timeout}\n")
        _build(root, tmp_path / "cache")
    (root / "app" / "views.py").unlink()
    _build(root, tmp_path / "cache")
    summaries, clients = _memo_entries(tmp_path / "cache")
    assert "app.views" not in summaries
    assert "app.settings" in summaries
    assert set(clients) == {"app.http"}


def test_a_damaged_memo_is_a_miss(root: Path, tmp_path: Path) -> None:
    _build(root, tmp_path / "cache")
    (memo,) = (tmp_path / "cache" / MEMO_DIRECTORY).glob("*.pickle")
    memo.write_bytes(CACHE_HEADER + b"\x80\x04not a pickle")
    (root / "app" / "settings.py").write_text("REDIS_TIMEOUT = 5\n")
    assert _build(root, tmp_path / "cache") == _build(root, None)


def _projects() -> list[pytest.ParameterSet]:
    found = [
        pytest.param(("fixture", fixture), id=f"fixture-{fixture.name}")
        for fixture in fixture_dirs()
    ]
    for rule in builtin_rules().values():
        for kind, examples in (("bad", rule.bad), ("good", rule.good)):
            for number, example in enumerate(examples):
                if sum(name.endswith(".py") for name in example.files) > 1:
                    found.append(
                        pytest.param(("example", example.files), id=f"{rule.id}-{kind}-{number}")
                    )
    return found


@pytest.mark.parametrize("source", _projects())
def test_each_edit_gives_the_index_a_build_from_scratch_gives(
    source: tuple[str, object], tmp_path: Path
) -> None:
    """Every Python module in turn moves down a line (its locations change, and so the
    summaries of every module that took an object from it): the index built from the memo is
    the one built from nothing, also in the fingerprint."""
    kind, what = source
    if kind == "fixture":
        assert isinstance(what, Path)
        root = copy_fixture_project(what, tmp_path)
    else:
        root = tmp_path / "example"
        _write(root, what)  # type: ignore[arg-type]
    cache = tmp_path / "cache"
    _build(root, cache)
    for path in sorted(root.rglob("*.py")):
        path.write_bytes(b"\n" + path.read_bytes())
        memo = _build(root, cache)
        scratch = _build(root, None)
        assert memo == scratch, path
        assert memo.fingerprint() == scratch.fingerprint(), path


CLI_PROJECT = {
    "app/__init__.py": "",
    "app/http.py": "import requests\nsession = requests.Session()\n",
    "app/use.py": "from app.http import session\nsession.get('http://example.com')\n",
    "app/connection.py": "import redis\nclient = redis.Redis(host='cache')\n",
    "app/worker.py": "from app.connection import client\nitem = client.blpop('jobs')\n",
    "app/other.py": "import redis\nspare = redis.Redis(host='cache', socket_timeout=5)\n",
}


def _check(root: Path, run_cli, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("check", "--exit-zero", "--output-format", "concise", *args, ".", cwd=root)


@pytest.mark.parametrize(
    ("edited", "text", "parsed"),
    [
        ("app/http.py", "import requests\nsession = requests.Session()\nother = 1\n", 1),
        ("app/connection.py", "import redis\n\nclient = redis.Redis(host='cache')\n", 2),
    ],
    ids=["client-module", "redis-module"],
)
def test_after_an_edit_check_parses_only_what_changed_and_finds_what_a_fresh_run_finds(
    tmp_path: Path, run_cli, edited: str, text: str, parsed: int
) -> None:
    root = _write_project(tmp_path / "project", CLI_PROJECT)
    cache = str(tmp_path / "cache")
    _check(root, run_cli, "--cache-dir", cache)
    (root / edited).write_text(text, encoding="utf-8")
    warm = _check(root, run_cli, "--cache-dir", cache, "--verbose")
    fresh = _check(root, run_cli, "--no-cache")
    assert warm.stdout == fresh.stdout
    assert fresh.stdout.strip()  # the project has findings through the index
    assert f"the project index parsed {parsed} modules" in warm.stderr
