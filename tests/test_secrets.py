# timeoutlint: skip-file (this file holds deliberately leaked passwords as test data)
"""No output of a run shows a password: not a report format, not --verbose, not a diff, not the cache.

The project below holds known passwords in every place the Redis rules read
(compose `--requirepass` and URLs, `.env` values and URLs, Python URLs and
keyword arguments, a password with characters that need percent-encoding).
Every command and output a user or a CI log can see is collected and
searched for each password, raw and percent-encoded.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.helpers import run_cli_in_process
from timeoutlint.cli import OUTPUT_FORMATS

SECRETS = {
    "compose --requirepass": "Cmp0se-Requirepass-7f3a",
    "compose URL": "Cmp0se-Url-Pass-91bd",
    ".env password": "D0tenv-Pass-4c2e",
    ".env URL": "D0tenv-Url-Pass-e81f",
    ".env user-name slot": "D0tenv-Userslot-Pass-2d",
    "Python URL": "Pyth0n-Url-Pass-5a6d",
    "Python keyword": "Pyth0n-Kwarg-Pass-0b9c",
    "Python unencoded": "Sl/ash#Pass-33",
    "Python env default in a URL": "Env-Def4ult-In-Url-71",
    "Python env default": "Env-Def4ult-Pass-72",
    "Python positional": "P0sitional-Pass-73",
    "Python concatenated": "C0ncat-Pass-74",
    "Python .format": "F0rmat-Pass-75",
    "Python %": "P3rcent-Pass-76",
    "Python auth tuple": "Auth-Tupl3-Pass-77",
    "Python constant": "C0nstant-Pass-78",
    "Python constant URL": "C0nstant-Url-Pass-79",
    "compose quote": "Sup3r'Secret-80",
    "compose space": "Sp ace-Pass-81",
    "compose backtick": "Back`tick-Pass-82",
    "compose default": "C0mpose-Def4ult-83",
    ".env quote": "D0tenv'Quote-84",
    "Python callee auth": "Ch4in-Auth-Pass-85",
    "Python callee URL": "Ch4in-Url-Pass-86",
}

FILES = {
    "docker-compose.yml": f"""\
services:
  redis:
    image: redis:7
    command: redis-server --requirepass {SECRETS["compose --requirepass"]}
  web:
    image: example/web
    env_file: .env
    environment:
      REDIS_URL: redis://:{SECRETS["compose URL"]}@redis:6379/0
      QUOTE_URL: redis://:{SECRETS["compose quote"]}@redis:6379/0
      SPACE_URL: redis://:{SECRETS["compose space"]}@redis:6379/0
      BACKTICK_URL: redis://:{SECRETS["compose backtick"]}@redis:6379/0
      DEFAULT_URL: redis://${{REDIS_PASSWORD:-{SECRETS["compose default"]}}}@redis:6379/0
  worker:
    image: example/worker
    environment:
      REDIS_URL: redis://redis:6379/1
""",
    ".env": f"""\
REDIS_PASSWORD={SECRETS[".env password"]}
CELERY_BROKER_URL=redis://default:{SECRETS[".env URL"]}@redis:6379/1
CACHE_URL=redis://{SECRETS[".env user-name slot"]}@redis:6379/2
RESULTS_URL=redis://redis:6379/3
QUOTE_URL=redis://:{SECRETS[".env quote"]}@redis:6379/4
""",
    "app/settings.py": f"""\
import redis

client = redis.from_url("redis://:{SECRETS["Python URL"]}@redis:6379/0")
other = redis.Redis(host="redis", port=6379, password="{SECRETS["Python keyword"]}")
odd = redis.from_url("redis://:{SECRETS["Python unencoded"]}@redis:6379/0")
plain = redis.from_url("redis://redis:6379/4")
""",
    "app/forms.py": f"""\
import os

import redis
import requests

