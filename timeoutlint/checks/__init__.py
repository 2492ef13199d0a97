"""The analyzers, one module per family. `ALL_CHECKS` is the registry the engine runs.

Call-site rules declared as data (`callsite:` in a catalog entry or a user's
rule pack, e.g. TL101) need no entry here: the engine adds one check for all
of them (`checks/callsite.py`).
"""

from __future__ import annotations

from timeoutlint.checks import (
    async_redis,
    django_cache,
    django_databases,
    redis_blocking,
    redis_client_timeouts,
    redis_keepalive,
    redis_pubsub,
    redis_rq,
    redis_urls,
    redis_urls_python,
)
from timeoutlint.checks.base import Check

ALL_CHECKS: tuple[Check, ...] = (
    django_cache.CHECK,
    django_databases.CHECK,
    redis_urls.COMPOSE_CHECK,
    redis_urls.DOTENV_CHECK,
    redis_urls_python.PYTHON_CHECK,
    redis_pubsub.CHECK,
    redis_keepalive.CHECK,
    redis_blocking.CHECK,
    redis_rq.CHECK,
    redis_client_timeouts.CHECK,
    async_redis.CHECK,
)

SYNTAX_ERROR = "TL001"
IO_ERROR = "TL003"
ANALYSIS_SKIPPED = "TL005"
YAML_SYNTAX_ERROR = "TL002"
DOTENV_SYNTAX_ERROR = "TL004"
ALWAYS_ON = frozenset(
    {SYNTAX_ERROR, IO_ERROR, ANALYSIS_SKIPPED, YAML_SYNTAX_ERROR, DOTENV_SYNTAX_ERROR}
)
