"""Attach what the deadline engine and the scorer compute to the internal site's model.

Those modules own the rules; this adapter only turns their results into what
pages print: a leaf's deadline and light, a unit's obligations
(:class:`~.model.DueRow`), its score sheet (:class:`~.model.ScoreRow`) and rank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date

from xuncha.model.index import Index
from xuncha.model.merges import Merge
from xuncha.render.md import BLUE, GREEN, GREY, RED, YELLOW, Light
from xuncha.render.model import DueRow, LeafView, ScoreRow, SiteModel, UnitView
from xuncha.render.progress import is_completed
from xuncha.rules import deadlines, follow_up, scoring
from xuncha.rules.deadlines import Obligation, State
from xuncha.rules.rubrics import SUPERVISORS, Setting
from xuncha.rules.supervisor_scoring import score_supervisors
from xuncha.rules.workdays import CalendarGap

FACTS_SHOWN = 5
_LIGHTS = {State.OVERDUE: RED, State.DUE_SOON: YELLOW, State.OPEN: GREEN, State.ON_TIME: BLUE}


def enrich(
    index: Index,
    setting: Setting,
    as_of: str,
    merges: Sequence[Merge] | None = None,
    schedule: deadlines.Schedule | None = None,
) -> Callable[[SiteModel], None]:
    """Compute obligations, follow-ups included, once for all rounds (unless the caller has: the
    export lists them too), then fill each unit of a model with its share, and each round with its
    supervising bodies' scores (``merges``: the git history, None without one). The schedule's
    findings are ``xuncha overdue``'s to show."""
    day = date.fromisoformat(as_of)
    if schedule is None:
        schedule = follow_up.scheduled(index, setting, day)

    def attach(model: SiteModel) -> None:
        by_unit: dict[tuple[str, str | None], list[Obligation]] = {}
        for o in schedule.obligations:
            by_unit.setdefault((o.round, o.unit), []).append(o)
        for round_view in model.rounds:
            round_view.dues = [due_row(o) for o in by_unit.get((round_view.id, None), [])]
            for view in round_view.units:
                found = by_unit.get((view.round_id, view.unit_id), [])
                closed = schedule.closed.get((view.round_id, view.unit_id))
                _attach_unit(view, found, index, setting, day, closed)
            _rank(round_view.units)
            round_view.supervisors = _supervisors(index, setting, round_view.id, day, merges)

    return attach


def _supervisors(
    index: Index, setting: Setting, round_id: str, day: date, merges: Sequence[Merge] | None
) -> list[tuple[int, str, ScoreRow]]:
    """The round's supervising bodies ranked by the supervisor rubric (none when none ships)."""
    rubric = next((r for r in setting.rubrics.rubrics.values() if SUPERVISORS in r.applies_to), None)
    if rubric is None:
        return []
    try:
        sheets = score_supervisors(index, setting, rubric, round_id, day, merges)
    except CalendarGap:  # `xuncha score --supervisors` names the missing year
        return []
    return [(row.rank, row.sheet.unit, score_row(row.sheet)) for row in scoring.ranking(sheets)]


def light_of(o: Obligation) -> Light:
    """The page's light for an obligation; done late is grey with its own word."""
    return _LIGHTS.get(o.state, Light(GREY.colour, o.state.label))


def signed_days(o: Obligation) -> int:
    """Days left (positive) or overdue (negative), the model's convention."""
    return -o.days if o.state in (State.OVERDUE, State.LATE) else o.days


def due_row(o: Obligation) -> DueRow:
    what = o.title + (f"（{o.item}）" if o.item else "")
    done = o.done.isoformat() if o.done else None
    return DueRow(what, o.due.isoformat(), light_of(o), signed_days(o), done)


def _attach_unit(
    view: UnitView, found: list[Obligation], index: Index, setting: Setting, day: date, closed: date | None
) -> None:
    """A closed unit keeps its score (read from its whole record) but shows no lights or dues:
    it has left the daily tracking."""
    view.closed = closed.isoformat() if closed else None
    if closed is None:
        problems = {o.problem: o for o in found if o.rule == deadlines.PROBLEM and o.problem}
        view.leaves = [_with_deadline(leaf, problems.get(leaf.node.id)) for leaf in view.leaves]
        view.dues = [due_row(o) for o in found if o.rule != deadlines.PROBLEM]
    sheet = scoring.score_unit(index, setting, view.round_id, view.unit_id, day, tuple(found))
    view.score = score_row(sheet) if sheet is not None else None
    view.sheet = sheet


def _with_deadline(leaf: LeafView, o: Obligation | None) -> LeafView:
    if o is None:
        return leaf
    light = BLUE if is_completed(leaf.state) else light_of(o)
    return replace(leaf, deadline=o.due.isoformat(), light=light, days=signed_days(o))


def score_row(sheet: scoring.Sheet) -> ScoreRow:
    """The sheet as rows: each item's score out of its maximum, and the lines that explain it."""
    lines = tuple(
        (
            f"{item.item.id} {item.item.title}",
            f"{scoring.number(item.score):g} / {scoring.number(item.item.max):g}",
            _why(item.lines),
        )
        for group in sheet.groups
        for item in group.items
    )
    return ScoreRow(scoring.number(sheet.total), sheet.grade.name, lines, sheet.grade.action, sheet.notes)


def _why(lines: Iterable[scoring.Line]) -> str:
    out = []
    for line in lines:
        facts = [f.text for f in line.facts]
        shown = "、".join(facts[:FACTS_SHOWN]) + (f"等{len(facts)}项" if len(facts) > FACTS_SHOWN else "")
        head = f"{line.source}：{line.text or line.reason}（{scoring.number(line.points):g}分）"
        out.append(
            head
            + (f"：{shown}" if shown else "")
            + (f"；理由：{line.reason}" if line.reason and line.text else "")
        )
    return "；".join(out)


def _rank(units: list[UnitView]) -> None:
    sheets = [u.sheet for u in units if u.sheet is not None]
    ranks = {(r.sheet.round, r.sheet.unit): r.rank for r in scoring.ranking(sheets)}
    for view in units:
        view.rank = ranks.get((view.round_id, view.unit_id))
