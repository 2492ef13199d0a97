"""The one guarded write: what `write_file` refuses, and what it keeps of the file it writes."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from timeoutlint.safe_write import (
    TEMPORARY_SUFFIX,
    FileChanged,
    WriteRefused,
    read_with_state,
    write_file,
)

OLD = b"import requests\n\nrequests.get(URL)\n"
NEW = b"import requests\n\nrequests.get(URL, timeout=10)\n"


def _file(path: Path, data: bytes = OLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_file_edited_after_it_was_read_is_not_written(tmp_path: Path) -> None:
    path = _file(tmp_path / "app.py")
    _, state = read_with_state(path)
    path.write_bytes(b"# the user's edit\n")

    with pytest.raises(FileChanged, match=r"^it changed on disk after it was read"):
        write_file(path, NEW, tmp_path, state)
    assert path.read_bytes() == b"# the user's edit\n"


def test_an_edit_of_the_same_size_with_the_old_mtime_is_caught_by_the_digest(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path / "app.py")
    _, state = read_with_state(path)
    edited = OLD.replace(b"URL", b"API")
    path.write_bytes(edited)
    os.utime(path, ns=(state.mtime_ns, state.mtime_ns))

    with pytest.raises(FileChanged):
        write_file(path, NEW, tmp_path, state)
    assert path.read_bytes() == edited


def test_an_unchanged_file_is_written(tmp_path: Path) -> None:
    path = _file(tmp_path / "app.py")
    _, state = read_with_state(path)

    assert write_file(path, NEW, tmp_path, state) is True
    assert path.read_bytes() == NEW


def test_a_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    path = _file(tmp_path / "generated.py")
    path.chmod(0o444)

    with pytest.raises(WriteRefused) as raised:
        write_file(path, NEW, tmp_path)
    assert str(raised.value) == "permission denied (the file is read-only)"
    assert path.read_bytes() == OLD
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_file_with_hard_links_is_written_in_place_and_keeps_them(tmp_path: Path) -> None:
    path = _file(tmp_path / "project" / "app.py")
    other = tmp_path / "other-checkout" / "app.py"
    other.parent.mkdir()
    os.link(path, other)
    inode = path.stat().st_ino

    assert write_file(path, NEW, tmp_path / "project") is True
    assert path.stat().st_ino == inode
    assert path.stat().st_nlink == 2
    assert other.read_bytes() == NEW


def test_a_shorter_content_written_in_place_leaves_no_old_tail(tmp_path: Path) -> None:
    path = _file(tmp_path / "app.py", OLD + b"# a long trailing comment\n")
    os.link(path, tmp_path / "link.py")

    write_file(path, OLD, tmp_path)

    assert path.read_bytes() == OLD


def test_the_owner_and_mode_are_kept_by_the_rename(tmp_path: Path) -> None:
    path = _file(tmp_path / "app.py")
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    before = path.stat()

    write_file(path, NEW, tmp_path)

    after = path.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (
        before.st_uid,
        before.st_gid,
        0o640,
    )


def test_a_new_file_gets_the_umask_mode_and_its_directory(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        assert write_file(tmp_path / "reports" / "deep" / "out.json", b"{}", None, create=True)
    finally:
        os.umask(previous)
    written = tmp_path / "reports" / "deep" / "out.json"
    assert written.read_bytes() == b"{}"
    assert stat.S_IMODE(written.stat().st_mode) == 0o644


def test_a_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(WriteRefused, match=r"^it was deleted after it was read$"):
        write_file(tmp_path / "gone.py", NEW, tmp_path)
    assert not (tmp_path / "gone.py").exists()


def test_a_dangling_link_out_of_the_root_is_not_created_through(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "report.json").symlink_to(tmp_path / "home" / ".bashrc")

    with pytest.raises(WriteRefused, match="outside the project"):
        write_file(root / "report.json", b"{}", root, create=True)
    assert not (tmp_path / "home").exists()


def test_a_fifo_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert write_file(fifo, b"report\n", tmp_path, create=True) is True
        assert os.read(reader, 100) == b"report\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def _temporary(directory: Path, name: str, age_seconds: float) -> Path:
    path = directory / name
    path.write_bytes(b"half a file")
    stamp = time.time_ns() - int(age_seconds * 1e9)
    os.utime(path, ns=(stamp, stamp))
    return path


def test_stale_temporary_files_of_the_written_file_are_removed(tmp_path: Path) -> None:
    path = _file(tmp_path / "app.py")
    stale = _temporary(tmp_path, f".app.py.k3j2h1g0{TEMPORARY_SUFFIX}", 3600)
    other_file = _temporary(tmp_path, f".other.py.k3j2h1g0{TEMPORARY_SUFFIX}", 3600)
    not_ours = _temporary(tmp_path, ".app.py.k3j2h1g0.tmp", 3600)
    too_new = _temporary(tmp_path, f".app.py.a1b2c3d4{TEMPORARY_SUFFIX}", -60)

    write_file(path, NEW, tmp_path)

    assert not stale.exists()
    assert other_file.exists() and not_ours.exists() and too_new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["app.py", other_file.name, not_ours.name, too_new.name]
    )
