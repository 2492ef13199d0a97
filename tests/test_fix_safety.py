"""Property tests: a fix never breaks a call, whatever shape its arguments have.

Hypothesis writes `requests` calls with every argument shape (positional,
keywords, `*args`, `**kwargs`, nested calls), every layout (one line,
parenthesized multi-line, trailing commas, comments inside the call, line
continuations) and in every position (statement, assignment, nested in
another call, wrapped in parentheses). For each, `fix --unsafe-fixes` with
all rules must give code that parses and compiles, has no repeated
keyword, changes only the call, keeps every comment, leaves nothing to fix
and is unchanged by a second fix.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.fixes.apply import allowed, fix_file
from timeoutlint.project import build_project_context

# 50 examples per property keep the file fast; set TIMEOUTLINT_FIX_EXAMPLES=5000 for a long hunt.
SETTINGS = settings(
    max_examples=int(os.environ.get("TIMEOUTLINT_FIX_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

IDENTIFIERS = st.sampled_from(["URL", "url", "self.base_url", "ENDPOINTS['pay']", "data", "h"])
LITERALS = st.sampled_from(['"https://example.com"', "{'a': 1}", "[1, 2]", "None", "3", "b'x'"])
NESTED = st.sampled_from(
    ["build(URL)", "urljoin(BASE, path=p)", "f(g(h(1)))", "requests.get(INNER)", "(lambda: 1)()"]
)
VALUES = st.one_of(IDENTIFIERS, LITERALS, NESTED)
KEYWORDS = st.sampled_from(["headers", "json", "params", "data", "auth", "verify", "stream"])
TIMEOUTS = st.sampled_from(["timeout=5", "timeout=None", "timeout=(3, None)", "timeout=T"])
CALLEES = st.sampled_from(
    ["requests.get", "requests.post", "requests.put", "requests.Session().get", "requests.request"]
)
SEPARATORS = st.sampled_from(
    [
        ", ",
        ",",
        ",\n    ",
        ",\n\n    ",
        ", \\\n    ",
        ",  # a comment\n    ",
        "  # before the comma\n    ,\n    ",
        ",\n    # a comment line\n    ",
    ]
)
OPENINGS = st.sampled_from(["", "\n    ", "  # opened\n    ", " \\\n    "])
CLOSINGS = st.sampled_from(["", "\n", ",\n", ",", "  # closing\n", ",  # trailing comma\n"])
PLACES = st.sampled_from(
    [
        "{call}\n",
        "response = {call}\n",
        "print({call})\n",
        "result = (\n    {call}\n)\n",
        "wrap(first={call}, second=2)\n",
        "def handler():\n    return {call}\n",
        "async def handler():\n    return await loop.run_in_executor(None, lambda: {call})\n",
        "items = [{call} for URL in urls]\n",
    ]
)


@st.composite
def arguments(draw: st.DrawFn) -> list[str]:
    """An argument list in a valid order: positionals, *args, keywords, **kwargs."""
    positional = draw(st.lists(VALUES, max_size=3))
    if not positional and draw(st.booleans()):
        positional = ["URL"]
    star = ["*args"] if draw(st.integers(0, 4)) == 0 else []
    names = draw(st.lists(KEYWORDS, max_size=3, unique=True))
    keywords = [f"{name}={draw(VALUES)}" for name in names]
    if draw(st.integers(0, 3)) == 0:
        keywords.insert(draw(st.integers(0, len(keywords))), draw(TIMEOUTS))
    double_star = ["**kwargs"] if draw(st.integers(0, 5)) == 0 else []
    return [*positional, *star, *keywords, *double_star]


@st.composite
def calls(draw: st.DrawFn) -> str:
    callee = draw(CALLEES)
    args = draw(arguments())
    if callee == "requests.request":
        args = ['"GET"', *args] if not args or "=" in args[0] or "*" in args[0] else args
    if not args:
        return f"{callee}()"
    text = draw(OPENINGS)
    for index, arg in enumerate(args):
        text += arg
        if index < len(args) - 1:
            text += draw(SEPARATORS)
    return f"{callee}({text}{draw(CLOSINGS)})"


@st.composite
def modules(draw: st.DrawFn) -> str:
    body = "".join(draw(PLACES).format(call=draw(calls())) for _ in range(draw(st.integers(1, 3))))
    return f"import requests\n\n{body}"


@pytest.fixture(scope="module")
def fixer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, SourceFile]]:
    root = tmp_path_factory.mktemp("fix-safety")
    rules = builtin_rules()
    config = parse_table({"select": ["ALL"]}, root, None)
    path = root / "module.py"
    source = SourceFile(path, "module.py", "module.py", "python")
    engine = Engine(config, rules, selected_rules(config, rules), build_project_context([], config))
    yield engine, source


def _fix(fixer: tuple[Engine, SourceFile], code: str) -> str:
    engine, source = fixer
    outcome = fix_file(engine, source, code.encode("utf-8"), unsafe=True)
    assert outcome.error is None, f"{outcome.error}\n--- code ---\n{code}"
    return outcome.fixed.decode("utf-8")


def _comments(code: str) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return [token.string for token in tokens if token.type == tokenize.COMMENT]


_REQUEST_VERBS = frozenset({"get", "post", "put", "request"})


class _WithoutTimeouts(ast.NodeTransformer):
    """Drops `timeout=` from the request calls only: any other call (the `Session()` a
    method is called on, a call chained on a fixed one) must come out of a fix unchanged."""

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in _REQUEST_VERBS:
            node.keywords = [k for k in node.keywords if k.arg != "timeout"]
        return node


def _shape(code: str) -> str:
    return ast.dump(_WithoutTimeouts().visit(ast.parse(code)))


def _repeated_keywords(code: str) -> list[str]:
    repeated = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            names = [k.arg for k in node.keywords if k.arg is not None]
            repeated.extend(name for name in set(names) if names.count(name) > 1)
    return repeated


def _valid_input(code: str) -> bool:
    try:
        compile(code, "module.py", "exec")
    except SyntaxError:
        return False
    return True


@SETTINGS
@given(code=modules())
def test_fixed_code_parses_and_compiles(fixer: tuple[Engine, SourceFile], code: str) -> None:
    assert _valid_input(code), code
    fixed = _fix(fixer, code)
    compile(fixed, "module.py", "exec")


@SETTINGS
@given(code=modules())
def test_fixing_twice_changes_nothing(fixer: tuple[Engine, SourceFile], code: str) -> None:
    fixed = _fix(fixer, code)
    assert _fix(fixer, fixed) == fixed


@SETTINGS
@given(code=modules())
def test_a_fix_never_repeats_a_keyword(fixer: tuple[Engine, SourceFile], code: str) -> None:
    assert _repeated_keywords(_fix(fixer, code)) == []


@SETTINGS
@given(code=modules())
def test_only_the_timeout_of_the_call_changes(fixer: tuple[Engine, SourceFile], code: str) -> None:
    fixed = _fix(fixer, code)
    assert _shape(fixed) == _shape(code)
    assert _comments(fixed) == _comments(code)


@SETTINGS
@given(code=modules())
def test_after_fixing_nothing_fixable_is_left(fixer: tuple[Engine, SourceFile], code: str) -> None:
    engine, source = fixer
    fixed = _fix(fixer, code)
    left = [f for f in engine.analyze(source, fixed.encode()) if allowed(f, unsafe=True)]
    assert left == []


@SETTINGS
@given(code=modules())
def test_every_missing_timeout_is_added_as_a_keyword(
    fixer: tuple[Engine, SourceFile], code: str
) -> None:
    fixed = _fix(fixer, code)
    before = sum(1 for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call))
    after = [node for node in ast.walk(ast.parse(fixed)) if isinstance(node, ast.Call)]
    assert len(after) == before
    for node in after:
        values = [k.value for k in node.keywords if k.arg == "timeout"]
        assert all(not (isinstance(v, ast.Constant) and v.value is None) for v in values)


def test_the_generator_covers_every_argument_shape() -> None:
    """A guard on the strategy itself: each shape the issue names is generated."""
    seen: set[str] = set()
    marks = {
        "*args": "*args",
        "**kwargs": "**kwargs",
        "comment": "#",
        "continuation": "\\\n",
        "multi-line": "(\n",
        "trailing comma": ",)",
        "nested call": "build(URL)",
        "keyword": "headers=",
    }

    @settings(max_examples=200, deadline=None)
    @given(code=modules())
    def collect(code: str) -> None:
        seen.update(name for name, mark in marks.items() if mark in code)
        if ",\n)" in code:
            seen.add("trailing comma")

    collect()
    assert seen == set(marks)


def test_a_call_chained_on_the_fixed_call_is_left_alone(fixer: tuple[Engine, SourceFile]) -> None:
    fixed = _fix(fixer, "import requests\n\nrequests.get(URL).json()\n")
    assert fixed.endswith("requests.get(URL, timeout=10).json()\n")


def test_the_session_a_method_is_called_on_is_left_alone(fixer: tuple[Engine, SourceFile]) -> None:
    fixed = _fix(fixer, "import requests\n\nrequests.Session().get(URL)\n")
    assert fixed.endswith("requests.Session().get(URL, timeout=10)\n")


def test_a_chained_call_is_left_alone_where_libcst_makes_the_fix(
    fixer: tuple[Engine, SourceFile],
) -> None:
    code = "import requests\n\nrequests.get(URL  # the address\n).json()\n"
    fixed = _fix(fixer, code)
    assert ".json()\n" in fixed and "json(timeout" not in fixed
    assert "timeout=10" in fixed
