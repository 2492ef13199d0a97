"""Premise of TL104, on real Django and psycopg against a server that accepts and never answers.

Django hands a DATABASES entry's OPTIONS to the driver: without `connect_timeout`
connecting waits (here, longer than 6 s); with the fix's `connect_timeout` it gives up
with OperationalError (libpq's minimum is 2 s).
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import lint
from timeoutlint.fixes.python_codemod import apply_operations

pytestmark = pytest.mark.slow

SETTINGS = """
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
        "USER": "app",
        "HOST": "127.0.0.1",
        "PORT": PORT,
    }
}
"""

CONNECT = """
import sys

import django
from django.conf import settings

namespace = {"PORT": int(sys.argv[1])}
exec(sys.stdin.read(), namespace)
settings.configure(DATABASES=namespace["DATABASES"], INSTALLED_APPS=[])
django.setup()
from django.db import connection

print("ready", flush=True)
connection.ensure_connection()
"""


def _connect_waits(settings_code: str, port: int, bound: float) -> tuple[bool, str]:
    """(still waiting after `bound` seconds, stderr) for Django connecting with these settings."""
    process = subprocess.Popen(
        [sys.executable, "-c", CONNECT, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(settings_code)
    process.stdin.close()
    assert process.stdout.readline().strip() == "ready"
    try:
        process.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return True, ""
    assert process.stderr is not None
    return False, process.stderr.read()


def test_premise_django_without_connect_timeout_hangs_and_the_fix_fails_in_time(
    tmp_path: Path,
) -> None:
    """Django hands OPTIONS to the driver: flagged settings wait, fixed ones give up (2 s minimum)."""
    pytest.importorskip("django")
    pytest.importorskip("psycopg")
    findings = lint(tmp_path, SETTINGS, select="TL104", filename="settings.py", default_timeout=1)
    assert len(findings) == 1 and findings[0].fix is not None
    fixed = apply_operations(SETTINGS, findings[0].fix.operations)
    assert '"OPTIONS": {"connect_timeout": 1}' in fixed
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    try:
        waits_unfixed, _ = _connect_waits(SETTINGS, port, 6.0)
        waits_fixed, error = _connect_waits(fixed, port, 6.0)
    finally:
        server.close()
    assert waits_unfixed
    assert not waits_fixed and "OperationalError" in error
