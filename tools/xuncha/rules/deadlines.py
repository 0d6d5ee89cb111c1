"""The deadline engine (pure): every obligation of every round, its due date, state and light.

Obligations come from the round's profile (its own ``profile:`` or the
jurisdiction's default) and from the plan: one per problem with a deadline,
measured against the latest extension approved by ``as_of`` (the original
deadline and the extension stay on the obligation). Nothing dated after
``as_of`` counts: a report filed tomorrow is not done today.

A unit whose rectification was accepted as finished (``closure`` in round.yaml)
is judged as of its acceptance day: what it did or missed before stays on the
record (scores read it), nothing falls due after it, and it leaves the daily
overdue list and its lights (:attr:`Schedule.daily`).

Day counts are calendar days: ``days`` is how late (逾期完成), how overdue
(已逾期), how many days are left (未到期 / 即将到期), or how early (按时完成).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from xuncha.model.findings import Finding, at
from xuncha.model.index import Folder, Index, Record
from xuncha.model.lifecycle import DONE
from xuncha.rules.profiles import Event, Light, Profile, Rule
from xuncha.rules.workdays import (
    CalendarGap,
    WorkCalendar,
    next_quarter,
    quarter_bounds,
    quarter_label,
    quarter_of,
    shift,
)

DONE_STATES = DONE  # the states that end a problem's rectification
People = tuple[str, str, str]  # as the plan entry names them, in PLAN_ROLES order
PLAN_ROLES = {"责任人": 0, "牵头领导": 1, "牵头部门": 2}
PROBLEM = "problem"
TITLE_CHARS = 24


class State(StrEnum):
    """Where an obligation stands on ``as_of``; ``label`` is what people read."""

    ON_TIME = "on_time"
    LATE = "late"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def severity(self) -> int:
        """Worst first: overdue, due soon, done late, open, done on time."""
        return _SEVERITY[self]


_STATE_LABELS = {
    State.ON_TIME: "按时完成",
    State.LATE: "逾期完成",
    State.OPEN: "未到期",
    State.DUE_SOON: "即将到期",
    State.OVERDUE: "已逾期",
}
_SEVERITY = {State.OVERDUE: 4, State.DUE_SOON: 3, State.LATE: 2, State.OPEN: 1, State.ON_TIME: 0}
_LIGHTS = {State.OVERDUE: Light.RED, State.DUE_SOON: Light.YELLOW}
# Plain module names for the members: attribute access on an enum class is a descriptor call,
# and these are read once or twice per obligation.
ON_TIME, LATE, OPEN, DUE_SOON, OVERDUE = State
GREEN = Light.GREEN


@dataclass(frozen=True)
class Obligation:
    """One thing due by one date: a submission, a procedure, a clue's handling or a problem."""

    round: str
    unit: str | None  # None: a round-level procedure (e.g. the standing committee hearing)
    rule: str  # the profile rule's id, or "problem"
    title: str
    category: str  # 报送 / 程序 / 线索 / 整改
    problem: str | None  # the leaf problem id for rule "problem"
    item: str | None  # a clue or petition id and/or a quarter, e.g. "C01 2025Q3"
    start: date
    due: date
    original_due: date | None  # the plan's deadline when an extension moved it
    extension: str | None  # the extension record id (E1 …) in force
    done: date | None
    state: State
    days: int
    light: Light
    recipients: tuple[str, ...]  # roles to tell at this light (from the profile)
    addressees: tuple[str, ...]  # who those roles are here, aligned with ``recipients``
    file: str  # the record that satisfies (or should satisfy) it
    citation: str

    @property
    def key(self) -> str:
        """Stable identity across runs, e.g. ``2025-ch-r1/ch-fgw/problem/P03`` (round-level: unit ``-``)."""
        which = self.problem or self.item
        return "/".join((self.round, self.unit or "-", self.rule, *([which] if which else [])))

    def as_row(self) -> ObligationRow:
        """Plain data for ``marshal`` (dates as day numbers, states and lights by value): how a
        round's obligations are kept from one run to the next (:mod:`xuncha.rounds`)."""
        return (
            *(self.round, self.unit, self.rule, self.title, self.category, self.problem, self.item),
            *(self.start.toordinal(), self.due.toordinal(), _day_number(self.original_due)),
            *(self.extension, _day_number(self.done), self.state.value, self.days, self.light.value),
            *(self.recipients, self.addressees, self.file, self.citation),
        )

    @classmethod
    def from_row(cls, row: ObligationRow) -> Obligation:
        round_id, unit, rule, title, category, problem, item, start, due, original, *rest = row
        extension, done, state, days, light, recipients, addressees, file, citation = rest
        return cls(
            round_id, unit, rule, title, category, problem, item,
            date.fromordinal(start), date.fromordinal(due), _day(original), extension, _day(done),
            _STATES[state], days, _LIGHT_OF[light], recipients, addressees, file, citation,
        )  # fmt: skip


