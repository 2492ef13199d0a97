"""Links into this repository name files (and headings) that exist.

Checked: every SARIF `helpUri` the real CLI writes, every Markdown link in the README, the
changelog, docs/*.md and the rule pages that is relative or starts with the repository's URL
(`.../blob/main/PATH`, `.../tree/main/PATH`), and the URLs in pyproject.toml. An anchor
(`ci.md#baselines`) must be a heading of the target file, slugged as GitHub slugs it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from timeoutlint.report.sarif import DOCS_URI, INFORMATION_URI

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
REPOSITORY_URL = "https://github.com/timeoutlint/timeoutlint"
PAGES = sorted(
    [
        REPO / "README.md",
        REPO / "CHANGELOG.md",
        *(REPO / "docs").glob("*.md"),
        *(REPO / "docs" / "rules").glob("*.md"),
    ]
)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
IN_REPOSITORY = re.compile(
    rf"^{re.escape(REPOSITORY_URL)}(?:/(?P<kind>blob|tree)/main/(?P<path>[^#?]*))?"
    r"(?:#(?P<anchor>.*))?$"
)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to `-`."""
    text = re.sub(r"`|\*\*|__", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    counts: dict[str, int] = {}
    for match in re.finditer(r"^#{1,6} +(.+?) *#*$", FENCE.sub("", page.read_text()), re.M):
        slug = github_slug(match.group(1))
        seen = counts.get(slug, 0)
        counts[slug] = seen + 1
        found.add(slug if seen == 0 else f"{slug}-{seen}")
    return found


def problem(target: str, page: Path | None) -> str | None:
    """Why a link from `page` (None: from outside the repository's pages) is broken; None when
    it is fine or does not point into this repository."""
    anchor: str | None
    matched = IN_REPOSITORY.match(target)
    if matched is not None:
        if matched.group("path") is None:
            return None if matched.group("anchor") is None else "an anchor on the repository root"
        path = REPO / matched.group("path")
        anchor = matched.group("anchor")
        if matched.group("kind") == "tree" and not path.is_dir():
            return f"{matched.group('path')} is not a directory of the repository"
    elif re.match(r"^[a-z][a-z0-9+.-]*:", target):
        return None
    else:
        if page is None:
            return "a relative link outside the repository's pages"
        raw_path, _, anchor = target.partition("#")
        path = page if raw_path == "" else (page.parent / raw_path)
        anchor = anchor or None
    if not path.exists():
        return f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path} does not exist"
    if anchor is not None:
        if path.suffix != ".md" or anchor not in anchors(path):
            return f"#{anchor} is not a heading of {path.name}"
    return None


def _links(page: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_of_a_page_into_the_repository_exists(page: Path) -> None:
    broken = [(link, problem(link, page)) for link in _links(page)]
    assert [b for b in broken if b[1] is not None] == []


def test_every_repository_url_in_the_pages_exists_even_in_code_blocks() -> None:
    """The pre-commit snippet's `repo:` and any `blob/main/...` in an example."""
    pattern = re.compile(rf"{re.escape(REPOSITORY_URL)}[^\s)`\"'>]*")
    for page in PAGES:
        for url in pattern.findall(page.read_text(encoding="utf-8")):
            assert problem(url.rstrip(".,:;"), page) is None, (page.name, url)


def test_the_project_urls_in_pyproject_exist() -> None:
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert urls
    for url in urls.values():
        assert problem(url, None) is None, url


def test_every_sarif_help_uri_names_a_rule_page_that_exists(project, run_cli) -> None:
    """Built-in rules have a page; a rule pack's rule (the README's example pack) has none,
    so it gets no `helpUri` rather than a link to a page that does not exist."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pack = re.search(r"^```yaml\n# ci/timeouts\.yaml\n(.*?)^```", readme, re.M | re.S)
    assert pack is not None
    root = project(
        {
            "pyproject.toml": '[tool.timeoutlint]\nrule-packs = ["ci/timeouts.yaml"]\n',
            "ci/timeouts.yaml": pack.group(1),
            "app.py": "import requests\n\nrequests.get('https://a')\n",
        }
    )
    result = run_cli("check", "--no-cache", "--output-format", "sarif", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert problem(driver["informationUri"], None) is None
    uris = {rule["id"]: rule.get("helpUri") for rule in driver["rules"]}
    assert uris["X-ACME001"] is None
    builtin = {rule_id: uri for rule_id, uri in uris.items() if rule_id.startswith("TL")}
    assert builtin and all(uri is not None for uri in builtin.values())
    assert [(rule_id, problem(uri, None)) for rule_id, uri in builtin.items()] == [
        (rule_id, None) for rule_id in builtin
    ]


def test_the_checker_finds_a_missing_page_and_a_missing_anchor() -> None:
    readme = REPO / "README.md"
    assert problem("docs/no-such-page.md", readme) is not None
    assert problem("docs/ci.md#no-such-heading", readme) is not None
    assert problem(f"{REPOSITORY_URL}/blob/main/docs/rules/TL999.md", None) is not None
    assert problem(DOCS_URI.format(id="TL101"), None) is None
    assert problem("docs/ci.md#baselines", readme) is None
    assert problem(INFORMATION_URI, None) is None
    assert problem("https://example.com/x", readme) is None


def test_github_slugs_drop_punctuation_and_keep_hyphens() -> None:
    assert github_slug("Two commands") == "two-commands"
    assert github_slug("In CI and pre-commit") == "in-ci-and-pre-commit"
    assert github_slug("`check --fix`, `--diff`") == "check---fix---diff"
