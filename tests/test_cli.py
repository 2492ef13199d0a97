"""The command line as a user meets it: output, exit codes, options."""

from __future__ import annotations

import json
import sys

from timeoutlint import __version__

BAD = "import requests\n\nrequests.get('https://example.com')\n"
GOOD = "import requests\n\nrequests.get('https://example.com', timeout=5)\n"


def test_clean_project_exits_zero_and_says_so(project, run_cli) -> None:
    root = project({"app.py": GOOD})
    result = run_cli("check", ".", cwd=root)
    assert result.returncode == 0
    assert result.stdout == "All checks passed!\n"


def test_findings_are_printed_as_path_line_column_code_message_with_a_summary(
    project, run_cli_process
) -> None:
    """End to end: `python -m timeoutlint` in a fresh interpreter, as a user runs it."""
    root = project({"app.py": BAD})
    result = run_cli_process("check", cwd=root)
    assert result.returncode == 1
    assert result.stdout == (
        "app.py:3:1: TL101 [*] `requests.get()` has no timeout and can wait forever\n"
        "Found 1 finding.\n"
        "[*] 1 fixable with `timeoutlint fix`.\n"
    )


def test_exit_zero_keeps_findings_but_exits_zero(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", "--exit-zero", cwd=root)
    assert result.returncode == 0
    assert "TL101" in result.stdout


def test_quiet_prints_findings_without_the_summary(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", "--quiet", cwd=root)
    assert result.stdout.splitlines() == [
        "app.py:3:1: TL101 [*] `requests.get()` has no timeout and can wait forever"
    ]


def test_statistics_counts_findings_per_rule(project, run_cli) -> None:
    root = project({"a.py": BAD, "b.py": BAD})
    result = run_cli("check", ".", "--statistics", cwd=root)
    assert result.stdout.split() == ["2", "TL101", "[*]", "requests-without-timeout"]


def test_json_output_has_code_location_and_fix_edits(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", "--output-format", "json", cwd=root)
    assert result.returncode == 1
    [item] = json.loads(result.stdout)
    assert item["code"] == "TL101"
    assert item["filename"] == "app.py"
    assert item["location"] == {"row": 3, "column": 1}
    assert item["end_location"] == {"row": 3, "column": 13}
    assert item["fix"]["applicability"] == "safe"
    assert item["fix"]["edits"] == [
        {
            "content": ", timeout=10",
            "location": {"row": 3, "column": 35},
            "end_location": {"row": 3, "column": 35},
        }
    ]


def test_output_format_can_come_from_the_environment(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", cwd=root, env={"TIMEOUTLINT_OUTPUT_FORMAT": "json"})
    assert json.loads(result.stdout)[0]["code"] == "TL101"


def test_select_and_ignore_choose_the_rules(project, run_cli) -> None:
    root = project({"app.py": BAD})
    assert run_cli("check", ".", "--ignore", "TL101", cwd=root).returncode == 0
    assert run_cli("check", ".", "--select", "TL1", cwd=root).returncode == 1


def test_unknown_rule_selector_is_a_usage_error_naming_the_choices(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", "--select", "TL999", cwd=root)
    assert result.returncode == 2
    assert "unknown rule selector 'TL999'" in result.stderr
    assert "TL101" in result.stderr


def test_a_missing_path_is_reported_and_the_other_paths_are_still_checked(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", "app.py", "missing.py", cwd=root)
    assert result.returncode == 1
    assert (
        "missing.py:1:1: TL003 cannot check this path: no such file or directory" in result.stdout
    )
    assert "app.py:3:1: TL101" in result.stdout


def test_a_syntax_error_is_reported_and_other_files_are_still_checked(project, run_cli) -> None:
    root = project({"broken.py": "import requests\nrequests.get(\n", "app.py": BAD})
    result = run_cli("check", ".", cwd=root)
    assert result.returncode == 1
    grammar = f"with Python {sys.version_info[0]}.{sys.version_info[1]}'s grammar"
    assert f"broken.py:2:13: TL001 the file cannot be parsed {grammar}: '(' was never closed" in (
        result.stdout
    )
    assert "app.py:3:1: TL101" in result.stdout


def test_stdin_is_checked_with_the_given_filename(project, run_cli) -> None:
    root = project({})
    result = run_cli("check", "-", "--stdin-filename", "svc/pay.py", cwd=root, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("svc/pay.py:3:1: TL101 ")


def test_empty_stdin_is_clean(project, run_cli) -> None:
    result = run_cli("check", "-", cwd=project({}), stdin="")
    assert result.returncode == 0


def test_fix_on_stdin_writes_the_fixed_code_to_stdout(project, run_cli) -> None:
    result = run_cli("fix", "-", cwd=project({}), stdin=BAD)
    assert result.stdout == BAD.replace("com')", "com', timeout=10)")
    assert result.returncode == 0


def test_fix_rewrites_the_file_and_reports_what_is_left(project, run_cli) -> None:
    root = project({"app.py": BAD + "requests.get(u, timeout=None)\n"})
    result = run_cli("fix", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == GOOD.replace(
        "timeout=5", "timeout=10"
    ) + "requests.get(u, timeout=None)\n"
    assert "Applied 1 fix." in result.stdout
    assert (
        "Found 1 finding.\n"
        "No fixes available (1 hidden fix can be enabled with `timeoutlint fix --unsafe-fixes`).\n"
    ) in result.stdout


def test_unsafe_fixes_are_applied_only_when_asked(project, run_cli) -> None:
    root = project({"app.py": "import requests\nrequests.get(u, timeout=None)\n"})
    result = run_cli("fix", ".", "--unsafe-fixes", cwd=root)
    assert result.returncode == 0
    assert (root / "app.py").read_text() == "import requests\nrequests.get(u, timeout=10)\n"


def test_fix_diff_prints_a_unified_diff_writes_nothing_and_exits_one(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("fix", ".", "--diff", cwd=root)
    assert result.returncode == 1
    assert (
        "-requests.get('https://example.com')\n+requests.get('https://example.com', timeout=10)\n"
        in result.stdout
    )
    assert (root / "app.py").read_text() == BAD


def test_fix_diff_on_a_clean_project_exits_zero(project, run_cli) -> None:
    result = run_cli("fix", ".", "--diff", cwd=project({"app.py": GOOD}))
    assert (result.returncode, result.stdout) == (0, "")


def test_fix_uses_the_default_timeout_option(project, run_cli) -> None:
    root = project({"app.py": BAD})
    run_cli("fix", ".", "--default-timeout", "2.5", cwd=root)
    assert "timeout=2.5)" in (root / "app.py").read_text()


def test_rule_explains_itself(run_cli) -> None:
    result = run_cli("rule", "TL101")
    assert result.returncode == 0
    assert result.stdout.startswith("# requests-without-timeout (TL101)\n")
    for heading in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix safety",
        "## Options",
    ):
        assert heading in result.stdout


def test_rule_accepts_the_rule_name(run_cli) -> None:
    assert run_cli("rule", "requests-without-timeout").stdout.startswith(
        "# requests-without-timeout (TL101)"
    )


def test_unknown_rule_is_a_usage_error(run_cli) -> None:
    result = run_cli("rule", "TL999")
    assert result.returncode == 2
    assert "unknown rule 'TL999'" in result.stderr


def test_rules_lists_every_rule_with_its_name_reads_and_fix(run_cli) -> None:
    result = run_cli("rules")
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "READS", "FIX", "DEFAULT"]
    assert any(
        row.split()[:4] == ["TL101", "requests-without-timeout", "python", "sometimes"]
        for row in rows
    )


def test_version_comes_from_the_package(run_cli) -> None:
    assert run_cli("--version").stdout.strip() == f"timeoutlint, version {__version__}"


def test_python_dash_m_and_the_console_script_are_the_same_program(run_cli) -> None:
    assert run_cli("--help").returncode == 0


def test_config_errors_exit_two_and_name_the_key(project, run_cli) -> None:
    root = project({"pyproject.toml": "[tool.timeoutlint]\nselct = ['TL101']\n", "app.py": BAD})
    result = run_cli("check", ".", cwd=root)
    assert result.returncode == 2
    assert "unknown key 'selct' in [tool.timeoutlint]. Did you mean 'select'?" in result.stderr


def test_config_from_pyproject_is_used(project, run_cli) -> None:
    root = project({"pyproject.toml": "[tool.timeoutlint]\nignore = ['TL101']\n", "app.py": BAD})
    assert run_cli("check", ".", cwd=root).returncode == 0


def test_explicit_config_file_wins(project, run_cli) -> None:
    root = project({"ci.toml": "ignore = ['TL101']\n", "app.py": BAD})
    assert run_cli("check", ".", "--config", "ci.toml", cwd=root).returncode == 0


def test_no_color_output_has_no_escape_codes_even_when_forced_off(project, run_cli) -> None:
    root = project({"app.py": BAD})
    assert "\x1b[" not in run_cli("check", ".", cwd=root).stdout


def test_force_color_colours_the_output(project, run_cli) -> None:
    root = project({"app.py": BAD})
    result = run_cli("check", ".", cwd=root, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in result.stdout
