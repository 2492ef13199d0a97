"""The analyzers, one module per family. `ALL_CHECKS` is the registry the engine runs."""

from __future__ import annotations

from timeoutlint.checks import requests_timeout
from timeoutlint.checks.base import Check

ALL_CHECKS: tuple[Check, ...] = (requests_timeout.CHECK,)

SYNTAX_ERROR = "TL001"
IO_ERROR = "TL003"
ALWAYS_ON = frozenset({SYNTAX_ERROR, IO_ERROR})
