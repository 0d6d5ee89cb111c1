"""The rectification ledger (整改台账) as clerks keep it in Excel: its columns and cell formats (pure).

One row per leaf problem. Import (:mod:`xuncha.office.ledger_import`) and export
(:mod:`xuncha.office.ledger_export`) share everything here, so what export writes is
exactly what import reads: the column names (with the other names clerks give
them), dates in every form clerks type, and the small text formats of the
multi-line cells — measures, progress log, milestones, flags and outcomes.

A value that cannot be read raises :class:`CellError` with the reason in Chinese;
the importer turns it into a finding that names the sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

Json = dict[str, Any]


class CellError(ValueError):
    """A cell whose content cannot be mapped; the message says why, in Chinese."""


@dataclass(frozen=True)
class Column:
    """One ledger column: the key the code uses, the header export writes, the other names import accepts."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 12

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


# Order is priority when two columns could take the same header: 问题 is claimed before 具体问题.
COLUMNS = (
    Column("number", "序号", ("序列号",), 6),
    Column("aspect", "方面", ("问题方面", "反馈方面", "问题类别", "类别"), 18),
    Column(
        "problem",
        "问题",
        (
            "存在问题",
            "存在的问题",
            "反馈问题",
            "巡察反馈问题",
            "问题清单",
            "问题表现",
            "具体问题",
            "问题描述",
        ),
        28,
    ),
    Column("detail", "具体问题", ("细化问题", "问题表现", "具体表现", "问题描述"), 36),
    Column("task", "整改任务", ("细化任务", "任务"), 30),
    Column("flags", "问题标记", ("标记", "问题属性"), 14),
    Column("measures", "整改措施", ("整改举措", "具体措施", "措施"), 48),
    Column("lead_leader", "牵头领导", ("责任领导", "分管领导", "牵头责任领导"), 12),
    Column("lead_department", "牵头部门", ("责任部门", "责任单位", "牵头单位"), 14),
    Column("responsible_person", "责任人", ("具体责任人", "经办人"), 12),
    Column("departments", "配合部门", ("配合单位", "协办部门"), 14),
    Column("deadline", "整改时限", ("完成时限", "整改期限", "时限"), 12),
    Column("long_term", "长期整改", ("是否长期整改",), 8),
    Column("milestones", "阶段目标", (), 30),
    Column("state", "整改状态", ("完成情况", "整改完成情况", "是否完成", "状态"), 10),
    Column("light", "预警", ("预警状态", "红黄绿灯"), 9),
    Column("progress", "整改进展", ("进展情况", "整改进度", "整改情况", "进展"), 48),
    Column("summary", "整改情况（公开）", ("公开整改情况", "整改情况公开"), 40),
    Column("outcomes", "整改成效", ("成效",), 24),
    Column("note", "备注", ("内部备注",), 20),
    Column("aspect_id", "方面编号", (), 6),
    Column("leaf_id", "问题编号", (), 8),
)
BY_KEY = {column.key: column for column in COLUMNS}
WORDING = ("problem", "detail", "task")  # the wording columns, one per level of the feedback tree
DERIVED = frozenset({"number", "light"})  # export computes them; import ignores them
HIDDEN = frozenset({"aspect_id", "leaf_id"})  # ids ride along hidden so they survive a round trip

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def normalise_header(text: object) -> str:
    """A header as compared: no spaces, line breaks or required-field stars; half-width brackets made full."""
    cleaned = re.sub(r"[\s*＊]", "", str(text or ""))
    return cleaned.replace("(", "（").replace(")", "）")


def match_headers(cells: Sequence[object]) -> dict[str, int]:
    """Column key → 0-based index for one header row.

    Exact names first, then names with a bracketed remark removed (整改时限（月底前） → 整改时限);
    each key and each cell is used once, keys in :data:`COLUMNS` order.
    """
    texts = [normalise_header(cell) for cell in cells]
    found: dict[str, int] = {}
    for strip in (False, True):
        seen = [_BRACKETS.sub("", t) if strip else t for t in texts]
        for column in COLUMNS:
            if column.key in found:
                continue
            for name in column.names:
                spot = next((i for i, t in enumerate(seen) if t == name and i not in found.values()), None)
                if spot is not None:
                    found[column.key] = spot
                    break
    return found


