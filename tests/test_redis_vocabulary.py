"""The Redis vocabulary: one list of names per fact, and every byte test derived from it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import lint
from timeoutlint.checks import redis_common
from timeoutlint.checks.base import CheckContext
from timeoutlint.config import parse_table
from timeoutlint.project import ProjectContext
from timeoutlint.project.python_index import mentions_long_reads, mentions_redis
from timeoutlint.project.redis_auth import mentions_password
from timeoutlint.python.model import PythonModule
from timeoutlint.redis import vocabulary
from timeoutlint.redis.model import REDIS_CONSTRUCTORS, RedisClient, RedisModel, RedisPool


def _object(code: str, name: str) -> object:
    module = PythonModule.from_source(textwrap.dedent(code), "app.example")
    model = RedisModel(module, "app/example.py")
    binding = module.module_scope.bindings[name][-1]
    return model.object_of(module.resolve_binding(binding))


def test_the_blocking_mentions_are_a_substring_of_every_blocking_command() -> None:
    """`bzpopm` covers bzpopmin and bzpopmax (the hand-written list had `bzpop`, which matches
    no further command)."""
    expected = (b"blpop", b"brpop", b"blm", b"bzpopm", b"bzmpop", b"xread")
    assert vocabulary.BLOCKING_MENTIONS == expected
    for command in vocabulary.BLOCKING_COMMANDS:
        assert any(m.decode() in command for m in vocabulary.BLOCKING_MENTIONS)


def test_the_client_triggers_name_every_library_in_both_spellings() -> None:
    assert vocabulary.CLIENT_TRIGGERS == (b"redis", b"Redis", b"valkey", b"Valkey")
    assert redis_common.REDIS_TRIGGERS == vocabulary.CLIENT_TRIGGERS


@pytest.mark.parametrize("library", vocabulary.LIBRARIES, ids=lambda library: library.name)
def test_every_library_has_the_same_constructors(library: vocabulary.ClientLibrary) -> None:
    for names in (library.sync_clients, library.async_clients, library.pools, library.clusters):
        assert set(names) <= REDIS_CONSTRUCTORS
    assert set(library.sentinels) <= REDIS_CONSTRUCTORS
    assert set(library.url_factories) <= REDIS_CONSTRUCTORS


def test_the_redis_py_names_are_the_ones_the_model_always_knew() -> None:
    redis_py = vocabulary.REDIS_PY
    assert redis_py.sync_clients == (
        "redis.Redis",
        "redis.StrictRedis",
        "redis.client.Redis",
        "redis.client.StrictRedis",
    )
    assert "redis.asyncio.connection.BlockingConnectionPool" in redis_py.pools
    assert redis_py.clusters[-1] == "redis.asyncio.cluster.RedisCluster"


@pytest.mark.parametrize(
    ("code", "library", "flavor"),
    [
        ("import valkey\nc = valkey.Valkey(host='v')\n", "valkey-py", "sync"),
        ("from valkey.asyncio import Valkey\nc = Valkey(host='v')\n", "valkey-py", "async"),
        ("import valkey\nc = valkey.from_url('valkey://v')\n", "valkey-py", "sync"),
        (
            "from valkey.sentinel import Sentinel\nc = Sentinel([]).master_for('m')\n",
            "valkey-py",
            "sync",
        ),
        ("import django_valkey\nc = django_valkey.get_valkey_connection()\n", "valkey-py", "sync"),
        ("import redis\nc = redis.Redis(host='r')\n", "redis-py", "sync"),
        ("from valkey import Redis\nc = Redis(host='v')\n", "valkey-py", "sync"),
        ("from valkey.asyncio import Redis\nc = Redis(host='v')\n", "valkey-py", "async"),
    ],
)
def test_the_model_records_each_clients_library(code: str, library: str, flavor: str) -> None:
    client = _object(code, "c")
    assert isinstance(client, RedisClient)
    assert (client.library, client.flavor) == (library, flavor)


def test_a_valkey_pool_gives_its_library_to_the_client() -> None:
    code = (
        "import valkey\np = valkey.ConnectionPool(host='v')\nc = valkey.Valkey(connection_pool=p)\n"
    )
    pool = _object(code, "p")
    assert isinstance(pool, RedisPool) and pool.library == "valkey-py"
    client = _object(code, "c")
    assert isinstance(client, RedisClient) and client.library == "valkey-py"


def test_a_module_that_only_says_valkey_is_indexed() -> None:
    assert mentions_redis(b"import valkey\n")
    assert mentions_redis(b"from Valkey_settings import X\n")
    assert not mentions_redis(b"import requests\n")
    assert mentions_long_reads(b"client.bzpopmin(['a'])")


def test_a_valkey_password_keyword_is_read_for_tl401() -> None:
    assert mentions_password(b"import valkey\nvalkey.Valkey(host='cache', password=pw)\n")
    assert not mentions_password(b"import other\nother.Client(host='cache', password=pw)\n")


def test_a_url_names_its_library_by_its_scheme() -> None:
    assert vocabulary.url_library("valkeys://h").name == "valkey-py"
    assert vocabulary.url_library("redis://h").name == "redis-py"


# The Redis model lives on the check context ---------------------------------------------------


def _context(tmp_path: Path) -> CheckContext:
    config = parse_table({}, tmp_path.resolve(), None)
    return CheckContext("a.py", "a.py", config, ProjectContext(tmp_path), {}, frozenset())


def test_the_redis_model_is_shared_by_the_checks_of_one_file(tmp_path: Path) -> None:
    module = PythonModule.from_source("import redis\n", "a")
    ctx = _context(tmp_path)
    assert redis_common.redis_model(ctx, module) is redis_common.redis_model(ctx, module)


def test_each_file_context_builds_its_own_redis_model(tmp_path: Path) -> None:
    module = PythonModule.from_source("import redis\n", "a")
    first = redis_common.redis_model(_context(tmp_path), module)
    assert redis_common.redis_model(_context(tmp_path), module) is not first
    assert not hasattr(redis_common, "_CURRENT")


def test_a_new_module_on_the_same_context_gets_a_new_model(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    first = redis_common.redis_model(ctx, PythonModule.from_source("import redis\n", "a"))
    second_module = PythonModule.from_source("import redis\n", "a")
    assert redis_common.redis_model(ctx, second_module).module is second_module
    assert redis_common.redis_model(ctx, second_module) is not first


# Messages name the library ------------------------------------------------------------------


def test_tl303_on_a_valkey_client_names_valkey_py_and_its_asyncio(tmp_path: Path) -> None:
    code = """
    import valkey

    cache = valkey.Valkey(host="v", socket_timeout=5)

    async def handler():
        return cache.get("k")
    """
    (finding,) = lint(tmp_path, code, select="TL303")
    assert "sync valkey-py call" in finding.message
    assert "use `valkey.asyncio`" in finding.message


def test_tl303_on_a_redis_client_still_names_redis_py(tmp_path: Path) -> None:
    code = """
    import redis

    cache = redis.Redis(host="r", socket_timeout=5)

    async def handler():
        return cache.get("k")
    """
    (finding,) = lint(tmp_path, code, select="TL303")
    assert "sync redis-py call" in finding.message
    assert "use `redis.asyncio`" in finding.message


def test_tl205_reports_a_valkey_host_client_even_when_redis_py_8_is_pinned(tmp_path: Path) -> None:
    code = 'import valkey\n\nclient = valkey.Valkey(host="v")\n'
    (finding,) = lint(tmp_path, code, select="TL205", redis_version="==8.1.0")
    assert finding.message.endswith("(every valkey-py release)")


@pytest.mark.parametrize(
    "construction",
    ['valkey.from_url("valkey://v")', 'valkey.asyncio.Valkey(host="v")', "valkey.ConnectionPool()"],
)
def test_tl205_leaves_valkey_constructions_whose_default_changed_in_6_1(
    tmp_path: Path, construction: str
) -> None:
    code = f"import valkey\nimport valkey.asyncio\n\nclient = {construction}\n"
    assert lint(tmp_path, code, select="TL205", redis_version="==5.0.8") == []


def test_tl204_leaves_a_valkey_connection_alone(tmp_path: Path) -> None:
    code = """
    import valkey
    from rq import Worker

    conn = valkey.Valkey(host="v", socket_timeout=5)
    Worker(["default"], connection=conn)
    """
    assert lint(tmp_path, code, select="TL204", rq_version="==1.16.2") == []
