"""What ``xuncha overdue`` prints (pure): a table per unit, worst first, as text, Markdown or JSON.

Every row shows the due date in force and, when an extension moved it, the
original deadline and the extension record. ``--notify-list`` regroups the open
obligations by who must be told (the profile's recipients per light).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from xuncha.model.findings import Finding
from xuncha.rules.deadlines import LATE, ON_TIME, OVERDUE, Obligation, State, late_submissions, worst_first
from xuncha.rules.profiles import Light

ROUND_LEVEL = "巡后程序"
OPEN_STATES = (State.OVERDUE, State.DUE_SOON, State.OPEN)
RED = Light.RED
LABELS: dict[object, str] = {member: member.label for member in (*State, *Light)}
MARKS = {Light.RED: "🔴", Light.YELLOW: "🟡", Light.GREEN: "🟢"}
LIGHT_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


@dataclass(frozen=True)
class Group:
    """The obligations of one unit in one round (or a round's own procedures), worst first."""

    round: str
    unit: str | None
    heading: str
    rows: list[Obligation]


def groups(found: Iterable[Obligation], names: Mapping[str, str]) -> list[Group]:
    """Grouped by unit; groups ordered by their worst row, then by how many are red."""
    by_key: dict[tuple[str, str | None], list[Obligation]] = defaultdict(list)
    for obligation in found:
        by_key[(obligation.round, obligation.unit)].append(obligation)
    out = [
        Group(round_id, unit, _heading(round_id, unit, names), worst_first(rows))
        for (round_id, unit), rows in by_key.items()
    ]
    return sorted(out, key=lambda g: (*_badness(g.rows), g.round, g.unit or ""))


def _badness(rows: list[Obligation]) -> tuple[int, int, int]:
    worst = rows[0]
    reds = sum(1 for o in rows if o.light is RED)
    return (-worst.state.severity, -reds, -worst.days if worst.state is OVERDUE else 0)


def _heading(round_id: str, unit: str | None, names: Mapping[str, str]) -> str:
    if unit is None:
        return f"{round_id} · {ROUND_LEVEL}"
    return f"{names.get(unit, unit)}（{unit}）· {round_id}"


def counts(found: Iterable[Obligation]) -> dict[str, int]:
    """Totals by light and by state, for the summary line and JSON."""
    found = list(found)
    lights = Counter(o.light for o in found)
    states = Counter(o.state for o in found)
    by_state = {state.value: count for state, count in states.items()}
    return {"total": len(found), **{light.value: lights[light] for light in Light}, **by_state}


def summary(found: list[Obligation], as_of: date) -> str:
    tally = counts(found)
    late = tally.get(State.LATE.value, 0)
    return (
        f"巡察整改时限（截至 {as_of}）：共 {tally['total']} 项，红 {tally['red']} · 黄 {tally['yellow']} · "
        f"绿 {tally['green']}（其中逾期完成 {late} 项）"
    )


def days_text(o: Obligation) -> str:
    if o.state is OVERDUE:
        return f"逾期 {o.days} 天"
    if o.state is LATE:
        return f"晚 {o.days} 天"
    if o.state is ON_TIME:
        return f"提前 {o.days} 天" if o.days else "当日完成"
    return f"剩 {o.days} 天" if o.days else "今日到期"


def due_text(o: Obligation) -> str:
    """The due date in force, with the original and the extension when one moved it."""
    if o.extension is None:
        return o.due.isoformat()
    return f"{o.due}（原 {o.original_due}，延期 {o.extension}）"


def item_text(o: Obligation) -> str:
    """The title, then the clue, petition or quarter it is about."""
    return f"{o.title} {o.item}" if o.item else o.title


# ---------------------------------------------------------------------------- text


def text(found: list[Obligation], as_of: date, names: Mapping[str, str]) -> str:
    lines = [summary(found, as_of)]
    header = ("灯", "状态", "天数", "时限", "完成", "文件", "事项")
    for group in groups(found, names):
        lines += ["", f"■ {group.heading}  {_tally(group.rows)}"]
        rows = [header]
        for o in group.rows:  # the title last: the one long, free-running column
            light, state, days, due, done, item, file = _cells(o)
            rows.append((light, state, days, due, done, file, item))
        lines += _aligned(rows)
    return "\n".join(lines)


def _tally(rows: list[Obligation]) -> str:
    lights = Counter(o.light for o in rows)
    return f"红 {lights[Light.RED]} · 黄 {lights[Light.YELLOW]} · 绿 {lights[Light.GREEN]}"


def _cells(o: Obligation) -> tuple[str, ...]:
    done = o.done.isoformat() if o.done else "—"
    return (LABELS[o.light], LABELS[o.state], days_text(o), due_text(o), done, item_text(o), o.file)


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Columns padded by display width (a Chinese character is two columns wide); the last runs free."""
    columns = list(zip(*rows, strict=True))
    padded: list[Iterable[str]] = []
    for column in columns[:-1]:
        widths = list(map(_width, column))
        most = max(widths)
        padded.append(
            [cell.ljust(most - width + len(cell)) for cell, width in zip(column, widths, strict=True)]
        )
    padded.append(columns[-1])
    return ["  " + "  ".join(parts) for parts in zip(*padded, strict=True)]


# East Asian wide and full-width characters (CJK, full-width punctuation): two columns each.
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)


@lru_cache(maxsize=8192)  # labels, day counts and dates repeat on almost every row
def _width(cell: str) -> int:
    return len(cell) if cell.isascii() else len(cell) + len(_WIDE.findall(cell))


# ---------------------------------------------------------------------------- markdown


def closed_note(closed: Mapping[tuple[str, str], date], names: Mapping[str, str], *, md: bool) -> str:
    """The units left out because their rectification was accepted as finished, so a reader
    does not take a shorter list for a lost one."""
    listed = "；".join(
        f"{names.get(unit, unit)}（{round_id}/{unit}，{day.isoformat()} 办结）"
        for (round_id, unit), day in sorted(closed.items())
    )
    said = f"另有 {len(closed)} 个单位整改已办结，不再列入每日逾期清单：{listed}"
    return f"\n> {said}" if md else f"\n{said}"


def markdown(found: list[Obligation], as_of: date, names: Mapping[str, str]) -> str:
    """For a pull-request comment, a job summary or a page."""
    lines = [f"## {summary(found, as_of)}"]
    for group in groups(found, names):
        lines += ["", f"### {group.heading}　{_tally(group.rows)}", ""]
        lines += ["| 灯 | 状态 | 天数 | 时限 | 完成 | 事项 | 文件 |", "|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_md_cells(o)) + " |" for o in group.rows]
    return "\n".join(lines) + "\n"


def _md_cells(o: Obligation) -> tuple[str, ...]:
    light, state, days, due, done, item, file = _cells(o)
    return (f"{MARKS[o.light]} {light}", state, days, due, done, _md(item), f"`{file}`")


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


# ---------------------------------------------------------------------------- json


def as_json(o: Obligation, names: Mapping[str, str]) -> dict[str, object]:
    return {
        "key": o.key,
        "round": o.round,
        "unit": o.unit,
        "unit_name": names.get(o.unit, o.unit) if o.unit else None,
        "rule": o.rule,
        "title": o.title,
        "category": o.category,
        "problem": o.problem,
        "item": o.item,
        "start": o.start.isoformat(),
        "due": o.due.isoformat(),
        "original_due": o.original_due.isoformat() if o.original_due else None,
        "extension": o.extension,
        "done": o.done.isoformat() if o.done else None,
        "state": o.state.value,
        "state_label": o.state.label,
        "days": o.days,
        "light": o.light.value,
        "light_label": o.light.label,
        "recipients": list(o.recipients),
        "addressees": list(o.addressees),
        "file": o.file,
        "citation": o.citation,
    }


def json_report(
    found: list[Obligation], as_of: date, names: Mapping[str, str], findings: list[Finding]
) -> str:
    """Everything, machine-readable; ``late_submissions`` lists the keys of late or missing submissions."""
    ordered = [o for group in groups(found, names) for o in group.rows]
    return _json_document(
        {
            "as_of": as_of.isoformat(),
            "summary": counts(found),
            "obligations": [as_json(o, names) for o in ordered],
            "late_submissions": [o.key for o in late_submissions(ordered)],
            "findings": [f.as_json() for f in findings],
        }
    )


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps(...) builds one per call


def _json_document(document: Mapping[str, object]) -> str:
    """Top-level keys one per line, list elements one per line: readable, and fast (the C encoder)."""
    parts = []
    for key, value in document.items():
        name = _ENCODER.encode(key)
        if isinstance(value, list) and value:
            rows = ",\n    ".join(_ENCODER.encode(v) for v in value)
            parts.append(f"  {name}: [\n    {rows}\n  ]")
        else:
            parts.append(f"  {name}: {_ENCODER.encode(value)}")
    return "{\n" + ",\n".join(parts) + "\n}"


# ---------------------------------------------------------------------------- baseline


def worsened(found: list[Obligation], baseline: Mapping[str, str]) -> list[Obligation]:
    """Obligations whose light is worse than in ``baseline`` (key → light), new ones included."""
    return [o for o in found if LIGHT_RANK[o.light] > LIGHT_RANK[Light(baseline.get(o.key, "green"))]]


def baseline_lights(document: object) -> dict[str, str]:
    """Key → light from a previous ``--format json`` run; raises ``ValueError`` when it is not one."""
    if not isinstance(document, dict) or not isinstance(document.get("obligations"), list):
        raise ValueError("不是 `xuncha overdue --format json` 的输出")
    return {str(o["key"]): str(o["light"]) for o in document["obligations"] if isinstance(o, dict)}


# ---------------------------------------------------------------------------- notify list


def recipients(found: list[Obligation]) -> list[tuple[str, list[tuple[str, Obligation]]]]:
    """Open obligations regrouped per addressee, each with the role(s) it is told as, worst first."""
    by_name: dict[str, dict[str, tuple[list[str], Obligation]]] = defaultdict(dict)
    for o in worst_first([o for o in found if o.state in OPEN_STATES]):
        for role, name in zip(o.recipients, o.addressees, strict=True):
            by_name[name].setdefault(o.key, ([], o))[0].append(role)
    grouped = [
        (name, [("、".join(roles), o) for roles, o in entries.values()]) for name, entries in by_name.items()
    ]
    return sorted(grouped, key=lambda pair: (*_badness([o for _, o in pair[1]])[:2], pair[0]))


def notify_text(found: list[Obligation], as_of: date, names: Mapping[str, str], *, md: bool = False) -> str:
    """Per recipient, what is theirs to act on or to watch (text or Markdown)."""
    title = f"巡察整改提醒名单（截至 {as_of}）"
    lines = [f"## {title}" if md else title]
    for name, items in recipients(found):
        roles = "、".join(dict.fromkeys(r for role, _ in items for r in role.split("、")))
        heading = f"{name}（{roles}）：{_tally([o for _, o in items])}"
        lines += ["", f"### {heading}" if md else f"■ {heading}"]
        for _role, o in items:
            unit = names.get(o.unit, o.unit) if o.unit else f"{o.round} {ROUND_LEVEL}"
            line = (
                f"{o.light.label} {o.state.label} {days_text(o)}｜{unit}｜{item_text(o)}｜时限 {due_text(o)}"
            )
            lines.append(f"- {MARKS[o.light]} {_md(line)}" if md else f"  {line}")
    return "\n".join(lines) + ("\n" if md else "")


def notify_json(found: list[Obligation], as_of: date, names: Mapping[str, str]) -> str:
    return _json_document(
        {
            "as_of": as_of.isoformat(),
            "recipients": [
                {
                    "name": name,
                    "roles": list(dict.fromkeys(r for role, _ in items for r in role.split("、"))),
                    "obligations": [{"as": role, **as_json(o, names)} for role, o in items],
                }
                for name, items in recipients(found)
            ],
        }
    )
