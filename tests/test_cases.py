"""Every annotated case under `tests/cases/` gives exactly the findings its markers say.

How a case is written: `tests/case_files.py`. The tests at the end prove the runner can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.case_files import CASES, case_paths, load_case, run_case


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.name)
def test_case_gives_exactly_its_marked_findings(path: Path, tmp_path: Path) -> None:
    problems = run_case(load_case(path), tmp_path)
    assert not problems, f"{path.relative_to(CASES.parent)}:\n" + "\n".join(problems)


def _case(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "cases"
    root.mkdir(exist_ok=True)
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


CLIENT = "import redis\nr = redis.Redis(host='h', socket_timeout=2)\n"


def test_a_marked_line_that_is_not_reported_is_a_missing_finding(tmp_path: Path) -> None:
    path = _case(tmp_path, "TL203.py", CLIENT + "r.blpop('q', timeout=1)  # error: TL203\n")
    assert run_case(load_case(path), tmp_path / "run") == ["missing: TL203.py:3: TL203"]


def test_a_finding_on_an_unmarked_line_is_reported(tmp_path: Path) -> None:
    path = _case(tmp_path, "TL203.py", CLIENT + "r.blpop('q', timeout=1)  # ok\nr.brpop('q')\n")
    [problem] = run_case(load_case(path), tmp_path / "run")
    assert problem.startswith("unmarked: TL203.py:4:1: TL203 `r.brpop()` blocks forever")


def test_a_finding_on_a_line_marked_ok_is_reported(tmp_path: Path) -> None:
    path = _case(tmp_path, "TL203.py", CLIENT + "r.brpop('q')  # ok\n")
    [problem] = run_case(load_case(path), tmp_path / "run")
    assert problem.startswith("on a line marked ok: TL203.py:3:1: TL203")


def test_a_wrong_column_or_message_fragment_is_a_missing_finding(tmp_path: Path) -> None:
    path = _case(
        tmp_path,
        "TL203.py",
        CLIENT + "r.brpop('q')  # error: TL203@7\nr.brpop('q')  # error: TL203 \"never said\"\n",
    )
    problems = run_case(load_case(path), tmp_path / "run")
    assert problems[:2] == [
        "missing: TL203.py:3: TL203@7",
        'missing: TL203.py:4: TL203 "never said"',
    ]


def test_the_right_column_and_fragment_match(tmp_path: Path) -> None:
    path = _case(
        tmp_path,
        "TL203.py",
        CLIENT + "r.brpop('q')  # error: TL203@1 \"blocks forever\"\n",
    )
    assert run_case(load_case(path), tmp_path / "run") == []


def test_a_case_without_markers_checks_nothing_and_fails(tmp_path: Path) -> None:
    path = _case(tmp_path, "TL203.py", CLIENT)
    assert run_case(load_case(path), tmp_path / "run") == [
        "TL203.py: no `# error:` or `# ok` marker: this case checks nothing"
    ]


def test_case_settings_reach_the_configuration(tmp_path: Path) -> None:
    text = (
        '# case: redis-version = ">=8"\n'
        "import redis\nr = redis.from_url('redis://h')\nr.blpop('q', timeout=30)  # ok\n"
    )
    path = _case(tmp_path, "TL203-redis8.py", text)
    [problem] = run_case(load_case(path), tmp_path / "run")
    assert problem.startswith("on a line marked ok: TL203-redis8.py:4:1: TL203")


def test_a_marker_for_the_next_line_expects_the_finding_there(tmp_path: Path) -> None:
    path = _case(tmp_path, "TL203.py", CLIENT + "# error-on-next-line: TL203\nr.brpop('q')\n")
    assert run_case(load_case(path), tmp_path / "run") == []


def test_one_marker_may_ask_for_several_findings_with_columns_and_fragments(
    tmp_path: Path,
) -> None:
    path = _case(tmp_path, "TL3.py", 'r.get("k")  # error: TL302, TL303@5 "a call" "TL301"\n')
    assert [str(e) for e in load_case(path).expected] == [
        "TL3.py:1: TL302",
        'TL3.py:1: TL303@5 "a call" "TL301"',
    ]


def test_every_fragment_of_a_marker_must_occur_in_the_message(tmp_path: Path) -> None:
    line = 'r.brpop(\'q\')  # error: TL203 "blocks forever" "never said"\n'
    path = _case(tmp_path, "TL203.py", CLIENT + line)
    assert run_case(load_case(path), tmp_path / "run")[0] == (
        'missing: TL203.py:3: TL203 "blocks forever" "never said"'
    )
