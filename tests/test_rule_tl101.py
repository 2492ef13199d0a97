"""TL101 requests-without-timeout: what is and is not a finding."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint
from timeoutlint.findings import Applicability


def test_module_function_without_timeout_is_flagged(tmp_path: Path) -> None:
    findings = lint(tmp_path, "import requests\nrequests.post(url, json=data)\n")
    assert lines(findings) == [2]
    assert findings[0].message == "`requests.post()` has no timeout and can wait forever"


def test_every_verb_and_request_are_covered(tmp_path: Path) -> None:
    verbs = ["get", "options", "head", "post", "put", "patch", "delete"]
    code = (
        "import requests\n"
        + "".join(f"requests.{v}(u)\n" for v in verbs)
        + "requests.request('GET', u)\n"
    )
    assert len(lint(tmp_path, code)) == len(verbs) + 1


def test_alias_and_from_import_and_assignment_alias_are_followed(tmp_path: Path) -> None:
    code = """
    import requests as rq
    from requests import get
    from requests import api
    fetch = rq.post
    rq.get(u)
    get(u)
    api.get(u)
    fetch(u)
    """
    assert lines(lint(tmp_path, code)) == [6, 7, 8, 9]


def test_session_in_a_variable_chained_and_in_a_with_block(tmp_path: Path) -> None:
    code = """
    import requests
    s = requests.Session()
    s.get(u)
    requests.Session().post(u)
    with requests.session() as t:
        t.put(u)
    s.send(prepared)
    """
    assert lines(lint(tmp_path, code)) == [4, 5, 7, 8]


def test_session_kept_on_self_is_followed_across_methods(tmp_path: Path) -> None:
    code = """
    import requests

    class Api:
        def __init__(self):
            self.http = requests.Session()

        def ping(self):
            return self.http.head("https://example.com")
    """
    assert lines(lint(tmp_path, code)) == [9]


def test_session_subclass_defined_in_the_file_is_a_session(tmp_path: Path) -> None:
    code = """
    import requests

    class Retrying(requests.Session):
        pass

    Retrying().get(u)
    """
    assert lines(lint(tmp_path, code)) == [7]


def test_session_subclass_that_overrides_request_is_trusted(tmp_path: Path) -> None:
    code = """
    import requests

    class TimeoutSession(requests.Session):
        def request(self, *args, **kwargs):
            kwargs.setdefault("timeout", 10)
            return super().request(*args, **kwargs)

    TimeoutSession().get(u)
    """
    assert lint(tmp_path, code) == []


def test_timeout_none_and_a_name_bound_to_none_are_flagged_with_an_unsafe_fix(
    tmp_path: Path,
) -> None:
    code = """
    import requests
    T = None
    requests.get(u, timeout=None)
    requests.get(u, timeout=T)
    """
    findings = lint(tmp_path, code)
    assert lines(findings) == [4, 5]
    assert all(f.fix is not None and f.fix.applicability is Applicability.UNSAFE for f in findings)
    assert "timeout=None" in findings[0].message


def test_tuple_with_no_read_timeout_is_flagged(tmp_path: Path) -> None:
    code = "import requests\nrequests.get(u, timeout=(5, None))\nrequests.get(u, timeout=(None, None))\n"
    findings = lint(tmp_path, code)
    assert lines(findings) == [2, 3]
    assert "no read timeout" in findings[0].message


def test_a_connect_only_none_with_a_read_timeout_is_not_flagged(tmp_path: Path) -> None:
    assert lint(tmp_path, "import requests\nrequests.get(u, timeout=(None, 30))\n") == []


def test_any_given_timeout_is_accepted(tmp_path: Path) -> None:
    code = """
    import requests
    from django.conf import settings
    requests.get(u, timeout=5)
    requests.get(u, timeout=settings.HTTP_TIMEOUT)
    requests.get(u, timeout=(3.05, 27))
    requests.get(u, **{"timeout": 5})
    """
    assert lint(tmp_path, code) == []


def test_kwargs_that_may_carry_a_timeout_are_not_flagged(tmp_path: Path) -> None:
    code = """
    import requests
    def fetch(url, *args, **kwargs):
        requests.get(url, **kwargs)
        requests.Session().request("GET", url, *args)
    """
    assert lint(tmp_path, code) == []


def test_a_dict_splat_without_timeout_is_flagged(tmp_path: Path) -> None:
    assert lines(lint(tmp_path, 'import requests\nrequests.get(u, **{"verify": False})\n')) == [2]


def test_session_request_with_a_positional_timeout_is_accepted(tmp_path: Path) -> None:
    code = 'import requests\nrequests.Session().request("GET", u, None, None, None, None, None, None, 5)\n'
    assert lint(tmp_path, code) == []


def test_objects_that_are_not_requests_are_never_flagged(tmp_path: Path) -> None:
    code = """
    import requests
    from django.core.cache import cache
    from myapp.models import Order

    def view(request, requests):
        cache.get("k")
        Order.objects.get(pk=1)
        request.GET.get("page")
        requests.get("local variable called requests")
        {}.get("x")
    """
    assert lint(tmp_path, code) == []


def test_session_timeout_attribute_does_not_count_as_a_timeout(tmp_path: Path) -> None:
    code = "import requests\ns = requests.Session()\ns.timeout = 10\ns.get(u)\n"
    assert lines(lint(tmp_path, code)) == [4]


def test_missing_timeout_fix_is_safe_and_inserts_the_configured_value(tmp_path: Path) -> None:
    findings = lint(tmp_path, "import requests\nrequests.get(u)\n", default_timeout=[3.05, 27])
    assert findings[0].fix is not None
    assert findings[0].fix.applicability is Applicability.SAFE
    assert findings[0].fix.message == "Add `timeout=(3.05, 27)`"


def test_span_of_a_missing_timeout_is_the_callee(tmp_path: Path) -> None:
    finding = lint(tmp_path, "import requests\nr = requests.get(u)\n")[0]
    assert (finding.span.start.column, finding.span.end.column) == (5, 17)


def test_noqa_on_the_first_line_of_a_multi_line_call_suppresses_it(tmp_path: Path) -> None:
    code = "import requests\nrequests.get(  # noqa: TL101\n    u,\n    timeout=None,\n)\n"
    assert lint(tmp_path, code) == []
