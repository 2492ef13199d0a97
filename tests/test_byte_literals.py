"""The scan's byte facts from one search of every literal give the answers of one test per fact.

`scan.facts_of` reads the facts (mentions redis, long reads, password) and the engine's
prefilter from `byte_literals.Literals`; these tests compare it with the per-fact functions it
replaced on the scan path, which stay as the specification.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from timeoutlint.byte_literals import Literals
from timeoutlint.catalog import builtin_rules
from timeoutlint.checks import ALL_CHECKS
from timeoutlint.config import Config
from timeoutlint.engine import Prefilter, enabled_checks
from timeoutlint.project.byte_facts import PYTHON_BYTE_FACTS
from timeoutlint.project.client_bytes import imports_client_library, may_build_a_client
from timeoutlint.project.python_index import mentions_long_reads, mentions_redis
from timeoutlint.project.redis_auth import mentions_password
from timeoutlint.scan import (
    IMPORTS_CLIENT_LIBRARY,
    MENTIONS_CLIENT_FACTORY,
    MENTIONS_PASSWORD,
    MENTIONS_REDIS,
    PREFILTERED,
    READS_LONG,
    TRIGGERED,
    facts_of,
)

REPO = Path(__file__).resolve().parent.parent
RULES = builtin_rules()
_, CHECKS = enabled_checks(Config(REPO), RULES, frozenset(RULES))
PREFILTER = Prefilter.of(CHECKS)
KINDS = ("python", "compose", "dotenv")
TRIGGERS = sorted({t for c in ALL_CHECKS for t in c.triggers} | set(PREFILTER.triggers["python"]))


def _expected_flags(kind: str, data: bytes) -> int:
    flags = PREFILTERED | (TRIGGERED if PREFILTER(kind, data) else 0)
    if kind == "python":
        flags |= MENTIONS_REDIS if mentions_redis(data) else 0
        flags |= READS_LONG if mentions_long_reads(data) else 0
        flags |= MENTIONS_PASSWORD if mentions_password(data) else 0
        flags |= MENTIONS_CLIENT_FACTORY if may_build_a_client(data) else 0
        flags |= IMPORTS_CLIENT_LIBRARY if imports_client_library(data) else 0
    return flags


def _texts() -> list[bytes]:
    texts = [p.read_bytes() for p in sorted((REPO / "fixtures").rglob("*")) if p.is_file()]
    for rule in RULES.values():
        for example in (*rule.bad, *rule.good):
            texts.extend(text.encode("utf-8") for text in example.files.values())
    return texts


def test_facts_of_every_fixture_and_catalog_example_match_the_per_fact_tests() -> None:
    texts = _texts()
    assert len(texts) > 100
    for data in texts:
        for kind in KINDS:
            assert facts_of(
                kind, data, False, PREFILTER, byte_facts=PYTHON_BYTE_FACTS
            ).flags == _expected_flags(kind, data)


_pieces = st.one_of(
    st.sampled_from(TRIGGERS),
    st.sampled_from(TRIGGERS).map(bytes.upper),
    st.sampled_from(TRIGGERS).map(lambda t: t[: max(1, len(t) - 1)]),
    st.sampled_from(TRIGGERS).map(lambda t: t[1:]),
    st.sampled_from([b"REDIS_PASS", b"from rq", b"import rq", b"pubsub(", b"rEdIs", b" ", b"\n"]),
    st.sampled_from([b"import ", b"from ", b"requests", b"httpx", b".", b"Session", b"session"]),
    st.binary(max_size=4),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_pieces, max_size=12).map(b"".join), st.sampled_from(KINDS))
def test_facts_of_bytes_built_from_the_triggers_match_the_per_fact_tests(
    data: bytes, kind: str
) -> None:
    assert facts_of(
        kind, data, False, PREFILTER, byte_facts=PYTHON_BYTE_FACTS
    ).flags == _expected_flags(kind, data)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12).map(b"".join))
def test_literals_found_are_exactly_those_in_the_bytes(data: bytes) -> None:
    literals = Literals(TRIGGERS, (b"redis", b"Valkey"))
    found = literals.found(data)
    assert found.exact == {t for t in TRIGGERS if t in data}
    assert found.folded == {f for f in (b"redis", b"valkey") if f in data.lower()}


def test_a_literal_whose_gate_is_absent_is_not_searched_but_still_exact() -> None:
    literals = Literals((b"Redis", b"REDIS_PASS", b"rq"), (b"redis",))
    assert literals.found(b"REDIS = 1").exact == frozenset()
    assert literals.found(b"REDIS = 1").folded == {b"redis"}
    assert literals.found(b"x = Redis(); RQ").exact == {b"Redis"}


def test_the_engine_s_triggers_in_answer_its_prefilter_and_every_check_s_may_match() -> None:
    from timeoutlint.engine import Engine
    from timeoutlint.project import ProjectContext

    engine = Engine(Config(REPO), RULES, frozenset(RULES), ProjectContext(root=REPO))
    for data in _texts():
        for kind in KINDS:
            found = engine.triggers_in(kind, data)
            assert bool(found) == engine.may_need_analysis(kind, data)
            for check in (c for c in engine.checks if c.kind == kind):
                assert (not found.isdisjoint(check.triggers)) == check.may_match(data)
