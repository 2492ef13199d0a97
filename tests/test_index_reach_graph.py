"""`index_reach` follows the alias graph back from the Redis objects (`AliasGraph`); it must
give the reach of the plain forward closure over every alias (each alias's lookup targets
computed as `PythonIndex.lookup` splits a name), on any index."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from timeoutlint.config import parse_table
from timeoutlint.discovery import Discovery
from timeoutlint.project.index_reach import IndexReach, _lookup_names, _reach, index_reach
from timeoutlint.project.python_index import PythonIndex
from timeoutlint.project.source_roots import name_table
from timeoutlint.redis.model import (
    Exported,
    ExportedAlias,
    ExportedConstant,
    ExportedObject,
    RedisObject,
)

SETTINGS = "django.conf.settings"


def _forward_reach(index: PythonIndex, names: frozenset[str]) -> IndexReach:
    """The reach by the definition: every alias's hits computed forward, then closed."""
    lookup = _lookup_names(index)
    suffixes = {
        module: (*lookup.get(module, ()), *([SETTINGS] if module.endswith("settings") else []))
        for module in index.modules
    }
    prefixes = {".".join(n.split(".")[:end]) for n in names for end in range(1, n.count(".") + 2)}

    def hits(target: str) -> set[tuple[str, str]]:
        parts = target.split(".")
        found = set()
        for module, exported in index.modules.items():
            for suffix in suffixes[module]:
                pieces = suffix.split(".")
                for end in range(1, len(parts)):
                    if ".".join(parts[:end]) == suffix and parts[end] in exported:
                        found.add((module, parts[end]))
                if target == suffix or (
                    len(pieces) > 1
                    and any(".".join(pieces[:e]) == target for e in range(1, len(pieces)))
                ):
                    found.update((module, name) for name in exported)
        return found

    relevant = set()
    for module, exported in index.modules.items():
        for name, summary in exported.items():
            if isinstance(summary, ExportedObject):
                relevant.add((module, name))
            elif isinstance(summary, ExportedAlias) and summary.qualified_name in prefixes:
                relevant.add((module, name))
    changed = True
    while changed:
        changed = False
        for module, exported in index.modules.items():
            for name, summary in exported.items():
                node = (module, name)
                if node in relevant or not isinstance(summary, ExportedAlias):
                    continue
                if hits(summary.qualified_name) & relevant:
                    relevant.add(node)
                    changed = True
    by_module: dict[str, set[str]] = {}
    for module, name in relevant:
        by_module.setdefault(module, set()).add(name)
    return _reach(by_module, lookup)


@pytest.fixture(scope="module")
def redis_object(tmp_path_factory: pytest.TempPathFactory) -> RedisObject:
    root = tmp_path_factory.mktemp("object")
    (root / "conn.py").write_text("import redis\nclient = redis.Redis(host='h')\n")
    config = parse_table({}, root.resolve(), None)
    exported = PythonIndex.build(Discovery(config).files([Path(root)])).lookup("conn.client")
    assert isinstance(exported, ExportedObject)
    return exported.value


MODULES = ["app.conn", "app.settings", "app.views", "lib.queue", "lib.queue.jobs", "worker"]
NAMES = ["client", "pool", "TIMEOUT", "get", "Worker"]


def _random_index(seed: int, redis_object: RedisObject) -> PythonIndex:
    rng = random.Random(seed)
    modules: dict[str, dict[str, Exported]] = {}
    for module in MODULES:
        exported: dict[str, Exported] = {}
        for name in rng.sample(NAMES, rng.randint(0, 4)):
            kind = rng.random()
            if kind < 0.1:
                exported[name] = ExportedObject(redis_object)
            elif kind < 0.3:
                exported[name] = ExportedConstant(5)
            else:
                target = rng.choice(
                    [*MODULES, "app", "lib", "redis", "rq", SETTINGS, "queue", "conn"]
                )
                if rng.random() < 0.7:
                    target += "." + rng.choice([*NAMES, "Redis", "attr"])
                if rng.random() < 0.3:
                    target += ".deeper"
                exported[name] = ExportedAlias(target)
        modules[module] = exported
    import_names = {m: (m, m.split(".", 1)[-1]) if rng.random() < 0.5 else (m,) for m in MODULES}
    return PythonIndex(modules, names=name_table(import_names))


@pytest.mark.parametrize("seed", range(60))
def test_the_backward_reach_is_the_forward_closure(seed: int, redis_object: RedisObject) -> None:
    index = _random_index(seed, redis_object)
    for names in (frozenset(), frozenset({"redis.Redis"}), frozenset({"rq.Worker", "lib.queue"})):
        found = index_reach(index, names)
        expected = _forward_reach(index, names)
        assert (found.exports, found.following) == (expected.exports, expected.following)
