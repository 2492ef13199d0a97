"""docs/rules/ is generated from the catalog and must not go stale."""

from __future__ import annotations

from pathlib import Path

from timeoutlint.catalog import builtin_rules
from timeoutlint.report import rule_pages

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "rules"


def test_committed_rule_docs_match_the_catalog() -> None:
    stale = rule_pages.stale_pages(builtin_rules(), DOCS)
    assert not stale, (
        f"docs/rules is out of date ({', '.join(stale)}); regenerate it with "
        f"`{rule_pages.REGENERATE}` and commit the result"
    )


def test_there_is_a_page_for_every_rule_and_an_index() -> None:
    names = set(rule_pages.pages(builtin_rules()))
    assert names == {f"{rule_id}.md" for rule_id in builtin_rules()} | {"README.md"}


def test_the_index_links_every_page() -> None:
    index = rule_pages.index_page(builtin_rules())
    for rule_id in builtin_rules():
        assert f"[{rule_id}]({rule_id}.md)" in index


def test_generating_writes_pages_and_removes_pages_of_deleted_rules(
    tmp_path: Path, run_cli
) -> None:
    (tmp_path / "TL999.md").write_text("a rule that no longer exists\n", encoding="utf-8")
    result = run_cli("rules", "--format", "markdown", "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "TL999.md").exists()
    assert rule_pages.stale_pages(builtin_rules(), tmp_path) == []
    again = run_cli("rules", "--format", "markdown", "--output-dir", str(tmp_path))
    assert again.stdout.startswith("0 of ")


def test_stale_pages_names_a_changed_page(tmp_path: Path) -> None:
    rule_pages.write_pages(builtin_rules(), tmp_path)
    (tmp_path / "TL101.md").write_text("edited by hand\n", encoding="utf-8")
    assert rule_pages.stale_pages(builtin_rules(), tmp_path) == ["TL101.md"]


def test_output_dir_needs_markdown(run_cli, tmp_path: Path) -> None:
    result = run_cli("rules", "--output-dir", str(tmp_path))
    assert result.returncode == 2
    assert "--format markdown" in result.stderr
