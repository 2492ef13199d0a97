"""Fuzzing the real fix path: generated files with requests, httpx and redis calls in odd layouts.

Hypothesis writes modules that mix the calls the rules fix with the layouts
that have broken fixers before: comments inside calls, line continuations,
nested parentheses, line-leading form feeds, `except E :`, odd whitespace,
CRLF line endings, a UTF-8 BOM, generator and walrus arguments, decorators
and f-strings. Each module goes through `fix_file` (all rules, unsafe fixes
too), and the result must

- compile;
- be unchanged by a second fix (idempotence);
- equal the original outside the calls the rules are about and whole added
  import lines: the oracle here is a character diff against the spans of the
  original's requests/httpx/redis calls, not the fixer's own verification.

The default run tries `TIMEOUTLINT_FUZZ_EXAMPLES` (300) examples; the
`fuzz` marker (`pytest -m fuzz`) runs `TIMEOUTLINT_LONG_FUZZ_EXAMPLES` (5000).
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.fixes.apply import fix_file
from timeoutlint.fixes.text_edits import line_starts
from timeoutlint.project import build_project_context
from timeoutlint.python.source import character_column, decode_python, split_lines

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
DEFAULT = settings(max_examples=int(os.environ.get("TIMEOUTLINT_FUZZ_EXAMPLES", "300")), **_COMMON)
LONG = settings(
    max_examples=int(os.environ.get("TIMEOUTLINT_LONG_FUZZ_EXAMPLES", "5000")), **_COMMON
)

HEADERS = (
    "import requests\n",
    "import httpx\n",
    "import redis\n",
    "from redis import Redis\n",
    "import redis.asyncio as aioredis\n",
)
CALLEES = st.sampled_from(
    [
        "requests.get",
        "requests.post",
        "requests.Session().get",
        "httpx.get",
        "httpx.Client",
        "redis.Redis",
        "redis.from_url",
        "Redis",
        "redis.StrictRedis",
        "aioredis.Redis",
    ]
)
PLAIN = st.sampled_from(
    [
        "URL",
        '"https://example.com/x"',
        "((URL))",
        "(u := URL)",
        'f"{BASE}/v1/{item!r}"',
        "f'{BASE}'",
        "lambda: (1, 2)",
        "[a for a in b]",
        "(a for a in b)",
        "*args",
        "data={'k': (1, 2)}",
        "headers=H",
        "timeout=None",
        "socket_timeout=None",
        "host='cache'",
        "socket_keepalive=True",
        "socket_keepalive_options={1: 60, 3: 5}",
        "socket_timeout=5",
        "'redis://cache:6379/0'",
        "**kwargs",
    ]
)
SEPARATORS = st.sampled_from(
    [", ", ",", ",\n    ", ", \\\n    ", ",  # note\n    ", "\n    ,", ",\n\n    ", ",\t"]
)
OPENINGS = st.sampled_from(["", "\n    ", "  # opened\n    ", " \\\n    ", "\t"])
CLOSINGS = st.sampled_from(["", "\n", ",\n", ",", "  # closing\n", " "])
FILLERS = st.sampled_from(
    [
        "\x0c\n",
        "\x0cx = 1\n",
        "try:\n    pass\nexcept OSError :\n    pass\n",
        "x = 1 ;  y = 2\n",
        "   \n",
        "# a comment \\\n",
        "value = (\n    1 +\n    2\n)\n",
        "text = 'a\\\n b'\n",
        "class C :\n    pass\n",
        "if (n := 3) > 2 : pass\n",
    ]
)
PLACES = st.sampled_from(
    [
        "{call}\n",
        "client = {call}\n",
        "result = (\n    {call}\n)\n",
        "@decorate({call})\ndef handler():\n    pass\n",
        "def handler():\n    return {call}\n",
        "async def handler():\n    async with {call} as c:\n        pass\n",
        'value = f"{{{call}!r}}"\n',
        "items = [{call} for URL in urls]\n",
        "if (response := {call}) :\n    pass\n",
        "wrap(first={call}, second=2)\n",
        "x = 1; {call}\n",
        "with \\\n    {call} as c:\n    pass\n",
        "first = {call}\nsecond = {call}\n",
        "pubsub = {call}.pubsub()\nfor message in pubsub.listen():\n    pass\n",
    ]
)


@st.composite
def calls(draw: st.DrawFn) -> str:
    callee = draw(CALLEES)
    arguments = draw(st.lists(PLAIN, max_size=3, unique=True))
    if draw(st.integers(0, 5)) == 0:
        arguments = ["x for x in y"]  # a bare generator: only as the sole argument
    positional = [a for a in arguments if "=" not in a or a.startswith(("(", "f", "l", "["))]
    positional = [a for a in positional if not a.startswith("**")]
    keywords = [a for a in arguments if a not in positional and not a.startswith("**")]
    ordered = positional + keywords + [a for a in arguments if a.startswith("**")]
    if not ordered:
        return f"{callee}()"
    text = draw(OPENINGS)
    for index, argument in enumerate(ordered):
        text += argument
        if index < len(ordered) - 1:
            text += draw(SEPARATORS)
    return f"{callee}({text}{draw(CLOSINGS)})"


@st.composite
def modules(draw: st.DrawFn) -> bytes:
    parts = list(HEADERS)
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            parts.append(draw(FILLERS))
        parts.append(draw(PLACES).format(call=draw(calls())))
    code = "".join(parts)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "module.py", "exec")
    except SyntaxError:
        code = "".join(HEADERS) + "requests.get(URL)\n"
    if draw(st.booleans()):
        code = code.replace("\n", "\r\n")
    data = code.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(st.integers(0, 4)) == 0 else data


@pytest.fixture(scope="module")
def fixer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, SourceFile]]:
    root = tmp_path_factory.mktemp("fix-fuzz")
    rules = builtin_rules()
    config = parse_table({"select": ["ALL"]}, root, None)
    source = SourceFile(root / "module.py", "module.py", "module.py", "python")
    engine = Engine(config, rules, selected_rules(config, rules), build_project_context([], config))
    yield engine, source


_ROOTS = ("requests", "httpx", "redis", "Redis", "aioredis")


def _call_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the outermost calls into requests, httpx and redis (and of calls
    on them), in document order."""
    lines = split_lines(text)
    starts = line_starts(text)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + character_column(lines[line - 1], column)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(text)
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[0] in _ROOTS:
            assert node.end_lineno is not None and node.end_col_offset is not None
            spans.append(
                (offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset))
            )
    outermost = [
        s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)
    ]
    return sorted(set(outermost))


