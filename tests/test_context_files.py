"""The project context's files: the given files, then every other file of the root, once."""

from __future__ import annotations

import os
from pathlib import Path

from timeoutlint.config import load_config
from timeoutlint.discovery import Discovery
from timeoutlint.project.context_files import context_files


def test_a_given_file_is_not_listed_again_by_the_walk(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    for name in ("a.py", "b.py"):
        (tmp_path / "app" / name).write_text("x = 1\n", encoding="utf-8")
    config = load_config(None, tmp_path)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        given = Discovery(config).files((Path("app/a.py"),))
        found = context_files(given, (Path("app/a.py"),), config)
    finally:
        os.chdir(old)

    assert [source.relative for source in found] == ["app/a.py", "app/b.py"]
