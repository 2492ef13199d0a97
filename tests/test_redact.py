# timeoutlint: skip-file -- test data: passwords written on purpose
"""`redact` masks every form a password takes in free text and code, in linear time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from timeoutlint import redact as redact_module
from timeoutlint.python.secrets import mask_literals, secret_literal_texts
from timeoutlint.redact import masked_constant, redact

CODE_FORMS = [
    (
        "URL = f\"redis://:{os.getenv('REDIS_PASSWORD', 'Pr0dS3cret')}@redis:6379/0\"",
        "URL = f\"redis://:{os.getenv('REDIS_PASSWORD', '****')}@redis:6379/0\"",
    ),
    (
        'password = os.environ.get("REDIS_PASSWORD", "Pr0dS3cret")',
        'password = os.environ.get("REDIS_PASSWORD", "****")',
    ),
    (
        'r = redis.Redis("redis", 6379, 0, "P0sitional")',
        'r = redis.Redis("redis", 6379, 0, "****")',
    ),
    (
        'url = "redis://:" + "C0ncat" + "@redis:6379/0"',
        'url = "redis://:" + "****" + "@redis:6379/0"',
    ),
    (
        'url = "redis://:{}@redis:6379/0".format("F0rmat")',
        'url = "redis://:{}@redis:6379/0".format("****")',
    ),
    ('url = "redis://:%s@redis:6379/0" % "P3rcent"', 'url = "redis://:%s@redis:6379/0" % "****"'),
    (
        'url = "redis://%s:%s@redis" % ("user", "P3rcent")',
        'url = "redis://%s:%s@redis" % ("****", "****")',
    ),
    (
        'requests.get(url, auth=("bob", "Tupl3Pw"), timeout=5)',
        'requests.get(url, auth=("bob", "****"), timeout=5)',
    ),
    ('HTTPBasicAuth(user, "Cl4ssPw")', 'HTTPBasicAuth(user, "****")'),
    (
        "REDIS_URL: redis://:Sup3r'Secret@redis:6379/0",
        "REDIS_URL: redis://:****@redis:6379/0",
    ),
    ("REDIS_URL=redis://:Sp ace@redis:6379/0", "REDIS_URL=redis://:****@redis:6379/0"),
    ("  - REDIS_URL=redis://:Back`tick@redis:6379/0", "  - REDIS_URL=redis://:****@redis:6379/0"),
    ('url = "redis://:Sup3r\'Secret@redis"', 'url = "redis://:****@redis"'),
    (
        "REDIS_URL: redis://${REDIS_PASSWORD:-Def4ult}@redis",
        "REDIS_URL: redis://${REDIS_PASSWORD:-****}@redis",
    ),
    ("REDIS_PASSWORD: ${REDIS_PASSWORD:-Def4ult}", "REDIS_PASSWORD: ${REDIS_PASSWORD:-****}"),
    ("url = f\"redis://:{'L1teral'}@redis\"", "url = f\"redis://:{'****'}@redis\""),
    ('password="pass word"', 'password="****"'),
]

KEPT = [
    "REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0",
    "URL = f\"redis://:{quote(os.environ.get('REDIS_PASSWORD', ''), safe='')}@redis:6379/0\"",
    'URL = f"redis://:{quote(REDIS_PASSWORD, safe="")}@redis:6379/0"',
    'url = "redis://:{}@redis:6379/0".format(password)',
    "redis.Redis(host, port, db, password, socket_timeout=5)",
    "https://github.com/org/repo/issues/12",
    "The `password=` of `redis.Redis()` is a literal Redis password",
    'os.environ.get("REDIS_HOST", "localhost")',
]


@pytest.mark.parametrize(("text", "expected"), CODE_FORMS, ids=[t for t, _ in CODE_FORMS])
def test_redact_masks_a_password_in_every_form(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_redact_keeps_references_and_other_text(text: str) -> None:
    assert redact(text) == text


def _masked_python(source: str) -> str:
    """A Python file's password literals masked as `fix --diff` masks them (`fixes/patch.py`)."""
    return mask_literals(source, secret_literal_texts(source))


def test_a_python_file_is_masked_for_a_diff() -> None:
    source = (
        "import os\n"
        "A = redis.Redis('redis', 6379, 0, 'P0s')\n"
        "B = 'redis://:' + 'C0n' + '@h'\n"
        "C = os.getenv('API_TOKEN', 'T0k')\n"
        "D = {'password': 'D1ct', 'host': 'h'}\n"
        "É = 'é'; E = requests.get(u, auth=('u', 'Äuth'))\n"
    )

    assert _masked_python(source) == (
        "import os\n"
        "A = redis.Redis('redis', 6379, 0, '****')\n"
        "B = 'redis://:' + '****' + '@h'\n"
        "C = os.getenv('API_TOKEN', '****')\n"
        "D = {'password': '****', 'host': 'h'}\n"
        "É = 'é'; E = requests.get(u, auth=('u', '****'))\n"
    )


