# timeoutlint: skip-file -- test data: Redis URLs and passwords written on purpose
"""Reading Redis URLs as redis-py does, and showing them without their secrets."""

from __future__ import annotations

import pytest

from timeoutlint.checks.redis_url_parts import (
    is_placeholder,
    marker,
    mask_url,
    mask_variable,
    parse_redis_url,
    password_with_specials,
    scan_urls,
)


def test_a_url_without_user_info_has_no_credentials() -> None:
    url = parse_redis_url("redis://redis:6379/0")
    assert url is not None
    assert (url.host_text, url.port, url.has_credentials) == ("redis", "6379", False)


def test_user_info_without_a_colon_is_a_user_name_only() -> None:
    url = parse_redis_url("redis://s3cret@redis:6379/0")
    assert url is not None and url.user_only


def test_the_password_follows_the_first_colon_and_ends_at_the_last_at_sign() -> None:
    url = parse_redis_url("rediss://default:p@ss:w@cache:6380")
    assert url is not None
    assert url.password_text == "p@ss:w"
    assert url.host_text == "cache"


def test_a_password_query_parameter_counts_as_credentials() -> None:
    url = parse_redis_url("redis://redis:6379/0?password=x")
    assert url is not None and url.has_credentials


@pytest.mark.parametrize("password", ["a/b", "a#b", "a?b", "50%off"])
def test_passwords_that_break_the_url_are_found(password: str) -> None:
    text = f"redis://:{password}@redis:6379/0"
    found = password_with_specials(text)
    assert found is not None and text[found[0] : found[1]] == password


@pytest.mark.parametrize("password", ["plain", "a%2Fb", marker(0)])
def test_encoded_and_interpolated_passwords_are_fine(password: str) -> None:
    assert password_with_specials(f"redis://:{password}@redis:6379/0") is None


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("redis://:s3cret@redis:6379/0", "redis://:****@redis:6379/0"),
        ("redis://admin:s3cret@redis", "redis://admin:****@redis"),
        ("redis://s3cret@redis:6379", "redis://****@redis:6379"),
        ("redis://:p@ss/w#rd:x%?+ &=@host/0", "redis://:****@host/0"),
        ("redis://redis:6379/0?password=s3cret&db=1", "redis://redis:6379/0?password=****&db=1"),
        ("redis://redis:6379/0", "redis://redis:6379/0"),
    ],
)
def test_mask_url_never_shows_a_literal_secret(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_mask_url_shows_variables_as_written() -> None:
    text = f"redis://:{marker(0)}@{marker(1)}:6379/0"
    assert (
        mask_url(text, ("${REDIS_PASSWORD}", "{host}"))
        == "redis://:${REDIS_PASSWORD}@{host}:6379/0"
    )


def test_urls_are_found_inside_longer_text() -> None:
    text = 'celery --broker redis://:${PW:-x y}@cache:6379/1 --result-backend "rediss://h"'
    spans = scan_urls(text)
    assert [text[a:b] for a, b in spans] == ["redis://:${PW:-x y}@cache:6379/1", "rediss://h"]


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("redis://:Sup3r'Secret@redis:6379/0", ["redis://:Sup3r'Secret@redis:6379/0"]),
        ("REDIS_URL=redis://:Sp ace@redis/0", ["redis://:Sp ace@redis/0"]),
        ("celery -b redis://:a`b@redis/0 worker", ["redis://:a`b@redis/0"]),
        ("sh -c 'celery -b redis://redis/0' && x", ["redis://redis/0"]),
        ("${URL:-redis://redis:6379/0}", ["redis://redis:6379/0"]),
        ("redis://a:26379/0,redis://b:26379/0", ["redis://a:26379/0", "redis://b:26379/0"]),
        ("redis://:a b@a/0; redis://b/0", ["redis://:a b@a/0", "redis://b/0"]),
    ],
)
def test_a_url_runs_to_the_end_of_a_value_the_closing_quote_or_whitespace(
    text: str, urls: list[str]
) -> None:
    assert [text[a:b] for a, b in scan_urls(text)] == urls


def test_scanning_many_urls_in_one_value_reads_it_once() -> None:
    text = "x 'redis://h/0' " * 20_000

    assert len(scan_urls(text)) == 20_000


def test_the_port_follows_the_first_colon_of_the_host_part_as_in_urlsplit() -> None:
    url = parse_redis_url("redis://h:1:2/0")
    assert url is not None
    assert (url.host_text, url.port, url.readable) == ("h", "1:2", False)


def test_tabs_and_newlines_are_dropped_as_urlsplit_drops_them() -> None:
    url = parse_redis_url("redis://:pa\tss@re\ndis:6379/0")
    assert url is not None
    assert (url.password_text, url.host_text, url.port) == ("pass", "redis", "6379")


def test_an_empty_user_info_is_not_a_password_in_the_user_slot() -> None:
    url = parse_redis_url("redis://@redis:6379/0")
    assert url is not None
    assert (url.user_only, url.has_credentials) == (False, True)


@pytest.mark.parametrize(
    "value",
    [
        "<password>",
        "changeme",
        "ChangeMe",
        "xxx",
        "XXXXX",
        "****",
        "...",
        "{}",
        "{password}",
        "%s",
        "%(password)s",
        "${REDIS_PASSWORD}",
        "${REDIS_PASSWORD:-}",
        "$PW",
        marker(0),
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["s3cret", "changeme2", "xx", "${REDIS_PASSWORD:-s3cret}", "pass word", "<a"]
)
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_mask_variable_masks_a_default_only() -> None:
    assert [mask_variable(v) for v in ("${PW:-s3cret}", "${PW-x}", "${PW}", "{pw}")] == [
        "${PW:-****}",
        "${PW-****}",
        "${PW}",
        "{pw}",
    ]
