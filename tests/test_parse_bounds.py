"""Parsing is bounded like the rest of the analysis: time, memory, and nesting depth.

`ast.parse` is one C call that SIGALRM cannot interrupt; a dense 10 MB
expression (under `max-file-size`) took a minute and 5 GB in it before the
time limit could say TL005. Large files are therefore analysed in a forked
child with a memory limit, killed at the time limit (`limits.run_isolated`).
Valid code nested as deeply as CPython compiles it is analysed, not TL001.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import lint
from timeoutlint import limits
from timeoutlint.limits import AnalysisCrashed, AnalysisTimeout, run_isolated

HEAD = "import requests\nrequests.get(URL)\n"
DENSE = HEAD + "x = [" + "1," * 5_000_000 + "]\n"  # 10 MB, a minute of ast.parse
MB = 1024 * 1024
PROCESS_SIZE = 400 * MB
"""What the checking process itself may hold beside the isolated child's budget. The child stops
at its budget (`limits.memory_budget`, about 2.3 GB for DENSE) or its time limit, whichever comes
first; how far the parse gets in 2 s depends on the machine's load, so the bound is the budget,
not a figure measured once (before the isolation the parse took 5 GB)."""

pytestmark = pytest.mark.skipif(not limits.can_isolate(), reason="needs fork")


_MEASURED = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""
"""Runs a command in a fresh process and writes the peak resident size of its tree (in KiB).

`RUSAGE_CHILDREN` of the test process itself would be the largest child of the whole test
session, so another test's subprocess could fail this one."""


def _check(root: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """The command's result, its wall time, and the peak resident size of its process tree."""
    peak_file = root.parent / f"{root.name}.peak"
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED,
            str(peak_file),
            sys.executable,
            "-m",
            "timeoutlint",
            "check",
            "--no-cache",
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    peak = int(peak_file.read_text()) * 1024
    return result, time.monotonic() - started, peak


def test_a_dense_10_mb_expression_is_skipped_at_the_time_limit_with_bounded_memory(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\nanalysis-time-limit = 2\n")
    (tmp_path / "dense.py").write_text(DENSE)
    (tmp_path / "good.py").write_text(HEAD)

    result, seconds, peak = _check(tmp_path)

    assert result.stdout.splitlines() == [
        "dense.py:1:1: TL005 skipped: took too long (more than analysis-time-limit, 2 s)",
        "good.py:2:1: TL101 [*] `requests.get()` has no timeout and can wait forever",
        "Found 2 findings.",
        "[*] 1 fixable with `timeoutlint fix`.",
    ]
    assert (result.returncode, result.stderr) == (1, "")
    assert seconds < 30
    assert peak < limits.memory_budget(len(DENSE)) + PROCESS_SIZE


def test_a_file_over_its_memory_budget_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MEMORY_BASE", 64 * MB)
    monkeypatch.setattr(limits, "MEMORY_PER_BYTE", 0)

    findings = lint(tmp_path, DENSE, filename="dense.py", analysis_time_limit=60)

    assert [(f.rule_id, f.message) for f in findings] == [
        ("TL005", "skipped: ran out of memory while analyzing the file")
    ]


def test_a_large_file_is_still_analysed_in_the_child(tmp_path: Path) -> None:
    code = HEAD + "x = 1\n" * 60_000  # 360 KB, over the isolation threshold

    findings = lint(tmp_path, code)

    assert len(code) > limits.ISOLATION_THRESHOLD
    assert [(f.rule_id, f.span.start.line) for f in findings] == [("TL101", 2)]


def test_the_child_is_killed_at_the_time_limit_even_inside_ast_parse() -> None:
    started = time.monotonic()

    with pytest.raises(AnalysisTimeout):
        run_isolated(lambda: ast.parse(DENSE), 0.5, 4096 * MB)

    assert time.monotonic() - started < 5


def test_an_exception_in_the_child_is_raised_again_with_its_traceback() -> None:
    def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input") as raised:
        run_isolated(fail, 10, 256 * MB)

    if sys.version_info >= (3, 11):
        assert "in fail" in "".join(raised.value.__notes__)


def test_a_child_that_dies_without_an_answer_is_a_crash() -> None:
    with pytest.raises(AnalysisCrashed):
        run_isolated(lambda: os.kill(os.getpid(), signal.SIGKILL), 10, 256 * MB)


def test_the_childs_value_comes_back() -> None:
    assert run_isolated(lambda: [1, "two", (3.0,)], 10, 256 * MB) == [1, "two", (3.0,)]


SHAPES = {
    "binary operators": lambda n: "x = requests.get(URL) + " + "+".join(["1"] * n),
    "attributes": lambda n: "x = requests.get(URL)" + ".b" * n,
    "not": lambda n: "x = " + "not " * n + "requests.get(URL)",
    "conditional expressions": lambda n: "x = " + "1 if c else " * n + "requests.get(URL)",
    "subscripts": lambda n: "x = requests.get(URL)" + "[0]" * n,
    "calls": lambda n: "x = requests.get(URL)" + "()" * n,
    "lambdas": lambda n: "x = " + "lambda: " * n + "requests.get(URL)",
}


@pytest.mark.parametrize("depth", [1000, 2500])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_valid_code_nested_as_deep_as_cpython_compiles_is_analysed(
    shape: str, depth: int, tmp_path: Path
) -> None:
    code = "import requests\n" + SHAPES[shape](depth) + "\n"
    compile(code, "nested.py", "exec")

    findings = lint(tmp_path, code)

    assert [(f.rule_id, f.span.start.line) for f in findings] == [("TL101", 2)]


def test_code_nested_deeper_than_cpython_compiles_is_a_syntax_error(tmp_path: Path) -> None:
    code = "import requests\nx = requests.get(URL) + " + "+".join(["1"] * 3500) + "\n"

    findings = lint(tmp_path, code)

    assert [(f.rule_id, f.message) for f in findings] == [
        ("TL001", "the file cannot be parsed: the code is nested too deeply to analyze")
    ]


def test_the_project_context_does_not_parse_a_dense_file_without_bounds(tmp_path: Path) -> None:
    """A file that mentions redis and a password is parsed by the project context too."""
    header = "import redis\nimport requests\nREDIS_PASSWORD = 'x'\nrequests.get(URL)\n"
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\nanalysis-time-limit = 2\n")
    (tmp_path / "dense.py").write_text(header + DENSE[len(HEAD) :])
    (tmp_path / "good.py").write_text(HEAD)

    result, seconds, peak = _check(tmp_path)

    assert result.stdout.splitlines()[:2] == [
        "dense.py:1:1: TL005 skipped: took too long (more than analysis-time-limit, 2 s)",
        "good.py:2:1: TL101 [*] `requests.get()` has no timeout and can wait forever",
    ]
    assert seconds < 60
    assert peak < limits.memory_budget(len(DENSE)) + PROCESS_SIZE