REDIS_PASSWORD = "{SECRETS["Python constant"]}"
CACHE_URL = "redis://:{SECRETS["Python constant URL"]}@redis:6379/5"
u = "https://api.example.com"
requests.get(f"redis://:{{os.getenv('REDIS_PASSWORD', '{SECRETS["Python env default in a URL"]}')}}@redis:6379/0")
requests.get(u, json=os.getenv("REDIS_PASSWORD", "{SECRETS["Python env default"]}"))
requests.get(u, json=redis.Redis("redis", 6379, 0, "{SECRETS["Python positional"]}"))
requests.get(u, json="redis://:" + "{SECRETS["Python concatenated"]}" + "@redis:6379/0")
requests.get(u, json="redis://:{{}}@redis:6379/0".format("{SECRETS["Python .format"]}"))
requests.get(u, json="redis://:%s@redis:6379/0" % "{SECRETS["Python %"]}")
requests.get(u, auth=("bob", "{SECRETS["Python auth tuple"]}"))
requests.Session(auth=("bob", "{SECRETS["Python callee auth"]}")).get(u)
redis.from_url("redis://:{SECRETS["Python callee URL"]}@redis:6379/0").blpop("q")
""",
}

EXPECTED_RULES = {"TL401", "TL402", "TL403", "TL404"}


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote(secret)}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "pyproject.toml").write_text("[tool.timeoutlint]\nselect = ['ALL']\n")
    return root


def _run(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli_in_process(*args, cwd=root, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return f"$ timeoutlint {' '.join(args)}\n{result.stdout}\n{result.stderr}"


def _files_under(directory: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield str(path), path.read_bytes()


def _outputs(root: Path, work: Path) -> dict[str, bytes]:
    """Everything a run shows or leaves behind, by where it came from."""
    outputs: dict[str, bytes] = {}
    summary = work / "step-summary.md"
    for output_format in OUTPUT_FORMATS:
        text = _run(
            root,
            "check",
            ".",
            "--output-format",
            output_format,
            env={"GITHUB_STEP_SUMMARY": str(summary)},
        )
        outputs[f"check --output-format {output_format}"] = text.encode()
    if summary.exists():
        outputs["GitHub step summary"] = summary.read_bytes()
    for args in (
        ("check", ".", "--verbose"),
        ("check", ".", "--show-context"),
        ("check", ".", "--statistics"),
        ("check", ".", "--write-baseline", str(work / "baseline.json")),
        ("check", ".", "--baseline", str(work / "baseline.json"), "--verbose"),
        ("fix", ".", "--diff", "--unsafe-fixes", "--verbose"),
    ):
        outputs[" ".join(args[:4])] = _run(root, *args).encode()
    for name, data in _files_under(work):
        outputs[f"file {name}"] = data
    stdin = (root / "app/settings.py").read_text()
    outputs["check - (stdin)"] = run_cli_in_process(
        "check", "-", "--stdin-filename", "app/settings.py", cwd=root, stdin=stdin
    ).stdout.encode()
    for name, data in _files_under(root):
        if ".timeoutlint_cache" in name or "cache" in Path(name).parts:
            outputs[f"cache {name}"] = data
    return outputs


def test_no_output_of_a_run_contains_a_password(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()

    outputs = _outputs(project, work)
    cached = sorted(Path(where).parent.name for where in outputs if where.startswith("cache "))
    assert {"index", "v1"} <= set(cached)  # the result cache and the project index were written

    leaks = sorted(
        f"{where}: {label}"
        for where, data in outputs.items()
        for label, secret in SECRETS.items()
        if any(form.encode() in data for form in _forms(secret))
    )
    assert leaks == []


def test_the_secret_fixture_does_exercise_the_password_rules(project: Path) -> None:
    """Guard against a vacuous pass: the passwords are really found and reported (masked)."""
    text = _run(project, "check", ".", "--output-format", "json-lines")

    reported = {rule for rule in EXPECTED_RULES if f'"code": "{rule}"' in text}
    assert reported == EXPECTED_RULES
    assert "redis://:****@redis:6379/0" in text or "****" in text


_CRASH_WITH_A_SECRET = """
import sys

from timeoutlint import engine
from timeoutlint.checks.base import Check


