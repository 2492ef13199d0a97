# timeoutlint: skip-file -- test data: Redis URLs and passwords written on purpose
"""Reading Redis URLs as redis-py does, and showing them without their secrets."""

from __future__ import annotations

import pytest

from timeoutlint.checks.redis_url_parts import (
    marker,
    mask_url,
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
