"""Result use (结果运用) as obligations (pure): a grade's follow-up action gets a deadline and a light.

Seed 000 annex 3, seed 001 第十四条 and seed 004 三 say what follows each grade: stop
tracking, keep urging, an admonition talk with a time limit, an accountability proposal.
A rubric's grade says it as data (``follow_up``: the kind of action and its term); a unit
graded so owes that action from its assessment's date, done by the first supervision
record of that kind on or after it (``supervision.yaml``). So a 较差 grade does not end in
a table: it is an obligation in ``xuncha overdue``, red once its term has passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from xuncha.model.findings import Finding, Row, at
from xuncha.model.index import Folder, Index
from xuncha.rules import scoring
from xuncha.rules.deadlines import Obligation, Schedule, judge, light_of, schedule
from xuncha.rules.rubrics import Grade, Setting, builtin
from xuncha.rules.ruledata import RuleSet
from xuncha.rules.workdays import CalendarGap, shift

RULE = "follow-up"
CATEGORY = "结果运用"
DONE_BY = {
    "持续督促": frozenset({"督办函", "约谈", "抽查", "回头看"}),
    "约谈": frozenset({"约谈"}),
    "纪检监察建议": frozenset({"纪检监察建议"}),
    "问责建议": frozenset({"问责建议"}),
}
DEFAULT_WINDOW = 7


def setting(rules: RuleSet, default_profile: object) -> Setting:
    """The built-in rubrics with the rule data a command loaded, and the repository's default profile."""
    default = None if default_profile is None else str(default_profile)
    return Setting(builtin(), rules.profiles, rules.calendar, default)


def scheduled(index: Index, setting: Setting, as_of: date, window: int | None = None) -> Schedule:
    """The deadline engine's schedule plus the follow-up obligations of the assessed units: what
    ``xuncha overdue`` lists, the site shows and the rollup exports."""
    return merged([round_part(index, setting, as_of, window)])


@dataclass(frozen=True)
class RoundPart:
    """The share of :func:`scheduled` of the rounds of an index: what one round's share reads is
    that round's folder, the units and the rules, so a round whose records did not change keeps it
    from one run to the next (:mod:`xuncha.rounds`)."""

    base: Schedule  # the deadline engine's
    follow_ups: tuple[Obligation, ...]
    findings: tuple[Finding, ...]  # of the follow-ups

    def as_row(self) -> PartRow:
        """Plain data for ``marshal``."""
        closed = tuple((*key, day.toordinal()) for key, day in self.base.closed.items())
        obligations = tuple(o.as_row() for o in self.base.obligations)
        follow_ups = tuple(o.as_row() for o in self.follow_ups)
        return obligations, _rows(self.base.findings), closed, follow_ups, _rows(self.findings)

    @classmethod
    def from_row(cls, row: PartRow) -> RoundPart:
        obligations, findings, closed, follow_ups, follow_up_findings = row
        base = Schedule(
            tuple(map(Obligation.from_row, obligations)),
            tuple(map(Finding.from_row, findings)),
            {(r, u): date.fromordinal(day) for r, u, day in closed},
        )
        extra = tuple(map(Obligation.from_row, follow_ups))
        return cls(base, extra, tuple(map(Finding.from_row, follow_up_findings)))


PartRow = tuple[Any, ...]


def _rows(findings: Iterable[Finding]) -> tuple[Row, ...]:
    return tuple(f.as_row() for f in findings)


def round_part(index: Index, setting: Setting, as_of: date, window: int | None) -> RoundPart:
    """The deadlines and follow-ups of the rounds of ``index``."""
    base = schedule(index, setting.profiles, setting.default_profile, setting.calendar, as_of, window=window)
    extra, findings = obligations(index, setting, as_of, window)
    return RoundPart(base, tuple(extra), tuple(findings))


def round_parts(index: Index, setting: Setting, as_of: date, window: int | None) -> dict[str, RoundPart]:
    """Each round's :class:`RoundPart` of a batch's index."""
    return {r: round_part(index.of_round(r), setting, as_of, window) for r in index.rounds}


