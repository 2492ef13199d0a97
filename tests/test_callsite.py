"""The declarative call-site engine: matching callees by what they are; strict validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import acme_rule as entry
from tests.helpers import lint
from timeoutlint.catalog import CatalogError, builtin_rules, parse_rule
from timeoutlint.checks.callsite import build_index, callsite_check, fix_value
from timeoutlint.config import Config


def load_error(data: dict[str, Any]) -> str:
    with pytest.raises(CatalogError) as caught:
        parse_rule(data, "ci/timeouts.yaml")
    return str(caught.value)


# Validation -------------------------------------------------------------------


def test_a_valid_section_is_parsed_with_defaults_applied_to_every_callee() -> None:
    spec = parse_rule(entry(), "pack.yaml").callsite
    assert spec is not None
    assert [c.argument.keyword for c in spec.callees] == ["deadline", "deadline"]
    assert spec.callees[0].argument.positional == 1
    assert spec.callees[1].built_by == ("acme.http.Client",)


def test_default_triggers_are_the_top_level_packages_of_the_callees() -> None:
    spec = parse_rule(entry(), "pack.yaml").callsite
    assert spec is not None and spec.triggers == ("acme",)


def test_an_unknown_field_names_the_file_the_rule_and_the_field() -> None:
    data = entry(callees=[{"functions": ["acme.http.call"], "timeout_kw": "deadline"}])
    message = load_error(data)
    assert "ci/timeouts.yaml (X-ACME001) callsite callees[0]" in message
    assert "unknown field 'timeout_kw'" in message


def test_a_negative_position_is_rejected_with_the_field_name() -> None:
    message = load_error(entry(callees=[{"functions": ["acme.http.call"], "positional": -1}]))
    assert "field 'positional' must be a non-negative integer, not -1" in message


def test_a_callee_needs_a_qualified_name() -> None:
    message = load_error(entry(callees=[{"functions": ["call"]}]))
    assert "field 'functions'" in message and "'call' is not one" in message


def test_methods_need_the_constructor_that_builds_the_object() -> None:
    message = load_error(entry(callees=[{"methods": ["call"]}]))
    assert "'methods' need 'built-by'" in message


def test_a_yaml_on_key_is_caught_instead_of_silently_becoming_true() -> None:
    message = load_error(entry(callees=[{"methods": ["call"], True: ["acme.http.Client"]}]))
    assert "unknown field 'True'" in message


def test_an_unknown_fix_placeholder_is_rejected() -> None:
    message = load_error(entry(defaults={"keyword": "deadline", "fix-value": "{minutes}"}))
    assert "unknown placeholder(s) minutes" in message


def test_a_short_trigger_is_rejected_because_every_file_would_parse() -> None:
    message = load_error(entry(triggers=["get"]))
    assert "trigger 'get' is shorter than 4 characters" in message


def test_triggers_that_miss_a_callee_are_rejected() -> None:
    message = load_error(entry(triggers=["requests"]))
    assert "a file using acme.http.call would never be checked" in message


def test_when_absent_only_accepts_its_two_values() -> None:
    message = load_error(entry(defaults={"keyword": "deadline", "when-absent": "ignore"}))
    assert "field 'when-absent' must be one of finding, library-default" in message


# Matching -------------------------------------------------------------------


def test_one_check_covers_every_enabled_callsite_rule_with_their_triggers() -> None:
    rules = builtin_rules()
    check = callsite_check(rules, {"TL101", "TL102"})
    assert check is not None
    assert set(check.rules) == {"TL101", "TL102"}
    assert b"requests" in check.triggers and b"urlopen" in check.triggers
    assert all(len(t) >= 4 for t in check.triggers)


def test_no_check_when_no_callsite_rule_is_enabled() -> None:
    assert callsite_check(builtin_rules(), {"TL001"}) is None


def test_the_index_maps_functions_and_methods_to_their_rules() -> None:
    index = build_index(builtin_rules().values())
    assert {d.rule_id for d in index.functions["requests.get"]} == {"TL101", "TL103"}
    assert "get" in index.attribute_names
    assert "httpx.Timeout" in index.timeout_objects


def test_a_session_subclass_that_overrides_request_is_not_a_session(tmp_path: Path) -> None:
    findings = lint(
        tmp_path,
        """
        import requests

        class TimeoutSession(requests.Session):
            def request(self, *args, **kwargs):
                kwargs.setdefault("timeout", 5)
                return super().request(*args, **kwargs)

        class PlainSession(requests.Session):
            pass

        TimeoutSession().get("https://a")
        PlainSession().get("https://b")
        """,
    )
    assert [f.span.start.line for f in findings] == [13]


def test_request_takes_the_timeout_as_its_ninth_positional_argument(tmp_path: Path) -> None:
    findings = lint(
        tmp_path,
        """
        import requests

        s = requests.Session()
        s.request("GET", "u", None, None, None, None, None, None, 5)
        s.request("GET", "u", None, None, None, None, None, None)
        """,
    )
    assert [f.span.start.line for f in findings] == [6]


def test_a_splat_of_unknown_kwargs_may_carry_the_timeout(tmp_path: Path) -> None:
    assert (
        lint(
            tmp_path,
            "import urllib.request\n\ndef f(**kw):\n    urllib.request.urlopen('u', **kw)\n",
            select="TL102",
        )
        == []
    )


def test_a_dict_literal_splat_with_the_keyword_counts(tmp_path: Path) -> None:
    code = "import socket\n\nsocket.create_connection(('h', 1), **{'timeout': 3})\n"
    assert lint(tmp_path, code, select="TL102") == []


def test_a_name_that_is_rebound_is_no_longer_the_client(tmp_path: Path) -> None:
    code = """
    import httpx

    client = httpx.Client()
    client = {"timeout": None}
    client.get("key", timeout=None)
    """
    assert lint(tmp_path, code, select="TL102") == []


def test_methods_of_a_pool_are_fine_when_its_constructor_sets_the_timeout(tmp_path: Path) -> None:
    code = """
    import urllib3

    with_timeout = urllib3.PoolManager(timeout=5)
    without = urllib3.PoolManager()
    with_timeout.request("GET", "u")
    without.request("GET", "u")
    """
    findings = lint(tmp_path, code, select="TL102")
    assert [f.span.start.line for f in findings] == [7]


def test_the_library_default_makes_an_absent_timeout_fine_but_not_an_explicit_none(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    httpx.get("u")
    httpx.get("u", timeout=None)
    httpx.get("u", timeout=(5, None))
    httpx.get("u", timeout=httpx.Timeout(None, read=5))
    """
    findings = lint(tmp_path, code, select="TL102")
    assert [(f.span.start.line, f.message) for f in findings] == [
        (5, "`httpx.get()` has timeout=None and can wait forever"),
        (
            6,
            "`httpx.get()` has no read timeout (timeout=(connect, None)) and can wait forever "
            "for a response",
        ),
    ]


