"""A rule's documentation, rendered from its catalog entry (`timeoutlint rule ID`)."""

from __future__ import annotations

from collections.abc import Mapping

from timeoutlint.catalog import Example, Rule

_FENCE = {"python": "python", "compose": "yaml", "dotenv": "sh"}
_SAFETY = {
    "safe": "The fix is safe: `timeoutlint fix` applies it.",
    "sometimes": "The fix is safe for some findings and unsafe for others: {when} An unsafe"
    " fix is applied only with `timeoutlint fix --unsafe-fixes`; a safe one by `timeoutlint fix`.",
    "unsafe": "The fix is unsafe (it can change behaviour): it is applied only with `timeoutlint fix --unsafe-fixes`.",
    "none": "There is no automatic fix.",
}


def _fence(path: str, text: str) -> str:
    from timeoutlint.discovery import classify

    language = _FENCE.get(classify(path.rsplit("/", 1)[-1]) or "python", "")
    return f"```{language}\n{text.rstrip()}\n```"


def _example_files(files: Mapping[str, str]) -> str:
    if len(files) == 1:
        path, text = next(iter(files.items()))
        return _fence(path, text)
    return "\n\n".join(f"`{path}`:\n\n{_fence(path, text)}" for path, text in files.items())


def _example(example: Example, heading: str) -> str:
    title = f" ({example.title})" if example.title else ""
    parts = [f"**{heading}{title}:**", "", _example_files(example.files)]
    if example.fixed is not None:
        parts += [
            "",
            "**Fixed" + (" (unsafe fix)" if example.unsafe else "") + ":**",
            "",
            _example_files(example.fixed),
        ]
    return "\n".join(parts)


def render_markdown(rule: Rule) -> str:
    lines = [
        f"# {rule.name} ({rule.id})",
        "",
        f"Severity: {rule.severity}. Reads: {', '.join(rule.reads)} files."
        + ("" if rule.default else " Off by default: enable it with `extend-select`."),
        "",
        rule.summary,
        "",
        "## What it does",
        "",
        rule.what,
        "",
        "## Why is this bad?",
        "",
        rule.why,
        "",
    ]
    if rule.bad or rule.good:
        lines += ["## Example", ""]
        for example in rule.bad:
            lines += [_example(example, "Bad"), ""]
        for example in rule.good:
            lines += [_example(example, "Good"), ""]
    safety = _SAFETY[rule.fix.applicability].format(when=rule.fix.when)
    lines += ["## Fix safety", "", safety, "", rule.fix.description, ""]
    if rule.options:
        lines += ["## Options", ""]
        for option in rule.options:
            default = f" (default: `{option.default}`)" if option.default else ""
            lines.append(f"- `{option.name}`{default}: {option.description}")
        lines.append("")
    if rule.references:
        lines += ["## References", ""]
        lines += [f"- {reference}" for reference in rule.references]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rules_table(rules: Mapping[str, Rule]) -> str:
    header = ("ID", "NAME", "READS", "FIX", "DEFAULT")
    rows = [
        (
            r.id,
            r.name,
            ",".join(r.reads),
            r.fix.applicability if r.fixable else "-",
            "on" if r.default else "off",
        )
        for r in rules.values()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    )
