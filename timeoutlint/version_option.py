"""A `redis-version` / `rq-version` value (configuration or command line) as a specifier set.

Below both `config.py` and `project/dependencies.py`, which read it.
"""

from __future__ import annotations


def parse_version_option(text: str) -> str:
    """A config value such as ">=5,<6" or "5.0.8" (= "==5.0.8") as a specifier set.

    Raises ValueError with a readable reason when it is neither.
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    text = text.strip()
    try:
        return f"=={Version(text)}"
    except InvalidVersion:
        pass
    try:
        specifier = SpecifierSet(text)
    except InvalidSpecifier:
        raise ValueError(
            f'must be a version specifier such as ">=5,<6" or "==5.0.8", not {text!r}'
        ) from None
    if not str(specifier):
        raise ValueError("must not be empty (leave the key out to read the project's pins)")
    return str(specifier)
