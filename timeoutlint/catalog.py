"""The rule catalog: one YAML file per rule under `rules/`.

The catalog is the single source of a rule's id, name, message, severity,
documentation and examples. Checks only say *where* and fill the message's
placeholders; the words come from here. Entries are validated strictly on
load and every error names the file and the field.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from timeoutlint.catalog_callsite import (
    CallsiteError,
    CallsiteSpec,
    Groups,
    check_message,
    parse_callsite,
    parse_groups,
)
from timeoutlint.limits import AUXILIARY_FILE_LIMIT, read_regular_file, read_text_file

FILE_KINDS = ("python", "compose", "dotenv")
SEVERITIES = ("error", "warning", "info")
APPLICABILITIES = ("safe", "sometimes", "unsafe", "none")
"""`sometimes`: some findings get a safe fix and others an unsafe one; `fix.when` says which."""
_RULE_ID = re.compile(r"^(TL\d{3}|X-[A-Z][A-Z0-9]*\d{3})$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_EXPECT = re.compile(r"^(\d+)(?::(\d+))?$")


class CatalogError(Exception):
    """A catalog entry is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class ExpectedFinding:
    line: int
    column: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class Example:
    """A snippet (or a small set of files) and what the rule must do with it."""

    files: Mapping[str, str]
    main: str
    expect: tuple[ExpectedFinding, ...] = ()
    fixed: Mapping[str, str] | None = None
    unsafe: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True)
class FixDoc:
    """A rule's fix as documented: `applicability` is one of `APPLICABILITIES`; `when`
    (required for `sometimes`, refused otherwise) is the sentence that says which
    findings get an unsafe fix, so that a reader is never told "safe" for all of them."""

    applicability: str
    description: str
    when: str = ""


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    default: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    message: str
    severity: str
    reads: tuple[str, ...]
    summary: str
    what: str
    why: str
    fix: FixDoc
    default: bool = True
    options: tuple[Option, ...] = ()
    bad: tuple[Example, ...] = ()
    good: tuple[Example, ...] = ()
    references: tuple[str, ...] = ()
    source: str = ""
    callsite: CallsiteSpec | None = None

    @property
    def fixable(self) -> bool:
        return self.fix.applicability != "none"

    def format_message(self, **args: object) -> str:
        try:
            return self.message.format(**args)
        except (KeyError, IndexError) as exc:
            raise CatalogError(
                f"{self.source}: message of {self.id} needs the argument {exc}"
            ) from None


def check_placeholders(message: str, where: str) -> None:
    """A message may use only plain `{name}` placeholders (and `{{`/`}}` for braces).

    A format spec or conversion (`{callee:d}`, `{callee:>300000000}`, `{callee!r}`) or an
    attribute or index (`{callee.__class__}`) is a template language: it fails or takes
    unbounded memory for every finding, long after the rule was accepted.
    """
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as exc:
        raise CatalogError(f"{where}: field 'message' is not a valid template: {exc}") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise CatalogError(
                f"{where}: field 'message' uses {shown[:60]}; only plain {{name}} placeholders"
                " are allowed (no format specs, conversions, attributes or indexes)"
            )


