"""Finding identities shared by baselines, SARIF and GitLab: stable, unique, and free of secrets."""

from __future__ import annotations

from pathlib import Path

from timeoutlint.catalog import builtin_rules
from timeoutlint.findings import Finding, Span
from timeoutlint.report.context import ReportContext
from timeoutlint.report.fingerprints import identities, mask_secrets


def _identities(tmp_path: Path, text: str, lines: list[int], rule_id: str = "TL101") -> list[str]:
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    context = ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)
    findings = [Finding(rule_id, "m", "app.py", Span.of(n, 1, n, 2)) for n in lines]
    return [identity.fingerprint for identity in identities(findings, context)]


def test_the_line_number_is_not_part_of_the_identity(tmp_path: Path) -> None:
    before = _identities(tmp_path, "a()\nget(x)\n", [2])
    after = _identities(tmp_path, "import os\n\na()\nget(x)\n", [4])
    assert before == after


def test_re_indenting_keeps_the_identity(tmp_path: Path) -> None:
    assert _identities(tmp_path, "get(x,  y)\n", [1]) == _identities(
        tmp_path, "    get(x, y)\n", [1]
    )


def test_identical_lines_are_told_apart_by_their_order(tmp_path: Path) -> None:
    first, second = _identities(tmp_path, "get(x)\nget(x)\n", [1, 2])
    assert first != second
    assert _identities(tmp_path, "get(x)\nget(x)\n", [2, 1]) == [second, first]


def test_the_rule_and_the_path_are_part_of_the_identity(tmp_path: Path) -> None:
    assert _identities(tmp_path, "get(x)\n", [1]) != _identities(tmp_path, "get(x)\n", [1], "TL102")
    (tmp_path / "other.py").write_text("get(x)\n", encoding="utf-8")
    context = ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)
    findings = [Finding("TL101", "m", p, Span.of(1, 1, 1, 2)) for p in ("app.py", "other.py")]
    (tmp_path / "app.py").write_text("get(x)\n", encoding="utf-8")
    a, b = identities(findings, context)
    assert a.fingerprint != b.fingerprint
    assert a.line_hash == b.line_hash


def test_secrets_are_masked_before_hashing(tmp_path: Path) -> None:
    one = _identities(tmp_path, "REDIS_URL=redis://:hunter2@cache:6379/0\n", [1])
    two = _identities(tmp_path, "REDIS_URL=redis://:correct-horse@cache:6379/0\n", [1])
    assert one == two


def test_mask_secrets_covers_urls_keys_and_requirepass() -> None:
    assert mask_secrets("amqp://user:pw@h:1/0") == "amqp://user:****@h:1/0"
    assert mask_secrets("REDIS_PASSWORD=hunter2") == "REDIS_PASSWORD=****"
    assert mask_secrets("'PASSWORD': 'topsecret',") == "'PASSWORD': '****',"
    assert mask_secrets("redis-server --requirepass hunter2") == "redis-server --requirepass ****"
    assert mask_secrets("requests.get(url)") == "requests.get(url)"


def test_line_numbers_count_only_real_line_breaks(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("a = 1\x0c\nget(x)\n", encoding="utf-8")
    context = ReportContext(rules=builtin_rules(), root=tmp_path, cwd=tmp_path)
    assert context.line("app.py", 2) == "get(x)"
