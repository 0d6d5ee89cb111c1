"""A ledger worksheet → feedback, plan and status records (pure).

The worksheet arrives as a :class:`Grid` of cell values with its merged ranges
(:mod:`xuncha.office.xlsxio` reads it). Real ledgers are untidy, so this module:
finds the header row among the first rows and matches its names flexibly;
spreads merged cells (an aspect or problem merged over its rows) and fills down
blank aspect and problem cells; skips blank lines; reads 方面 heading rows
(“一、……方面” across the sheet); and numbers the problems P01, P01.1 … in order —
unless the hidden 问题编号 column of an exported ledger carries the ids, which
are then kept. Every row that cannot be mapped becomes a finding with the
sheet, the row and the column; the caller writes nothing when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from xuncha.model.findings import Finding, Severity, at
from xuncha.office.ledger import (
    BY_KEY,
    DERIVED,
    WORDING,
    CellError,
    is_dated_log,
    match_headers,
    parse_deadline,
    parse_flags,
    parse_log,
    parse_measures,
    parse_milestones,
    parse_outcomes,
    parse_state,
    parse_yes_no,
    split_list,
    text_of,
    unnumbered,
)

Json = dict[str, Any]
HEADER_SCAN = 15  # header rows sit above the data, after at most a title and a note
DEFAULT_ASPECT = "巡察反馈问题"
NODE_ID = re.compile(r"^P[0-9]{2,3}(\.[0-9]{1,3}){0,2}$")
ASPECT_ID = re.compile(r"^A[0-9]{1,2}$")
LEVEL_WORDS = ("问题", "具体问题", "整改任务")
HEADING_SPAN = 3  # a text merged across this many cells is a heading, not a problem spread over two


@dataclass(frozen=True)
class Grid:
    """One worksheet as read: values row by row (row 1 first) and merged ranges (1-based, inclusive)."""

    name: str
    rows: tuple[tuple[object, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # first row, first column, last row, last column


@dataclass(frozen=True)
class Imported:
    """The records a ledger maps to, and what could not be mapped."""

    feedback: Json | None
    plan: Json | None
    statuses: dict[str, Json]
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


@dataclass
class _Row:
    """One data row: where it is, its cells by column key, and what import works out about it."""

    line: int
    cells: dict[str, object]
    aspect: str = ""
    words: list[str] = field(default_factory=list)  # wording per level: 问题, 具体问题, 整改任务
    leaf: str = ""  # the leaf problem id

    def text(self, key: str) -> str:
        return text_of(self.cells.get(key))


class _Sheet:
    """Where findings point: the workbook, the sheet and the column positions."""

    def __init__(self, source: str, grid: Grid, columns: dict[str, int]) -> None:
        self.file = f"{source}[{grid.name}]"
        self.columns = columns
        self.findings: list[Finding] = []

    def error(self, row: _Row | int, key: str | None, code: str, message: str, hint: str = "") -> None:
        line = row.line if isinstance(row, _Row) else row
        column = self.columns[key] + 1 if key in self.columns else 1
        where = f"“{BY_KEY[key].header}”栏" if key in self.columns else ""
        self.findings.append(at(self.file, code, where + message, hint, line=line, column=column))

    def read(self, row: _Row, key: str, parse: Callable[[str], Any]) -> Any:
        """``parse`` of the cell's text, or None (and a finding) when it cannot be read."""
        try:
            return parse(row.text(key))
        except CellError as error:
            self.error(row, key, "XC802", str(error), "改正这一格后重新导入。")
            return None


def import_grid(grid: Grid, round_id: str, unit_id: str, as_of: str, source: str) -> Imported:
    """The records of one ledger sheet; undated progress is recorded as of ``as_of`` (the ledger's day)."""
    cells = expand(grid)
    header = find_header(cells)
    if header is None:
        message = "找不到表头：前 15 行中没有包含“问题”（或“存在问题”“问题表现”）一栏的行"
        hint = "表头至少要有“问题”和“整改措施”等栏目名称；若台账在另一张工作表，用 --sheet 指定。"
        return Imported(None, None, {}, (at(f"{source}[{grid.name}]", "XC801", message, hint, line=1),))
    line, columns = header
    sheet = _Sheet(source, grid, columns)
    rows = _data_rows(cells, line, sheet)
    if not rows:
        sheet.error(line, None, "XC809", "表头下面没有任何问题", "在表头下逐行填写问题。")
        return Imported(None, None, {}, tuple(sheet.findings))
    _fill_down(rows, sheet)
    rows = [row for row in rows if row.words]
    if "leaf_id" in columns and any(row.text("leaf_id") for row in rows):
        _ids_given(rows, sheet)
    else:
        _number(rows, 0, "", _width(rows), sheet)
    feedback = _feedback(rows, round_id, unit_id, sheet)
    entries, statuses = _plan_and_status(rows, round_id, unit_id, as_of, sheet)
    plan = {"round": round_id, "unit": unit_id, "entries": entries} if entries else None
    return Imported(feedback, plan, statuses, tuple(sorted(sheet.findings)))


