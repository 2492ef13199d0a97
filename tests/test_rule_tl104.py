"""TL104: PostgreSQL/MySQL DATABASES entries without connect_timeout."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lint


def flagged(tmp_path: Path, code: str) -> list[tuple[int, str]]:
    findings = lint(tmp_path, code, select="TL104", filename="config/settings.py")
    return [(f.span.start.line, f.message) for f in findings]


def test_an_entry_built_from_named_dicts_is_followed(tmp_path: Path) -> None:
    code = """
    OPTIONS = {"sslmode": "require"}
    PRIMARY = {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "OPTIONS": OPTIONS}
    DATABASES = {"default": PRIMARY}
    """
    assert flagged(tmp_path, code) == [
        (
            3,
            "the PostgreSQL database 'default' has no connect_timeout in OPTIONS; "
            "connecting can hang the worker",
        )
    ]


def test_the_fix_adds_connect_timeout_in_whole_seconds(tmp_path: Path) -> None:
    code = """
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}}}
    """
    findings = lint(
        tmp_path, code, select="TL104", filename="config/settings.py", default_timeout=[2.5, 30]
    )
    assert len(findings) == 1 and findings[0].fix is not None
    assert findings[0].fix.message == "Add `connect_timeout: 3` to OPTIONS"
