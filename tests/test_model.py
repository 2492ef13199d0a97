"""The Python model: imports, bindings, scopes and what an expression resolves to."""

from __future__ import annotations

import ast
import textwrap

from timeoutlint.python.model import PythonModule
from timeoutlint.python.values import (
    UNKNOWN,
    BoundAttribute,
    CallResult,
    Constant,
    DictValue,
    LocalClass,
    QualifiedName,
    TupleValue,
    callee_name,
)


def _model(code: str, module_name: str | None = None, is_package: bool = False) -> PythonModule:
    return PythonModule.from_source(textwrap.dedent(code), module_name, is_package)


def _call(model: PythonModule, text: str):
    """The CallSite whose source text starts with `text`."""
    for site in model.calls:
        if (ast.get_source_segment(model.source, site.node) or "").startswith(text):
            return site
    raise AssertionError(f"no call starting with {text!r}")


def _callee(model: PythonModule, text: str):
    site = _call(model, text)
    return model.resolve(site.node.func, site.scope)


def test_import_alias_resolves_to_the_module_name() -> None:
    model = _model("import requests as r\nr.get(u)\n")
    assert _callee(model, "r.get") == QualifiedName("requests.get")


def test_from_import_resolves_to_the_qualified_name() -> None:
    model = _model("from requests import get, Session\nget(u)\nSession()\n")
    assert _callee(model, "get(") == QualifiedName("requests.get")
    assert _callee(model, "Session(") == QualifiedName("requests.Session")


def test_from_import_of_a_submodule_resolves_through_it() -> None:
    model = _model("from requests import api\napi.get(u)\n")
    assert _callee(model, "api.get") == QualifiedName("requests.api.get")


def test_dotted_import_binds_the_top_level_package() -> None:
    model = _model("import urllib.request\nurllib.request.urlopen(u)\n")
    assert _callee(model, "urllib.request.urlopen") == QualifiedName("urllib.request.urlopen")


def test_assignment_alias_of_a_function_resolves() -> None:
    model = _model("import requests\nfetch = requests.get\nfetch(u)\n")
    assert _callee(model, "fetch(") == QualifiedName("requests.get")


def test_a_session_in_a_variable_is_a_call_result_of_its_constructor() -> None:
    model = _model("import requests\ns = requests.Session()\ns.get(u)\n")
    callee = _callee(model, "s.get")
    assert isinstance(callee, BoundAttribute) and callee.name == "get"
    assert callee_name(callee.base) == "requests.Session"


def test_with_as_binds_the_context_expression() -> None:
    model = _model("import requests\nwith requests.Session() as s:\n    s.post(u)\n")
    callee = _callee(model, "s.post")
    assert isinstance(callee, BoundAttribute)
    assert callee_name(callee.base) == "requests.Session"


def test_self_attribute_set_in_init_resolves_in_another_method() -> None:
    model = _model(
        """
        import requests

        class Client:
            def __init__(self):
                self.session = requests.Session()

            def fetch(self, url):
                return self.session.get(url)
        """
    )
    callee = _callee(model, "self.session.get")
    assert isinstance(callee, BoundAttribute)
    assert callee_name(callee.base) == "requests.Session"


def test_self_attribute_first_set_to_none_resolves_to_the_real_value() -> None:
    model = _model(
        """
        import redis

        class Sub:
            def __init__(self):
                self.client = None

            def connect(self):
                self.client = redis.Redis(socket_timeout=10)

            def run(self):
                self.client.pubsub()
        """
    )
    callee = _callee(model, "self.client.pubsub")
    assert isinstance(callee, BoundAttribute)
    assert callee_name(callee.base) == "redis.Redis"


def test_a_rebound_name_is_no_longer_what_it_was() -> None:
    model = _model("import requests\ns = requests.Session()\ns = {}\ns.get(u)\n")
    callee = _callee(model, "s.get")
    assert isinstance(callee, BoundAttribute)
    assert isinstance(callee.base, DictValue)


def test_the_binding_before_the_use_wins_in_the_same_scope() -> None:
    model = _model("import requests\ns = requests.Session()\ns.get(u)\ns = {}\n")
    callee = _callee(model, "s.get")
    assert isinstance(callee, BoundAttribute)
    assert callee_name(callee.base) == "requests.Session"


def test_a_parameter_shadows_a_module_import() -> None:
    model = _model("import requests\ndef f(requests):\n    requests.get(u)\n")
    assert _callee(model, "requests.get") is UNKNOWN


