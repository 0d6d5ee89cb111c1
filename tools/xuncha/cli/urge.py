"""``xuncha urge``: 一键督办 — one 督办函 (.docx) per unit for its red (and yellow) obligations,
each recorded as a supervision action in the unit's ``supervision.yaml``.

A thin shell: the obligations are ``xuncha overdue``'s, the selection is
:mod:`xuncha.rules.urging`, the letter :mod:`xuncha.office.urge_doc` laid out by
:mod:`xuncha.office.docxio`, the record appended by the clerk's round-trip writer
(comments and key order kept). Nothing is written when any record would be refused.
Exit codes: 0 done (or nothing to urge), 1 refused or findings, 2 usage errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import click

from xuncha.clerk import gitops
from xuncha.clerk.records import Desk, Written, ids_in, next_id
from xuncha.cli.desk import refusals
from xuncha.cli.main import EXIT_FINDINGS, repository
from xuncha.cli.overdue import _as_of, _selected, _warn
from xuncha.load import collector
from xuncha.model import schemas
from xuncha.model.findings import Severity
from xuncha.model.repo import config
from xuncha.pipeline import validate
from xuncha.rules import urging
from xuncha.rules.deadlines import schedule
from xuncha.rules.profiles import Light
from xuncha.rules.ruledata import load_rules
from xuncha.rules.workdays import CalendarGap, Offset, Unit, shift

LIGHTS = {"red": frozenset({Light.RED}), "yellow": frozenset({Light.RED, Light.YELLOW})}


@click.command("urge")
@click.option("--as-of", "as_of", callback=_as_of, help="督办日期 YYYY-MM-DD（默认：今天）。")
@click.option(
    "--light",
    type=click.Choice(["red", "yellow"]),
    default="red",
    show_default=True,
    help="red：只督办红灯（已逾期）事项；yellow：红灯和黄灯（即将到期）事项。",
)
@click.option("--round", "round_id", help="只督办这一轮。")
@click.option("--unit", "unit_id", help="只督办这个单位。")
@click.option(
    "--reply-days",
    type=click.IntRange(1, 60),
    default=5,
    show_default=True,
    help="要求书面回复的期限：督办日期后的工作日数。",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="督办函（.docx）存放的文件夹（默认：当前目录下的 督办函/督办日期）。",
)
@click.option("--dry-run", is_flag=True, help="只列出将要发出的督办函和将要写入的记录，不写任何文件。")
@click.pass_context
def urge_command(
    ctx: click.Context,
    as_of: date,
    light: str,
    round_id: str | None,
    unit_id: str | None,
    reply_days: int,
    out: Path | None,
    dry_run: bool,
) -> None:
    """一键督办：为每个有红灯（--light yellow 时含黄灯）事项的单位起草一份督办函（Word，公文格式），
    写明逾期事项、逾期天数、依据的规定及出处和回复期限，并在该单位的 supervision.yaml 中登记一条督办记录。

    同一天再次运行不会重复发函：当天的督办函已经涵盖全部事项的单位跳过。
    """
    root = repository(ctx)
    with collector.paused():
        checked = validate(root)
        rules = load_rules(root)
        default = config(root).get("profile")
        # the units' own obligations (a grade's follow-up is the supervisors' to carry out), and
        # none of a closed unit: it has left the daily tracking
        plan = schedule(checked.index, rules.profiles, default, rules.calendar, as_of)
        found = _selected(ctx, list(plan.daily), checked.index.rounds, checked.index.units, round_id, unit_id)
        todo = urging.plan(checked.index, found, LIGHTS[light], as_of, rules.profiles, default)
    try:
        reply_by = shift(rules.calendar, as_of, Offset(reply_days, Unit.WORKDAYS))
    except CalendarGap as gap:
        click.echo(f"无法计算回复期限：{gap}。{gap.hint}", err=True)
        ctx.exit(EXIT_FINDINGS)
    folder = out or Path("督办函") / as_of.isoformat()
    directory = schemas.schema_dir(root)
    desk = Desk(schemas.load_schemas(directory), partial(schemas.check, directory), checked.index)
    with refusals(ctx):
        letters = [_letter(root, desk, draft, as_of, reply_by, folder) for draft in todo.drafts]
    _report(todo, letters, dry_run)
    _warn([], len(checked.index.broken))  # files with errors: their obligations are not known
    if not dry_run:
        _write(ctx, root, todo, letters, as_of, reply_by)


@dataclass(frozen=True)
class Letter:
    """A letter to write: its .docx, its record's id and the supervision file with the record added."""

    docx: Path
    record_id: str
    written: Written


def _letter(root: Path, desk: Desk, draft: urging.Draft, as_of: date, reply_by: date, folder: Path) -> Letter:
    """The letter's file and the supervision record it adds (judged by the review's rules)."""
    file = f"rounds/{draft.round}/{draft.unit}/supervision.yaml"
    path = root / file
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    used = ids_in(old or "") | ids_in(gitops.history_text(root, file))
    record_id = next_id("S", 1, used)
    docx = folder / f"{draft.round}-{draft.unit}-{record_id}-督办函.docx"
    entry = urging.action(draft, record_id, as_of, reply_by, docx.name)
    item = desk.item("supervision", "actions", entry, fill=False)
    return Letter(docx, record_id, desk.append(file, old, ("actions",), item))


def _report(todo: urging.Plan, letters: list[Letter], dry_run: bool) -> None:
    verb = "将写入" if dry_run else "已写入"
    for draft, letter in zip(todo.drafts, letters, strict=True):
        click.echo(f"{verb} {letter.docx}：致{draft.unit_name}（{draft.round}），{len(draft.items)}项")
        for o in draft.items:
            click.echo(
                f"    {o.light.label}  {o.state.label}  时限 {o.due}  {urging.reference(o)}  {o.title}"
            )
        click.echo(f"  {verb} {letter.written.file}：督办记录 {letter.record_id}")
    for round_id, unit_id in todo.urged:
        click.echo(f"跳过 {round_id}/{unit_id}：今天的督办函已涵盖全部事项。")
    if todo.round_level:
        click.echo(f"另有 {todo.round_level} 项轮次层面的程序事项（由巡察机构自身办理），不发督办函。")
    if not todo.drafts and not todo.urged:
        click.echo("没有需要督办的事项。")


def _write(
    ctx: click.Context, root: Path, todo: urging.Plan, letters: list[Letter], as_of: date, reply_by: date
) -> None:
    from xuncha.office import docxio, urge_doc  # python-docx loads slowly; only a real run needs it

    for draft, letter in zip(todo.drafts, letters, strict=True):
        letter.docx.parent.mkdir(parents=True, exist_ok=True)
        docxio.write(urge_doc.blocks(draft, as_of, reply_by), letter.docx)
        (root / letter.written.file).write_bytes(letter.written.text.encode("utf-8"))
    files = [letter.written.file for letter in letters]
    findings = [f for f in validate(root, files).findings if f.file in files] if files else []
    for finding in findings:
        click.echo(finding.as_text(), err=True)
    if any(f.severity is Severity.ERROR for f in findings):
        ctx.exit(EXIT_FINDINGS)
