"""The internal site's view of the index on one day: each leaf's state, deadline and light.

Pure: built from the :class:`~xuncha.model.index.Index` and the day; the internal
pages render this and nothing else. Deadlines, obligations and score sheets
computed by the deadline and scoring modules are attached by
:mod:`xuncha.render.derive` (until then a leaf has no deadline: grey).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xuncha.model.index import Folder, Index, Node, Record
from xuncha.render.md import BLUE, GREY, Light
from xuncha.render.progress import Tally, is_completed, state_on, tally
from xuncha.rules.scoring import Sheet

Json = dict[str, Any]


@dataclass(frozen=True)
class LeafView:
    """One leaf problem on the day: where it stands and how urgent it is."""

    node: Node
    state: str
    record: Record | None  # the status file, if any
    plan: Json
    extensions: tuple[Json, ...]  # approved by the day, oldest first
    deadline: str | None = None  # in force: the plan's, or the latest approved extension's
    light: Light = GREY
    days: int | None = None  # days left (positive) or overdue (negative)

    @property
    def status(self) -> Json:
        return self.record.data if self.record is not None else {}


@dataclass(frozen=True)
class DueRow:
    """An obligation (report, plan, meeting …) as pages list it: what, when, how late."""

    what: str
    due: str
    light: Light
    days: int | None  # negative: overdue by that many days
    done: str | None = None


@dataclass(frozen=True)
class ScoreRow:
    """A unit's score sheet as pages show it: total, grade, each item (name, points, why), notes."""

    total: float
    grade: str
    lines: tuple[tuple[str, str, str], ...] = ()
    action: str = ""
    notes: tuple[str, ...] = ()


@dataclass
class UnitView:
    """One unit in one round."""

    round_id: str
    unit_id: str
    name: str
    unit: Json
    entry: Json
    folder: Folder
    leaves: list[LeafView]
    dues: list[DueRow] = field(default_factory=list)
    score: ScoreRow | None = None
    rank: int | None = None
    sheet: Sheet | None = None  # the scorer's sheet, kept for ranking
    closed: str | None = None  # the day its rectification was accepted as finished (办结)

    @property
    def counts(self) -> Tally:
        return tally(leaf.state for leaf in self.leaves)

    @property
    def href(self) -> str:
        return f"rounds/{self.round_id}/{self.unit_id}/index.md"


@dataclass
class RoundView:
    """One round, its units, and its round-level procedures' deadlines."""

    id: str
    data: Json
    units: list[UnitView]
    dues: list[DueRow] = field(default_factory=list)
    supervisors: list[tuple[int, str, ScoreRow]] = field(default_factory=list)  # rank, body, sheet

    @property
    def counts(self) -> Tally:
        return sum((u.counts for u in self.units), Tally())

    @property
    def name(self) -> str:
        return str(self.data.get("name", self.id))


@dataclass
class SiteModel:
    """Everything the internal site shows, for one day."""

    as_of: str
    rounds: list[RoundView]

    @property
    def counts(self) -> Tally:
        return sum((r.counts for r in self.rounds), Tally())

    def units(self) -> list[UnitView]:
        return [u for r in self.rounds for u in r.units]


def build_model(index: Index, as_of: str) -> SiteModel:
    """Rounds in date order (newest first), their units in the round's order."""
    rounds = [
        RoundView(round_id, record.data, _units(index, round_id, record.data, as_of))
        for round_id, record in index.rounds.items()
    ]
    rounds.sort(key=lambda r: (str(r.data.get("entry_date", "")), r.id), reverse=True)
    return SiteModel(as_of, rounds)


def _units(index: Index, round_id: str, data: Json, as_of: str) -> list[UnitView]:
    views = []
    for entry in data.get("units", []):
        unit_id = str(entry.get("unit"))
        unit = index.units[unit_id].data if unit_id in index.units else {}
        folder = index.folders.get((round_id, unit_id)) or Folder(round_id, unit_id)
        name = str(unit.get("short_name") or unit.get("name") or unit_id)
        views.append(UnitView(round_id, unit_id, name, unit, entry, folder, leaf_views(folder, as_of)))
    return views


def leaf_views(folder: Folder, as_of: str) -> list[LeafView]:
    """Each leaf's state on the day; blue when completed, grey until a deadline is attached."""
    plans = {str(e.get("problem")): e for _, _, e in folder.items("plan", "entries")}
    extensions: dict[str, list[Json]] = {}
    for _, _, item in folder.items("extensions", "extensions"):
        if str(item.get("approved", "9999")) <= as_of:
            extensions.setdefault(str(item.get("problem")), []).append(item)
    views = []
    for node in folder.leaves():
        record = folder.statuses.get(node.id)
        state = state_on(record, as_of)
        granted = tuple(sorted(extensions.get(node.id, []), key=lambda e: str(e.get("approved"))))
        light = BLUE if is_completed(state) else GREY
        views.append(LeafView(node, state, record, plans.get(node.id, {}), granted, light=light))
    return views
