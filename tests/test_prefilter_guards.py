"""The prefilter guards: a file a guard admits keeps its findings; a file it rejects has none.

Each rejected case is also forced through the analysis with every guard open, to show that the
guard only skipped work that could not report.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping
from pathlib import Path

from tests.helpers import acme_rule
from timeoutlint.catalog import Rule, builtin_rules, parse_rule
from timeoutlint.checks import ALL_CHECKS
from timeoutlint.checks.base import Check
from timeoutlint.checks.callsite import with_callsite_rules
from timeoutlint.checks.prefilter import REDIS_CONSTRUCTORS, Prospect
from timeoutlint.config import parse_table
from timeoutlint.engine import Engine
from timeoutlint.findings import Finding
from timeoutlint.redis import vocabulary
from timeoutlint.run import CacheOptions, build_session


@dataclasses.dataclass
class Linted:
    engine: Engine
    findings: dict[str, list[Finding]]
    admitted: dict[str, bool]


def run(
    tmp_path: Path,
    files: Mapping[str, str],
    select: str,
    forced: bool = False,
    extra_rules: tuple[Rule, ...] = (),
) -> Linted:
    """Lint `files`: each file's findings, and whether some triggered check's guard admits it."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    rules = {**builtin_rules(), **{rule.id: rule for rule in extra_rules}}
    settings = parse_table({"select": select.split(",")}, tmp_path.resolve(), None)
    session = build_session(
        (tmp_path,), config=settings, rules=rules, cache=CacheOptions(enabled=False), jobs=1
    )
    sources, enabled, project = session.files, session.enabled, session.engine.project
    checks: tuple[Check, ...] = with_callsite_rules(ALL_CHECKS, rules, enabled)
    if forced:
        checks = tuple(dataclasses.replace(check, guard=None) for check in checks)
    engine = Engine(settings, rules, enabled, project, checks)
    found: dict[str, list[Finding]] = {}
    admitted: dict[str, bool] = {}
    for source in sources:
        found[source.relative] = list(engine.check_file(source).findings)
        data = source.path.read_bytes()
        prospect = Prospect(data, source.relative, engine.enabled, project)
        admitted[source.relative] = any(
            c.kind == source.kind and c.may_match(data) and c.admits(prospect)
            for c in engine.checks
        )
    return Linted(engine, found, admitted)


def rule_ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


# Call-site rules ----------------------------------------------------------------------------


def test_an_aliased_requests_import_is_admitted_and_reported(tmp_path: Path) -> None:
    code = """
    import os, requests as r

    r.get(os.environ["URL"])
    """
    linted = run(tmp_path, {"app.py": code}, "TL101")
    assert linted.admitted["app.py"]
    assert rule_ids(linted.findings["app.py"]) == ["TL101"]


def test_a_relative_import_inside_the_requests_package_is_admitted_and_reported(
    tmp_path: Path,
) -> None:
    code = '''
    """Helpers for requests users."""
    from .sessions import Session


    def fetch(url):
        return Session().get(url)
    '''
    linted = run(tmp_path, {"src/requests/helpers.py": code}, "TL101")
    assert linted.admitted["src/requests/helpers.py"]
    assert rule_ids(linted.findings["src/requests/helpers.py"]) == ["TL101"]


def test_a_file_that_only_mentions_requests_is_rejected_and_has_nothing_to_report(
    tmp_path: Path,
) -> None:
    code = '''
    """Counts the requests a server answered."""
    from .sessions import Session

    requests = [Session().get("/")]
    '''
    files = {"app/stats.py": code}
    assert not run(tmp_path, files, "TL101").admitted["app/stats.py"]
    assert run(tmp_path, files, "TL101", forced=True).findings["app/stats.py"] == []


def test_importing_only_requests_exceptions_cannot_reach_a_callee(tmp_path: Path) -> None:
    code = """
    from requests.exceptions import HTTPError

    def fetch(session):
        return session.get("/")
    """
    files = {"app.py": code}
    assert not run(tmp_path, files, "TL101").admitted["app.py"]
    assert run(tmp_path, files, "TL101", forced=True).findings["app.py"] == []


