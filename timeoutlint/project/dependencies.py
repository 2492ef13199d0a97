"""Which versions of redis-py and rq the project allows.

Placeholder: every version is possible until the dependency readers land.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeoutlint.config import Config


@dataclass(frozen=True)
class Dependencies:
    def fingerprint(self) -> str:
        return ""

    @classmethod
    def from_project(cls, config: Config) -> Dependencies:
        return cls()
