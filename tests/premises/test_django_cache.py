"""TL206's premises: how django-redis and Django's RedisCache read socket timeouts from OPTIONS.

Needs Django and django-redis (not dev dependencies of timeoutlint); without
them the module is skipped with that reason. Each alias uses its own LOCATION
because django-redis keeps one connection pool per URL for the whole process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.redis_server import RedisServer

pytest.importorskip("django", reason="Django is not installed (pip install Django)")
pytest.importorskip(
    "django_redis", reason="django-redis is not installed (pip install django-redis)"
)

pytestmark = pytest.mark.redis_server

DJANGO_REDIS = "django_redis.cache.RedisCache"
BUILTIN = "django.core.cache.backends.redis.RedisCache"
SEED_004_SETTINGS = """\
CACHES = {
    'default': {
        'BACKEND': 'django_redis.cache.RedisCache',
        'LOCATION': 'redis://127.0.0.1:6379/1',
        'OPTIONS': {
            'CLIENT_CLASS': 'django_redis.client.DefaultClient',
            'CONNECTION_POOL_KWARGS': {
                'retry_on_timeout': True,
                'max_connections': 50,
            },
        },
    }
}
"""


def tl206_fixed(tmp_path: Path, source: str) -> str:
    """The settings after `timeoutlint fix --select TL206`, on a project pinning redis 5.0.8."""
    from timeoutlint.catalog import builtin_rules
    from timeoutlint.config import parse_table, selected_rules
    from timeoutlint.discovery import Discovery
    from timeoutlint.engine import Engine
    from timeoutlint.fixes.apply import fix_file
    from timeoutlint.project import build_project_context

    (tmp_path / "settings.py").write_text(source, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("redis==5.0.8\n", encoding="utf-8")
    rules = builtin_rules()
    config = parse_table({"select": ["TL206"]}, tmp_path.resolve(), None)
    files = Discovery(config).files([tmp_path])
    engine = Engine(
        config, rules, selected_rules(config, rules), build_project_context(files, config)
    )
    settings = next(f for f in files if f.relative == "settings.py")
    outcome = fix_file(engine, settings, settings.path.read_bytes(), unsafe=False)
    assert outcome.applied == 1 and not outcome.remaining
    return outcome.fixed.decode("utf-8")


def entry(server: RedisServer, db: int, backend: str, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "BACKEND": backend,
        "LOCATION": f"redis://{server.host}:{server.port}/{db}",
        "OPTIONS": options,
    }


@pytest.fixture(scope="module")
def caches(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from django.conf import settings

    if settings.configured:
        pytest.skip("Django settings were already configured in this process")
    namespace: dict[str, Any] = {}
    fixed = tl206_fixed(tmp_path_factory.mktemp("tl206"), SEED_004_SETTINGS)
    exec(compile(fixed, "settings.py", "exec"), namespace)
    seed_fixed = dict(namespace["CACHES"]["default"])
    seed_fixed["LOCATION"] = f"redis://{redis_server.host}:{redis_server.port}/7"
    settings.configure(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "upper": entry(
                redis_server, 1, DJANGO_REDIS, {"SOCKET_TIMEOUT": 2, "SOCKET_CONNECT_TIMEOUT": 1}
            ),
            "lower": entry(
                redis_server, 2, DJANGO_REDIS, {"socket_timeout": 2, "socket_connect_timeout": 1}
            ),
            "zero": entry(redis_server, 3, DJANGO_REDIS, {"SOCKET_TIMEOUT": 0}),
            "pool": entry(
                redis_server, 4, DJANGO_REDIS, {"CONNECTION_POOL_KWARGS": {"socket_timeout": 2}}
            ),
            "builtin_upper": entry(redis_server, 5, BUILTIN, {"SOCKET_TIMEOUT": 2}),
            "builtin_lower": entry(redis_server, 6, BUILTIN, {"socket_timeout": 2}),
            "seed_fixed": seed_fixed,
        }
    )
    from django.core.cache import caches as django_caches

    yield django_caches
    django_caches.close_all()


def django_redis_pool_kwargs(caches: Any, alias: str) -> dict[str, Any]:
    cache = caches[alias]
    cache.set("premise", 1)
    kwargs: dict[str, Any] = cache.client.get_client().connection_pool.connection_kwargs
    return kwargs


def builtin_pool_kwargs(caches: Any, alias: str) -> dict[str, Any]:
    client = caches[alias]._cache.get_client(write=True)
    kwargs: dict[str, Any] = client.connection_pool.connection_kwargs
    return kwargs


def test_django_redis_reads_the_upper_case_keys(caches: Any) -> None:
    kwargs = django_redis_pool_kwargs(caches, "upper")
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (2, 1)


def test_django_redis_ignores_lower_case_keys(caches: Any) -> None:
    kwargs = django_redis_pool_kwargs(caches, "lower")
    assert kwargs.get("socket_timeout") != 2
    assert kwargs.get("socket_connect_timeout") != 1


def test_django_redis_ignores_a_zero_timeout(caches: Any) -> None:
    assert django_redis_pool_kwargs(caches, "zero").get("socket_timeout") != 0


def test_django_redis_passes_connection_pool_kwargs_through(caches: Any) -> None:
    assert django_redis_pool_kwargs(caches, "pool")["socket_timeout"] == 2


def test_builtin_cache_with_upper_case_keys_fails_at_the_first_call_not_at_startup(
    caches: Any,
) -> None:
    cache = caches["builtin_upper"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'SOCKET_TIMEOUT'"):
        cache.set("premise", 1)


def test_builtin_cache_takes_redis_py_keyword_names(caches: Any) -> None:
    caches["builtin_lower"].set("premise", 1)
    assert builtin_pool_kwargs(caches, "builtin_lower")["socket_timeout"] == 2


def test_the_tl206_fix_output_configures_working_timeouts(caches: Any) -> None:
    kwargs = django_redis_pool_kwargs(caches, "seed_fixed")
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (10, 10)
    assert caches["seed_fixed"].get("premise") == 1


def test_the_seed_settings_get_both_keys_from_the_fix(tmp_path: Path) -> None:
    fixed = tl206_fixed(tmp_path, SEED_004_SETTINGS)
    assert fixed.count("'SOCKET_CONNECT_TIMEOUT': 10,") == 1
    assert fixed.count("'SOCKET_TIMEOUT': 10,") == 1
