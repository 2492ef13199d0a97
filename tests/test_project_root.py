"""The project root is found from the path being checked, never from the caller's directory:
it decides where links may lead when files are written, and where the cache lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write_tree
from timeoutlint.config import load_config, project_root


def test_the_nearest_timeoutlint_configuration_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/": "",
            "pyproject.toml": "[tool.timeoutlint]\n",
            "service/pyproject.toml": "[project]\nname = 'service'\n",
            "service/app/main.py": "",
        },
    )

    assert project_root(tmp_path / "service" / "app" / "main.py") == tmp_path.resolve()


@pytest.mark.parametrize("name", ["timeoutlint.toml", ".timeoutlint.toml"])
def test_a_timeoutlint_toml_marks_the_project(tmp_path: Path, name: str) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\n", f"svc/{name}": "", "svc/app.py": ""})

    assert project_root(tmp_path / "svc") == (tmp_path / "svc").resolve()


def test_a_pyproject_without_timeoutlint_settings_is_not_a_root(tmp_path: Path) -> None:
    """As ruff and git find theirs: `check svc/` must see the compose files of the repository."""
    write_tree(tmp_path, {".git/": "", "svc/pyproject.toml": "[project]\n", "svc/pkg/app.py": ""})

    assert project_root(tmp_path / "svc" / "pkg") == tmp_path.resolve()


def test_without_any_pyproject_the_repository_is_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/": "", "svc/pkg/app.py": ""})

    assert project_root(tmp_path / "svc" / "pkg" / "app.py") == tmp_path.resolve()


def test_without_any_marker_the_path_argument_is_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"repo/helper.py": ""})

    assert project_root(tmp_path / "repo") == (tmp_path / "repo").resolve()
    assert project_root(tmp_path / "repo" / "helper.py") == (tmp_path / "repo").resolve()


def test_the_callers_directory_is_never_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"repo/helper.py": "", "caller/": ""})
    monkeypatch.chdir(tmp_path / "caller")

    assert load_config(None, tmp_path / "repo").root == (tmp_path / "repo").resolve()


def test_the_root_search_does_not_follow_a_link_given_as_the_path(tmp_path: Path) -> None:
    write_tree(tmp_path, {"repo/pyproject.toml": "[project]\n", "elsewhere/pyproject.toml": ""})
    (tmp_path / "elsewhere" / "shared.py").write_text("", encoding="utf-8")
    (tmp_path / "repo" / "helper.py").symlink_to(tmp_path / "elsewhere" / "shared.py")

    assert project_root(tmp_path / "repo" / "helper.py") == (tmp_path / "repo").resolve()


def test_a_timeoutlint_toml_is_read_as_the_configuration(tmp_path: Path) -> None:
    write_tree(tmp_path, {"timeoutlint.toml": "select = ['TL101']\n", "app.py": ""})

    config = load_config(None, tmp_path / "app.py")

    assert config.select == ("TL101",)
    assert config.root == tmp_path.resolve()
