"""The repository as one model, built in one pass: records by ID, the feedback trees, backlinks.

Checks, deadlines, scores and pages all read this instead of files, so every
cross-reference is resolved once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from xuncha.model.layout import Place

Json = dict[str, Any]
LEVELS = ("problems", "refined", "tasks")


@dataclass(frozen=True)
class Record:
    """One valid file: where it is, what it is, and its data."""

    file: str
    place: Place
    data: Json


@dataclass(frozen=True)
class Node:
    """One item of a feedback tree (problem, refined problem or task)."""

    id: str
    aspect: str
    level: int  # 0 problem, 1 refined, 2 task
    parent: str | None
    children: tuple[str, ...]
    path: tuple[str | int, ...]  # where it sits in feedback.yaml
    data: Json

    @property
    def is_leaf(self) -> bool:
        """Leaves are what plans, statuses and the rectification rate count."""
        return not self.children

    @property
    def wording(self) -> str:
        """The verbatim text, or the heading when a node has only a title."""
        return str(self.data.get("text") or self.data.get("title") or "")


@dataclass
class Folder:
    """Everything filed for one inspected unit in one round: ``rounds/R/U/``."""

    round: str
    unit: str
    records: dict[str, Record] = field(default_factory=dict)  # kind → record
    statuses: dict[str, Record] = field(default_factory=dict)  # problem id → record
    notices: dict[str, Record] = field(default_factory=dict)  # notice id → record
    nodes: dict[str, Node] = field(default_factory=dict)

    @property
    def feedback(self) -> Record | None:
        return self.records.get("feedback")

    def items(self, kind: str, key: str) -> Iterator[tuple[Record, int, Json]]:
        """Entries of list ``key`` in this folder's ``kind`` record (none when it has none)."""
        record = self.records.get(kind)
        if record is not None:
            for i, item in enumerate(record.data.get(key, [])):
                yield record, i, item

    def leaves(self) -> list[Node]:
        """Leaf problems in document order."""
        return [node for node in self.nodes.values() if node.is_leaf]


@dataclass
class Index:
    """All records of a repository, keyed for lookup."""

    units: dict[str, Record] = field(default_factory=dict)
    rounds: dict[str, Record] = field(default_factory=dict)
    folders: dict[tuple[str, str], Folder] = field(default_factory=dict)
    duplicates: list[tuple[Record, Record]] = field(default_factory=list)
    broken: frozenset[str] = frozenset()  # files that exist but failed to load or validate

    def missing(self, relpath: str) -> bool:
        """True when a referenced file is absent, not merely invalid (already reported)."""
        return relpath not in self.broken

    def folder(self, round_id: str, unit_id: str) -> Folder:
        key = (round_id, unit_id)
        if key not in self.folders:
            self.folders[key] = Folder(round_id, unit_id)
        return self.folders[key]

    def of_round(self, round_id: str) -> Index:
        """One round's index: its record and folders, with all the units. What the deadlines and
        scores of a round read, and nothing of other rounds."""
        record = self.rounds.get(round_id)
        return Index(
            units=self.units,
            rounds={round_id: record} if record is not None else {},
            folders={key: folder for key, folder in self.folders.items() if key[0] == round_id},
            broken=self.broken,
        )

    def round_unit(self, round_id: str, unit_id: str) -> Json | None:
        """The round's entry for a unit (group, feedback date), if listed."""
        record = self.rounds.get(round_id)
        if record is None:
            return None
        return next((u for u in record.data.get("units", []) if u.get("unit") == unit_id), None)


def build_index(records: list[Record], broken: frozenset[str] = frozenset()) -> Index:
    """One pass over the records, then each feedback tree flattened once.

    ``broken`` names files left out because they are invalid: rules use it to stay
    quiet about references to them instead of piling knock-on errors on other files.
    """
    index = Index(broken=broken)
    for record in records:
        _add(index, record)
    for folder in index.folders.values():
        if folder.feedback is not None:
            folder.nodes = dict(iter_nodes(folder.feedback.data))
    return index


def _add(index: Index, record: Record) -> None:
    place = record.place
    if place.kind == "unit":
        _put(index, index.units, str(record.data.get("id", place.stem)), record)
    elif place.kind == "round":
        _put(index, index.rounds, str(place.round), record)
    else:
        folder = index.folder(str(place.round), str(place.unit))
        if place.kind == "status":
            folder.statuses[str(place.stem)] = record
        elif place.kind == "notice":
            folder.notices[str(place.stem)] = record
        else:
            folder.records[place.kind] = record


def _put(index: Index, table: dict[str, Record], key: str, record: Record) -> None:
    if key in table:
        index.duplicates.append((table[key], record))
    else:
        table[key] = record


def iter_nodes(feedback: Json) -> Iterator[tuple[str, Node]]:
    for a, aspect in enumerate(feedback.get("aspects", [])):
        for p, problem in enumerate(aspect.get("problems", [])):
            yield from _walk(problem, str(aspect.get("id")), 0, None, ("aspects", a, "problems", p))


def _walk(
    item: Json, aspect: str, level: int, parent: str | None, path: tuple[str | int, ...]
) -> Iterator[tuple[str, Node]]:
    key = LEVELS[level + 1] if level + 1 < len(LEVELS) else None
    children = item.get(key, []) if key else []
    node_id = str(item.get("id"))
    child_ids = tuple(str(child.get("id")) for child in children)
    yield node_id, Node(node_id, aspect, level, parent, child_ids, path, item)
    for i, child in enumerate(children):
        yield from _walk(child, aspect, level + 1, node_id, (*path, str(key), i))
