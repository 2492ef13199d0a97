"""Which compose files `docker compose` loads together: default files, overrides, COMPOSE_FILE,
`-f` fragments, standalone variants and `include:`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from timeoutlint.compose.dotenv import parse_dotenv
from timeoutlint.compose.model import ComposeFile, parse_compose
from timeoutlint.compose.projects import ComposeProject, find_projects

FULL = "services:\n  redis:\n    image: redis\n"
FRAGMENT = "services:\n  redis:\n    command: redis-server --requirepass ${PW}\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _load(path: Path) -> ComposeFile | None:
    return parse_compose(path.read_text(encoding="utf-8"))


def _dotenv(path: Path) -> dict[str, str | None]:
    return parse_dotenv(path.read_text(encoding="utf-8")).values()


def _projects(root: Path, files: dict[str, str]) -> list[ComposeProject]:
    _write(root, files)
    compose = [root / name for name in files if not name.endswith(".env") and "/" not in name]
    compose += [root / name for name in files if "/" in name and "compose" in name]
    return find_projects(compose, _load, _dotenv)


def _names(root: Path, projects: list[ComposeProject]) -> list[tuple[str, ...]]:
    return [tuple(f.path.relative_to(root).as_posix() for f in p.files) for p in projects]


def test_the_default_file_is_merged_with_its_override(tmp_path: Path) -> None:
    projects = _projects(
        tmp_path, {"docker-compose.yml": FULL, "docker-compose.override.yml": FRAGMENT}
    )
    assert _names(tmp_path, projects) == [("docker-compose.yml", "docker-compose.override.yml")]
    assert projects[0].how == "default file and its override"


def test_compose_yaml_is_preferred_and_another_file_with_whole_services_stands_alone(
    tmp_path: Path,
) -> None:
    projects = _projects(tmp_path, {"compose.yaml": FULL, "docker-compose.yml": FULL})
    assert _names(tmp_path, projects) == [("compose.yaml",), ("docker-compose.yml",)]
    assert [p.how for p in projects] == ["default file", "on its own"]


def test_a_variant_that_completes_the_default_services_is_loaded_with_them(
    tmp_path: Path,
) -> None:
    projects = _projects(
        tmp_path,
        {
            "docker-compose.yml": FULL,
            "docker-compose.override.yml": "services:\n  redis:\n    ports: ['6379:6379']\n",
            "docker-compose.prod.yml": FRAGMENT,
        },
    )
    assert _names(tmp_path, projects) == [
        ("docker-compose.yml", "docker-compose.override.yml"),
        ("docker-compose.yml", "docker-compose.override.yml", "docker-compose.prod.yml"),
    ]


def test_compose_file_in_the_dotenv_replaces_the_default_files(tmp_path: Path) -> None:
    projects = _projects(
        tmp_path,
        {
            "compose.yaml": FULL,
            "compose.redis.yaml": FRAGMENT,
            ".env": "COMPOSE_FILE=compose.yaml:compose.redis.yaml\n",
        },
    )
    assert _names(tmp_path, projects)[0] == ("compose.yaml", "compose.redis.yaml")
    assert projects[0].how == "COMPOSE_FILE in .env"


def test_included_files_join_the_project_with_their_own_directory_and_dotenv(
    tmp_path: Path,
) -> None:
    projects = _projects(
        tmp_path,
        {
            "app/compose.yaml": "include:\n  - ../shared/redis.yaml\nservices:\n  web:\n    image: app\n",
            "shared/redis.yaml": FULL,
            "shared/.env": "PW=x\n",
        },
    )
    [project] = projects
    assert _names(tmp_path, projects) == [("app/compose.yaml", "shared/redis.yaml")]
    included = project.files[1]
    assert included.directory == tmp_path / "shared"
    assert included.dotenv == (tmp_path / "shared" / ".env",)


def test_stacks_in_different_directories_are_different_projects(tmp_path: Path) -> None:
    projects = _projects(tmp_path, {"dev/compose.yaml": FULL, "ci/docker-compose.yml": FULL})
    assert _names(tmp_path, projects) == [("ci/docker-compose.yml",), ("dev/compose.yaml",)]


def test_published_ports_in_short_and_long_syntax() -> None:
    [service] = parse_compose(
        textwrap.dedent("""
        services:
          redis:
            image: redis
            ports: ["6380:6379", "127.0.0.1:6381:6379/tcp", 6379, {target: 6379, published: 7000}]
        """)
    ).services
    assert [(port.published, port.target) for port in service.ports] == [
        (6380, 6379),
        (6381, 6379),
        (None, 6379),
        (7000, 6379),
    ]
