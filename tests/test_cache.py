"""The result cache: what it stores, when it is used, and what it never does."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from timeoutlint.cache import (
    CACHE_HEADER,
    CACHEDIR_TAG,
    ResultCache,
    content_digest,
    prune_siblings,
    settings_key,
)
from timeoutlint.catalog import builtin_rules
from timeoutlint.config import Config, parse_table, selected_rules
from timeoutlint.discovery import Discovery
from timeoutlint.engine import Engine, FileResult, entry_key
from timeoutlint.project import build_project_context

UNSAFE_CALL = "import requests\n\nrequests.get('https://example.com')\n"
SAFE_CALL = "import requests\n\nrequests.get('https://example.com', timeout=5)\n"
UNRELATED = "import os\n\nprint(os.getcwd())\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(
    root: Path, cache_dir: Path, select: str = "TL101"
) -> tuple[list[FileResult], ResultCache]:
    rules = builtin_rules()
    config = parse_table({"select": [select]}, root.resolve(), None)
    enabled = selected_rules(config, rules)
    files = Discovery(config).files([root])
    project = build_project_context(files, config)
    engine = Engine(config, rules, enabled, project)
    cache = ResultCache.open(
        cache_dir, settings_key(config, rules, engine.enabled, project.fingerprint())
    )
    results = engine.run(files, jobs=1, cache=cache)
    assert cache.save() is None
    return results, cache


def _by_name(results: list[FileResult]) -> dict[str, FileResult]:
    return {Path(r.path).name: r for r in results}


def test_a_second_run_serves_the_analyzed_files_from_the_cache(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL, "other.py": SAFE_CALL})
    first, _ = _run(tmp_path / "src", tmp_path / "cache")
    second, _ = _run(tmp_path / "src", tmp_path / "cache")
    assert [r.cached for r in first] == [False, False]
    assert [r.cached for r in second] == [True, True]
    assert [r.findings for r in second] == [r.findings for r in first]
    assert [f.rule_id for f in _by_name(second)["client.py"].findings] == ["TL101"]


def test_an_edited_file_is_analyzed_again(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    _run(tmp_path / "src", tmp_path / "cache")
    _write(tmp_path / "src", {"client.py": SAFE_CALL})
    results, _ = _run(tmp_path / "src", tmp_path / "cache")
    assert results[0].cached is False
    assert results[0].findings == ()


def test_a_file_rejected_by_the_prefilter_is_not_stored(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"plain.py": UNRELATED, "client.py": UNSAFE_CALL})
    results, cache = _run(tmp_path / "src", tmp_path / "cache")
    assert _by_name(results)["plain.py"].analyzed is False
    assert sorted(Path(key[0]).name for key in cache.entries) == ["client.py"]


def test_other_settings_use_another_cache_file(tmp_path: Path) -> None:
    rules = builtin_rules()
    config = Config(root=tmp_path)
    all_rules = frozenset(rules)
    one_rule = frozenset({"TL101"})
    assert settings_key(config, rules, all_rules, "p") != settings_key(config, rules, one_rule, "p")
    assert settings_key(config, rules, one_rule, "p") != settings_key(config, rules, one_rule, "q")
    wider = Config(root=tmp_path, default_timeout=30)
    assert settings_key(config, rules, one_rule, "p") != settings_key(wider, rules, one_rule, "p")
    assert settings_key(config, rules, one_rule, "p") == settings_key(config, rules, one_rule, "p")


def test_an_entry_is_used_only_for_the_same_bytes(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "key")
    key = ("a.py", "a.py", "python")
    cache.put(key, content_digest(b"one"), ())
    cache.entries.update(cache.added)
    assert cache.get(key, content_digest(b"one")) == ()
    assert cache.get(key, content_digest(b"two")) is None
    assert cache.get(("b.py", "b.py", "python"), content_digest(b"one")) is None


def test_the_cache_directory_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    _run(tmp_path / "src", tmp_path / "cache")
    tag = (tmp_path / "cache" / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert tag == CACHEDIR_TAG
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_damaged_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    _, cache = _run(tmp_path / "src", tmp_path / "cache")
    cache.file.write_bytes(b"\x80\x05 this is not a pickle")
    results, _ = _run(tmp_path / "src", tmp_path / "cache")
    assert results[0].cached is False
    assert [f.rule_id for f in results[0].findings] == ["TL101"]


class _Planted:
    """What an attacker could commit as a cache file: unpickling it would run code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def test_a_planted_cache_file_cannot_run_code(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    _, cache = _run(tmp_path / "src", tmp_path / "cache")
    marker = tmp_path / "pwned"
    planted = pickle.dumps({("client.py", "client.py", "python"): _Planted(marker)})
    cache.file.write_bytes(CACHE_HEADER + planted)
    results, _ = _run(tmp_path / "src", tmp_path / "cache")
    assert not marker.exists()
    assert results[0].cached is False


def test_an_unwritable_cache_directory_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    cache = ResultCache(blocker, "key")
    cache.put(("a.py", "a.py", "python"), content_digest(b""), ())
    problem = cache.save()
    assert problem is not None and "could not be written" in problem


def test_entry_keys_carry_every_path_a_finding_uses(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    config = parse_table({}, (tmp_path / "src").resolve(), None)
    source = Discovery(config).files([tmp_path / "src"])[0]
    assert entry_key(source) == (source.display, source.relative, source.kind)


def test_check_writes_the_cache_under_the_project_root_by_default(tmp_path: Path, run_cli) -> None:
    _write(tmp_path, {"client.py": UNSAFE_CALL})
    first = run_cli("check", ".", cwd=tmp_path)
    second = run_cli("check", ".", "--verbose", cwd=tmp_path)
    assert (tmp_path / ".timeoutlint_cache" / "CACHEDIR.TAG").is_file()
    assert second.stdout == first.stdout
    assert "(1 answered from the cache), 0 parsed" in second.stderr


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, run_cli) -> None:
    _write(tmp_path, {"client.py": UNSAFE_CALL})
    result = run_cli("check", ".", "--no-cache", "--verbose", cwd=tmp_path)
    assert result.returncode == 1
    assert "(0 answered from the cache), 1 parsed" in result.stderr
    assert not (tmp_path / ".timeoutlint_cache").exists()


def test_cache_dir_option_chooses_the_directory(tmp_path: Path, run_cli) -> None:
    _write(tmp_path / "project", {"client.py": UNSAFE_CALL})
    result = run_cli(
        "check", ".", "--cache-dir", str(tmp_path / "elsewhere"), cwd=tmp_path / "project"
    )
    assert result.returncode == 1
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert not (tmp_path / "project" / ".timeoutlint_cache").exists()


def test_fix_writes_no_cache(tmp_path: Path, run_cli) -> None:
    _write(tmp_path, {"client.py": UNSAFE_CALL})
    run_cli("fix", ".", cwd=tmp_path)
    assert not (tmp_path / ".timeoutlint_cache").exists()


def _victim(directory: Path) -> dict[str, bytes]:
    """Someone else's directory that happens to look like a cache: pickles, temp files, notes."""
    files = {
        "model.pickle": b"weights",
        "upload.tmp": b"half an upload",
        "notes.txt": b"my notes",
        f"v1/{'a' * 40}.pickle": b"not ours",
        **{f"v1/{i:040x}.pickle": b"\x80\x05 a pickle" for i in range(12)},
        f"index/{'b' * 40}.pickle": b"not ours either",
    }
    for name, data in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, ns=(0, 10**9))
    return files


