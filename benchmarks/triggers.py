"""How many corpus files each check's triggers, then its guard, let through to the parser.

A check's trigger bytes decide which files are read further for it; a broad trigger
(`b"password"`, `b"rq"`) makes every file that happens to contain it a candidate. Its guard
(`Check.guard`, `checks/prefilter.py`) then decides, from the same bytes, the path and the
project context, whether the check can report at all; only then is the file modelled for it.
This prints, per check, the files that pass its triggers and its guard, the triggers that match
most, and the totals: files that pass some check's triggers (their guards are asked) and files that
pass some check's guard (modelled and checked).

The engine is built as `timeoutlint check` builds it for the corpus (its `timeoutlint.toml`,
discovery, the project context), so the guards see the real Python index.

`--verify` is the proof that the guards lose nothing: every file that passes some trigger is
analysed twice, with the guards and with every guard forced open, and the findings must be the
same.

`--verify-clients` is the proof that the client-factory byte test (`project/client_bytes.py`)
loses nothing: the project index's network clients are built twice, from the modules the scan
admits and from every module, and must be the same.

`--precision` prints, per check and trigger, how many files containing that trigger the check's
guard admitted and how many of those ended with a finding of one of the check's rules: where
the two differ most, a sharper test would save the most parsing.

Usage: python benchmarks/triggers.py [--corpus large] [--verify] [--verify-clients] [--precision]
    [--jobs N]
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_corpus import CORPUS_ROOT  # noqa: E402
from corpus_engine import corpus_engine  # noqa: E402

from timeoutlint.checks.prefilter import Prospect  # noqa: E402
from timeoutlint.discovery import SourceFile  # noqa: E402
from timeoutlint.engine import Engine  # noqa: E402
from timeoutlint.findings import Finding  # noqa: E402
from timeoutlint.parallel import fork_map  # noqa: E402

Candidate = tuple[SourceFile, bytes]


def _candidates(engine: Engine, files: list[SourceFile]) -> list[Candidate]:
    """The files whose bytes match some enabled check's triggers."""
    found = []
    for source in files:
        data = source.path.read_bytes()
        if engine.may_need_analysis(source.kind, data):
            found.append((source, data))
    return found


def _report(engine: Engine, files: list[SourceFile], candidates: list[Candidate]) -> None:
    by_kind: dict[str, int] = {}
    for source in files:
        by_kind[source.kind] = by_kind.get(source.kind, 0) + 1
    print(f"files by kind: {by_kind}")
    print(f"{'triggers':>8} {'guard':>6}  {'rules':<28} {'kind':<8} widest triggers")
    guarded: set[str] = set()
    rows = []
    for check in engine.checks:
        matched = [(s, d) for s, d in candidates if s.kind == check.kind and check.may_match(d)]
        admitted = [
            s.display
            for s, d in matched
            if check.admits(Prospect(d, s.relative, engine.enabled, engine.project))
        ]
        guarded.update(admitted)
        widest = sorted(
            ((sum(1 for _, d in matched if t in d), t) for t in check.triggers), reverse=True
        )[:4]
        rows.append((len(matched), len(admitted), check, widest))
    for matched_count, admitted_count, check, widest in sorted(rows, key=lambda r: -r[0]):
        tops = ", ".join(f"{t.decode()!r} {n}" for n, t in widest)
        rules = ",".join(check.rules)
        print(f"{matched_count:8d} {admitted_count:6d}  {rules:<28} {check.kind:<8} {tops}")
    print(f"files that pass some trigger (guards asked): {len(candidates)}")
    print(f"files that pass some guard (modelled and checked): {len(guarded)}")


def _unguarded(engine: Engine) -> Engine:
    """The same engine with every guard forced open."""
    checks = [dataclasses.replace(check, guard=None) for check in engine.checks]
    return Engine(engine.config, engine.rules, engine.enabled, engine.project, checks)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _findings(engine: Engine, candidates: list[Candidate], jobs: int | None) -> list[Finding]:
    def analyze(candidate: Candidate) -> tuple[Finding, ...]:
        return tuple(engine.analyze(*candidate))

    start = _cpu_seconds()
    results = fork_map(analyze, candidates, jobs)
    print(f"  {_cpu_seconds() - start:.1f} s CPU (this process and its workers)")
    return sorted((f for found in results if found for f in found), key=lambda f: f.sort_key)


