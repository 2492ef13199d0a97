"""Finding the files to check: walk the paths, honour excludes and .gitignore, classify.

A file's kind decides which parser reads it: `python` (.py, .pyi), `compose`
(docker-compose*.yml and friends) or `dotenv` (.env, *.env, .env.*).
Problems (a missing path, an unreadable directory) are collected, never
raised, so that every other file is still checked.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from timeoutlint.config import Config
from timeoutlint.limits import describe_os_error

COMPOSE_PATTERNS = (
    "docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml", "docker-compose.*.yaml",
    "docker-compose-*.yml", "docker-compose-*.yaml", "compose.yml", "compose.yaml",
    "compose.*.yml", "compose.*.yaml", "compose-*.yml", "compose-*.yaml",
)  # fmt: skip
DOTENV_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display: str
    relative: str
    kind: str


@dataclass(frozen=True)
class DiscoveryProblem:
    display: str
    message: str


def compile_patterns(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return _compiled(tuple(patterns))


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Patterns are compiled once per run: per-file ignores are matched for every file."""
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def classify(name: str) -> str | None:
    if name.endswith((".py", ".pyi")):
        return "python"
    lowered = name.lower()
    if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in COMPOSE_PATTERNS):
        return "compose"
    if lowered == ".env" or lowered.endswith(".env") or lowered.startswith(".env."):
        return "dotenv"
    return None


def is_documentation_env(name: str) -> bool:
    """`.env.example` and friends document variables; they do not configure anything."""
    return name.lower().endswith(DOTENV_EXAMPLE_SUFFIXES)


def printable(name: str) -> str:
    """A file name that can be printed and encoded: undecodable bytes become `\\xNN`.

    Names that are not valid UTF-8 reach Python as lone surrogates, which no
    output stream or JSON encoder accepts; escaping them keeps the name
    recognisable and every report writable.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")
    return name


def display_path(path: Path) -> str:
    try:
        return printable(path.relative_to(Path.cwd()).as_posix())
    except ValueError:
        return printable(path.as_posix())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


class _GitignoreStack:
    """The .gitignore files of the directories from the root down to the current one."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []

    def push(self, directory: Path) -> bool:
        gitignore = directory / ".gitignore"
        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return False
        self._specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))
        return True

    def pop(self) -> None:
        self._specs.pop()

    def ignored(self, path: Path, is_dir: bool) -> bool:
        result = False
        for directory, spec in self._specs:
            try:
                relative = path.relative_to(directory).as_posix()
            except ValueError:
                continue
            check = spec.check_file(relative + "/" if is_dir else relative)
            if check.include is not None:
                result = check.include
        return result


class Discovery:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root
        self.exclude = compile_patterns([*config.exclude, *config.extend_exclude])
        self.compose_files = compile_patterns(config.compose_files)
        self.problems: list[DiscoveryProblem] = []

    def _excluded(self, path: Path, is_dir: bool) -> bool:
        relative = _relative(path, self.root)
        if self.exclude.match_file(relative + "/" if is_dir else relative):
            return True
        return bool(self.exclude.match_file(path.name + "/" if is_dir else path.name))

    def _classify(self, path: Path) -> str | None:
        """The file's kind by name, or `compose` when a `compose-files` glob matches it."""
        kind = classify(path.name)
        if kind is None and self.compose_files.match_file(_relative(path, self.root)):
            return "compose"
        return kind

    def files(self, paths: Iterable[Path]) -> list[SourceFile]:
        found: dict[Path, SourceFile] = {}
        for raw in paths:
            for source in self._expand(raw):
                found.setdefault(source.path, source)
        return sorted(found.values(), key=lambda s: s.display)

    def _make(self, path: Path, kind: str) -> SourceFile:
        return SourceFile(path, display_path(path), _relative(path, self.root), kind)

    def _expand(self, raw: Path) -> Iterator[SourceFile]:
        path = Path(os.path.abspath(raw))
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                self.problems.append(DiscoveryProblem(display_path(path), "dangling symbolic link"))
            else:
                self.problems.append(
                    DiscoveryProblem(display_path(path), "no such file or directory")
                )
            return
        except OSError as exc:
            self.problems.append(DiscoveryProblem(display_path(path), describe_os_error(exc)))
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self._walk(path)
            return
        if self.config.force_exclude and self._excluded(path, False):
            return
        kind = self._classify(path)
        if kind is None:
            return
        if not stat.S_ISREG(info.st_mode):
            self.problems.append(DiscoveryProblem(display_path(path), "not a regular file"))
            return
        yield self._make(path, kind)

    def _walk(self, top: Path) -> Iterator[SourceFile]:
        gitignores = _GitignoreStack()
        if self.config.respect_gitignore:
            for ancestor in reversed([top, *top.parents]):
                if ancestor == top or self.root in (ancestor, *ancestor.parents):
                    gitignores.push(ancestor)
        yield from self._walk_dir(top, gitignores)

    def _walk_dir(self, directory: Path, gitignores: _GitignoreStack) -> Iterator[SourceFile]:
        try:
            with os.scandir(directory) as iterator:
                entries = sorted(iterator, key=lambda e: e.name)
        except OSError as exc:
            self.problems.append(DiscoveryProblem(display_path(directory), describe_os_error(exc)))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if self._excluded(path, is_dir):
                continue
            if self.config.respect_gitignore and gitignores.ignored(path, is_dir):
                continue
            if is_dir:
                pushed = self.config.respect_gitignore and gitignores.push(path)
                yield from self._walk_dir(path, gitignores)
                if pushed:
                    gitignores.pop()
                continue
            kind = self._classify(path)
            if kind is None:
                continue
            problem = _not_a_file(entry)
            if problem is not None:
                if problem:
                    self.problems.append(DiscoveryProblem(display_path(path), problem))
                continue
            yield self._make(path, kind)


def _not_a_file(entry: os.DirEntry[str]) -> str | None:
    """Why a found entry is not a file to read ("" to skip it silently), or None if it is one.

    A symbolic link to a directory is skipped silently, as a directory link
    is never followed; a link that cannot be resolved is reported.
    """
    try:
        if entry.is_file(follow_symlinks=True):
            return None
    except OSError as exc:
        return describe_os_error(exc)
    if not entry.is_symlink():
        return "not a regular file"
    try:
        info = os.stat(entry.path)
    except FileNotFoundError:
        return "dangling symbolic link"
    except OSError as exc:
        return describe_os_error(exc)
    return "" if stat.S_ISDIR(info.st_mode) else "not a regular file"