def _without_calls(text: str) -> str:
    """The text with each outermost call replaced by a marker: what a fix must not touch."""
    pieces, cursor = [], 0
    for start, end in _call_spans(text):
        pieces += [text[cursor:start], "\0CALL\0"]
        cursor = end
    return "".join([*pieces, text[cursor:]])


def _lines(text: str) -> list[str]:
    """Lines split at \\n only (`str.splitlines` also splits at form feeds)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def _without_added_imports(before: str, after: str) -> str:
    """`after` without the import lines it has and `before` has not (a fix may add imports).

    An added import that opens its own section (a standard-library import above third-party
    ones, as isort orders them) brings the blank line after it.
    """
    known = _lines(before)
    kept = []
    after_added_import = False
    for line in _lines(after):
        if after_added_import and line.strip("\r\n") == "":
            after_added_import = False
            continue
        after_added_import = False
        if line in known:
            known.remove(line)
        elif line.startswith(("import ", "from ")) and line.rstrip("\r\n").isprintable():
            after_added_import = True
            continue
        kept.append(line)
    return "".join(kept)


def _changes_outside_calls(before: str, after: str) -> list[str]:
    """The lines that differ once every call and every added import line is set aside."""
    old = _lines(_without_calls(before))
    new = _lines(_without_calls(_without_added_imports(before, after)))
    return [line for line in difflib.ndiff(old, new) if line.startswith(("- ", "+ "))]


def _check(fixer: tuple[Engine, SourceFile], data: bytes) -> None:
    engine, source = fixer
    first = fix_file(engine, source, data, unsafe=True)
    second = fix_file(engine, source, first.fixed, unsafe=True)
    before = decode_python(data).text
    after = decode_python(first.fixed).text

    compile(after, "module.py", "exec")
    assert second.fixed == first.fixed, "a second fix changed the file again"
    assert first.fixed.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert _changes_outside_calls(before, after) == [], after


@DEFAULT
@given(data=modules())
def test_fixing_generated_modules_compiles_is_idempotent_and_changes_only_calls(
    fixer: tuple[Engine, SourceFile], data: bytes
) -> None:
    _check(fixer, data)


@pytest.mark.fuzz
@LONG
@given(data=modules())
def test_long_fuzz_of_the_fix_path(fixer: tuple[Engine, SourceFile], data: bytes) -> None:
    _check(fixer, data)


def test_the_oracle_sees_a_change_outside_the_calls() -> None:
    before = "import requests\n\x0cx = 1\nrequests.get(URL)\n"
    after = "import requests\nx = 1\nrequests.get(URL, timeout=10)\n"

    assert _changes_outside_calls(before, after) == ["- \x0cx = 1\n", "+ x = 1\n"]


def test_the_generator_writes_every_kind_of_layout() -> None:
    """The strategies above cover each layout the module docstring names."""
    seen = "".join([*FILLERS.elements, *PLACES.elements, *SEPARATORS.elements, *PLAIN.elements])  # type: ignore[attr-defined]
    for needle in ("\x0c", "except OSError :", "\\\n", "# ", ":=", "@decorate", 'f"', "(a for a"):
        assert needle in seen, needle