def merged(parts: Sequence[RoundPart]) -> Schedule:
    """The rounds' parts (in round order) as one schedule: every round's deadlines, then every
    round's follow-ups, as the engine gives them for an index of all those rounds."""
    return Schedule(
        (*(o for p in parts for o in p.base.obligations), *(o for p in parts for o in p.follow_ups)),
        (*(f for p in parts for f in p.base.findings), *(f for p in parts for f in p.findings)),
        {key: day for p in parts for key, day in p.base.closed.items()},
    )


def obligations(
    index: Index, setting: Setting, as_of: date, window: int | None = None
) -> tuple[list[Obligation], list[Finding]]:
    """Every assessed unit's follow-up obligation (none for a grade that stops tracking)."""
    found: list[Obligation] = []
    findings: list[Finding] = []
    for (round_id, day), units in sorted(_assessed(index, as_of).items()):
        for sheet in scoring.score_round(index, setting, round_id, date.fromisoformat(day), units):
            folder = index.folders[(round_id, sheet.unit)]
            if sheet.grade.follow_up is None:
                continue
            try:
                found.append(_obligation(index, setting, folder, sheet, as_of, window))
            except CalendarGap as gap:
                file = folder.records["assessment"].file
                findings.append(at(file, "XC610", f"{gap}：评估结果运用", gap.hint, path=("date",)))
    return found, findings


def _assessed(index: Index, as_of: date) -> dict[tuple[str, str], list[str]]:
    """Units with an assessment dated by ``as_of``, by round and assessment date (scored together);
    none in a round whose round record has errors (left out whole, as the deadlines leave it)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for (round_id, unit_id), folder in index.folders.items():
        record = folder.records.get("assessment")
        if record is None or round_id not in index.rounds:
            continue
        if str(record.data.get("date")) <= as_of.isoformat():
            groups.setdefault((round_id, str(record.data["date"])), []).append(unit_id)
    return groups


def _obligation(
    index: Index, setting: Setting, folder: Folder, sheet: scoring.Sheet, as_of: date, window: int | None
) -> Obligation:
    grade: Grade = sheet.grade
    assert grade.follow_up is not None
    start = date.fromisoformat(sheet.as_of)
    due = shift(setting.calendar, start, grade.follow_up.within)
    done = _done(folder, grade.follow_up.kind, start, as_of)
    state, days = judge(due, done, as_of, _window(index, setting, folder.round, window))
    unit = index.units.get(folder.unit)
    supervisors = "、".join(unit.data.get("supervisors", [])) if unit else ""
    return Obligation(
        round=folder.round,
        unit=folder.unit,
        rule=RULE,
        title=f"评估结果运用：{grade.follow_up.kind}（{grade.name}，{scoring.fmt(sheet.total)}分）",
        category=CATEGORY,
        problem=None,
        item=None,
        start=start,
        due=due,
        original_due=None,
        extension=None,
        done=done,
        state=state,
        days=days,
        light=light_of(state),
        recipients=("监督单位",),
        addressees=(supervisors or "巡察办",),
        file=f"rounds/{folder.round}/{folder.unit}/supervision.yaml",
        citation=grade.action,
    )


def _done(folder: Folder, kind: str, start: date, as_of: date) -> date | None:
    """The first supervision record that carries the action out, from the assessment's date on."""
    days = sorted(_dates(folder, DONE_BY[kind], start.isoformat(), as_of.isoformat()))
    return date.fromisoformat(days[0]) if days else None


def _dates(folder: Folder, kinds: frozenset[str], first: str, last: str) -> Iterator[str]:
    for _, _, action in folder.items("supervision", "actions"):
        day = str(action.get("date"))
        if action.get("kind") in kinds and first <= day <= last:
            yield day


def _window(index: Index, setting: Setting, round_id: str, window: int | None) -> int:
    """The yellow window: as given, else the round's profile's, else a week."""
    if window is not None:
        return window
    name = index.rounds[round_id].data.get("profile", setting.default_profile)
    profile = setting.profiles.get(str(name))
    return profile.yellow_days if profile is not None else DEFAULT_WINDOW
