"""What a check receives and how it reports.

A check is a plain function of a context. The context carries the parsed
file, the configuration and the project context, and `report()` turns a
rule id, a span and the message's arguments into a `Finding` with the
catalog's wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeoutlint.findings import Finding, Fix, RelatedLocation, Span

if TYPE_CHECKING:  # for the annotations only: the registry imports this module at start-up
    from timeoutlint.catalog import Rule
    from timeoutlint.checks.prefilter import Guard, Prospect
    from timeoutlint.config import Config
    from timeoutlint.project import ProjectContext


@dataclass
class CheckContext:
    path: str
    relative: str
    config: Config
    project: ProjectContext
    rules: Mapping[str, Rule]
    enabled: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    derived: dict[type, object] = field(default_factory=dict)
    """State derived from this file and shared by its checks, keyed by its type (the Redis
    model: `checks/redis_common.redis_model`); it ends with the file's analysis, so no parsed
    tree outlives its file."""

    def wants(self, rule_id: str) -> bool:
        return rule_id in self.enabled

    def report(
        self,
        rule_id: str,
        span: Span,
        fix: Fix | None = None,
        related: tuple[RelatedLocation, ...] = (),
        **args: object,
    ) -> None:
        self.add(rule_id, span, args, fix, related)

    def add(
        self,
        rule_id: str,
        span: Span,
        args: Mapping[str, object],
        fix: Fix | None = None,
        related: tuple[RelatedLocation, ...] = (),
    ) -> None:
        if rule_id not in self.enabled:
            return
        message = self.rules[rule_id].format_message(**args)
        self.findings.append(Finding(rule_id, message, self.path, span, fix, related))


@dataclass(frozen=True)
class Check:
    """One analyzer: which rules it reports, what files it reads, and the bytes that must be present.

    `triggers`: the file is parsed for this check only if one of them is in its bytes.
    `guard`: a second test, asked only when a trigger matched; it must return True for every
    file on which `run` could report (see `checks/prefilter.py`). None admits every file.
    """

    rules: tuple[str, ...]
    kind: str
    triggers: tuple[bytes, ...]
    run: Callable[..., None]
    guard: Guard | None = None

    def may_match(self, data: bytes) -> bool:
        return any(trigger in data for trigger in self.triggers)

    def admits(self, prospect: Prospect) -> bool:
        """Whether the guard lets a file whose bytes matched a trigger through to the parser."""
        return self.guard is None or self.guard(prospect)
