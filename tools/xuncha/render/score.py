"""Score sheets and rankings as text for terminals, Markdown for pages and pull requests, JSON
for machines (``xuncha score``). The scoring itself is ``xuncha.rules.scoring``."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from fractions import Fraction

from xuncha.model.index import Index
from xuncha.rules.rubrics import SUPERVISORS, Group
from xuncha.rules.scoring import Line, Rank, Sheet, ranking
from xuncha.rules.scoring import fmt as num

CIRCLED = "一二三四五六七八九十"


# ---------------------------------------------------------------------------- one sheet


def render_sheet(sheet: Sheet, output: str) -> str:
    if output == "json":
        return json.dumps(sheet.as_json(), ensure_ascii=False, indent=2)
    return "\n".join(_markdown(sheet) if output == "markdown" else _text(sheet))


def _heading(sheet: Sheet) -> Iterator[str]:
    rubric = sheet.rubric
    yield f"评分细则：{rubric.title}（{rubric.id}，{rubric.source}）"
    yield f"计算日期：{sheet.as_of}"
    if _of_bodies(sheet):
        yield f"所监督单位的整改落实率：{_percent(sheet.rate)}"
        return
    a = sheet.assessment
    yield f"评估：{a.assessor}，{a.date}（{a.file}）" if a else "评估：没有评估记录"
    yield f"整改落实率：{_percent(sheet.rate)}"


def _of_bodies(sheet: Sheet) -> bool:
    """A supervising body's sheet (seed 004), not an inspected unit's."""
    return SUPERVISORS in sheet.rubric.applies_to


def _who(sheet: Sheet) -> str:
    return sheet.unit_name if _of_bodies(sheet) else f"{sheet.unit_name}（{sheet.unit}）"


def _text(sheet: Sheet) -> Iterator[str]:
    kind = "监督责任评估评分表" if _of_bodies(sheet) else "质效评估评分表"
    yield f"{kind}：{_who(sheet)}，轮次 {sheet.round}"
    yield from _heading(sheet)
    for n, group in enumerate(sheet.groups):
        kind = "加分" if group.group.bonus else "小计"
        yield ""
        yield f"{_ordinal(n)}、{_group_title(group.group)}  {kind} {num(group.subtotal)}"
        for item in group.items:
            yield f"  {item.item.id}. {item.item.title}  满分 {num(item.item.max)}  得分 {num(item.score)}"
            for line in item.lines:
                yield from _text_line(line, group.group.bonus)
            yield from (f"      （{note}）" for note in item.notes)
    yield ""
    base = f"{num(sheet.base)}/{num(sheet.rubric.base)}"
    yield f"基础分 {base}  加分 {num(sheet.bonus)}  总分 {num(sheet.total)}"
    yield f"等次：{sheet.grade.name}。{sheet.grade.action}。"
    yield from _notes(sheet, "说明：", "  · ")


def _group_title(group: Group) -> str:
    """The heading with the points the scorer uses, and the printed header where it differs."""
    printed = f"，原表表头印{num(group.printed)}分" if group.printed != group.points else ""
    return f"{group.title}（{num(group.points)}分{printed}）"


def _text_line(line: Line, bonus: bool) -> Iterator[str]:
    sign = "+" if bonus else "−"
    tag = f"[{line.rule} {line.source}]" if line.rule else f"[{line.source}]"
    note = f"（{line.note}）" if line.note else ""
    effect = "此项不得分" if line.zero else f"{sign}{num(line.points)}分"
    yield f"    {effect} {tag} {line.text}{note}"
    if line.reason:
        yield f"        理由：{line.reason}"
    if line.evidence:
        yield f"        依据：{'；'.join(line.evidence)}"
    for fact in line.facts:
        yield f"        · {fact.ref}  {fact.file}：{fact.text}"


def _notes(sheet: Sheet, title: str, bullet: str) -> Iterator[str]:
    if sheet.notes:
        yield ""
        yield title
        yield from (f"{bullet}{note}" for note in sheet.notes)


def _markdown(sheet: Sheet) -> Iterator[str]:
    kind = "监督责任评估评分表" if _of_bodies(sheet) else "质效评估评分表"
    yield f"# {kind}：{_md(sheet.unit_name)}（{sheet.round}）"
    yield ""
    yield from (f"- {_md(line)}" for line in _heading(sheet))
    yield ""
    yield "| 评估项目 | 序号 | 评估内容 | 分值 | 得分 |"
    yield "|---|---|---|---:|---:|"
    for group in sheet.groups:
        head = _group_title(group.group)
        for i, item in enumerate(group.items):
            label = _md(head) if i == 0 else ""
            cells = f"{item.item.id} | {_md(item.item.title)} | {num(item.item.max)} | {num(item.score)}"
            yield f"| {label} | {cells} |"
    yield f"| **基础分** | | | {num(sheet.rubric.base)} | {num(sheet.base)} |"
    yield f"| **加分** | | | | {num(sheet.bonus)} |"
    yield f"| **总分** | | | | **{num(sheet.total)}** |"
    yield ""
    yield f"**等次：{sheet.grade.name}**。{_md(sheet.grade.action)}。"
    yield from _markdown_details(sheet)
    yield from _notes(sheet, "## 说明\n", "- ")


def _markdown_details(sheet: Sheet) -> Iterator[str]:
    yield ""
    yield "## 扣分和加分依据"
    for group in sheet.groups:
        for item in group.items:
            if not item.lines and not item.notes:
                continue
            yield ""
            got = f"{num(item.score)}/{num(item.item.max)}"
            yield f"### 第{item.item.id}项 {_md(item.item.title)}（得分 {got}）"
            yield ""
            for line in item.lines:
                sign = "+" if group.group.bonus else "−"
                effect = "此项不得分" if line.zero else f"{sign}{num(line.points)}分"
                tag = f"{line.rule} {line.source}" if line.rule else line.source
                note = f"（{_md(line.note)}）" if line.note else ""
                yield f"- **{effect}**【{tag}】{_md(line.text)}{note}"
                yield from _markdown_why(line)
            yield from (f"- {_md(note)}" for note in item.notes)


def _markdown_why(line: Line) -> Iterator[str]:
    if line.reason:
        yield f"  - 理由：{_md(line.reason)}"
    if line.evidence:
        yield f"  - 依据：{_md('；'.join(line.evidence))}"
    yield from (f"  - {_md(f.ref)}（`{f.file}`）：{_md(f.text)}" for f in line.facts)


# ---------------------------------------------------------------------------- a round's ranking


def round_in_rankings(index: Index, round_id: str, sheets: Iterable[Sheet], output: str) -> str:
    """One round's share of every round's rankings (:func:`joined_rankings`): kept apart so that a
    round whose records did not change is not scored and rendered again (:mod:`xuncha.rounds`)."""
    if output == "json":
        listed = {"round": round_id, "ranking": _ranking_json(sheets)}
        return json.dumps(listed, ensure_ascii=False, indent=2)
    return render_ranking(index, round_id, sheets, output)


def joined_rankings(parts: Iterable[str], output: str) -> str:
    """Every round's ranking: one JSON list of rounds (as ``json.dumps(…, indent=2)`` writes a
    list), or the rankings one after another."""
    if output != "json":
        return "\n\n".join(parts)
    listed = ",\n".join("  " + part.replace("\n", "\n  ") for part in parts)  # "\n" only: not U+2028
    return f"[\n{listed}\n]" if listed else "[]"


def render_ranking(index: Index, round_id: str, sheets: Iterable[Sheet], output: str) -> str:
    if output == "json":
        return json.dumps(_ranking_json(sheets), ensure_ascii=False, indent=2)
    rows = ranking(sheets)
    record = index.rounds.get(round_id)
    name = str(record.data.get("name", "")) if record else ""
    day = rows[0].sheet.as_of if rows else ""
    bodies = bool(rows) and _of_bodies(rows[0].sheet)
    what = "监督单位履行监督责任评估排名" if bodies else "质效评估排名"
    title = f"{round_id} {name} {what}（计算日期 {day}）"
    header = ["名次", "单位", "总分", "等次", "整改落实率", "评分细则", "评估"]
    if bodies:
        header = ["名次", "监督单位", "总分", "等次", "所监督单位整改落实率", "评分细则"]
    body = [_rank_cells(row) for row in rows]
    if output == "markdown":
        lines = [f"# {_md(title)}", "", _md_row(header), "|" + "---|" * len(header)]
        return "\n".join([*lines, *(_md_row(cells) for cells in body)])
    return "\n".join([title, *_aligned([header, *body])])


def _rank_cells(row: Rank) -> list[str]:
    s = row.sheet
    cells = [str(row.rank), _who(s), num(s.total), s.grade.name, _percent(s.rate), s.rubric.id]
    if _of_bodies(s):
        return cells
    return [
        *cells,
        f"{s.assessment.date} {s.assessment.assessor}" if s.assessment else "无评估记录（仅自动扣分）",
    ]


def _ranking_json(sheets: Iterable[Sheet]) -> list[dict[str, object]]:
    return [_rank_json(row) for row in ranking(sheets)]


def _rank_json(row: Rank) -> dict[str, object]:
    s = row.sheet
    return {
        "rank": row.rank,
        "unit": s.unit,
        "unit_name": s.unit_name,
        "total": float(num(s.total)),
        "grade": s.grade.name,
        "action": s.grade.action,
        "rectification_rate": round(float(s.rate), 4),
        "rubric": s.rubric.id,
        "assessed": s.assessment is not None,
    }


def _aligned(rows: list[list[str]]) -> Iterator[str]:
    """Columns padded by display width (a Chinese character takes two columns)."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        yield "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _ordinal(n: int) -> str:
    return CIRCLED[n] if n < len(CIRCLED) else str(n + 1)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"