def _contents(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_a_committed_cache_link_out_of_the_project_is_refused(tmp_path: Path, run_cli) -> None:
    victim = tmp_path / "victim"
    before = _victim(victim)
    project = tmp_path / "project"
    _write(project, {"pyproject.toml": "[tool.timeoutlint]\n", "client.py": UNSAFE_CALL})
    (project / ".timeoutlint_cache").symlink_to("../victim")

    results = [run_cli("check", ".", cwd=project) for _ in range(2)]

    assert _contents(victim) == before
    for result in results:
        assert result.stderr == (
            f"timeoutlint: warning: not using the cache directory {project.resolve()}"
            f"/.timeoutlint_cache: it is a symbolic link to {victim}, which is outside the"
            f" project ({project.resolve()}); running without the cache\n"
        )
        assert result.stdout.startswith("client.py:3:1: TL101 ")
        assert result.returncode == 1


def test_a_configured_cache_dir_that_timeoutlint_did_not_create_is_left_alone(
    tmp_path: Path, run_cli
) -> None:
    victim = tmp_path / "victim"
    before = _victim(victim)
    project = tmp_path / "project"
    config = '[tool.timeoutlint]\ncache-dir = "../victim"\n'
    _write(project, {"pyproject.toml": config, "client.py": UNSAFE_CALL})

    result = run_cli("check", ".", cwd=project)

    assert _contents(victim) == before
    assert result.stderr == (
        f"timeoutlint: warning: not using the cache directory {project.resolve()}/../victim:"
        " it exists and was not created by timeoutlint (it has no CACHEDIR.TAG of ours);"
        " running without the cache\n"
    )
    assert result.returncode == 1


def test_a_configured_cache_dir_out_of_the_project_is_used_when_it_is_new(
    tmp_path: Path, run_cli
) -> None:
    project = tmp_path / "project"
    config = '[tool.timeoutlint]\ncache-dir = "../shared-cache"\n'
    _write(project, {"pyproject.toml": config, "client.py": UNSAFE_CALL})

    first = run_cli("check", ".", cwd=project)
    second = run_cli("check", ".", "--verbose", cwd=project)

    assert first.stderr == ""
    assert (tmp_path / "shared-cache" / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert "(1 answered from the cache)" in second.stderr


def test_an_empty_existing_directory_is_adopted_as_the_cache(tmp_path: Path, run_cli) -> None:
    _write(tmp_path, {"client.py": UNSAFE_CALL})
    (tmp_path / "cache").mkdir()

    result = run_cli("check", ".", "--cache-dir", "cache", cwd=tmp_path)

    assert result.stderr == ""
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert (tmp_path / "cache" / ".gitignore").read_text() == "# Created by timeoutlint.\n*\n"


def test_pruning_deletes_only_files_timeoutlint_wrote(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _victim(cache)
    (cache / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
    ours = [cache / "v1" / f"{i:040x}.pickle" for i in range(100, 112)]
    for age, path in enumerate(ours):
        path.write_bytes(CACHE_HEADER + b"entries")
        os.utime(path, ns=(0, (100 - age) * 10**9))
    (cache / "v1" / f"{'c' * 40}.pickle").symlink_to(cache / "notes.txt")

    prune_siblings(ours[-1], keep=3)

    remaining = _contents(cache)
    assert {name: remaining[name] for name in before} == before
    assert sorted(p.name for p in ours if p.exists()) == sorted(
        p.name for p in (ours[0], ours[1], ours[-1])
    )
    assert (cache / "v1" / f"{'c' * 40}.pickle").is_symlink()


def test_pruning_deletes_nothing_in_a_directory_without_our_tag(tmp_path: Path) -> None:
    directory = tmp_path / "unmarked" / "v1"
    directory.mkdir(parents=True)
    files = [directory / f"{i:040x}.pickle" for i in range(10)]
    for path in files:
        path.write_bytes(CACHE_HEADER)

    prune_siblings(files[0], keep=1)

    assert all(path.exists() for path in files)


def test_a_cache_file_without_our_header_is_a_miss(tmp_path: Path) -> None:
    _write(tmp_path / "src", {"client.py": UNSAFE_CALL})
    _, cache = _run(tmp_path / "src", tmp_path / "cache")
    data = cache.file.read_bytes()
    assert data.startswith(CACHE_HEADER)
    cache.file.write_bytes(data[len(CACHE_HEADER) :])

    results, _ = _run(tmp_path / "src", tmp_path / "cache")

    assert results[0].cached is False


def test_a_linked_subdirectory_of_a_committed_cache_is_neither_written_nor_pruned(
    tmp_path: Path, run_cli
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    before = {f"{i:040x}.pickle": CACHE_HEADER + b"looks like ours" for i in range(12)}
    for name, data in before.items():
        (victim / name).write_bytes(data)
    project = tmp_path / "project"
    _write(project, {"pyproject.toml": "[tool.timeoutlint]\n", "client.py": UNSAFE_CALL})
    cache = project / ".timeoutlint_cache"
    cache.mkdir()
    (cache / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
    for name in ("v1", "index", "files"):
        (cache / name).symlink_to(victim)

    result = run_cli("check", ".", "--verbose", cwd=project)

    assert {p.name: p.read_bytes() for p in victim.iterdir()} == before
    assert f"the cache could not be written to {cache}: it is a symbolic link to" in result.stderr
    assert result.returncode == 1
