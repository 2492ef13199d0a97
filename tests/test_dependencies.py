"""Which redis-py / rq versions a project allows, read from its dependency files."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from timeoutlint.config import Config, ConfigError, parse_table
from timeoutlint.project.dependencies import Dependencies, VersionRange
from timeoutlint.project.dependency_files import poetry_constraint

Project = Callable[[dict[str, str]], Path]


def detect(root: Path, **config: str) -> Dependencies:
    return Dependencies.from_project(parse_table(config, root.resolve(), None))


def write(project: Project, files: dict[str, str]) -> Path:
    return project({name: textwrap.dedent(text) for name, text in files.items()})


# the VersionRange API ------------------------------------------------------------


def test_no_pin_means_every_release_is_possible() -> None:
    anything = VersionRange("redis")
    assert not anything.known
    assert anything.source is None
    assert anything.describe() == "any version (no pin found)"
    assert anything.allows_any("<6")
    assert anything.allows_any(">=6,<8.0.1")
    assert anything.allows_any(">=8.0.1")
    assert anything.allows("4.6.0")


def test_a_pin_allows_exactly_its_version() -> None:
    pinned = VersionRange("redis", ("==5.0.8",), "requirements.txt")
    assert pinned.known
    assert pinned.describe() == "redis==5.0.8 (requirements.txt)"
    assert pinned.allows("5.0.8")
    assert not pinned.allows("5.0.7")
    assert pinned.allows_any("<6")
    assert not pinned.allows_any(">=6")


def test_a_range_answers_for_the_releases_inside_it() -> None:
    five = VersionRange("redis", (">=5,<6",), "pyproject.toml")
    assert five.describe() == "redis>=5,<6 (pyproject.toml)"
    assert five.allows_any("<5.1")
    assert not five.allows_any(">=6,<8.0.1")
    assert five.allows_only("<6")


def test_a_version_newer_than_the_known_releases_is_still_a_candidate() -> None:
    future = VersionRange("redis", (">=9.2",), "requirements.txt")
    assert future.allows_any(">=9")
    assert not future.allows_any("<8")


def test_several_pins_are_alternatives() -> None:
    either = VersionRange("redis", ("==4.6.0", "==8.1.0"), "requirements.txt")
    assert either.allows_any("<5")
    assert either.allows_any(">=8.0.1")
    assert not either.allows_any(">=5,<8")


# requirements files ----------------------------------------------------------------


def test_requirements_pin_with_extras_hashes_comments_and_continuation(project: Project) -> None:
    root = write(
        project,
        {
            "requirements.txt": """\
                # the cache
                Django==5.2.19
                redis[hiredis]==5.0.8 \\
                    --hash=sha256:0123456789abcdef  # pinned for the cache
                django-redis==5.4.0
                rq-scheduler==0.13.1
            """
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis==5.0.8 (requirements.txt)"
    assert not found.rq.known


def test_included_and_constraint_files_are_followed(project: Project) -> None:
    root = write(
        project,
        {
            "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\nrq>=1.10\n",
            "requirements/base.txt": "redis>=4.2\n",
            "constraints.txt": "redis==4.6.0\n",
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis==4.6.0 (constraints.txt)"
    assert found.rq.describe() == "rq>=1.10 (requirements.txt)"


def test_pins_behind_different_markers_are_all_possible(project: Project) -> None:
    root = write(
        project,
        {
            "requirements.txt": """\
                redis==4.6.0; python_version < "3.8"
                redis==5.0.8; python_version >= "3.8"
            """
        },
    )
    assert detect(root).redis.alternatives == ("==4.6.0", "==5.0.8")


def test_ranges_from_several_files_are_intersected(project: Project) -> None:
    root = write(
        project,
        {
            "requirements.txt": "redis>=4\n",
            "requirements-prod.txt": "redis<6\n",
        },
    )
    found = detect(root).redis
    assert found.allows_any("<6")
    assert not found.allows_any(">=6")
    assert found.source == "requirements-prod.txt, requirements.txt"


def test_a_pin_beats_a_range_in_another_file(project: Project) -> None:
    root = write(
        project,
        {
            "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["redis>=4"]\n',
            "requirements.txt": "redis==7.4.1\n",
        },
    )
    assert detect(root).redis.describe() == "redis==7.4.1 (requirements.txt)"


def test_a_declaration_without_a_version_is_not_a_known_version(project: Project) -> None:
    root = write(project, {"requirements.txt": "redis\n"})
    found = detect(root).redis
    assert not found.known
    assert found.describe() == (
        "any version (redis is declared without a version in requirements.txt)"
    )


# pyproject.toml, setup.cfg, Pipfile ------------------------------------------------------


def test_pep_621_dependencies_and_optional_dependencies(project: Project) -> None:
    root = write(
        project,
        {
            "pyproject.toml": """\
                [project]
                name = "svc"
                dependencies = ["django>=5", "redis>=5,<6"]

                [project.optional-dependencies]
                worker = ["rq~=1.16"]
            """
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis>=5,<6 (pyproject.toml)"
    assert found.rq.allows("1.16.2")
    assert not found.rq.allows("2.0.0")


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("^5.0.8", (">=5.0.8,<6",)),
        ("^0.2.3", (">=0.2.3,<0.3",)),
        ("^0.0.3", (">=0.0.3,<0.0.4",)),
        ("~5.0.1", (">=5.0.1,<5.1",)),
        ("~5", (">=5,<6",)),
        ("5.0.8", ("==5.0.8",)),
        ("*", ("",)),
        (">= 5, < 6", ("<6,>=5",)),
        ("^4.6 || ^5.0", (">=4.6,<5", ">=5.0,<6")),
        ("^not-a-version", None),
    ],
)
def test_poetry_constraints_become_pep_440(
    constraint: str, expected: tuple[str, ...] | None
) -> None:
    result = poetry_constraint(constraint)
    if expected is None:
        assert result is None
    else:
        from packaging.specifiers import SpecifierSet

        assert result is not None
        assert [SpecifierSet(r) for r in result] == [SpecifierSet(e) for e in expected]


def test_poetry_dependencies_and_groups(project: Project) -> None:
    root = write(
        project,
        {
            "pyproject.toml": """\
                [tool.poetry.dependencies]
                python = "^3.11"
                redis = {version = "^5.0", extras = ["hiredis"]}

                [tool.poetry.group.worker.dependencies]
                rq = "~1.16"
            """
        },
    )
    found = detect(root)
    assert found.redis.allows_only("<6") and found.redis.allows("5.3.1")
    assert found.rq.allows("1.16.2") and not found.rq.allows("1.17")


def test_setup_cfg_install_requires(project: Project) -> None:
    root = write(
        project,
        {
            "setup.cfg": """\
                [metadata]
                name = svc

                [options]
                install_requires =
                    redis==4.6.0  # old client
                    rq>=1.15,<2; python_version >= "3.8"
            """
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis==4.6.0 (setup.cfg)"
    assert found.rq.allows_only("<2")


def test_setup_py_install_requires_is_read_as_a_literal(project: Project) -> None:
    root = write(
        project,
        {
            "setup.py": """\
                from setuptools import setup

                setup(
                    name="svc",
                    install_requires=["Django>=5", "redis>=4.2,<6"],
                    extras_require={"worker": ["rq==1.16.2"]},
                )
            """
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis>=4.2,<6 (setup.py)"
    assert found.rq.describe() == "rq==1.16.2 (setup.py)"


def test_setup_py_list_bound_to_a_module_level_name(project: Project) -> None:
    root = write(
        project,
        {
            "setup.py": """\
                import setuptools

                REQUIRES = ("redis==5.0.8",)
                setuptools.setup(name="svc", install_requires=REQUIRES)
            """
        },
    )
    assert detect(root).redis.describe() == "redis==5.0.8 (setup.py)"


def test_setup_py_is_parsed_never_run(project: Project, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = write(
        project,
        {
            "setup.py": f"""\
                import pathlib
                from setuptools import setup

                pathlib.Path({str(marker)!r}).write_text("ran")
                setup(install_requires=open("pins.lst").read().splitlines())
            """,
            "pins.lst": "redis==5.0.8\n",
        },
    )
    assert detect(root).redis.describe() == "any version (no pin found)"
    assert not marker.exists()


def test_a_setup_py_that_does_not_parse_is_skipped(project: Project) -> None:
    root = write(project, {"setup.py": "setup(install_requires=['redis==5.0.8'\n"})
    assert detect(root).redis.describe() == "any version (no pin found)"


def test_pipfile_range_and_pipfile_lock_pin(project: Project) -> None:
    lock = {"default": {"redis": {"version": "==5.0.8"}}, "develop": {}}
    root = write(
        project,
        {
            "Pipfile": '[packages]\nredis = ">=5"\nrq = {version = "==1.16.2"}\n',
            "Pipfile.lock": json.dumps(lock),
        },
    )
    found = detect(root)
    assert found.redis.describe() == "redis==5.0.8 (Pipfile.lock)"
    assert found.rq.describe() == "rq==1.16.2 (Pipfile)"


@pytest.mark.parametrize("lock_name", ["poetry.lock", "uv.lock", "pdm.lock"])
def test_a_lock_file_pin_beats_the_declared_range(project: Project, lock_name: str) -> None:
    root = write(
        project,
        {
            "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["redis>=4", "rq"]\n',
            lock_name: """\
                [[package]]
                name = "redis"
                version = "5.0.8"

                [[package]]
                name = "rq"
                version = "1.16.2"
            """,
        },
    )
    found = detect(root)
    assert found.redis.describe() == f"redis==5.0.8 ({lock_name})"
    assert found.rq.describe() == f"rq==1.16.2 ({lock_name})"


def test_a_broken_lock_file_is_skipped(project: Project) -> None:
    root = write(project, {"poetry.lock": "[[package]\nname=", "requirements.txt": "redis<6\n"})
    assert detect(root).redis.describe() == "redis<6 (requirements.txt)"


def test_a_service_in_a_subdirectory_is_read_when_the_root_declares_nothing(
    project: Project,
) -> None:
    root = write(project, {"backend/requirements.txt": "redis==5.0.8\nrq==1.16.2\n"})
    assert detect(root).redis.describe() == "redis==5.0.8 (backend/requirements.txt)"


def test_the_root_wins_over_subdirectories(project: Project) -> None:
    root = write(
        project,
        {"requirements.txt": "redis==8.1.0\n", "legacy/requirements.txt": "redis==4.6.0\n"},
    )
    assert detect(root).redis.alternatives == ("==8.1.0",)


# configuration -----------------------------------------------------------------------


def test_the_config_override_beats_every_file(project: Project) -> None:
    root = write(project, {"poetry.lock": '[[package]]\nname = "redis"\nversion = "8.1.0"\n'})
    found = detect(root, **{"redis-version": ">=5,<6", "rq-version": "1.16.2"})
    assert found.redis.describe() == "redis>=5,<6 ([tool.timeoutlint] redis-version)"
    assert found.rq.alternatives == ("==1.16.2",)


@pytest.mark.parametrize("value", ["five", "", "=>5"])
def test_an_invalid_version_option_is_a_config_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="redis-version"):
        parse_table({"redis-version": value}, tmp_path, None)


def test_a_version_option_must_be_a_string(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rq-version"):
        parse_table({"rq-version": 5}, tmp_path, None)


def test_the_fingerprint_changes_with_the_pin(project: Project) -> None:
    root = write(project, {"requirements.txt": "redis==5.0.8\n"})
    before = detect(root).fingerprint()
    (root / "requirements.txt").write_text("redis==8.1.0\n", encoding="utf-8")
    assert detect(root).fingerprint() != before
    assert (
        Dependencies().fingerprint()
        == Dependencies.from_project(Config(root=root / "x")).fingerprint()
    )


# the command line ------------------------------------------------------------------------


def test_show_context_prints_the_versions_and_their_source(run_cli, project: Project) -> None:
    root = write(project, {"requirements.txt": "redis==5.0.8\n", "app.py": "x = 1\n"})
    result = run_cli("check", ".", "--show-context", cwd=root)
    assert result.returncode == 0
    assert "timeoutlint: redis-py: redis==5.0.8 (requirements.txt)" in result.stderr
    assert "timeoutlint: rq: any version (no pin found)" in result.stderr
    assert "redis-py" not in result.stdout


def test_verbose_says_when_the_version_is_unknown(run_cli, project: Project) -> None:
    root = write(project, {"app.py": "x = 1\n"})
    result = run_cli("check", ".", "--verbose", cwd=root)
    assert (
        "redis-py: any version (no pin found); rules assume any release from 4.0.2 to 8.1.0 "
        "(each minor version at its newest patch)" in result.stderr
    )


def test_an_unreadable_subdirectory_is_skipped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(project, {"locked/requirements.txt": "redis==4.6.0\n", "svc/setup.cfg": ""})
    real_glob = Path.glob

    def denied(self: Path, pattern: str) -> object:
        if self.name == "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "glob", denied)
    assert detect(root).redis.describe() == "any version (no pin found)"


# answers given without importing packaging ---------------------------------------


@pytest.mark.parametrize("package", ["redis", "rq"])
def test_known_releases_are_listed_normalized_distinct_and_ascending(package: str) -> None:
    from packaging.version import Version

    from timeoutlint.project.releases import KNOWN_RELEASES

    releases = KNOWN_RELEASES[package]
    versions = [Version(release) for release in releases]
    assert [str(version) for version in versions] == list(releases)
    assert versions == sorted(set(versions))


@pytest.mark.parametrize("package", ["redis", "rq"])
def test_the_span_of_an_unpinned_range_is_its_lowest_and_highest_candidate(package: str) -> None:
    anything = VersionRange(package)
    low, high = anything.candidates[0], anything.candidates[-1]
    assert anything.span_text() == f"{low} to {high}"


@pytest.mark.parametrize(
    "name", ["redis", "Redis", "django_redis", "Django-Redis", "zope.interface", "a_-.b", "RQ"]
)
def test_package_names_are_canonicalized_as_packaging_does(name: str) -> None:
    from packaging.utils import canonicalize_name as packaging_canonicalize_name

    from timeoutlint.project.dependency_files import canonicalize_name

    assert canonicalize_name(name) == packaging_canonicalize_name(name)
