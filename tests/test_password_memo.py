"""The passwords a Python file names are kept across runs only while the file is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project import build_project_context, redis_auth
from timeoutlint.project.redis_auth import RedisAuth

CLIENT = "import redis\nclient = redis.Redis(host='cache', password=SECRET)\n"


def _auth(root: Path, cache: Path | None, write_cache: bool = True) -> RedisAuth:
    config = parse_table({}, root.resolve(), None)
    files = Discovery(config).files([root])
    return build_project_context(files, config, cache, write_cache).redis_auth


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "client.py").write_text(CLIENT, encoding="utf-8")
    return root


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes, relative: str) -> None:
        raise AssertionError(f"parsed {relative} although its passwords were kept")

    monkeypatch.setattr(redis_auth, "python_passwords", refuse)


def _lines(auth: RedisAuth) -> list[int]:
    return [password.source.line for password in auth.passwords]


def test_an_unchanged_file_gives_its_passwords_without_being_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    first = _auth(root, tmp_path / "cache")
    assert _lines(first) == [2]
    _forbid_parsing(monkeypatch)
    assert _auth(root, tmp_path / "cache") == first


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _auth(root, tmp_path / "cache")
    (root / "app" / "client.py").write_text("\n\n" + CLIENT, encoding="utf-8")
    assert _lines(_auth(root, tmp_path / "cache")) == [4]


def test_a_file_that_stops_naming_a_password_gives_none(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _auth(root, tmp_path / "cache")
    (root / "app" / "client.py").write_text(CLIENT.replace("password", "db"), encoding="utf-8")
    assert _auth(root, tmp_path / "cache").passwords == ()


def test_the_memo_gives_what_a_run_without_cache_gives(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ".env").write_text("REDIS_PASSWORD=x\n", encoding="utf-8")
    expected = _auth(root, None)
    _auth(root, tmp_path / "cache")
    assert _auth(root, tmp_path / "cache") == expected


def test_a_damaged_memo_file_is_a_miss(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected = _auth(root, None)
    _auth(root, tmp_path / "cache")
    (written,) = (tmp_path / "cache" / "passwords").glob("*.pickle")
    written.write_bytes(b"\x80\x04not a pickle")
    assert _auth(root, tmp_path / "cache") == expected


def test_a_run_that_does_not_write_the_cache_keeps_no_passwords(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _auth(root, tmp_path / "cache", write_cache=False)
    assert not (tmp_path / "cache" / "passwords").exists()


def test_the_memo_holds_no_password(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "app" / "client.py").write_text(
        CLIENT.replace("SECRET", "'hunter2-literal'"), encoding="utf-8"
    )
    _auth(root, tmp_path / "cache")
    (written,) = (tmp_path / "cache" / "passwords").glob("*.pickle")
    assert b"hunter2-literal" not in written.read_bytes()
