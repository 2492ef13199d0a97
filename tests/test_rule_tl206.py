"""TL206 django-redis-cache-without-timeouts: what is a finding, what the message says, what the fix writes."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from tests.helpers import lines, lint, lint_files
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine
from timeoutlint.findings import Applicability
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

SEED_004 = """
CACHES = {
    'default': {
        'BACKEND': 'django_redis.cache.RedisCache',
        'LOCATION': REDIS_URL,
        'OPTIONS': {
            'CLIENT_CLASS': 'django_redis.client.DefaultClient',
            'CONNECTION_POOL_KWARGS': {
                'retry_on_timeout': True,
                'max_connections': 50,
            },
        },
    }
}
"""


def check(tmp_path: Path, code: str, **config: Any) -> list[Any]:
    return lint(tmp_path, code, select="TL206", filename="settings.py", **config)


def fixed(tmp_path: Path, code: str, unsafe: bool = False, **config: Any) -> str:
    path = tmp_path / "settings.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    rules = builtin_rules()
    table = {"select": ["TL206"], **{k.replace("_", "-"): v for k, v in config.items()}}
    settings = parse_table(table, tmp_path.resolve(), None)
    sources = Discovery(settings).files([tmp_path])
    engine = Engine(
        settings, rules, selected_rules(settings, rules), build_project_context(sources, settings)
    )
    source = next(s for s in sources if s.relative == "settings.py")
    outcome = fix_file(engine, source, path.read_bytes(), unsafe)
    assert outcome.error is None
    again = fix_file(engine, source, outcome.fixed, unsafe)
    assert again.fixed == outcome.fixed, "fixing twice changed the file again"
    return outcome.fixed.decode("utf-8")


# django-redis ---------------------------------------------------------------------------


def test_seed_004_is_flagged_on_the_backend_line_with_the_pinned_version(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {"settings.py": SEED_004, "requirements.txt": "redis==5.0.8\n"},
        select="TL206",
    )
    assert [(f.span.start.line, f.span.start.column) for f in findings] == [(4, 9)]
    assert findings[0].span.end.line == 4
    assert findings[0].message == (
        "`CACHES['default']` (django-redis) sets no SOCKET_CONNECT_TIMEOUT or SOCKET_TIMEOUT: "
        "with redis-py <8.0 (8.x defaults to 5 s) a cache call then waits forever for a "
        "Redis that stopped answering (redis-py 5.0.8 from requirements.txt)"
    )


def test_unknown_version_says_so_in_the_message(tmp_path: Path) -> None:
    (finding,) = check(tmp_path, SEED_004)
    assert finding.message.endswith("(assuming redis-py <8; no pin found)")


def test_missing_timeouts_are_not_flagged_when_only_redis_py_8_is_allowed(tmp_path: Path) -> None:
    assert check(tmp_path, SEED_004, redis_version=">=8.0") == []


def test_only_the_missing_key_is_named(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 5},
    }}
    """
    (finding,) = check(tmp_path, code)
    assert "sets no SOCKET_TIMEOUT:" in finding.message


def test_python_redis_lock_cache_reads_options_as_django_redis_does(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "redis_lock.django_cache.RedisCache",
        "OPTIONS": {"socket_timeout": 2},
    }}
    """
    (finding,) = check(tmp_path, code)
    assert finding.message.startswith(
        "`CACHES['default']` (python-redis-lock's django-redis cache) sets no "
        "SOCKET_CONNECT_TIMEOUT; has lower-case socket_timeout, which django-redis ignores"
    )


def test_lower_case_keys_are_ignored_by_django_redis_even_on_redis_py_8(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
    """
    (finding,) = check(tmp_path, code, redis_version="==8.1.0")
    assert "has lower-case socket_connect_timeout, socket_timeout, which django-redis ignores" in (
        finding.message
    )
    assert "redis-py 8.x's default of 5 s applies instead" in finding.message
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_lower_case_keys_are_renamed_keeping_their_values(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 3},
    }}
    """
    assert '"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 3},' in fixed(tmp_path, code)


def test_a_zero_timeout_is_reported_and_its_fix_is_unsafe(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0, "SOCKET_TIMEOUT": 5},
    }}
    """
    (finding,) = check(tmp_path, code)
    assert (
        "has SOCKET_CONNECT_TIMEOUT=0, which django-redis ignores (it drops 0 and None)"
        in finding.message
    )
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fixed(tmp_path, code) == textwrap.dedent(code)
    assert '"SOCKET_CONNECT_TIMEOUT": 10' in fixed(tmp_path, code, unsafe=True)