def test_lookup_keys_and_dict_keys_in_a_password_slot_stay_for_a_diff() -> None:
    source = (
        "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'MinimumLengthValidator'}]\n"
        "DATABASES = {'default': {'NAME': 'app'}}\n"
        "CACHE_PASSWORD = REDIS['caching'].get('PASSWORD', 'G3t')\n"
        "SECRET_KEY = getattr(configuration, 'SECRET_KEY', 'Att')\n"
        "token = kwargs.pop('oauth_token', 'P0p')\n"
        "CACHES = {'default': {'OPTIONS': {'PASSWORD': CACHE_PASSWORD}}}\n"
    )

    assert _masked_python(source) == (
        "AUTH_PASSWORD_VALIDATORS = [{'NAME': '****'}]\n"
        "DATABASES = {'default': {'NAME': 'app'}}\n"
        "CACHE_PASSWORD = REDIS['caching'].get('PASSWORD', '****')\n"
        "SECRET_KEY = getattr(configuration, 'SECRET_KEY', '****')\n"
        "token = kwargs.pop('oauth_token', '****')\n"
        "CACHES = {'default': {'OPTIONS': {'PASSWORD': CACHE_PASSWORD}}}\n"
    )


def test_text_that_is_not_python_is_left_to_redact() -> None:
    assert _masked_python("services:\n  a: [\n") == "services:\n  a: [\n"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("REDIS_PASSWORD", "s3cret", "****"),
        ("REDIS_URL", "redis://:s3cret@redis:6379/0", "redis://:****@redis:6379/0"),
        ("REDIS_HOST", "redis", "redis"),
        ("REDIS_TIMEOUT", 5, 5),
        ("REDIS_PASSWORD", "", ""),
    ],
)
def test_a_module_constant_is_kept_masked(name: str, value: object, expected: object) -> None:
    assert masked_constant(name, value) == expected


# Linear time -----------------------------------------------------------------------------

LINE = 200_000
SHAPES = {
    "a word": "a",
    "dotted names": "a.",
    "password words": "password",
    "colons": "x:",
    "schemes": "a://",
    "quoted URLs": "'redis://",
    "user info": "redis://a@",
    "assignments": "password= ",
    "flags": "--requirepass ",
    "env lookups": "getenv(",
    "clients": "Redis('",
    "auth tuples": "auth=(",
    "formatted URLs": '"redis://:{}@h".format(',
    "a real line": "'redis://:pw@h', os.getenv('A_PASSWORD', 'x'), ",
}


class _Counting:
    """A compiled pattern that counts the calls made to it (and the matches it yields)."""

    def __init__(self, pattern: re.Pattern[str], calls: list[int]) -> None:
        self._pattern = pattern
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._pattern, name)
        if name == "finditer":

            def counted_iter(*args: Any) -> Iterator[re.Match[str]]:
                for found in method(*args):
                    self._calls[0] += 1
                    yield found

            return counted_iter
        if not callable(method):
            return method

        def counted(*args: Any) -> Any:
            self._calls[0] += 1
            return method(*args)

        return counted


def _regex_calls(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> int:
    calls = [0]
    with monkeypatch.context() as patch:
        for name, value in vars(redact_module).items():
            if isinstance(value, re.Pattern):
                patch.setattr(redact_module, name, _Counting(value, calls))
        quotes = {q: _Counting(p, calls) for q, p in redact_module._TO_QUOTE.items()}
        patch.setattr(redact_module, "_TO_QUOTE", quotes)
        run()
    return calls[0]


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_redact_on_a_200_kb_line_makes_a_linear_number_of_regex_calls(
    monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    """Every pattern reads a bounded window after its anchor or consumes what it read (module
    docstring), so time is linear when the number of calls is: twice the text, at most twice
    the calls (give or take the windows at the seam). The 200 KB line took minutes when
    redact was quadratic."""
    half = unit * (LINE // 2 // len(unit))
    whole = half + half

    calls_half = _regex_calls(monkeypatch, lambda: redact(half))
    calls_whole = _regex_calls(monkeypatch, lambda: redact(whole))

    assert calls_whole <= 2 * calls_half + 1000
    assert calls_whole <= 4 * len(whole)


def test_a_diff_of_a_200_kb_python_line_is_masked() -> None:
    line = "URLS = [" + "'redis://:pw@h', os.getenv('A_PASSWORD', 'S3cret'), " * 4000 + "]\n"

    masked = redact(_masked_python(line))

    assert "S3cret" not in masked and ":pw@" not in masked
    assert masked.count("'****'") == 4000