def crash(ctx, model):
    raise ValueError("cannot connect to redis://:Crash-Pass-99@redis:6379/0 (password=Crash-Kw-98)"
        " while calling requests.get(url, auth=('bob', 'Crash-Auth-97')) with"
        " os.getenv('REDIS_PASSWORD', 'Crash-Env-96') and redis://:Crash'Quote-95@redis")


original_init = engine.Engine.__init__


def init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.checks.append(Check(("TL101",), "python", (b"requests",), crash))


engine.Engine.__init__ = init
from timeoutlint.cli import main

main(sys.argv[1:], prog_name="timeoutlint")
"""


@pytest.mark.parametrize("verbose", [False, True], ids=["short", "verbose"])
def test_an_internal_error_does_not_print_a_password_it_quotes(
    tmp_path: Path, verbose: bool
) -> None:
    (tmp_path / "app.py").write_text("import requests\nrequests.get(URL, timeout=5)\n")
    args = ["check", ".", "--no-cache", *(["--verbose"] if verbose else [])]
    script = tmp_path.parent / f"crash_{tmp_path.name}.py"
    script.write_text(_CRASH_WITH_A_SECRET)

    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert "redis://:****@redis:6379/0 (password=****)" in result.stderr
    for secret in ("Crash-Pass-99", "Crash-Kw-98", "Crash-Auth-97", "Crash-Env-96", "Crash'Quote"):
        assert secret not in result.stderr + result.stdout
    assert "auth=('bob', '****')" in result.stderr
    assert "os.getenv('REDIS_PASSWORD', '****')" in result.stderr
    assert ("raise ValueError(" in result.stderr) is verbose
    assert result.returncode == 2


DIFF_LINES = [
    "os.getenv('REDIS_PASSWORD', '****')",
    'os.getenv("REDIS_PASSWORD", "****")',
    'redis.Redis("redis", 6379, 0, "****"',
    '"redis://:" + "****" + "@redis:6379/0"',
    '"redis://:{}@redis:6379/0".format("****")',
    '"redis://:%s@redis:6379/0" % "****"',
    'auth=("bob", "****")',
]


def test_the_diff_shows_the_planted_lines_masked(project: Path) -> None:
    """Guard against a vacuous pass: each planted Python form is in the diff, masked."""
    text = _run(project, "fix", ".", "--diff", "--unsafe-fixes", "--no-cache")

    lines = text.splitlines()
    shown = [
        expected
        for expected in DIFF_LINES
        if any(line.startswith("-") and expected in line for line in lines)
        and any(line.startswith("+") and expected in line for line in lines)
    ]
    assert shown == DIFF_LINES


REDACTIONS = [
    ("error for redis://:hunter2@redis:6379/0", "error for redis://:****@redis:6379/0"),
    ("redis://default:p%40ss@cache/1", "redis://default:****@cache/1"),
    ("redis://hunter2@redis:6379", "redis://****@redis:6379"),
    ("REDIS_PASSWORD=hunter2", "REDIS_PASSWORD=****"),
    ('redis.Redis(password="hunter2")', 'redis.Redis(password="****")'),
    ("command: redis-server --requirepass hunter2", "command: redis-server --requirepass ****"),
    (
        'command: ["redis-server", "--requirepass", "hunter2"]',
        'command: ["redis-server", "--requirepass", "****"]',
    ),
    ("REDIS_PASSWORD=${REDIS_PASSWORD}", "REDIS_PASSWORD=${REDIS_PASSWORD}"),
    ('password=os.environ.get("REDIS_PASSWORD")', 'password=os.environ.get("REDIS_PASSWORD")'),
    ("password=settings.REDIS_PASSWORD", "password=settings.REDIS_PASSWORD"),
    ("requests.get(url, timeout=10)", "requests.get(url, timeout=10)"),
]


@pytest.mark.parametrize(("text", "expected"), REDACTIONS, ids=[t for t, _ in REDACTIONS])
def test_redact_masks_credentials_and_keeps_references(text: str, expected: str) -> None:
    from timeoutlint.redact import redact

    assert redact(text) == expected
