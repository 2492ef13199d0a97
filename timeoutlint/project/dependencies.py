"""Which versions of redis-py and rq the project allows.

Rules ask questions such as "can this project run redis-py < 8.0?"
(`dependencies.redis.allows_any("<8")`) and say in their messages which
versions they mean. The answer comes from, in order of precedence:

1. `[tool.timeoutlint] redis-version` / `rq-version`;
2. lock files (poetry.lock, uv.lock, pdm.lock, Pipfile.lock): what is installed;
3. exact pins in the declarations (requirements files, pyproject, setup.cfg, Pipfile);
4. the ranges in those declarations, intersected (an installer must satisfy them all);
5. nothing found: any version from redis-py 4.0 / rq 1.0 to the newest (`releases.py`).

Several different pins (markers, or one lock per service) are kept as
alternatives: the project may run any of them.

The one version policy of every version-aware rule: a rule reports when at
least one version the project may run has the problem, and its message says
which versions it assumed (`VersionRange.assumption`). A pin (declared or
locked) is taken as written. A range, or no declaration at all, stands for the
newest patch release of each minor version it allows: a project that does not
pin takes patch releases, so a bug that a patch release fixed (redis-py 8.0.0's
5 s pub/sub read timeout, fixed in 8.0.1) counts only where a pin or a lock
holds the affected release.

`packaging` is imported when a specifier is first evaluated (a rule asks, or a
dependency file names a version), not with this module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from timeoutlint.config import Config
from timeoutlint.project.dependency_files import Declaration, by_package, read_declarations
from timeoutlint.project.releases import KNOWN_RELEASES

if TYPE_CHECKING:
    from packaging.specifiers import Specifier
    from packaging.version import Version

DISPLAY_NAMES = {"redis": "redis-py", "rq": "rq"}


def _specifier_versions(specifier: str) -> list[Version]:
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    versions: list[Version] = []
    for item in SpecifierSet(specifier):
        try:
            versions.append(Version(item.version))
        except InvalidVersion:
            continue
    return versions


def _ordered(specifier: str) -> str:
    """`>=5,<6` rather than packaging's alphabetical `<6,>=5`."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    def key(item: Specifier) -> tuple[Version, str]:
        try:
            return (Version(item.version.rstrip(".*")), item.operator)
        except InvalidVersion:
            return (Version("0"), item.operator)

    return ",".join(str(item) for item in sorted(SpecifierSet(specifier), key=key))


def is_pin(specifier: str) -> bool:
    from packaging.specifiers import SpecifierSet

    items = list(SpecifierSet(specifier))
    return (
        len(items) == 1
        and items[0].operator in ("==", "===")
        and not items[0].version.endswith("*")
    )


def _allowed(alternatives: tuple[str, ...], version: str | Version) -> bool:
    from packaging.specifiers import SpecifierSet

    return not alternatives or any(
        SpecifierSet(alternative).contains(version, prereleases=True)
        for alternative in alternatives
    )


def _newest_patches(versions: Iterable[Version]) -> set[Version]:
    """The newest of each minor version: what an unpinned install picks up."""
    newest: dict[tuple[int, ...], Version] = {}
    for version in versions:
        minor = version.release[:2]
        if minor not in newest or version > newest[minor]:
            newest[minor] = version
    return set(newest.values())


