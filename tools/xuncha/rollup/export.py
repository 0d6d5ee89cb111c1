"""One repository on one day as the rollup's tables (pure): rows of plain values, one table per kind.

Every column is declared here. A column read from a record names the schema field it comes from,
and :func:`unexportable` lists those the schemas do not mark ``x-public`` or ``x-export``: the shell
refuses to export while that list is not empty. That is the whole allow-list — nothing of clues or
petitions is marked, so they never leave the county (obligations about them are dropped too).
The figures themselves are not recomputed: states, deadlines and lights come from the deadline
engine and the internal site's model (:func:`xuncha.render.derive.enrich`), scores from the scorer,
and the obligations are the daily list ``xuncha overdue`` prints (closed units are off it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from xuncha.model.index import Index, Json
from xuncha.render.derive import enrich
from xuncha.render.model import SiteModel, build_model
from xuncha.rules import follow_up, scoring
from xuncha.rules.deadlines import DONE_STATES, Obligation
from xuncha.rules.rubrics import Setting

Row = tuple[Any, ...]
Allow = Mapping[str, set[tuple[str, ...]]]
CONFIDENTIAL_CATEGORY = "线索"  # the deadline engine's category for clue and petition handling
CONFIDENTIAL_FILE = "/clues.yaml"


@dataclass(frozen=True)
class Column:
    """A column: its name, its type (string, date, int, float, bool) and, if read from a record,
    the schema field it comes from as (kind, *path)."""

    name: str
    type: str
    source: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stamp:
    """What every row carries: whose snapshot, of which commit, on which day."""

    jurisdiction: str
    commit: str
    as_of: date


def _s(name: str, *source: str) -> Column:
    return Column(name, "string", source)


def _d(name: str, *source: str) -> Column:
    return Column(name, "date", source)


STAMP = (_s("jurisdiction"), _s("commit"), _d("as_of"))
_WHERE = (_s("round"), _s("unit"))
TABLES: dict[str, tuple[Column, ...]] = {
    "rounds": (
        _s("round", "round", "id"),
        _s("name", "round", "name"),
        _s("kind", "round", "kind"),
        _s("inspecting_body", "round", "inspecting_body"),
        _d("entry_date", "round", "entry_date"),
        _d("exit_date", "round", "exit_date"),
    ),
    "units": (
        _s("unit", "unit", "id"),
        _s("name", "unit", "name"),
        _s("short_name", "unit", "short_name"),
        _s("unit_type", "unit", "type"),
        _s("parent", "unit", "parent"),
    ),
    "problems": (
        *_WHERE,
        _s("unit_type", "unit", "type"),
        _s("problem", "feedback", "aspects", "problems", "id"),
        _s("aspect", "feedback", "aspects", "id"),
        Column("level", "int"),
        _s("state"),
        Column("completed", "bool"),
        _d("deadline"),
        _s("light"),
        Column("days", "int"),
        _d("red_since"),
    ),
    "obligations": (
        *_WHERE,
        _s("rule"),
        _s("title"),
        _s("category"),
        _s("problem"),
        _s("item"),
        _d("start"),
        _d("due"),
        _d("original_due"),
        _s("extension"),
        _d("done"),
        _s("state"),
        Column("days", "int"),
        _s("light"),
    ),
    "scores": (
        *_WHERE,
        _s("rubric"),
        Column("total", "float"),
        _s("grade"),
        Column("rate", "float"),
        Column("rank", "int"),
    ),
    "reports": (
        *_WHERE,
        _s("report", "reports", "reports", "id"),
        _s("kind", "reports", "reports", "kind"),
        _s("period", "reports", "reports", "period"),
        Column("submissions", "int", ("reports", "reports", "submissions")),
        _d("first_submitted", "reports", "reports", "submissions", "date"),
        _d("last_submitted", "reports", "reports", "submissions", "date"),
        _s("result", "reports", "reports", "submissions", "result"),
        _d("accepted", "reports", "reports", "submissions", "result_date"),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    """A table's columns, the stamp first."""
    return (*STAMP, *TABLES[kind])


