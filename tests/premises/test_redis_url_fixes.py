"""Premises of TL401/TL404 and of leaving TL405 out, on a real redis-server and redis-cli.

- A URL flagged by TL401 fails to authenticate; after `timeoutlint fix`, with
  the variable's value substituted as compose / python-dotenv / the process
  environment would, it connects (.env, compose and the seed's Python
  fallback).
- A password with `/ # ? % @ :` breaks an f-string URL; after the TL404 fix
  (`quote(..., safe="")`) it connects.
- A password that `quote()` encoded with its default `safe="/"` breaks the URL
  only by a `/` (`#`, `?`, `%` are encoded), and wrapping it in a second
  `quote(..., safe="")` (a fix TL404 no longer offers) fails to authenticate.
- A `'`, a space and a backtick in a URL password are sent as part of it
  (the tool reads such a URL as redis-py does, not cut at the quote).
- `redis://alice@host` authenticates an ACL user declared `nopass`, which is
  why TL402's fix is unsafe for a literal.
- `redis-cli ping` against a server with `requirepass` prints NOAUTH but
  exits 0, so a compose healthcheck without `-a`/`REDISCLI_AUTH` still reports
  a running server as healthy and a stopped one as unhealthy: it does not
  misreport the state, which is why there is no TL405.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

from tests.premises.conftest import MISSING
from tests.redis_server import TEST_PASSWORD, RedisServer, free_port, redis_server_binary
from timeoutlint.catalog import builtin_rules
from timeoutlint.compose import interpolation
from timeoutlint.compose.dotenv import parse_dotenv
from timeoutlint.compose.model import parse_compose
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

SPECIAL_PASSWORD = "p@ss/w#rd:x%?+&="


def _fix_project(root: Path) -> dict[str, str]:
    """Run the fixer (unsafe fixes included) over the project; the fixed text of each file."""
    rules = builtin_rules()
    config = parse_table({"select": ["TL4"]}, root.resolve(), None)
    sources = Discovery(config).files([root])
    engine = Engine(
        config, rules, selected_rules(config, rules), build_project_context(sources, config)
    )
    fixed: dict[str, str] = {}
    for source in sources:
        outcome = fix_file(engine, source, source.path.read_bytes(), unsafe=True)
        assert outcome.error is None
        fixed[source.relative] = outcome.fixed.decode("utf-8")
    return fixed


def _pings(url: str) -> bool:
    client = redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    finally:
        client.close()


def _module_value(code: str, name: str, environment: dict[str, str]) -> str:
    saved = dict(os.environ)
    try:
        for key in ("REDIS_URL", "REDIS_PASSWORD"):
            os.environ.pop(key, None)
        os.environ.update(environment)
        namespace: dict[str, object] = {}
        exec(compile(code, "settings.py", "exec"), namespace)
        return str(namespace[name])
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def seed_project(tmp_path: Path, redis_server_with_password: RedisServer) -> Iterator[Path]:
    port = redis_server_with_password.port
    files = {
        "docker-compose.yml": textwrap.dedent(f"""\
            services:
              redis:
                image: redis:7-alpine
                command: redis-server --requirepass ${{REDIS_PASSWORD}}
                ports:
                  - "{port}:6379"
              worker:
                image: app
                environment:
                  - REDIS_URL=redis://127.0.0.1:{port}/0
        """),
        ".env": f"REDIS_PASSWORD={TEST_PASSWORD}\nCELERY_BROKER_URL=redis://127.0.0.1:{port}/1\n",
        "settings.py": textwrap.dedent(f"""\
            import os

            REDIS_HOST = os.environ.get('REDIS_HOST', '127.0.0.1')
            REDIS_PORT = int(os.environ.get('REDIS_PORT', {port}))
            REDIS_DB = int(os.environ.get('REDIS_DB', 0))
            REDIS_URL = os.environ.get('REDIS_URL', f'redis://{{REDIS_HOST}}:{{REDIS_PORT}}/{{REDIS_DB}}')
        """),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    yield tmp_path


@pytest.mark.redis_server
def test_the_flagged_urls_fail_and_the_fixed_ones_connect(seed_project: Path) -> None:
    original_env = parse_dotenv((seed_project / ".env").read_text()).values()
    original_compose = parse_compose((seed_project / "docker-compose.yml").read_text())
    fixed = _fix_project(seed_project)
    fixed_env = parse_dotenv(fixed[".env"]).values()
    fixed_compose = parse_compose(fixed["docker-compose.yml"])
    lookup = interpolation.lookup_in(fixed_env)

    def compose_url(compose: object) -> str:
        [entry] = [e for s in compose.services for e in s.environment]  # type: ignore[attr-defined]
        value = interpolation.resolve(interpolation.parse(entry.value), lookup)
        assert value is not None
        return value

    broker_before = original_env["CELERY_BROKER_URL"]
    broker_after = interpolation.resolve(
        interpolation.parse(fixed_env["CELERY_BROKER_URL"] or ""), lookup
    )
    settings_before = _module_value((seed_project / "settings.py").read_text(), "REDIS_URL", {})
    settings_after = _module_value(
        fixed["settings.py"], "REDIS_URL", {"REDIS_PASSWORD": TEST_PASSWORD}
    )
    for url in (broker_before, compose_url(original_compose), settings_before):
        assert url is not None
        with pytest.raises(redis.AuthenticationError):
            _pings(url)
    for url in (broker_after, compose_url(fixed_compose), settings_after):
        assert url is not None and TEST_PASSWORD in url
        assert _pings(url)
    assert TEST_PASSWORD not in fixed["docker-compose.yml"]
    assert TEST_PASSWORD not in fixed["settings.py"]


@pytest.fixture
def special_password_server() -> Iterator[RedisServer]:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip(MISSING)
    server = RedisServer(binary, requirepass=SPECIAL_PASSWORD).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.redis_server
def test_an_unquoted_password_breaks_the_url_and_the_tl404_fix_connects(
    tmp_path: Path, special_password_server: RedisServer
) -> None:
    port = special_password_server.port
    code = f"import os\n\nPASSWORD = os.environ['PW']\nURL = f'redis://:{{PASSWORD}}@127.0.0.1:{port}/0'\n"
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    fixed = _fix_project(tmp_path)["app.py"]
    assert 'quote(PASSWORD, safe="")' in fixed
    before = _module_value(code, "URL", {"PW": SPECIAL_PASSWORD})
    after = _module_value(fixed, "URL", {"PW": SPECIAL_PASSWORD})
    with pytest.raises((ValueError, redis.ConnectionError, redis.AuthenticationError)):
        _pings(before)
    assert _pings(after)


NO_SLASH_PASSWORD = "p@ss#w?rd:x%41+&="


@pytest.fixture
def no_slash_password_server() -> Iterator[RedisServer]:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip(MISSING)
    server = RedisServer(binary, requirepass=NO_SLASH_PASSWORD).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.redis_server
def test_quote_with_its_default_safe_breaks_a_url_only_by_a_slash(
    special_password_server: RedisServer, no_slash_password_server: RedisServer
) -> None:
    def url(password: str, port: int) -> str:
        return f"redis://:{password}@127.0.0.1:{port}/0"

    assert _pings(url(quote(NO_SLASH_PASSWORD), no_slash_password_server.port))
    with pytest.raises((ValueError, redis.ConnectionError, redis.AuthenticationError)):
        _pings(url(quote(SPECIAL_PASSWORD), special_password_server.port))
    assert _pings(url(quote(SPECIAL_PASSWORD, safe=""), special_password_server.port))


@pytest.mark.redis_server
def test_a_password_quoted_twice_fails_to_authenticate(
    no_slash_password_server: RedisServer,
) -> None:
    twice = quote(quote(NO_SLASH_PASSWORD), safe="")
    with pytest.raises(redis.AuthenticationError):
        _pings(f"redis://:{twice}@127.0.0.1:{no_slash_password_server.port}/0")


@pytest.mark.redis_server
def test_redis_cli_ping_without_auth_exits_zero_against_a_password_protected_server(
    redis_server_with_password: RedisServer,
) -> None:
    cli = shutil.which("redis-cli")
    if cli is None:
        pytest.skip("redis-cli is not installed (Debian package redis-tools)")
    port = str(redis_server_with_password.port)
    unauthenticated = subprocess.run(
        [cli, "-h", "127.0.0.1", "-p", port, "ping"], capture_output=True, text=True, timeout=10
    )
    assert unauthenticated.returncode == 0
    assert "NOAUTH" in unauthenticated.stdout
    authenticated = subprocess.run(
        [cli, "-h", "127.0.0.1", "-p", port, "ping"],
        capture_output=True,
        text=True,
        timeout=10,
        env={**os.environ, "REDISCLI_AUTH": TEST_PASSWORD},
    )
    assert (authenticated.returncode, authenticated.stdout.strip()) == (0, "PONG")
    nobody_listens = subprocess.run(
        [cli, "-h", "127.0.0.1", "-p", str(free_port()), "ping"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert nobody_listens.returncode == 1
    grep_for_pong = subprocess.run(
        f"{cli} -h 127.0.0.1 -p {port} ping | grep PONG",
        shell=True,
        capture_output=True,
        timeout=10,
    )
    assert grep_for_pong.returncode == 1


QUOTED_PASSWORD = "Sup3r'Sp ace`tick"


@pytest.mark.redis_server
def test_a_quote_space_and_backtick_are_sent_as_part_of_the_password(
    redis_server: RedisServer,
) -> None:
    """Why the tool reads `redis://:Sup3r'Sp ace`tick@host` as one password (not a cut URL)."""
    port = redis_server.port
    admin = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
    admin.execute_command("CONFIG", "SET", "requirepass", QUOTED_PASSWORD)
    try:
        assert _pings(f"redis://:{QUOTED_PASSWORD}@127.0.0.1:{port}/0")
        with pytest.raises(redis.AuthenticationError):
            _pings(f"redis://:Sup3r@127.0.0.1:{port}/0")
    finally:
        restore = redis.Redis(
            host="127.0.0.1", port=port, password=QUOTED_PASSWORD, socket_timeout=2
        )
        restore.execute_command("CONFIG", "SET", "requirepass", "")
        restore.close()
        admin.close()


@pytest.mark.redis_server
def test_a_user_name_only_url_is_right_for_an_acl_user_without_password(
    redis_server: RedisServer,
) -> None:
    """Why TL402's fix is unsafe for a literal: `redis://alice@host` authenticates an ACL user
    declared `nopass` (redis-py sends `AUTH alice ""`), and the fixed `redis://:alice@host`
    sends `alice` as the default user's password instead."""
    admin = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_timeout=2)
    admin.execute_command("ACL", "SETUSER", "alice", "on", "nopass", "~*", "+@all")
    admin.execute_command("CONFIG", "SET", "requirepass", "default-secret")
    try:
        url = f"redis://alice@127.0.0.1:{redis_server.port}/0"
        assert _pings(url)
        with pytest.raises(redis.AuthenticationError):
            _pings(url.replace("redis://alice@", "redis://:alice@"))
    finally:
        restore = redis.Redis(
            host="127.0.0.1", port=redis_server.port, password="default-secret", socket_timeout=2
        )
        restore.execute_command("CONFIG", "SET", "requirepass", "")
        restore.execute_command("ACL", "DELUSER", "alice")
        restore.close()
        admin.close()
