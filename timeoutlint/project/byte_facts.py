"""The byte facts of a Python file that choose which files the project context parses.

The scan (`scan.py`) reads every file once and searches these literals in the same pass as the
engine's triggers (`byte_literals.py`); it is given `PYTHON_BYTE_FACTS` as a parameter, so that
the scan, which the project context builds on, does not import the project context's modules.
"""

from __future__ import annotations

from timeoutlint.byte_literals import Found
from timeoutlint.project.client_bytes import (
    CONSTRUCTOR_LITERALS,
    LIBRARY_LITERALS,
    imports_client_library,
    names_constructor,
)
from timeoutlint.project.python_index import LONG_READ_LITERALS, MENTIONS
from timeoutlint.project.redis_auth import PASSWORD_LITERALS, mentions_password, password_possible
from timeoutlint.scan import (
    IMPORTS_CLIENT_LIBRARY,
    MENTIONS_CLIENT_FACTORY,
    MENTIONS_PASSWORD,
    MENTIONS_REDIS,
    READS_LONG,
    ByteFacts,
)


def _python_flags(data: bytes, found: Found) -> int:
    """The scan flags of a Python file's bytes, from the literals found in them: the answers of
    `mentions_redis`, `mentions_long_reads`, `mentions_password` and `client_bytes`'s
    (`tests/test_byte_literals.py`)."""
    reads_long = not found.exact.isdisjoint(LONG_READ_LITERALS)
    mentions = reads_long or not found.folded.isdisjoint(MENTIONS)
    flags = MENTIONS_REDIS if mentions else 0
    flags |= READS_LONG if reads_long else 0
    if imports_client_library(data, found.exact):
        flags |= IMPORTS_CLIENT_LIBRARY
        flags |= MENTIONS_CLIENT_FACTORY if names_constructor(data, found.exact) else 0
    maybe_password = password_possible(found.exact)
    flags |= MENTIONS_PASSWORD if mentions_password(data, maybe_password) else 0
    return flags


PYTHON_BYTE_FACTS = ByteFacts(
    exact=LONG_READ_LITERALS | PASSWORD_LITERALS | LIBRARY_LITERALS | CONSTRUCTOR_LITERALS,
    folded=frozenset(MENTIONS),
    flags=_python_flags,
)
"""Mentions redis, long reads, may build a network client, may configure a password: what
`python_index` and `redis_auth` ask of the scan."""