def test_a_function_sees_the_last_module_level_binding() -> None:
    model = _model("T = 5\ndef f():\n    g(T)\nT = None\n")
    site = _call(model, "g(T)")
    assert model.resolve(site.node.args[0], site.scope) == Constant(None)


def test_environment_default_is_a_constant_that_remembers_its_variable() -> None:
    model = _model('import os\nT = int(os.environ.get("REDIS_TIMEOUT", "10"))\nf(T)\n')
    site = _call(model, "f(T)")
    assert model.resolve(site.node.args[0], site.scope) == Constant(10, "REDIS_TIMEOUT")


def test_getenv_default_is_resolved_too() -> None:
    model = _model('import os\nf(float(os.getenv("T", 2.5)))\n')
    site = _call(model, "f(")
    assert model.resolve(site.node.args[0], site.scope) == Constant(2.5, "T")


def test_tuples_and_negative_numbers_resolve() -> None:
    model = _model("f((5, None), -1)\n")
    site = _call(model, "f(")
    assert model.resolve(site.node.args[0], site.scope) == TupleValue((Constant(5), Constant(None)))
    assert model.resolve(site.node.args[1], site.scope) == Constant(-1)


def test_relative_import_resolves_against_the_module_name() -> None:
    model = _model("from .connection import redis_conn\nredis_conn.blpop('q')\n", "app.worker")
    callee = _callee(model, "redis_conn.blpop")
    assert callee == QualifiedName("app.connection.redis_conn.blpop")


def test_relative_import_in_a_package_init_stays_in_the_package() -> None:
    model = _model("from . import tasks\ntasks.run()\n", "app", is_package=True)
    assert _callee(model, "tasks.run") == QualifiedName("app.tasks.run")


def test_relative_import_without_a_module_name_is_unknown() -> None:
    model = _model("from .connection import redis_conn\nredis_conn.get('k')\n")
    assert _callee(model, "redis_conn.get") is UNKNOWN


def test_a_local_class_keeps_its_resolved_bases() -> None:
    model = _model("import requests\nclass S(requests.Session):\n    pass\nS().get(u)\n")
    callee = _callee(model, "S().get")
    assert isinstance(callee, BoundAttribute)
    assert isinstance(callee.base, CallResult)
    assert isinstance(callee.base.callee, LocalClass)
    assert callee.base.callee.bases == (QualifiedName("requests.Session"),)


def test_async_function_is_detected_and_nested_sync_def_is_not_async() -> None:
    model = _model(
        """
        async def stream():
            a()
            def helper():
                b()
            return [c() for _ in range(3)]
        """
    )
    assert model.in_async_function(_call(model, "a()").scope)
    assert not model.in_async_function(_call(model, "b()").scope)
    assert model.in_async_function(_call(model, "c()").scope)


def test_module_level_code_is_not_async() -> None:
    model = _model("a()\n")
    assert not model.in_async_function(_call(model, "a()").scope)


def test_spans_count_characters_not_bytes() -> None:
    model = _model('x = "é"; requests.get(u)\n')
    site = _call(model, "requests.get")
    span = model.span(site.node)
    assert (span.start.line, span.start.column) == (1, 10)


def test_builtins_resolve_to_builtins_names() -> None:
    model = _model("dict(a=1)\nopen(p)\n")
    assert _callee(model, "open(") == QualifiedName("builtins.open")


def test_calls_in_every_kind_of_node_are_recorded_with_their_scope() -> None:
    model = _model(
        """
        match a():
            case {"k": x} if b():
                c()
        def f(p=d()):
            return [e() for _ in g()]
        """
    )
    scopes = {
        (ast.get_source_segment(model.source, site.node) or ""): site.scope.kind
        for site in model.calls
    }
    assert scopes == {
        "a()": "module",
        "b()": "module",
        "c()": "module",
        "d()": "module",
        "e()": "comprehension",
        "g()": "function",
    }


def test_string_constants_include_annotations_and_fstring_parts() -> None:
    model = _model(
        """
        def f(url: "redis://annotation") -> None:
            return f"redis://{host}/0"
        """
    )
    assert sorted(str(node.value) for node in model.string_constants) == [
        "/0",
        "redis://",
        "redis://annotation",
    ]


def test_a_functions_own_returns_leave_out_nested_functions_and_classes() -> None:
    model = _model(
        """
        def outer():
            if a:
                return 1
            def inner():
                return 2
            class Inner:
                def method(self):
                    return 3
            return 4
        """
    )
    outer = model.tree.body[0]
    scope = model.scope_of_definition(outer)
    assert scope is not None
    assert [ast.literal_eval(node.value) for node in scope.returns if node.value] == [1, 4]
