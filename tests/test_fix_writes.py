"""How `timeoutlint fix` writes: atomically, keeping mode, encoding, BOM and line endings,
never through a symbolic link out of the project, and never leaving a half-written file."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import timeoutlint
from timeoutlint.safe_write import TEMPORARY_SUFFIX, WriteRefused, write_file

BAD = "import requests\n\nrequests.get(URL)\n"
FIXED = "import requests\n\nrequests.get(URL, timeout=10)\n"
CONFIG = "[tool.timeoutlint]\nselect = ['TL101']\n"
_PACKAGE_HOME = str(Path(timeoutlint.__file__).resolve().parent.parent)


def _fix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "timeoutlint", "fix", ".", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _project(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(CONFIG)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _leftovers(root: Path) -> list[Path]:
    return sorted(root.rglob(f"*{TEMPORARY_SUFFIX}"))


def test_a_fixed_file_keeps_its_permission_bits(tmp_path: Path) -> None:
    script = _project(tmp_path, {"tool.py": BAD.encode()}) / "tool.py"
    script.chmod(0o751)

    result = _fix(tmp_path)

    assert result.returncode == 0, result.stderr
    assert script.read_text() == FIXED
    assert stat.S_IMODE(script.stat().st_mode) == 0o751


def test_files_without_findings_keep_their_bytes_and_mtime(tmp_path: Path) -> None:
    clean = b"import requests\r\n\r\nrequests.get(URL, timeout=5)\r\n"
    _project(tmp_path, {"clean.py": clean, "other.txt": b"requests.get(x)", "bad.py": BAD.encode()})
    old = time.time() - 3600
    for name in ("clean.py", "other.txt"):
        os.utime(tmp_path / name, ns=(int(old * 1e9), int(old * 1e9)))
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in ("clean.py", "other.txt")}

    result = _fix(tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bad.py").read_text() == FIXED
    assert (tmp_path / "clean.py").read_bytes() == clean
    assert (tmp_path / "other.txt").read_bytes() == b"requests.get(x)"
    after = {name: (tmp_path / name).stat().st_mtime_ns for name in ("clean.py", "other.txt")}
    assert after == before


def test_a_latin_1_file_stays_latin_1(tmp_path: Path) -> None:
    source = '# -*- coding: latin-1 -*-\nimport requests\nNAME = "café"\nrequests.get(URL)\n'
    path = _project(tmp_path, {"latin.py": source.encode("latin-1")}) / "latin.py"

    _fix(tmp_path)

    expected = source.replace("requests.get(URL)", "requests.get(URL, timeout=10)")
    assert path.read_bytes() == expected.encode("latin-1")


def test_a_cp1252_file_stays_cp1252(tmp_path: Path) -> None:
    source = '# coding: cp1252\nimport requests\nQUOTE = "\u201cok\u201d"\nrequests.get(URL)\n'
    path = _project(tmp_path, {"quotes.py": source.encode("cp1252")}) / "quotes.py"

    _fix(tmp_path)

    expected = source.replace("requests.get(URL)", "requests.get(URL, timeout=10)")
    assert path.read_bytes() == expected.encode("cp1252")


def test_a_utf8_bom_is_kept(tmp_path: Path) -> None:
    path = _project(tmp_path, {"bom.py": b"\xef\xbb\xbf" + BAD.encode()}) / "bom.py"

    _fix(tmp_path)

    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_crlf_line_endings_are_kept_also_on_inserted_lines(tmp_path: Path) -> None:
    source = "import requests\r\n\r\nrequests.post(\r\n    URL,\r\n    json=DATA,\r\n)\r\n"
    path = _project(tmp_path, {"crlf.py": source.encode()}) / "crlf.py"

    _fix(tmp_path)

    assert path.read_bytes() == (
        b"import requests\r\n\r\nrequests.post(\r\n    URL,\r\n    json=DATA,\r\n"
        b"    timeout=10,\r\n)\r\n"
    )


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    _project(tmp_path, {f"pkg/m{i}.py": BAD.encode() for i in range(5)})

    _fix(tmp_path)

    assert _leftovers(tmp_path) == []
    assert all((tmp_path / f"pkg/m{i}.py").read_text() == FIXED for i in range(5))


def test_a_link_to_a_file_outside_the_project_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "shared.py"
    outside.parent.mkdir()
    outside.write_text(BAD)
    root = _project(tmp_path / "project", {"local.py": BAD.encode()})
    (root / "linked.py").symlink_to(outside)

    result = _fix(root)

    assert outside.read_text() == BAD
    assert (root / "linked.py").is_symlink()
    assert (root / "local.py").read_text() == FIXED
    assert result.stderr == (
        f"timeoutlint: error: linked.py: not written: it is a symbolic link to {outside},"
        f" which is outside the project ({root})\n"
    )
    assert "linked.py:3:1: TL101" in result.stdout
    assert result.returncode == 2


def test_a_link_inside_the_project_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    root = _project(tmp_path, {"real/module.py": BAD.encode()})
    (root / "alias.py").symlink_to("real/module.py")

    result = _fix(root)

    assert result.returncode == 0, result.stderr
    assert (root / "alias.py").is_symlink()
    assert (root / "real/module.py").read_text() == FIXED


def test_write_file_does_not_touch_a_file_that_already_has_the_content(tmp_path: Path) -> None:
    path = tmp_path / "same.py"
    path.write_text(FIXED)
    mtime = path.stat().st_mtime_ns
    inode = path.stat().st_ino

    assert write_file(path, FIXED.encode(), None) is False
    assert path.stat().st_mtime_ns == mtime
    assert path.stat().st_ino == inode


def test_write_file_replaces_the_file_by_a_rename(tmp_path: Path) -> None:
    path = tmp_path / "module.py"
    path.write_text(BAD)
    reader = path.open("rb")  # a reader that opened the old file keeps seeing it whole

    assert write_file(path, FIXED.encode(), tmp_path) is True
    assert reader.read() == BAD.encode()
    reader.close()
    assert path.read_text() == FIXED
    assert _leftovers(tmp_path) == []


def test_write_file_refuses_a_link_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text(BAD)
    root = tmp_path / "project"
    root.mkdir()
    (root / "link.py").symlink_to(outside)

    with pytest.raises(WriteRefused, match="outside the project"):
        write_file(root / "link.py", FIXED.encode(), root)
    assert outside.read_text() == BAD


def test_write_file_refuses_a_path_through_a_linked_directory_out_of_the_root(
    tmp_path: Path,
) -> None:
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "lib.py").write_text(BAD)
    root = tmp_path / "project"
    root.mkdir()
    (root / "vendored").symlink_to(vendor, target_is_directory=True)

    with pytest.raises(WriteRefused):
        write_file(root / "vendored" / "lib.py", FIXED.encode(), root)
    assert (vendor / "lib.py").read_text() == BAD


# A file of realistic size, so that fixing it takes long enough to interrupt a run midway.
_FILLER = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n\n" for i in range(150))
INTERRUPT_BAD = f"import requests\n\n\n{_FILLER}def fetch():\n    return requests.get(URL)\n"
INTERRUPT_FIXED = INTERRUPT_BAD.replace("requests.get(URL)", "requests.get(URL, timeout=10)")
INTERRUPT_FILES = 40


def _interrupt_midway(root: Path, signum: int) -> subprocess.CompletedProcess[bytes]:
    """Start `fix`, wait until it has written some files, then send `signum`."""
    _project(root, {f"pkg/m{i:03}.py": INTERRUPT_BAD.encode() for i in range(INTERRUPT_FILES)})
    paths = sorted((root / "pkg").glob("*.py"))
    process = subprocess.Popen(
        [sys.executable, "-m", "timeoutlint", "fix", ".", "-q"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.stat().st_size != len(INTERRUPT_BAD) for path in paths[:5]):
            break
        time.sleep(0.002)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"]
)
def test_an_interrupted_fix_leaves_every_file_old_or_new(tmp_path: Path, signum: int) -> None:
    result = _interrupt_midway(tmp_path, signum)

    contents = [path.read_text() for path in sorted((tmp_path / "pkg").glob("*.py"))]
    assert len(contents) == INTERRUPT_FILES
    assert set(contents) <= {INTERRUPT_BAD, INTERRUPT_FIXED}
    assert INTERRUPT_FIXED in contents, "the run was interrupted before it wrote anything"
    assert INTERRUPT_BAD in contents, "the run finished before the signal arrived"
    assert result.returncode != 0
    assert b"Traceback" not in result.stderr
    if signum != signal.SIGKILL:
        assert _leftovers(tmp_path) == []


_CRASHING_FIX = """
import sys

