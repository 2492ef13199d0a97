"""The `full` output shown in the README and docs/output-formats.md is what the tool prints.

The README's example was captured with `tmux capture-pane` from a 120-column terminal; this
rebuilds its project (the frames show every line the example needs) and compares the text
without colour, so a change to the format shows up here as a stale README.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAYMENTS = """import redis
import requests

r = redis.Redis(host="redis", socket_timeout=5)


def charge(order):
    return requests.post("https://pay.example/charge", json=order)


def listen():
    p = r.pubsub()
    p.subscribe("orders")
    for message in p.listen():
        print(message)
"""


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```console\n\$ timeoutlint check \.\n(.*?)```", readme, re.S)
    assert found is not None
    return found.group(1)


def test_the_readmes_full_example_is_what_check_prints(run_cli, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("redis==7.4.1\n", encoding="utf-8")
    (tmp_path / "payments.py").write_text(PAYMENTS, encoding="utf-8")
    result = run_cli("check", "--no-cache", "--output-format", "full", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == _readme_example()


def test_the_output_formats_page_shows_the_same_example() -> None:
    page = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    found = re.search(r"\n\n(    payments\.py:8:12.*?\n)\nSource lines", page, re.S)
    assert found is not None
    shown = "".join(line[4:] + "\n" for line in found.group(1).splitlines())
    assert shown == _readme_example()
