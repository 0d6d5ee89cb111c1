"""一键督办 (pure): which units get an urging letter (督办函) on a date, for which obligations.

The obligations are the deadline engine's (:mod:`xuncha.rules.deadlines`): a unit's red
ones (optionally its yellow ones too) make one letter per round and unit folder. A
letter already sent that day (a 督办函 in ``supervision.yaml`` dated ``as_of`` whose
``obligations`` cover them all) makes the unit's letter redundant: a second run on the
same day drafts nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from xuncha.model.index import Folder, Index
from xuncha.rules.deadlines import Obligation
from xuncha.rules.profiles import Light, Profile

LETTER = "督办函"


def reference(o: Obligation) -> str:
    """The obligation as a supervision record names it: ``plan``, ``problem/P03.1``, ``clue-plan/C01``."""
    which = o.problem or o.item
    return f"{o.rule}/{which}" if which else o.rule


@dataclass(frozen=True)
class Draft:
    """One letter to draft: the folder it is about, its obligations (worst first) and who sends it."""

    round: str
    round_name: str
    unit: str
    unit_name: str  # the unit's full name, as the letter addresses it
    short_name: str
    issuer: str
    items: tuple[Obligation, ...]
    profile: Profile | None
    wordings: Mapping[str, str] = field(default_factory=dict)  # each urged problem's verbatim text

    @property
    def references(self) -> list[str]:
        return [reference(o) for o in self.items]

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(o.problem for o in self.items if o.problem))


@dataclass(frozen=True)
class Plan:
    """What a run would do: letters to draft, and folders skipped because they were urged already."""

    drafts: tuple[Draft, ...]
    urged: tuple[tuple[str, str], ...]  # (round, unit) already sent a letter covering everything today
    round_level: int  # obligations of no unit (the inspection office's own procedures): no letter


def urged_today(folder: Folder | None, as_of: date) -> set[str]:
    """The obligations that letters dated ``as_of`` already covered in this folder."""
    if folder is None:
        return set()
    day = as_of.isoformat()
    return {
        ref
        for _, _, action in folder.items("supervision", "actions")
        if action.get("kind") == LETTER and str(action.get("date")) == day
        for ref in action.get("obligations", [])
    }


def plan(
    index: Index,
    found: Iterable[Obligation],
    lights: frozenset[Light],
    as_of: date,
    profiles: Mapping[str, Profile],
    default_profile: str | None,
) -> Plan:
    """Group the open obligations of the given lights by folder; drop folders urged already today."""
    groups: dict[tuple[str, str], list[Obligation]] = {}
    round_level = 0
    for o in found:
        if o.light not in lights or o.done is not None:
            continue
        if o.unit is None:
            round_level += 1
            continue
        groups.setdefault((o.round, o.unit), []).append(o)
    drafts, urged = [], []
    for key in sorted(groups):
        items = sorted(groups[key], key=lambda o: (-o.state.severity, o.due, reference(o)))
        covered = urged_today(index.folders.get(key), as_of)
        if all(reference(o) in covered for o in items):
            urged.append(key)
            continue
        drafts.append(_draft(index, key, tuple(items), profiles, default_profile))
    return Plan(tuple(drafts), tuple(urged), round_level)


def _draft(
    index: Index,
    key: tuple[str, str],
    items: tuple[Obligation, ...],
    profiles: Mapping[str, Profile],
    default_profile: str | None,
) -> Draft:
    round_id, unit_id = key
    unit = index.units.get(unit_id)
    data = unit.data if unit is not None else {}
    round_data = index.rounds[round_id].data
    issuer = "、".join(data.get("supervisors", [])) or f"{round_data.get('inspecting_body', '')}巡察办"
    profile = profiles.get(str(round_data.get("profile", default_profile)))
    short = str(data.get("short_name") or data.get("name") or unit_id)
    name = str(round_data.get("name") or round_id)
    folder = index.folders.get(key)
    nodes = folder.nodes if folder is not None else {}
    wordings = {o.problem: nodes[o.problem].wording for o in items if o.problem in nodes}
    full = str(data.get("name") or short)
    return Draft(round_id, name, unit_id, full, short, issuer, items, profile, wordings)


def action(draft: Draft, record_id: str, as_of: date, reply_by: date, letter: str) -> dict[str, object]:
    """The supervision record of the letter, in the schema's key order."""
    reds = sum(o.light is Light.RED for o in draft.items)
    counted = f"{reds}项已逾期" + (
        f"、{len(draft.items) - reds}项即将到期" if reds < len(draft.items) else ""
    )
    entry: dict[str, object] = {
        "id": record_id,
        "kind": LETTER,
        "date": as_of.isoformat(),
        "by": draft.issuer,
    }
    if draft.problems:
        entry["problems"] = draft.problems
    entry["obligations"] = draft.references
    entry["reply_by"] = reply_by.isoformat()
    entry["note"] = f"督办函（{letter}）：{counted}，限{reply_by.isoformat()}前书面回复。"
    return entry
