"""TL206 django-redis-cache-without-timeouts: a Django Redis cache that can hang or crash.

Seed 004: gunicorn workers were killed because `cache.get()` waited forever
on an unreachable Redis; the cache's OPTIONS had no SOCKET_CONNECT_TIMEOUT /
SOCKET_TIMEOUT. What counts depends on the backend and the redis-py version:

- django-redis (`django_redis.cache.RedisCache`) reads only the upper-case
  `SOCKET_CONNECT_TIMEOUT` / `SOCKET_TIMEOUT` in OPTIONS and drops falsy values,
  so lower-case keys and 0 are silently ignored. `CONNECTION_POOL_KWARGS`
  with lower-case redis-py keywords and a `?socket_timeout=` in LOCATION do work.
- Django's built-in `django.core.cache.backends.redis.RedisCache` passes OPTIONS
  to redis-py as keyword arguments: lower-case keys work and upper-case ones
  raise TypeError at the first cache call.
- Without timeouts, a call hangs forever only on redis-py < 8.0; 8.x defaults to
  5 s. A missing timeout is therefore reported only when the project may run
  redis-py < 8.0; ignored or crashing keys are reported for every version.

One finding per cache entry, on its "BACKEND" line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from timeoutlint.checks.base import Check, CheckContext
from timeoutlint.findings import Applicability, Fix, Span
from timeoutlint.fixes.operations import AddDictEntries, RenameDictKey, ReplaceDictValue
from timeoutlint.python.model import PythonModule, Scope
from timeoutlint.python.settings import (
    SettingsDict,
    quote_style,
    read_settings_dict,
    settings_entries,
)
from timeoutlint.python.values import Constant, TupleValue, Value

RULE = "TL206"
DJANGO_REDIS = "django_redis.cache.RedisCache"
BUILTIN = "django.core.cache.backends.redis.RedisCache"
BACKEND_LABELS = {DJANGO_REDIS: "django-redis", BUILTIN: "Django's RedisCache"}
CONNECT, READ = "socket_connect_timeout", "socket_timeout"
TIMEOUT_KEYS = (CONNECT, READ)
HANGS_BEFORE = "<8"


def _url_timeouts(value: Value) -> set[str]:
    """The redis-py timeout keywords given as `?socket_timeout=` in LOCATION URL(s)."""
    urls = value.elements if isinstance(value, TupleValue) else (value,)
    found: set[str] = set()
    for url in urls:
        if isinstance(url, Constant) and isinstance(url.value, str):
            query = parse_qs(urlsplit(url.value).query)
            found |= {key for key in TIMEOUT_KEYS if key in query}
    return found


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Problems:
    missing: tuple[str, ...] = ()
    ignored_lower: tuple[str, ...] = ()
    ignored_zero: tuple[str, ...] = ()
    crashing: tuple[str, ...] = ()
    shown_values: tuple[str, ...] = ()


def _is_falsy_constant(value: Value) -> bool:
    return isinstance(value, Constant) and value.value in (0, None, False)


def _django_redis_problems(
    model: PythonModule, scope: Scope, options: SettingsDict | None, given_by_url: set[str]
) -> Problems:
    missing: list[str] = []
    lower: list[str] = []
    zero: list[str] = []
    shown: list[str] = []
    pool_kwargs: SettingsDict | None = None
    if options is not None and "CONNECTION_POOL_KWARGS" in options.items:
        pool_value = model.resolve(options.items["CONNECTION_POOL_KWARGS"][1], scope)
        pool_kwargs = read_settings_dict(pool_value, model, scope)
        if pool_kwargs is None or pool_kwargs.open:
            return Problems()
    for key in TIMEOUT_KEYS:
        upper = key.upper()
        if options is not None and upper in options.items:
            value = model.resolve(options.items[upper][1], scope)
            if _is_falsy_constant(value):
                assert isinstance(value, Constant)
                zero.append(upper)
                shown.append(repr(value.value))
            continue
        if key in given_by_url or (pool_kwargs is not None and key in pool_kwargs.items):
            continue
        if options is not None and key in options.items:
            lower.append(key)
        elif options is None or not options.open:
            missing.append(upper)
    return Problems(tuple(missing), tuple(lower), tuple(zero), shown_values=tuple(shown))


def _builtin_problems(options: SettingsDict | None, given_by_url: set[str]) -> Problems:
    crashing = tuple(key for key in (options.items if options else {}) if key.isupper())
    missing = tuple(
        key
        for key in TIMEOUT_KEYS
        if key not in given_by_url
        and key.upper() not in crashing
        and (options is None or (key not in options.items and not options.open))
    )
    return Problems(missing=missing, crashing=crashing)


def connect_falls_back(problems: Problems) -> bool:
    """Whether the read timeout is in effect, so that a missing or ignored connect timeout is
    not a hang: redis-py connects with `socket_timeout` when `socket_connect_timeout` is not
    given (`Connection.__init__`, 3.x to 8.x)."""
    ineffective = (
        *problems.missing,
        *problems.ignored_lower,
        *problems.ignored_zero,
        *problems.crashing,
    )
    return READ not in {key.lower() for key in ineffective}


def _names(keys: tuple[str, ...]) -> str:
    return " or ".join(keys)


def _describe(
    backend: str, problems: Problems, hangs: bool, versions: str, falls_back: bool = False
) -> str:
    parts: list[str] = []
    if problems.crashing:
        keys = ", ".join(problems.crashing)
        subject = (
            f"the upper-case key {keys} raises"
            if len(problems.crashing) == 1
            else (f"the upper-case keys {keys} raise")
        )
        parts.append(
            f"passes OPTIONS to redis-py as keyword arguments, so {subject} TypeError at the "
            "first cache call (redis-py expects lower-case names such as socket_timeout)"
        )
    if problems.missing:
        parts.append(f"sets no {_names(problems.missing)}")
    if problems.ignored_lower:
        keys = ", ".join(problems.ignored_lower)
        parts.append(
            f"has lower-case {keys}, which django-redis ignores (it reads only upper-case)"
        )
    if problems.ignored_zero:
        keys = ", ".join(
            f"{key}={value}"
            for key, value in zip(problems.ignored_zero, problems.shown_values, strict=True)
        )
        parts.append(f"has {keys}, which django-redis ignores (it drops 0 and None)")
    text = "; ".join(parts)
    if problems.missing or problems.ignored_lower or problems.ignored_zero:
        if falls_back:
            text += ": redis-py connects with the socket timeout instead"
        elif hangs:
            text += (
                ": with redis-py <8.0 (8.x defaults to 5 s) a cache call then waits forever for "
                f"a Redis that stopped answering {versions}"
            )
        else:
            text += f": redis-py 8.x's default of 5 s applies instead {versions}"
    return text


def _fix(
    model: PythonModule,
    ctx: CheckContext,
    backend: str,
    entry: SettingsDict,
    options: SettingsDict | None,
    problems: Problems,
) -> Fix | None:
    timeout = ctx.config.default_timeout
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    values = {CONNECT: _number_text(connect), READ: _number_text(read)}
    upper_case = backend == DJANGO_REDIS

    def name(key: str) -> str:
        return key.upper() if upper_case else key

    if backend == BUILTIN and any(k.lower() not in TIMEOUT_KEYS for k in problems.crashing):
        return None
    operations: list[object] = []
    described: list[str] = []
    missing = tuple(k.lower() for k in problems.missing)
    if options is None:
        quote = quote_style(model, entry)
        inner = ", ".join(f"{quote}{name(k)}{quote}: {values[k]}" for k in missing)
        position = model.span(entry.node).start
        operations.append(AddDictEntries(position, (("OPTIONS", f"{{{inner}}}"),), quote))
        described.append("add OPTIONS with " + " and ".join(name(k) for k in missing))
    else:
        position = model.span(options.node).start
        quote = quote_style(model, options) if options.items else quote_style(model, entry)
        for key in problems.ignored_lower:
            operations.append(RenameDictKey(position, key, key.upper()))
            described.append(f"rename {key} to {key.upper()}")
        for key in problems.crashing:
            operations.append(RenameDictKey(position, key, key.lower()))
            described.append(f"rename {key} to {key.lower()}")
        if missing:
            entries = tuple((name(k), values[k]) for k in missing)
            operations.append(AddDictEntries(position, entries, quote))
            described.append("add " + " and ".join(name(k) for k in missing))
        for key in problems.ignored_zero:
            operations.append(ReplaceDictValue(position, key, values[key.lower()]))
            described.append(f"set {key} to {values[key.lower()]}")
    applicability = Applicability.UNSAFE if problems.ignored_zero else Applicability.SAFE
    message = "; ".join(described)
    return Fix(applicability, message[:1].upper() + message[1:], tuple(operations))


def _backend_span(model: PythonModule, entry: SettingsDict) -> Span:
    key_node, value_node = entry.items["BACKEND"]
    if isinstance(entry.node, ast.Call):
        for keyword in entry.node.keywords:
            if keyword.arg == "BACKEND":
                return model.span(keyword)
    if key_node is not None and hasattr(key_node, "lineno"):
        return model.span_between(key_node, value_node)
    return model.span(value_node)


def _check_entry(
    ctx: CheckContext, model: PythonModule, scope: Scope, alias: str, entry: SettingsDict
) -> None:
    if "BACKEND" not in entry.items:
        return
    backend_value = model.resolve(entry.items["BACKEND"][1], scope)
    if not isinstance(backend_value, Constant) or backend_value.value not in BACKEND_LABELS:
        return
    backend = str(backend_value.value)
    options: SettingsDict | None = None
    if "OPTIONS" in entry.items:
        options = read_settings_dict(model.resolve(entry.items["OPTIONS"][1], scope), model, scope)
        if options is None:
            return
    elif entry.open:
        return
    location = entry.items.get("LOCATION")
    given_by_url = _url_timeouts(model.resolve(location[1], scope)) if location else set()
    if backend == DJANGO_REDIS:
        problems = _django_redis_problems(model, scope, options, given_by_url)
    else:
        problems = _builtin_problems(options, given_by_url)
    redis = ctx.project.dependencies.redis
    hangs = redis.allows_any(HANGS_BEFORE)
    falls_back = connect_falls_back(problems)
    if not hangs or falls_back:
        problems = Problems(
            (),
            problems.ignored_lower,
            problems.ignored_zero,
            problems.crashing,
            problems.shown_values,
        )
    if problems == Problems():
        return
    versions = redis.assumption(HANGS_BEFORE if hangs else ">=8")
    ctx.report(
        RULE,
        _backend_span(model, entry),
        _fix(model, ctx, backend, entry, options, problems),
        alias=repr(alias),
        backend=BACKEND_LABELS[backend],
        problem=_describe(backend, problems, hangs and not falls_back, versions, falls_back),
    )


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _mutates_caches(model: PythonModule) -> bool:
    """Whether the file changes CACHES after building it (`CACHES["default"]["OPTIONS"][...] = 5`,
    `CACHES["default"].update(...)`): then the literal alone is not what Django gets."""
    for node in ast.walk(model.tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                isinstance(t, (ast.Subscript, ast.Attribute)) and _root_name(t) == "CACHES"
                for t in targets
            ):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _root_name(node.func.value) == "CACHES":
                return True
    return False


def check(ctx: CheckContext, model: PythonModule) -> None:
    if _mutates_caches(model):
        return
    for alias, entry, scope in settings_entries(model, "CACHES"):
        _check_entry(ctx, model, scope, alias, entry)


CHECK = Check(rules=(RULE,), kind="python", triggers=(b"CACHES",), run=check)
