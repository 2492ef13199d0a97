"""Time timeoutlint against ruff on the benchmark corpora, in one invocation.

For each corpus (small: the standard library; large: stdlib + pinned wheels, see build_corpus.py):

- `timeoutlint check` cold (`--no-cache`) and warm (cache filled by an untimed run);
- `ruff check --select S113 --no-cache` (cold) and with its cache (warm);
- `timeoutlint fix --diff --no-cache`;
- files read vs files that passed the prefilter (from `--verbose`);
- the pre-commit case: 10 changed files, whole-process wall time including interpreter start,
  as a hook runs (the caches filled by an earlier run, the 10 files edited since: a comment line
  is appended to each before each timed run, and the bytes and mtime put back after it, so the
  corpus copy must be writable), and with `--no-cache`.

Each case runs `--runs` times (default 5), interleaved so that a noisy neighbour hurts every tool
alike; the table shows medians and ratios to ruff from the same invocation. Peak RSS is the
largest `ru_maxrss` of the process tree of one run (`os.wait4`, which includes the pool workers).
Results go to `benchmarks/results/` as JSON and Markdown (gitignored). Not a test: CI does not run it.

Usage: python benchmarks/run.py [--runs 5] [--corpus small,large] [--jobs N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from build_corpus import CORPUS_ROOT, build  # noqa: E402

RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
RUFF = [str(BIN / "ruff"), "check", "--isolated", "--select", "S113", "--no-respect-gitignore"]
TIMEOUTLINT = [str(BIN / "timeoutlint")]
PRE_COMMIT_FILES = 10
SNAPSHOT = RESULTS / f"snapshot-{os.getpid()}"
"""A copy of the code under test, laid out like the wheel: the working tree may change while the
benchmark runs, which would change the results and invalidate the warm cache midway."""
_VERBOSE_COUNTS = re.compile(
    r"(\d+) files read, (\d+) passed the prefilter \(\d+ answered from the cache\), (\d+) parsed"
)


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


@dataclass
class Case:
    name: str
    command: list[str]
    cwd: Path
    samples: list[Sample] = field(default_factory=list)
    edited: tuple[str, ...] = ()
    """Files (relative to `cwd`) a comment line is appended to before each run, restored after."""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_rss_mb(self) -> float:
        return max(s.peak_rss_mb for s in self.samples)


def _environment() -> dict[str, str]:
    """As a user has it: bytecode caches written (this sandbox sets PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(SNAPSHOT)
    return env


def _snapshot() -> None:
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "timeoutlint", SNAPSHOT / "timeoutlint", ignore=ignore)
    shutil.copytree(REPO / "rules", SNAPSHOT / "timeoutlint" / "_catalog", ignore=ignore)


def _measure(command: list[str], cwd: Path) -> tuple[Sample, str]:
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), stderr


def _measure_case(case: Case) -> tuple[Sample, str]:
    """One run of `case`, its files edited first (as a commit changes them) and restored after."""
    originals = []
    for name in case.edited:
        path = case.cwd / name
        info = path.stat()
        originals.append((path, path.read_bytes(), info.st_atime_ns, info.st_mtime_ns))
        with open(path, "ab") as stream:
            stream.write(b"# edited for the pre-commit case\n")
    try:
        return _measure(case.command, case.cwd)
    finally:
        for path, data, atime, mtime in originals:
            path.write_bytes(data)
            os.utime(path, ns=(atime, mtime))


def _timeoutlint(*args: str) -> list[str]:
    return [*TIMEOUTLINT, args[0], "--config", "timeoutlint.toml", "-q", *args[1:]]


def _pre_commit_files(tree: Path) -> list[str]:
    """Ten Python files, chosen by a fixed hash order: five that mention redis or requests (so
    that they are parsed) and five others, as a commit touches both kinds."""
    candidates = sorted(
        (p for p in tree.rglob("*.py") if "/test" not in p.as_posix()),
        key=lambda p: hashlib.sha256(p.as_posix().encode()).hexdigest(),
    )
    relevant: list[str] = []
    other: list[str] = []
    for path in candidates:
        data = path.read_bytes()
        bucket = relevant if (b"import redis" in data or b"import requests" in data) else other
        if len(bucket) < PRE_COMMIT_FILES // 2:
            bucket.append(path.relative_to(tree.parent).as_posix())
        if len(relevant) + len(other) == PRE_COMMIT_FILES:
            break
    return relevant + other


def _cases(corpus: Path, jobs: list[str]) -> list[Case]:
    changed = _pre_commit_files(corpus / "tree")
    return [
        Case("ruff cold", [*RUFF, "--no-cache", "-q", "."], corpus),
        Case("timeoutlint cold", _timeoutlint("check", "--no-cache", *jobs, "."), corpus),
        Case("ruff warm", [*RUFF, "--cache-dir", ".ruff_cache", "-q", "."], corpus),
        Case("timeoutlint warm", _timeoutlint("check", *jobs, "."), corpus),
        Case(
            "timeoutlint fix --diff",
            _timeoutlint("fix", "--diff", "--no-cache", *jobs, "."),
            corpus,
        ),
        Case("ruff pre-commit (10 files)", [*RUFF, "--no-cache", "-q", *changed], corpus),
        Case(
            "timeoutlint pre-commit (10 files, --no-cache)",
            _timeoutlint("check", "--no-cache", "--force-exclude", *changed),
            corpus,
        ),
        Case(
            "timeoutlint pre-commit (10 files edited, caches warm)",
            _timeoutlint("check", "--force-exclude", *changed),
            corpus,
            edited=tuple(changed),
        ),
    ]