def _line(finding: Finding) -> str:
    return f"{finding.path}:{finding.span.start.line} {finding.rule_id} {finding.message}"


def _verify(engine: Engine, candidates: list[Candidate], jobs: int | None) -> bool:
    print("with the guards:")
    guarded = _findings(engine, candidates, jobs)
    print("with every guard forced open:")
    forced = _findings(_unguarded(engine), candidates, jobs)
    same = guarded == forced
    print(f"findings: {len(guarded)} with guards, {len(forced)} forced open: ", end="")
    print("identical" if same else "DIFFERENT")
    shown = {_line(f) for f in guarded} ^ {_line(f) for f in forced}
    for line in sorted(shown)[:20]:
        print(f"  {line}")
    return same


def _verify_clients(engine: Engine, files: list[SourceFile], jobs: int | None) -> bool:
    """The index's clients from the modules the scan admits and from every module."""
    from timeoutlint.project.python_index import PythonIndex
    from timeoutlint.scan import IMPORTS_CLIENT_LIBRARY, MENTIONS_CLIENT_FACTORY, FileFacts, Scan

    admitted = engine.project.python_index
    flags = MENTIONS_CLIENT_FACTORY | IMPORTS_CLIENT_LIBRARY
    every = Scan({source.path: FileFacts(b"", flags) for source in files})
    start = _cpu_seconds()
    everything = PythonIndex.build(files, scan=every, jobs=jobs)
    print(f"every module admitted: {everything.parsed} parses, {_cpu_seconds() - start:.1f} s CPU")
    same = (admitted.clients, admitted.client_names) == (
        everything.clients,
        everything.client_names,
    )
    counts = [(sum(map(len, i.clients.values())), len(i.clients)) for i in (admitted, everything)]
    print(
        f"client names (modules): {counts[0][0]} ({counts[0][1]}) from the scan's modules, ", end=""
    )
    print(f"{counts[1][0]} ({counts[1][1]}) from every module: ", end="")
    print("identical" if same else "DIFFERENT")
    return same


def _precision(engine: Engine, candidates: list[Candidate], jobs: int | None) -> None:
    """Per check and trigger: files admitted by the check's guard vs files with its finding."""

    def rules_found(candidate: Candidate) -> frozenset[str]:
        return frozenset(f.rule_id for f in engine.analyze(*candidate))

    found = fork_map(rules_found, candidates, jobs)
    print(f"{'admitted':>8} {'finding':>7}  {'rules':<28} trigger")
    rows = []
    for check in engine.checks:
        admits = [
            (d, rules)
            for (s, d), rules in zip(candidates, found, strict=True)
            if s.kind == check.kind
            and check.may_match(d)
            and check.admits(Prospect(d, s.relative, engine.enabled, engine.project))
        ]
        for trigger in check.triggers:
            with_trigger = [rules for d, rules in admits if trigger in d]
            reported = sum(1 for rules in with_trigger if rules & set(check.rules))
            rows.append((len(with_trigger), reported, ",".join(check.rules), trigger.decode()))
    for admitted, reported, rules, trigger in sorted(rows, key=lambda r: (-r[0], r[2], r[3])):
        print(f"{admitted:8d} {reported:7d}  {rules:<28} {trigger!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="large")
    parser.add_argument("--verify", action="store_true", help="prove the guards lose nothing")
    parser.add_argument(
        "--verify-clients", action="store_true", help="prove the client byte test loses nothing"
    )
    parser.add_argument("--precision", action="store_true", help="admitted vs found, per trigger")
    parser.add_argument("--jobs", type=int, default=None)
    arguments = parser.parse_args()
    engine, files = corpus_engine(CORPUS_ROOT / arguments.corpus)
    candidates = _candidates(engine, files)
    _report(engine, files, candidates)
    if arguments.precision:
        _precision(engine, candidates, arguments.jobs)
    if arguments.verify and not _verify(engine, candidates, arguments.jobs):
        raise SystemExit(1)
    if arguments.verify_clients and not _verify_clients(engine, files, arguments.jobs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
