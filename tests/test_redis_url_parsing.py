# timeoutlint: skip-file -- test data: Redis URLs with passwords written on purpose
"""The tool reads a Redis URL as redis-py does, and its fixes keep the server a URL names.

Passwords are generated from every printable character. redis-py's own
`parse_url` (the installed version) is the reference: the tool's user name,
password, host and port are what redis-py passes on, and a fix of a `.env`
or compose value never yields a URL that redis-py reads with another host,
port, database or password than the one written.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from redis.connection import parse_url

from timeoutlint.catalog import builtin_rules
from timeoutlint.checks.redis_url_parts import parse_redis_url, unquoted
from timeoutlint.compose.dotenv import parse_dotenv
from timeoutlint.compose.model import parse_compose
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery, SourceFile
from timeoutlint.engine import Engine
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

PRINTABLE = st.text(st.sampled_from(string.printable), max_size=24)
ONE_LINE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="$"))
"""What fits in one `.env` or compose line; `$` starts interpolation there and is its own case."""


def _redis_py(url: str) -> dict[str, object] | None:
    try:
        return parse_url(url)
    except ValueError:
        return None


@given(tail=PRINTABLE)
@example(tail=":Sup3r'Secret@redis:6379/0")
@example(tail=":Sp ace@redis:6379/0")
@example(tail=":Back`tick@redis:6379/0")
@example(tail="user:p@ss:w@Cache:6380/1")
@example(tail="@redis:6379")
@example(tail="[::1]:6379/0")
@example(tail=":0")  # port 0: redis-py passes no port (`if url.port:`)
@settings(max_examples=400, deadline=None)
def test_the_parts_are_what_redis_py_passes_on(tail: str) -> None:
    text = "redis://" + tail
    parsed = _redis_py(text)
    url = parse_redis_url(text)
    assert url is not None
    assume(parsed is not None)
    assert parsed is not None
    assert (unquoted(url.username_text) or None) == parsed.get("username")
    assert (unquoted(url.password_text) or None) == parsed.get("password")
    assert (unquoted(url.hostname) if url.hostname else None) == parsed.get("host")
    port = url.port.replace("\t", "").replace("\r", "").replace("\n", "") if url.port else ""
    assert (int(port) or None if port else None) == parsed.get("port")  # redis-py: `if url.port:`
    assert url.readable


@given(password=PRINTABLE)
@settings(max_examples=300, deadline=None)
def test_a_password_of_any_printable_characters_round_trips(password: str) -> None:
    text = f"redis://:{password}@redis:6379/0"
    parsed = _redis_py(text)
    assume(parsed is not None)
    assert parsed is not None
    url = parse_redis_url(text)
    assert url is not None
    assert (unquoted(url.password_text) or None) == parsed.get("password")


@pytest.mark.parametrize(
    ("value", "password", "host"),
    [
        ("redis://:Sup3r'Secret@redis:6379/0", "Sup3r'Secret", "redis"),
        ("redis://:Sp ace@redis:6379/0", "Sp ace", "redis"),
        ("redis://:Back`tick@redis:6379/0", "Back`tick", "redis"),
    ],
)
def test_a_quote_space_or_backtick_belongs_to_the_password(
    value: str, password: str, host: str
) -> None:
    url = parse_redis_url(value)
    assert url is not None
    assert (url.password_text, url.host_text) == (password, host)
    assert parse_url(value)["password"] == password


# Fixes ----------------------------------------------------------------------------------

FORMS = ("redis://:{}@redis:6379/0", "redis://{}@redis:6379/0", "redis://default:{}@redis:6379/0")
COMPOSE = """\
services:
  redis:
    image: redis:7
    command: redis-server --requirepass ${{REDIS_PASSWORD}}
  web:
    image: app
    environment:
      REDIS_URL: {}
"""


class _Fixer:
    """One engine for a project with a password-protected server; fixes any text of a file."""

    def __init__(self, root: Path) -> None:
        (root / "docker-compose.yml").write_text(COMPOSE.format("redis://redis:6379/0"))
        (root / ".env").write_text("REDIS_PASSWORD=x\nREDIS_URL=redis://redis:6379/0\n")
        rules = builtin_rules()
        config = parse_table({"select": ["TL4"]}, root.resolve(), None)
        sources = Discovery(config).files([root])
        self.sources = {source.relative: source for source in sources}
        self.engine = Engine(
            config, rules, selected_rules(config, rules), build_project_context(sources, config)
        )

    def fix(self, name: str, text: str) -> str:
        source: SourceFile = self.sources[name]
        outcome = fix_file(self.engine, source, text.encode("utf-8"), unsafe=True)
        assert outcome.error is None
        return outcome.fixed.decode("utf-8")


@pytest.fixture(scope="module")
def fixer(tmp_path_factory: pytest.TempPathFactory) -> _Fixer:
    return _Fixer(tmp_path_factory.mktemp("fixes"))


def _server(url: str) -> tuple[object, object, object] | None:
    parsed = _redis_py(url)
    return None if parsed is None else (parsed.get("host"), parsed.get("port"), parsed.get("db"))


def _assert_same_server(before: str, after: str) -> None:
    """A changed URL reaches the server redis-py reached before the fix, or the one written
    (redis:6379/0) with the password as a person reads `before` (from the first `:` of the
    user info to the last `@`; the encoding fix) or with the variable put there."""
    if after == before:
        return
    server = _server(after)
    assert server is not None
    if server == _server(before):
        return
    assert server == ("redis", 6379, 0)
    if "${" not in after:
        user_info = before[len("redis://") : before.rfind("@")]
        password = user_info.partition(":")[2] if ":" in user_info else user_info
        assert parse_url(after).get("password") == password


@given(password=ONE_LINE, form=st.sampled_from(FORMS))
@example(password="Sup3r'Secret", form=FORMS[0])
@example(password="Sp ace", form=FORMS[0])
@example(password="a/b#c?d", form=FORMS[0])
@example(password="s3cret", form=FORMS[1])
@example(password="[:[", form=FORMS[1])
@example(password="0@?:", form=FORMS[1])
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_dotenv_fix_keeps_the_server_and_the_password(
    fixer: _Fixer, password: str, form: str
) -> None:
    line = "REDIS_URL=" + form.format(password)
    before = parse_dotenv(f"REDIS_PASSWORD=x\n{line}\n").values().get("REDIS_URL")
    assume(before is not None and before == form.format(password))
    assert before is not None
    fixed = fixer.fix(".env", f"REDIS_PASSWORD=x\n{line}\n")
    after = parse_dotenv(fixed).values().get("REDIS_URL")
    assert after is not None
    _assert_same_server(before, after)


@given(password=ONE_LINE, form=st.sampled_from(FORMS))
@example(password="Sup3r'Secret", form=FORMS[0])
@example(password="Back`tick", form=FORMS[0])
@example(password="a/b#c?d", form=FORMS[0])
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_compose_fix_keeps_the_server_and_the_password(
    fixer: _Fixer, password: str, form: str
) -> None:
    value = form.format(password)
    text = COMPOSE.format(value)
    try:
        before_compose = parse_compose(text)
    except Exception:
        assume(False)
        raise
    [web] = [service for service in before_compose.services if service.name == "web"]
    before = web.env("REDIS_URL")
    assume(before is not None and before.value == value)
    fixed = fixer.fix("docker-compose.yml", text)
    [web_after] = [s for s in parse_compose(fixed).services if s.name == "web"]
    after = web_after.env("REDIS_URL")
    assert after is not None and after.value is not None
    _assert_same_server(value, after.value)