ObligationRow = tuple[Any, ...]
_STATES = {state.value: state for state in State}
_LIGHT_OF = {light.value: light for light in Light}


def _day_number(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _day(number: int | None) -> date | None:
    return None if number is None else date.fromordinal(number)


@dataclass(frozen=True)
class Schedule:
    """All obligations, and what kept some from being computed (calendar gaps, unknown profiles)."""

    obligations: tuple[Obligation, ...]
    findings: tuple[Finding, ...]
    closed: Mapping[tuple[str, str], date]  # (round, unit) → the day its rectification was accepted

    @property
    def daily(self) -> tuple[Obligation, ...]:
        """What is still tracked day by day: every obligation but those of closed units."""
        return tuple(o for o in self.obligations if (o.round, o.unit) not in self.closed)


def obligations(
    index: Index,
    profiles: Mapping[str, Profile],
    default_profile: str | None,
    calendar: WorkCalendar,
    as_of: date,
    *,
    window: int | None = None,
) -> list[Obligation]:
    """Every obligation as of ``as_of``; see ``schedule`` for the findings too."""
    return list(schedule(index, profiles, default_profile, calendar, as_of, window=window).obligations)


def schedule(
    index: Index,
    profiles: Mapping[str, Profile],
    default_profile: str | None,
    calendar: WorkCalendar,
    as_of: date,
    *,
    window: int | None = None,
) -> Schedule:
    """Obligations of every round, with findings for what could not be computed.

    ``window`` overrides the profile's yellow window (days before the due date).
    """
    found: list[Obligation] = []
    findings: list[Finding] = []
    closed: dict[tuple[str, str], date] = {}
    for round_id in sorted(index.rounds):
        record = index.rounds[round_id]
        profile = _profile_for(record, profiles, default_profile, findings)
        if profile is not None:
            context = _Round(index, record, profile, calendar, as_of, _window(profile, window), findings)
            found.extend(context.obligations())
            closed.update(context.closed)
    return Schedule(tuple(found), tuple(findings), closed)


def _window(profile: Profile, window: int | None) -> int:
    return profile.yellow_days if window is None else window


def _profile_for(
    record: Record, profiles: Mapping[str, Profile], default: str | None, findings: list[Finding]
) -> Profile | None:
    name = record.data.get("profile", default)
    if name is None:
        findings.append(
            at(
                record.file,
                "XC605",
                "本轮没有指定时限规则，仓库也没有默认规则",
                "在 round.yaml 写 profile:（例如 wujiang），或在 pyproject.toml [tool.xuncha] 写 profile。",
                line=1,
                column=1,
            )
        )
        return None
    if name not in profiles:
        hint = f"可用的时限规则：{'、'.join(sorted(profiles)) or '（无）'}。"
        path = ("profile",) if "profile" in record.data else ()
        findings.append(
            at(record.file, "XC604", f"时限规则 {name} 不存在", hint, path=path, line=0 if path else 1)
        )
        return None
    return profiles[str(name)]


def light_of(state: State) -> Light:
    """Red when overdue, yellow when due soon, green otherwise."""
    return _LIGHTS.get(state, GREEN)


def judge(due: date, done: date | None, as_of: date, window: int) -> tuple[State, int]:
    """State and day count: done on time / late, or open / due within ``window`` days / overdue."""
    if done is not None:
        return (ON_TIME, (due - done).days) if done <= due else (LATE, (done - due).days)
    if as_of > due:
        return OVERDUE, (as_of - due).days
    left = (due - as_of).days
    return (DUE_SOON if left <= window else OPEN), left


class _Round:
    """Builds one round's obligations; keeps the shared inputs in one place."""

    def __init__(
        self,
        index: Index,
        record: Record,
        profile: Profile,
        calendar: WorkCalendar,
        as_of: date,
        window: int,
        findings: list[Finding],
    ) -> None:
        self.index, self.record, self.profile = index, record, profile
        self.calendar, self.as_of, self.window, self.findings = calendar, as_of, window, findings
        self.id = str(record.data["id"])
        self.folder = str(record.place.round)  # its folder's name: the id, unless XC201 says otherwise
        self.kind = str(record.data["kind"])
        self.office = f"{record.data.get('inspecting_body', '')}巡察办"
        self.as_of_text = as_of.isoformat()
        self.known_addressees: dict[tuple[str | None, Light, People | None], tuple[str, ...]] = {}
        self.unit_rules = [rule for rule in profile.rules if not rule.per_round]
        self.closed: dict[tuple[str, str], date] = {}

    def obligations(self) -> Iterator[Obligation]:
        for rule in self.profile.rules:
            if rule.per_round and rule.applies(self.kind, None):
                yield from self._round_rule(rule)
        for i, entry in enumerate(self.record.data.get("units", [])):
            feedback = self.known(entry.get("feedback_date"))
            if feedback is not None:
                unit = _Unit(self, entry, feedback, ("units", i, "feedback_date"))
                if unit.closed is not None:
                    self.closed[(self.id, unit.id)] = unit.closed
                yield from unit.obligations()

    def _round_rule(self, rule: Rule) -> Iterator[Obligation]:
        start = self._event_date(rule)
        if start is None:
            return
        where = ("exit_date",) if rule.event is Event.EXIT else ("proceedings",)
        due = self.due_after(rule, start, self.record.file, where)
        if due is not None:
            done = self.known(rule.done.first_date(self.record.data))
            yield self.make(rule, start, due, done, self.record.file, None)

    def _event_date(self, rule: Rule) -> date | None:
        if rule.event is Event.EXIT:
            return self.known(self.record.data.get("exit_date"))
        held = [
            p["date"] for p in self.record.data.get("proceedings", []) if p.get("kind") == rule.proceeding
        ]
        return self.known(min(held)) if held else None

    def known(self, text: object) -> date | None:
        """A recorded date, unless it lies after ``as_of`` (not known yet on that day).

        Records hold validated ``YYYY-MM-DD`` text, so text order is date order.
        """
        return date.fromisoformat(text) if isinstance(text, str) and text <= self.as_of_text else None

    def due_after(self, rule: Rule, start: date, file: str, where: tuple[str | int, ...]) -> date | None:
        """``rule.offset`` after ``start``; a year without holiday data becomes a finding (XC610)."""
        assert rule.offset is not None
        try:
            return shift(self.calendar, start, rule.offset)
        except CalendarGap as gap:
            message = f"{gap}：{rule.title}（{start} 起 {rule.offset}）"
            self.findings.append(at(file, "XC610", message, gap.hint, path=where))
            return None

    def make(
        self,
        rule: Rule,
        start: date,
        due: date,
        done: date | None,
        file: str,
        unit: _Unit | None,
        item: str | None = None,
    ) -> Obligation:
        """A profile rule's obligation."""
        return self.judged(
            rule.id, rule.title, rule.category, rule.citation, start, due, done, file, unit, item
        )

    def judged(
        self,
        rule: str,
        title: str,
        category: str,
        citation: str,
        start: date,
        due: date,
        done: date | None,
        file: str,
        unit: _Unit | None,
        item: str | None = None,
        *,
        problem: str | None = None,
        original_due: date | None = None,
        extension: str | None = None,
        people: People | None = None,
    ) -> Obligation:
        """The obligation with its state, day count, light and who to tell."""
        state, days = judge(due, done, unit.as_of if unit is not None else self.as_of, self.window)
        light = _LIGHTS.get(state, GREEN)  # inline: called per obligation
        return Obligation(
            round=self.id,
            unit=unit.id if unit is not None else None,
            rule=rule,
            title=title,
            category=category,
            problem=problem,
            item=item,
            start=start,
            due=due,
            original_due=original_due,
            extension=extension,
            done=done,
            state=state,
            days=days,
            light=light,
            recipients=self.profile.recipients[light],
            addressees=self._addressees(light, unit, people),
            file=file,
            citation=citation,
        )

    def _addressees(self, light: Light, unit: _Unit | None, people: People | None) -> tuple[str, ...]:
        """Who the light's roles are: one answer per unit and light, unless the plan names people."""
        key = (unit.id if unit else None, light, people)
        if key not in self.known_addressees:
            roles = self.profile.recipients[light]
            self.known_addressees[key] = tuple([self.addressee(role, unit, people) for role in roles])
        return self.known_addressees[key]

    def addressee(self, role: str, unit: _Unit | None, people: People | None) -> str:
        """Who a role is here: a person the plan names, the unit's record, or the inspection office."""
        named = people[PLAN_ROLES[role]] if people and role in PLAN_ROLES else ""
        if named:
            return f"{named}（{unit.label}）" if unit is not None else named
        if role == "巡察办" or unit is None:
            return self.office
        return unit.people.get(role) or f"{unit.label}{role}"


DataOf = Callable[[str | None], object]


class _Unit:
    """One inspected unit of a round: its folder, type and the people its records name."""

    def __init__(
        self, round_: _Round, entry: dict[str, Any], feedback: date, where: tuple[str | int, ...]
    ) -> None:
        self.round, self.id, self.feedback, self.where = round_, str(entry["unit"]), feedback, where
        self.closed = round_.known((entry.get("closure") or {}).get("accepted"))
        self.as_of = self.closed or round_.as_of  # a closed unit's record stands as on its closing day
        record = round_.index.units.get(self.id)
        data = record.data if record is not None else {}
        self.type = data.get("type")
        self.label = str(data.get("short_name") or data.get("name") or self.id)
        self.folder = round_.index.folders.get((round_.folder, self.id)) or Folder(round_.folder, self.id)
        self.people = {
            "单位党组织书记": str(data.get("party_secretary", "")),
            "监督单位": "、".join(data.get("supervisors", [])),
            "巡察组": str(entry.get("group", "")),
        }

    def obligations(self) -> Iterator[Obligation]:
        """Its obligations; once closed, none that fell due after closing undone."""
        closed = self.closed
        for o in self._all():
            if closed is None or o.done is not None or o.due <= closed:
                yield o

    def _all(self) -> Iterator[Obligation]:
        for rule in self.round.unit_rules:
            if not rule.applies(self.round.kind, self.type):
                continue
            file = self.file_of(rule)
            if rule.event is Event.ITEM:
                yield from self._item_dues(rule, file)
            elif rule.every is not None:
                yield from self._recurring(rule, self.feedback, self.data_of, file, None)
            else:
                yield from self._single(rule, self.feedback, self.data_of, file, None)
        yield from self._problems()

    def data_of(self, kind: str | None) -> object:
        if kind == "round":
            return self.round.record.data
        record = self.folder.records.get(str(kind))
        return record.data if record is not None else {}

    def file_of(self, rule: Rule) -> str:
        kind = rule.each.record if rule.each is not None else rule.done.record
        if kind == "round":
            return self.round.record.file
        record = self.folder.records.get(str(kind))
        return record.file if record is not None else f"rounds/{self.round.folder}/{self.id}/{kind}.yaml"

    def _single(
        self, rule: Rule, start: date, data_of: DataOf, file: str, item: str | None
    ) -> Iterator[Obligation]:
        due = self.round.due_after(rule, start, *self._origin(file, item))
        if due is not None:
            done = self.round.known(rule.done.first_date(data_of(rule.done.record), unit=self.id))
            yield self.round.make(rule, start, due, done, file, self, item)

    def _origin(self, file: str, item: str | None) -> tuple[str, tuple[str | int, ...]]:
        """Where the start date is written (the feedback date, or the item's file), for a gap finding."""
        return (self.round.record.file, self.where) if item is None else (file, ())

    def _item_dues(self, rule: Rule, file: str) -> Iterator[Obligation]:
        """One obligation per selected item (clue, petition), started by the item's own date."""
        assert rule.each is not None and rule.field is not None
        for item in rule.each.select(self.data_of(rule.each.record), unit=self.id):
            start = self.round.known(item.get(rule.field))
            if start is None:
                continue
            name = str(item.get("id", ""))
            data_of = _itself(item)
            if rule.every is not None:
                yield from self._recurring(rule, start, data_of, file, name)
            elif rule.due_field is not None:
                due = _date(item.get(rule.due_field))
                done = self.round.known(rule.done.first_date(item))
                if due is not None:
                    yield self.round.make(rule, start, due, done, file, self, name)
            else:
                yield from self._single(rule, start, data_of, file, name)

    def _recurring(
        self, rule: Rule, start: date, data_of: DataOf, file: str, name: str | None
    ) -> Iterator[Obligation]:
        """One obligation per quarter, from the start's quarter (or the next) while the duty runs."""
        assert rule.every is not None
        until_at = rule.every.until
        until = self.round.known(until_at.first_date(data_of(until_at.record))) if until_at else None
        year, quarter = quarter_of(start)
        if rule.every.next_quarter:
            year, quarter = next_quarter(year, quarter)
        first, last = quarter_bounds(year, quarter)
        while first <= self.as_of and (until is None or last <= until):
            label = quarter_label(year, quarter)
            due = self.round.due_after(rule, last, *self._origin(file, name))
            if due is not None:
                done = self.round.known(
                    rule.done.first_date(data_of(rule.done.record), quarter=label, unit=self.id)
                )
                item = f"{name} {label}" if name else label
                yield self.round.make(rule, max(start, first), due, done, file, self, item)
            year, quarter = next_quarter(year, quarter)
            first, last = quarter_bounds(year, quarter)

    def _problems(self) -> Iterator[Obligation]:
        """One obligation per plan entry with a deadline, moved by the extension in force."""
        plan = self.folder.records.get("plan")
        if plan is None:
            return
        extensions = self._extensions()
        profile = self.round.profile
        for entry in plan.data.get("entries", []):
            original = _date(entry.get("deadline"))
            if original is None:
                continue
            leaf = str(entry["problem"])
            extension = extensions.get(leaf)
            status = self.folder.statuses.get(leaf)
            node = self.folder.nodes.get(leaf)
            yield self.round.judged(
                PROBLEM,
                f"{profile.problem_title} {leaf} {_short(node.wording if node else '')}".rstrip(),
                "整改",
                profile.problem_citation,
                self.feedback,
                extension[1] if extension else original,
                self._completed(status),
                status.file if status else f"rounds/{self.round.folder}/{self.id}/status/{leaf}.yaml",
                self,
                problem=leaf,
                original_due=original if extension else None,
                extension=extension[0] if extension else None,
                people=_plan_people(entry),
            )

    def _extensions(self) -> dict[str, tuple[str, date]]:
        """Per problem, the extension in force (id, new deadline): the latest approved by ``as_of``."""
        latest: dict[str, tuple[str, str, date]] = {}
        for _record, _i, item in self.folder.items("extensions", "extensions"):
            approved, new = self.round.known(item.get("approved")), _date(item.get("new_deadline"))
            if approved is None or new is None:
                continue
            current = latest.get(item["problem"])
            if current is None or item["approved"] >= current[1]:
                latest[item["problem"]] = (str(item["id"]), item["approved"], new)
        return {problem: (ext_id, new) for problem, (ext_id, _approved, new) in latest.items()}

    def _completed(self, status: Record | None) -> date | None:
        """When the problem became done for good: the start of the final run of 已完成/已销号 by ``as_of``."""
        if status is None:
            return None
        done = None
        for entry in status.data.get("log", []):
            if entry["date"] > self.round.as_of_text:
                break
            if entry["state"] not in DONE_STATES:
                done = None
            elif done is None:
                done = entry["date"]
        return _date(done)


def _itself(item: object) -> DataOf:
    """Item rules read their dates from the item, whatever record the selector names."""
    return lambda _kind: item


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS] + "…"


