"""The analyzers, one module per family. `ALL_CHECKS` is the registry the engine runs.

Call-site rules declared as data (`callsite:` in a catalog entry or a user's
rule pack, e.g. TL101) need no entry here: the engine adds one check for all
of them (`checks/callsite.py`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from timeoutlint.checks.base import Check
from timeoutlint.redis.vocabulary import (
    BLOCKING_MENTIONS,
    CLIENT_TRIGGERS,
    CONFIG_TRIGGERS,
    PASSWORD_VARIABLE_MENTIONS,
    PUBSUB_WAIT_MENTIONS,
    URL_SCHEME_MENTIONS,
)

if TYPE_CHECKING:
    from timeoutlint.checks.prefilter import Prospect


@dataclass(frozen=True)
class _Deferred:
    """A check module imported the first time a file's bytes match one of its triggers.

    A pre-commit run of a few files pays for every import, and most runs trigger only some
    checks: the registry below states each check's rules, kind and triggers (what the file
    prefilter and the scan need) without importing its module; its guard and its `run` load
    the module's `Check` on first use. `tests/test_check_registry.py` holds every entry equal
    to the module's own declaration.
    """

    module: str
    name: str = "CHECK"

    @cached_property
    def check(self) -> Check:
        loaded: Check = getattr(importlib.import_module(self.module), self.name)
        return loaded

    def admits(self, prospect: Prospect) -> bool:
        return self.check.admits(prospect)

    def run(self, *args: object) -> None:
        self.check.run(*args)


def _declared(
    module: str, rules: tuple[str, ...], kind: str, triggers: tuple[bytes, ...], name: str = "CHECK"
) -> Check:
    deferred = _Deferred(f"timeoutlint.checks.{module}", name)
    run: Callable[..., None] = deferred.run
    return Check(rules=rules, kind=kind, triggers=triggers, run=run, guard=deferred.admits)


_URL_RULES = ("TL401", "TL402", "TL403", "TL404")
_PUBSUB_TRIGGERS = (*CLIENT_TRIGGERS, *PUBSUB_WAIT_MENTIONS)
_BLOCKING_TRIGGERS = (*CLIENT_TRIGGERS, *BLOCKING_MENTIONS)

ALL_CHECKS: tuple[Check, ...] = (
    _declared("django_cache", ("TL206",), "python", (b"CACHES",)),
    _declared("django_databases", ("TL104",), "python", (b"DATABASES",)),
    _declared(
        "redis_urls", ("TL002", *_URL_RULES), "compose", CONFIG_TRIGGERS, name="COMPOSE_CHECK"
    ),
    _declared("redis_urls", ("TL004", *_URL_RULES), "dotenv", CONFIG_TRIGGERS, name="DOTENV_CHECK"),
    _declared(
        "redis_urls_python",
        _URL_RULES,
        "python",
        (*URL_SCHEME_MENTIONS, *PASSWORD_VARIABLE_MENTIONS, b"password"),
        name="PYTHON_CHECK",
    ),
    _declared("redis_pubsub", ("TL201",), "python", _PUBSUB_TRIGGERS),
    _declared("redis_keepalive", ("TL202",), "python", (b"socket_keepalive_options",)),
    _declared("redis_blocking", ("TL203",), "python", _BLOCKING_TRIGGERS),
    _declared("redis_rq", ("TL204",), "python", (b"rq", b"connection")),
    _declared("redis_client_timeouts", ("TL205",), "python", CLIENT_TRIGGERS),
    _declared(
        "async_redis",
        ("TL301", "TL302", "TL303"),
        "python",
        tuple(dict.fromkeys((*_PUBSUB_TRIGGERS, b"parse_response(", *_BLOCKING_TRIGGERS))),
    ),
)
"""The registry: each check's rules, kind and triggers as its module declares them (the
module itself is imported only when a file passes a trigger: `_Deferred`)."""

SYNTAX_ERROR = "TL001"
IO_ERROR = "TL003"
ANALYSIS_SKIPPED = "TL005"
YAML_SYNTAX_ERROR = "TL002"
DOTENV_SYNTAX_ERROR = "TL004"
ALWAYS_ON = frozenset(
    {SYNTAX_ERROR, IO_ERROR, ANALYSIS_SKIPPED, YAML_SYNTAX_ERROR, DOTENV_SYNTAX_ERROR}
)
