"""The scorer (pure): rubric + metrics + the assessor's judgements → a score sheet.

Every item starts at its maximum. Automatic rules deduct from the metrics (with the
facts behind them), the assessor's deductions are added with their reasons (together
never more than the item's maximum), formula items are computed, and the item score
is clamped to [0, maximum]. Totals are exact fractions, rounded half up to two
decimals once, at the end; the grade is read from that rounded total.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from xuncha.model.index import Folder, Index, Json, Record
from xuncha.rules import deadlines, metrics
from xuncha.rules.deadlines import Obligation
from xuncha.rules.metrics import Fact, Metric
from xuncha.rules.rubrics import Effect, Grade, Group, Item, Rubric, Rule, Setting

ZERO = Fraction(0)
AUTO, MANUAL, FORMULA = "自动", "酌情", "公式"
TOLERANCE = Fraction(1, 200)  # a stated total may differ from the computed one by rounding only


@dataclass(frozen=True)
class Deduction:
    """The assessor's deduction: item, optional rule, points, reason, evidence titles."""

    item: str
    rule: str | None
    points: Fraction
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """The judgements of ``assessment.yaml`` the scorer reads (commendations and grades come as metrics)."""

    file: str
    rubric: str | None
    assessor: str
    date: str
    deductions: tuple[Deduction, ...] = ()
    satisfaction: Fraction | None = None
    overall: Fraction | None = None
    total: Fraction | None = None

    @classmethod
    def of(cls, record: Record) -> Assessment:
        data = record.data
        return cls(
            file=record.file,
            rubric=data.get("rubric"),
            assessor=str(data.get("assessor", "")),
            date=str(data.get("date", "")),
            deductions=tuple(_deduction(d) for d in data.get("deductions", [])),
            satisfaction=_maybe(data.get("satisfaction")),
            overall=_maybe(data.get("overall_points")),
            total=_maybe(data.get("total")),
        )


def _deduction(data: Json) -> Deduction:
    evidence = tuple(str(e.get("title")) for e in data.get("evidence", []))
    return Deduction(
        str(data["item"]), data.get("rule"), Fraction(str(data["points"])), str(data["reason"]), evidence
    )


def _maybe(value: object) -> Fraction | None:
    return None if value is None else Fraction(str(value))


@dataclass(frozen=True)
class Line:
    """One line under an item: a deduction (or, in a bonus item, an award) and why."""

    rule: str  # rule id; "" for a formula line or a manual deduction naming no rule
    text: str  # the rule's verbatim text, or what the formula computed
    points: Fraction
    source: str  # 自动 / 酌情 / 公式
    facts: tuple[Fact, ...] = ()
    reason: str = ""
    evidence: tuple[str, ...] = ()
    note: str = ""
    zero: bool = False  # the rule says 此项不得分


@dataclass(frozen=True)
class ItemScore:
    item: Item
    lines: tuple[Line, ...]
    score: Fraction
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupScore:
    group: Group
    items: tuple[ItemScore, ...]

    @property
    def subtotal(self) -> Fraction:
        return sum((i.score for i in self.items), ZERO)


@dataclass(frozen=True)
class Sheet:
    """A unit's score sheet: every item with its lines, subtotals, bonus, total, grade and notes."""

    rubric: Rubric
    round: str
    unit: str
    unit_name: str
    as_of: str
    groups: tuple[GroupScore, ...]
    total: Fraction  # rounded half up to two decimals
    grade: Grade
    rate: Fraction
    assessment: Assessment | None
    notes: tuple[str, ...]

    @property
    def base(self) -> Fraction:
        return sum((g.subtotal for g in self.groups if not g.group.bonus), ZERO)

    @property
    def bonus(self) -> Fraction:
        return sum((g.subtotal for g in self.groups if g.group.bonus), ZERO)

    def as_json(self) -> dict[str, Any]:
        """The machine form of ``xuncha score --format json``."""
        return {
            "round": self.round,
            "unit": self.unit,
            "unit_name": self.unit_name,
            "rubric": self.rubric.id,
            "as_of": self.as_of,
            "assessment": _assessment_json(self.assessment),
            "groups": [_group_json(g) for g in self.groups],
            "base": number(self.base),
            "bonus": number(self.bonus),
            "total": number(self.total),
            "grade": self.grade.name,
            "action": self.grade.action,
            "rectification_rate": number(self.rate, 4),
            "notes": list(self.notes),
        }


