"""Safe YAML: libyaml composes nodes, we build plain data from them ourselves.

Building from nodes (instead of PyYAML's constructors) is what lets us report
duplicate keys, refuse every non-standard tag before anything could run, bound
alias expansion (billion laughs) and keep dates as text for our own checks.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import yaml
from yaml import MappingNode, ScalarNode, SequenceNode
from yaml._yaml import CParser

Data = object
MAX_ALIAS_EXPANSION = 10_000
STR, INT, FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
BOOL, NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
MAP, SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL})


# PyYAML's implicit resolvers, less the timestamp: dates stay text for our own checks
RESOLVERS = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


# Keys and short values (states, dates, names of units and offices) repeat across every file of a
# repository: interned, each is one string, which ``marshal`` writes once per cache shard and reads
# back shared. Single runs at 50,000 problems, a busy 2-core machine: ``overdue`` after one edit
# peaks at 452 MB instead of 694 MB and takes 4.4 s instead of 6.0 s; the parse cache is 90 MB
# instead of 134 MB; a cold ``validate`` peaks at 141 MB instead of 185 MB. Long texts are unique.
SHARED_LENGTH = 20

# The same table by a scalar's first character (the empty scalar under ""), wildcards appended
Resolvers = tuple[tuple[str, re.Pattern[str]], ...]
_WILDCARDS: Resolvers = tuple(RESOLVERS.get(None, ()))
_BY_FIRST: dict[str, Resolvers] = {
    first: (*resolvers, *_WILDCARDS) for first, resolvers in RESOLVERS.items() if first is not None
}


class Composer(CParser):
    """libyaml's parser and composer (C) with :data:`RESOLVERS`, and no constructor: :func:`build`
    makes the data. PyYAML's ``CSafeLoader`` would also set up a constructor and a resolver in
    Python for every file; without them composing takes 8 % less CPU (0.197 s instead of 0.215 s
    for the 10,000 file versions of the history benchmark, 4 alternated rounds in one process).

    libyaml asks :meth:`resolve` (and the path-resolver hooks) of every node, in Python: PyYAML's
    own version builds a list per scalar and tracks paths no one registered. Ours gives the same
    tags and takes 18 % off composing: 0.24 s of CPU instead of 0.29 s (medians of 5 alternated runs)
    for the 10,000 file versions that ``xuncha history --round`` parses on a cold run of its benchmark.

    (A hand-made composer and resolver used to build every file of 10,000 problems in 1.22 s of
    CPU instead of 1.58 s, about 7 % of a cold run; without it a cold run stays well within its
    goal, 0.80× a bare libyaml parse at 10,000 problems and 0.86× at 50,000.)
    """

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:
            return SEQ if kind is SequenceNode else MAP
        if implicit[0]:
            scalar = value or ""  # a scalar's value is always text; None is for collections
            return _short_tag(scalar) if len(scalar) <= SHARED_LENGTH else _tag(scalar)
        return STR

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        """No path resolvers are registered: nothing to track per level."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered: nothing to track per level."""


def _tag(scalar: str) -> str:
    """The tag of a plain scalar: the first resolver whose pattern matches it."""
    for tag, pattern in _BY_FIRST.get(scalar[:1], _WILDCARDS):
        if pattern.match(scalar):
            return tag
    return STR


# Keys, dates, states and ids repeat in every file: their tags are looked up, not matched again.
# Composing the 10,000 file versions of the history benchmark takes 0.22 s of CPU instead of
# 0.26 s (4 alternated rounds in one process). Long texts are unique: matched, not kept.
_short_tag = lru_cache(maxsize=1 << 16)(_tag)


def compose(text: str) -> yaml.Node | None:
    """The node graph of one YAML document (None if empty); ``yaml.YAMLError`` on bad syntax."""
    composer = Composer(text)
    try:
        node: yaml.Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return node


@dataclass(frozen=True)
class NodeProblem:
    """A structural problem met while building data; positions are 1-based."""

    kind: str  # "duplicate-key" | "tag" | "alias-bomb"
    line: int
    column: int
    detail: str


