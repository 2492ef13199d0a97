"""Which Redis endpoints have a password configured somewhere in view.

Placeholder: no passwords known until the compose/.env readers land.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeoutlint.config import Config
from timeoutlint.discovery import SourceFile


@dataclass(frozen=True)
class RedisAuth:
    def fingerprint(self) -> str:
        return ""

    @classmethod
    def build(cls, files: list[SourceFile], config: Config) -> RedisAuth:
        return cls()