def test_an_in_async_rule_needs_an_async_function(tmp_path: Path) -> None:
    code = """
    import requests

    def fetch():
        return requests.get("https://example.com", timeout=5)
    """
    files = {"app.py": code}
    assert not run(tmp_path, files, "TL103").admitted["app.py"]
    assert run(tmp_path, files, "TL103", forced=True).findings["app.py"] == []


def test_a_library_default_timeout_passed_as_none_is_admitted_and_reported(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    httpx.get("https://example.com", timeout=None)
    """
    linted = run(tmp_path, {"app.py": code}, "TL102")
    assert linted.admitted["app.py"]
    assert rule_ids(linted.findings["app.py"]) == ["TL102"]


def test_a_timeout_keyword_split_by_a_comment_and_a_line_break_is_admitted(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    httpx.get(
        "https://example.com",
        timeout  # no limit for this one
        = None,
    )
    """
    linted = run(tmp_path, {"app.py": code}, "TL102")
    assert linted.admitted["app.py"]
    assert rule_ids(linted.findings["app.py"]) == ["TL102"]


def test_a_timeout_given_as_the_key_of_a_splatted_dict_is_admitted(tmp_path: Path) -> None:
    code = """
    import httpx

    httpx.get("https://example.com", **{'timeout': None})
    """
    linted = run(tmp_path, {"app.py": code}, "TL102")
    assert linted.admitted["app.py"]
    assert rule_ids(linted.findings["app.py"]) == ["TL102"]


def test_library_default_calls_that_never_pass_a_timeout_are_rejected(tmp_path: Path) -> None:
    code = """
    import httpx

    DEFAULT_TIMEOUT = 5


    def fetch(url, read_timeout=DEFAULT_TIMEOUT):
        return httpx.get(url)
    """
    files = {"app.py": code}
    assert not run(tmp_path, files, "TL102").admitted["app.py"]
    assert run(tmp_path, files, "TL102", forced=True).findings["app.py"] == []


AIOHTTP_FACTORY = """
import aiohttp


def make_session():
    return aiohttp.ClientSession()
"""


def test_a_project_client_call_that_passes_none_is_admitted_and_reported(
    tmp_path: Path,
) -> None:
    code = """
    from app.http import make_session


    async def fetch(url):
        return await make_session().get(url, timeout=None)
    """
    files = {"app/__init__.py": "", "app/http.py": AIOHTTP_FACTORY, "app/sync.py": code}
    linted = run(tmp_path, files, "TL102")
    assert linted.admitted["app/sync.py"]
    assert rule_ids(linted.findings["app/sync.py"]) == ["TL102"]


def test_a_project_client_call_without_a_timeout_keyword_is_rejected(tmp_path: Path) -> None:
    code = """
    import async_timeout

    from app.http import make_session


    async def fetch(url):
        async with async_timeout.timeout(10):
            return await make_session().get(url)
    """
    files = {"app/__init__.py": "", "app/http.py": AIOHTTP_FACTORY, "app/sync.py": code}
    assert not run(tmp_path, files, "TL102").admitted["app/sync.py"]
    assert run(tmp_path, files, "TL102", forced=True).findings["app/sync.py"] == []


def test_a_rule_pack_callee_is_guarded_by_its_own_package(tmp_path: Path) -> None:
    pack = parse_rule(acme_rule(triggers=["acme"]), "pack.yaml")
    used = """
    from acme import http

    http.call("https://users.internal/me")
    """
    mentioned = """
    # acme's HTTP wrapper is not used here
    from app import http

    http.call("https://users.internal/me")
    """
    files = {"used.py": used, "mentioned.py": mentioned}
    linted = run(tmp_path, files, "X-ACME001", extra_rules=(pack,))
    assert linted.admitted == {"used.py": True, "mentioned.py": False}
    assert rule_ids(linted.findings["used.py"]) == ["X-ACME001"]
    forced = run(tmp_path, files, "X-ACME001", forced=True, extra_rules=(pack,))
    assert forced.findings["mentioned.py"] == []


# Redis rules --------------------------------------------------------------------------------

CONNECTION = """
import redis

client = redis.Redis(host="cache", socket_timeout=5)
pubsub = client.pubsub()
"""

LISTENER = """
from app.connection import pubsub

for message in pubsub.listen():
    print(message)
"""


def test_a_pubsub_imported_from_an_indexed_module_is_admitted_and_reported(
    tmp_path: Path,
) -> None:
    files = {"app/connection.py": CONNECTION, "app/worker.py": LISTENER}
    linted = run(tmp_path, files, "TL201")
    assert linted.admitted["app/worker.py"]
    assert rule_ids(linted.findings["app/worker.py"]) == ["TL201"]


def test_a_listener_that_imports_no_indexed_module_is_rejected(tmp_path: Path) -> None:
    code = """
    import socket

    server = socket.socket()
    server.listen(5)
    """
    files = {"app/connection.py": CONNECTION, "app/server.py": code}
    assert not run(tmp_path, files, "TL201").admitted["app/server.py"]
    assert run(tmp_path, files, "TL201", forced=True).findings["app/server.py"] == []


def test_a_module_of_a_package_is_reached_by_its_import_name(tmp_path: Path) -> None:
    """`backend/` holds no `__init__.py`, `backend/app/` does: the module is `app.connection`."""
    files = {
        "backend/app/__init__.py": "",
        "backend/app/connection.py": CONNECTION,
        "backend/worker.py": LISTENER,
    }
    linted = run(tmp_path, files, "TL201")
    assert linted.admitted["backend/worker.py"]
    assert rule_ids(linted.findings["backend/worker.py"]) == ["TL201"]


def test_a_bare_name_that_is_only_a_suffix_of_a_package_module_does_not_reach_it(
    tmp_path: Path,
) -> None:
    """`import connection` cannot mean `app/connection.py` inside the package `app` (the index
    does not look it up by that name), so the file is not parsed for the index's pub/sub."""
    files = {
        "app/__init__.py": "",
        "app/connection.py": CONNECTION,
        "worker.py": LISTENER.replace("from app.connection import", "from connection import"),
    }
    assert not run(tmp_path, files, "TL201").admitted["worker.py"]
    assert run(tmp_path, files, "TL201", forced=True).findings["worker.py"] == []


def test_a_name_the_index_only_knows_as_a_constant_cannot_make_a_client(tmp_path: Path) -> None:
    settings = """
    REDIS_HOST = "cache"
    """
    code = """
    from app.settings import REDIS_HOST

    print("redis at", REDIS_HOST)
    """
    files = {"app/settings.py": settings, "app/report.py": code}
    assert not run(tmp_path, files, "TL205").admitted["app/report.py"]
    assert run(tmp_path, files, "TL205", forced=True).findings["app/report.py"] == []


def test_the_async_rules_need_an_async_function(tmp_path: Path) -> None:
    code = """
    import redis

    client = redis.Redis(socket_timeout=5)

    def wait():
        return client.blpop("jobs")
    """
    files = {"app.py": code}
    assert not run(tmp_path, files, "TL301,TL302,TL303").admitted["app.py"]
    forced = run(tmp_path, files, "TL301,TL302,TL303", forced=True)
    assert forced.findings["app.py"] == []


def test_redis_constructors_cover_the_models_external_factories() -> None:
    assert set(vocabulary.EXTERNAL_CLIENT_FACTORIES) <= REDIS_CONSTRUCTORS


# Redis URLs and passwords -------------------------------------------------------------------


def test_a_password_inside_the_redis_package_is_admitted_and_reported(tmp_path: Path) -> None:
    code = """
    from .client import Redis

    cache = Redis(password="hunter2")
    """
    linted = run(tmp_path, {"redis/helpers.py": code}, "TL403")
    assert linted.admitted["redis/helpers.py"]
    assert rule_ids(linted.findings["redis/helpers.py"]) == ["TL403"]


def test_a_password_keyword_of_another_library_is_rejected(tmp_path: Path) -> None:
    code = """
    import smtplib

    smtplib.SMTP("mail").login("me", password="hunter2")
    """
    files = {"mail.py": code}
    assert not run(tmp_path, files, "TL401,TL402,TL403,TL404").admitted["mail.py"]
    forced = run(tmp_path, files, "TL401,TL402,TL403,TL404", forced=True)
    assert forced.findings["mail.py"] == []


def test_a_password_literal_in_parentheses_on_its_own_line_is_admitted(tmp_path: Path) -> None:
    code = """
    import redis

    cache = redis.Redis(
        password = (
            "hunter2"
        ),
    )
    """
    linted = run(tmp_path, {"cache.py": code}, "TL403")
    assert linted.admitted["cache.py"]
    assert rule_ids(linted.findings["cache.py"]) == ["TL403"]


def test_a_password_keyword_given_a_name_is_rejected(tmp_path: Path) -> None:
    code = """
    import redis

    from app import settings

    cache = redis.Redis(password=settings.CACHE_SECRET)
    """
    files = {"cache.py": code}
    assert not run(tmp_path, files, "TL401,TL402,TL403,TL404").admitted["cache.py"]
    forced = run(tmp_path, files, "TL401,TL402,TL403,TL404", forced=True)
    assert forced.findings["cache.py"] == []


def test_a_redis_url_literal_is_admitted_whatever_the_imports(tmp_path: Path) -> None:
    code = """
    BROKER = "redis://:hunter2@cache:6379/0"
    """
    linted = run(tmp_path, {"settings.py": code}, "TL403")
    assert linted.admitted["settings.py"]
    assert rule_ids(linted.findings["settings.py"]) == ["TL403"]


# Django settings ----------------------------------------------------------------------------


def test_a_postgresql_engine_split_at_a_dot_is_admitted_and_reported(tmp_path: Path) -> None:
    code = """
    DATABASES = {"default": {"ENGINE": "django.db.backends." "postgresql", "NAME": "shop"}}
    """
    linted = run(tmp_path, {"settings.py": code}, "TL104")
    assert linted.admitted["settings.py"]
    assert rule_ids(linted.findings["settings.py"]) == ["TL104"]


def test_a_sqlite_database_is_rejected(tmp_path: Path) -> None:
    code = """
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
    """
    files = {"settings.py": code}
    assert not run(tmp_path, files, "TL104").admitted["settings.py"]
    assert run(tmp_path, files, "TL104", forced=True).findings["settings.py"] == []


def test_a_django_redis_cache_is_admitted_and_reported(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://c"}}
    """
    linted = run(tmp_path, {"settings.py": code}, "TL206")
    assert linted.admitted["settings.py"]
    assert rule_ids(linted.findings["settings.py"]) == ["TL206"]


def test_a_local_memory_cache_is_rejected(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    """
    files = {"settings.py": code}
    assert not run(tmp_path, files, "TL206").admitted["settings.py"]
    assert run(tmp_path, files, "TL206", forced=True).findings["settings.py"] == []


# Syntax errors ------------------------------------------------------------------------------


def test_a_rejected_file_is_not_parsed_so_its_syntax_error_is_not_reported(
    tmp_path: Path,
) -> None:
    code = """
    requests = [
    """
    linted = run(tmp_path, {"broken.py": code}, "TL101")
    assert not linted.admitted["broken.py"]
    assert rule_ids(linted.findings["broken.py"]) == []


def test_an_admitted_file_with_a_syntax_error_reports_it(tmp_path: Path) -> None:
    code = """
    import requests
    requests.get(
    """
    linted = run(tmp_path, {"broken.py": code}, "TL101")
    assert linted.admitted["broken.py"]
    assert rule_ids(linted.findings["broken.py"]) == ["TL001"]


def test_every_engine_tl104_knows_contains_a_word_its_guard_asks_for() -> None:
    from timeoutlint.checks import django_databases

    words = [w.decode() for w in django_databases._ENGINE_WORDS]
    assert [e for e in django_databases.ENGINES if not any(w in e for w in words)] == []


def test_every_cache_backend_tl206_knows_contains_a_class_its_guard_asks_for() -> None:
    from timeoutlint.checks import django_cache

    classes = [c.decode() for c in django_cache._BACKEND_CLASSES]
    labels = django_cache.BACKEND_LABELS
    assert [b for b in labels if not any(c in b.rsplit(".", 1)[-1] for c in classes)] == []