def test_entries_and_options_bound_to_names_and_dict_calls_are_followed(tmp_path: Path) -> None:
    code = """
    REDIS_OPTIONS = {"CLIENT_CLASS": "django_redis.client.DefaultClient"}
    DEFAULT = dict(BACKEND="django_redis.cache.RedisCache", OPTIONS=REDIS_OPTIONS)
    CACHES = dict(default=DEFAULT)
    """
    assert lines(check(tmp_path, code)) == [3]
    assert (
        'REDIS_OPTIONS = {"CLIENT_CLASS": "django_redis.client.DefaultClient", '
        '"SOCKET_CONNECT_TIMEOUT": 10, "SOCKET_TIMEOUT": 10}'
    ) in fixed(tmp_path, code)


def test_a_missing_options_is_created_in_the_entrys_quote_style(tmp_path: Path) -> None:
    code = """
    CACHES = {
        'default': {
            'BACKEND': 'django_redis.cache.RedisCache',
            'LOCATION': 'redis://redis:6379/0',  # shared
        }
    }
    """
    assert fixed(tmp_path, code, default_timeout=[3, 27]) == textwrap.dedent(
        """
        CACHES = {
            'default': {
                'BACKEND': 'django_redis.cache.RedisCache',
                'LOCATION': 'redis://redis:6379/0',  # shared
                'OPTIONS': {'SOCKET_CONNECT_TIMEOUT': 3, 'SOCKET_TIMEOUT': 27},
            }
        }
        """
    )


def test_the_seed_fix_adds_both_keys_after_the_existing_options(tmp_path: Path) -> None:
    result = fixed(tmp_path, SEED_004)
    assert result == SEED_004.replace(
        "            },\n        },",
        "            },\n            'SOCKET_CONNECT_TIMEOUT': 10,\n            'SOCKET_TIMEOUT': 10,\n"
        "        },",
    )


# Django's built-in RedisCache -------------------------------------------------------


def test_builtin_cache_with_upper_case_keys_fails_at_the_first_call_in_every_version(
    tmp_path: Path,
) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }}
    """
    (finding,) = check(tmp_path, code, redis_version="==8.1.0")
    assert "raise TypeError at the first cache call" in finding.message
    assert '"OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},' in fixed(tmp_path, code)


def test_builtin_cache_with_a_django_redis_only_key_has_no_automatic_fix(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "socket_timeout": 2},
    }}
    """
    (finding,) = check(tmp_path, code, redis_version="==8.1.0")
    assert "the upper-case key CLIENT_CLASS raises TypeError" in finding.message
    assert finding.fix is None


def test_builtin_cache_without_timeouts_gets_lower_case_keys(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis:6379/0",
    }}
    """
    (finding,) = check(tmp_path, code, redis_version="<6")
    assert "sets no socket_connect_timeout or socket_timeout" in finding.message
    assert '"OPTIONS": {"socket_connect_timeout": 10, "socket_timeout": 10}' in fixed(
        tmp_path, code, redis_version="<6"
    )


# Changes after the dict is built --------------------------------------------------------

NETBOX = """
CACHING_REDIS_URL = REDIS["caching"].get("URL", "redis://localhost:6379/0")
CACHES = {
    'default': {
        'BACKEND': 'django_redis.cache.RedisCache',
        'LOCATION': CACHING_REDIS_URL,
        'OPTIONS': {
            'CLIENT_CLASS': 'django_redis.client.DefaultClient',
            'PASSWORD': CACHING_REDIS_PASSWORD,
        }
    }
}

if CACHING_REDIS_SENTINELS:
    CACHES['default']['LOCATION'] = f'redis://{CACHING_REDIS_SENTINEL_SERVICE}/0'
    CACHES['default']['OPTIONS']['CLIENT_CLASS'] = 'django_redis.client.SentinelClient'
    CACHES['default']['OPTIONS']['SENTINELS'] = CACHING_REDIS_SENTINELS
if CACHING_REDIS_SKIP_TLS_VERIFY:
    CACHES['default']['OPTIONS'].setdefault('CONNECTION_POOL_KWARGS', {})
    CACHES['default']['OPTIONS']['CONNECTION_POOL_KWARGS']['ssl_cert_reqs'] = False