# ---------------------------------------------------------------------------- text


def text_of(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, line breaks normalised, outer spaces gone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = _as_date(value).isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十百\d]{1,4}[）)]|[一二三四五六七八九十百]{1,4}、|\d{1,3}[.、．](?!\d)"
    r"|问题[一二三四五六七八九十百\d]{1,4}[:：])\s*"
)


def unnumbered(text: str) -> str:
    """Wording without the ledger's own numbering (一、 （一） 1. 问题一：), which the records never keep."""
    return _NUMBERING.sub("", text, count=1).strip()


def split_list(text: str) -> list[str]:
    """Names separated by 、，, or ; (departments)."""
    return [part.strip() for part in re.split(r"[、，,；;\n]", text) if part.strip()]


# ---------------------------------------------------------------------------- dates

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH_END = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:底|末)$")
_YEAR_END = re.compile(r"^(\d{4})\s*年?\s*(?:底|末)$")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's phantom 1900-02-29 is long past)
SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a number outside is not a date anyone means here
LONG_TERM_WORDS = ("长期坚持", "长期整改", "持续整改", "长期")


def parse_date(value: object) -> str:
    """A ledger date as ``YYYY-MM-DD``.

    Accepts date cells, Excel serial numbers, 2024-6-7, 2024/06/07, 2024.6.7,
    2024年6月7日, and 2024年6月底 / 2024年底 (the last day of the month or year).
    """
    if isinstance(value, datetime | date):
        return _as_date(value).isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = text_of(value)
    if re.fullmatch(r"\d+(\.0+)?", text):
        return _serial(float(text))
    return _from_text(text)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _serial(number: float) -> str:
    if not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1] or not float(number).is_integer():
        raise CellError(f"数字 {text_of(number)} 不是有效的日期")
    return (EXCEL_EPOCH + timedelta(days=int(number))).isoformat()


def _from_text(text: str) -> str:
    for pattern, build in ((_DATE, _day), (_MONTH_END, _month_end), (_YEAR_END, _year_end)):
        found = pattern.match(text)
        if found:
            try:
                return build(*(int(g) for g in found.groups())).isoformat()
            except ValueError:
                raise CellError(f"日期“{text}”不存在（检查月份和日期）") from None
    raise CellError(f"“{text}”不是日期（写作 2024-06-07、2024/6/7 或 2024年6月7日）")


def _day(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def parse_deadline(value: object) -> tuple[str | None, bool]:
    """A deadline cell: its date, and whether it says the problem is long-term (长期坚持 …)."""
    text = text_of(value)
    if any(text.startswith(word) for word in LONG_TERM_WORDS):
        return None, True
    return parse_date(value), False


def parse_yes_no(value: object) -> bool:
    text = text_of(value)
    if text in ("是", "√", "✓", "Y", "y", "长期"):
        return True
    if text in ("否", "×", "N", "n"):
        return False
    raise CellError(f"“{text}”应填“是”或“否”")


# ---------------------------------------------------------------------------- states

STATES = ("未启动", "整改中", "基本完成", "已完成", "已销号", "长期整改")
STATE_WORDS = {
    "未开始": "未启动",
    "未整改": "未启动",
    "正在整改": "整改中",
    "推进中": "整改中",
    "整改推进中": "整改中",
    "完成": "已完成",
    "已整改": "已完成",
    "整改完成": "已完成",
    "已完成整改": "已完成",
    "销号": "已销号",
    "长期坚持": "长期整改",
    "持续整改": "长期整改",
}
REOPEN = ("抽查发现未完成", "问题反弹")


def parse_state(value: object) -> str:
    text = re.sub(r"\s", "", text_of(value))
    state = text if text in STATES else STATE_WORDS.get(text)
    if state is None:
        raise CellError(f"整改状态“{text}”无法识别（可填：{'、'.join(STATES)}）")
    return state


# ---------------------------------------------------------------------------- measures and milestones

_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)])\s*")