def expand(grid: Grid) -> list[list[object]]:
    """The values with every merged range filled with its top-left value, padded to one width."""
    width = max((len(r) for r in grid.rows), default=0)
    cells = [list(row) + [None] * (width - len(row)) for row in grid.rows]
    for top, left, bottom, right in grid.merged:
        value = cells[top - 1][left - 1] if top <= len(cells) and left <= width else None
        for r in range(top - 1, min(bottom, len(cells))):
            for c in range(left - 1, min(right, width)):
                cells[r][c] = value
    return cells


def find_header(cells: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The 1-based header row (the one matching most column names, with a 问题 column) and its columns."""
    best: tuple[int, dict[str, int]] | None = None
    for number, row in enumerate(cells[:HEADER_SCAN], 1):
        found = match_headers(row)
        if "problem" in found and len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (number, found)
    return best


def _data_rows(cells: list[list[object]], header: int, sheet: _Sheet) -> list[_Row]:
    """Rows below the header with content; a heading row (“一、……方面”) sets the aspect of those below."""
    rows: list[_Row] = []
    aspect = ""
    for number, raw in enumerate(cells[header:], header + 1):
        row = _Row(number, {key: raw[i] for key, i in sheet.columns.items() if i < len(raw)})
        heading = _heading(raw, row)
        if heading is not None:
            aspect = heading
        elif any(row.text(key) for key in sheet.columns if key not in DERIVED):
            row.aspect = unnumbered(row.text("aspect")) or aspect
            aspect = row.aspect
            rows.append(row)
    return rows


def _heading(raw: Sequence[object], row: _Row) -> str | None:
    """The aspect a heading row announces: one text merged across the row, or alone in 序号/方面."""
    texts = [text_of(v) for v in raw if text_of(v)]
    if len(set(texts)) != 1 or re.fullmatch(r"[\d.]+", texts[0]):
        return None
    alone = {key for key, value in row.cells.items() if text_of(value)} <= {"number", "aspect"}
    return unnumbered(texts[0]) if len(texts) >= HEADING_SPAN or alone else None


def _fill_down(rows: list[_Row], sheet: _Sheet) -> None:
    """Wording per level; a blank 问题 (or 具体问题) cell above deeper wording repeats the row above."""
    previous: _Row | None = None
    for row in rows:
        words = [unnumbered(row.text(key)) for key in WORDING]
        deepest = max((i for i, w in enumerate(words) if w), default=-1)
        if deepest < 0:
            sheet.error(row, "problem", "XC803", "为空：本行有内容但没有问题", "填写问题原文，或删除这一行。")
        for level in range(deepest):
            if not words[level] and previous is not None and previous.aspect == row.aspect:
                words[level] = previous.words[level] if level < len(previous.words) else ""
            if not words[level]:
                sheet.error(row, WORDING[level], "XC803", f"为空，但本行填写了{LEVEL_WORDS[deepest]}")
                deepest = -1
                break
        row.words = words[: deepest + 1]
        previous = row if row.words else previous


def _width(rows: Sequence[_Row]) -> int:
    problems = sum(1 for _ in groupby(rows, key=lambda r: (r.aspect, r.words[0])))
    return 3 if problems > 99 else 2


def _number(rows: list[_Row], level: int, prefix: str, width: int, sheet: _Sheet) -> None:
    """Ids for a ledger without them: consecutive rows with the same wording are one item."""
    runs = [list(run) for _, run in groupby(rows, key=lambda r: (r.aspect, *r.words[: level + 1]))]
    for n, run in enumerate(runs, 1):
        node = f"{prefix}.{n}" if prefix else f"P{n:0{width}d}"
        single = len(run) == 1 and len(run[0].words) <= (2 if level == 0 else level + 1)
        if single:
            run[0].leaf = node
            continue
        if level == len(WORDING) - 1:
            for row in run[1:]:
                sheet.error(row, WORDING[level], "XC803", "与上一行重复", "删除重复的行。")
            continue
        shallow = [row for row in run if len(row.words) <= level + 1]
        for row in shallow:
            deeper = WORDING[level + 1]
            sheet.error(
                row,
                deeper,
                "XC803",
                f"为空：同一{LEVEL_WORDS[level]}占了多行，每行都要写明{LEVEL_WORDS[level + 1]}",
                "一个问题只占一行（多条措施写在同一格里，分行编号）；或为每行填写具体问题。",
            )
        if not shallow:
            _number(run, level + 1, node, width, sheet)


def _ids_given(rows: list[_Row], sheet: _Sheet) -> None:
    """Ids from the 问题编号 column (an exported ledger): each must fit the row's wording levels."""
    seen: dict[str, _Row] = {}
    for row in rows:
        leaf = row.text("leaf_id")
        depth = leaf.count(".")
        if not leaf:
            sheet.error(row, "leaf_id", "XC804", "为空，但其他行都有问题编号", _ID_HINT)
        elif not NODE_ID.match(leaf):
            sheet.error(row, "leaf_id", "XC804", f"“{leaf}”不是有效的问题编号", _ID_HINT)
        elif leaf in seen:
            sheet.error(row, "leaf_id", "XC804", f"{leaf} 与第 {seen[leaf].line} 行重复", _ID_HINT)
        elif len(row.words) != depth + 1 and not (depth == 0 and len(row.words) == 2):
            wanted = LEVEL_WORDS[min(depth, 2)]
            sheet.error(
                row, "leaf_id", "XC804", f"{leaf} 是第 {depth + 1} 级编号，本行应填到“{wanted}”", _ID_HINT
            )
        else:
            seen[leaf] = row
            row.leaf = leaf
    for leaf, row in seen.items():
        below = next((other for other in seen if other.startswith(leaf + ".")), None)
        if below is not None:
            sheet.error(row, "leaf_id", "XC804", f"{leaf} 下还有 {below}，它不能单独占一行", _ID_HINT)
            row.leaf = ""


_ID_HINT = "问题编号由导出的台账带出，请不要修改；新增的行可清空整列编号，由工具重新编号。"


def _feedback(rows: list[_Row], round_id: str, unit_id: str, sheet: _Sheet) -> Json:
    """Aspects → problems → refined → tasks, in the order rows first mention them."""
    aspects: dict[str, Json] = {}
    nodes: dict[str, tuple[Json, _Row]] = {}
    if "aspect" not in sheet.columns and not any(row.aspect for row in rows):
        message = f"台账没有“方面”一栏，全部问题归入“{DEFAULT_ASPECT}”"
        sheet.findings.append(
            at(
                sheet.file,
                "XC810",
                message,
                "核对后可在导入的反馈意见中改写方面标题。",
                severity=Severity.WARNING,
            )
        )
    for row in rows:
        if row.leaf:
            flags = sheet.read(row, "flags", parse_flags) if row.text("flags") else None
            _place(row, _aspect(aspects, row, sheet), nodes, flags, sheet)
    return {"round": round_id, "unit": unit_id, "aspects": list(aspects.values())}


def _aspect(aspects: dict[str, Json], row: _Row, sheet: _Sheet) -> Json:
    title = row.aspect or DEFAULT_ASPECT
    given = row.text("aspect_id")
    if given and not ASPECT_ID.match(given):
        sheet.error(row, "aspect_id", "XC804", f"“{given}”不是有效的方面编号", _ID_HINT)
        given = ""
    key = given or next((k for k, a in aspects.items() if a["title"] == title), f"A{len(aspects) + 1}")
    aspect = aspects.setdefault(key, {"id": key, "title": title, "problems": []})
    if aspect["title"] != title:
        sheet.error(row, "aspect", "XC805", f"“{title}”与同一方面 {key} 前面的行“{aspect['title']}”不一致")
    return aspect


_CHILDREN = ("refined", "tasks")


def _place(
    row: _Row,
    aspect: Json,
    nodes: dict[str, tuple[Json, _Row]],
    flags: tuple[Json, dict[int, Json]] | None,
    sheet: _Sheet,
) -> None:
    """Put the row's leaf and its ancestors into the tree, checking repeated ancestors agree.

    An ancestor's flags are the union of what its rows say (“所属问题：重点问题” on any of them).
    """
    parts = row.leaf.split(".")
    for level in range(len(parts)):
        node_id = ".".join(parts[: level + 1])
        wording = _wording(row, level, leaf=level == len(parts) - 1)
        if node_id in nodes:
            node, first = nodes[node_id]
            if {k: node.get(k) for k in wording} != wording:
                sheet.error(
                    row, WORDING[level], "XC805", f"与第 {first.line} 行同一问题 {node_id} 的原文不一致"
                )
        else:
            node = {"id": node_id, **wording}
            nodes[node_id] = (node, row)
            if level == 0:
                aspect["problems"].append(node)
            else:
                parent = nodes[".".join(parts[:level])][0]
                parent.setdefault(_CHILDREN[level - 1], []).append(node)
        own = (flags[0] if level == len(parts) - 1 else flags[1].get(level, {})) if flags else {}
        if own:
            node["flags"] = {**node.get("flags", {}), **own}


def _wording(row: _Row, level: int, leaf: bool) -> Json:
    """Which field a cell fills: a problem's is its title (its text too when a leaf has both), else text."""
    if level == 0 and not leaf:
        return {"title": row.words[0]}
    if level == 0 and len(row.words) == 2:
        return {"title": row.words[0], "text": row.words[1]}
    return {"text": row.words[level]}


def _plan_and_status(
    rows: list[_Row], round_id: str, unit_id: str, as_of: str, sheet: _Sheet
) -> tuple[list[Json], dict[str, Json]]:
    entries: list[Json] = []
    statuses: dict[str, Json] = {}
    for row in rows:
        if not row.leaf:
            continue
        entry = _entry(row, sheet)
        if entry is not None:
            entries.append(entry)
        status = _status(row, round_id, unit_id, as_of, sheet)
        if status is not None:
            statuses[row.leaf] = status
    return entries, statuses


_PLAN_TEXTS = ("lead_leader", "lead_department", "responsible_person")
_PLAN_KEYS = (*_PLAN_TEXTS, "departments", "deadline", "long_term", "milestones")


def _entry(row: _Row, sheet: _Sheet) -> Json | None:
    """The plan entry of a row; responsibility or a deadline without measures cannot be one."""
    if not row.text("measures"):
        given = [BY_KEY[key].header for key in _PLAN_KEYS if row.text(key)]
        if given:
            sheet.error(row, "measures", "XC806", f"为空，但本行填写了{'、'.join(given)}", "补上整改措施。")
        return None
    entry: Json = {"problem": row.leaf, "measures": parse_measures(row.text("measures"))}
    entry.update({key: row.text(key) for key in _PLAN_TEXTS if row.text(key)})
    if row.text("departments"):
        entry["departments"] = split_list(row.text("departments"))
    _deadline(row, entry, sheet)
    if row.text("milestones"):
        entry["milestones"] = sheet.read(row, "milestones", parse_milestones)
    return {k: v for k, v in entry.items() if v is not None}


def _deadline(row: _Row, entry: Json, sheet: _Sheet) -> None:
    if row.text("deadline"):
        parsed = sheet.read(row, "deadline", lambda _text: parse_deadline(row.cells["deadline"]))
        if parsed is not None:
            entry["deadline"], long_term = parsed
            entry["long_term"] = True if long_term else None
    if row.text("long_term"):
        entry["long_term"] = sheet.read(row, "long_term", parse_yes_no)


def _status(row: _Row, round_id: str, unit_id: str, as_of: str, sheet: _Sheet) -> Json | None:
    """The status record of a row: its progress log (dated lines, or one entry on ``as_of``) and more."""
    extras = {
        "summary": row.text("summary") or None,
        "outcomes": sheet.read(row, "outcomes", parse_outcomes) if row.text("outcomes") else None,
        "internal_note": row.text("note") or None,
    }
    log = _log(row, as_of, sheet)
    if not log:
        given = [BY_KEY[k].header for k in ("progress", "summary", "outcomes", "note") if row.text(k)]
        if given and log is not None:
            sheet.error(row, "state", "XC807", f"为空，但本行填写了{'、'.join(given)}", "填写整改状态。")
        return None
    status = {"round": round_id, "unit": unit_id, "problem": row.leaf, "log": log}
    return status | {key: value for key, value in extras.items() if value}


def _log(row: _Row, as_of: str, sheet: _Sheet) -> list[Json] | None:
    """[] when nothing is reported; None when a cell could not be read (already reported)."""
    progress = row.text("progress")
    state = sheet.read(row, "state", parse_state) if row.text("state") else ""
    if state is None:
        return None
    if progress and is_dated_log(progress):
        log: list[Json] | None = sheet.read(row, "progress", parse_log)
        if log and state and log[-1]["state"] != state:
            message = f"“{state}”与整改进展最后一条的状态“{log[-1]['state']}”不一致"
            sheet.error(row, "state", "XC808", message, "在整改进展中加一行“日期 状态：说明”记下这次变化。")
            return None
        return log
    if not state:
        return []
    return [{"date": as_of, "state": state} | ({"note": progress} if progress else {})]


def findings_text(findings: Sequence[Finding]) -> Iterator[str]:
    """Findings as clerks read them: 工作表“X”第N行：…（提示）."""
    for f in findings:
        sheet = f.file[f.file.find("[") + 1 : -1] if f.file.endswith("]") else f.file
        level = "错误" if f.severity is Severity.ERROR else "警告"
        where = f"工作表“{sheet}”第 {f.line} 行" if f.line else f"工作表“{sheet}”"
        yield f"{where}：[{level}] {f.message}" + (f"\n    提示：{f.hint}" if f.hint else "")
