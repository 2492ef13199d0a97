"""Compose projects: which compose files `docker compose` loads together, and which `.env` it reads.

A password configured in one stack says nothing about another stack, so the
URL rules judge a URL against the project(s) that load its file. The
grouping follows the Compose specification and the `docker compose` CLI:

- in a directory, the default project is `COMPOSE_FILE` of the directory's
  `.env` when it is set (a list split by `COMPOSE_PATH_SEPARATOR`, `:` by
  default); otherwise the first of `compose.yaml`, `compose.yml`,
  `docker-compose.yml`, `docker-compose.yaml` with the first override file
  that exists (`compose.override.yml` ... `docker-compose.override.yaml`);
- any other compose file of the run is loaded with `-f`: together with the
  default files when it is a fragment of them (a service it names has no
  `image`, `build` or `extends` of its own, and the default files define
  it: `docker compose -f compose.yaml -f compose.prod.yaml`), else on its own;
- `include:` adds each listed file (recursively), with its own project
  directory (`project_directory`, else the included file's directory) and
  its own `.env` for interpolation (`env_file`, else that directory's `.env`);
- the project directory is the first file's directory; relative paths of
  every merged file (`env_file`, bind mounts) resolve against it.

Files are read from disk: an override file or an included file belongs to the
project even when the run does not list it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeoutlint.compose.model import ComposeFile

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
_MAX_INCLUDES = 64


@dataclass(frozen=True)
class ProjectFile:
    """A compose file of a project, the directory its relative paths resolve against and the
    `.env` files its `${VAR}` are interpolated from."""

    path: Path
    directory: Path
    dotenv: tuple[Path, ...]


@dataclass(frozen=True)
class ComposeProject:
    directory: Path
    files: tuple[ProjectFile, ...]
    """In merge order: the files given together, then the included files."""
    how: str
    """How `docker compose` comes to load these files together, for `--show-context`."""


Loader = Callable[[Path], "ComposeFile | None"]
DotenvValues = Callable[[Path], "dict[str, str | None]"]


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(path))


def _first_existing(directory: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _dotenv_of(directory: Path) -> tuple[Path, ...]:
    candidate = directory / ".env"
    return (candidate,) if candidate.is_file() else ()


def _default_files(directory: Path, dotenv: DotenvValues) -> tuple[list[Path], str]:
    env = _dotenv_of(directory)
    values = dotenv(env[0]) if env else {}
    setting = values.get("COMPOSE_FILE")
    if setting:
        separator = values.get("COMPOSE_PATH_SEPARATOR") or ":"
        listed = [_normal(directory / part) for part in setting.split(separator) if part]
        existing = [path for path in listed if path.is_file()]
        if existing:
            return existing, "COMPOSE_FILE in .env"
    base = _first_existing(directory, DEFAULT_FILES)
    if base is None:
        return [], ""
    override = _first_existing(directory, OVERRIDE_FILES)
    if override is None:
        return [base], "default file"
    return [base, override], "default file and its override"


def _is_fragment_of(compose: ComposeFile | None, defaults: list[ComposeFile | None]) -> bool:
    """A file whose services complete services of the default files (`-f base -f this`)."""
    if compose is None:
        return False
    names = {service.name for base in defaults if base is not None for service in base.services}
    return any(not s.defines_container and s.name in names for s in compose.services)


def _with_includes(files: list[ProjectFile], load: Loader) -> tuple[ProjectFile, ...]:
    result = list(files)
    seen = {f.path for f in files}
    index = 0
    while index < len(result) and len(result) < _MAX_INCLUDES:
        current = result[index]
        index += 1
        compose = load(current.path)
        if compose is None:
            continue
        for include in compose.includes:
            path = _normal(current.directory / include.path)
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            directory = (
                _normal(current.directory / include.project_directory)
                if include.project_directory
                else path.parent
            )
            dotenv = (
                tuple(_normal(current.directory / name) for name in include.env_files)
                if include.env_files
                else _dotenv_of(directory)
            )
            result.append(ProjectFile(path, directory, dotenv))
    return tuple(result)


def _project(paths: list[Path], how: str, load: Loader) -> ComposeProject:
    directory = paths[0].parent
    dotenv = _dotenv_of(directory)
    files = [ProjectFile(path, directory, dotenv) for path in paths]
    return ComposeProject(directory, _with_includes(files, load), how)


def find_projects(
    compose_files: list[Path], load: Loader, dotenv: DotenvValues
) -> list[ComposeProject]:
    """The projects that load the given compose files; each file is in at least one of them."""
    by_directory: dict[Path, list[Path]] = {}
    for path in compose_files:
        normal = _normal(path)
        by_directory.setdefault(normal.parent, []).append(normal)
    projects: list[ComposeProject] = []
    for directory in sorted(by_directory):
        defaults, how = _default_files(directory, dotenv)
        if defaults:
            projects.append(_project(defaults, how, load))
        parsed_defaults = [load(path) for path in defaults]
        for path in sorted(set(by_directory[directory])):
            if path in defaults:
                continue
            if defaults and _is_fragment_of(load(path), parsed_defaults):
                projects.append(_project([*defaults, path], f"with {defaults[0].name}", load))
            else:
                projects.append(_project([path], "on its own", load))
    return projects
