"""Other linters' comments for the same defect suppress the equivalent timeoutlint rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeoutlint.suppression import external_codes

CALL = "import requests\n\nrequests.get(url){comment}\n"
ASYNC_CALL = "import requests\n\nasync def f(url):\n    requests.get(url, timeout=5){comment}\n"


def _ids(run_cli, tmp_path: Path, source: str, *args: str) -> list[str]:
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    result = run_cli("check", "--output-format", "json", "--no-cache", *args, str(tmp_path))
    return sorted(f["code"] for f in json.loads(result.stdout))


@pytest.mark.parametrize(
    "comment",
    [
        "  # noqa: S113",
        "  # noqa:S113,E501",
        "  # nosec B113",
        "  # nosec: B113",
        "  # nosec request_without_timeout",
        "  # nosec",
        "  # pylint: disable=missing-timeout",
        "  # pylint: disable=W3101, line-too-long",
    ],
)
def test_a_peer_linters_timeout_suppression_silences_tl101(
    run_cli, tmp_path: Path, comment: str
) -> None:
    assert _ids(run_cli, tmp_path, CALL.format(comment=comment)) == []


@pytest.mark.parametrize(
    "comment", ["  # noqa: E501", "  # nosec B101", "  # pylint: disable=line-too-long"]
)
def test_a_peer_linters_comment_for_another_defect_silences_nothing(
    run_cli, tmp_path: Path, comment: str
) -> None:
    assert _ids(run_cli, tmp_path, CALL.format(comment=comment)) == ["TL101"]


@pytest.mark.parametrize("code", ["ASYNC210", "ASYNC211", "ASYNC212"])
def test_a_flake8_async_http_suppression_silences_tl103(run_cli, tmp_path: Path, code: str) -> None:
    source = ASYNC_CALL.format(comment=f"  # noqa: {code}")
    assert _ids(run_cli, tmp_path, source) == []
    assert _ids(run_cli, tmp_path, ASYNC_CALL.format(comment="")) == ["TL103"]


def test_a_flake8_async_suppression_does_not_silence_the_missing_timeout(
    run_cli, tmp_path: Path
) -> None:
    source = "import requests\n\nasync def f(url):\n    requests.get(url)  # noqa: ASYNC210\n"
    assert _ids(run_cli, tmp_path, source) == ["TL101"]


def test_external_suppressions_false_reports_them_again(run_cli, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.timeoutlint]\nexternal-suppressions = false\n", encoding="utf-8"
    )
    assert _ids(run_cli, tmp_path, CALL.format(comment="  # noqa: S113")) == ["TL101"]


def test_bare_nosec_suppresses_only_tl101() -> None:
    assert external_codes("# nosec") == frozenset({"TL101"})
    assert external_codes("# nosec B101, B602") == frozenset()
