"""The rule documentation pages in `docs/rules/`: one page per rule plus an index, from the catalog.

The pages are generated (`timeoutlint rules --format markdown --output-dir
docs/rules`) and committed; a test fails when they are stale. SARIF's
`helpUri` points at them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from timeoutlint.catalog import Rule
from timeoutlint.report.rule_doc import render_markdown

REGENERATE = "timeoutlint rules --format markdown --output-dir docs/rules"
INDEX = "README.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def index_page(rules: Mapping[str, Rule]) -> str:
    lines = [
        "# Rules",
        "",
        f"Generated from `rules/*.yaml` by `{REGENERATE}`; do not edit by hand.",
        "",
        "| ID | Name | Severity | Reads | Fix | Default | Summary |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in rules.values():
        lines.append(
            f"| [{rule.id}]({rule.id}.md) | {rule.name} | {rule.severity} "
            f"| {', '.join(rule.reads)} | {rule.fix.applicability} "
            f"| {'on' if rule.default else 'off'} | {_cell(rule.summary)} |"
        )
    return "\n".join(lines) + "\n"


def pages(rules: Mapping[str, Rule]) -> dict[str, str]:
    """File name -> content for every page of `docs/rules/`."""
    generated = {f"{rule.id}.md": render_markdown(rule) for rule in rules.values()}
    generated[INDEX] = index_page(rules)
    return generated


def write_pages(rules: Mapping[str, Rule], directory: Path) -> list[Path]:
    """Write the pages, remove pages of rules that no longer exist; return the files changed."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages(rules)
    changed: list[Path] = []
    for name, content in wanted.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    for stale in directory.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
            changed.append(stale)
    return changed


def stale_pages(rules: Mapping[str, Rule], directory: Path) -> list[str]:
    """The names of pages that are missing, different or left over in `directory`."""
    wanted = pages(rules)
    problems = [
        name
        for name, content in wanted.items()
        if not (directory / name).is_file()
        or (directory / name).read_text(encoding="utf-8") != content
    ]
    problems += [p.name for p in directory.glob("*.md") if p.name not in wanted]
    return sorted(problems)