def _load_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(read_text_file(path), Loader=loader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read: {exc.strerror}") from None


def load_yaml_file(path: Path) -> Any:
    """A YAML file's data; unreadable or invalid files are a `CatalogError` naming the file."""
    return _load_yaml(path)


def _require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise CatalogError(f"{where}: missing required field '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise CatalogError(
            f"{where}: field '{key}' must be a {expected}, not {type(value).__name__}"
        )
    return value


def _check_keys(data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = tuple(allowed)
    for key in data:
        if key not in allowed:
            raise CatalogError(
                f"{where}: unknown field '{key}' (expected one of: {', '.join(allowed)})"
            )


_RULE_KEYS = (
    "id", "name", "message", "severity", "reads", "default", "summary", "what", "why",
    "fix", "options", "examples", "references", "callsite",
)  # fmt: skip
_EXAMPLE_KEYS = ("title", "code", "path", "files", "expect", "fixed", "unsafe", "config")


def _default_path(reads: tuple[str, ...]) -> str:
    return {"python": "example.py", "compose": "docker-compose.yml", "dotenv": ".env"}[reads[0]]


def _parse_example(raw: Any, where: str, reads: tuple[str, ...], bad: bool) -> Example:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: an example must be a mapping")
    _check_keys(raw, _EXAMPLE_KEYS, where)
    if ("code" in raw) == ("files" in raw):
        raise CatalogError(f"{where}: give exactly one of 'code' or 'files'")
    if "code" in raw:
        main = str(raw.get("path") or _default_path(reads))
        files = {main: _require(raw, "code", str, where)}
    else:
        files_raw = _require(raw, "files", dict, where)
        files = {str(k): str(v) for k, v in files_raw.items()}
        main = str(raw.get("path") or next(iter(files)))
        if main not in files:
            raise CatalogError(f"{where}: 'path' {main!r} is not one of the example's files")
    expect: list[ExpectedFinding] = []
    for item in raw.get("expect", []) or []:
        text, path = (str(item), None)
        if isinstance(item, dict):
            text, path = str(item.get("at", "")), item.get("path")
        match = _EXPECT.match(text)
        if not match:
            raise CatalogError(
                f"{where}: 'expect' entries are 'LINE' or 'LINE:COLUMN', not {item!r}"
            )
        column = int(match.group(2)) if match.group(2) else None
        expect.append(ExpectedFinding(int(match.group(1)), column, path))
    if bad and not expect:
        raise CatalogError(f"{where}: a bad example must say where it is flagged ('expect')")
    if not bad and ("expect" in raw or "fixed" in raw):
        raise CatalogError(f"{where}: a good example has no 'expect' or 'fixed'")
    fixed_raw = raw.get("fixed")
    fixed: dict[str, str] | None = None
    if isinstance(fixed_raw, str):
        fixed = {main: fixed_raw}
    elif isinstance(fixed_raw, dict):
        fixed = {str(k): str(v) for k, v in fixed_raw.items()}
    elif fixed_raw is not None:
        raise CatalogError(f"{where}: 'fixed' must be a string or a mapping of file to text")
    config = raw.get("config") or {}
    if not isinstance(config, dict):
        raise CatalogError(f"{where}: 'config' must be a mapping")
    return Example(
        files=files,
        main=main,
        expect=tuple(expect),
        fixed=fixed,
        unsafe=bool(raw.get("unsafe", False)),
        config=config,
        title=str(raw.get("title", "")),
    )


def parse_rule(data: Any, source: str, groups: Groups | None = None) -> Rule:
    """A validated rule; its `callsite:` lists may name `groups` (default: the built-in ones)."""
    where = source
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: a rule file must be a mapping")
    _check_keys(data, _RULE_KEYS, where)
    rule_id = _require(data, "id", str, where)
    if not _RULE_ID.match(rule_id):
        raise CatalogError(
            f"{where}: field 'id' must look like TL123 (or X-NAME123 for a user pack), not {rule_id!r}"
        )
    where = f"{source} ({rule_id})"
    name = _require(data, "name", str, where)
    if not _NAME.match(name):
        raise CatalogError(f"{where}: field 'name' must be kebab-case, not {name!r}")
    severity = _require(data, "severity", str, where)
    if severity not in SEVERITIES:
        raise CatalogError(
            f"{where}: field 'severity' must be one of {', '.join(SEVERITIES)}, not {severity!r}"
        )
    reads_raw = _require(data, "reads", list, where)
    reads = tuple(str(r) for r in reads_raw)
    if not reads or any(r not in FILE_KINDS for r in reads):
        raise CatalogError(f"{where}: field 'reads' must list some of {', '.join(FILE_KINDS)}")
    fix_raw = _require(data, "fix", dict, where)
    _check_keys(fix_raw, ("applicability", "when", "description"), f"{where} fix")
    applicability = _require(fix_raw, "applicability", str, f"{where} fix")
    if applicability not in APPLICABILITIES:
        raise CatalogError(
            f"{where}: fix 'applicability' must be one of {', '.join(APPLICABILITIES)}"
        )
    when = fix_raw.get("when", "")
    if applicability == "sometimes" and not (isinstance(when, str) and when.strip()):
        raise CatalogError(
            f"{where} fix: applicability 'sometimes' needs 'when', a sentence saying which "
            "fixes are unsafe"
        )
    if applicability != "sometimes" and "when" in fix_raw:
        raise CatalogError(f"{where} fix: 'when' is only for applicability 'sometimes'")
    fix = FixDoc(
        applicability,
        _require(fix_raw, "description", str, f"{where} fix").strip(),
        when.strip(),
    )
    options = []
    for index, raw in enumerate(data.get("options", []) or []):
        owhere = f"{where} options[{index}]"
        if not isinstance(raw, dict):
            raise CatalogError(f"{owhere}: an option must be a mapping")
        _check_keys(raw, ("name", "description", "default"), owhere)
        options.append(
            Option(
                _require(raw, "name", str, owhere),
                _require(raw, "description", str, owhere).strip(),
                str(raw.get("default", "")),
            )
        )
    examples = data.get("examples") or {}
    if not isinstance(examples, dict):
        raise CatalogError(f"{where}: field 'examples' must be a mapping with 'bad' and 'good'")
    _check_keys(examples, ("bad", "good"), f"{where} examples")
    bad = tuple(
        _parse_example(raw, f"{where} examples.bad[{i}]", reads, True)
        for i, raw in enumerate(examples.get("bad") or [])
    )
    good = tuple(
        _parse_example(raw, f"{where} examples.good[{i}]", reads, False)
        for i, raw in enumerate(examples.get("good") or [])
    )
    default = data.get("default", True)
    if not isinstance(default, bool):
        raise CatalogError(f"{where}: field 'default' must be true or false")
    references = data.get("references") or []
    if not isinstance(references, list):
        raise CatalogError(f"{where}: field 'references' must be a list")
    message = _require(data, "message", str, where).strip()
    check_placeholders(message, where)
    return Rule(
        id=rule_id,
        name=name,
        message=message,
        severity=severity,
        reads=reads,
        summary=_require(data, "summary", str, where).strip(),
        what=_require(data, "what", str, where).strip(),
        why=_require(data, "why", str, where).strip(),
        fix=fix,
        default=default,
        options=tuple(options),
        bad=bad,
        good=good,
        references=tuple(str(r) for r in references),
        callsite=_parse_callsite_section(data, where, groups),
        source=source,
    )


def _parse_callsite_section(
    data: Mapping[str, Any], where: str, groups: Groups | None
) -> CallsiteSpec | None:
    if "callsite" not in data:
        return None
    if "python" not in data.get("reads", ()):
        raise CatalogError(f"{where}: a rule with a 'callsite' section must read python files")
    try:
        spec = parse_callsite(
            data["callsite"], where, builtin_groups() if groups is None else groups
        )
        check_message(str(data.get("message", "")), spec, where)
        return spec
    except CallsiteError as exc:
        raise CatalogError(str(exc)) from None


def builtin_catalog_dir() -> Path:
    """`timeoutlint/_catalog` in an installed wheel, `rules/` in a source checkout."""
    packaged = Path(__file__).parent / "_catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules_from(paths: Iterable[Path]) -> dict[str, Rule]:
    return _rules_from_documents((path, _load_yaml(path)) for path in paths)


def _rules_from_documents(
    documents: Iterable[tuple[Path, Any]], groups: Groups | None = None
) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path, data in documents:
        rule = parse_rule(data, str(path), groups)
        if rule.id in rules:
            raise CatalogError(
                f"{path}: rule id {rule.id} is already defined in {rules[rule.id].source}"
            )
        rules[rule.id] = rule
    return rules


def _builtin_documents(files: list[Path]) -> list[Any]:
    """The rule files' YAML data, from `catalog_cache` when the files have not changed."""
    from timeoutlint import catalog_cache

    contents = []
    for path in files:
        try:
            contents.append((path.name, read_regular_file(path, AUXILIARY_FILE_LIMIT)))
        except OSError as exc:
            raise CatalogError(f"{path}: cannot be read: {exc.strerror}") from None
    key = catalog_cache.content_key(contents)
    documents = catalog_cache.read(key)
    if documents is None or len(documents) != len(files):
        documents = [_load_yaml(path) for path in files]
        catalog_cache.write(key, documents)
    return documents


GROUPS_FILE = "groups.yaml"
"""The catalog's named callee lists, shared by several rules (`{group: NAME}` in a list)."""


@cache
def _builtin_catalog() -> tuple[dict[str, Rule], dict[str, tuple[str, ...]]]:
    directory = builtin_catalog_dir()
    files = sorted(directory.glob("TL*.yaml"))
    if not files:
        raise CatalogError(f"{directory}: the rule catalog is missing (no TL*.yaml files)")
    groups_file = directory / GROUPS_FILE
    documents = _builtin_documents([*files, groups_file])
    try:
        groups = parse_groups(documents[-1], str(groups_file))
    except CallsiteError as exc:
        raise CatalogError(str(exc)) from None
    rules = _rules_from_documents(zip(files, documents[:-1], strict=True), groups)
    names = [r.name for r in rules.values()]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise CatalogError(
            f"{directory}: rule names must be unique; repeated: {', '.join(sorted(duplicates))}"
        )
    return dict(sorted(rules.items())), groups


def builtin_rules() -> dict[str, Rule]:
    return _builtin_catalog()[0]


def builtin_groups() -> dict[str, tuple[str, ...]]:
    """The built-in catalog's callee groups, which rule packs may name too."""
    return _builtin_catalog()[1]
