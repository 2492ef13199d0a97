"""Suppression comments."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint
from timeoutlint.suppression import ALL, codes_in_comment, skips_file


def test_noqa_with_codes_lists_them() -> None:
    assert codes_in_comment("# noqa: TL101, TL201") == {"TL101", "TL201"}


def test_bare_noqa_suppresses_everything() -> None:
    assert codes_in_comment("# noqa") is ALL


def test_timeoutlint_ignore_lists_codes() -> None:
    assert codes_in_comment("# timeoutlint: ignore[TL101,TL102]") == {"TL101", "TL102"}


def test_an_ordinary_comment_is_not_a_directive() -> None:
    assert codes_in_comment("# no timeout here on purpose") is None


def test_skip_file_must_be_a_comment_line() -> None:
    assert skips_file(b"import requests\n# timeoutlint: skip-file\n")
    assert not skips_file(b'x = "# timeoutlint: skip-file"\n')


def test_noqa_for_the_rule_suppresses_only_that_line(tmp_path: Path) -> None:
    code = "import requests\nrequests.get(u)  # noqa: TL101\nrequests.get(u)\n"
    assert lines(lint(tmp_path, code)) == [3]


def test_noqa_for_another_rule_does_not_suppress(tmp_path: Path) -> None:
    assert lines(lint(tmp_path, "import requests\nrequests.get(u)  # noqa: E501\n")) == [2]


def test_bare_noqa_and_timeoutlint_ignore_suppress(tmp_path: Path) -> None:
    code = (
        "import requests\nrequests.get(u)  # noqa\nrequests.get(u)  # timeoutlint: ignore[TL101]\n"
    )
    assert lint(tmp_path, code) == []


def test_a_noqa_inside_a_string_is_not_a_comment(tmp_path: Path) -> None:
    assert lines(lint(tmp_path, "import requests\nrequests.get('# noqa')\n")) == [2]


def test_skip_file_skips_the_whole_file(tmp_path: Path) -> None:
    assert lint(tmp_path, "# timeoutlint: skip-file\nimport requests\nrequests.get(u)\n") == []


def test_a_comment_on_the_first_line_of_a_statement_covers_a_later_line(tmp_path: Path) -> None:
    code = "import requests\nresponse = requests.get(  # noqa: TL101\n    u, timeout=None\n)\n"
    assert lint(tmp_path, code) == []
