"""The project context for the URL rules: which Redis endpoints have a password, under which variable."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from timeoutlint.config import Config
from timeoutlint.discovery import Discovery
from timeoutlint.project.redis_auth import (
    PasswordState,
    RedisAuth,
    image_repository,
    mentions_password,
)


def _auth(tmp_path: Path, files: dict[str, str]) -> RedisAuth:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = Config(root=tmp_path.resolve())
    return RedisAuth.build(Discovery(config).files([tmp_path]), config)


@pytest.mark.parametrize(
    ("image", "repository"),
    [
        ("redis", "redis"),
        ("redis:7-alpine", "redis"),
        ("docker.io/library/redis:7.2", "redis"),
        ("docker.io/bitnami/redis:7.2@sha256:abc", "bitnami/redis"),
        ("ghcr.io/valkey/valkey:8", "valkey/valkey"),
        ("localhost:5000/redis/redis-stack:latest", "redis/redis-stack"),
    ],
)
def test_image_repository_ignores_registry_tag_and_digest(image: str, repository: str) -> None:
    assert image_repository(image) == repository


def test_requirepass_with_a_variable_configures_the_service(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": """
        services:
          redis:
            image: redis:7-alpine
            command: redis-server --requirepass ${REDIS_PASSWORD}
    """
        },
    )
    [endpoint] = auth.endpoints
    assert endpoint.state is PasswordState.CONFIGURED
    assert endpoint.source is not None and endpoint.source.variable == "REDIS_PASSWORD"
    assert endpoint.source.line == 5


def test_requirepass_inside_sh_c_names_the_containers_variable(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "compose.yaml": """
        services:
          cache:
            image: redis
            command: ["sh", "-c", "redis-server --requirepass \\"$$CACHE_PW\\""]
    """
        },
    )
    [endpoint] = auth.endpoints
    assert endpoint.source is not None and endpoint.source.variable == "CACHE_PW"


def test_bitnami_password_and_allow_empty_password(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": """
        services:
          secured:
            image: bitnami/redis:7.2
            environment:
              REDIS_PASSWORD: ${REDIS_PASSWORD}
          open:
            image: bitnami/redis:7.2
            environment:
              - ALLOW_EMPTY_PASSWORD=yes
    """
        },
    )
    states = {e.service: e.state for e in auth.endpoints}
    assert states == {"secured": PasswordState.CONFIGURED, "open": PasswordState.NONE}


def test_redis_stack_args_and_a_config_file(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": """
        services:
          stack:
            image: redis/redis-stack-server:7.2.0-v10
            environment:
              - REDIS_ARGS=--requirepass ${STACK_PASSWORD}
          configured:
            image: redis:7
            command: redis-server /usr/local/etc/redis/redis.conf
    """
        },
    )
    endpoints = {e.service: e for e in auth.endpoints}
    assert endpoints["stack"].source is not None
    assert endpoints["stack"].source.variable == "STACK_PASSWORD"
    assert endpoints["configured"].state is PasswordState.UNKNOWN


def test_a_bitnami_password_from_the_services_env_file(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": """
            services:
              cache:
                image: bitnami/redis
                env_file:
                  - path: redis.env
        """,
            "redis.env": "REDIS_PASSWORD=s3cret\n",
        },
    )
    [endpoint] = auth.endpoints
    assert endpoint.state is PasswordState.CONFIGURED


def test_env_example_files_never_configure_a_password(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path, {".env.example": "REDIS_PASSWORD=changeme\n", ".env.sample": "REDIS_PASS=x\n"}
    )
    assert auth.passwords == ()
    assert auth.password_for("localhost", 6379) is None


def test_a_client_password_counts_only_with_the_host_it_connects_to(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            ".env": "REDIS_HOST=redis.internal\nREDIS_PASSWORD=s3cret\n",
            "settings.py": "import os\nREDIS_PASS = os.environ['REDIS_PASS']\n",
            "client.py": "import redis\nr = redis.Redis(password=secret)\n",
            "cache.py": "import redis\nr = redis.Redis(host='cache.internal', password=PW)\n",
        },
    )
    assert [(p.source.how, p.hosts) for p in auth.passwords] == [
        ("REDIS_PASSWORD in .env", ("redis.internal",)),
        ("password= in cache.py", ("cache.internal",)),
    ]
    assert auth.password_for("redis.internal", None) is not None
    assert auth.password_for("cache.internal", None) is not None
    assert auth.password_for("elsewhere.example.com", None) is None
    assert auth.password_for("localhost", None) is None
    assert auth.password_for(None, None) is None


def test_a_host_naming_a_service_follows_that_service(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": """
            services:
              locked:
                image: redis
                command: redis-server --requirepass ${PW}
              open:
                image: redis
        """,
            ".env": "REDIS_PASSWORD=s3cret\n",
        },
    )
    assert auth.password_for("locked", 6379) is not None
    assert auth.password_for("open", 6379) is None
    assert auth.password_for("locked", 6380) is None
    assert auth.password_for(None, None) is None  # an unknown host may be either server


def test_no_evidence_means_no_password(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"docker-compose.yml": "services:\n  redis:\n    image: redis\n"})
    assert auth.password_for("redis", 6379) is None
    assert auth.password_for(None, None) is None


def test_the_fingerprint_changes_with_the_facts(tmp_path: Path) -> None:
    compose = (
        "services:\n  redis:\n    image: redis\n    command: redis-server --requirepass ${PW}\n"
    )
    with_password = _auth(tmp_path / "a", {"docker-compose.yml": compose})
    without = _auth(
        tmp_path / "b", {"docker-compose.yml": "services:\n  redis:\n    image: redis\n"}
    )
    assert with_password.fingerprint() != without.fingerprint()
    assert (
        with_password.fingerprint()
        == _auth(tmp_path / "c", {"docker-compose.yml": compose}).fingerprint()
    )


def test_compose_variables_are_those_of_the_file_and_its_env(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  web:\n    image: app\n    environment:\n      - X=${USED}\n",
            ".env": "DEFINED=1\n",
        },
    )
    assert auth.interpolatable("docker-compose.yml") == frozenset({"USED", "DEFINED"})


def test_password_arguments_of_other_libraries_are_not_redis_passwords(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "accounts.py": "def make(User):\n    return User.objects.create_user('bob', password='x')\n",
            "cache.py": "import redis\npool = redis.ConnectionPool(host='cache', password=PW)\n",
        },
    )
    assert [p.source.path for p in auth.passwords] == ["cache.py"]


def test_only_files_naming_a_password_variable_or_a_redis_constructor_are_parsed() -> None:
    assert mentions_password(b"import redis\nr = redis.Redis(password=PW)\n")
    assert mentions_password(b"REDIS_PASSWORD = 'x'\n")
    assert not mentions_password(b"import redis\nuser = make(name, password=PW)\n")


def test_identifiers_spelled_with_compatibility_characters_are_still_found(
    tmp_path: Path,
) -> None:
    redis_class = "\uff32\uff45\uff44\uff49\uff53"
    redis_pass = "\uff32\uff25\uff24\uff29\uff33_\uff30\uff21\uff33\uff33"
    assert mentions_password(f"import redis  # the password\n{redis_pass} = 'x'\n".encode())
    auth = _auth(
        tmp_path,
        {"cache.py": f"import redis\nr = redis.{redis_class}(host='cache', password=PW)\n"},
    )
    assert [p.source.how for p in auth.passwords] == ["password= in cache.py"]


# Compose projects: a password is evidence only for the stack that configures it ---------------

LOCKED = "services:\n  redis:\n    image: redis\n    command: redis-server --requirepass ${PW}\n"
OPEN = "services:\n  redis:\n    image: redis:7\n"


def test_a_url_in_a_stack_is_judged_by_that_stack_only(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"dev/compose.yaml": LOCKED, "ci/compose.yaml": OPEN})
    assert auth.password_for("redis", 6379, "dev/compose.yaml") is not None
    assert auth.password_for("redis", 6379, "ci/compose.yaml") is None


def test_outside_compose_two_stacks_that_disagree_give_no_evidence(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"dev/compose.yaml": LOCKED, "ci/compose.yaml": OPEN})
    assert auth.password_for("redis", 6379, "app/settings.py") is None
    assert auth.password_for(None, None, "app/settings.py") is None


def test_outside_compose_stacks_that_agree_are_evidence(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"dev/compose.yaml": LOCKED, "prod/compose.yaml": LOCKED})
    source = auth.password_for("redis", 6379, "app/settings.py")
    assert source is not None and source.describe() == (
        "--requirepass of service 'redis' (dev/compose.yaml:4)"
    )


def test_localhost_is_a_service_only_on_a_port_it_publishes(tmp_path: Path) -> None:
    published = LOCKED + "    ports: ['6380:6379']\n"
    auth = _auth(tmp_path, {"compose.yaml": published})
    assert auth.password_for("localhost", 6380, "settings.py") is not None
    assert auth.password_for("127.0.0.1", 6379, "settings.py") is None
    unpublished = _auth(tmp_path / "b", {"compose.yaml": LOCKED})
    assert unpublished.password_for("localhost", 6379, "settings.py") is None


def test_an_override_file_is_merged_into_the_default_file(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": OPEN + "  web:\n    image: app\n",
            "docker-compose.override.yml": "services:\n  redis:\n"
            "    command: redis-server --requirepass ${PW}\n",
        },
    )
    [project] = auth.projects
    assert project.files == ("docker-compose.yml", "docker-compose.override.yml")
    source = auth.password_for("redis", 6379, "docker-compose.yml")
    assert source is not None and source.path == "docker-compose.override.yml"


def test_a_base_file_loaded_with_and_without_a_password_overlay_gives_no_evidence(
    tmp_path: Path,
) -> None:
    auth = _auth(
        tmp_path,
        {
            "docker-compose.yml": OPEN,
            "docker-compose.prod.yml": "services:\n  redis:\n"
            "    command: redis-server --requirepass ${PW}\n",
        },
    )
    assert [p.files for p in auth.projects] == [
        ("docker-compose.yml",),
        ("docker-compose.yml", "docker-compose.prod.yml"),
    ]
    assert auth.password_for("redis", 6379, "docker-compose.yml") is None
    assert auth.password_for("redis", 6379, "docker-compose.prod.yml") is not None
    assert auth.password_for("redis", 6379, "settings.py") is None


def test_an_included_file_brings_its_services(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "app/compose.yaml": "include:\n  - ../infra/redis.yaml\n"
            "services:\n  web:\n    image: app\n",
            "infra/redis.yaml": LOCKED,
        },
    )
    assert auth.password_for("redis", 6379, "app/compose.yaml") is not None


def test_a_dotenv_is_judged_by_the_projects_that_read_it(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "deploy/compose.yaml": OPEN
            + "  web:\n    image: app\n    env_file: ../config/app.env\n",
            "config/app.env": "REDIS_URL=redis://redis:6379/0\n",
            "dev/compose.yaml": LOCKED,
        },
    )
    [deploy] = [p for p in auth.projects if p.name == "deploy/compose.yaml"]
    assert deploy.reads == ("config/app.env",)
    assert auth.password_for("redis", 6379, "config/app.env") is None
    assert auth.password_for("redis", 6379, "dev/.env") is None


def test_the_project_dotenv_is_read_by_its_project(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"compose.yaml": LOCKED, ".env": "PW=s3cret\n"})
    assert auth.projects[0].reads == (".env",)
    assert auth.password_for("redis", 6379, ".env") is not None


def test_requirepass_in_a_mounted_redis_conf(tmp_path: Path) -> None:
    compose = (
        "services:\n  cache:\n    image: redis:7\n"
        "    command: redis-server /usr/local/etc/redis/redis.conf\n"
        "    volumes:\n      - ./redis:/usr/local/etc/redis:ro\n"
    )
    auth = _auth(
        tmp_path, {"compose.yaml": compose, "redis/redis.conf": "# x\nrequirepass s3cret\n"}
    )
    [endpoint] = auth.endpoints
    assert endpoint.state is PasswordState.CONFIGURED
    assert endpoint.source is not None and endpoint.source.describe() == (
        "requirepass in the redis.conf of service 'cache' (redis/redis.conf:2)"
    )
    open_config = _auth(
        tmp_path / "b", {"compose.yaml": compose, "redis/redis.conf": "save 60 1\n"}
    )
    assert open_config.endpoints[0].state is PasswordState.NONE


def test_a_config_file_that_is_not_mounted_from_the_repository_is_unknown(tmp_path: Path) -> None:
    compose = (
        "services:\n  cache:\n    build: ./redis\n    image: redis:7\n"
        "    command: redis-server /etc/redis.conf\n"
    )
    auth = _auth(tmp_path, {"compose.yaml": compose})
    assert auth.endpoints[0].state is PasswordState.UNKNOWN


def test_an_acl_file_that_protects_the_default_user(tmp_path: Path) -> None:
    compose = (
        "services:\n  cache:\n    image: redis:7\n    command: redis-server --aclfile /etc/redis/users.acl\n"
        "    volumes:\n      - type: bind\n        source: ./users.acl\n        target: /etc/redis/users.acl\n"
    )
    locked = "user worker on >w0rker ~jobs:* +@all\nuser default on #e3b0c4 ~* +@all\n"
    auth = _auth(tmp_path, {"compose.yaml": compose, "users.acl": locked})
    assert auth.endpoints[0].state is PasswordState.CONFIGURED
    assert auth.endpoints[0].source is not None and auth.endpoints[0].source.line == 2
    open_acl = _auth(
        tmp_path / "b", {"compose.yaml": compose, "users.acl": "user default on nopass ~* +@all\n"}
    )
    assert open_acl.endpoints[0].state is PasswordState.NONE


def test_files_in_test_paths_are_never_evidence(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {
            "tests/docker-compose.yml": LOCKED,
            "tests/.env": "REDIS_HOST=cache\nREDIS_PASSWORD=x\n",
            "tests/conftest.py": "import redis\nr = redis.Redis(host='queue', password='x')\n",
        },
    )
    assert [p.test for p in auth.projects] == [True]
    assert auth.passwords == ()
    assert auth.password_for("redis", 6379, "app/settings.py") is None
    assert auth.password_for("redis", 6379, "tests/docker-compose.yml") is not None


def test_show_context_lines_name_each_project_and_its_evidence(tmp_path: Path) -> None:
    auth = _auth(
        tmp_path,
        {"dev/compose.yaml": LOCKED + "    ports: ['6379:6379']\n", "ci/compose.yaml": OPEN},
    )
    assert auth.describe_lines() == [
        "compose project ci/compose.yaml (default file): service 'redis' (port 6379) has no password",
        "compose project dev/compose.yaml (default file): service 'redis' (port 6379, published as"
        " 6379) requires a password: --requirepass of service 'redis' (dev/compose.yaml:4)",
    ]


def test_a_config_mounted_from_an_absolute_host_path_is_not_read(tmp_path: Path) -> None:
    conf = tmp_path / "host" / "redis.conf"
    conf.parent.mkdir()
    conf.write_text("requirepass s3cret\n", encoding="utf-8")
    compose = (
        "services:\n  cache:\n    image: redis:7\n    command: redis-server /etc/redis.conf\n"
        f"    volumes:\n      - {conf}:/etc/redis.conf\n"
    )
    auth = _auth(tmp_path / "project", {"compose.yaml": compose})
    assert auth.endpoints[0].state is PasswordState.UNKNOWN


def test_a_service_on_the_host_network_is_reached_on_localhost(tmp_path: Path) -> None:
    auth = _auth(tmp_path, {"compose.yaml": LOCKED + "    network_mode: host\n"})
    assert auth.endpoints[0].published == (6379,)
    assert auth.password_for("localhost", 6379, "settings.py") is not None