def format_measures(measures: Sequence[str]) -> str:
    """Numbered lines “1. …” (always numbered, so import can tell measures from wrapped lines)."""
    return "\n".join(f"{n}. {m}" for n, m in enumerate(measures, 1))


def parse_measures(text: str) -> list[str]:
    """One measure per numbered line; an unnumbered line continues the previous measure."""
    measures: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if _ITEM_NUMBER.match(line) or not measures:
            measures.append(_ITEM_NUMBER.sub("", line, count=1).strip())
        else:
            measures[-1] += "\n" + line.strip()
    return [m for m in measures if m]


def format_milestones(milestones: Iterable[Mapping[str, Any]]) -> str:
    return "\n".join(f"{m['date']}：{m['target']}" for m in milestones)


def parse_milestones(text: str) -> list[Json]:
    """“2025-12-31：目标” per line."""
    out: list[Json] = []
    for line in filter(None, (raw.strip() for raw in text.split("\n"))):
        parts = re.split(r"[:：]", line, maxsplit=1)
        if len(parts) != 2 or not parts[1].strip():
            raise CellError(f"阶段目标“{line}”应写作“2025-12-31：目标内容”")
        out.append({"date": parse_date(parts[0].strip()), "target": parts[1].strip()})
    return out


# ---------------------------------------------------------------------------- flags

FLAG_NAMES = {
    "key": "重点问题",
    "immediate": "立行立改",
    "secretary_named": "书记点人点事",
    "common": "共性问题",
    "leadership": "涉及一把手和领导班子",
}
FLAG_WORDS = {
    **{name: key for key, name in FLAG_NAMES.items()},
    "重点": "key",
    "共性": "common",
    "点人点事": "secretary_named",
    "涉及一把手": "leadership",
}
ANCESTOR_PREFIX = ("所属问题", "所属细化问题")  # flags of the leaf's ancestors, by level


def format_flags(own: Mapping[str, bool], ancestors: Sequence[Mapping[str, bool]]) -> str:
    """“立行立改；所属问题：重点问题”: the leaf's flags, then each flagged ancestor's, by level."""
    parts = [_flag_names(own)] if _flag_names(own) else []
    parts += [
        f"{ANCESTOR_PREFIX[level]}：{_flag_names(f)}" for level, f in enumerate(ancestors) if _flag_names(f)
    ]
    return "；".join(parts)


def _flag_names(flags: Mapping[str, bool]) -> str:
    return "、".join(FLAG_NAMES[key] for key in FLAG_NAMES if flags.get(key))


def parse_flags(text: str) -> tuple[Json, dict[int, Json]]:
    """The leaf's flags and its ancestors' (by level) from a 问题标记 cell."""
    own: Json = {}
    ancestors: dict[int, Json] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[；;\n]", text))):
        target = own
        for level, prefix in enumerate(ANCESTOR_PREFIX):
            if re.match(rf"^{prefix}[:：]", part):
                target = ancestors.setdefault(level, {})
                part = part[len(prefix) + 1 :]
        for name in split_list(part):
            key = FLAG_WORDS.get(name)
            if key is None:
                raise CellError(f"问题标记“{name}”无法识别（可填：{'、'.join(FLAG_NAMES.values())}）")
            target[key] = True
    return own, ancestors


# ---------------------------------------------------------------------------- outcomes

OUTCOMES = (
    ("rules_made", "建立制度", "项"),
    ("rules_revised", "修订制度", "项"),
    ("meetings", "召开会议", "次"),
    ("funds_recovered", "收回资金", "万元"),
    ("losses_retrieved", "挽回损失", "万元"),
)
INTEGER_OUTCOMES = frozenset({"rules_made", "rules_revised", "meetings"})


