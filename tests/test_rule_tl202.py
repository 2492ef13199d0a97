"""TL202 keepalive-raw-option-keys: raw numbers or strings as socket_keepalive_options keys."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lint
from timeoutlint.findings import Applicability
from timeoutlint.fix_operations import AddImport, ReplaceExpression
from timeoutlint.fixes.python_codemod import apply_operations


def _only(tmp_path: Path, code: str):  # type: ignore[no-untyped-def]
    [finding] = lint(tmp_path, code, select="TL202")
    return finding


def test_seed_001_keys_are_explained_by_their_linux_meaning(tmp_path: Path) -> None:
    finding = _only(
        tmp_path, "import redis\nr = redis.Redis(socket_keepalive_options={1: 60, 2: 10, 3: 6})\n"
    )
    assert "1=TCP_NODELAY, 2=TCP_MAXSEG, 3=TCP_CORK" in finding.message
    assert "Error 22" in finding.message
    assert "200 ms" in finding.message


def test_keys_1_2_3_get_the_intended_constants_as_an_unsafe_fix(tmp_path: Path) -> None:
    code = "import redis\nr = redis.Redis(socket_keepalive_options={1: 60, 2: 10, 3: 6})\n"
    fix = _only(tmp_path, code).fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    assert apply_operations(code, fix.operations) == (
        "import socket\n\nimport redis\nr = redis.Redis(socket_keepalive_options="
        "{socket.TCP_KEEPIDLE: 60, socket.TCP_KEEPINTVL: 10, socket.TCP_KEEPCNT: 6})\n"
    )


def test_linux_keepalive_numbers_and_string_names_are_a_safe_fix(tmp_path: Path) -> None:
    code = "import socket, redis\nr = redis.Redis(socket_keepalive_options={4: 60, 'TCP_KEEPCNT': 3})\n"
    fix = _only(tmp_path, code).fix
    assert fix is not None and fix.applicability is Applicability.SAFE
    assert not any(isinstance(op, AddImport) for op in fix.operations)
    fixed = apply_operations(code, fix.operations)
    assert "{socket.TCP_KEEPIDLE: 60, socket.TCP_KEEPCNT: 3}" in fixed
    assert apply_operations(fixed, fix.operations) == fixed


def test_from_imported_constants_are_used_bare(tmp_path: Path) -> None:
    code = (
        "from socket import TCP_KEEPIDLE, TCP_KEEPINTVL\nimport redis\n"
        "r = redis.Redis(socket_keepalive_options={4: 60, 5: 10})\n"
    )
    fix = _only(tmp_path, code).fix
    assert fix is not None
    replacements = [op.replacement for op in fix.operations if isinstance(op, ReplaceExpression)]
    assert replacements == ["TCP_KEEPIDLE", "TCP_KEEPINTVL"]


def test_no_fix_when_socket_is_another_name_or_keys_would_collide(tmp_path: Path) -> None:
    shadowed = "import redis\nsocket = object()\nr = redis.Redis(socket_keepalive_options={4: 1})\n"
    colliding = "import redis\nr = redis.Redis(socket_keepalive_options={1: 60, 4: 30})\n"
    assert _only(tmp_path / "a", shadowed).fix is None
    assert _only(tmp_path / "b", colliding).fix is None
