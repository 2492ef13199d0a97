"""Rule packs: catalog entries a project writes itself (`rule-packs` in the config).

A pack is a YAML file with a `rules:` list; every entry has the format of a
built-in catalog entry (`rules/TL101.yaml`), usually with a `callsite:`
section, and an id in the user namespace (`X-ACME001`) so that it can never
collide with a built-in rule. Paths are relative to the configuration file.
Packs are validated as strictly as the built-in catalog, and their examples
run the way the built-in ones do in our tests (`examples.validate_packs`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from timeoutlint.catalog import CatalogError, Rule, builtin_rules, load_yaml_file, parse_rule
from timeoutlint.config import Config

_USER_ID = re.compile(r"^X-[A-Z][A-Z0-9]*\d{3}$")


def pack_paths(config: Config) -> tuple[Path, ...]:
    return tuple((config.root / path).resolve() for path in config.rule_packs)


def load_pack(path: Path, known: Mapping[str, Rule]) -> dict[str, Rule]:
    """The rules of one pack file; `known` are the rules loaded before it (for collisions)."""
    if not path.is_file():
        raise CatalogError(f"{path}: rule pack not found (listed in 'rule-packs')")
    data = load_yaml_file(path)
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        raise CatalogError(f"{path}: a rule pack must be a mapping with one key, 'rules', a list")
    names = {rule.name: rule for rule in known.values()}
    rules: dict[str, Rule] = {}
    for index, raw in enumerate(data["rules"]):
        rule = parse_rule(raw, f"{path} rules[{index}]")
        if not _USER_ID.match(rule.id):
            raise CatalogError(
                f"{path} rules[{index}]: field 'id' must be in the user namespace, like "
                f"X-ACME001 (TL ids are reserved for built-in rules), not {rule.id!r}"
            )
        previous = known.get(rule.id) or rules.get(rule.id)
        if previous is not None:
            raise CatalogError(
                f"{rule.source}: rule id {rule.id} is already defined in {previous.source}"
            )
        clash = names.get(rule.name)
        if clash is not None:
            raise CatalogError(
                f"{rule.source}: rule name '{rule.name}' is already used by "
                f"{clash.id} ({clash.source})"
            )
        rules[rule.id] = rule
        names[rule.name] = rule
    return rules


def pack_rules(config: Config, known: Mapping[str, Rule]) -> dict[str, Rule]:
    """Every rule of every pack the configuration lists, in order."""
    loaded: dict[str, Rule] = {}
    for path in pack_paths(config):
        loaded.update(load_pack(path, {**known, **loaded}))
    return loaded


def all_rules(config: Config) -> dict[str, Rule]:
    """The built-in catalog plus the configured packs."""
    builtin = builtin_rules()
    if not config.rule_packs:
        return builtin
    return {**builtin, **pack_rules(config, builtin)}
