"""The Redis model: which values are redis-py objects, and with which connection settings."""

from __future__ import annotations

import textwrap

from timeoutlint.python.model import PythonModule
from timeoutlint.redis.model import (
    ExportedConstant,
    ExportedObject,
    RedisClient,
    RedisModel,
    RedisObject,
    RedisPipeline,
    RedisPool,
    RedisPubSub,
    Setting,
)


def _model(code: str, external: dict[str, object] | None = None) -> RedisModel:
    module = PythonModule.from_source(textwrap.dedent(code), "app.example")
    table = external or {}
    return RedisModel(module, "app/example.py", lambda name: table.get(name))  # type: ignore[arg-type,return-value]


def _value_of(model: RedisModel, name: str) -> RedisObject | None:
    """The Redis object bound to the module-level `name` (its last binding)."""
    binding = model.module.module_scope.bindings[name][-1]
    return model.object_of(model.module.resolve_binding(binding))


def _client(model: RedisModel, name: str) -> RedisClient:
    found = _value_of(model, name)
    assert isinstance(found, RedisClient), found
    return found


def test_redis_constructor_with_keyword_timeouts_is_a_sync_host_client() -> None:
    client = _client(_model("import redis\nr = redis.Redis(host='x', socket_timeout=2.5)\n"), "r")
    assert (client.flavor, client.construction, client.constructor) == ("sync", "host", "Redis")
    assert client.settings.socket_timeout.seconds == 2.5
    assert client.settings.socket_connect_timeout.state == "absent"


def test_positional_socket_timeout_counts_and_is_not_editable() -> None:
    client = _client(_model("from redis import Redis\nr = Redis('h', 6379, 0, None, 7)\n"), "r")
    assert client.settings.socket_timeout == Setting("value", 7, "positional", 2)
    assert not client.settings.socket_timeout.editable


def test_from_url_query_parameters_override_keywords_as_redis_py_does() -> None:
    code = "import redis\nr = redis.from_url('redis://h/0?socket_timeout=3', socket_timeout=9)\n"
    client = _client(_model(code), "r")
    assert client.construction == "url"
    assert client.settings.socket_timeout.seconds == 3.0
    assert client.settings.socket_timeout.origin == "url"


def test_asyncio_clients_are_async() -> None:
    code = """
    from redis import asyncio as aioredis
    import redis.asyncio
    a = aioredis.Redis.from_url("redis://h")
    b = redis.asyncio.Redis(host="h")
    """
    model = _model(code)
    assert _client(model, "a").flavor == "async"
    assert _client(model, "b").flavor == "async"


def test_client_on_a_pool_takes_the_pools_settings_and_location() -> None:
    code = """
    import redis
    pool = redis.ConnectionPool(host="h", socket_timeout=4)
    r = redis.Redis(connection_pool=pool, socket_timeout=99)
    """
    model = _model(code)
    pool = _value_of(model, "pool")
    client = _client(model, "r")
    assert isinstance(pool, RedisPool)
    assert client.construction == "pool"
    assert client.settings.socket_timeout.seconds == 4.0
    assert client.settings_location == pool.location


def test_sentinel_master_for_merges_sentinel_and_own_keywords() -> None:
    code = """
    from redis.sentinel import Sentinel
    s = Sentinel([("h", 26379)], socket_timeout=1, socket_connect_timeout=2)
    m = s.master_for("mymaster", socket_timeout=30)
    """
    client = _client(_model(code), "m")
    assert client.construction == "sentinel"
    assert client.settings.socket_timeout.seconds == 30.0
    assert client.settings.socket_connect_timeout.seconds == 2.0


def test_timeouts_resolve_through_constants_and_environment_defaults() -> None:
    code = """
    import os
    import redis
    TIMEOUT = int(os.getenv("REDIS_TIMEOUT", "12"))
    r = redis.Redis(socket_timeout=TIMEOUT)
    """
    setting = _client(_model(code), "r").settings.socket_timeout
    assert setting.seconds == 12.0
    assert setting.from_env == "REDIS_TIMEOUT"


def test_an_unreadable_splat_makes_absent_settings_unknown() -> None:
    code = "import redis\ndef make(**kw):\n    return redis.Redis(**kw)\nr = make()\n"
    client = _client(_model(code), "r")
    assert client.settings.socket_timeout.state == "unknown"


def test_pubsub_and_pipeline_of_a_client_kept_on_self() -> None:
    code = """
    import redis
    class Subscriber:
        def __init__(self, url):
            self.client = redis.from_url(url, socket_timeout=10)
        def run(self):
            p = self.client.pubsub()
            p.listen()
            pipe = self.client.pipeline()
            pipe.execute()
    """
    model = _model(code)
    found = {c.method: c.receiver for c in model.method_calls()}
    assert isinstance(found["listen"], RedisPubSub)
    assert found["listen"].client.settings.socket_timeout.seconds == 10.0
    assert isinstance(found["execute"], RedisPipeline)


def test_a_local_factory_function_returns_its_client() -> None:
    code = """
    import redis
    _conn = None
    def get_connection():
        global _conn
        if _conn is None:
            _conn = redis.Redis(host="h", socket_timeout=3)
        return _conn
    conn = get_connection()
    """
    assert _client(_model(code), "conn").settings.socket_timeout.seconds == 3.0


def test_names_of_other_modules_come_from_the_external_lookup() -> None:
    other = _client(_model("import redis\nr = redis.Redis(socket_timeout=5)\n"), "r")
    code = """
    from app.connection import client, TIMEOUT
    import redis
    p = client.pubsub()
    r = redis.Redis(socket_timeout=TIMEOUT)
    """
    model = _model(
        code,
        {
            "app.connection.client": ExportedObject(other),
            "app.connection.TIMEOUT": ExportedConstant(8),
        },
    )
    pubsub = _value_of(model, "p")
    assert isinstance(pubsub, RedisPubSub) and pubsub.client == other
    assert _client(model, "r").settings.socket_timeout.seconds == 8.0


def test_objects_that_merely_look_like_redis_are_not_clients() -> None:
    code = """
    class Redis:
        def pubsub(self):
            return self
    r = Redis()
    def connect(factory):
        return factory(socket_timeout=1)
    c = connect(dict)
    """
    model = _model(code)
    assert _value_of(model, "r") is None
    assert _value_of(model, "c") is None
    assert list(model.method_calls()) == []


def test_a_splatted_dict_changed_after_it_is_built_is_unknown() -> None:
    code = """
    import redis
    kwargs = {"host": "h"}
    kwargs.update({"socket_timeout": 5})
    r = redis.Redis(**kwargs)
    fixed = {"socket_timeout": 3}
    s = redis.Redis(**fixed)
    """
    model = _model(code)
    assert _client(model, "r").settings.socket_timeout.state == "unknown"
    assert _client(model, "s").settings.socket_timeout.seconds == 3.0