class _Builder:
    """Turns a node graph into dicts/lists/scalars, collecting problems as it goes.

    ``aliases``: whether the text can hold an alias (``*name``); only then can a node be met
    twice, so only then are visits counted against :data:`MAX_ALIAS_EXPANSION`. Without
    them, string keys and values (most nodes) are taken without a call per node.
    """

    def __init__(self, aliases: bool) -> None:
        self.problems: list[NodeProblem] = []
        self.aliases = aliases
        self.visits = 0
        self.seen: set[int] = set()
        self.open: set[int] = set()  # the collections being built, when aliases can lead back to one

    def build(self, node: yaml.Node) -> Data:
        if self.aliases:
            self._visit(node)
        if type(node) is ScalarNode:
            return node.value if node.tag == STR else self._scalar(node)
        if self.aliases:  # only an alias can lead back into a collection still being built
            return self._collection_once(node)
        return self._collection(node)

    def _collection(self, node: yaml.Node) -> Data:
        if type(node) is SequenceNode:
            self._check_tag(node, SEQ)
            return [self.build(child) for child in node.value]
        assert isinstance(node, MappingNode)
        self._check_tag(node, MAP)
        return self._mapping(node)

    def _collection_once(self, node: yaml.Node) -> Data:
        """A collection holding an alias to itself (``a: &x [*x]``) would expand forever."""
        if id(node) in self.open:
            raise _AliasBomb(node, "别名指向包含它自己的内容（循环引用），展开无穷无尽")
        self.open.add(id(node))
        try:
            return self._collection(node)
        finally:
            self.open.discard(id(node))

    def _visit(self, node: yaml.Node) -> None:
        self.visits += 1
        if id(node) not in self.seen:
            self.seen.add(id(node))
        elif self.visits - len(self.seen) > MAX_ALIAS_EXPANSION:
            raise _AliasBomb(node)

    def _mapping(self, node: MappingNode) -> dict[object, Data]:
        result: dict[object, Data] = {}
        plain = not self.aliases
        for key_node, value_node in node.value:
            key: object
            if plain and type(key_node) is ScalarNode and key_node.tag == STR:
                key = sys.intern(key_node.value)
            elif key_node.tag == "tag:yaml.org,2002:merge":
                self._problem("tag", key_node, "<<（合并键）")
                continue
            else:
                key = self.build(key_node)
                if isinstance(key, list | dict):
                    self._problem("tag", key_node, "复杂键")
                    continue
            if key in result:
                self._problem("duplicate-key", key_node, str(key))
            if plain and type(value_node) is ScalarNode and value_node.tag == STR:
                value = value_node.value
                result[key] = sys.intern(value) if len(value) <= SHARED_LENGTH else value
            else:
                result[key] = self.build(value_node)
        return result

    def _scalar(self, node: ScalarNode) -> Data:
        tag, value = node.tag, node.value
        if tag == STR:
            return value
        if tag not in SCALAR_TAGS:
            self._problem("tag", node, tag)
            return value
        if tag == NULL:
            return None
        if tag == BOOL:
            return value.lower() in ("true", "yes", "on")
        try:
            return _number(tag, value)
        except ValueError:
            return value

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            self._problem("tag", node, node.tag)

    def _problem(self, kind: str, node: yaml.Node, detail: str) -> None:
        detail = detail.replace("tag:yaml.org,2002:", "!!")
        mark = node.start_mark
        self.problems.append(NodeProblem(kind, mark.line + 1, mark.column + 1, detail))


class _AliasBomb(Exception):
    def __init__(self, node: yaml.Node, detail: str = f"别名展开超过 {MAX_ALIAS_EXPANSION} 个节点") -> None:
        super().__init__("alias expansion")
        self.node, self.detail = node, detail


_SPECIAL_FLOATS = {".inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


def _number(tag: str, text: str) -> int | float | str:
    """YAML 1.1 numbers, except that digits with a leading zero stay text.

    YAML 1.1 reads ``0512`` as an octal number; in our records such a value is
    always a code (postbox, phone, account) whose zero matters, never octal.
    """
    cleaned = text.replace("_", "")
    if (
        tag == INT
        and len(cleaned.lstrip("+-")) > 1
        and cleaned.lstrip("+-")[0] == "0"
        and cleaned.lstrip("+-").isdigit()
    ):
        return text
    if tag == INT:
        lowered = cleaned.lower()
        for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
            if lowered.lstrip("+-").startswith(prefix):
                return int(lowered.replace(prefix, ""), base)
        return int(cleaned, 10)
    special = _SPECIAL_FLOATS.get(cleaned.lower())
    return special if special is not None else float(cleaned)


def build(text: str) -> tuple[Data, list[NodeProblem]]:
    """Parse one YAML document into data; structural problems are returned, not raised.

    ``yaml.YAMLError`` (syntax) still propagates: the caller turns it into a finding.
    """
    node = compose(text)
    if node is None:
        return None, []
    builder = _Builder(aliases="*" in text)
    try:
        data = builder.build(node)
    except _AliasBomb as bomb:
        mark = bomb.node.start_mark
        return None, [NodeProblem("alias-bomb", mark.line + 1, mark.column + 1, bomb.detail)]
    return data, builder.problems


class Locator:
    """Finds where a value sits in a file; composed once, asked many times."""

    def __init__(self, text: str) -> None:
        try:
            self.root = compose(text)
        except yaml.YAMLError:
            self.root = None

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The 1-based (line, column) of the value at ``path``, or of its deepest existing parent."""
        best = (1, 1)
        for found in _walk(self.root, path):
            best = (found.start_mark.line + 1, found.start_mark.column + 1)
        return best


def _walk(node: yaml.Node | None, path: tuple[str | int, ...]) -> Iterator[yaml.Node]:
    for step in path:
        if node is None:
            return
        yield node
        node = _child(node, step)
    if node is not None:
        yield node


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, SequenceNode) and isinstance(step, int):
        children: list[yaml.Node] = node.value
        return children[step] if 0 <= step < len(children) else None
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == str(step):
                found: yaml.Node = value_node
                return found
    return None
