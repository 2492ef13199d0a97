"""A `(connect, read)` timeout with a `None` is bounded in place, keeping what the author wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lint
from timeoutlint.findings import Applicability
from timeoutlint.fix_operations import ReplaceKeywordValue


def _replacement(tmp_path: Path, call: str, select: str = "TL101", **config: object) -> str:
    imports = "import requests\nimport httpx\n"
    (finding,) = lint(tmp_path, imports + call + "\n", select=select, **config)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    (edit,) = [e for e in finding.fix.operations if isinstance(e, ReplaceKeywordValue)]
    return edit.value


@pytest.mark.parametrize(
    ("call", "value"),
    [
        ("requests.get(u, timeout=(5, None))", "(5, 10)"),
        ("requests.get(u, timeout=(CONNECT, None))", "(CONNECT, 10)"),
        ("requests.get(u, timeout=(None, None))", "(10, 10)"),
        ("requests.get(u, timeout=(3.05, None))", "(3.05, 10)"),
    ],
)
def test_the_read_none_of_a_written_tuple_is_bounded_and_the_connect_kept(
    tmp_path: Path, call: str, value: str
) -> None:
    assert _replacement(tmp_path, call) == value


def test_a_configured_pair_fills_each_position(tmp_path: Path) -> None:
    call = "requests.get(u, timeout=(None, None))"
    assert _replacement(tmp_path, call, default_timeout=[3, 27]) == "(3, 27)"
    assert (
        _replacement(tmp_path, "requests.get(u, timeout=(5, None))", default_timeout=[3, 27])
        == "(5, 27)"
    )


def test_a_name_bound_to_a_tuple_is_replaced_whole(tmp_path: Path) -> None:
    assert _replacement(tmp_path, "T = (5, None)\nrequests.get(u, timeout=T)") == "10"


def test_a_list_is_replaced_by_the_configured_timeout(tmp_path: Path) -> None:
    # requests unpacks only a tuple; a list reaches urllib3 as one invalid value.
    assert _replacement(tmp_path, "requests.get(u, timeout=[5, None])") == "10"


def test_an_httpx_four_tuple_keeps_its_other_limits(tmp_path: Path) -> None:
    call = "httpx.get(u, timeout=(5, None, 5, 5))"
    assert _replacement(tmp_path, call, select="TL102") == "(5, 10, 5, 5)"
