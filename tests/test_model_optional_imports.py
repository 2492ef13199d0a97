"""Optional imports: `try: from redis import X` / `except ImportError: X = None`.

Where the name is called or has an attribute taken that the fallback constant lacks, only the
imported value can work, so the name resolves to the import there (and stays the constant
everywhere else).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tests.helpers import lines, lint
from timeoutlint.python.model import PythonModule
from timeoutlint.python.values import BoundAttribute, CallResult, Constant, QualifiedName

OPTIONAL_POOL = """
    try:
        from redis import ConnectionPool
    except ImportError:
        ConnectionPool = None

    def pool(url, host):
        if ConnectionPool is None:
            raise RuntimeError("redis is not installed")
        if url:
            return ConnectionPool.from_url(url)
        return ConnectionPool(host=host)
    """


def _model(code: str) -> PythonModule:
    return PythonModule.from_source(textwrap.dedent(code))


def _resolved(model: PythonModule, text: str) -> object:
    """What the expression whose source text is exactly `text` resolves to."""
    for node in ast.walk(model.tree):
        if isinstance(node, ast.expr) and ast.get_source_segment(model.source, node) == text:
            return model.resolve(node, model.scope_of(node))
    raise AssertionError(f"no expression {text!r}")


def test_an_attribute_of_an_optional_import_resolves_to_the_import() -> None:
    model = _model(OPTIONAL_POOL)
    assert _resolved(model, "ConnectionPool.from_url") == QualifiedName(
        "redis.ConnectionPool.from_url"
    )


def test_a_call_of_an_optional_import_resolves_to_the_import() -> None:
    model = _model(OPTIONAL_POOL)
    found = _resolved(model, "ConnectionPool(host=host)")
    assert isinstance(found, CallResult)
    assert found.callee == QualifiedName("redis.ConnectionPool")


def test_elsewhere_the_name_is_still_the_fallback() -> None:
    model = _model(OPTIONAL_POOL)
    comparison = next(n for n in ast.walk(model.tree) if isinstance(n, ast.Compare))
    assert model.resolve(comparison.left, model.scope_of(comparison)) == Constant(None)


def test_a_plain_module_import_with_a_none_fallback_resolves_to_the_module() -> None:
    model = _model(
        """
        try:
            import redis
        except (ImportError, AttributeError):
            redis = None

        client = redis.Redis()
        """
    )
    assert _resolved(model, "redis.Redis") == QualifiedName("redis.Redis")


def test_an_attribute_the_fallback_has_keeps_the_fallback() -> None:
    model = _model(
        """
        try:
            from redis import url
        except ImportError:
            url = ""

        url.format(host)
        """
    )
    assert _resolved(model, "url.format") == BoundAttribute(Constant(""), "format")


def test_a_handler_that_does_not_catch_a_failed_import_keeps_the_fallback() -> None:
    model = _model(
        """
        try:
            from redis import ConnectionPool
        except KeyError:
            ConnectionPool = None

        ConnectionPool.from_url(url)
        """
    )
    assert _resolved(model, "ConnectionPool.from_url") == BoundAttribute(Constant(None), "from_url")


def test_a_fallback_that_is_not_a_constant_keeps_the_fallback() -> None:
    model = _model(
        """
        try:
            from redis import ConnectionPool
        except ImportError:
            ConnectionPool = FakePool

        ConnectionPool.from_url(url)
        """
    )
    assert not isinstance(_resolved(model, "ConnectionPool.from_url"), QualifiedName)


def test_a_client_built_from_an_optional_import_is_checked(tmp_path: Path) -> None:
    findings = lint(tmp_path, OPTIONAL_POOL, select="TL205")
    assert [f.rule_id for f in findings] == ["TL205", "TL205"]
    assert lines(findings) == [11, 12]
