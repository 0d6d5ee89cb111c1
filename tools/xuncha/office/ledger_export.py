"""Records → ledger tables (pure): one table per unit and a summary, ready for :mod:`xuncha.office.xlsxio`.

Each unit table has one row per leaf problem in the columns of :mod:`xuncha.office.ledger`,
so that importing it gives the same records back. Aspects and problems are
merged over their rows as clerks lay them out; the ids ride in hidden columns.
The 预警 column and the fills come from the deadline engine
(:mod:`xuncha.rules.deadlines`): green, yellow (due soon), red (overdue); grey with
no deadline. The summary counts on the as-of day: completed = last state 已完成
or 已销号; 基本完成 is counted apart and not as completed.

What a ledger does not carry (so a round trip leaves it out): the feedback's
announced counts (announced) and corrections; the plan's submissions,
collective study, three lists and leading group; evidence checksums (sha256).
A cell holds one wording per level, so three shapes the data does not use come
back changed: a problem with children keeps only its title; a childless problem
with only a title comes back as its text; below the problem level a title-only
item comes back as text. Flags written ``false`` come back absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xuncha.model.index import Folder, Index, Node
from xuncha.office.ledger import (
    COLUMNS,
    HIDDEN,
    Column,
    format_flags,
    format_log,
    format_measures,
    format_milestones,
    format_outcomes,
)
from xuncha.render.numerals import cn_date
from xuncha.render.progress import Tally, tally
from xuncha.rules.deadlines import PROBLEM, Obligation, State
from xuncha.rules.metrics import state_as_of

Json = dict[str, Any]
SHEET_NAME_LIMIT = 31  # Excel's limit
SUMMARY = "汇总"
NO_DEADLINE = ("无时限", "grey")


@dataclass(frozen=True)
class Table:
    """One worksheet: a caption row, a header row and the data rows, with how to dress them."""

    name: str
    caption: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[object, ...], ...]
    merges: tuple[tuple[int, int, int], ...] = ()  # column, first row, last row (0-based data rows)
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → colour name
    hidden: frozenset[int] = frozenset()  # column indexes
    percent: frozenset[int] = frozenset()  # column indexes shown as percentages


@dataclass(frozen=True)
class Selected:
    """One unit folder to export, with the names its sheet shows."""

    round_id: str
    round_name: str
    unit_label: str
    folder: Folder


def select(index: Index, round_id: str | None, unit_id: str | None) -> list[Selected]:
    """The unit folders with a problem list, in round and listing order, narrowed to a round and/or unit."""
    chosen: list[Selected] = []
    for rid in sorted(index.rounds):
        if round_id not in (None, rid):
            continue
        data = index.rounds[rid].data
        for entry in data.get("units", []):
            uid = str(entry.get("unit"))
            folder = index.folders.get((rid, uid))
            if unit_id in (None, uid) and folder is not None and folder.feedback is not None:
                unit = index.units[uid].data if uid in index.units else {}
                label = str(unit.get("short_name") or unit.get("name") or uid)
                chosen.append(Selected(rid, str(data.get("name", rid)), label, folder))
    return chosen


def sheet_names(selected: Sequence[Selected]) -> list[str]:
    """Unit labels as sheet names (with the round when several rounds are exported), unique and legal."""
    several = len({s.round_id for s in selected}) > 1
    names: list[str] = []
    for s in selected:
        base = _legal(f"{s.round_id} {s.unit_label}" if several else s.unit_label)
        name, n = base, 2
        while name in names or name == SUMMARY:
            suffix = f"（{n}）"
            name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _legal(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "－", name)[:SHEET_NAME_LIMIT]


def workbook(selected: Sequence[Selected], found: Iterable[Obligation], as_of: date) -> list[Table]:
    """The summary table first, then one table per unit."""
    lights = {(o.round, o.unit, o.problem): o for o in found if o.rule == PROBLEM}
    others = [o for o in found if o.rule != PROBLEM and o.state is State.OVERDUE]
    names = sheet_names(selected)
    tables = [summary_table(selected, lights, others, as_of)]
    tables += [unit_table(s, name, lights, as_of) for s, name in zip(selected, names, strict=True)]
    return tables


# ---------------------------------------------------------------------------- unit sheets

LightKey = tuple[str, str | None, str | None]


def unit_table(selected: Selected, name: str, lights: Mapping[LightKey, Obligation], as_of: date) -> Table:
    folder = selected.folder
    leaves = folder.leaves()
    columns = [c for c in COLUMNS if c.key != "task" or any(leaf.level == 2 for leaf in leaves)]
    keys = [c.key for c in columns]
    plans = {str(e.get("problem")): e for _, _, e in folder.items("plan", "entries")}
    aspects = {
        str(a.get("id")): str(a.get("title"))
        for a in (folder.feedback.data if folder.feedback else {}).get("aspects", [])
    }
    rows: list[tuple[object, ...]] = []
    fills: dict[tuple[int, int], str] = {}
    for number, leaf in enumerate(leaves, 1):
        light = lights.get((folder.round, folder.unit, leaf.id))
        word, colour = (light.state.label, light.light.value) if light else NO_DEADLINE
        values = _leaf_values(folder, leaf, plans.get(leaf.id, {})) | {
            "number": number,
            "aspect": aspects.get(leaf.aspect, ""),
            "aspect_id": leaf.aspect,
            "light": word,
        }
        rows.append(tuple(values.get(key, "") for key in keys))
        fills.update({(len(rows) - 1, keys.index(k)): colour for k in ("deadline", "state", "light")})
    caption = f"{selected.unit_label}巡察整改台账（{selected.round_name}，截至{cn_date(as_of.isoformat())}）"
    return Table(
        name=name,
        caption=caption,
        headers=tuple(c.header for c in columns),
        widths=tuple(c.width for c in columns),
        rows=tuple(rows),
        merges=tuple(_merges(folder, leaves, keys)),
        fills=fills,
        hidden=frozenset(i for i, c in enumerate(columns) if c.key in HIDDEN),
    )


def _leaf_values(folder: Folder, leaf: Node, plan: Json) -> dict[str, object]:
    path = _path(folder, leaf)
    status = folder.statuses.get(leaf.id)
    data = status.data if status is not None else {}
    log = data.get("log", [])
    return {
        **_wording(path),
        "flags": format_flags(leaf.data.get("flags", {}), [n.data.get("flags", {}) for n in path[:-1]]),
        "measures": format_measures(plan.get("measures", [])),
        "lead_leader": plan.get("lead_leader", ""),
        "lead_department": plan.get("lead_department", ""),
        "responsible_person": plan.get("responsible_person", ""),
        "departments": "、".join(plan.get("departments", [])),
        "deadline": date.fromisoformat(plan["deadline"]) if plan.get("deadline") else "",
        "long_term": {True: "是", False: "否"}.get(plan.get("long_term"), ""),  # type: ignore[arg-type]
        "milestones": format_milestones(plan.get("milestones", [])),
        "state": log[-1]["state"] if log else "",
        "progress": format_log(log),
        "summary": data.get("summary", ""),
        "outcomes": format_outcomes(data.get("outcomes", {})),
        "note": data.get("internal_note", ""),
        "leaf_id": leaf.id,
    }


def _path(folder: Folder, leaf: Node) -> list[Node]:
    """The leaf and its ancestors, problem first."""
    path = [leaf]
    while path[0].parent is not None:
        path.insert(0, folder.nodes[path[0].parent])
    return path


def _wording(path: Sequence[Node]) -> dict[str, str]:
    """The inverse of the importer's reading: a problem's title (and a leaf problem's text beside it)."""
    top = path[0].data
    if len(path) == 1:
        if top.get("title") and top.get("text"):
            return {"problem": str(top["title"]), "detail": str(top["text"])}
        return {"problem": path[0].wording}
    words = {"problem": str(top.get("title") or top.get("text") or "")}
    for key, node in zip(("detail", "task"), path[1:], strict=False):
        words[key] = str(node.data.get("text") or node.data.get("title") or "")
    return words


def _merges(folder: Folder, leaves: Sequence[Node], keys: Sequence[str]) -> list[tuple[int, int, int]]:
    """Aspect and problem cells (and 具体问题 above tasks) merged over the rows they span."""
    spans: list[tuple[int, int, int]] = []
    for key in ("aspect", "problem", "detail") if "task" in keys else ("aspect", "problem"):
        groups = [_group(folder, leaf, key) for leaf in leaves]
        start = 0
        for i in range(1, len(leaves) + 1):
            if i == len(leaves) or groups[i] != groups[start]:
                if i - 1 > start:
                    spans.append((keys.index(key), start, i - 1))
                start = i
    return spans


def _group(folder: Folder, leaf: Node, key: str) -> str:
    """What a merged cell stands for: the leaf's aspect, its problem, or (above tasks) its refined problem."""
    if key == "aspect":
        return leaf.aspect
    path = _path(folder, leaf)
    return path[0].id if key == "problem" else path[min(1, len(path) - 1)].id


# ---------------------------------------------------------------------------- summary

SUMMARY_COLUMNS = (
    Column("round", "轮次", width=26),
    Column("unit", "被巡察单位", width=22),
    Column("total", "问题数", width=8),
    Column("completed", "已完成", width=8),
    Column("basic", "基本完成", width=9),
    Column("open", "正在整改", width=9),
    Column("rate", "整改落实率", width=11),
    Column("overdue", "已逾期问题", width=11),
    Column("due_soon", "即将到期问题", width=12),
    Column("late_other", "其他逾期事项", width=12),
)
RATE_COLUMN, LATE_COLUMN = 6, 7
LATE_COLOURS = ("red", "yellow", "red")  # overdue problems, due-soon problems, other overdue duties


def summary_table(
    selected: Sequence[Selected],
    lights: Mapping[LightKey, Obligation],
    others: Sequence[Obligation],
    as_of: date,
) -> Table:
    """Per unit: counts on the day, the rate (整改落实率), overdue and due-soon problems, other late duties.

    Completed means 已完成 or 已销号 on the day; 基本完成 is counted apart, never as completed.
    """
    rows: list[tuple[object, ...]] = []
    lateness: list[list[int]] = []
    total = Tally()
    for s in selected:
        counts = tally(
            state_as_of(s.folder.statuses.get(leaf.id), as_of.isoformat())[0] for leaf in s.folder.leaves()
        )
        lateness.append(_lateness(s, lights, others))
        rows.append((s.round_name, s.unit_label, *_figures(counts), *lateness[-1]))
        total += counts
    lateness.append([sum(column) for column in zip(*lateness, strict=True)] or [0, 0, 0])
    rows.append(("合计", f"{len(selected)}个单位", *_figures(total), *lateness[-1]))
    fills = {
        (r, LATE_COLUMN + i): colour
        for r, late in enumerate(lateness)
        for i, colour in enumerate(LATE_COLOURS)
        if late[i] > 0
    }
    return Table(
        name=SUMMARY,
        caption=f"巡察整改台账汇总（截至{cn_date(as_of.isoformat())}）",
        headers=tuple(c.header for c in SUMMARY_COLUMNS),
        widths=tuple(c.width for c in SUMMARY_COLUMNS),
        rows=tuple(rows),
        fills=fills,
        percent=frozenset({RATE_COLUMN}),
    )


def _figures(counts: Tally) -> tuple[object, ...]:
    return (
        counts.total,
        counts.completed,
        counts.basic,
        counts.open,
        counts.rate if counts.rate is not None else "—",
    )


def _lateness(s: Selected, lights: Mapping[LightKey, Obligation], others: Sequence[Obligation]) -> list[int]:
    mine = [o for (r, u, _), o in lights.items() if (r, u) == (s.folder.round, s.folder.unit)]
    return [
        sum(1 for o in mine if o.state is State.OVERDUE),
        sum(1 for o in mine if o.state is State.DUE_SOON),
        sum(1 for o in others if (o.round, o.unit) == (s.folder.round, s.folder.unit)),
    ]