def _prepare(corpus: Path) -> dict[str, int]:
    """Fill both caches and the bytecode caches (untimed); count files read and analyzed."""
    for directory in (corpus / ".timeoutlint_cache", corpus / ".ruff_cache"):
        shutil.rmtree(directory, ignore_errors=True)
    _measure([*RUFF, "--cache-dir", ".ruff_cache", "-q", "."], corpus)
    _, stderr = _measure(_timeoutlint("check", "--verbose", "."), corpus)
    # A hook's earlier run over the same files writes the project-context snapshot.
    _measure(_timeoutlint("check", "--force-exclude", *_pre_commit_files(corpus / "tree")), corpus)
    match = _VERBOSE_COUNTS.search(stderr)
    if match is None:
        raise SystemExit(f"no file counts in timeoutlint --verbose output:\n{stderr}")
    return {
        "files_read": int(match.group(1)),
        "files_analyzed": int(match.group(2)),
        "files_parsed": int(match.group(3)),
    }


def _ruff_files(corpus: Path) -> int:
    shown = subprocess.run(
        [*RUFF, "--no-cache", "--show-files", "."],
        cwd=corpus,
        capture_output=True,
        text=True,
        env=_environment(),
    )
    return sum(1 for line in shown.stdout.splitlines() if line.strip().endswith((".py", ".pyi")))


def _version(command: list[str]) -> str:
    return subprocess.run(
        command, capture_output=True, text=True, env=_environment()
    ).stdout.strip()


def _machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "load_average_at_start": os.getloadavg(),
    }


def _baseline(case: Case, cases: list[Case]) -> Case:
    """What a case is compared with: ruff on the same 10 files for the pre-commit case, else
    ruff cold (the targets compare warm timeoutlint with cold ruff too)."""
    return cases[5] if "pre-commit" in case.name else cases[0]


def _table(report: dict[str, object]) -> str:
    lines = [
        f"Measured {report['date']} on {report['machine']['cpu']} ({report['machine']['cores']} "  # type: ignore[index]
        f"cores), Python {report['machine']['python']}, {report['ruff']}, "  # type: ignore[index]
        f"{report['timeoutlint']}; medians of {report['runs']} runs. Ratios: to ruff on the same "
        "10 files for the pre-commit rows, else to ruff cold. CPU = user + system of the whole "
        "process tree (robust when the shared machine is busy).",
        "",
        "| corpus | case | wall s | wall vs ruff | CPU s | CPU vs ruff | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for corpus in report["corpora"]:  # type: ignore[attr-defined]
        for case in corpus["cases"]:
            lines.append(
                f"| {corpus['name']} ({corpus['files']} files, {corpus['megabytes']} MB) "
                f"| {case['name']} | {case['median_s']:.2f} | {case['ratio_to_ruff']:.2f}x "
                f"| {case['cpu_median_s']:.2f} | {case['cpu_ratio_to_ruff']:.2f}x "
                f"| {case['peak_rss_mb']:.0f} |"
            )
    lines.append("")
    for corpus in report["corpora"]:  # type: ignore[attr-defined]
        lines.append(
            f"- {corpus['name']}: timeoutlint read {corpus['files_read']} files, "
            f"{corpus['files_analyzed']} passed the prefilter, {corpus['files_parsed']} of them"
            " were parsed and checked (cold); ruff checked "
            f"{corpus['ruff_files']} Python files. Corpus sha256 {corpus['digest'][:16]}…"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", default="small,large")
    parser.add_argument("--jobs", type=int, help="timeoutlint --jobs (default: one per core)")
    arguments = parser.parse_args()
    jobs = ["--jobs", str(arguments.jobs)] if arguments.jobs else []
    _snapshot()
    report: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": _machine(),
        "ruff": _version([str(BIN / "ruff"), "--version"]),
        "timeoutlint": _version([*TIMEOUTLINT, "--version"]) + " (snapshot of the working tree)",
        "runs": arguments.runs,
        "corpora": [],
    }
    for name in arguments.corpus.split(","):
        manifest = build(name, force=False)
        corpus = CORPUS_ROOT / name
        counts = _prepare(corpus)
        cases = _cases(corpus, jobs)
        for run in range(arguments.runs):
            for case in cases:
                sample, _ = _measure_case(case)
                case.samples.append(sample)
                print(
                    f"{name} run {run + 1}: {case.name}: {sample.seconds:.2f} s wall, "
                    f"{sample.cpu_seconds:.2f} s CPU, {sample.peak_rss_mb:.0f} MB",
                    flush=True,
                )
        report["corpora"].append(  # type: ignore[attr-defined]
            {
                "name": name,
                "files": manifest.files,
                "megabytes": round(manifest.bytes / 1e6, 1),
                "digest": manifest.digest,
                "ruff_files": _ruff_files(corpus),
                **counts,
                "pre_commit_files": cases[6].command[-PRE_COMMIT_FILES:],
                "cases": [
                    {
                        "name": case.name,
                        "median_s": round(case.median, 3),
                        "ratio_to_ruff": round(case.median / _baseline(case, cases).median, 2),
                        "cpu_median_s": round(case.cpu_median, 3),
                        "cpu_ratio_to_ruff": round(
                            case.cpu_median / _baseline(case, cases).cpu_median, 2
                        ),
                        "peak_rss_mb": round(case.peak_rss_mb, 1),
                        "samples_s": [round(s.seconds, 3) for s in case.samples],
                        "command": " ".join(case.command),
                    }
                    for case in cases
                ],
            }
        )
    report["machine"]["load_average_at_end"] = os.getloadavg()  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = _table(report)
    (RESULTS / f"{stamp}.md").write_text(table, encoding="utf-8")
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    print(table)


if __name__ == "__main__":
    main()
