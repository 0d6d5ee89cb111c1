"""``xuncha new``: one command per kind of record, registered from the table ``KINDS``.

Each row names the command, its Chinese help, its arguments and options, and the function that
writes the record; the options a record's schema describes are asked for in a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from xuncha.clerk import gitops
from xuncha.clerk.records import LIST_ITEMS, NOTICE_PREFIX, Target, next_id, plan_entries
from xuncha.clerk.scaffold import skeleton
from xuncha.cli.desk import (
    DATE,
    Field,
    Session,
    finish,
    open_session,
    options,
    refusals,
    refused,
    writable,
)
from xuncha.cli.entries import EVIDENCE, EXTENSION, FIRST_ENTRY, append_item, extension, log_progress
from xuncha.cli.main import cli
from xuncha.model.fields import PLACEHOLDER

IN_FOLDER = ("round_id", "unit")


@cli.group("new")
def new_group() -> None:
    """新建记录：写在正确的位置、使用新的编号（用过的编号永不复用），必填字段齐全并附中文注释，
    还不知道的内容写“待填写”（xuncha validate 会一直提示，直到填好）。

    在终端中运行时逐项用中文提问；在脚本中用选项给出。
    """


@dataclass(frozen=True)
class NewCommand:
    """One ``xuncha new`` command: its name, Chinese help, arguments and options, and its writer,
    called as ``write(ctx, spec, *arguments, **options)``."""

    name: str
    help: str
    arguments: tuple[str, ...]
    write: Callable[..., None]
    fields: tuple[Field, ...] = ()


def _register(spec: NewCommand) -> None:
    """Add the command to ``new``: arguments first, then options, as --help lists them."""

    def run(ctx: click.Context, /, **params: Any) -> None:
        spec.write(ctx, spec, **params)

    command = options(*spec.fields)(click.pass_context(run))
    for argument in reversed(spec.arguments):
        command = click.argument(argument)(command)
    new_group.command(spec.name, help=spec.help)(command)


# --- whole files ---------------------------------------------------------------------------------


def _fresh(
    ctx: click.Context,
    session: Session,
    file: str,
    kind: str,
    values: dict[str, Any],
    notes: Any = None,
    *,
    numbered: bool = False,
) -> None:
    """Create ``file`` from the scaffold, never over an existing one; a ``numbered`` file (unit,
    round, notice) never at a path git once had either: its ID would be reused."""
    with refusals(ctx):
        writable(session.root, file)
        if (session.root / file).exists():
            raise refused(file, "XC716", "文件已存在，不能覆盖", "直接编辑它，或用 xuncha progress 等追加。")
        if numbered and file in gitops.history_paths(session.root, file):
            raise refused(file, "XC716", "这个编号曾经使用过（文件已删除），编号不得复用", "换一个新编号。")
        data = skeleton(session.desk.schemas, kind, {k: v for k, v in values.items() if v is not None})
        written = session.desk.create(file, data, notes or {})
    finish(ctx, session, written)


def _folder_session(ctx: click.Context, round_id: str, unit: str) -> tuple[Session, Target]:
    """A session on one unit folder, which the round must list."""
    target, round_file = Target(round_id, unit, ""), f"rounds/{round_id}/round.yaml"
    session = open_session(ctx, round_file, target.folder)
    if round_file in session.desk.index.broken:
        raise click.UsageError(
            f"{round_file} 还有错误或“{PLACEHOLDER}”：先改好，再运行 xuncha validate 检查。"
        )
    if session.desk.index.round_unit(round_id, unit) is None:
        raise click.UsageError(
            f"轮次 {round_id} 中没有单位 {unit}：先在 {round_file} 的 units 中加入，或检查拼写。"
        )
    return session, target


def _unit(ctx: click.Context, spec: NewCommand, /, unit_id: str, **values: Any) -> None:
    session = open_session(ctx, "units")
    values = {"id": unit_id, **session.ask_all("unit", spec.fields, values)}
    _fresh(ctx, session, f"units/{unit_id}.yaml", "unit", values, numbered=True)


def _round(ctx: click.Context, spec: NewCommand, /, round_id: str, **values: Any) -> None:
    session = open_session(ctx, "units")
    values = session.ask_all("round", spec.fields, values)
    values = {"id": round_id, **values, "units": [{"unit": unit} for unit in values["units"]] or None}
    _fresh(ctx, session, f"rounds/{round_id}/round.yaml", "round", values, numbered=True)


def _feedback(ctx: click.Context, _spec: NewCommand, /, round_id: str, unit: str) -> None:
    session, target = _folder_session(ctx, round_id, unit)
    aspects = [{"id": "A1", "problems": [{"id": "P01"}]}]
    values = {"round": round_id, "unit": unit, "aspects": aspects}
    _fresh(ctx, session, f"{target.folder}/feedback.yaml", "feedback", values)


def _plan(ctx: click.Context, _spec: NewCommand, /, round_id: str, unit: str) -> None:
    session, target = _folder_session(ctx, round_id, unit)
    folder = session.desk.folder(target)
    if folder is None or not folder.nodes:
        raise click.UsageError(f"{target.folder} 还没有可用的反馈意见（feedback.yaml）：先录入并通过校验。")
    entries, notes = plan_entries(folder)
    values = {"round": round_id, "unit": unit, "entries": entries}
    _fresh(ctx, session, f"{target.folder}/plan.yaml", "plan", values, notes)


def _notice(ctx: click.Context, spec: NewCommand, /, round_id: str, unit: str, **values: Any) -> None:
    session, target = _folder_session(ctx, round_id, unit)
    folder = f"{target.folder}/notices"
    used = {Path(p).stem for p in gitops.history_paths(session.root, folder)}
    used |= {p.stem for p in (session.root / folder).glob("*.yaml")}
    notice = next_id(NOTICE_PREFIX, 1, used)
    record = session.desk.index.units.get(unit)
    name = record.data.get("name") if record else None
    title = f"{name}关于巡察整改进展情况的通报" if name else None
    values = session.ask_all(
        "notice", spec.fields, {"id": notice, "round": round_id, "unit": unit, "title": title, **values}
    )
    _fresh(ctx, session, f"{folder}/{notice}.yaml", "notice", values, numbered=True)


# --- entries -------------------------------------------------------------------------------------


def _progress(
    ctx: click.Context, _spec: NewCommand, /, problem: str, evidence: tuple[Path, ...], **values: Any
) -> None:
    log_progress(ctx, problem, values, evidence, new=True)


def _extension(ctx: click.Context, _spec: NewCommand, /, problem: str, **values: Any) -> None:
    extension(ctx, problem, values, required=False)


def _report(ctx: click.Context, spec: NewCommand, /, round_id: str, unit: str, **values: Any) -> None:
    session, target = _folder_session(ctx, round_id, unit)
    given = session.ask_all("reports", spec.fields, values)
    item = {"kind": given["kind"], "period": given["period"], "submissions": [{"date": given["date"]}]}
    append_item(ctx, session, "report", target, item)


def _listed(ctx: click.Context, spec: NewCommand, /, round_id: str, unit: str, **values: Any) -> None:
    """A clue or a petition: an item of its list in clues.yaml, named like the command."""
    session, target = _folder_session(ctx, round_id, unit)
    given = session.ask_all(LIST_ITEMS[spec.name][0], spec.fields, values)
    append_item(ctx, session, spec.name, target, given)


TOP: tuple[str | int, ...] = ()  # a field of the record itself, not of a list item in it

KINDS = (
    NewCommand(
        "unit",
        "新建被巡察单位 units/UNIT_ID.yaml。",
        ("unit_id",),
        _unit,
        (
            Field("--name", "单位全称。", under=TOP),
            Field("--type", "单位类型：区级机关、企事业单位、区镇、街道、村、社区。", under=TOP),
            Field("--jurisdiction", "所属县（市、区）。", under=TOP),
            Field("--parent", "上级单位编号（村、社区填所属区镇或街道）。"),
        ),
    ),
    NewCommand(
        "round",
        "新建巡察轮次 rounds/ROUND_ID/round.yaml。",
        ("round_id",),
        _round,
        (
            Field("--name", "轮次名称，例如 十四届区委第三轮巡察。", under=TOP),
            Field("--kind", "巡察类型：常规、专项、提级、交叉、机动、回头看。", under=TOP),
            Field("--body", "巡察主体，例如 中共澄湖区委。", under=TOP, dest="inspecting_body"),
            Field("--entry", "进驻日期。", DATE, under=TOP, dest="entry_date"),
            Field("--exit", "撤离日期。", DATE, under=TOP, dest="exit_date"),
            Field("--unit", "被巡察单位编号（可多次给出）。", dest="units", multiple=True),
        ),
    ),
    NewCommand(
        "feedback",
        "新建反馈意见（问题清单）feedback.yaml：方面 A1、问题 P01 起编，原文照录。",
        IN_FOLDER,
        _feedback,
    ),
    NewCommand(
        "plan",
        "新建整改方案 plan.yaml：反馈意见的每个末级问题一条（照单全收），问题原文写在注释里。",
        IN_FOLDER,
        _plan,
    ),
    NewCommand(
        "progress",
        "新建一个问题的进展文件 status/<问题编号>.yaml，写入第一条进展。",
        ("problem",),
        _progress,
        (*FIRST_ENTRY, EVIDENCE),
    ),
    NewCommand(
        "extension",
        "新建一条延期记录（extensions.yaml，编号 E…）；没给出的内容写“待填写”。",
        ("problem",),
        _extension,
        EXTENSION,
    ),
    NewCommand(
        "report",
        "新建一份报告（reports.yaml，编号 R…），带第一次报送记录。",
        IN_FOLDER,
        _report,
        (
            Field(
                "--kind",
                "报告类型：整改进展报告、主要负责人报告、季度进展、办结报告、整改情况报告。",
                under=("reports", 0),
            ),
            Field("--period", "季度进展所属季度，例如 2026Q4。"),
            Field("--date", "报送日期（留空则写“待填写”）。", DATE, under=("reports", 0, "submissions", 0)),
        ),
    ),
    NewCommand(
        "clue",
        "登记一条移交的问题线索（clues.yaml，编号 C…）。保密：不要写任何人员姓名。",
        IN_FOLDER,
        _listed,
        (
            Field("--category", "类别：进一步了解关注类、了解关注类、其他类。", under=("clues", 0)),
            Field("--received", "接收日期。", DATE, under=("clues", 0)),
        ),
    ),
    NewCommand(
        "petition",
        "登记一件交办的信访件（clues.yaml，编号 XF…）。保密：不要写任何人员姓名。",
        IN_FOLDER,
        _listed,
        (
            Field("--received", "交办日期。", DATE, under=("petitions", 0)),
            Field("--deadline", "办理时限。", DATE, under=("petitions", 0)),
        ),
    ),
    NewCommand(
        "notice",
        "新建整改进展通报 notices/N….yaml（发布前须“三把关”签署）。",
        IN_FOLDER,
        _notice,
        (Field("--as-of", "统计截至日期。", DATE, under=TOP),),
    ),
)

for spec in KINDS:
    _register(spec)
