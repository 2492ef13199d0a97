"""A `# noqa:` is read as ruff reads it: a malformed one is a warning and suppresses nothing.

Reading `# noqa: XYZ` as a bare `# noqa` would silence every rule on the line because of a
typo. The last test runs real ruff (a dev pin) on the same comments, spelled with ruff's S113,
which timeoutlint honours as TL101: both must report and warn on the same lines.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

CONFIG = {"pyproject.toml": "[tool.timeoutlint]\n"}
LINE = "requests.get('https://a')  {comment}\n"
MALFORMED = ("# noqa: XYZ", "# noqa:", "# noqa: tl101", "# noqa: TL101x", "# noqa: TL101:")
WELL_FORMED_SUPPRESSING = (
    "# noqa: TL101",
    "# noqa:TL101",
    "# NOQA: TL101",
    "# noqa: TL101 because the upload may take hours",
    "# noqa: E501 TL101",
    "# noqa: E501,TL101",
    "# noqa",
)
COMMENTS = (
    "# noqa: S11",
    "# noqa: XYZ",
    "# noqa:",
    "# noqa: s113",
    "# noqa: S113x",
    "# noqa: S113: reasons",
    "# noqa: S113 because reasons",
    "# noqa: E501, S113x",
    "# noqa: E501 S113",
    "# noqa: XYZ  # noqa: S113",
    "# noqa:: S113",
    "# noqa: S113-",
    "# NOQA: S113",
    "# noqa:S113",
    "# noqa S113",
    "# noqa: S113,,E501",
    "# noqa: ,S113",
    "# noqa: S113,",
    "# noqa: S113E501",
    "# noqa: E501Fabc",
    "# noqa: S113  # noqa: XYZ",
    "# noqa: E501  # noqa: S113",
    "# reason  # noqa: S113",
    "# noqa: E501 # noqa",
)


def _file(*comments: str) -> str:
    return "import requests\n\n" + "".join(LINE.format(comment=c) for c in comments)


@pytest.mark.parametrize("comment", MALFORMED)
def test_a_malformed_noqa_suppresses_nothing_and_warns(project, run_cli, comment: str) -> None:
    root = project({**CONFIG, "app.py": _file(comment)})
    result = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=root)
    assert result.returncode == 1
    assert "app.py:3:1: TL101" in result.stdout
    assert "Invalid `# noqa` directive on app.py:3: " in result.stderr
    assert "it suppresses nothing" in result.stderr


@pytest.mark.parametrize("comment", WELL_FORMED_SUPPRESSING)
def test_a_well_formed_noqa_naming_the_rule_suppresses_it(project, run_cli, comment: str) -> None:
    root = project({**CONFIG, "app.py": _file(comment)})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert result.returncode == 0, result.stdout
    assert result.stderr == ""


def test_an_unknown_but_well_formed_code_suppresses_nothing_without_a_warning(
    project, run_cli
) -> None:
    """`TL10` is spelled like a code, so it is not malformed; it just names no rule."""
    root = project({**CONFIG, "app.py": _file("# noqa: TL10")})
    result = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=root)
    assert result.returncode == 1
    assert "app.py:3:1: TL101" in result.stdout
    assert result.stderr == ""


def test_a_malformed_noqa_in_a_compose_file_suppresses_nothing(project, run_cli) -> None:
    compose = (
        "services:\n  redis:\n    image: redis:7\n"
        "    command: redis-server --requirepass ${REDIS_PASSWORD}\n"
        "  web:\n    environment:\n"
        "      REDIS_URL: redis://redis:6379/0  # noqa: TL40\n"
        "      CACHE_URL: redis://redis:6379/1  # noqa: tl401\n"
    )
    root = project({**CONFIG, "docker-compose.yml": compose})
    result = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=root)
    assert re.findall(r"docker-compose\.yml:(\d+):\d+: TL401", result.stdout) == ["7", "8"]
    assert "Invalid `# noqa` directive on docker-compose.yml:8: " in result.stderr
    assert "docker-compose.yml:7" not in result.stderr


def _lines(pattern: str, text: str) -> list[int]:
    return sorted(int(n) for n in re.findall(pattern, text, re.MULTILINE))


@pytest.mark.slow
def test_the_same_lines_are_reported_and_warned_about_as_by_ruff(
    project, run_cli, tmp_path: Path
) -> None:
    root = project({**CONFIG, "app.py": _file(*COMMENTS)})
    ruff_args = ("check", "--isolated", "--no-cache", "--select", "S113", "--output-format")
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", *ruff_args, "concise", "app.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = run_cli("check", "--no-cache", "--output-format", "concise", "app.py", cwd=root)

    ruff_reported = _lines(r"^app\.py:(\d+):\d+: S113", ruff.stdout)
    assert ruff_reported, ruff.stdout + ruff.stderr
    assert _lines(r"^app\.py:(\d+):\d+: TL101", ours.stdout) == ruff_reported
    for warned in (r"Invalid `# noqa` directive on", r"Missing or joined rule code\(s\) at"):
        where = warned + r" app\.py:(\d+):"
        assert _lines(where, ours.stderr) == _lines(where, ruff.stderr), warned
        assert _lines(where, ruff.stderr), warned


def test_an_empty_item_between_codes_is_a_warning_but_the_codes_count(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": _file("# noqa: E501,,TL101")})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert result.returncode == 0, result.stdout
    assert result.stderr == (
        "timeoutlint: warning: Missing or joined rule code(s) at app.py:3: "
        "expected rule code between commas\n"
    )


def test_only_the_first_noqa_of_a_comment_is_the_directive(project, run_cli) -> None:
    """As in ruff: a later `# noqa` is text, so `# noqa: TL101  # noqa: XYZ` suppresses TL101
    without a warning and `# noqa: E501  # noqa: TL101` does not suppress it."""
    code = _file("# noqa: TL101  # noqa: XYZ", "# noqa: E501  # noqa: TL101")
    root = project({**CONFIG, "app.py": code})
    result = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=root)
    assert re.findall(r"^app\.py:(\d+):", result.stdout, re.M) == ["4"]
    assert result.stderr == ""


@pytest.mark.parametrize("comment", MALFORMED)
def test_add_noqa_puts_a_directive_before_a_malformed_one(project, run_cli, comment) -> None:
    """Appended after it, the new directive would be text and suppress nothing."""
    root = project({**CONFIG, "app.py": _file(comment)})
    added = run_cli("check", "--no-cache", "--add-noqa", ".", cwd=root)
    assert added.returncode == 0, added.stdout + added.stderr
    text = (root / "app.py").read_text(encoding="utf-8")
    assert text.splitlines()[2] == f"requests.get('https://a')  # noqa: TL101  {comment}"
    again = run_cli("check", "--no-cache", ".", cwd=root)
    assert again.returncode == 0, again.stdout
    assert again.stderr == ""


_PIECES = (
    "x = 1",
    "'",
    '"',
    "#",
    " # noqa: ",
    "noqa:",
    "XYZ",
    "TL101",
    "E501",
    ",",
    ":",
    " ",
    "\r",
    "\n",
    '"""',
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_the_untokenized_shortcut_never_hides_a_malformed_noqa(text: str) -> None:
    from timeoutlint.suppression import invalid_noqa_lines, tokenized_noqa_problems

    assert invalid_noqa_lines(text, "python") == tokenized_noqa_problems(text)