def unexportable(allow: Allow) -> list[str]:
    """Record fields a column reads that the schemas do not mark exportable (``kind.path``)."""
    return sorted(
        {
            f"{c.source[0]}.{'.'.join(c.source[1:])}"
            for table in TABLES.values()
            for c in table
            if c.source and c.source[1:] not in allow.get(c.source[0], set())
        }
    )


def project(index: Index, setting: Setting, stamp: Stamp) -> dict[str, list[Row]]:
    """Every table's rows, each row in :func:`columns` order."""
    day = stamp.as_of.isoformat()
    plan = follow_up.scheduled(index, setting, stamp.as_of)
    model = build_model(index, day)
    enrich(index, setting, day, schedule=plan)(model)
    head = (stamp.jurisdiction, stamp.commit, stamp.as_of)
    tables = {
        "rounds": list(_rounds(index)),
        "units": list(_units(index)),
        "problems": list(_problems(model)),
        "obligations": [_obligation(o) for o in plan.daily if not confidential(o)],  # as `overdue` lists them
        "scores": list(_scores(model)),
        "reports": list(_reports(index, day)),
    }
    return {kind: [(*head, *row) for row in rows] for kind, rows in tables.items()}


def confidential(o: Obligation) -> bool:
    """An obligation about clues or petitions: its very count and dates stay in the county."""
    return o.category == CONFIDENTIAL_CATEGORY or o.file.endswith(CONFIDENTIAL_FILE)


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _text(data: Json, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _rounds(index: Index) -> Iterator[Row]:
    for round_id, record in index.rounds.items():
        d = record.data
        yield (
            round_id,
            _text(d, "name"),
            _text(d, "kind"),
            _text(d, "inspecting_body"),
            _day(d.get("entry_date")),
            _day(d.get("exit_date")),
        )


def _units(index: Index) -> Iterator[Row]:
    for unit_id, record in index.units.items():
        d = record.data
        yield unit_id, _text(d, "name"), _text(d, "short_name"), _text(d, "type"), _text(d, "parent")


def _problems(model: SiteModel) -> Iterator[Row]:
    for view in model.units():
        unit_type = _text(view.unit, "type")
        for leaf in view.leaves:
            red = leaf.light.colour == "red"
            deadline = _day(leaf.deadline)
            yield (
                view.round_id,
                view.unit_id,
                unit_type,
                leaf.node.id,
                leaf.node.aspect,
                leaf.node.level,
                leaf.state,
                leaf.state in DONE_STATES,
                deadline,
                leaf.light.colour,
                leaf.days,
                deadline if red else None,
            )


def _obligation(o: Obligation) -> Row:
    return (
        o.round,
        o.unit,
        o.rule,
        o.title,
        o.category,
        o.problem,
        o.item,
        o.start,
        o.due,
        o.original_due,
        o.extension,
        o.done,
        o.state.value,
        o.days,
        o.light.value,
    )


def _scores(model: SiteModel) -> Iterator[Row]:
    for view in model.units():
        sheet = view.sheet
        if sheet is not None:
            yield (
                view.round_id,
                view.unit_id,
                sheet.rubric.id,
                scoring.number(sheet.total),
                sheet.grade.name,
                scoring.number(sheet.rate, 4),
                view.rank,
            )


def _reports(index: Index, day: str) -> Iterator[Row]:
    for (round_id, unit_id), folder in index.folders.items():
        for _, _, report in folder.items("reports", "reports"):
            sent = [s for s in report.get("submissions", []) if str(s.get("date")) <= day]
            if not sent:
                continue
            accepted = next((s.get("result_date") for s in sent if s.get("result") == "通过"), None)
            yield (
                round_id,
                unit_id,
                _text(report, "id"),
                _text(report, "kind"),
                _text(report, "period"),
                len(sent),
                _day(sent[0].get("date")),
                _day(sent[-1].get("date")),
                _text(sent[-1], "result") if str(sent[-1].get("result_date", "")) <= day else "待审",
                _day(accepted) if str(accepted) <= day else None,
            )
