"""Text edits: applying them, and turning a before/after pair into the smallest edits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from timeoutlint.findings import Position, Span, TextEdit
from timeoutlint.fixes.text_edits import apply_text_edits, edits_between


def test_an_edit_replaces_its_span() -> None:
    edit = TextEdit(Span(Position(2, 5), Position(2, 8)), "new")
    assert apply_text_edits("a\nkey=old\n", [edit]) == "a\nkey=new\n"


def test_separate_changes_become_separate_edits_without_the_text_between() -> None:
    old = "import os\nPASSWORD = 's3cret'\nrequests.get(u)\n"
    new = "import os\nimport socket\nPASSWORD = 's3cret'\nrequests.get(u, timeout=10)\n"
    edits = edits_between(old, new)
    assert [e.content for e in edits] == ["import socket\n", ", timeout=10"]
    assert all("s3cret" not in e.content for e in edits)


@given(st.text(alphabet="ab \n\r", max_size=40), st.text(alphabet="ab \n\r", max_size=40))
def test_edits_between_always_reproduce_the_new_text(old: str, new: str) -> None:
    assert apply_text_edits(old, edits_between(old, new)) == new


def test_an_added_import_next_to_a_wrapped_expression_repeats_none_of_the_kept_code() -> None:
    old = (
        "import os\nURL = f\"redis://:{os.getenv('REDIS_PASSWORD', 'Pr0dS3cret')}@redis:6379/0\"\n"
    )
    new = (
        "import os\n"
        "from urllib.parse import quote\n"
        "URL = f\"redis://:{quote(os.getenv('REDIS_PASSWORD', 'Pr0dS3cret'), safe='')}@redis:6379/0\"\n"
    )

    edits = edits_between(old, new)

    assert [e for e in edits if "Pr0dS3cret" in e.content] == []
    assert apply_text_edits(old, edits) == new
