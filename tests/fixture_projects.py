"""The projects under fixtures/: listing them, reading fixture.toml, copying a project to run on."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOT_PROJECT = ("fixture.toml", "expected")


def fixture_dirs() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.glob("*/fixture.toml"))


def fixture_settings(fixture: Path) -> dict[str, Any]:
    return tomllib.loads((fixture / "fixture.toml").read_text(encoding="utf-8"))


def fixture_args(fixture: Path) -> list[str]:
    """The extra CLI arguments the fixture is run with."""
    return [str(a) for a in fixture_settings(fixture).get("args", [])]


def copy_fixture_project(fixture: Path, destination: Path) -> Path:
    """The project files of `fixture` (without fixture.toml and expected/) copied under `destination`."""
    target = destination / fixture.name
    shutil.copytree(
        fixture,
        target,
        ignore=lambda d, names: [n for n in names if d == str(fixture) and n in NOT_PROJECT],
    )
    return target
