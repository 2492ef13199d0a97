"""The engine and file list of a benchmark corpus, built as `timeoutlint check` builds them.

Used by the scripts that look inside a run (`triggers.py`, `profile_engine.py`): the corpus's
`timeoutlint.toml`, discovery, and the project context (no cache), so guards and checks see the
real Python index.
"""

from __future__ import annotations

from pathlib import Path

from timeoutlint.cli import all_rules
from timeoutlint.config import load_config, selected_rules
from timeoutlint.discovery import Discovery, SourceFile
from timeoutlint.engine import Engine
from timeoutlint.project import build_project_context


def corpus_engine(corpus: Path) -> tuple[Engine, list[SourceFile]]:
    config = load_config(corpus / "timeoutlint.toml", corpus / "tree")
    rules = all_rules(config)
    enabled = selected_rules(config, rules)
    files = Discovery(config).files((corpus / "tree",))
    project = build_project_context(files, config, None, False)
    return Engine(config, rules, enabled, project), files
