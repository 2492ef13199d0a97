"""How many corpus files each registered check's triggers let through to the parser.

A check's trigger bytes decide which files are parsed for it; a broad trigger (`b"password"`,
`b"rq"`) makes every file that happens to contain it pay for `ast.parse` and the model. This
prints, per check and per trigger, the share of the corpus that matches, widest first.

Usage: python benchmarks/triggers.py [--corpus large]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_corpus import CORPUS_ROOT  # noqa: E402

from timeoutlint.catalog import builtin_rules  # noqa: E402
from timeoutlint.checks import ALL_CHECKS  # noqa: E402
from timeoutlint.checks.callsite import with_callsite_rules  # noqa: E402
from timeoutlint.config import Config, selected_rules  # noqa: E402
from timeoutlint.discovery import classify  # noqa: E402


def _files(tree: Path) -> dict[str, list[bytes]]:
    by_kind: dict[str, list[bytes]] = {}
    for directory, _, names in os.walk(tree):
        for name in names:
            kind = classify(name)
            if kind is not None:
                by_kind.setdefault(kind, []).append((Path(directory) / name).read_bytes())
    return by_kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="large")
    arguments = parser.parse_args()
    files = _files(CORPUS_ROOT / arguments.corpus / "tree")
    rules = builtin_rules()
    enabled = selected_rules(Config(root=Path(".")), rules)
    checks = with_callsite_rules(ALL_CHECKS, rules, enabled)
    rows = []
    for check in checks:
        corpus = files.get(check.kind, [])
        matched = sum(1 for data in corpus if check.may_match(data))
        widest = sorted(
            ((sum(1 for data in corpus if t in data), t) for t in check.triggers), reverse=True
        )
        rows.append((matched, len(corpus), check, widest[:4]))
    total = {kind: len(found) for kind, found in files.items()}
    print(f"corpus {arguments.corpus}: {total}")
    for matched, size, check, widest in sorted(rows, key=lambda r: -r[0]):
        share = matched / size if size else 0.0
        tops = ", ".join(f"{t.decode()!r} {n}" for n, t in widest)
        print(f"{matched:6d} {share:6.1%}  {','.join(check.rules):<28} {check.kind:<8} {tops}")


if __name__ == "__main__":
    main()