if caching_redis_kwargs := REDIS['caching'].get('KWARGS'):
    CACHES['default']['OPTIONS'].setdefault('CONNECTION_POOL_KWARGS', {})
    CACHES['default']['OPTIONS']['CONNECTION_POOL_KWARGS'].update(caching_redis_kwargs)
"""


def test_netbox_later_changes_to_other_keys_do_not_hide_the_missing_timeouts(
    tmp_path: Path,
) -> None:
    findings = lint_files(
        tmp_path,
        {"settings.py": NETBOX, "requirements.txt": "django-redis==7.0.0\nredis==7.4.1\n"},
        select="TL206",
    )
    assert [(f.span.start.line, f.span.start.column) for f in findings] == [(5, 9)]
    assert findings[0].message == (
        "`CACHES['default']` (django-redis) sets no SOCKET_CONNECT_TIMEOUT or SOCKET_TIMEOUT "
        "unless the conditional change on line 24 adds them: with redis-py <8.0 (8.x defaults "
        "to 5 s) a cache call then waits forever for a Redis that stopped answering "
        "(redis-py 7.4.1 from requirements.txt)"
    )


def test_the_netbox_fix_adds_both_keys_to_the_options_display(tmp_path: Path) -> None:
    assert (
        "            'PASSWORD': CACHING_REDIS_PASSWORD,\n"
        "            'SOCKET_CONNECT_TIMEOUT': 10,\n"
        "            'SOCKET_TIMEOUT': 10,\n"
        "        }\n"
    ) in fixed(tmp_path, NETBOX, redis_version="==7.4.1")


def test_a_key_set_by_a_later_assignment_counts_and_only_the_other_is_missing(
    tmp_path: Path,
) -> None:
    code = """
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 2
    """
    (finding,) = check(tmp_path, code)
    assert "sets no SOCKET_TIMEOUT:" in finding.message


def test_an_entry_added_later_is_checked_where_it_is_written(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHES["redis"] = dict(BACKEND="django_redis.cache.RedisCache", LOCATION="redis://r/0")
    CACHES.update({"sessions": {"BACKEND": "django_redis.cache.RedisCache"}})
    """
    findings = check(tmp_path, code)
    assert [(f.span.start.line, f.span.start.column) for f in findings] == [(3, 24), (4, 29)]
    assert [f.message.split(" (")[0] for f in findings] == [
        "`CACHES['redis']`",
        "`CACHES['sessions']`",
    ]


def test_a_conditional_unseen_update_of_caches_or_an_entry_is_named_in_the_message(
    tmp_path: Path,
) -> None:
    code = """
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    if EXTRA_CACHES:
        CACHES.update(EXTRA_CACHES)
    if EXTRA_DEFAULT:
        CACHES["default"].update(EXTRA_DEFAULT)
    """
    (finding,) = check(tmp_path, code)
    assert (
        "sets no SOCKET_CONNECT_TIMEOUT or SOCKET_TIMEOUT unless the conditional change on "
        "lines 4, 6 adds them:"
    ) in finding.message


def test_a_change_after_branches_that_assign_caches_reaches_each_of_them(
    tmp_path: Path,
) -> None:
    code = """
    if REDIS_URL:
        CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    else:
        CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"] = 5
    CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 2
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 2
    """
    findings = check(tmp_path, code)
    assert [(f.span.start.line, "sets no SOCKET_TIMEOUT:" in f.message) for f in findings] == [
        (8, True)
    ]


def test_a_deleted_timeout_is_missing_again(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 5},
    }}
    del CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"]
    """
    (finding,) = check(tmp_path, code)
    assert "sets no SOCKET_TIMEOUT:" in finding.message


def test_a_zero_set_later_is_reported_unless_an_unseen_update_may_replace_it(
    tmp_path: Path,
) -> None:
    zero = """
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}
    CACHES["default"]["OPTIONS"].update(SOCKET_TIMEOUT=0, SOCKET_CONNECT_TIMEOUT=2)
    """
    replaced = zero + 'CACHES["default"]["OPTIONS"].update(OVERRIDES)\n'
    (finding,) = check(tmp_path, zero, redis_version="==8.1.0")
    assert "has SOCKET_TIMEOUT=0, which django-redis ignores" in finding.message
    assert check(tmp_path, replaced, redis_version="==8.1.0") == []


def test_builtin_cache_upper_case_keys_are_reported_whatever_else_changes(
    tmp_path: Path,
) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "OPTIONS": {"socket_timeout": 2},
    }}
    CACHES["default"]["LOCATION"] = REDIS_URL
    CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 2
    CACHES["default"]["OPTIONS"].update(EXTRA)
    """
    (finding,) = check(tmp_path, code, redis_version="==8.1.0")
    assert finding.message == (
        "`CACHES['default']` (Django's RedisCache) passes OPTIONS to redis-py as keyword "
        "arguments, so the upper-case key SOCKET_CONNECT_TIMEOUT raises TypeError at the first "
        "cache call (redis-py expects lower-case names such as socket_timeout)"
    )


