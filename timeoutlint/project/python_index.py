"""Module-level bindings of every project module, for cross-module resolution.

Placeholder: empty until the cross-module index lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeoutlint.discovery import SourceFile


@dataclass(frozen=True)
class PythonIndex:
    def fingerprint(self) -> str:
        return ""

    @classmethod
    def build(cls, files: list[SourceFile]) -> PythonIndex:
        return cls()
