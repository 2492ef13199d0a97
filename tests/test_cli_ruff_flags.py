"""Options spelled as ruff spells them: `check --fix`, `--diff`, `--fix-only`, `--show-fixes`,
`--stdin-filename`, JSON statistics, `--redis-version` / `--rq-version`."""

from __future__ import annotations

import json

BAD = "import requests\n\nrequests.get('https://a')\nrequests.get('https://b')\n"
FIXED = "import requests\n\nrequests.get('https://a', timeout=10)\nrequests.get('https://b', timeout=10)\n"
UNSAFE = "import requests\n\nrequests.get('https://a', timeout=None)\n"
CONFIG = {"pyproject.toml": "[tool.timeoutlint]\n"}


def test_check_fix_writes_the_fixes_and_exits_0_when_nothing_is_left(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD})
    result = run_cli("check", "--fix", "--no-cache", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "app.py").read_text() == FIXED
    assert result.stdout == "Applied 2 fixes.\nAll checks passed!\n"


def test_check_fix_leaves_unsafe_fixes_without_unsafe_fixes(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": UNSAFE})
    result = run_cli("check", "--fix", "--no-cache", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == UNSAFE
    assert "has timeout=None" in result.stdout


def test_check_fix_with_unsafe_fixes_applies_them(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": UNSAFE})
    result = run_cli("check", "--fix", "--unsafe-fixes", "--no-cache", ".", cwd=root)
    assert result.returncode == 0, result.stdout
    assert "timeout=None" not in (root / "app.py").read_text()


def test_check_fix_reports_what_is_left_in_the_output_format(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD + UNSAFE.split("\n\n")[1]})
    result = run_cli("check", "--fix", "--output-format", "json", "--no-cache", ".", cwd=root)
    assert result.returncode == 1
    [left] = json.loads(result.stdout)
    assert (left["code"], left["location"]["row"]) == ("TL101", 5)


def test_check_diff_prints_the_patch_writes_nothing_and_exits_1(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD})
    result = run_cli("check", "--diff", "--no-cache", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == BAD
    assert result.stdout == run_cli("fix", "--diff", "--no-cache", ".", cwd=root).stdout
    assert result.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert result.stderr == "Would fix 2 findings.\n"


def test_check_diff_without_changes_exits_0(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": FIXED})
    result = run_cli("check", "--diff", "--no-cache", ".", cwd=root)
    assert (result.returncode, result.stdout) == (0, "")


def test_fix_only_fixes_and_does_not_report_or_fail_on_what_is_left(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD, "b.py": UNSAFE})
    result = run_cli("check", "--fix-only", "--no-cache", ".", cwd=root)
    assert result.returncode == 0
    assert (root / "app.py").read_text() == FIXED
    assert result.stdout == "Fixed 2 findings.\n"


def test_show_fixes_lists_the_fixed_findings_per_file_and_rule(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD})
    result = run_cli("check", "--fix", "--show-fixes", "--no-cache", ".", cwd=root)
    assert result.stdout == (
        "Applied 2 fixes.\n"
        "\n"
        "Fixed 2 findings:\n"
        "- app.py:\n"
        "    2 \N{MULTIPLICATION SIGN} TL101 (requests-without-timeout)\n"
        "\n"
        "All checks passed!\n"
    )


def test_check_fix_on_stdin_prints_the_fixed_text(project, run_cli) -> None:
    root = project(CONFIG)
    result = run_cli("check", "--fix", "--no-cache", "-", cwd=root, stdin=BAD)
    assert (result.returncode, result.stdout) == (0, FIXED)


def test_check_fix_cannot_be_combined_with_add_noqa(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD})
    result = run_cli("check", "--fix", "--add-noqa", ".", cwd=root)
    assert result.returncode == 2
    assert (root / "app.py").read_text() == BAD


def test_stdin_filename_reads_stdin_without_a_dash(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": "import requests\n"})
    result = run_cli("check", "--stdin-filename", "app.py", "--no-cache", cwd=root, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("app.py:3:1: TL101 ")


def test_stdin_filename_ignores_other_paths_with_a_warning(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": "import requests\n", "b.py": BAD})
    result = run_cli("check", "--stdin-filename", "app.py", "b.py", cwd=root, stdin=BAD)
    assert result.stdout.startswith("app.py:3:1: TL101 ")
    assert "b.py" not in result.stdout
    assert "warning: ignoring file b.py in favor of standard input" in result.stderr


def test_statistics_as_json_have_ruffs_shape(project, run_cli) -> None:
    root = project({**CONFIG, "a.py": BAD, "b.py": UNSAFE, "c.py": "x = 1\n"})
    result = run_cli(
        "check", "--statistics", "--output-format", "json", "--no-cache", ".", cwd=root
    )
    assert json.loads(result.stdout) == [
        {
            "code": "TL101",
            "name": "requests-without-timeout",
            "count": 3,
            "fixable": True,
            "fixable_count": 3,
        }
    ]


def test_redis_version_and_rq_version_override_the_pins_and_the_config(project, run_cli) -> None:
    root = project(
        {
            "pyproject.toml": '[tool.timeoutlint]\nredis-version = "5.0.1"\n',
            "requirements.txt": "redis==5.0.1\nrq==1.16.0\n",
            "app.py": "import redis\n",
        }
    )
    args = ("--redis-version", ">=4,<5", "--rq-version", "1.10", "--show-context", "--no-cache")
    result = run_cli("check", *args, ".", cwd=root)
    assert "redis-py: redis>=4,<5 " in result.stderr
    assert "rq: rq==1.10 " in result.stderr


def test_an_invalid_redis_version_is_a_usage_error(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": BAD})
    result = run_cli("check", "--redis-version", "banana", ".", cwd=root)
    assert result.returncode == 2
    assert "--redis-version must be a version specifier" in result.stderr


NOQA = "import requests\n\nrequests.get('https://a')  # noqa: {codes}\n"


def test_a_malformed_noqa_code_is_a_warning_naming_file_and_line(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": NOQA.format(codes="XYZ")})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert result.stderr.startswith(
        "timeoutlint: warning: Invalid `# noqa` directive on app.py:3: expected a "
        "comma-separated list of codes"
    )


def test_a_code_followed_by_junk_is_a_warning(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": NOQA.format(codes="TL101:")})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert "Invalid `# noqa` directive on app.py:3: expected code to consist" in result.stderr


def test_another_linters_well_formed_code_is_not_invalid(project, run_cli) -> None:
    root = project({**CONFIG, "app.py": NOQA.format(codes="E501, ABC123")})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert result.returncode == 1
    assert result.stderr == ""


def test_a_noqa_inside_a_string_is_not_a_directive(project, run_cli) -> None:
    code = "import requests\n\nrequests.get('https://a # noqa: XYZ')\n"
    root = project({**CONFIG, "app.py": code})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    assert result.stderr == ""


def test_a_malformed_noqa_on_stdin_names_the_stdin_filename(project, run_cli) -> None:
    root = project(CONFIG)
    result = run_cli(
        "check", "--stdin-filename", "web.py", cwd=root, stdin=NOQA.format(codes="XYZ")
    )
    assert "Invalid `# noqa` directive on web.py:3: " in result.stderr
