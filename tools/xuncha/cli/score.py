"""``xuncha score``: a unit's score sheet, or a round's ranking (the shell: load, score, print).

Rendering lives here because it is only output: text for terminals, Markdown for
pages and pull requests, JSON for machines. The scoring itself is ``scoring``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from fractions import Fraction
from functools import partial
from pathlib import Path

import click

from xuncha.cli.main import EXIT_FINDINGS, cli, emit, repository
from xuncha.load import derived
from xuncha.model.findings import Severity
from xuncha.model.index import Index
from xuncha.pipeline import validate
from xuncha.rules.rubrics import SUPERVISORS, Group, load_setting
from xuncha.rules.scoring import Line, Rank, Sheet, ranking, round_units, score_all, score_round
from xuncha.rules.scoring import fmt as num
from xuncha.rules.supervisor_metrics import Merge
from xuncha.rules.supervisor_scoring import score_supervisors
from xuncha.rules.workdays import CalendarGap

CIRCLED = "一二三四五六七八九十"


@cli.command("score")
@click.argument("round_id", metavar="ROUND", required=False)
@click.argument("unit_id", metavar="[UNIT]", required=False)
@click.option("--all", "every", is_flag=True, help="输出所有轮次的排名（一次运行）。")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="计算日期（默认：今天）。")
@click.option(
    "--format", "output", type=click.Choice(["text", "json", "markdown"]), default="text", help="输出格式。"
)
@click.option(
    "--supervisors",
    is_flag=True,
    help="评估监督单位（派驻纪检监察组、监督检查室、巡察组）履行监督责任的情况；UNIT 为监督单位名称。",
)
@click.pass_context
def score_command(
    ctx: click.Context,
    round_id: str | None,
    unit_id: str | None,
    every: bool,
    as_of: datetime | None,
    output: str,
    supervisors: bool,
) -> None:
    """质效评估评分：ROUND UNIT 输出一个单位的评分表，只给 ROUND 输出本轮各单位排名，
    --all 输出所有轮次的排名。

    自动扣分由记录计算（每项列出依据：问题、文件、情况），酌情扣分、加分和满意度取自
    rounds/ROUND/UNIT/assessment.yaml。--supervisors：按监督单位评分细则（supervisors.yaml）
    从记录和 git 历史评估本轮各监督单位，UNIT 为监督单位名称。
    """
    root = repository(ctx)
    _check_arguments(root, round_id, every, supervisors)
    day = as_of.date() if as_of else date.today()
    compute = partial(_answer, ctx, root, round_id, unit_id, day, output, supervisors)
    if supervisors:  # reads the git history, which no stamp covers
        answer = compute()
    else:
        answer = derived.answer(root, ("score", day.isoformat(), round_id, unit_id, every, output), compute)
    emit(answer.out, answer.err)
    ctx.exit(answer.code)


def _check_arguments(root: Path, round_id: str | None, every: bool, supervisors: bool) -> None:
    if every and (round_id is not None or supervisors):
        raise click.UsageError("--all 输出所有轮次的排名，不能再给出 ROUND、UNIT 或 --supervisors。")
    if round_id is None and not every:
        raise click.UsageError("缺少 ROUND：给出轮次编号，或用 --all 输出所有轮次的排名。")
    if round_id is not None and not (root / "rounds" / round_id / "round.yaml").is_file():
        raise click.UsageError(f"轮次 {round_id} 不存在（找不到 rounds/{round_id}/round.yaml）。")


def _answer(
    ctx: click.Context,
    root: Path,
    round_id: str | None,
    unit_id: str | None,
    day: date,
    output: str,
    supervisors: bool,
) -> derived.Answer:
    """The sheet or ranking (every round's without ``round_id``), computed from the records."""
    if round_id is None:
        report = validate(root)
        out = render_rankings(report.index, score_all(report.index, load_setting(root), day), output)
    else:
        scope = [f"rounds/{round_id}/round.yaml"] + (
            [f"rounds/{round_id}/{unit_id}"] if unit_id and not supervisors else [f"rounds/{round_id}"]
        )
        report = validate(root, [p for p in scope if (root / p).exists()])
        if supervisors:
            sheets = _supervisor_sheets(ctx, root, report.index, round_id, day, unit_id)
        else:
            sheets = score_round(
                report.index, load_setting(root), round_id, day, _units(report.index, round_id, unit_id)
            )
        if unit_id and not sheets:
            raise click.UsageError(f"{unit_id} 的评估记录所用评分细则不存在：运行 xuncha validate 查看。")
        out = (
            render_sheet(sheets[0], output)
            if unit_id
            else render_ranking(report.index, round_id, sheets, output)
        )
    errors = sum(1 for f in report.findings if f.severity is Severity.ERROR)
    if not errors:
        return derived.Answer(f"{out}\n", "", 0)
    warning = f"注意：相关记录有 {errors} 个校验错误，出错的文件未计入评分；运行 xuncha validate 查看。\n"
    return derived.Answer(f"{out}\n", warning, EXIT_FINDINGS)


def _supervisor_sheets(
    ctx: click.Context, root: Path, index: Index, round_id: str, day: date, body: str | None
) -> list[Sheet]:
    """The bodies' sheets (or one body's), from the record and the mainline's git history."""
    setting = load_setting(root)
    rubric = next((r for r in setting.rubrics.rubrics.values() if SUPERVISORS in r.applies_to), None)
    if rubric is None:
        raise click.UsageError(
            "没有监督单位评分细则（applies_to: [监督单位]，见 tools/xuncha/rules/data/rubrics/）。"
        )
    try:
        sheets = score_supervisors(index, setting, rubric, round_id, day, _merges(root, round_id))
    except CalendarGap as gap:
        click.echo(f"无法计算期限：{gap}。{gap.hint}", err=True)
        ctx.exit(EXIT_FINDINGS)
    if body is None:
        return sheets
    mine = [s for s in sheets if s.unit == body]
    if not mine:
        names = "、".join(s.unit for s in sheets) or "（无）"
        raise click.UsageError(f"{body} 不是轮次 {round_id} 的监督单位（可选：{names}）。")
    return mine


def _merges(root: Path, round_id: str) -> list[Merge] | None:
    """The round's changes on the mainline as merges; None when there is no usable git history."""
    try:
        from xuncha.review import gitio, history
        from xuncha.site.history import read_trail
    except ImportError:  # no git program
        return None
    try:
        repo = gitio.open_repo(root)
        if not gitio.has_commits(repo) or gitio.is_shallow(repo):
            return None
        entries = read_trail(root, repo, gitio.mainline(repo) or "HEAD", history.round_paths(round_id))
    except gitio.GitError:
        return None
    return history.merges(entries)


def _units(index: Index, round_id: str, unit_id: str | None) -> list[str]:
    listed = round_units(index, round_id)
    if unit_id is None:
        return listed
    if unit_id not in listed:
        raise click.UsageError(f"{unit_id} 不是轮次 {round_id} 的被巡察单位（可选：{'、'.join(listed)}）。")
    return [unit_id]


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


def render_rankings(index: Index, rounds: dict[str, list[Sheet]], output: str) -> str:
    """Every round's ranking: one JSON list of rounds, or the rankings one after another."""
    if output == "json":
        listed = [{"round": r, "ranking": _ranking_json(sheets)} for r, sheets in rounds.items()]
        return json.dumps(listed, ensure_ascii=False, indent=2)
    return "\n\n".join(render_ranking(index, r, sheets, output) for r, sheets in rounds.items())


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
