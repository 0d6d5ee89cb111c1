"""``xuncha score``: a unit's score sheet, or a round's ranking, or every round's (the shell:
load, score, print; rendering is ``xuncha.render.score``).

A repeat with nothing changed replays the last answer (:mod:`xuncha.load.derived`), so the
loading, scoring and rendering modules are imported only when an answer is computed.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import click

from xuncha import pipeline
from xuncha.cli.main import EXIT_FINDINGS, cli, emit, repository
from xuncha.load import derived, verdict
from xuncha.model.findings import Severity
from xuncha.model.index import Index
from xuncha.model.merges import Merge
from xuncha.render import score as shown
from xuncha.rounds import Plain, worked_out
from xuncha.rules import scoring
from xuncha.rules.rubrics import SUPERVISORS, load_setting
from xuncha.rules.scoring import Sheet, round_units
from xuncha.rules.supervisor_scoring import score_supervisors
from xuncha.rules.workdays import CalendarGap


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
        answer = compute(None)
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
    now: verdict.Inputs | None,
) -> derived.Answer:
    """The sheet or ranking (every round's without ``round_id``), computed from the records
    (``now``: the inputs as stamped)."""

    if round_id is None:
        assert now is not None
        findings = pipeline.validate(root, need_index=False, stamped=now).findings
        out = _rankings(root, now, day, output)
    else:
        scope = [f"rounds/{round_id}/round.yaml"] + (
            [f"rounds/{round_id}/{unit_id}"] if unit_id and not supervisors else [f"rounds/{round_id}"]
        )
        report = pipeline.validate(root, [p for p in scope if (root / p).exists()])
        if supervisors:
            sheets = _supervisor_sheets(ctx, root, report.index, round_id, day, unit_id)
        else:
            units = _units(report.index, round_id, unit_id)
            sheets = scoring.score_round(report.index, load_setting(root), round_id, day, units)
        if unit_id and not sheets:
            raise click.UsageError(f"{unit_id} 的评估记录所用评分细则不存在：运行 xuncha validate 查看。")
        out = (
            shown.render_sheet(sheets[0], output)
            if unit_id
            else shown.render_ranking(report.index, round_id, sheets, output)
        )
        findings = report.findings
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if not errors:
        return derived.Answer(f"{out}\n", "", 0)
    warning = f"注意：相关记录有 {errors} 个校验错误，出错的文件未计入评分；运行 xuncha validate 查看。\n"
    return derived.Answer(f"{out}\n", warning, EXIT_FINDINGS)


def _rankings(root: Path, now: verdict.Inputs, day: date, output: str) -> str:
    """Every round's ranking; a round none of whose inputs changed since the last run keeps its own."""
    setting = load_setting(root)

    def parts(index: Index) -> dict[str, str]:
        everything = scoring.score_all(index, setting, day)
        return {r: shown.round_in_rankings(index, r, sheets, output) for r, sheets in everything.items()}

    worked = worked_out(root, now, ("rankings", day.isoformat(), output), parts, Plain(str, _text))
    return shown.joined_rankings(worked.parts.values(), output)


def _text(row: object) -> str:
    """A kept ranking, which is text (anything else: the file was tampered with)."""
    if not isinstance(row, str):
        raise TypeError(row)
    return row


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
    from xuncha.review import gitlog, history
    from xuncha.site.history import read_trail

    try:
        gitlog.top_level(root)
        if not gitlog.has_commits(root) or gitlog.is_shallow(root):
            return None
        entries = read_trail(root, gitlog.mainline(root) or "HEAD", history.round_paths(round_id))
    except gitlog.GitError:
        return None
    return history.merges(entries)


def _units(index: Index, round_id: str, unit_id: str | None) -> list[str]:

    listed = round_units(index, round_id)
    if unit_id is None:
        return listed
    if unit_id not in listed:
        raise click.UsageError(f"{unit_id} 不是轮次 {round_id} 的被巡察单位（可选：{'、'.join(listed)}）。")
    return [unit_id]
