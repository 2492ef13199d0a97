"""Reading what a project declares about a few packages, from every common dependency file.

Each reader turns one file format into `Declaration`s (package, PEP 440
specifier, where it was found, whether it comes from a lock file). Parsing
of requirement strings and specifiers is left to `packaging`; the only
translation done here is Poetry's `^`/`~` syntax into PEP 440 ranges.
Files that cannot be read or parsed are skipped: a broken lock file must not
stop a lint run. `packaging` and `configparser` are imported only when a file
that needs them is read: most runs (a pre-commit hook) find none.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_MAX_INCLUDE_DEPTH = 10
_SKIPPED_DIRECTORIES = frozenset(
    {"node_modules", "venv", "site-packages", "build", "dist", "fixtures", "tests", "docs"}
)
_NAME_SEPARATORS = re.compile(r"[-_.]+")


def canonicalize_name(name: str) -> str:
    """A project name normalized as PEP 503 says (what `packaging.utils.canonicalize_name`
    returns), without importing `packaging` for the package names every run compares."""
    return _NAME_SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True)
class Declaration:
    """`package` (canonical name) is wanted at `specifier` ("" = any version) by `source`."""

    package: str
    specifier: str
    source: str
    locked: bool = False


def _is_file(path: Path) -> bool:
    """Like `Path.is_file`, but an unreadable path is simply not a file (no PermissionError)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _read_text(path: Path) -> str | None:
    """The file's text, or None when it is not a regular file of at most
    `AUXILIARY_FILE_LIMIT` bytes: an include can name `/dev/zero`, `/dev/stdin` or a FIFO."""
    from timeoutlint.limits import read_text_file

    try:
        return read_text_file(path, errors="replace")
    except OSError:
        return None


def _read_toml(path: Path) -> dict[str, Any] | None:
    text = _read_text(path)
    if text is None:
        return None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return data


def _specifier(text: str) -> str | None:
    """`text` as a normalised PEP 440 specifier set, or None when it is not one."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return str(SpecifierSet(text))
    except InvalidSpecifier:
        return None


def _from_requirement(text: str, wanted: frozenset[str], source: str) -> Declaration | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    name = canonicalize_name(requirement.name)
    if name not in wanted or requirement.url:
        return None
    return Declaration(name, str(requirement.specifier), source)


def _from_requirements_list(
    items: Iterable[Any], wanted: frozenset[str], source: str
) -> Iterator[Declaration]:
    for item in items:
        if isinstance(item, str):
            declaration = _from_requirement(item, wanted, source)
            if declaration is not None:
                yield declaration


# requirements files ------------------------------------------------------

_COMMENT = re.compile(r"(^|\s)#.*$")
_OPTION_TAIL = re.compile(r"\s+--?[A-Za-z].*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^\s=-]))(\S+)")


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw)
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield (pending + line).strip()
        pending = ""
    if pending.strip():
        yield pending.strip()


def _requirements_file(
    path: Path,
    root: Path,
    wanted: frozenset[str],
    seen: set[Path],
    depth: int = 0,
) -> Iterator[Declaration]:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return
    if resolved in seen or depth > _MAX_INCLUDE_DEPTH:
        return
    seen.add(resolved)
    text = _read_text(path)
    if text is None:
        return
    source = _relative(path, root)
    for line in _logical_lines(text):
        if not line:
            continue
        include = _INCLUDE.match(line)
        if include:
            target = path.parent / include.group(1)
            yield from _requirements_file(target, root, wanted, seen, depth + 1)
            continue
        if line.startswith("-"):
            continue
        declaration = _from_requirement(_OPTION_TAIL.sub("", line), wanted, source)
        if declaration is not None:
            yield declaration


def _requirements_files(directory: Path) -> list[Path]:
    try:
        found = sorted(directory.glob("requirements*.txt"))
        found += sorted(directory.glob("requirements*.in"))
        nested = directory / "requirements"
        if _is_dir(nested):
            found += sorted(nested.glob("*.txt")) + sorted(nested.glob("*.in"))
    except OSError:
        return []
    return [path for path in found if _is_file(path)]


# pyproject.toml, setup.cfg, Pipfile ---------------------------------------


def _bump(release: tuple[int, ...], index: int) -> str:
    return ".".join(str(part) for part in (*release[:index], release[index] + 1))


def _poetry_item(item: str) -> str | None:
    """One Poetry constraint (`^5.0`, `~5.0.1`, `5.0.8`, `>=5`, `*`) as PEP 440."""
    from packaging.version import InvalidVersion, Version

    item = item.strip()
    if item in ("", "*"):
        return ""
    if item[0] in "^~" and not item.startswith("~="):
        try:
            version = Version(item[1:].strip())
        except InvalidVersion:
            return None
        release = version.release
        if item[0] == "^":
            nonzero = [i for i, part in enumerate(release) if part != 0]
            index = nonzero[0] if nonzero else len(release) - 1
        else:
            index = 1 if len(release) >= 2 else 0
        return f">={version},<{_bump(release, index)}"
    if item[0] in "<>=!~":
        return re.sub(r"\s+", "", item)
    return f"=={item}"


def poetry_constraint(constraint: str) -> tuple[str, ...] | None:
    """Poetry's constraint syntax as PEP 440 alternatives (`||` gives several), None if invalid."""
    alternatives: list[str] = []
    for part in constraint.split("||"):
        items = [_poetry_item(item) for item in part.split(",")]
        if any(item is None for item in items):
            return None
        specifier = _specifier(",".join(item for item in items if item))
        if specifier is None:
            return None
        alternatives.append(specifier)
    return tuple(alternatives)


