"""Fixes next to a `**` splat, executed: the fixed call never passes `timeout` twice.

A dict that any statement may fill (`K["timeout"] = 5`, `K.update(...)`,
`K.setdefault(...)`, `K |= ...`, `fill(K)`, an alias, a loop) may carry a
timeout: no finding, so no fix. A dict that nothing can change is read as
written: without `timeout` it is reported and the safe fix adds one. Every
case is fixed with safe fixes only and then run against a stub `requests`
whose functions record their keyword arguments.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeoutlint.catalog import builtin_rules
from timeoutlint.config import parse_table, selected_rules
from timeoutlint.discovery import SourceFile
from timeoutlint.engine import Engine
from timeoutlint.fixes.apply import fix_file
from timeoutlint.project import build_project_context

Fixer = tuple[Engine, SourceFile]


@pytest.fixture(scope="module")
def fixer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixer]:
    root = tmp_path_factory.mktemp("splat-fixes")
    rules = builtin_rules()
    config = parse_table({"select": ["TL101"]}, root, None)
    source = SourceFile(root / "module.py", "module.py", "module.py", "python")
    yield (
        Engine(config, rules, selected_rules(config, rules), build_project_context([], config)),
        source,
    )


def _safe_fix(fixer: Fixer, code: str) -> str:
    engine, source = fixer
    outcome = fix_file(engine, source, code.encode("utf-8"), unsafe=False)
    assert outcome.error is None, outcome.error
    return outcome.fixed.decode("utf-8")


def _run(code: str) -> list[dict[str, Any]]:
    """Execute `code` with a stub `requests`; the keyword arguments of every call it made."""
    calls: list[dict[str, Any]] = []
    stub = types.ModuleType("requests")

    def record(url: object, **kwargs: Any) -> None:
        calls.append(kwargs)

    for verb in ("get", "post", "put", "request"):
        setattr(stub, verb, record)
    saved = sys.modules.get("requests")
    sys.modules["requests"] = stub
    try:
        exec(compile(code, "module.py", "exec"), {"__name__": "fixed", "fill": _fill})
    finally:
        if saved is None:
            del sys.modules["requests"]
        else:
            sys.modules["requests"] = saved
    return calls


def _fill(kwargs: dict[str, Any]) -> None:
    kwargs["timeout"] = 5


FILLED_LATER = {
    "item assignment": 'K = {}\nK["timeout"] = 5\nrequests.post(url, **K)\n',
    "update": "K = {}\nK.update(timeout=5)\nrequests.post(url, **K)\n",
    "setdefault": 'K = {"verify": True}\nK.setdefault("timeout", 5)\nrequests.post(url, **K)\n',
    "in-place or": 'K = {}\nK |= {"timeout": 5}\nrequests.post(url, **K)\n',
    "passed to a function": "K = {}\nfill(K)\nrequests.post(url, **K)\n",
    "an alias": 'K = {}\nL = K\nL["timeout"] = 5\nrequests.post(url, **K)\n',
    "alias binding": 'D = {}\nK = D\nD["timeout"] = 5\nrequests.post(url, **K)\n',
    "filled in a loop after the call": (
        'K = {}\nfor _ in range(2):\n    requests.post(url, **K)\n    K["timeout"] = 5\n'
    ),
    "filled by another function": (
        'K = {}\ndef setup():\n    K["timeout"] = 5\nsetup()\nrequests.post(url, **K)\n'
    ),
    "dict() filled later": 'K = dict(verify=True)\nK["timeout"] = 5\nrequests.post(url, **K)\n',
    "a helper that returns a timeout": (
        'def kwargs():\n    return {"timeout": 5}\nrequests.post(url, **kwargs())\n'
    ),
    "a helper that may return a timeout": (
        "def kwargs(slow):\n    if slow:\n        return {}\n    return {'timeout': 5}\n"
        "requests.post(url, **kwargs(False))\n"
    ),
    "a helper that returns a dict it filled": (
        "def kwargs():\n    k = {}\n    k['timeout'] = 5\n    return k\n"
        "requests.post(url, **kwargs())\n"
    ),
    "a helper's dict filled before the call": (
        "def kwargs():\n    return {}\ndef run():\n    k = kwargs()\n    fill(k)\n"
        "    requests.post(url, **k)\nrun()\n"
    ),
    "a helper's dict filled in a loop": (
        "def kwargs():\n    return {}\ndef run():\n    k = kwargs()\n    for _ in range(2):\n"
        "        requests.post(url, **k)\n        k['timeout'] = 5\nrun()\n"
    ),
}

SETTLED = {
    "empty dict": "K = {}\nrequests.post(url, **K)\n",
    "dict display": 'K = {"verify": True}\nrequests.post(url, **K)\n',
    "dict call": "K = dict(verify=True)\nrequests.post(url, **K)\n",
    "splatted twice": 'K = {"verify": True}\nrequests.post(url, **K)\nrequests.get(url, **K)\n',
    "a literal at the call": 'requests.post(url, **{"verify": True})\n',
    "a helper at the call": (
        'def kwargs():\n    return {"verify": True}\nrequests.post(url, **kwargs())\n'
    ),
    "a helper's dict used after the call": (
        "def kwargs():\n    return {'verify': True}\ndef run():\n    k = {}\n    try:\n"
        "        k = kwargs()\n        requests.post(url, **k)\n    finally:\n        fill(k)\n"
        "run()\n"
    ),
}


@pytest.mark.parametrize("body", FILLED_LATER.values(), ids=FILLED_LATER.keys())
def test_a_dict_that_may_be_filled_later_is_left_alone(fixer: Fixer, body: str) -> None:
    code = "import requests\nurl = 'https://example.com'\n" + body
    fixed = _safe_fix(fixer, code)
    assert fixed == code
    _run(fixed)  # a doubled keyword would raise TypeError


@pytest.mark.parametrize("body", SETTLED.values(), ids=SETTLED.keys())
def test_a_settled_dict_without_timeout_gets_one_once(fixer: Fixer, body: str) -> None:
    code = "import requests\nurl = 'https://example.com'\n" + body
    fixed = _safe_fix(fixer, code)
    assert fixed != code
    calls = _run(fixed)
    assert calls and all("timeout" in kwargs for kwargs in calls)


# The property: generated calls, every safe fix executed ---------------------

KEYWORDS = st.sampled_from(["verify", "stream", "headers", "timeout"])
TIMEOUT_VALUES = st.sampled_from(["5", "None", "(3, None)", "(None, None)", "(3, 4)"])


@st.composite
def modules(draw: st.DrawFn) -> str:
    """A module binding some dicts (some filled later) and making one `requests` call."""
    lines = ["import requests", "url = 'https://example.com'"]
    splats: list[str] = []
    used = set[str]()
    for n in range(draw(st.integers(0, 2))):
        name = f"K{n}"
        keys = draw(st.lists(KEYWORDS, max_size=2, unique=True))
        items = ", ".join(
            f"{k!r}: {draw(TIMEOUT_VALUES) if k == 'timeout' else 'True'}" for k in keys
        )
        if draw(st.booleans()):
            lines.append(f"{name} = {{{items}}}")
        else:  # the same dict returned by a helper function
            lines.append(f"def make_{name}():\n    return {{{items}}}")
            lines.append(f"{name} = make_{name}()")
        later = draw(st.sampled_from(["", "item", "update", "setdefault", "ior", "fill"]))
        key = draw(KEYWORDS)
        lines.append(
            {
                "": "",
                "item": f"{name}[{key!r}] = 1",
                "update": f"{name}.update({key}=1)",
                "setdefault": f"{name}.setdefault({key!r}, 1)",
                "ior": f"{name} |= {{{key!r}: 1}}",
                "fill": f"fill({name})",
            }[later]
        )
        splats.append(f"**{name}")
        used |= set(keys)
    if draw(st.booleans()):
        keys = draw(st.lists(KEYWORDS, max_size=2, unique=True))
        splats.append("**{" + ", ".join(f"{k!r}: True" for k in keys) + "}")
    plain = [k for k in draw(st.lists(KEYWORDS, max_size=2, unique=True)) if k not in used]
    arguments = [
        "url",
        *(f"{k}={draw(TIMEOUT_VALUES) if k == 'timeout' else 'True'}" for k in plain),
    ]
    verb = draw(st.sampled_from(["get", "post"]))
    lines.append(f"requests.{verb}({', '.join(arguments + splats)})")
    return "\n".join(lines) + "\n"


def _runs(code: str) -> bool:
    """Whether the unfixed code runs (generated dicts may pass one keyword twice themselves)."""
    try:
        _run(code)
    except TypeError:
        return False
    return True


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(code=modules())
def test_a_safe_fix_never_passes_a_keyword_twice(fixer: Fixer, code: str) -> None:
    if not _runs(code):
        return
    fixed = _safe_fix(fixer, code)
    calls = _run(fixed)  # a doubled keyword raises TypeError here
    assert len(calls) == 1
    if fixed != code:
        assert "timeout" in calls[0]


REDASH_SHAPED = """\
import requests


class Prometheus:
    url = "https://example.com"

    def _kwargs(self):
        return {"verify": True, "cert": ()}

    def test_connection(self):
        kwargs = {}
        try:
            kwargs = self._kwargs()
            return requests.get(self.url, **kwargs)
        finally:
            fill(kwargs)


Prometheus().test_connection()
"""


def test_a_method_helper_without_timeout_is_reported_with_an_unsafe_fix_only(
    fixer: Fixer,
) -> None:
    """A subclass may override `_kwargs` to return a timeout: adding one is not safe."""
    engine, source = fixer
    assert _safe_fix(fixer, REDASH_SHAPED) == REDASH_SHAPED
    outcome = fix_file(engine, source, REDASH_SHAPED.encode("utf-8"), unsafe=True)
    fixed = outcome.fixed.decode("utf-8")
    assert "requests.get(self.url, **kwargs, timeout=10)" in fixed
    assert _run(fixed) == [{"verify": True, "cert": (), "timeout": 10}]
