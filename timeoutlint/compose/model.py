"""The compose model: services with the parts timeoutlint reads, each with its exact position.

Built from the YAML tree of `yaml_tree`: per service the `image`, the
`command` (a string, split as compose splits it, or a list), the
`environment` (list of `KEY=value` or a mapping), the `env_file`s (a
string, a list, or a list of `{path, required}`), the healthcheck's `test`
and the names other containers reach it by. A YAML document that is not a
compose file (no `services` mapping) gives no services.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from timeoutlint.compose.yaml_tree import (
    YamlMapping,
    YamlNode,
    YamlScalar,
    YamlSequence,
    load_documents,
)
from timeoutlint.findings import Span

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash"})


@dataclass(frozen=True)
class EnvironmentEntry:
    """`KEY=value` in a list or `KEY: value` in a mapping.

    `scalar` holds the value (for the list form, the whole `KEY=value` item)
    and `offset` is where the value starts inside the scalar's value.
    `value` is None for a bare `KEY` (taken from the shell).
    """

    key: str
    value: str | None
    scalar: YamlScalar
    offset: int

    @property
    def key_span(self) -> Span:
        return self.scalar.span


@dataclass(frozen=True)
class EnvFileReference:
    path: str
    required: bool
    scalar: YamlScalar


@dataclass(frozen=True)
class CommandWord:
    """One word of a command line and the scalar it was written in."""

    text: str
    scalar: YamlScalar


@dataclass(frozen=True)
class Service:
    name: str
    name_scalar: YamlScalar
    node: YamlMapping
    image: YamlScalar | None
    command: tuple[YamlScalar, ...]
    environment: tuple[EnvironmentEntry, ...]
    env_files: tuple[EnvFileReference, ...]
    healthcheck_test: tuple[YamlScalar, ...]
    hostnames: tuple[str, ...]

    def command_words(self) -> list[CommandWord]:
        """The command as words; `sh -c "..."` scripts are split into their words too."""
        words: list[CommandWord] = []
        if len(self.command) == 1 and self.command[0].style not in ("|", ">"):
            words = _split(self.command[0].value, self.command[0])
        else:
            for scalar in self.command:
                words.append(CommandWord(scalar.value, scalar))
        if len(words) >= 3 and words[0].text in _SHELLS and words[1].text.startswith("-"):
            if "c" in words[1].text:
                return _split(words[2].text, words[2].scalar) + words[3:]
        return words

    def env(self, key: str) -> EnvironmentEntry | None:
        found = None
        for entry in self.environment:
            if entry.key == key:
                found = entry
        return found


@dataclass(frozen=True)
class ComposeFile:
    services: tuple[Service, ...]
    documents: tuple[YamlNode | None, ...]

    def scalars(self) -> Iterator[YamlScalar]:
        """Every scalar value of every document (keys excluded), aliases expanded."""
        for document in self.documents:
            if document is not None:
                yield from _scalars(document)


def _scalars(node: YamlNode) -> Iterator[YamlScalar]:
    if isinstance(node, YamlScalar):
        yield node
    elif isinstance(node, YamlSequence):
        for item in node.items:
            yield from _scalars(item)
    else:
        for _, value in node.items:
            yield from _scalars(value)


def _split(text: str, scalar: YamlScalar) -> list[CommandWord]:
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    return [CommandWord(part, scalar) for part in parts]


def _scalar(node: YamlNode | None) -> YamlScalar | None:
    return node if isinstance(node, YamlScalar) else None


def _scalar_list(node: YamlNode | None) -> tuple[YamlScalar, ...]:
    if isinstance(node, YamlScalar):
        return (node,) if node.value else ()
    if isinstance(node, YamlSequence):
        return tuple(item for item in node.items if isinstance(item, YamlScalar))
    return ()


def _environment(node: YamlNode | None) -> tuple[EnvironmentEntry, ...]:
    entries: list[EnvironmentEntry] = []
    if isinstance(node, YamlSequence):
        for item in node.items:
            if not isinstance(item, YamlScalar) or not item.value:
                continue
            key, equals, value = item.value.partition("=")
            entries.append(
                EnvironmentEntry(key.strip(), value if equals else None, item, len(key) + 1)
            )
    elif isinstance(node, YamlMapping):
        for key_scalar, value_node in node.items:
            if not isinstance(value_node, YamlScalar):
                continue
            is_null = value_node.style is None and value_node.value in ("", "null", "~", "Null")
            entries.append(
                EnvironmentEntry(
                    key_scalar.value, None if is_null else value_node.value, value_node, 0
                )
            )
    return tuple(entries)


def _env_files(node: YamlNode | None) -> tuple[EnvFileReference, ...]:
    items: tuple[YamlNode, ...]
    if isinstance(node, YamlSequence):
        items = node.items
    elif node is not None:
        items = (node,)
    else:
        items = ()
    references: list[EnvFileReference] = []
    for item in items:
        if isinstance(item, YamlScalar) and item.value:
            references.append(EnvFileReference(item.value, True, item))
        elif isinstance(item, YamlMapping):
            path = _scalar(item.get("path"))
            required = _scalar(item.get("required"))
            if path is not None and path.value:
                is_required = required is None or required.value.lower() not in ("false", "no")
                references.append(EnvFileReference(path.value, is_required, path))
    return tuple(references)


def _hostnames(name: str, node: YamlMapping) -> tuple[str, ...]:
    names = [name]
    for key in ("container_name", "hostname"):
        value = _scalar(node.get(key))
        if value is not None and value.value:
            names.append(value.value)
    networks = node.get("networks")
    if isinstance(networks, YamlMapping):
        for _, network in networks.items:
            if isinstance(network, YamlMapping):
                names.extend(alias.value for alias in _scalar_list(network.get("aliases")))
    return tuple(dict.fromkeys(names))


def _service(name: YamlScalar, node: YamlMapping) -> Service:
    healthcheck = node.get("healthcheck")
    test = _scalar_list(healthcheck.get("test")) if isinstance(healthcheck, YamlMapping) else ()
    return Service(
        name=name.value,
        name_scalar=name,
        node=node,
        image=_scalar(node.get("image")),
        command=_scalar_list(node.get("command")),
        environment=_environment(node.get("environment")),
        env_files=_env_files(node.get("env_file")),
        healthcheck_test=test,
        hostnames=_hostnames(name.value, node),
    )


def compose_from_documents(documents: list[YamlNode | None]) -> ComposeFile:
    services: list[Service] = []
    for document in documents:
        if not isinstance(document, YamlMapping):
            continue
        section = document.get("services")
        if not isinstance(section, YamlMapping):
            continue
        for name, node in section.items:
            if isinstance(node, YamlMapping):
                services.append(_service(name, node))
    return ComposeFile(tuple(services), tuple(documents))


def parse_compose(text: str) -> ComposeFile:
    """The compose model of `text`; raises `YamlProblem` for invalid or hostile YAML."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return compose_from_documents(load_documents(text))
