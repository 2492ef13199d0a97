"""Running a rule's catalog examples: the contract every rule is tested against.

For a bad example: the rule reports exactly the expected positions in the
main file, and applying its fixes (unsafe ones when the example says so)
gives the `fixed` text exactly, and fixing again changes nothing. For a
good example: the rule reports nothing. The examples run through the real
engine on real files in a temporary directory, with the project context
built as in a normal run, so multi-file examples work too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from timeoutlint.catalog import Example, Rule
from timeoutlint.config import Config, parse_table
from timeoutlint.limits import read_regular_file


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def _config(root: Path, example: Example, rule: Rule) -> Config:
    table = dict(example.config)
    table.setdefault("select", [rule.id])
    return parse_table(table, root, None)


def run_example(rule: Rule, example: Example, rules: Mapping[str, Rule], bad: bool) -> list[str]:
    """Problems found when running the example; an empty list means it behaves as documented."""
    from timeoutlint.fixes.apply import fix_file
    from timeoutlint.run import CacheOptions, build_session, check_paths

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="timeoutlint-example-") as directory:
        root = Path(directory).resolve()
        _write(root, example.files)
        session = build_session(
            (root,),
            config=_config(root, example, rule),
            rules=rules,
            cache=CacheOptions(enabled=False),
            jobs=1,
        )
        files, engine = session.files, session.engine
        by_relative = {source.relative: source for source in files}
        own = [f for f in check_paths(session, jobs=1).findings if f.rule_id == rule.id]
        if not bad:
            return [
                f"unexpected finding {f.path}:{f.span.start.line}:{f.span.start.column}: {f.message}"
                for f in own
            ]
        expected = {(e.path or example.main, e.line, e.column) for e in example.expect}
        relative_of = {source.display: source.relative for source in files}
        actual = {
            (relative_of.get(f.path, f.path), f.span.start.line, f.span.start.column) for f in own
        }
        for path, line, column in sorted(expected, key=str):
            if not any(
                a[0] == path and a[1] == line and (column is None or a[2] == column) for a in actual
            ):
                where = f"{path}:{line}" + (f":{column}" if column else "")
                got = ", ".join(f"{a[0]}:{a[1]}:{a[2]}" for a in sorted(actual)) or "nothing"
                problems.append(f"expected a finding at {where}, got {got}")
        for a in sorted(actual):
            if not any(
                e[0] == a[0] and e[1] == a[1] and (e[2] is None or e[2] == a[2]) for e in expected
            ):
                problems.append(f"unexpected finding at {a[0]}:{a[1]}:{a[2]}")
        if example.fixed is None:
            return problems
        for name, wanted in example.fixed.items():
            found = by_relative.get(name)
            if found is None:
                problems.append(
                    f"'fixed' names {name}, which is not one of the example's checked files"
                )
                continue
            data = read_regular_file(found.path)
            first = fix_file(engine, found, data, unsafe=example.unsafe)
            if first.error:
                problems.append(first.error)
                continue
            got = first.fixed.decode("utf-8")
            if got != wanted:
                problems.append(f"fixing {name} gave:\n{got}\nexpected:\n{wanted}")
                continue
            again = fix_file(engine, found, first.fixed, unsafe=example.unsafe)
            if again.fixed != first.fixed:
                problems.append(f"fixing {name} a second time changed it again (not idempotent)")
    return problems


def run_rule_examples(rule: Rule, rules: Mapping[str, Rule]) -> dict[str, list[str]]:
    """Every example of `rule`, by label, with its problems."""
    results: dict[str, list[str]] = {}
    for index, example in enumerate(rule.bad):
        results[f"{rule.id} bad[{index}] {example.title}".rstrip()] = run_example(
            rule, example, rules, True
        )
    for index, example in enumerate(rule.good):
        results[f"{rule.id} good[{index}] {example.title}".rstrip()] = run_example(
            rule, example, rules, False
        )
    return results


def validate_packs(config: Config) -> dict[str, list[str]]:
    """Run every example of every pack rule: {example label: problems} (empty list = passes)."""
    from timeoutlint.catalog import builtin_rules
    from timeoutlint.rule_packs import all_rules, pack_rules

    rules = all_rules(config)
    results: dict[str, list[str]] = {}
    for rule in pack_rules(config, builtin_rules()).values():
        results.update(run_rule_examples(rule, rules))
    return results
