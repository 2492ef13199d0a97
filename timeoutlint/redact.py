"""Masking credentials in free text that timeoutlint did not write itself.

Findings mask secrets where they are made (`checks/redis_url_parts.mask_url`).
Text that comes from elsewhere (an exception's message, a traceback) can
quote a user's value verbatim, so it passes through `redact` before it is
printed: the password of any `scheme://user:password@` URL, user info that
is a bare secret (`redis://secret@host`), `password=` assignments and
`--requirepass` values. References (`${VAR}`, `os.environ.get(...)`) stay.
"""

from __future__ import annotations

import re

MASK = "****"

_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:'\"]*:)[^\s@'\"]+@")
_URL_USERINFO = re.compile(r"(?P<head>\b(?:redis|rediss|valkey|unix)://)[^\s/@:'\"]+@")
# `${VAR}`, `os.environ.get(...)` and `settings.NAME` are references, not secrets
_REFERENCE = r"(?!\$)(?![\w.\[\]]*\()(?![A-Za-z_]\w*\.[A-Za-z_])"
_ASSIGNMENT = re.compile(
    r"(?P<head>\b\w*(?:password|passwd|secret|token)\w*['\"]?\s*[=:]\s*"
    r"(?:[rRbBuUfF]{0,2}['\"])?)" + _REFERENCE + r"[^\s'\",;&)]+",
    re.IGNORECASE,
)
_SERVER_FLAG = re.compile(
    r"(?P<head>(?:--)?\b(?:requirepass|masterauth)['\"]?,?\s+['\"]?)"
    + _REFERENCE
    + r"[^\s'\",\]]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with the credentials it may quote replaced by `****`."""
    text = _URL_PASSWORD.sub(rf"\g<head>{MASK}@", text)
    text = _URL_USERINFO.sub(rf"\g<head>{MASK}@", text)
    text = _SERVER_FLAG.sub(rf"\g<head>{MASK}", text)
    return _ASSIGNMENT.sub(rf"\g<head>{MASK}", text)