@lru_cache(maxsize=256)
def _candidates(package: str, alternatives: tuple[str, ...]) -> tuple[Version, ...]:
    """The versions the rules consider: each pin as written, and for a range (or nothing) the
    newest patch release of each minor version it allows (see the module docstring)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    known = {Version(v) for v in KNOWN_RELEASES.get(package, ())}
    if not alternatives:
        return tuple(sorted(_newest_patches(known)))
    versions: set[Version] = set()
    for alternative in alternatives:
        named = _specifier_versions(alternative)
        if is_pin(alternative):
            versions.update(named)
            continue
        wanted = SpecifierSet(alternative)
        versions |= _newest_patches(
            v for v in known.union(named) if wanted.contains(v, prereleases=True)
        )
    return tuple(sorted(versions))


@lru_cache(maxsize=4096)
def _inside(package: str, alternatives: tuple[str, ...], specifier: str, every: bool) -> bool:
    """Rules ask the same few questions for every file, so the answers are kept."""
    from packaging.specifiers import SpecifierSet

    wanted = SpecifierSet(specifier)
    candidates = _candidates(package, alternatives)
    if every:
        return bool(candidates) and all(wanted.contains(v, prereleases=True) for v in candidates)
    return any(wanted.contains(v, prereleases=True) for v in candidates)


@dataclass(frozen=True)
class VersionRange:
    """The versions of one package the project may run.

    `alternatives` are PEP 440 specifier sets, any of which may hold (several
    pins, or Poetry's `||`); empty means no version is known, so every release
    is possible.
    """

    package: str
    alternatives: tuple[str, ...] = ()
    source: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.alternatives)

    @property
    def display_name(self) -> str:
        return DISPLAY_NAMES.get(self.package, self.package)

    def allows(self, version: str) -> bool:
        """Whether the project may run exactly `version`."""
        return _allowed(self.alternatives, version)

    @property
    def candidates(self) -> tuple[Version, ...]:
        """The concrete versions the project may run: known releases plus the versions it names."""
        return _candidates(self.package, self.alternatives)

    def allows_any(self, specifier: str) -> bool:
        """Whether any version the project may run falls inside `specifier` (e.g. "<6")."""
        return _inside(self.package, self.alternatives, specifier, every=False)

    def allows_only(self, specifier: str) -> bool:
        """Whether every version the project may run falls inside `specifier`."""
        return _inside(self.package, self.alternatives, specifier, every=True)

    def describe(self) -> str:
        """E.g. "redis==5.0.8 (requirements.txt)" or "any version (no pin found)"."""
        if not self.alternatives:
            if self.source is None:
                return "any version (no pin found)"
            return f"any version ({self.package} is declared without a version in {self.source})"
        ranges = self._ranges()
        return f"{ranges} ({self.source})" if self.source else ranges

    def span_text(self) -> str:
        """The lowest and highest version the rules consider, e.g. "4.0.2 to 8.1.0"."""
        if not self.alternatives:
            return _release_span(KNOWN_RELEASES.get(self.package, ()))
        if not self.candidates:
            return "no known version"
        low, high = self.candidates[0], self.candidates[-1]
        return str(low) if low == high else f"{low} to {high}"

    def assumption(self, affected: str) -> str:
        """What a finding that holds for `affected` (e.g. "<8") says about the versions it
        assumed: "(redis-py 7.4.1 from requirements.txt)" when every version the project may
        run is affected, else "(assuming redis-py <8; no pin found)"."""
        if self.alternatives and self.allows_only(affected):
            if all(is_pin(a) for a in self.alternatives):
                pins = " or ".join(a.lstrip("=") for a in self.alternatives)
                return f"({self.display_name} {pins} from {self.source})"
            return f"({self._ranges(shown=True)} from {self.source})"
        shown = affected.lstrip("=") if is_pin(affected) else affected
        if self.alternatives:
            ranges = self._ranges(shown=True)
            basis = f"{ranges} in {self.source}" if self.source else ranges
        elif self.source is not None:
            basis = f"{self.package} has no version in {self.source}"
        else:
            basis = "no pin found"
        return f"(assuming {self.display_name} {shown}; {basis})"

    def _ranges(self, shown: bool = False) -> str:
        """`redis>=5,<6` as a requirement, or `redis-py >=5,<6` in a message (`shown`)."""
        name = f"{self.display_name} " if shown else self.package
        return " or ".join(f"{name}{_ordered(a)}" for a in self.alternatives)


def _release_span(releases: tuple[str, ...]) -> str:
    """`span_text` with nothing pinned, without `packaging`: `releases.py` lists the releases
    normalized, distinct and in ascending order (a test checks it), so the lowest candidate is
    the last release that shares the first release's minor version. Every run describes the
    versions it assumes; with nothing pinned, that does not import `packaging`."""
    if not releases:
        return "no known version"
    first_minor = releases[0].split(".")[:2]
    low = [r for r in releases if r.split(".")[:2] == first_minor][-1]
    high = releases[-1]
    return low if low == high else f"{low} to {high}"


def _sources(declarations: Sequence[Declaration]) -> str:
    return ", ".join(dict.fromkeys(d.source for d in declarations))


def resolve_range(package: str, declarations: Sequence[Declaration]) -> VersionRange:
    """Lock pins beat declared pins, which beat ranges; ranges are intersected."""
    if not declarations:
        return VersionRange(package)
    locked = [d for d in declarations if d.locked and is_pin(d.specifier)]
    pinned = locked or [d for d in declarations if not d.locked and is_pin(d.specifier)]
    if pinned:
        alternatives = tuple(dict.fromkeys(d.specifier for d in pinned))
        return VersionRange(package, alternatives, _sources(pinned))
    ranged = [d for d in declarations if not d.locked and d.specifier]
    if not ranged:
        return VersionRange(package, (), _sources(declarations))
    from packaging.specifiers import SpecifierSet

    combined = SpecifierSet()
    for declaration in ranged:
        combined &= SpecifierSet(declaration.specifier)
    intersection = VersionRange(package, (str(combined),), _sources(ranged))
    if intersection.candidates:
        return intersection
    alternatives = tuple(dict.fromkeys(d.specifier for d in ranged))
    return VersionRange(package, alternatives, _sources(ranged))


def override_range(package: str, specifier: str, key: str) -> VersionRange:
    return VersionRange(package, (specifier,), f"[tool.timeoutlint] {key}")


@dataclass(frozen=True)
class Dependencies:
    redis: VersionRange = field(default_factory=lambda: VersionRange("redis"))
    rq: VersionRange = field(default_factory=lambda: VersionRange("rq"))
    pin_files: tuple[str, ...] = ()
    """The requirements, pyproject and lock files the pins were read from (root-relative)."""

    def fingerprint(self) -> str:
        data = [(r.package, r.alternatives, r.source) for r in (self.redis, self.rq)]
        return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()

    def describe_lines(self) -> list[str]:
        """One line per package, for `--show-context` and `--verbose`."""
        lines = []
        for version_range in (self.redis, self.rq):
            line = f"{version_range.display_name}: {version_range.describe()}"
            if not version_range.known:
                line += (
                    f"; rules assume any release from {version_range.span_text()}"
                    " (each minor version at its newest patch)"
                )
            lines.append(line)
        return lines

    @classmethod
    def from_project(cls, config: Config) -> Dependencies:
        overrides = {"redis": config.redis_version, "rq": config.rq_version}
        needed = [package for package, value in overrides.items() if value is None]
        grouped = by_package(read_declarations(config.root, needed)) if needed else {}
        ranges: dict[str, VersionRange] = {}
        for package, override in overrides.items():
            if override is not None:
                ranges[package] = override_range(package, override, f"{package}-version")
            else:
                ranges[package] = resolve_range(package, grouped.get(package, []))
        sources = sorted({d.source for found in grouped.values() for d in found})
        return cls(redis=ranges["redis"], rq=ranges["rq"], pin_files=tuple(sources))
