"""The YAML tree under the compose model: exact positions, aliases, merge keys, bounded expansion."""

from __future__ import annotations

import time

import pytest

from timeoutlint.compose.yaml_tree import (
    MAX_NODES,
    YamlMapping,
    YamlProblem,
    YamlScalar,
    YamlSequence,
    load_documents,
)
from timeoutlint.findings import Position, Span


def _mapping(text: str) -> YamlMapping:
    [document] = load_documents(text)
    assert isinstance(document, YamlMapping)
    return document


def _scalar(node: object) -> YamlScalar:
    assert isinstance(node, YamlScalar)
    return node


def test_a_scalar_keeps_its_exact_span_and_source_text() -> None:
    value = _scalar(_mapping("a:\n  url: 'redis://r:6379'  # comment\n").get("a").get("url"))  # type: ignore[union-attr]
    assert value.span == Span.of(2, 8, 2, 24)
    assert value.raw == "'redis://r:6379'"
    assert value.style == "'"
    assert value.value_offset() == 1


def test_columns_are_counted_in_characters_and_crlf_is_one_line_break() -> None:
    value = _scalar(_mapping("é: x\r\nkey: välue\r\n").get("key"))
    assert value.span.start == Position(2, 6)
    assert value.raw == "välue"


def test_a_quoted_scalar_with_escapes_has_no_value_offset() -> None:
    value = _scalar(_mapping('a: "x\\ty"\n').get("a"))
    assert value.value == "x\ty"
    assert value.value_offset() is None


def test_a_block_scalar_has_no_value_offset() -> None:
    value = _scalar(_mapping("a: |\n  redis://r:6379\n").get("a"))
    assert value.style == "|"
    assert value.value_offset() is None


def test_values_reached_through_an_alias_are_shared_and_the_plain_ones_are_not() -> None:
    root = _mapping("base: &b redis://r\nuse: *b\nown: redis://o\n")
    assert _scalar(root.get("base")).shared
    assert _scalar(root.get("use")).shared
    assert not _scalar(root.get("own")).shared


def test_merge_keys_add_the_anchor_entries_and_own_keys_win() -> None:
    root = _mapping("x: &x {a: 1, b: 2}\ny:\n  <<: *x\n  b: 3\n")
    merged = root.get("y")
    assert isinstance(merged, YamlMapping)
    assert [(k.value, _scalar(v).value) for k, v in merged.items] == [("b", "3"), ("a", "1")]
    assert _scalar(merged.get("a")).shared
    assert not _scalar(merged.get("b")).shared


def test_merge_of_a_list_of_anchors_takes_the_first_source_for_a_repeated_key() -> None:
    root = _mapping("p: &p {k: first}\nq: &q {k: second, z: 1}\nr:\n  <<: [*p, *q]\n")
    merged = root.get("r")
    assert isinstance(merged, YamlMapping)
    assert _scalar(merged.get("k")).value == "first"
    assert _scalar(merged.get("z")).value == "1"


def test_every_document_of_a_stream_is_read() -> None:
    documents = load_documents("a: 1\n---\nb: 2\n---\n")
    assert len(documents) == 3
    assert isinstance(documents[1], YamlMapping) and documents[1].get("b") is not None


def test_flow_collections_mark_their_scalars() -> None:
    root = _mapping("a: [x, y]\nb:\n  - z\n")
    flow = root.get("a")
    block = root.get("b")
    assert isinstance(flow, YamlSequence) and isinstance(block, YamlSequence)
    assert _scalar(flow.items[0]).flow
    assert not _scalar(block.items[0]).flow


def test_a_syntax_error_is_reported_at_the_parsers_position() -> None:
    with pytest.raises(YamlProblem) as problem:
        load_documents("a: [1, 2\nb: 3\n")
    assert problem.value.position == Position(2, 2)


def test_a_billion_laughs_document_stops_fast_with_a_clear_error() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for index in range(1, 10):
        name, previous = chr(ord("a") + index), chr(ord("a") + index - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.monotonic()
    with pytest.raises(YamlProblem) as problem:
        load_documents("\n".join(lines) + "\n")
    assert time.monotonic() - started < 2.0
    assert f"more than {MAX_NODES} values" in str(problem.value)
    assert problem.value.position == Position(5, 1)


def test_an_anchor_that_contains_itself_is_refused() -> None:
    with pytest.raises(YamlProblem, match="contains itself"):
        load_documents("a: &a [*a]\n")


def test_deep_nesting_is_refused_rather_than_crashing() -> None:
    with pytest.raises(YamlProblem):
        load_documents("[" * 5000 + "]" * 5000 + "\n")