def _poetry_table(table: Any, wanted: frozenset[str], source: str) -> Iterator[Declaration]:
    if not isinstance(table, dict):
        return
    for raw_name, raw in table.items():
        name = canonicalize_name(str(raw_name))
        if name not in wanted:
            continue
        entries = raw if isinstance(raw, list) else [raw]
        for entry in entries:
            constraint = entry.get("version") if isinstance(entry, dict) else entry
            if not isinstance(constraint, str):
                continue
            for specifier in poetry_constraint(constraint) or ():
                yield Declaration(name, specifier, source)


def _pyproject(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    data = _read_toml(path)
    if data is None:
        return
    source = _relative(path, root)
    project = data.get("project")
    if isinstance(project, dict):
        yield from _from_requirements_list(project.get("dependencies") or (), wanted, source)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for items in optional.values():
                if isinstance(items, list):
                    yield from _from_requirements_list(items, wanted, source)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for items in groups.values():
            if isinstance(items, list):
                yield from _from_requirements_list(items, wanted, source)
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        yield from _poetry_table(poetry.get("dependencies"), wanted, source)
        yield from _poetry_table(poetry.get("dev-dependencies"), wanted, source)
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            for group in poetry_groups.values():
                if isinstance(group, dict):
                    yield from _poetry_table(group.get("dependencies"), wanted, source)


def _setup_cfg(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    import configparser

    text = _read_text(path)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    source = _relative(path, root)
    values: list[str] = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values.extend(value for _, value in parser.items("options.extras_require"))
    for value in values:
        lines = (_COMMENT.sub("", line).strip() for line in value.splitlines())
        yield from _from_requirements_list(lines, wanted, source)


def _setup_py(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    """`install_requires` and `extras_require` of a `setup(...)` call, when each is a literal
    (or a module-level name bound to one). The file is parsed, never run: a setup.py may do
    anything when executed, and one that builds its list at run time says nothing here."""
    import ast
    import warnings

    text = _read_text(path)
    if text is None:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    bound: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.value is not None:
                bound[statement.target.id] = statement.value

    def literal(node: ast.expr) -> Any:
        if isinstance(node, ast.Name) and node.id in bound:
            node = bound[node.id]
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            return None

    source = _relative(path, root)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
        if name != "setup":
            continue
        for keyword in node.keywords:
            value = literal(keyword.value) if keyword.arg else None
            if keyword.arg == "install_requires" and isinstance(value, (list, tuple)):
                yield from _from_requirements_list(value, wanted, source)
            elif keyword.arg == "extras_require" and isinstance(value, dict):
                for extra in value.values():
                    if isinstance(extra, (list, tuple)):
                        yield from _from_requirements_list(extra, wanted, source)


def _pipfile(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    data = _read_toml(path)
    if data is None:
        return
    source = _relative(path, root)
    for section in ("packages", "dev-packages"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for raw_name, raw in table.items():
            name = canonicalize_name(str(raw_name))
            if name not in wanted:
                continue
            version = raw.get("version", "*") if isinstance(raw, dict) else raw
            if not isinstance(version, str):
                continue
            specifier = "" if version.strip() == "*" else _specifier(version)
            if specifier is not None:
                yield Declaration(name, specifier, source)


# lock files --------------------------------------------------------------


def _pin(name: str, version: Any, source: str) -> Declaration | None:
    if not isinstance(version, str):
        return None
    specifier = _specifier(version if version[:1] in "=<>!~" else f"=={version}")
    return Declaration(name, specifier, source, locked=True) if specifier else None


def _toml_lock(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    data = _read_toml(path)
    packages = data.get("package") if data else None
    if not isinstance(packages, list):
        return
    source = _relative(path, root)
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        name = canonicalize_name(package["name"])
        if name in wanted:
            declaration = _pin(name, package.get("version"), source)
            if declaration is not None:
                yield declaration


def _pipfile_lock(path: Path, root: Path, wanted: frozenset[str]) -> Iterator[Declaration]:
    text = _read_text(path)
    if text is None:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    source = _relative(path, root)
    for section in ("default", "develop"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for raw_name, entry in table.items():
            name = canonicalize_name(str(raw_name))
            if name in wanted and isinstance(entry, dict):
                declaration = _pin(name, entry.get("version"), source)
                if declaration is not None:
                    yield declaration


# the project -------------------------------------------------------------


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _directory_declarations(
    directory: Path, root: Path, wanted: frozenset[str]
) -> list[Declaration]:
    found: list[Declaration] = []
    seen: set[Path] = set()
    for path in _requirements_files(directory):
        found.extend(_requirements_file(path, root, wanted, seen))
    readers = {
        "pyproject.toml": _pyproject,
        "setup.cfg": _setup_cfg,
        "setup.py": _setup_py,
        "Pipfile": _pipfile,
        "poetry.lock": _toml_lock,
        "uv.lock": _toml_lock,
        "pdm.lock": _toml_lock,
        "Pipfile.lock": _pipfile_lock,
    }
    for name, reader in readers.items():
        path = directory / name
        if _is_file(path):
            found.extend(reader(path, root, wanted))
    return found


def _subdirectories(root: Path) -> list[Path]:
    try:
        children = sorted(root.iterdir())
    except OSError:
        return []
    return [
        child
        for child in children
        if _is_dir(child)
        and not child.name.startswith((".", "_"))
        and child.name not in _SKIPPED_DIRECTORIES
    ]


def read_declarations(root: Path, packages: Iterable[str]) -> list[Declaration]:
    """What the project at `root` declares about `packages`.

    The root's own files are read first; only when they say nothing about
    these packages are the immediate subdirectories read (a repository whose
    Python service lives in `backend/`).
    """
    wanted = frozenset(canonicalize_name(p) for p in packages)
    found = _directory_declarations(root, root, wanted)
    if found:
        return found
    for directory in _subdirectories(root):
        found.extend(_directory_declarations(directory, root, wanted))
    return found


def by_package(declarations: Iterable[Declaration]) -> Mapping[str, list[Declaration]]:
    grouped: dict[str, list[Declaration]] = {}
    for declaration in declarations:
        grouped.setdefault(declaration.package, []).append(declaration)
    return grouped


def declared_requires_python(root: Path) -> str | None:
    """`[project] requires-python` of `root/pyproject.toml`, if it states one."""
    path = root / "pyproject.toml"
    data = _read_toml(path) if path.is_file() else None
    project = data.get("project") if data else None
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None
