"""A fix that cannot be made safely is refused with a message, and the other fixes still apply.

libcst, which makes most Python fixes, cannot parse some valid code, and re-renders
some code it parses (a line-leading form feed, `except OSError :`, lone-CR line
endings): only the changes in the fix's own code are kept. An encoding such as
`unicode_escape` does not write text back as it was read. Each case here runs the
real fixer (or command line) and asserts the exact bytes and messages.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli_in_process
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table
from timeoutlint.fixes.apply import FileFix, fix_file
from timeoutlint.run import CacheOptions, build_session

LIBCST_CANNOT = (
    "not fixed: libcst, the parser the fixer edits code with, cannot read this file"
    " (it does not support every construct Python accepts)"
)


def _fix(tmp_path: Path, name: str, data: bytes, unsafe: bool = True) -> FileFix:
    path = tmp_path / name
    path.write_bytes(data)
    rules = builtin_rules()
    config = parse_table({"select": ["ALL"]}, tmp_path, None)
    session = build_session(
        (tmp_path,), config=config, rules=rules, cache=CacheOptions(enabled=False), jobs=1
    )
    [source] = [s for s in session.files if s.relative == name]
    return fix_file(session.engine, source, data, unsafe)


def _run(cwd: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return run_cli_in_process(*args, cwd=cwd, stdin=stdin, text=False)


UNPARSEABLE = (
    b'import requests\n(x): int = 1\nrequests.get(URL, timeout=(None))\nrequests.get("u")\n'
)


def test_a_file_libcst_cannot_parse_gets_the_text_fixes_and_one_message(tmp_path: Path) -> None:
    outcome = _fix(tmp_path, "app.py", UNPARSEABLE)

    assert outcome.fixed == UNPARSEABLE.replace(b'get("u")', b'get("u", timeout=10)')
    assert outcome.error == f"{outcome.source.display}: {LIBCST_CANNOT}"


def test_a_replaced_value_in_a_file_libcst_cannot_parse_is_a_text_edit(tmp_path: Path) -> None:
    data = b"import requests\n(x): int = 1\nrequests.get(URL, timeout=None)\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == data.replace(b"timeout=None", b"timeout=10")
    assert outcome.error is None


def test_fix_of_a_file_libcst_cannot_parse_is_no_internal_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(UNPARSEABLE)

    result = _run(tmp_path, "fix", "--unsafe-fixes", ".")

    assert result.stderr.decode() == f"timeoutlint: app.py: {LIBCST_CANNOT}\n"
    assert result.stdout.decode() == (
        "Applied 1 fix.\n"
        "app.py:3:19: TL101 `requests.get()` has timeout=None and can wait forever\n"
        "Found 1 finding.\n"
    )
    assert result.returncode == 1


def test_check_does_not_call_a_fix_that_needs_libcst_fixable_there(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(UNPARSEABLE)

    text = _run(tmp_path, "check", ".")
    report = json.loads(_run(tmp_path, "check", ".", "--output-format", "json").stdout)

    assert text.stdout.decode().splitlines()[-2:] == [
        "Found 2 findings.",
        "[*] 1 fixable with `timeoutlint fix`.",
    ]
    assert [entry["fix"] is None for entry in report] == [True, False]
    assert report[1]["fix"]["edits"] != []


def test_fix_stdin_echoes_the_input_when_it_cannot_fix_it(tmp_path: Path) -> None:
    code = b"import requests\n(x): int = 1\nrequests.get(URL, timeout=(None))\n"

    result = _run(tmp_path, "fix", "-", "--unsafe-fixes", stdin=code)

    assert result.stdout == code
    assert result.stderr.decode() == f"timeoutlint: -: {LIBCST_CANNOT}\n"


@pytest.mark.parametrize(
    "unrelated",
    [
        b"\x0cdef handler():\n    pass\n",
        b"try:\n    pass\nexcept OSError :\n    pass\n",
        b"\x0cx = 1\n",
    ],
    ids=["form-feed-before-a-def", "space-before-colon", "form-feed-before-a-statement"],
)
def test_libcst_fixes_keep_the_lines_libcst_would_rewrite(tmp_path: Path, unrelated: bytes) -> None:
    data = b"import requests\n" + unrelated + b"requests.get(URL, timeout=None)\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == data.replace(b"timeout=None", b"timeout=10")
    assert outcome.error is None


def test_an_added_import_next_to_a_form_feed_keeps_it(tmp_path: Path) -> None:
    data = b"import redis\n\x0cx = 1\nr = redis.Redis(socket_keepalive_options={1: 60})\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == (
        b"import socket\n\nimport redis\n\x0cx = 1\n"
        b"r = redis.Redis(socket_keepalive_options={socket.TCP_KEEPIDLE: 60},"
        b" socket_connect_timeout=10, socket_timeout=10)\n"
    )
    assert outcome.error is None


def test_a_file_with_lone_cr_line_endings_keeps_them(tmp_path: Path) -> None:
    data = b"import requests\rrequests.get(URL, timeout=None)\r"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == b"import requests\rrequests.get(URL, timeout=10)\r"


def test_a_change_outside_the_fixs_own_code_is_refused() -> None:
    from timeoutlint.findings import Position
    from timeoutlint.fix_operations import AddKeyword
    from timeoutlint.fixes.apply import FixRefused
    from timeoutlint.fixes.own_edits import check_own_edits, keep_own_edits

    text = "import requests\n\x0cx = 1\nrequests.get(URL)\n"
    rewritten = "import requests\nx = 1\nrequests.get(URL, timeout=10)\n"
    operation = AddKeyword(Position(3, 1), "timeout", "10", Position(3, 18))

    with pytest.raises(FixRefused) as refusal:
        check_own_edits(text, rewritten, [operation])
    assert refusal.value.reason == (
        "the fixer would also rewrite line 2, outside the code this fix is for"
    )
    assert keep_own_edits(text, rewritten, [operation]) == (
        "import requests\n\x0cx = 1\nrequests.get(URL, timeout=10)\n"
    )


def test_a_text_fix_next_to_a_form_feed_keeps_it(tmp_path: Path) -> None:
    data = b"import requests\n\x0c\nrequests.get(URL)\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == b"import requests\n\x0c\nrequests.get(URL, timeout=10)\n"
    assert outcome.error is None


def test_a_unicode_escape_file_is_not_collapsed_onto_one_line(tmp_path: Path) -> None:
    data = b"# coding: unicode_escape\nimport requests\nrequests.get(URL)\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == data
    assert outcome.error == (
        f"{outcome.source.display}: not fixed: its encoding (unicode_escape) does not write the file back byte for byte"
    )


def test_a_generator_argument_gets_its_parentheses_and_the_other_fixes_apply(
    tmp_path: Path,
) -> None:
    data = (
        b"import requests\n"
        b"requests.get(url for url in URLS)\n"
        b"requests.post(URL, (a for a in b))\n"
        b"requests.put(URL)\n"
    )

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == (
        b"import requests\n"
        b"requests.get((url for url in URLS), timeout=10)\n"
        b"requests.post(URL, (a for a in b), timeout=10)\n"
        b"requests.put(URL, timeout=10)\n"
    )
    assert outcome.error is None


def test_a_refused_fix_leaves_the_others_in_the_file(tmp_path: Path) -> None:
    data = b"import requests\n(x): int = 1\nrequests.get(URL, timeout=(None))\nrequests.put(URL)\n"

    outcome = _fix(tmp_path, "app.py", data)

    assert outcome.fixed == data.replace(b"put(URL)", b"put(URL, timeout=10)")
    assert [f.fix for f in outcome.remaining] == [None]


ENV_URL = b"CELERY_BROKER_URL=redis://cache:6379/1\n"
COMPOSE_WITH_PASSWORD = (
    b"services:\n"
    b"  cache:\n"
    b"    image: docker.io/bitnami/redis:7.2\n"
    b"    environment:\n"
    b"      REDIS_PASSWORD: ${REDIS_PASSWORD}\n"
)


def test_a_latin1_byte_in_a_dotenv_file_is_kept_by_its_fix(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_bytes(COMPOSE_WITH_PASSWORD)
    data = b"REDIS_PASSWORD=s3cret\nNAME=caf\xe9\n" + ENV_URL

    outcome = _fix(tmp_path, ".env", data)

    assert outcome.fixed == data.replace(b"redis://cache", b"redis://:${REDIS_PASSWORD}@cache")
    assert outcome.error is None


def test_a_latin1_byte_in_a_compose_file_is_kept_by_its_fix(tmp_path: Path) -> None:
    data = (
        b"services:\n"
        b"  redis:\n"
        b"    image: redis:7-alpine  # caf\xe9\n"
        b"    command: redis-server --requirepass ${REDIS_PASSWORD}\n"
        b"  worker:\n"
        b"    image: app\n"
        b"    environment:\n"
        b"      - REDIS_URL=redis://redis:6379/0\n"
    )

    outcome = _fix(tmp_path, "docker-compose.yml", data)

    assert outcome.fixed == data.replace(b"redis://redis", b"redis://:${REDIS_PASSWORD}@redis")
    assert outcome.error is None


def test_the_json_edits_are_the_edits_fix_makes_without_libcsts_rewrites(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(
        b"import requests\n\x0cx = 1\nrequests.get(URL, timeout=None)\n"
    )

    report = json.loads(_run(tmp_path, "check", ".", "--output-format", "json").stdout)

    assert report[0]["fix"]["edits"] == [
        {
            "content": "10",
            "location": {"row": 3, "column": 27},
            "end_location": {"row": 3, "column": 31},
        }
    ]
