"""TL104 django-database-without-connect-timeout: a database that can hang on connect.

Django passes a `DATABASES` entry's OPTIONS to the driver: psycopg / psycopg2
(libpq) and mysqlclient read `connect_timeout` from there. Without it libpq
waits indefinitely (psycopg 3 caps the wait at 130 s) for a server that
accepted the TCP connection and never answers, and every request that
touches the database hangs with it. Entries whose
OPTIONS cannot be read (a variable, a `**splat`, `dj_database_url`) are not
guessed about.

One finding per entry, on its "ENGINE" item.
"""

from __future__ import annotations

import math

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.findings import Applicability, Fix
from timeoutlint.fix_operations import AddDictEntries
from timeoutlint.python.model import PythonModule
from timeoutlint.python.settings import SettingsDict, quote_style, settings_entries
from timeoutlint.python.values import Constant

RULE = "TL104"
KEY = "connect_timeout"
ENGINES = {
    "django.db.backends.postgresql": "PostgreSQL",
    "django.db.backends.postgresql_psycopg2": "PostgreSQL",
    "django.contrib.gis.db.backends.postgis": "PostgreSQL",
    "django.db.backends.mysql": "MySQL",
    "django.contrib.gis.db.backends.mysql": "MySQL",
}


def _fix(
    model: PythonModule, ctx: CheckContext, entry: SettingsDict, options: SettingsDict | None
) -> Fix:
    configured = ctx.config.default_timeout
    connect = configured[0] if isinstance(configured, tuple) else configured
    seconds = str(max(1, math.ceil(connect)))
    if options is None:
        quote = quote_style(model, entry)
        value = f"{{{quote}{KEY}{quote}: {seconds}}}"
        operation = AddDictEntries(model.span(entry.node).start, (("OPTIONS", value),), quote)
        return Fix(Applicability.SAFE, f"Add OPTIONS with `{KEY}: {seconds}`", (operation,))
    quote = quote_style(model, options) if options.items else quote_style(model, entry)
    operation = AddDictEntries(model.span(options.node).start, ((KEY, seconds),), quote)
    return Fix(Applicability.SAFE, f"Add `{KEY}: {seconds}` to OPTIONS", (operation,))


def _check_entry(ctx: CheckContext, model: PythonModule, alias: str, entry: SettingsDict) -> None:
    engine_item = entry.items.get("ENGINE")
    if engine_item is None:
        return
    engine = entry.value_of("ENGINE", model)
    if not isinstance(engine, Constant) or engine.value not in ENGINES:
        return
    options: SettingsDict | None = None
    if "OPTIONS" in entry.items:
        options = entry.child("OPTIONS")
        if options is None or options.open or options.opened_by or KEY in options.items:
            return
    elif entry.open or entry.opened_by:
        return
    key_node = engine_item.key
    value_node = engine_item.value if engine_item.value is not None else key_node
    ctx.report(
        RULE,
        model.span_between(key_node, value_node),
        _fix(model, ctx, entry, options),
        alias=alias,
        database=ENGINES[str(engine.value)],
    )


def check(ctx: CheckContext, model: PythonModule) -> None:
    for alias, entry in settings_entries(model, "DATABASES"):
        _check_entry(ctx, model, alias, entry)


_ENGINE_WORDS = (b"postgresql", b"postgis", b"mysql")


def may_report(prospect: Prospect) -> bool:
    """A finding is on an entry whose ENGINE the model resolves to a string constant of
    `ENGINES` (`model.resolve` reads only this file and folds no `+` or f-string), so one of
    those literals is written here, and each contains one of `_ENGINE_WORDS` (even split at a
    dot by implicit concatenation): a SQLite or Oracle settings file is not parsed."""
    return mentions_any(prospect.data, _ENGINE_WORDS)


CHECK = Check(rules=(RULE,), kind="python", triggers=(b"DATABASES",), run=check, guard=may_report)