def test_a_none_timeout_is_shown_as_none(tmp_path: Path) -> None:
    code = """
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": None},
    }}
    """
    (finding,) = check(tmp_path, code)
    assert "has SOCKET_TIMEOUT=None, which django-redis ignores" in finding.message


# Entries added to a CACHES that another file defines (`from .base import *`) ----------------


def test_an_entry_assigned_to_a_star_imported_caches_is_checked(tmp_path: Path) -> None:
    code = """
    from .base import *
    CACHES["scratch"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }
    CACHES["redis"] = dict(BACKEND="django_redis.cache.RedisCache", LOCATION="redis://r/0")
    """
    findings = check(tmp_path, code)
    assert [(f.span.start.line, f.span.start.column) for f in findings] == [(4, 5), (7, 24)]
    assert [f.message.split(" sets no ")[0] for f in findings] == [
        "`CACHES['scratch']` (Django's RedisCache)",
        "`CACHES['redis']` (django-redis)",
    ]


def test_an_entry_merged_into_a_star_imported_caches_is_checked(tmp_path: Path) -> None:
    code = """
    from .base import *
    CACHES.update({"sessions": {"BACKEND": "django_redis.cache.RedisCache"}})
    CACHES |= {"locks": {"BACKEND": "django_redis.cache.RedisCache"}}
    """
    findings = check(tmp_path, code)
    assert [(f.span.start.line, f.message.split(" (")[0]) for f in findings] == [
        (3, "`CACHES['sessions']`"),
        (4, "`CACHES['locks']`"),
    ]


def test_the_base_files_own_entries_are_reported_only_in_the_base_file(tmp_path: Path) -> None:
    base = 'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}\n'
    prod = (
        "from .base import *\n"
        'CACHES["default"]["LOCATION"] = "redis://redis:6379/0"\n'
        'CACHES["default"].update({"KEY_PREFIX": "prod"})\n'
    )
    findings = lint_files(
        tmp_path,
        {"config/__init__.py": "", "config/base.py": base, "config/prod.py": prod},
        select="TL206",
    )
    found = [(Path(f.path).relative_to(tmp_path.resolve()), f.span.start.line) for f in findings]
    assert found == [(Path("config/base.py"), 1)]


def test_a_later_change_to_an_entry_added_to_star_imported_caches_is_folded(
    tmp_path: Path,
) -> None:
    code = """
    from .base import *
    CACHES["sessions"] = {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}
    CACHES["sessions"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 2
    """
    (finding,) = check(tmp_path, code)
    assert "sets no SOCKET_TIMEOUT:" in finding.message


def test_an_unseen_update_after_the_added_entry_may_replace_it(tmp_path: Path) -> None:
    always = """
    from .base import *
    CACHES["sessions"] = {"BACKEND": "django_redis.cache.RedisCache"}
    CACHES.update(EXTRA_CACHES)
    """
    conditional = """
    from .base import *
    CACHES["sessions"] = {"BACKEND": "django_redis.cache.RedisCache"}
    if EXTRA_CACHES:
        CACHES.update(EXTRA_CACHES)
    """
    assert check(tmp_path, always) == []
    (finding,) = check(tmp_path, conditional)
    assert "unless the conditional change on line 5 adds them:" in finding.message


def test_the_fix_writes_the_timeouts_into_the_added_entry(tmp_path: Path) -> None:
    code = """
    from .base import *
    CACHES.update({"sessions": {"BACKEND": "django_redis.cache.RedisCache"}})
    """
    assert fixed(tmp_path, code) == (
        "\nfrom .base import *\n"
        'CACHES.update({"sessions": {"BACKEND": "django_redis.cache.RedisCache", '
        '"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 10, "SOCKET_TIMEOUT": 10}}})\n'
    )
