"""The .env parser: the conventions of python-dotenv and compose, with exact positions."""

from __future__ import annotations

from timeoutlint.compose.dotenv import parse_dotenv
from timeoutlint.findings import Position, Span


def test_a_plain_entry_has_exact_key_and_value_spans() -> None:
    [entry] = parse_dotenv("REDIS_URL=redis://r:6379/0\n").entries
    assert entry.key == "REDIS_URL"
    assert entry.key_span == Span.of(1, 1, 1, 10)
    assert entry.value_span == Span.of(1, 11, 1, 27)
    assert entry.value_offset() == 0


def test_export_prefix_and_spaces_around_the_equals_sign() -> None:
    [entry] = parse_dotenv("export  KEY = value\n").entries
    assert (entry.key, entry.value) == ("KEY", "value")
    assert entry.key_span.start == Position(1, 9)


def test_a_comment_starts_after_whitespace_in_an_unquoted_value_only() -> None:
    entries = parse_dotenv("A=x # note\nB=x#y\n").entries
    assert [(e.key, e.value) for e in entries] == [("A", "x"), ("B", "x#y")]


def test_a_hash_inside_quotes_is_part_of_the_value() -> None:
    entries = parse_dotenv("A='p#w' # c\nB=\"p#w\"\n").entries
    assert [(e.value, e.quote) for e in entries] == [("p#w", "'"), ("p#w", '"')]


def test_double_quotes_decode_escapes_and_single_quotes_do_not() -> None:
    entries = parse_dotenv("A=\"a\\nb\"\nB='a\\nb'\n").entries
    assert [e.value for e in entries] == ["a\nb", "a\\nb"]
    assert entries[0].value_offset() is None
    assert entries[1].value_offset() == 1


def test_empty_values_and_bare_keys() -> None:
    entries = parse_dotenv("EMPTY=\nQUOTED=''\nBARE\n").entries
    assert [(e.key, e.value) for e in entries] == [("EMPTY", ""), ("QUOTED", ""), ("BARE", None)]


def test_crlf_line_endings_are_not_part_of_values() -> None:
    entries = parse_dotenv("A=1\r\nB='two'\r\n").entries
    assert [e.value for e in entries] == ["1", "two"]
    assert entries[1].value_span == Span.of(2, 3, 2, 8)


def test_a_double_quoted_value_may_span_lines() -> None:
    [entry, after] = parse_dotenv('KEY="line one\nline two"\nNEXT=1\n').entries
    assert entry.value == "line one\nline two"
    assert entry.value_span == Span.of(1, 5, 2, 10)
    assert after.key == "NEXT"


def test_unparseable_lines_are_reported_and_the_rest_is_read() -> None:
    parsed = parse_dotenv("A=1\n=nokey\nC=3\nD='x' trailing\nE=5\nB='unclosed\n")
    assert [e.key for e in parsed.entries] == ["A", "C", "E"]
    assert [(p.position.line, p.position.column) for p in parsed.problems] == [
        (2, 1),
        (4, 7),
        (6, 3),
    ]


def test_comments_blank_lines_and_a_bom_are_skipped() -> None:
    parsed = parse_dotenv("\ufeff# heading\n\n   # indented\nA=1\n")
    assert [e.key for e in parsed.entries] == ["A"]
    assert parsed.entries[0].key_span.start == Position(4, 1)
    assert parsed.problems == ()


def test_the_last_assignment_of_a_key_wins() -> None:
    parsed = parse_dotenv("A=1\nA=2\n")
    assert parsed.values() == {"A": "2"}
    entry = parsed.entry("A")
    assert entry is not None and entry.key_span.start.line == 2
