"""The README's "Two commands" section says what CI really does: `.ci/run` runs the README's
test command and installs the `redis-server` the premise tests need, as the README says."""

from __future__ import annotations

import re
from pathlib import Path

from tests.premises.conftest import MISSING

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _sh_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"^```sh\n(.*?)^```", README, re.M | re.S)]


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = next(b for b in _sh_blocks() if "pytest" in b)
    assert test_command in CI_RUN


def test_ci_installs_redis_server_when_it_is_missing_as_the_readme_says() -> None:
    install = re.search(r"apt-get install (?:-\S+ )*(redis-server[^>)\n]*?)\s*>", CI_RUN)
    assert install is not None
    assert f"`apt-get install {install.group(1).strip()}`" in README
    assert "command -v redis-server" in CI_RUN


def test_the_skip_reason_gives_the_readmes_install_command() -> None:
    """A skipped premise test tells the reader what the README tells them."""
    assert "apt-get install redis-server" in MISSING and ".ci/run" in MISSING
    assert "`sudo apt-get install redis-server`" in README