def _plan_people(entry: dict[str, Any]) -> People:
    """(责任人, 牵头领导, 牵头部门) as the plan entry names them (the department if no person)."""
    department = str(entry.get("lead_department") or "")
    return (
        str(entry.get("responsible_person") or department),
        str(entry.get("lead_leader") or ""),
        department,
    )


def _date(text: object) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) else None


def late_submissions(found: list[Obligation]) -> list[Obligation]:
    """Facts for the scorer: each submission (category 报送) made late or still missing past its due date.

    Each one is one "报送不及时" (Wujiang annex 5 item 11, annex 6 item 8): ``done`` is the
    submission date (None: not submitted yet), ``days`` how many calendar days late,
    ``file`` the record to check.
    """
    return [o for o in found if o.category == "报送" and o.state in (LATE, OVERDUE)]


def overdue_problems(found: list[Obligation]) -> list[Obligation]:
    """Facts for the scorer: problems past their (extended) deadline and not completed."""
    return [o for o in found if o.rule == PROBLEM and o.state is OVERDUE]


def worst_first(found: list[Obligation]) -> list[Obligation]:
    """Most urgent first: by state severity, then the most overdue / fewest days left."""
    return sorted(found, key=_urgency)


def _urgency(o: Obligation) -> tuple[int, int, date, str, str, str, str]:
    lateness = -o.days if o.state is OVERDUE or o.state is LATE else o.days
    return (-_SEVERITY[o.state], lateness, o.due, o.round, o.unit or "", o.rule, o.problem or o.item or "")
