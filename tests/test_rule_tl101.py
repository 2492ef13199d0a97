"""TL101 requests-without-timeout: what is and is not a finding."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lines, lint
from timeoutlint.findings import Applicability


def test_module_function_without_timeout_is_flagged(tmp_path: Path) -> None:
    findings = lint(tmp_path, "import requests\nrequests.post(url, json=data)\n")
    assert lines(findings) == [2]
    assert findings[0].message == "`requests.post()` has no timeout and can wait forever"


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