from timeoutlint.fixes import apply

original = apply.apply_to_text


def apply_to_text(kind, text, findings):
    if any(f.path.endswith("crash.py") for f in findings):
        raise RuntimeError("a bug in a fix")
    return original(kind, text, findings)


apply.apply_to_text = apply_to_text
from timeoutlint.cli import main

main(sys.argv[1:], prog_name="timeoutlint")
"""


def test_a_crash_while_fixing_one_file_does_not_stop_the_others(tmp_path: Path) -> None:
    _project(tmp_path, {"a.py": BAD.encode(), "crash.py": BAD.encode(), "z.py": BAD.encode()})

    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_FIX, "fix", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (tmp_path / "a.py").read_text() == FIXED
    assert (tmp_path / "z.py").read_text() == FIXED
    assert (tmp_path / "crash.py").read_text() == BAD
    assert result.stderr.startswith(
        "timeoutlint: internal error while checking crash.py: RuntimeError: a bug in a fix."
    )
    assert "Traceback" not in result.stderr
    assert "crash.py:3:1: TL101" in result.stdout
    assert result.returncode == 2


def test_a_file_whose_name_is_not_utf8_is_fixed_in_place(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.py")
    try:
        _project(tmp_path, {name: BAD.encode()})
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not accept file names that are not UTF-8")

    result = _fix(tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / name).read_text() == FIXED
    assert sorted(p.name for p in tmp_path.glob("*.py")) == [name]


_EDIT_WHILE_FIXING = """
import sys
from pathlib import Path

