"""Finding the files to check: walk the paths, honour excludes and .gitignore, classify.

A file's kind decides which parser reads it: `python` (.py, .pyi), `compose`
(docker-compose*.yml and friends) or `dotenv` (.env, *.env, .env.*).
Problems (a missing path, an unreadable directory) are collected, never
raised, so that every other file is still checked.
"""

from __future__ import annotations

import fnmatch
import operator
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from timeoutlint.config import Config
from timeoutlint.ignore_patterns import PatternSet
from timeoutlint.limits import describe_os_error, read_text_file

if TYPE_CHECKING:
    from timeoutlint.config_tree import ConfigTree

COMPOSE_PATTERNS = (
    "docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml", "docker-compose.*.yaml",
    "docker-compose-*.yml", "docker-compose-*.yaml", "compose.yml", "compose.yaml",
    "compose.*.yml", "compose.*.yaml", "compose-*.yml", "compose-*.yaml",
)  # fmt: skip
_PYTHON_SUFFIXES = (".py", ".pyi")
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


def classify(name: str) -> str | None:
    if name.endswith(_PYTHON_SUFFIXES):
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
    if name.isascii():
        return name
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


class _PathText:
    """`_relative` and `display_path` on the normalized absolute path strings of one walk.

    A walk builds its paths as strings (a `Path` per entry was most of its
    cost); these give the same answers as the `Path` functions, which are
    still used for the rare `//` path that `Path` treats as its own root.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self._root_prefix = self._root.rstrip("/") + "/"
        self._cwd = os.getcwd()
        self._cwd_prefix = self._cwd.rstrip("/") + "/"

    def relative(self, path: str) -> str:
        if path.startswith("//"):
            return _relative(Path(path), self.root)
        if path == self._root:
            return "."
        if path.startswith(self._root_prefix):
            return path[len(self._root_prefix) :]
        return path.lstrip("/")

    def display_prefix(self, directory: str) -> str | None:
        """What `display` puts before the names of this directory's entries (None: ask `display`)."""
        if directory.startswith("//"):
            return None
        if directory == self._cwd:
            return ""
        if directory.startswith(self._cwd_prefix):
            return directory[len(self._cwd_prefix) :] + "/"
        return directory.rstrip("/") + "/"

    def display(self, path: str) -> str:
        if path.startswith("//"):
            return display_path(Path(path))
        if path == self._cwd:
            return "."
        if path.startswith(self._cwd_prefix):
            return printable(path[len(self._cwd_prefix) :])
        return printable(path)


@dataclass(frozen=True)
class _Gitignore:
    """The patterns of one directory's .gitignore; `prefix` is that directory's path and "/"."""

    prefix: str
    patterns: PatternSet


def _read_gitignore(directory: str) -> _Gitignore | None:
    """The directory's .gitignore; None when it cannot be read, or is not a regular file of at
    most `AUXILIARY_FILE_LIMIT` bytes (a committed link to `/dev/zero` or a FIFO)."""
    try:
        lines = read_text_file(os.path.join(directory, ".gitignore"), errors="replace").splitlines()
    except OSError:
        return None
    return _Gitignore(directory.rstrip("/") + "/", PatternSet(lines))


def _child_function() -> Callable[[Path, str], Path]:
    """How a name from a directory listing becomes a path below that directory.

    Up to Python 3.12, `directory / name` parses `name` as a path of its own:
    that was a third of a large walk. `Path.iterdir` uses `_make_child_relpath`,
    which trusts that a listed name is one component; so do we, where it exists
    (Python 3.13 has no such method and a cheap `/`).
    """
    method = getattr(Path, "_make_child_relpath", None)
    if callable(method):
        return cast(Callable[[Path, str], Path], method)
    return operator.truediv


_child = _child_function()

_Layer = tuple[_Gitignore, bool]
"""A .gitignore above the current directory, and whether one of its component patterns
matched a directory between the two (then everything below is ignored by it)."""

_by_name = operator.attrgetter("name")


class Discovery:
    def __init__(self, config: Config, tree: ConfigTree | None = None) -> None:
        """`tree`, when given, has the nested configurations: below one, its own `exclude`
        and `extend-exclude` apply, relative to its directory (as in ruff)."""
        self.config = config
        self.root = config.root
        self.exclude = PatternSet([*config.exclude, *config.extend_exclude])
        self.compose_files = PatternSet(config.compose_files)
        self.problems: list[DiscoveryProblem] = []
        self.tree = tree
        self._nested_excludes: dict[int, tuple[PatternSet, str]] = {}

    def nested_exclude(self, directory: str, names: Iterable[str]) -> tuple[PatternSet, str] | None:
        """The excludes of the nested configuration `directory` is under, and the directory's
        path relative to that configuration's own directory ("" or ending in "/"); None
        where the root configuration applies."""
        if self.tree is None:
            return None
        self.tree.names.record(directory, names)
        config = self.tree.for_directory(directory)
        if config is self.tree.root:
            return None
        known = self._nested_excludes.get(id(config))
        if known is None:
            known = (PatternSet([*config.exclude, *config.extend_exclude]), str(config.root))
            self._nested_excludes[id(config)] = known
        patterns, root = known
        below = directory[len(root) :].strip("/")
        return patterns, (below + "/" if below else "")

    def files(self, paths: Iterable[Path]) -> list[SourceFile]:
        text = _PathText(self.root)
        found: dict[str, SourceFile] = {}
        for raw in paths:
            for key, source in self._expand(raw, text):
                found.setdefault(key, source)
        return sorted(found.values(), key=lambda s: s.display)

    def excluded(self, relative: str, name: str, is_dir: bool) -> bool:
        """Whether exclude patterns match the path from the root or the name alone."""
        return self.exclude.matches(relative, is_dir) or self.exclude.matches(name, is_dir)

    def kind_of(self, name: str, relative: str) -> str | None:
        """The file's kind by name, or `compose` when a `compose-files` glob matches it."""
        kind = classify(name)
        if (
            kind is None
            and self.compose_files.lines
            and self.compose_files.matches(relative, False)
        ):
            return "compose"
        return kind

    def _expand(self, raw: Path, text: _PathText) -> list[tuple[str, SourceFile]]:
        absolute = os.path.abspath(raw)
        path = Path(absolute)
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                self.problems.append(DiscoveryProblem(display_path(path), "dangling symbolic link"))
            else:
                self.problems.append(
                    DiscoveryProblem(display_path(path), "no such file or directory")
                )
            return []
        except OSError as exc:
            self.problems.append(DiscoveryProblem(display_path(path), describe_os_error(exc)))
            return []
        if stat.S_ISDIR(info.st_mode):
            found: list[tuple[str, SourceFile]] = []
            _Walk(self, text, found).top(path)
            return found
        relative = text.relative(absolute)
        if self.config.force_exclude and self.excluded(relative, path.name, False):
            return []
        kind = self.kind_of(path.name, relative)
        if kind is None:
            return []
        if not stat.S_ISREG(info.st_mode):
            self.problems.append(DiscoveryProblem(display_path(path), "not a regular file"))
            return []
        return [(absolute, SourceFile(path, text.display(absolute), relative, kind))]


