"""A YAML document as a small tree of frozen values that keep their exact source positions.

pyyaml's composer gives a node graph with marks but no record of aliases:
an alias is the anchored node itself, shared. This module turns that graph
into a tree, expanding aliases and `<<` merge keys, and marks every value
that came from an aliased anchor as `shared` (editing its text would change
every place that uses the anchor, so fixes leave it alone). Expansion is
bounded: a "billion laughs" file, or an anchor that contains itself, stops
with a `YamlProblem` instead of eating memory.

pyyaml is imported when a document is first loaded, not with this module: a
run that reads no compose file never pays for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from timeoutlint.findings import Position, Span

if TYPE_CHECKING:
    import yaml

MAX_NODES = 20_000
"""More expanded nodes than any real compose file has; a file beyond it is refused."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    """The text is not YAML we can read; `position` says where."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class YamlScalar:
    """A scalar with its value, its exact source text and how it is written.

    `style` is None for a plain scalar, `'` or `"` for quoted ones and `|`
    or `>` for block scalars. `flow` is True inside `[...]` or `{...}`.
    """

    value: str
    span: Span
    raw: str
    style: str | None
    shared: bool = False
    flow: bool = False

    @property
    def single_line(self) -> bool:
        return self.span.start.line == self.span.end.line

    def value_offset(self) -> int | None:
        """Where the value's first character sits in `raw`, when the text *is* the value.

        That holds for one-line plain scalars and for quoted ones without
        escapes; for anything else (escapes, folding, block scalars) None.
        """
        if not self.single_line or self.style in ("|", ">"):
            return None
        if self.style is None:
            return 0 if self.raw == self.value else None
        inner = self.raw[1:-1]
        return 1 if inner == self.value and "\\" not in inner else None


@dataclass(frozen=True)
class YamlSequence:
    items: tuple[YamlNode, ...]
    span: Span
    shared: bool = False


@dataclass(frozen=True)
class YamlMapping:
    items: tuple[tuple[YamlScalar, YamlNode], ...]
    span: Span
    shared: bool = False

    def get(self, key: str) -> YamlNode | None:
        for name, value in self.items:
            if name.value == key:
                return value
        return None

    def key(self, key: str) -> YamlScalar | None:
        for name, _ in self.items:
            if name.value == key:
                return name
        return None


YamlNode = YamlScalar | YamlSequence | YamlMapping


def _position(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _span(node: yaml.Node) -> Span:
    return Span(_position(node.start_mark), _position(node.end_mark))


@cache
def _loader_class() -> Callable[[str, set[int]], yaml.SafeLoader]:
    import yaml

    class _Loader(yaml.SafeLoader):
        """The safe loader's composer, recording in `aliased` which anchored nodes an alias
        points at."""

        def __init__(self, stream: str, aliased: set[int]) -> None:
            super().__init__(stream)
            self.aliased = aliased

        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                anchor = self.peek_event().anchor  # type: ignore[no-untyped-call]
                if anchor in self.anchors:
                    self.aliased.add(id(self.anchors[anchor]))
            return super().compose_node(parent, index)

    return _Loader


class _Builder:
    def __init__(self, text: str, aliased: set[int]) -> None:
        self.text = text
        self.aliased = aliased
        self.count = 0
        self.entry: Position | None = None
        """The top-level key being expanded: where a runaway expansion is reported."""

    def build(self, node: yaml.Node, shared: bool, flow: bool, depth: int) -> YamlNode:
        import yaml

        self.count += 1
        if self.count > MAX_NODES or depth > 200:
            raise YamlProblem(
                f"the file's aliases expand to more than {MAX_NODES} values"
                " (a 'billion laughs' document or an anchor that contains itself); not checked",
                self.entry or _position(node.start_mark),
            )
        shared = shared or id(node) in self.aliased
        if isinstance(node, yaml.ScalarNode):
            raw = self.text[node.start_mark.index : node.end_mark.index]
            return YamlScalar(str(node.value), _span(node), raw, node.style, shared, flow)
        inner_flow = flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, yaml.SequenceNode):
            return YamlSequence(
                tuple(self.build(item, shared, inner_flow, depth + 1) for item in node.value),
                _span(node),
                shared,
            )
        assert isinstance(node, yaml.MappingNode)
        own: list[tuple[YamlScalar, YamlNode]] = []
        merged: list[tuple[YamlScalar, YamlNode]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge(value_node, depth + 1))
                continue
            if depth == 0:
                self.entry = _position(key_node.start_mark)
            key = self.build(key_node, shared, inner_flow, depth + 1)
            if not isinstance(key, YamlScalar):
                continue
            own.append((key, self.build(value_node, shared, inner_flow, depth + 1)))
        names = {key.value for key, _ in own}
        seen: set[str] = set()
        for key, value in merged:
            if key.value not in names and key.value not in seen:
                seen.add(key.value)
                own.append((key, value))
        return YamlMapping(tuple(own), _span(node), shared)

    def _merge(self, node: yaml.Node, depth: int) -> Iterator[tuple[YamlScalar, YamlNode]]:
        """`<<: *a` or `<<: [*a, *b]`: the merged pairs, earlier sources first; all shared."""
        import yaml

        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            built = self.build(source, True, False, depth)
            if isinstance(built, YamlMapping):
                yield from built.items


def load_documents(text: str) -> list[YamlNode | None]:
    """Every document of a YAML stream as a tree; raises `YamlProblem` on invalid or hostile input."""
    import yaml

    aliased: set[int] = set()
    loader = _loader_class()(text, aliased)
    try:
        nodes: list[yaml.Node | None] = []
        while loader.check_node():
            nodes.append(loader.get_node())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _position(mark) if mark is not None else Position(1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(problem, position) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(exc), Position(1, 1)) from None
    except RecursionError:
        raise YamlProblem("the document is nested too deeply to read", Position(1, 1)) from None
    finally:
        loader.dispose()
    builder = _Builder(text, aliased)
    try:
        return [None if node is None else builder.build(node, False, False, 0) for node in nodes]
    except RecursionError:
        raise YamlProblem("the document is nested too deeply to read", Position(1, 1)) from None
