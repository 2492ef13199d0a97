"""Where the engine's CPU goes per parsed file: `ast.parse`, the `PythonModule` walk, each check.

Builds the same engine as `timeoutlint check` for a benchmark corpus (its
`timeoutlint.toml`, discovery, the project context), keeps the Python files
that pass the engine's prefilter, and runs them serially, timing each phase
with `time.process_time` (CPU seconds): decode, `ast.parse`, `PythonModule`,
every check that the file's bytes trigger, and the suppressions. Prints the
totals per phase and per check, and a digest of all findings so that a change
can be checked for identical results in the same run.

Usage: python benchmarks/profile_engine.py [--corpus large] [--limit N] [--cprofile [FILE]]
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import hashlib
import pstats
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_corpus import CORPUS_ROOT  # noqa: E402
from corpus_engine import corpus_engine  # noqa: E402

from timeoutlint.checks.base import Check, CheckContext  # noqa: E402
from timeoutlint.discovery import SourceFile  # noqa: E402
from timeoutlint.engine import Engine  # noqa: E402
from timeoutlint.findings import Finding  # noqa: E402
from timeoutlint.python.model import PythonModule  # noqa: E402
from timeoutlint.python.module_names import module_name_for  # noqa: E402
from timeoutlint.python.source import SourceDecodeError, decode_python  # noqa: E402
from timeoutlint.suppression import (  # noqa: E402
    python_suppressions,
    skips_file,
    without_suppressed,
)

ParsedFile = tuple[SourceFile, bytes, list[Check]]


def _parsed_files(engine: Engine, files: list[SourceFile]) -> list[ParsedFile]:
    """The Python files the engine would parse, with the checks their bytes trigger."""
    kept: list[ParsedFile] = []
    for source in files:
        if source.kind != "python":
            continue
        data = source.path.read_bytes()
        if not engine.may_need_analysis(source.kind, data) or skips_file(data):
            continue
        if len(data) > engine.config.max_file_size or b"\0" in data:
            continue
        enabled = engine._enabled_for(source)
        checks = [
            c
            for c in engine.checks
            if c.kind == "python" and set(c.rules) & enabled and c.may_match(data)
        ]
        if checks:
            kept.append((source, data, checks))
    return kept


def _check_name(check: Check) -> str:
    module = getattr(check.run, "__module__", "?").rsplit(".", 1)[-1]
    return f"{module} ({','.join(check.rules[:3])}{',...' if len(check.rules) > 3 else ''})"


class Timings:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, phase: str, seconds: float) -> None:
        self.seconds[phase] += seconds
        self.counts[phase] += 1


def _profile_file(engine: Engine, parsed: ParsedFile, timings: Timings) -> list[Finding]:
    """One file through the same steps as `Engine._analyze_python`, each step timed."""
    source, data, checks = parsed
    clock = time.process_time
    start = clock()
    try:
        text = decode_python(data).text
    except SourceDecodeError:
        return []
    after_decode = clock()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=source.display)
    except (SyntaxError, RecursionError, MemoryError):
        return []
    after_parse = clock()
    module_name, is_package = module_name_for(source.relative)
    model = PythonModule(text, tree, module_name, is_package)
    after_model = clock()
    timings.add("decode", after_decode - start)
    timings.add("ast.parse", after_parse - after_decode)
    timings.add("PythonModule", after_model - after_parse)
    enabled = engine._enabled_for(source)
    ctx = CheckContext(
        source.display, source.relative, engine.config, engine.project, engine.rules, enabled
    )
    for check in checks:
        before = clock()
        check.run(ctx, model)
        timings.add("check " + _check_name(check), clock() - before)
    findings = ctx.findings
    if findings:
        before = clock()
        findings = without_suppressed(findings, python_suppressions(text))
        timings.add("suppressions", clock() - before)
    return sorted(findings, key=lambda f: f.sort_key)


def _report(timings: Timings, files: int) -> None:
    phases = ("decode", "ast.parse", "PythonModule", "suppressions")
    checks = sorted((p for p in timings.seconds if p.startswith("check ")), key=lambda p: p)
    total = sum(timings.seconds.values())
    beyond_parse = total - timings.seconds["ast.parse"] - timings.seconds["decode"]
    print(f"{files} parsed files; CPU seconds (process_time), serial")
    print(f"{'phase':<58} {'files':>6} {'seconds':>8} {'share':>6}")
    for phase in (*phases, *checks):
        seconds = timings.seconds.get(phase, 0.0)
        share = seconds / total if total else 0.0
        print(f"{phase:<58} {timings.counts.get(phase, 0):>6} {seconds:8.3f} {share:6.1%}")
    all_checks = sum(timings.seconds[p] for p in checks)
    print(f"{'all checks':<58} {'':>6} {all_checks:8.3f}")
    print(f"{'total':<58} {'':>6} {total:8.3f}")
    print(f"{'total minus decode and ast.parse':<58} {'':>6} {beyond_parse:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="large")
    parser.add_argument("--limit", type=int, default=0, help="only the first N parsed files")
    parser.add_argument(
        "--cprofile",
        nargs="?",
        const="-",
        metavar="FILE",
        help="also run under cProfile; print the top functions, or save the stats to FILE",
    )
    arguments = parser.parse_args()
    engine, files = corpus_engine(CORPUS_ROOT / arguments.corpus)
    parsed = _parsed_files(engine, files)
    if arguments.limit:
        parsed = parsed[: arguments.limit]
    timings = Timings()
    digest = hashlib.sha256()
    profiler = cProfile.Profile() if arguments.cprofile else None
    if profiler is not None:
        profiler.enable()
    for item in parsed:
        for finding in _profile_file(engine, item, timings):
            digest.update(repr(finding).encode("utf-8"))
    if profiler is not None:
        profiler.disable()
    _report(timings, len(parsed))
    print(f"findings digest: {digest.hexdigest()[:16]}")
    if profiler is not None:
        if arguments.cprofile == "-":
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        else:
            profiler.dump_stats(arguments.cprofile)
            print(f"cProfile stats written to {arguments.cprofile}")


if __name__ == "__main__":
    main()
