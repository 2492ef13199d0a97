"""Rule packs: a project's own call-site rules, loaded, shown, checked, fixed and validated."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from timeoutlint.catalog import CatalogError, builtin_rules
from timeoutlint.config import ConfigError, read_config_file
from timeoutlint.examples import validate_packs
from timeoutlint.rule_packs import all_rules, load_pack

PYPROJECT = """
[tool.timeoutlint]
rule-packs = ["ci/timeouts.yaml"]
"""

PACK = """
rules:
  - id: X-ACME001
    name: acme-call-without-deadline
    message: "`{callee}()` {problem}"
    severity: error
    reads: [python]
    summary: Calls through the internal HTTP wrapper must pass a deadline.
    what: Finds acme.http.call() and Client.call() without deadline=.
    why: The wrapper waits forever without a deadline.
    fix:
      applicability: safe
      description: Adds deadline=<default-timeout>.
    examples:
      bad:
        - code: |
            from acme.http import call

            user = call("https://users.internal/me")
          expect: ["3:8"]
          fixed: |
            from acme.http import call

            user = call("https://users.internal/me", deadline=10)
      good:
        - code: |
            from acme import http

            user = http.Client().call("https://users.internal/me", deadline=2.5)
    callsite:
      triggers: [acme]
      defaults:
        keyword: deadline
        fix-value: "{seconds}"
      callees:
        - functions: [acme.http.call]
          positional: 1
        - methods: [call]
          built-by: [acme.http.Client]
          positional: 1
"""

VIEWS = """
from acme import http

client = http.Client()


def me():
    return client.call("https://users.internal/me")


def with_deadline():
    return client.call("https://users.internal/me", 5)
"""


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    (tmp_path / "ci").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "ci" / "timeouts.yaml").write_text(PACK, encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    return tmp_path


def write_pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_config_key_lists_pack_paths_relative_to_the_config_file(acme: Path) -> None:
    config = read_config_file(acme / "pyproject.toml")
    assert config.rule_packs == ("ci/timeouts.yaml",)
    assert "X-ACME001" in all_rules(config)


def test_rule_packs_must_be_a_list_of_strings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.timeoutlint]\nrule-packs = "ci/timeouts.yaml"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="'rule-packs' must be a list of strings"):
        read_config_file(tmp_path / "pyproject.toml")


def test_check_reports_a_pack_rule_on_an_object_built_by_its_constructor(
    acme: Path, run_cli
) -> None:
    result = run_cli("check", ".", cwd=acme)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "app/views.py:8:12: X-ACME001 [*] `client.call()` has no deadline and can wait forever"
    )


def test_fix_adds_the_pack_keyword_with_the_configured_value(acme: Path, run_cli) -> None:
    result = run_cli("fix", ".", "--default-timeout", "2.5", cwd=acme)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (acme / "app" / "views.py").read_text(encoding="utf-8")
    assert 'client.call("https://users.internal/me", deadline=2.5)' in text


def test_rules_and_rule_show_pack_rules(acme: Path, run_cli) -> None:
    listing = run_cli("rules", cwd=acme)
    assert "X-ACME001  acme-call-without-deadline" in listing.stdout
    explained = run_cli("rule", "X-ACME001", cwd=acme)
    assert explained.returncode == 0
    assert "Calls through the internal HTTP wrapper must pass a deadline." in explained.stdout


def test_select_accepts_a_pack_rule(acme: Path, run_cli) -> None:
    result = run_cli("check", ".", "--select", "X-ACME", cwd=acme)
    assert "X-ACME001" in result.stdout


def test_validate_rules_runs_the_pack_examples_and_passes(acme: Path, run_cli) -> None:
    result = run_cli("validate-rules", cwd=acme)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 examples, 0 failed."


def test_validate_rules_fails_when_an_example_is_wrong(acme: Path, run_cli) -> None:
    pack = acme / "ci" / "timeouts.yaml"
    pack.write_text(PACK.replace('expect: ["3:8"]', 'expect: ["3:1"]'), encoding="utf-8")
    result = run_cli("validate-rules", cwd=acme)
    assert result.returncode == 1
    assert "FAIL X-ACME001 bad[0]" in result.stdout
    assert "expected a finding at example.py:3:1, got example.py:3:8" in result.stdout


def test_validate_packs_reports_each_example(acme: Path) -> None:
    results = validate_packs(read_config_file(acme / "pyproject.toml"))
    assert results == {"X-ACME001 bad[0]": [], "X-ACME001 good[0]": []}


def test_a_pack_cannot_use_a_builtin_id(tmp_path: Path) -> None:
    path = write_pack(tmp_path, PACK.replace("X-ACME001", "TL901"))
    with pytest.raises(CatalogError, match=r"must be in the user namespace, like X-ACME001"):
        load_pack(path, builtin_rules())


def test_a_pack_cannot_reuse_a_builtin_name(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path, PACK.replace("acme-call-without-deadline", "requests-without-timeout")
    )
    with pytest.raises(CatalogError, match=r"already used by TL101"):
        load_pack(path, builtin_rules())


def test_an_invalid_pack_entry_error_names_the_file_the_rule_and_the_field(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path,
        PACK.replace("positional: 1\n        - methods", "positional: one\n        - methods"),
    )
    with pytest.raises(CatalogError) as caught:
        load_pack(path, builtin_rules())
    message = str(caught.value)
    assert str(path) in message and "X-ACME001" in message
    assert "field 'positional' must be a non-negative integer, not 'one'" in message


def test_a_missing_pack_file_is_a_usage_error(acme: Path, run_cli) -> None:
    (acme / "ci" / "timeouts.yaml").unlink()
    result = run_cli("check", ".", cwd=acme)
    assert result.returncode == 2
    assert "rule pack not found (listed in 'rule-packs')" in result.stderr


def test_a_pack_file_must_hold_a_rules_list(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "- id: X-ACME001\n")
    with pytest.raises(CatalogError, match="a rule pack must be a mapping with one key, 'rules'"):
        load_pack(path, builtin_rules())


def test_the_readme_example_pack_loads_and_its_examples_pass(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Rule packs", 1)[1]
    pack = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "timeouts.yaml").write_text(pack, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    results = validate_packs(read_config_file(tmp_path / "pyproject.toml"))
    assert results == {"X-ACME001 bad[0]": [], "X-ACME001 good[0]": []}


def test_validate_rules_without_packs_is_a_usage_error(tmp_path: Path, run_cli) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.timeoutlint]\n", encoding="utf-8")
    result = run_cli("validate-rules", cwd=tmp_path)
    assert result.returncode == 2
    assert "no 'rule-packs' configured" in result.stderr
