"""TL101 requests-without-timeout is declared as data in `rules/TL101.yaml` (`callsite:`).

requests has no default timeout (`Session.request(timeout=None)`), so a
call without one blocks until the peer answers, which may be never (seed
004). The generic engine in `checks/callsite.py` runs the entry: module
functions, and methods of objects built by `requests.Session()` or a
subclass defined in the file, unless that subclass overrides `request` or
`send` (where a timeout is usually injected). This module keeps the
requests vocabulary for other checks that need to recognise a session.
"""

from __future__ import annotations

from timeoutlint.checks.callsite import built_by
from timeoutlint.python.values import Value

SESSION_FACTORIES = (
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "requests.sessions.session",
)
OVERRIDES_THAT_SET_TIMEOUTS = ("request", "send")


def is_session(value: Value) -> bool:
    """Whether `value` is a requests Session built in view (constructor call or subclass)."""
    return built_by(value, SESSION_FACTORIES, OVERRIDES_THAT_SET_TIMEOUTS)