def number(value: Fraction, places: int = 2) -> float:
    """A fraction as the rounded decimal people read (half up, as on paper)."""
    return float(_decimal(value, places))


def rounded(value: Fraction, places: int = 2) -> Fraction:
    return Fraction(_decimal(value, places))


def _decimal(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _assessment_json(a: Assessment | None) -> dict[str, Any] | None:
    if a is None:
        return None
    stated = None if a.total is None else number(a.total)
    return {"file": a.file, "assessor": a.assessor, "date": a.date, "stated_total": stated}


def _group_json(g: GroupScore) -> dict[str, Any]:
    group = g.group
    return {
        "id": group.id,
        "title": group.title,
        "points": number(group.points),
        "printed_points": number(group.printed),
        "bonus": group.bonus,
        "subtotal": number(g.subtotal),
        "items": [_item_json(i) for i in g.items],
    }


def _item_json(i: ItemScore) -> dict[str, Any]:
    return {
        "id": i.item.id,
        "title": i.item.title,
        "max": number(i.item.max),
        "score": number(i.score),
        "notes": list(i.notes),
        "lines": [
            {
                "rule": line.rule,
                "text": line.text,
                "points": number(line.points),
                "source": line.source,
                "zero": line.zero,
                "reason": line.reason,
                "evidence": list(line.evidence),
                "note": line.note,
                "facts": [{"ref": f.ref, "file": f.file, "text": f.text} for f in line.facts],
            }
            for line in i.lines
        ],
    }


# ---------------------------------------------------------------------------- the pure scorer


def needed_metrics(rubric: Rubric) -> list[str]:
    """The metrics a rubric reads (plus the rate every sheet shows)."""
    names = [m for item in rubric.items() for rule in item.rules for m in rule.metrics]
    formulas = {"task_grades": "tasks", "commendations": "commendations", "satisfaction": "surveys"}
    names += [formulas[i.formula.kind] for i in rubric.items() if i.formula and i.formula.kind in formulas]
    return [*dict.fromkeys(names), "rectification_rate"]


def score_items(
    rubric: Rubric, found: Mapping[str, Metric], assessment: Assessment | None
) -> tuple[GroupScore, ...]:
    """Every item of the rubric scored from the metrics and the assessor's judgements."""
    manual = assessment.deductions if assessment else ()
    return tuple(
        GroupScore(group, tuple(score_item(item, found, assessment, manual) for item in group.items))
        for group in rubric.groups
    )


def score_item(
    item: Item, found: Mapping[str, Metric], assessment: Assessment | None, manual: Iterable[Deduction]
) -> ItemScore:
    """One item: a formula, or its automatic lines plus the assessor's lines for it, settled."""
    if item.formula is not None:
        return _formula(item, found, assessment)
    lines = [line for rule in item.rules if rule.automatic for line in _auto(item, rule, found)]
    mine = [d for d in manual if d.item == item.id]
    manual_lines, notes = _manual(item, mine)
    lines += manual_lines
    return _settle(item, lines, notes)


def _auto(item: Item, rule: Rule, found: Mapping[str, Metric]) -> Iterator[Line]:
    """The line an automatic rule contributes, if it applies."""
    used = [found[name] for name in rule.metrics]
    count = sum((m.value for m in used), ZERO)
    note = ""
    if rule.minimum is not None:
        note = f"应不少于{rule.minimum}次，实有{fmt(count)}次"
        count = max(ZERO, rule.minimum - count)
    if count <= 0:
        return
    facts = tuple(f for m in used for f in m.facts)
    if rule.effect is Effect.ZERO:
        yield Line(rule.id, rule.text, item.max, AUTO, facts, note=note, zero=True)
        return
    assert rule.points is not None  # the loader requires points for once / per occurrence
    points = rule.points if rule.effect is Effect.ONCE else rule.points * count
    if rule.effect is Effect.PER_OCCURRENCE:
        note = "；".join(filter(None, [note, f"{fmt(count)}例×{fmt(rule.points)}分"]))
    if rule.cap is not None and points > rule.cap:
        points, note = rule.cap, f"{note}；本条最多扣{fmt(rule.cap)}分"
    yield Line(rule.id, rule.text, points, AUTO, facts, note=note)


def _manual(item: Item, mine: list[Deduction]) -> tuple[list[Line], list[str]]:
    """The assessor's lines; one entry never above its rule's fixed points, all never above the maximum."""
    lines = []
    for d in mine:
        rule = item.rule(d.rule) if d.rule else None
        points, note = d.points, ""
        limit = rule.limit if rule else None
        if limit is not None and points > limit:
            points, note = limit, f"填写{fmt(d.points)}分，本条规定扣{fmt(limit)}分，按{fmt(limit)}分计"
        zero = rule is not None and rule.effect is Effect.ZERO
        text = rule.text if rule else "评估人酌情扣分"
        lines.append(
            Line(
                d.rule or "", text, points, MANUAL, reason=d.reason, evidence=d.evidence, note=note, zero=zero
            )
        )
    total = sum((line.points for line in lines), ZERO)
    if total > item.max:
        return lines, [f"酌情扣分合计{fmt(total)}分，超过本项分值，按{fmt(item.max)}分计"]
    return lines, []


def _settle(item: Item, lines: list[Line], notes: list[str]) -> ItemScore:
    """Item score = maximum − deductions (酌情 capped at the maximum), clamped to [0, maximum]."""
    if not lines:
        return ItemScore(item, (), item.max, tuple(notes))
    if any(line.zero for line in lines):
        return ItemScore(item, tuple(lines), ZERO, tuple(notes))
    other = sum((line.points for line in lines if line.source != MANUAL), ZERO)
    manual = min(item.max, sum((line.points for line in lines if line.source == MANUAL), ZERO))
    score = item.max - other - manual
    if score < 0:
        notes = [*notes, f"扣分合计{fmt(other + manual)}分，超过本项分值{fmt(item.max)}分，本项记0分"]
    return ItemScore(item, tuple(lines), min(item.max, max(ZERO, score)), tuple(notes))


def _formula(item: Item, found: Mapping[str, Metric], assessment: Assessment | None) -> ItemScore:
    assert item.formula is not None
    kind = item.formula.kind
    if kind == "task_grades":
        return _task_grades(item, found["tasks"])
    if kind == "commendations":
        return _commendations(item, found["commendations"])
    if kind == "satisfaction" and found["surveys"].facts:
        return _surveyed(item, found["surveys"], assessment)
    value = (
        None
        if assessment is None
        else (assessment.satisfaction if kind == "satisfaction" else assessment.overall)
    )
    return _assessed(item, kind, value)


def _task_grades(item: Item, tasks: Metric) -> ItemScore:
    """Seed 001 item 7: each task is worth max/N, times its grade's factor; an ungraded task scores 0."""
    assert item.formula is not None
    if not tasks.facts:
        return ItemScore(item, (), ZERO, ("问题清单中没有整改任务（末级问题），本项无法评分，记0分",))
    share = item.max / len(tasks.facts)
    lines = []
    for fact in tasks.facts:
        factor = item.formula.table.get(fact.tag, ZERO)
        if factor < 1:
            text = f"{fact.ref} {fact.text}：得该任务分数{fmt(factor * 100)}%"
            lines.append(Line("", text, share * (1 - factor), FORMULA, (fact,)))
    note = f"每项任务 {fmt(item.max)}分÷{len(tasks.facts)}项 = {fmt(share)}分"
    return _settle(item, lines, [note])


def _commendations(item: Item, found: Metric) -> ItemScore:
    """Bonus: points per level, each commendation once at its highest level, capped at the maximum."""
    assert item.formula is not None
    lines = [
        Line("", f"{fact.tag}表彰或推广", item.formula.table.get(fact.tag, ZERO), FORMULA, (fact,))
        for fact in found.facts
    ]
    total = sum((line.points for line in lines), ZERO)
    notes = (f"加分合计{fmt(total)}分，最高不超过{fmt(item.max)}分",) if total > item.max else ()
    return ItemScore(item, tuple(lines), min(total, item.max), notes)


def _surveyed(item: Item, surveys: Metric, assessment: Assessment | None) -> ItemScore:
    """Satisfaction from the surveys on record (participation.yaml): the votes of all surveys pooled,
    each answer weighted as the rubric's table says, × the item's maximum."""
    assert item.formula is not None
    weights = item.formula.table
    votes = sum(f.count for f in surveys.facts)
    if votes == 0:
        return ItemScore(
            item, (Line("", "测评没有有效票，本项记0分", item.max, FORMULA, surveys.facts),), ZERO
        )
    weighted = sum((weights.get(f.tag, ZERO) * f.count for f in surveys.facts), ZERO)
    rate = weighted / votes
    counted = "、".join(f"{answer}×{fmt(w)}" for answer, w in weights.items())
    text = f"满意度 {fmt(rate * 100)}%（{counted}：{fmt(weighted)}÷有效票{votes}张）× {fmt(item.max)}分"
    got = rate * item.max
    notes = []
    typed = assessment.satisfaction if assessment else None
    if typed is not None and typed != rounded(rate, 4):
        notes.append(
            f"评估记录填写的满意度 {fmt(typed * 100)}% 未采用：以测评记录（participation.yaml）计算为准"
        )
    line = Line("", text, item.max - got, FORMULA, surveys.facts)
    return ItemScore(item, (line,), got, tuple(notes))


def _assessed(item: Item, kind: str, value: Fraction | None) -> ItemScore:
    """Item 15 (satisfaction × maximum) and item 16 (the assessors' points, at most the maximum)."""
    field = "satisfaction" if kind == "satisfaction" else "overall_points"
    if value is None:
        line = Line("", f"评估记录未填写 {field}，本项记0分", item.max, FORMULA)
        return ItemScore(item, (line,), ZERO)
    got = value * item.max if kind == "satisfaction" else min(value, item.max)
    text = (
        f"满意度 {fmt(value * 100)}% × {fmt(item.max)}分"
        if kind == "satisfaction"
        else f"评估组打分 {fmt(value)}分"
    )
    notes: tuple[str, ...] = ()
    if kind == "satisfaction":
        notes = ("满意度由评估人填写，没有测评记录（participation.yaml 的 surveys）",)
    elif value > item.max:
        notes = (f"评估组打分{fmt(value)}分，超过本项分值，按{fmt(item.max)}分计",)
    lines = (Line("", text, item.max - got, FORMULA),) if got < item.max else ()
    return ItemScore(item, lines, got, notes)


def fmt(value: Fraction) -> str:
    """Up to two decimals, no trailing zeros: 4, 4.8, 13.33."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(_decimal(value, 2)).rstrip("0").rstrip(".")


def sheet(
    rubric: Rubric,
    found: Mapping[str, Metric],
    assessment: Assessment | None,
    *,
    round_id: str,
    unit_id: str,
    unit_name: str,
    as_of: str,
    notes: Iterable[str] = (),
) -> Sheet:
    """The whole score sheet; ``notes`` are the caller's (e.g. deadlines that could not be computed)."""
    groups = score_items(rubric, found, assessment)
    total = rounded(sum((g.subtotal for g in groups), ZERO))
    judged = any(item.formula or any(not r.automatic for r in item.rules) for item in rubric.items())
    extra = (
        ["没有评估记录（assessment.yaml）：只计自动扣分，酌情扣分、加分、满意度等未计入"]
        if judged and not assessment
        else []
    )
    if assessment and assessment.date != as_of:
        extra.append(f"评估日期为 {assessment.date}，本表按 {as_of} 的记录计算")
    return Sheet(
        rubric=rubric,
        round=round_id,
        unit=unit_id,
        unit_name=unit_name,
        as_of=as_of,
        groups=groups,
        total=total,
        grade=rubric.grade(total),
        rate=found["rectification_rate"].value,
        assessment=assessment,
        notes=(*rubric.sheet_notes, *extra, *notes),
    )


def stated_total_matches(stated: Fraction, computed: Fraction) -> bool:
    """A stated total agrees when it differs from the computed one by rounding only."""
    return abs(stated - computed) <= TOLERANCE


# ---------------------------------------------------------------------------- from the index


def round_units(index: Index, round_id: str) -> list[str]:
    """The units a round lists, then any other unit that has a folder in it."""
    record = index.rounds.get(round_id)
    listed = [str(u.get("unit")) for u in record.data.get("units", [])] if record else []
    folders = sorted(unit for (r, unit) in index.folders if r == round_id)
    return list(dict.fromkeys([*listed, *folders]))


def score_round(
    index: Index, setting: Setting, round_id: str, as_of: date, units: Iterable[str] | None = None
) -> list[Sheet]:
    """Score sheets for the round's units (default: all), deadlines computed once for the round."""
    wanted = round_units(index, round_id) if units is None else list(units)
    schedule = round_schedule(index, setting, round_id, as_of)
    by_unit: dict[str | None, list[Obligation]] = {}
    for obligation in schedule.obligations:
        by_unit.setdefault(obligation.unit, []).append(obligation)
    notes = tuple(f"{f.file}：{f.message}（相关时限未计入）" for f in schedule.findings)
    return [
        s
        for unit in wanted
        if (s := score_unit(index, setting, round_id, unit, as_of, tuple(by_unit.get(unit, ())), notes))
        is not None
    ]


def score_all(index: Index, setting: Setting, as_of: date) -> dict[str, list[Sheet]]:
    """Every round's sheets (every unit), by round in order of their ids."""
    return {round_id: score_round(index, setting, round_id, as_of) for round_id in sorted(index.rounds)}


def round_schedule(index: Index, setting: Setting, round_id: str, as_of: date) -> deadlines.Schedule:
    """Only this round's obligations: the engine walks every round of the index it is given."""
    part = index.of_round(round_id)
    return deadlines.schedule(part, setting.profiles, setting.default_profile, setting.calendar, as_of)


def score_unit(
    index: Index,
    setting: Setting,
    round_id: str,
    unit_id: str,
    as_of: date,
    obligations: tuple[Obligation, ...],
    notes: tuple[str, ...] = (),
) -> Sheet | None:
    """One unit's sheet; None when no rubric applies (the check reports an unknown rubric)."""
    folder = index.folders.get((round_id, unit_id)) or Folder(round_id, unit_id)
    record = folder.records.get("assessment")
    assessment = Assessment.of(record) if record else None
    unit = index.units.get(unit_id)
    unit_data = unit.data if unit else {}
    rubric = setting.rubrics.select(assessment.rubric if assessment else None, unit_data.get("type"))
    if rubric is None:
        return None
    ctx = metrics.Context(folder, as_of.isoformat(), obligations)
    found = metrics.compute(ctx, needed_metrics(rubric))
    name = str(unit_data.get("short_name") or unit_data.get("name") or unit_id)
    return sheet(
        rubric,
        found,
        assessment,
        round_id=round_id,
        unit_id=unit_id,
        unit_name=name,
        as_of=as_of.isoformat(),
        notes=notes,
    )


@dataclass(frozen=True)
class Rank:
    """One row of a round's ranking."""

    rank: int
    sheet: Sheet


def ranking(sheets: Iterable[Sheet]) -> list[Rank]:
    """Highest total first (ties share a rank), then by rectification rate and unit id."""
    ordered = sorted(sheets, key=lambda s: (-s.total, -s.rate, s.unit))
    rows: list[Rank] = []
    for position, s in enumerate(ordered, 1):
        same = rows and rows[-1].sheet.total == s.total
        rows.append(Rank(rows[-1].rank if same else position, s))
    return rows
