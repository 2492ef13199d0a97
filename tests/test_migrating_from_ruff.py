"""docs/migrating-from-ruff.md names only options that exist, in both tools.

Every `--flag` the page gives timeoutlint must be an option of one of its commands (read from
the real click commands), every configuration key must be one `timeoutlint.toml` accepts, every
output format one `--output-format` takes; what the page says timeoutlint lacks (`—`) must really
be missing. The ruff column is checked against the ruff of the dev pins: its flags against
`ruff check --help`, its keys with `ruff config KEY`, its formats against the possible values.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import click
import pytest
import yaml

from timeoutlint.cli import main
from timeoutlint.config import ConfigError, read_config_file

REPO = Path(__file__).resolve().parent.parent
PAGE = (REPO / "docs" / "migrating-from-ruff.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
ABSENT = "—"


def _tables() -> list[list[list[str]]]:
    """Each Markdown table of the page whose header starts with `ruff`: its body rows' cells."""
    tables: list[list[list[str]]] = []
    for block in re.findall(r"(?:^\|.*\|\n)+", FENCE.sub("", PAGE), re.MULTILINE):
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()]
        if rows[0][0].startswith("ruff"):
            tables.append(rows[2:])
    return tables


def _table(header: str) -> list[list[str]]:
    """The table whose first header cell starts with `header`."""
    for block in re.findall(r"(?:^\|.*\|\n)+", FENCE.sub("", PAGE), re.MULTILINE):
        lines = block.splitlines()
        if lines[0].strip("| ").startswith(header):
            return [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    raise AssertionError(f"no table headed {header!r}")


def _code(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _timeoutlint_options() -> set[str]:
    options: set[str] = set()
    for command in main.commands.values():
        for param in command.params:
            if isinstance(param, click.Option):
                options.update(param.opts + param.secondary_opts)
    return options


@cache
def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=60
    )


def _accepts_key(tmp_path: Path, key: str) -> bool:
    """Whether timeoutlint's configuration parser knows `key` (a wrong value is still known)."""
    path = tmp_path / "timeoutlint.toml"
    path.write_text(f"{key} = 12345\n", encoding="utf-8")
    try:
        read_config_file(path)
    except ConfigError as error:
        return "unknown key" not in str(error)
    return True


def test_the_page_has_the_tables_this_test_reads() -> None:
    assert len(_tables()) == 3
    assert len(_table("ruff |")) >= 20


def test_every_timeoutlint_flag_on_the_page_is_a_real_option() -> None:
    """Everywhere but the ruff column of the tables and `ruff ...` commands, including notes
    and prose."""
    text = re.sub(r"`ruff [^`]*`", "", FENCE.sub("", PAGE))
    for table in _tables():
        for row in table:
            text = text.replace(f"| {row[0]} |", "|", 1)
    mentioned = set(FLAG.findall(text))
    assert {"--select", "--fix", "--unsafe-fixes", "--stdin-filename"} <= mentioned
    assert mentioned - _timeoutlint_options() == set()


def test_what_the_page_says_timeoutlint_lacks_is_missing() -> None:
    lacking = [row[0] for row in _table("ruff |") if row[1] == ABSENT]
    assert lacking
    for cell in lacking:
        for flag in _code(cell):
            assert flag not in _timeoutlint_options(), flag


def test_every_ruff_flag_on_the_page_is_one_of_ruff_check() -> None:
    help_text = _ruff("check", "--help").stdout
    assert "--select" in help_text
    for row in _table("ruff |"):
        for flag in _code(row[0]):
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text), flag


def test_every_timeoutlint_key_on_the_page_is_accepted(tmp_path: Path) -> None:
    rows = _table("ruff (`[tool.ruff]`")
    assert rows
    for row in rows:
        for key in _code(row[1]):
            assert _accepts_key(tmp_path, key), key


def test_keys_the_page_says_timeoutlint_lacks_are_unknown_to_it(tmp_path: Path) -> None:
    lacking = [row[0] for row in _table("ruff (`[tool.ruff]`") if row[1] == ABSENT]
    assert lacking
    for cell in lacking:
        for key in _code(cell):
            assert not _accepts_key(tmp_path, key.removeprefix("lint.")), key


@pytest.mark.parametrize("row", _table("ruff (`[tool.ruff]`"), ids=lambda row: row[0])
def test_every_ruff_key_on_the_page_is_one_ruff_knows(row: list[str]) -> None:
    for key in _code(row[0]):
        result = _ruff("config", key)
        assert result.returncode == 0, (key, result.stderr)


def test_every_output_format_on_the_page_exists_in_its_tool() -> None:
    check = main.commands["check"]
    choice = next(p for p in check.params if p.name == "output_format").type
    assert isinstance(choice, click.Choice)
    possible = re.search(r"--output-format.*?\[possible values: (.*?)\]", _ruff("check", "--help").stdout, re.S)  # fmt: skip
    assert possible is not None
    ruff_formats = set(re.split(r",\s*", possible.group(1).strip()))
    for row in _table("ruff `--output-format`"):
        assert set(_code(row[0])) <= ruff_formats, row[0]
        if row[1] == ABSENT:
            assert not set(_code(row[0])) & set(choice.choices), row[0]
        else:
            assert set(_code(row[1])) <= set(choice.choices), row[1]


def test_every_environment_variable_on_the_page_is_read_by_its_tool() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in (REPO / "timeoutlint").rglob("*.py"))
    help_text = _ruff("check", "--help").stdout
    names = set(re.findall(r"`((?:TIMEOUTLINT|RUFF)_[A-Z_]+)", PAGE))
    assert names
    for name in names:
        assert name in (source if name.startswith("TIMEOUTLINT_") else help_text), name


def test_the_pages_pre_commit_snippet_uses_the_readmes_rev_and_real_hooks() -> None:
    (block,) = re.findall(r"^```yaml\n(.*?)^```", PAGE, re.M | re.S)
    (entry,) = yaml.safe_load(block)["repos"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"rev: {entry['rev']}\n" in readme
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in entry["hooks"]} <= {hook["id"] for hook in manifest}
