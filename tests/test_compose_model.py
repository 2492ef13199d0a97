"""The compose model: services and the parts of them that the Redis rules read."""

from __future__ import annotations

import textwrap

from timeoutlint.compose.model import Service, parse_compose


def _services(text: str) -> dict[str, Service]:
    return {s.name: s for s in parse_compose(textwrap.dedent(text)).services}


def test_a_string_command_is_split_like_a_shell_would() -> None:
    service = _services("""
        services:
          redis:
            command: redis-server --requirepass "${REDIS_PASSWORD}" --port 6380
    """)["redis"]
    words = [w.text for w in service.command_words()]
    assert words == ["redis-server", "--requirepass", "${REDIS_PASSWORD}", "--port", "6380"]


def test_a_list_command_keeps_one_scalar_per_word() -> None:
    service = _services("""
        services:
          redis:
            command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]
    """)["redis"]
    words = service.command_words()
    assert [w.text for w in words] == ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]
    assert words[2].scalar.span.start.column == 48


def test_sh_dash_c_scripts_are_split_into_their_words() -> None:
    service = _services("""
        services:
          redis:
            command: ["sh", "-c", "exec redis-server --requirepass $$REDIS_PASSWORD"]
    """)["redis"]
    assert [w.text for w in service.command_words()] == [
        "exec",
        "redis-server",
        "--requirepass",
        "$$REDIS_PASSWORD",
    ]


def test_environment_as_a_list_and_as_a_mapping() -> None:
    services = _services("""
        services:
          a:
            environment:
              - REDIS_URL=redis://r:6379/0
              - FROM_SHELL
          b:
            environment:
              REDIS_URL: redis://r:6379/0
              EMPTY:
    """)
    listed = services["a"].environment
    assert [(e.key, e.value, e.offset) for e in listed] == [
        ("REDIS_URL", "redis://r:6379/0", 10),
        ("FROM_SHELL", None, 11),
    ]
    mapped = services["b"].environment
    assert [(e.key, e.value, e.offset) for e in mapped] == [
        ("REDIS_URL", "redis://r:6379/0", 0),
        ("EMPTY", None, 0),
    ]


def test_env_file_in_all_its_forms() -> None:
    services = _services("""
        services:
          one:
            env_file: .env
          many:
            env_file: [.env, web.env]
          detailed:
            env_file:
              - path: ./default.env
              - path: ./override.env
                required: false
    """)
    assert [(r.path, r.required) for r in services["one"].env_files] == [(".env", True)]
    assert [r.path for r in services["many"].env_files] == [".env", "web.env"]
    assert [(r.path, r.required) for r in services["detailed"].env_files] == [
        ("./default.env", True),
        ("./override.env", False),
    ]


def test_healthcheck_test_and_host_names() -> None:
    service = _services("""
        services:
          cache:
            container_name: app_cache
            hostname: cache.local
            networks:
              backend:
                aliases: [redis]
            healthcheck:
              test: ["CMD", "redis-cli", "ping"]
    """)["cache"]
    assert [s.value for s in service.healthcheck_test] == ["CMD", "redis-cli", "ping"]
    assert service.hostnames == ("cache", "app_cache", "cache.local", "redis")


def test_services_merged_from_an_anchor_get_its_environment() -> None:
    service = _services("""
        x-app: &app
          environment:
            REDIS_URL: redis://r:6379/0
        services:
          web:
            <<: *app
            image: app
    """)["web"]
    [entry] = service.environment
    assert entry.value == "redis://r:6379/0"
    assert entry.scalar.shared


def test_a_yaml_file_that_is_not_a_compose_file_has_no_services() -> None:
    assert parse_compose("jobs:\n  build:\n    runs-on: ubuntu\n").services == ()
    assert parse_compose("- just\n- a list\n").services == ()