def test_an_httpx_timeout_has_no_read_limit_when_read_or_else_its_default_is_none(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    httpx.get("u", timeout=httpx.Timeout(5.0, read=None))
    httpx.get("u", timeout=httpx.Timeout(connect=5, read=None, write=5, pool=5))
    httpx.get("u", timeout=httpx.Timeout(None, connect=5))
    httpx.get("u", timeout=httpx.Timeout(None, read=5))
    httpx.get("u", timeout=httpx.Timeout(5.0, pool=None))
    httpx.get("u", timeout=httpx.Timeout(connect=5, read=5, write=5, pool=5))
    """
    findings = lint(tmp_path, code, select="TL102")
    assert [(f.span.start.line, f.message) for f in findings] == [
        (line, "`httpx.get()` has a timeout without a read limit and can wait forever")
        for line in (4, 5, 6)
    ]


def test_the_fix_bounds_only_the_read_limit_of_a_timeout_object_written_on_one_line(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    LIMITS = httpx.Timeout(None, connect=5)
    httpx.get("u", timeout=httpx.Timeout(connect=5, read=None, write=60, pool=60))
    httpx.get("u", timeout=httpx.Timeout(None, connect=5))
    httpx.get("u", timeout=LIMITS)
    httpx.get("u", timeout=httpx.Timeout(5, read=LIMITS.read))
    httpx.get("u", timeout=httpx.Timeout(
        connect=5, read=None))
    """
    findings = lint(tmp_path, code, select="TL102")
    assert [(f.span.start.line, f.fix and f.fix.message) for f in findings] == [
        (5, "Replace the timeout with `httpx.Timeout(connect=5, read=10, write=60, pool=60)`"),
        (6, "Replace the timeout with `httpx.Timeout(10, connect=5)`"),
        (7, "Replace the timeout with `10`"),
        (9, "Replace the timeout with `10`"),
    ]


def test_a_timeout_object_needs_exactly_one_way_to_tell_its_read_limit() -> None:
    both = {"constructor": "acme.Timeout", "unbounded-when-none": [{"keyword": "t"}]}
    both["read-limit"] = [{"keyword": "read"}]
    for wrong in (both, {"constructor": "acme.Timeout"}):
        message = load_error(entry(**{"timeout-objects": [wrong]}))
        assert "one of 'unbounded-when-none' or 'read-limit'" in message


def test_a_constant_dsn_with_the_setting_counts_and_one_without_does_not(tmp_path: Path) -> None:
    code = """
    import psycopg2

    psycopg2.connect("dbname=a connect_timeout=3")
    psycopg2.connect(dsn="dbname=a")
    """
    findings = lint(tmp_path, code, select="TL102")
    assert [f.span.start.line for f in findings] == [5]


# Fix values ----------------------------------------------------------------------


def test_fix_values_come_from_default_timeout() -> None:
    config = Config(root=Path("."), default_timeout=(3.5, 20))
    assert fix_value(config, "{timeout}") == "(3.5, 20)"
    assert fix_value(config, "{seconds}") == "20"
    assert fix_value(config, "{connect}") == "3.5"
    assert fix_value(config, "{connect_int}") == "4"
    assert (
        fix_value(config, "aiohttp.ClientTimeout(total={seconds})")
        == "aiohttp.ClientTimeout(total=20)"
    )


def test_a_configured_timeout_is_what_the_fix_inserts(tmp_path: Path) -> None:
    findings = lint(
        tmp_path,
        "import socket\nsocket.create_connection(('h', 1))\n",
        select="TL102",
        default_timeout=2.5,
    )
    assert findings[0].fix is not None
    assert findings[0].fix.message == "Add `timeout=2.5`"


def test_a_callsite_rule_must_read_python() -> None:
    data = entry()
    data["reads"] = ["compose"]
    assert "a rule with a 'callsite' section must read python files" in load_error(data)


def test_a_message_placeholder_the_engine_does_not_fill_is_rejected() -> None:
    data = entry()
    data["message"] = "`{callee}()` in {function}"
    message = load_error(data)
    assert "field 'message' uses {function}, but a 'missing-timeout' rule fills only" in message