from timeoutlint.fixes import batch

original = batch.fix_files


def fix_files(*args, **kwargs):
    outcomes = original(*args, **kwargs)
    Path("edited.py").write_text("# saved by an editor while the fix ran\\n")
    return outcomes


batch.fix_files = fix_files
from timeoutlint.cli import main

main(sys.argv[1:], prog_name="timeoutlint")
"""


def test_a_file_edited_while_the_fix_runs_keeps_the_edit(tmp_path: Path) -> None:
    _project(tmp_path, {"edited.py": BAD.encode(), "other.py": BAD.encode()})

    result = subprocess.run(
        [sys.executable, "-c", _EDIT_WHILE_FIXING, "fix", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )

    assert (tmp_path / "edited.py").read_text() == "# saved by an editor while the fix ran\n"
    assert (tmp_path / "other.py").read_text() == FIXED
    assert result.stderr == (
        "timeoutlint: error: edited.py: not written: it changed on disk after it was read"
        " (run the command again)\n"
    )
    assert result.stdout.splitlines() == [
        "Applied 1 fix.",
        "edited.py:3:1: TL101 [*] `requests.get()` has no timeout and can wait forever",
        "Found 1 finding.",
        "[*] 1 fixable with `timeoutlint fix`.",
    ]
    assert result.returncode == 2


def test_without_configuration_a_link_out_of_the_checked_path_is_not_written_from_elsewhere(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "elsewhere" / "shared.py"
    elsewhere.parent.mkdir()
    elsewhere.write_text(BAD)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "helper.py").symlink_to(elsewhere)

    result = subprocess.run(
        [sys.executable, "-m", "timeoutlint", "fix", str(repo), "--select", "TL101"],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": _PACKAGE_HOME},
    )

    assert elsewhere.read_text() == BAD
    assert result.stderr == (
        f"timeoutlint: error: {repo.as_posix()[1:]}/helper.py: not written: it is a symbolic"
        f" link to {elsewhere}, which is outside the project ({repo})\n"
    )
    assert result.returncode == 2


def test_a_read_only_file_is_reported_and_the_others_are_fixed(tmp_path: Path) -> None:
    _project(tmp_path, {"generated.py": BAD.encode(), "app.py": BAD.encode()})
    (tmp_path / "generated.py").chmod(0o444)

    result = _fix(tmp_path)

    assert (tmp_path / "generated.py").read_text() == BAD
    assert stat.S_IMODE((tmp_path / "generated.py").stat().st_mode) == 0o444
    assert (tmp_path / "app.py").read_text() == FIXED
    assert result.stderr == (
        "timeoutlint: error: generated.py: not written: permission denied (the file is read-only)\n"
    )
    assert "generated.py:3:1: TL101" in result.stdout
    assert result.returncode == 2


def test_a_hard_linked_file_is_fixed_in_place_and_stays_linked(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", {"app.py": BAD.encode()})
    outside = tmp_path / "other-checkout.py"
    os.link(root / "app.py", outside)

    result = _fix(root)

    assert result.returncode == 0, result.stderr
    assert outside.read_text() == FIXED
    assert (root / "app.py").stat().st_ino == outside.stat().st_ino


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_the_next_fix(tmp_path: Path) -> None:
    _project(tmp_path, {"app.py": BAD.encode(), "clean.py": FIXED.encode()})
    left = tmp_path / f".app.py.x7x7x7x7{TEMPORARY_SUFFIX}"
    left.write_text(BAD[:10])
    unrelated = tmp_path / f".clean.py.x7x7x7x7{TEMPORARY_SUFFIX}"
    unrelated.write_text(BAD[:10])
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in (left, unrelated):
        os.utime(path, ns=(hour_ago, hour_ago))

    result = _fix(tmp_path)

    assert result.returncode == 0, result.stderr
    assert not left.exists()
    assert unrelated.exists()


_AS_NOBODY = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")


def _fix_as_nobody(root: Path) -> subprocess.CompletedProcess[str]:
    import shutil

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the fix as another user")
    result = subprocess.run(
        [*_AS_NOBODY, sys.executable, "-m", "timeoutlint", "fix", ".", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": _PACKAGE_HOME},
    )
    if "No module named timeoutlint" in result.stderr:
        pytest.skip("user nobody cannot import timeoutlint from here")
    return result


@pytest.fixture
def shared_root() -> Iterator[Path]:
    """A project directory that every user may write in (pytest's tmp dirs are 0700)."""
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="timeoutlint-owner-"))
    root.chmod(0o777)
    try:
        yield root
    finally:
        shutil.rmtree(root)


def test_a_file_of_another_owner_that_the_user_may_write_keeps_its_owner(
    shared_root: Path,
) -> None:
    path = _project(shared_root, {"shared.py": BAD.encode()}) / "shared.py"
    path.chmod(0o666)
    owner = (path.stat().st_uid, path.stat().st_gid)

    result = _fix_as_nobody(shared_root)

    assert result.stderr == ""
    assert path.read_text() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == owner
    assert stat.S_IMODE(path.stat().st_mode) == 0o666
    assert result.returncode == 0


def test_a_file_the_user_may_not_write_is_reported_even_in_a_writable_directory(
    shared_root: Path,
) -> None:
    path = _project(shared_root, {"theirs.py": BAD.encode()}) / "theirs.py"
    path.chmod(0o644)

    result = _fix_as_nobody(shared_root)

    assert path.read_text() == BAD
    assert result.stderr == "timeoutlint: error: theirs.py: not written: permission denied\n"
    assert result.returncode == 2
