"""Fix safety at scale: `timeoutlint fix --unsafe-fixes --select ALL` over thousands of real files.

The corpus is a copy of real code: `$TIMEOUTLINT_CORPUS` if set (e.g. the
benchmark corpus, `benchmarks/.corpus/large`), else every package installed
in this interpreter's site-packages plus its standard library (about 5,000
files with syntax errors, odd encodings and generated code among them).
The run must not crash; every changed file must still compile with its
encoding, BOM, line endings and mode kept; files that were not changed keep
their bytes and mtime; and a second run changes nothing.

Marked `corpus` (and `slow`): it takes minutes, so it runs only when selected
with `pytest -m corpus`; any other marker expression skips it.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

KEPT_SUFFIXES = (".py", ".pyi", ".yml", ".yaml", ".env")
SKIPPED_DIRS = frozenset({"__pycache__", "site-packages", "dist-packages", "lib-dynload"})
CONFIG = "[tool.timeoutlint]\nexclude = []\nrespect-gitignore = false\n"
PEAK_RSS_LIMIT_MB = 1500

_MEASURE = """
import json, resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": result.returncode, "stdout": result.stdout,
                  "stderr": result.stderr, "peak_kb": peak}))
"""


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    mtime_ns: int
    mode: int


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    peak_mb: float


def _sources() -> list[Path]:
    configured = os.environ.get("TIMEOUTLINT_CORPUS")
    if configured:
        return [Path(configured)]
    return [Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["stdlib"])]


def _copy_corpus(destination: Path) -> None:
    for index, source in enumerate(_sources()):
        target_root = destination / f"corpus{index}"
        for directory, dirnames, filenames in os.walk(source):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            relative = Path(directory).relative_to(source)
            for name in filenames:
                if not name.endswith(KEPT_SUFFIXES) and name != ".env":
                    continue
                origin = Path(directory) / name
                if origin.is_symlink() or not origin.is_file():
                    continue
                target = target_root / relative / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)


def _snapshot(root: Path) -> dict[Path, Snapshot]:
    files = {}
    for path in root.rglob("*"):
        if ".timeoutlint_cache" in path.parts or path.name == "pyproject.toml":
            continue
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            files[path] = Snapshot(path.read_bytes(), info.st_mtime_ns, info.st_mode)
    return files


def _fix(root: Path) -> Run:
    command = [sys.executable, "-m", "timeoutlint", "fix", ".", "--unsafe-fixes", "--select", "ALL"]
    env = {**os.environ, "NO_COLOR": "1"}
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
        check=True,
    )
    result = json.loads(measured.stdout)
    return Run(result["code"], result["stdout"], result["stderr"], result["peak_kb"] / 1024)


def _line_endings(data: bytes) -> set[bytes]:
    kinds = set()
    if b"\r\n" in data:
        kinds.add(b"\r\n")
    if re.search(rb"\r(?!\n)", data):
        kinds.add(b"\r")
    if re.search(rb"(?<!\r)\n", data):
        kinds.add(b"\n")
    return kinds


def _encoding(data: bytes) -> str | None:
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return None


def _compiles(data: bytes, path: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def _yaml_shape(data: bytes) -> object:
    def shape(node: object) -> object:
        if isinstance(node, dict):
            return {key: shape(value) for key, value in node.items()}
        if isinstance(node, list):
            return [shape(value) for value in node]
        return type(node).__name__

    return [shape(document) for document in yaml.safe_load_all(data)]


def _broken(path: Path, before: Snapshot, after: Snapshot) -> list[str]:
    """Why a changed file is not a safe fix of the original (empty when it is)."""
    problems = []
    if after.mode != before.mode:
        problems.append(f"mode {oct(before.mode)} became {oct(after.mode)}")
    if after.data.startswith(codecs.BOM_UTF8) != before.data.startswith(codecs.BOM_UTF8):
        problems.append("the BOM changed")
    if not _line_endings(after.data) <= (_line_endings(before.data) or {b"\n"}):
        problems.append("new kinds of line endings")
    if path.suffix in (".py", ".pyi"):
        if _encoding(after.data) != _encoding(before.data):
            problems.append(f"encoding {_encoding(before.data)} became {_encoding(after.data)}")
        if _compiles(before.data, path) and not _compiles(after.data, path):
            problems.append("it no longer compiles")
    elif path.suffix in (".yml", ".yaml"):
        try:
            if _yaml_shape(after.data) != _yaml_shape(before.data):
                problems.append("the YAML structure changed")
        except yaml.YAMLError as exc:
            problems.append(f"it no longer loads as YAML: {exc}")
    return problems


def _applied(run: Run) -> int:
    match = re.search(r"^Applied (\d+) fix(?:es)?\.$", run.stdout, re.MULTILINE)
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "corpus" not in (request.config.getoption("markexpr") or "").replace("not corpus", ""):
        pytest.skip("the corpus run takes minutes; select it with `pytest -m corpus`")
    root = tmp_path_factory.mktemp("fix-corpus")
    _copy_corpus(root)
    (root / "pyproject.toml").write_text(CONFIG)
    return root


def test_fixing_a_real_corpus_is_safe_idempotent_and_leaves_other_files_alone(
    corpus: Path,
) -> None:
    before = _snapshot(corpus)
    assert len(before) >= 3000, f"the corpus has only {len(before)} files"

    first = _fix(corpus)
    middle = _snapshot(corpus)
    second = _fix(corpus)
    after = _snapshot(corpus)

    changed = sorted(path for path in before if middle[path].data != before[path].data)
    broken = {
        str(path.relative_to(corpus)): problems
        for path in changed
        if (problems := _broken(path, before[path], middle[path]))
    }
    touched = sorted(
        str(path.relative_to(corpus))
        for path in before
        if path not in changed and middle[path] != before[path]
    )
    changed_again = sorted(
        str(path.relative_to(corpus)) for path in middle if after[path] != middle[path]
    )
    print(
        f"\ncorpus: {len(before)} files, {_applied(first)} fixes in {len(changed)} files, "
        f"{len(broken)} broken; peak RSS {first.peak_mb:.0f} MB (first run), "
        f"{second.peak_mb:.0f} MB (second run)"
    )

    assert "Traceback" not in first.stderr and "internal error" not in first.stderr, first.stderr
    assert first.code in (0, 1), first.stderr
    assert sorted(middle) == sorted(before), "files appeared or disappeared"
    assert broken == {}
    assert touched == []
    assert changed, "nothing was fixed: the corpus does not exercise the fixer"
    assert second.code in (0, 1), second.stderr
    assert _applied(second) == 0
    assert changed_again == []
    assert max(first.peak_mb, second.peak_mb) < PEAK_RSS_LIMIT_MB
