"""Where a client comes from: annotations, `x or Session()` defaults and factory functions.

TL101-TL103 know a session or client by what made it. These cases are the
ones where the code never shows the constructor at the call: the type
annotation names the class, a fallback builds it, or a function of the file
returns it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import reported

ANNOTATED_PARAMETERS = {
    "a class": "session: requests.Session",
    "an imported class": "session: Session",
    "Optional": "session: Optional[requests.Session] = None",
    "Union with None": "session: typing.Union[None, Session] = None",
    "X | None": "session: requests.Session | None = None",
    "None | X": "session: None | requests.Session = None",
    "a string": 'session: "requests.Session"',
    "a string union": 'session: "Optional[Session]" = None',
    "Annotated": 'session: typing.Annotated[Session, "injected"]',
}


@pytest.mark.parametrize("annotation", ANNOTATED_PARAMETERS.values(), ids=ANNOTATED_PARAMETERS)
def test_an_annotated_session_parameter_is_a_session(tmp_path: Path, annotation: str) -> None:
    code = f"""
    import typing
    from typing import Optional

    import requests
    from requests import Session

    def fetch({annotation}):
        return session.get("https://example.com")
    """
    assert reported(tmp_path, code) == [(9, "TL101")]


NOT_ONE_CLASS = {
    "two classes": "session: requests.Session | httpx.Client",
    "a dict": "session: dict",
    "a type": "session: type[requests.Session]",
    "no annotation": "session",
    "a broken string": 'session: "requests.Session["',
}


@pytest.mark.parametrize("annotation", NOT_ONE_CLASS.values(), ids=NOT_ONE_CLASS)
def test_an_annotation_that_names_no_single_session_says_nothing(
    tmp_path: Path, annotation: str
) -> None:
    code = f"""
    import httpx
    import requests

    def fetch({annotation}):
        return session.get("https://example.com")
    """
    assert reported(tmp_path, code) == []


def test_starred_parameters_annotate_their_elements_not_the_parameter(tmp_path: Path) -> None:
    code = """
    import requests

    def fetch(*sessions: requests.Session, **named: requests.Session):
        return sessions.get("https://example.com"), named.get("x")
    """
    assert reported(tmp_path, code) == []


def test_an_annotated_assignment_of_an_unknown_call_is_the_annotated_client(
    tmp_path: Path,
) -> None:
    code = """
    import httpx

    def fetch(make):
        client: httpx.Client = make()
        return client.get("https://example.com", timeout=None)
    """
    assert reported(tmp_path, code, "TL102") == [(6, "TL102")]


def test_an_annotated_assignment_of_a_local_subclass_keeps_the_subclass(tmp_path: Path) -> None:
    code = """
    import requests

    class TimeoutSession(requests.Session):
        def request(self, *args, **kwargs):
            kwargs.setdefault("timeout", 10)
            return super().request(*args, **kwargs)

    session: requests.Session = TimeoutSession()
    session.get("https://example.com")
    """
    assert reported(tmp_path, code) == []


def test_an_attribute_declared_in_the_class_body_is_the_declared_client(tmp_path: Path) -> None:
    code = """
    from typing import Optional

    import requests

    class Api:
        session: Optional[requests.Session] = None

        def __init__(self, session):
            self.session = session

        def get(self, url):
            return self.session.get(url)
    """
    assert reported(tmp_path, code) == [(13, "TL101")]


def test_what_an_attribute_is_assigned_outweighs_a_vague_class_body_annotation(
    tmp_path: Path,
) -> None:
    code = """
    from typing import Any

    import requests

    class Embeddings:
        session: Any = None

        def validate(self):
            self.session = requests.Session()

        def embed(self, text):
            return self.session.post("https://api.example.com", json={"input": text})
    """
    assert reported(tmp_path, code) == [(13, "TL101")]


def test_a_self_attribute_annotated_where_it_is_set_is_the_declared_client(
    tmp_path: Path,
) -> None:
    code = """
    import requests

    class Api:
        def __init__(self, factory):
            self.session: requests.Session = factory()

        def get(self, url):
            return self.session.get(url)
    """
    assert reported(tmp_path, code) == [(9, "TL101")]


def test_a_parameter_with_a_session_fallback_is_a_session(tmp_path: Path) -> None:
    code = """
    import requests

    class Api:
        def __init__(self, session=None):
            self.session = session or requests.Session()

        def get(self, url):
            return self.session.get(url)
    """
    assert reported(tmp_path, code) == [(9, "TL101")]


def test_a_fallback_between_two_kinds_of_client_says_nothing(tmp_path: Path) -> None:
    code = """
    import httpx
    import requests

    def fetch(url):
        client = httpx.Client() or requests.Session()
        return client.get(url)
    """
    assert reported(tmp_path, code) == []


def test_a_fallback_keeps_no_constructor_keyword(tmp_path: Path) -> None:
    """`PoolManager(timeout=...)` may be what is passed in: the constructor's timeout is unknown."""
    code = """
    import urllib3

    def fetch(url, pool=None):
        pool = pool or urllib3.PoolManager()
        return pool.request("GET", url)
    """
    assert reported(tmp_path, code, "TL102") == []


def test_a_factory_function_of_the_file_returns_its_session(tmp_path: Path) -> None:
    code = """
    import requests

    def make_session(token):
        session = requests.Session()
        session.headers["Authorization"] = token
        return session

    def fetch(url, token):
        return make_session(token).get(url)
    """
    assert reported(tmp_path, code) == [(10, "TL101")]


def test_a_factory_with_a_return_annotation_returns_that_client(tmp_path: Path) -> None:
    code = """
    import httpx

    def client() -> httpx.Client:
        return build_from_settings()

    async def handler(url):
        return client().get(url)
    """
    assert reported(tmp_path, code, "TL103") == [(8, "TL103")]


def test_a_factory_that_may_return_two_kinds_says_nothing(tmp_path: Path) -> None:
    code = """
    import httpx
    import requests

    def client(modern):
        if modern:
            return httpx.Client()
        return requests.Session()

    def fetch(url):
        return client(False).get(url)
    """
    assert reported(tmp_path, code) == []


def test_a_generator_factory_returns_no_session(tmp_path: Path) -> None:
    code = """
    import requests

    def sessions():
        yield requests.Session()
        return requests.Session()

    def fetch(url):
        return sessions().get(url)
    """
    assert reported(tmp_path, code) == []


def test_an_annotated_client_in_async_def_is_a_blocking_call(tmp_path: Path) -> None:
    code = """
    import httpx

    async def handler(client: "httpx.Client", url):
        return client.get(url)

    async def fine(client: httpx.AsyncClient, url):
        return await client.get(url)
    """
    assert reported(tmp_path, code, "TL103") == [(5, "TL103")]


def test_a_redis_client_known_by_annotation_changes_no_redis_rule(tmp_path: Path) -> None:
    """Only the call-site rules read annotations; the Redis model still needs the constructor."""
    code = """
    import redis

    def consume(client: redis.Redis):
        return client.blpop("jobs")
    """
    assert reported(tmp_path, code, "TL2,TL3") == []
