"""A related location's path is written as the primary location's is: relative to the working
directory, and absolute outside it (as ruff writes paths), never relative to the project root."""

from __future__ import annotations

import json
from pathlib import Path

CLIENT = 'import redis\n\nr = redis.Redis(host="redis", socket_timeout=5)\n'
LISTENER = "from {package}.clients import r\n\np = r.pubsub()\np.subscribe('x')\nfor m in p.listen():\n    print(m)\n"  # fmt: skip


def _project(tmp_path: Path, client_package: str) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "requirements.txt").write_text("redis==7.4.1\n", encoding="utf-8")
    for package in {"app", client_package}:
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").write_text("", encoding="utf-8")
    (root / client_package / "clients.py").write_text(CLIENT, encoding="utf-8")
    listener = LISTENER.format(package=client_package)
    (root / "app" / "worker.py").write_text(listener, encoding="utf-8")
    return root


def _json(run_cli, cwd: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_from_a_subdirectory_the_related_location_is_relative_to_it(run_cli, tmp_path) -> None:
    root = _project(tmp_path, "app")
    (finding,) = _json(run_cli, root / "app", "--no-cache")
    assert finding["filename"] == "worker.py"
    assert [r["filename"] for r in finding["related"]] == ["clients.py"]
    full = run_cli("check", "--no-cache", "--output-format", "full", cwd=root / "app").stdout
    assert "  ::: clients.py:3:5: the client's connection settings" in full
    assert "worker.py:5:10: TL201" in full and "app/" not in full


def test_a_cached_run_from_the_root_does_not_fix_the_related_paths(run_cli, tmp_path) -> None:
    root = _project(tmp_path, "app")
    (at_root,) = _json(run_cli, root, ".")
    assert [r["filename"] for r in at_root["related"]] == ["app/clients.py"]
    (inside,) = _json(run_cli, root / "app")
    assert [r["filename"] for r in inside["related"]] == ["clients.py"]


def test_a_related_file_outside_the_working_directory_is_shown_absolute(run_cli, tmp_path) -> None:
    root = _project(tmp_path, "lib")
    (finding,) = _json(run_cli, root / "app", "--no-cache")
    assert finding["filename"] == "worker.py"
    clients = (root / "lib" / "clients.py").resolve().as_posix()
    assert [r["filename"] for r in finding["related"]] == [clients]
    assert f"({clients}:3)" in str(finding["message"])


COMPOSE = (
    "services:\n  redis:\n    image: redis:7\n"
    "    command: redis-server --requirepass ${REDIS_PASSWORD}\n"
)
SETTINGS = 'import os\nREDIS_URL = os.environ.get("REDIS_URL", "redis://redis:6379/0")\n'


def _compose_project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "deploy").mkdir()
    (root / "backend").mkdir()
    (root / "deploy" / "docker-compose.yml").write_text(COMPOSE, encoding="utf-8")
    (root / "backend" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    return root


def test_tl401_names_the_compose_line_relative_to_the_working_directory(run_cli, tmp_path) -> None:
    root = _compose_project(tmp_path)
    (finding,) = _json(run_cli, root, "--no-cache", "backend/")
    assert finding["filename"] == "backend/settings.py"
    assert "(deploy/docker-compose.yml:4)" in str(finding["message"])
    (related,) = finding["related"]  # type: ignore[misc]
    assert related["filename"] == "deploy/docker-compose.yml"
    assert related["location"] == {"row": 4, "column": 5}


def test_tl401_from_inside_a_subdirectory_names_the_compose_file_absolute(
    run_cli, tmp_path
) -> None:
    """The compose file is outside the working directory, so it is shown absolute, as ruff
    shows a file outside it; not `deploy/docker-compose.yml`, which is not a path from here."""
    root = _compose_project(tmp_path)
    (finding,) = _json(run_cli, root / "backend", "--no-cache")
    compose = (root / "deploy" / "docker-compose.yml").resolve().as_posix()
    assert finding["filename"] == "settings.py"
    assert f"({compose}:4)" in str(finding["message"])
    assert [r["filename"] for r in finding["related"]] == [compose]  # type: ignore[index]


def test_the_full_format_frames_the_compose_line_that_requires_the_password(
    run_cli, tmp_path
) -> None:
    root = _compose_project(tmp_path)
    full = run_cli("check", "--no-cache", "--output-format", "full", ".", cwd=root).stdout
    assert "  ::: deploy/docker-compose.yml:4:5: the password the server requires\n" in full
    assert "4 |     command: redis-server --requirepass ${REDIS_PASSWORD}\n" in full


def test_tl401_under_a_nested_configuration_still_frames_the_compose_line(
    run_cli, tmp_path
) -> None:
    """A service's own configuration has its own root; the compose file's path is the
    project's, so the related location is found from the project root, not the service's."""
    root = _compose_project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.timeoutlint]\n", encoding="utf-8")
    (root / "backend" / "timeoutlint.toml").write_text(
        'extend = "../pyproject.toml"\ndefault-timeout = 3\n', encoding="utf-8"
    )
    (finding,) = _json(run_cli, root, "--no-cache", ".")
    assert finding["filename"] == "backend/settings.py"
    assert "(deploy/docker-compose.yml:4)" in str(finding["message"])
    assert [r["filename"] for r in finding["related"]] == ["deploy/docker-compose.yml"]  # type: ignore[index]
