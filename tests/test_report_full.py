"""`--output-format full`: code frames with the span underlined, related locations, the fix as
a labelled diff; the default on a terminal, while pipes and CI get the one-line `concise`."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import read_until_closed

APP = "import requests\n\nrequests.get(u)\nrequests.get(u, timeout=None)\n"
PUBSUB = (
    "import redis\n"
    'r = redis.Redis(host="h", socket_timeout=5)\n'
    "p = r.pubsub()\n"
    'p.subscribe("x")\n'
    "for m in p.listen():\n"
    "    print(m)\n"
)


@pytest.fixture
def app(project) -> Path:
    return project({"app.py": APP})


def _full(run_cli, root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli("check", ".", "--output-format", "full", *args, cwd=root, env=env)
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_the_finding_line_is_shown_with_its_span_underlined(app, run_cli) -> None:
    lines = _full(run_cli, app).splitlines()
    at = lines.index("3 | requests.get(u)")
    assert lines[at + 1] == "  | ^^^^^^^^^^^^ TL101"
    assert lines[at - 1] == "2 |"  # one line of context


def test_the_safe_fix_is_a_small_diff_labelled_safe(app, run_cli) -> None:
    out = _full(run_cli, app)
    assert "  = fix (safe): Add `timeout=10`\n" in out
    assert "3 - requests.get(u)\n3 + requests.get(u, timeout=10)\n" in out


def test_the_unsafe_fix_is_labelled_unsafe(app, run_cli) -> None:
    out = _full(run_cli, app)
    assert "  = fix (unsafe, with `--unsafe-fixes`): " in out
    assert "4 + requests.get(u, timeout=10)\n" in out


def test_the_related_location_gets_a_frame_of_its_own(project, run_cli) -> None:
    root = project({"sub.py": PUBSUB})
    lines = _full(run_cli, root).splitlines()
    at = lines.index("  ::: sub.py:2:5: the client's connection settings")
    assert lines[at + 3] == '2 | r = redis.Redis(host="h", socket_timeout=5)'
    assert lines[at + 4] == "  |     " + "^" * len('redis.Redis(host="h", socket_timeout=5)')


def test_findings_are_separated_by_a_blank_line_and_end_with_the_summary(app, run_cli) -> None:
    out = _full(run_cli, app)
    assert out.count("\n\napp.py:") == 1
    assert out.endswith(
        "\n\nFound 2 findings.\n[*] 1 fixable with `timeoutlint fix` "
        "(1 hidden fix can be enabled with `timeoutlint fix --unsafe-fixes`).\n"
    )


def test_a_literal_password_in_a_shown_line_is_masked(project, run_cli) -> None:
    root = project(
        {"app.py": 'import requests\nrequests.get(u, auth=("alice", "hunter2secret"))\n'}
    )
    out = _full(run_cli, root)
    assert "hunter2secret" not in out
    assert "****" in out


def test_the_underline_follows_a_masked_line(project, run_cli) -> None:
    root = project({"app.py": 'import requests\npassword = "hunter2secret"; requests.get(u)\n'})
    lines = _full(run_cli, root).splitlines()
    shown = next(line for line in lines if line.startswith("2 | password = "))
    carets = lines[lines.index(shown) + 1]
    assert shown.index("requests.get") == carets.index("^")
    assert "hunter2secret" not in shown


def test_control_characters_in_a_line_are_escaped(project, run_cli) -> None:
    root = project({"app.py": "import requests\nrequests.get(u)  # \x1b[2J\n"})
    assert "\x1b" not in _full(run_cli, root)


def test_severities_are_coloured_only_with_color(app, run_cli) -> None:
    plain = _full(run_cli, app)
    coloured = _full(run_cli, app, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "\x1b[31m\x1b[1mTL101" in coloured  # errors in red


def test_concise_is_the_one_line_form(app, run_cli) -> None:
    result = run_cli("check", ".", "--output-format", "concise", cwd=app)
    assert result.stdout.splitlines()[0] == (
        "app.py:3:1: TL101 [*] `requests.get()` has no timeout and can wait forever"
    )
    assert " | " not in result.stdout


def test_a_pipe_gets_concise_by_default(app, run_cli) -> None:
    result = run_cli("check", ".", cwd=app)
    assert result.stdout == run_cli("check", ".", "--output-format", "concise", cwd=app).stdout


def _on_a_terminal(root: Path, *args: str) -> str:
    """stdout of `timeoutlint check` when it is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "TIMEOUTLINT_OUTPUT_FORMAT"}
    env["NO_COLOR"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "timeoutlint", "check", ".", *args],
        cwd=root,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    output = read_until_closed(leader)
    process.wait(timeout=60)
    return output.decode().replace("\r\n", "\n")


def test_a_terminal_gets_full_by_default(app) -> None:
    assert "3 | requests.get(u)\n" in _on_a_terminal(app)


def test_a_terminal_gets_concise_when_asked(app) -> None:
    assert " | " not in _on_a_terminal(app, "--output-format", "concise")


def test_a_report_file_gets_concise_by_default(app, run_cli) -> None:
    run_cli("check", ".", "-o", "report.txt", cwd=app)
    assert (app / "report.txt").read_text().startswith("app.py:3:1: TL101 [*] ")
