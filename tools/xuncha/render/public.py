"""The public projection: the only view of the data the public site is built from.

Built from an allow-list: a value is copied only when its schema property says
``x-public: true`` (and so do all its parents); everything else — clues,
petitions, logs, names in plans, deductions, internal notes, sign-offs — never
enters it, whatever new fields the schemas grow. Two facts are derived from
non-public data on purpose, because publishing them is the point of a notice:
each problem's progress *category* on the notice's cut-off date (已完成 /
基本完成 / 整改中, not the log), and which of the three sign-offs are missing
(role names from the schema's fixed list, not who signed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xuncha.model.index import Folder, Index, Record
from xuncha.render.progress import BASIC_STATE, is_completed, state_on

Json = dict[str, Any]
Allowed = frozenset[tuple[str, ...]]
SIGNOFF_ROLES = ("巡察组组长", "被巡察党组织主要负责人", "巡察办")
DONE, BASIC, OPEN = "已完成", BASIC_STATE, "整改中"


def project(data: Mapping[str, Any], allowed: Allowed, prefix: tuple[str, ...] = ()) -> Json:
    """Keep only the keys whose path is allow-listed, recursively (lists are transparent)."""
    out: Json = {}
    for key, value in data.items():
        path = (*prefix, key)
        if path in allowed:
            out[key] = _project_value(value, allowed, path)
    return out


def _project_value(value: Any, allowed: Allowed, path: tuple[str, ...]) -> Any:
    if isinstance(value, Mapping):
        return project(value, allowed, path)
    if isinstance(value, list):
        return [_project_value(item, allowed, path) for item in value]
    return value


@dataclass(frozen=True)
class PublicLeaf:
    """A leaf problem as the public may see it on the notice's cut-off date."""

    id: str
    category: str  # 已完成 / 基本完成 / 整改中 (derived, see module doc)
    status: Json  # the status record's public part (summary, outcomes)
    plan: Json  # the plan entry's public part (empty while the schema keeps entries internal)


@dataclass(frozen=True)
class PublicNotice:
    """Everything one progress notice prints, and nothing else."""

    round_id: str
    unit_id: str
    notice: Json
    round: Json
    entry: Json  # the round's public entry for this unit (group, feedback date, feedback body)
    unit: Json
    feedback: Json
    plan: Json
    leaves: dict[str, PublicLeaf] = field(default_factory=dict)
    missing_signoffs: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """File name part: the public issue date (the notice's own id is internal)."""
        return str(self.notice.get("date", "undated"))


def notice_records(index: Index) -> list[tuple[str, Record]]:
    """Every notice record of the index with its file stem, by folder, then stem."""
    return [
        (stem, record)
        for _, folder in sorted(index.folders.items())
        for stem, record in sorted(folder.notices.items())
    ]


def public_notices(index: Index, allow: Mapping[str, set[tuple[str, ...]]], as_of: str) -> list[PublicNotice]:
    """Project every notice of the index (signed or not: the publisher decides with ``missing_signoffs``)."""
    return [public_notice(index, record, allow, as_of) for _, record in notice_records(index)]


def public_notice(
    index: Index, record: Record, allow: Mapping[str, set[tuple[str, ...]]], as_of: str
) -> PublicNotice:
    """One notice record with what it prints from its round, unit, feedback, plan and statuses."""
    allowed = {kind: frozenset(paths) for kind, paths in allow.items()}
    round_id, unit_id = str(record.place.round), str(record.place.unit)
    folder = index.folder(round_id, unit_id)
    cut_off = str(record.data.get("as_of", as_of))
    round_data = index.rounds[round_id].data if round_id in index.rounds else {}
    unit_data = index.units[unit_id].data if unit_id in index.units else {}
    return PublicNotice(
        round_id=round_id,
        unit_id=unit_id,
        notice=project(record.data, allowed["notice"]),
        round=project(round_data, allowed["round"]),
        entry=project(index.round_unit(round_id, unit_id) or {}, allowed["round"], ("units",)),
        unit=project(unit_data, allowed["unit"]),
        feedback=_part(folder, "feedback", allowed),
        plan=_part(folder, "plan", allowed),
        leaves=_leaves(folder, allowed, cut_off),
        missing_signoffs=missing_signoffs(record.data.get("signoffs", []), as_of),
    )


def _part(folder: Folder, kind: str, allowed: dict[str, Allowed]) -> Json:
    record = folder.records.get(kind)
    return project(record.data, allowed[kind]) if record is not None else {}


def _leaves(folder: Folder, allowed: dict[str, Allowed], cut_off: str) -> dict[str, PublicLeaf]:
    plans = {str(e.get("problem")): e for _, _, e in folder.items("plan", "entries")}
    leaves: dict[str, PublicLeaf] = {}
    for node in folder.leaves():
        status = folder.statuses.get(node.id)
        leaves[node.id] = PublicLeaf(
            id=node.id,
            category=category(state_on(status, cut_off)),
            status=project(status.data if status is not None else {}, allowed["status"]),
            plan=project(plans.get(node.id, {}), allowed["plan"], ("entries",)),
        )
    return leaves


def category(state: str) -> str:
    """The public word for a state: 已完成 (incl. 已销号), 基本完成, or 整改中 for everything else."""
    if is_completed(state):
        return DONE
    return BASIC if state == BASIC_STATE else OPEN


def missing_signoffs(signoffs: Iterable[Mapping[str, Any]], as_of: str) -> tuple[str, ...]:
    """Roles of the 三把关 without a sign-off dated by ``as_of`` (the schema guarantees each checklist)."""
    given = {str(s.get("role")) for s in signoffs if str(s.get("date", "")) <= as_of}
    return tuple(role for role in SIGNOFF_ROLES if role not in given)
