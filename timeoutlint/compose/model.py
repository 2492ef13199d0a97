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
class PortMapping:
    """A published port: `published` on the host (None: Compose picks one) to `target` in the container."""

    published: int | None
    target: int
    scalar: YamlScalar


@dataclass(frozen=True)
class VolumeMount:
    """A bind mount or volume: `source` (a host path or a volume name, None for anonymous) at `target`."""

    source: str | None
    target: str
    scalar: YamlScalar


@dataclass(frozen=True)
class IncludeReference:
    """One file of a top-level `include:` entry, with the entry's `project_directory` and `env_file`s."""

    path: str
    project_directory: str | None
    env_files: tuple[str, ...]
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
    ports: tuple[PortMapping, ...] = ()
    volumes: tuple[VolumeMount, ...] = ()
    network_mode: str | None = None
    defines_container: bool = True
    """It has an `image`, a `build` or an `extends`: a service of its own, not a fragment that an
    override file merges into a service of the base file."""

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
    includes: tuple[IncludeReference, ...] = ()

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


def _port_number(text: str) -> int | None:
    """`6379`, `6379/tcp`; None for ranges and variables."""
    text = text.split("/", 1)[0]
    return int(text) if text.isdigit() else None


def _ports(node: YamlNode | None) -> tuple[PortMapping, ...]:
    """Short syntax `[HOST_IP:][HOST:]CONTAINER[/PROTOCOL]` and the long syntax's `published`/`target`."""
    mappings: list[PortMapping] = []
    items = node.items if isinstance(node, YamlSequence) else ()
    for item in items:
        if isinstance(item, YamlScalar):
            parts = item.value.rsplit(":", 2) if "[" not in item.value else [item.value]
            target = _port_number(parts[-1])
            if target is None:
                continue
            published = _port_number(parts[-2]) if len(parts) > 1 else None
            mappings.append(PortMapping(published, target, item))
        elif isinstance(item, YamlMapping):
            target_scalar = _scalar(item.get("target"))
            published_scalar = _scalar(item.get("published"))
            if target_scalar is None or _port_number(target_scalar.value) is None:
                continue
            target_port = _port_number(target_scalar.value)
            assert target_port is not None
            published = None if published_scalar is None else _port_number(published_scalar.value)
            mappings.append(PortMapping(published, target_port, target_scalar))
    return tuple(mappings)


def _volumes(node: YamlNode | None) -> tuple[VolumeMount, ...]:
    """Short syntax `SOURCE:TARGET[:MODE]` or `TARGET`, and the long syntax's `source`/`target`."""
    mounts: list[VolumeMount] = []
    items = node.items if isinstance(node, YamlSequence) else ()
    for item in items:
        if isinstance(item, YamlScalar) and item.value:
            parts = item.value.split(":")
            if len(parts) == 1:
                mounts.append(VolumeMount(None, parts[0], item))
            else:
                mounts.append(VolumeMount(parts[0], parts[1], item))
        elif isinstance(item, YamlMapping):
            target = _scalar(item.get("target"))
            source = _scalar(item.get("source"))
            if target is not None and target.value:
                mounts.append(
                    VolumeMount(source.value if source is not None else None, target.value, target)
                )
    return tuple(mounts)


def _includes(document: YamlMapping) -> list[IncludeReference]:
    """`include:` as a list of paths or of `{path, project_directory, env_file}` (`path` may be a list)."""
    section = document.get("include")
    references: list[IncludeReference] = []
    items = section.items if isinstance(section, YamlSequence) else ()
    for item in items:
        if isinstance(item, YamlScalar) and item.value:
            references.append(IncludeReference(item.value, None, (), item))
        elif isinstance(item, YamlMapping):
            directory = _scalar(item.get("project_directory"))
            env_files = tuple(s.value for s in _scalar_list(item.get("env_file")))
            for path in _scalar_list(item.get("path")):
                references.append(
                    IncludeReference(
                        path.value, directory.value if directory else None, env_files, path
                    )
                )
    return references


def _service(name: YamlScalar, node: YamlMapping) -> Service:
    healthcheck = node.get("healthcheck")
    test = _scalar_list(healthcheck.get("test")) if isinstance(healthcheck, YamlMapping) else ()
    network_mode = _scalar(node.get("network_mode"))
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
        ports=_ports(node.get("ports")),
        volumes=_volumes(node.get("volumes")),
        network_mode=network_mode.value if network_mode is not None else None,
        defines_container=any(node.get(key) is not None for key in ("image", "build", "extends")),
    )


def compose_from_documents(documents: list[YamlNode | None]) -> ComposeFile:
    services: list[Service] = []
    includes: list[IncludeReference] = []
    for document in documents:
        if not isinstance(document, YamlMapping):
            continue
        includes.extend(_includes(document))
        section = document.get("services")
        if not isinstance(section, YamlMapping):
            continue
        for name, node in section.items:
            if isinstance(node, YamlMapping):
                services.append(_service(name, node))
    return ComposeFile(tuple(services), tuple(documents), tuple(includes))


def parse_compose(text: str) -> ComposeFile:
    """The compose model of `text`; raises `YamlProblem` for invalid or hostile YAML."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return compose_from_documents(load_documents(text))