class _Walk:
    """One directory tree, depth first in name order (the order problems are reported in).

    A directory that is excluded or ignored is never listed. Exclude patterns
    and .gitignore files are matched as `PatternSet` allows: per entry name,
    with "an ancestor already matched" carried down per .gitignore.
    """

    def __init__(
        self, discovery: Discovery, text: _PathText, found: list[tuple[str, SourceFile]]
    ) -> None:
        self.discovery = discovery
        self.exclude = discovery.exclude
        self.respect_gitignore = discovery.config.respect_gitignore
        self.text = text
        self.found = found

    def top(self, top: Path) -> None:
        directory = str(top)
        gitignores: list[_Gitignore] = []
        if self.respect_gitignore:
            root = self.discovery.root
            for ancestor in reversed(top.parents):
                if root in (ancestor, *ancestor.parents):
                    gitignore = _read_gitignore(str(ancestor))
                    if gitignore is not None:
                        gitignores.append(gitignore)
        layers = tuple(
            (g, g.patterns.per_component and g.patterns.ancestors_match(directory[len(g.prefix) :]))
            for g in gitignores
        )
        relative = self.text.relative(directory)
        prefix = "" if relative in (".", "") else relative + "/"
        everything_excluded = self.exclude.per_component and self.exclude.ancestors_match(
            prefix[:-1]
        )
        self.directory(top, prefix, layers, everything_excluded)

    def directory(
        self,
        directory_path: Path,
        relative_prefix: str,
        layers: tuple[_Layer, ...],
        everything_excluded: bool = False,
    ) -> None:
        discovery = self.discovery
        directory = str(directory_path)
        try:
            with os.scandir(directory) as iterator:
                entries = sorted(iterator, key=_by_name)
        except OSError as exc:
            discovery.problems.append(
                DiscoveryProblem(self.text.display(directory), describe_os_error(exc))
            )
            return
        if everything_excluded:
            return
        if self.respect_gitignore and any(entry.name == ".gitignore" for entry in entries):
            gitignore = _read_gitignore(directory)
            if gitignore is not None:
                layers = (*layers, (gitignore, False))
        exclude = self.exclude
        match_prefix = relative_prefix
        nested = discovery.nested_exclude(directory, (entry.name for entry in entries))
        if nested is not None:
            exclude, match_prefix = nested
        by_name_only = exclude.per_component and not exclude.has_rest
        excluded_name = exclude.name_matches
        display_prefix = self.text.display_prefix(directory)
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            relative = relative_prefix + name
            if by_name_only:
                if excluded_name(name, is_dir):
                    continue
            elif exclude.matches(match_prefix + name, is_dir) or exclude.matches(name, is_dir):
                continue
            if layers and _ignored(layers, entry.path, name, is_dir):
                continue
            if is_dir:
                below = tuple(
                    (
                        g,
                        matched
                        or (g.patterns.per_component and g.patterns.name_matches(name, True)),
                    )
                    for g, matched in layers
                )
                self.directory(_child(directory_path, name), relative + "/", below)
                continue
            kind = (
                "python" if name.endswith(_PYTHON_SUFFIXES) else discovery.kind_of(name, relative)
            )
            if kind is None:
                continue
            problem = _not_a_file(entry)
            if problem is not None:
                if problem:
                    discovery.problems.append(
                        DiscoveryProblem(self.text.display(entry.path), problem)
                    )
                continue
            display = display_prefix + name if display_prefix is not None else None
            if display is None or not display.isascii():
                display = self.text.display(entry.path)
            source = SourceFile(_child(directory_path, name), display, relative, kind)
            self.found.append((entry.path, source))


def _ignored(layers: tuple[_Layer, ...], path: str, name: str, is_dir: bool) -> bool:
    """The .gitignore files from the top down; the last one with an opinion decides."""
    result = False
    for gitignore, ancestor_matched in layers:
        patterns = gitignore.patterns
        if patterns.per_component:
            if (
                ancestor_matched
                or patterns.name_matches(name, is_dir)
                or patterns.rest_matches(path[len(gitignore.prefix) :], is_dir)
            ):
                result = True
        else:
            include = patterns.include(path[len(gitignore.prefix) :], is_dir)
            if include is not None:
                result = include
    return result


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