def format_outcomes(outcomes: Mapping[str, float]) -> str:
    """“建立制度1项；召开会议3次；收回资金1.5万元”."""
    return "；".join(
        f"{word}{_number(outcomes[key])}{unit}" for key, word, unit in OUTCOMES if key in outcomes
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_outcomes(text: str) -> Json:
    out: Json = {}
    for part in filter(None, (p.strip() for p in re.split(r"[；;，,、\n]", text))):
        for key, word, unit in OUTCOMES:
            found = re.fullmatch(rf"{word}\s*(\d+(?:\.\d+)?)\s*{unit}", part)
            if found:
                number = float(found.group(1))
                out[key] = int(number) if key in INTEGER_OUTCOMES or number.is_integer() else number
                break
        else:
            words = "、".join(f"{word}N{unit}" for _, word, unit in OUTCOMES)
            raise CellError(f"整改成效“{part}”无法识别（可写：{words}）")
    return out


# ---------------------------------------------------------------------------- progress log

_STATE_ALTERNATIVES = "|".join(sorted((*STATES, *STATE_WORDS), key=len, reverse=True))
_LOG_LINE = re.compile(
    r"^(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*"
    rf"(?P<state>{_STATE_ALTERNATIVES})"
    r"(?:〔(?P<reopen>[^〕]+)〕)?"
    r"(?:（填报：(?P<by>.+?)）(?=[:：]|\s*$))?"
    r"\s*(?:[:：]\s*(?P<note>.*))?$"
)
_EVIDENCE_LINE = re.compile(r"^\s*佐证[:：]\s*(?P<title>.+?)(?:\s*｜\s*(?P<file>.+?))?\s*$")


def format_log(log: Iterable[Mapping[str, Any]]) -> str:
    """One line per state change, “2024-06-07 已完成〔问题反弹〕（填报：办公室）：说明”, evidence below it."""
    lines: list[str] = []
    for entry in log:
        line = f"{entry['date']} {entry['state']}"
        line += f"〔{entry['reopen']}〕" if entry.get("reopen") else ""
        line += f"（填报：{entry['by']}）" if entry.get("by") else ""
        lines.append(line + (f"：{entry['note']}" if entry.get("note") else ""))
        for item in entry.get("evidence", []):
            lines.append(f"  佐证：{item['title']}" + (f"｜{item['file']}" if item.get("file") else ""))
    return "\n".join(lines)


def is_dated_log(text: str) -> bool:
    """True when a progress cell is written as dated lines (the export's form), not free text."""
    return any(_LOG_LINE.match(line.strip()) for line in text.split("\n"))


def parse_log(text: str) -> list[Json]:
    """Dated progress lines back into log entries; other lines continue the previous note."""
    log: list[Json] = []
    for line in text.split("\n"):
        entry = _LOG_LINE.match(line.strip())
        evidence = _EVIDENCE_LINE.match(line)
        if entry:
            log.append(_log_entry(entry))
        elif not log:
            raise CellError(
                f"整改进展第一行“{line.strip()}”应以日期和状态开头，例如“2024-06-07 已完成：说明”"
            )
        elif evidence:
            item = {"title": evidence["title"]} | ({"file": evidence["file"]} if evidence["file"] else {})
            log[-1].setdefault("evidence", []).append(item)
        elif line.strip():
            log[-1]["note"] = (log[-1]["note"] + "\n" if log[-1].get("note") else "") + line.strip()
    return [_ordered(entry) for entry in log]


def _log_entry(found: re.Match[str]) -> Json:
    entry: Json = {"date": parse_date(found["date"]), "state": parse_state(found["state"])}
    if found["reopen"]:
        if found["reopen"] not in REOPEN:
            raise CellError(f"重新整改原因“{found['reopen']}”无法识别（可填：{'、'.join(REOPEN)}）")
        entry["reopen"] = found["reopen"]
    if found["by"]:
        entry["by"] = found["by"]
    if found["note"]:
        entry["note"] = found["note"].strip()
    return entry


_LOG_ORDER = ("date", "state", "note", "evidence", "reopen", "by")


def _ordered(entry: Json) -> Json:
    """Keys in the schema's order, as clerks see them in hand-written files."""
    return {key: entry[key] for key in _LOG_ORDER if key in entry}
