"""TL206 django-redis-cache-without-timeouts: a Django Redis cache that can hang or crash.

The outage: gunicorn workers were killed because `cache.get()` waited forever
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
from timeoutlint.checks.prefilter import Prospect, mentions_any
from timeoutlint.findings import Applicability, Fix, Span
from timeoutlint.fix_operations import AddDictEntries, RenameDictKey, ReplaceDictValue
from timeoutlint.python.model import PythonModule
from timeoutlint.python.settings import SettingsDict, quote_style, settings_entries
from timeoutlint.python.values import Constant, TupleValue, Value

RULE = "TL206"
DJANGO_REDIS = "django_redis.cache.RedisCache"
BUILTIN = "django.core.cache.backends.redis.RedisCache"
REDIS_LOCK = "redis_lock.django_cache.RedisCache"
PROMETHEUS_DJANGO_REDIS = "django_prometheus.cache.backends.redis.RedisCache"
PROMETHEUS_BUILTIN = "django_prometheus.cache.backends.redis.NativeRedisCache"
"""django-prometheus's metric-counting backends (2.5.0): `RedisCache` extends django-redis's
`RedisCache`, `NativeRedisCache` extends Django's; both override only `get`, so OPTIONS are
read as their base class reads them."""
BUILTIN_BACKENDS = (BUILTIN, PROMETHEUS_BUILTIN)
DJANGO_VALKEY = (
    "django_valkey.cache.ValkeyCache",
    "django_valkey.async_cache.cache.AsyncValkeyCache",
    "django_valkey.cluster_cache.cache.ClusterValkeyCache",
)
"""django-valkey's backends: all build their connections with `make_connection_params` of
`base_pool.BaseConnectionFactory`, which reads OPTIONS as django-redis does (upper-case
`SOCKET_TIMEOUT` / `SOCKET_CONNECT_TIMEOUT` only, dropped when 0 or None)."""
BACKEND_LABELS = {
    DJANGO_REDIS: "django-redis",
    REDIS_LOCK: "python-redis-lock's django-redis cache",
    BUILTIN: "Django's RedisCache",
    PROMETHEUS_DJANGO_REDIS: "django-prometheus's django-redis cache",
    PROMETHEUS_BUILTIN: "django-prometheus's wrapper of Django's RedisCache",
    **dict.fromkeys(DJANGO_VALKEY, "django-valkey"),
}
"""python-redis-lock's backend extends django-redis's and reads OPTIONS as it does."""
VALKEY_DEFAULT = (
    ": valkey-py's own default applies instead (none in 6.0, so a cache call can wait forever; "
    "5 s from 6.1)"
)
"""django-valkey requires valkey>=6.0.2, so both defaults are possible; a missing key is not
reported for it (as for redis-py 8), an ignored one is (the author meant it)."""
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
    unless_lines: tuple[int, ...] = ()
    """Conditional changes that may add keys not written in the settings (missing keys are
    missing only on the path that skips them)."""


def _is_falsy_constant(value: Value) -> bool:
    return isinstance(value, Constant) and value.value in (0, None, False)


def _unless(*dicts: SettingsDict | None) -> tuple[int, ...]:
    return tuple(sorted({line for d in dicts if d is not None for line in d.opened_by}))


def _django_redis_problems(
    model: PythonModule, entry: SettingsDict, options: SettingsDict | None, given_by_url: set[str]
) -> Problems:
    missing: list[str] = []
    lower: list[str] = []
    zero: list[str] = []
    shown: list[str] = []
    pool_kwargs: SettingsDict | None = None
    if options is not None and "CONNECTION_POOL_KWARGS" in options.items:
        pool_kwargs = options.child("CONNECTION_POOL_KWARGS")
        if pool_kwargs is None or pool_kwargs.open:
            return Problems()
    for key in TIMEOUT_KEYS:
        upper = key.upper()
        if options is not None and upper in options.items:
            value = options.value_of(upper, model)
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
    unless = _unless(entry, options, pool_kwargs) if missing else ()
    return Problems(
        tuple(missing), tuple(lower), tuple(zero), shown_values=tuple(shown), unless_lines=unless
    )


def _builtin_problems(
    entry: SettingsDict, options: SettingsDict | None, given_by_url: set[str]
) -> Problems:
    """Upper-case keys crash whatever else the dict holds (a change may add keys, never remove
    one it cannot name)."""
    crashing = tuple(key for key in (options.items if options else {}) if key.isupper())
    missing = tuple(
        key
        for key in TIMEOUT_KEYS
        if key not in given_by_url
        and key.upper() not in crashing
        and (options is None or (key not in options.items and not options.open))
    )
    unless = _unless(entry, options) if missing else ()
    return Problems(missing=missing, crashing=crashing, unless_lines=unless)


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
    backend: str,
    problems: Problems,
    hangs: bool,
    versions: str,
    falls_back: bool = False,
    valkey: bool = False,
) -> str:
    label = BACKEND_LABELS.get(backend, "django-redis") if valkey else "django-redis"
    library = "valkey-py" if valkey else "redis-py"
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
        missing = f"sets no {_names(problems.missing)}"
        if problems.unless_lines:
            lines = ", ".join(str(line) for line in problems.unless_lines)
            noun = "line" if len(problems.unless_lines) == 1 else "lines"
            missing += f" unless the conditional change on {noun} {lines} adds them"
        parts.append(missing)
    if problems.ignored_lower:
        keys = ", ".join(problems.ignored_lower)
        parts.append(f"has lower-case {keys}, which {label} ignores (it reads only upper-case)")
    if problems.ignored_zero:
        keys = ", ".join(
            f"{key}={value}"
            for key, value in zip(problems.ignored_zero, problems.shown_values, strict=True)
        )
        parts.append(f"has {keys}, which {label} ignores (it drops 0 and None)")
    text = "; ".join(parts)
    if problems.missing or problems.ignored_lower or problems.ignored_zero:
        if falls_back:
            text += f": {library} connects with the socket timeout instead"
        elif valkey:
            text += VALKEY_DEFAULT
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
    upper_case = backend not in BUILTIN_BACKENDS

    def name(key: str) -> str:
        return key.upper() if upper_case else key

    if backend in BUILTIN_BACKENDS and any(
        k.lower() not in TIMEOUT_KEYS for k in problems.crashing
    ):
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
    item = entry.items["BACKEND"]
    key_node, value_node = item.key, item.value if item.value is not None else item.key
    if isinstance(entry.node, ast.Call):
        for keyword in entry.node.keywords:
            if keyword.arg == "BACKEND":
                return model.span(keyword)
    if key_node is not None and hasattr(key_node, "lineno"):
        return model.span_between(key_node, value_node)
    return model.span(value_node)


def _check_entry(ctx: CheckContext, model: PythonModule, alias: str, entry: SettingsDict) -> None:
    backend_value = entry.value_of("BACKEND", model)
    if not isinstance(backend_value, Constant) or backend_value.value not in BACKEND_LABELS:
        return
    backend = str(backend_value.value)
    options: SettingsDict | None = None
    if "OPTIONS" in entry.items:
        options = entry.child("OPTIONS")
        if options is None:
            return
    elif entry.open:
        return
    given_by_url = _url_timeouts(entry.value_of("LOCATION", model))
    if backend not in BUILTIN_BACKENDS:
        problems = _django_redis_problems(model, entry, options, given_by_url)
    else:
        problems = _builtin_problems(entry, options, given_by_url)
    redis = ctx.project.dependencies.redis
    valkey = backend in DJANGO_VALKEY
    hangs = redis.allows_any(HANGS_BEFORE) and not valkey
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
        problem=_describe(
            backend, problems, hangs and not falls_back, versions, falls_back, valkey=valkey
        ),
    )


def check(ctx: CheckContext, model: PythonModule) -> None:
    for alias, entry in settings_entries(model, "CACHES", added_to_unseen=True):
        _check_entry(ctx, model, alias, entry)


_BACKEND_CLASSES = (b"RedisCache", b"ValkeyCache")


def may_report(prospect: Prospect) -> bool:
    """A finding is on an entry whose BACKEND the model resolves to a string constant of
    `BACKEND_LABELS` (`model.resolve` reads only this file and folds no `+` or f-string), so
    one of those literals is written here, and each ends with a class name of
    `_BACKEND_CLASSES`: a file of local-memory or Memcached caches is not parsed."""
    return mentions_any(prospect.data, _BACKEND_CLASSES)


CHECK = Check(rules=(RULE,), kind="python", triggers=(b"CACHES",), run=check, guard=may_report)
