"""``xuncha import-xlsx``, ``export-xlsx`` and ``export-docx``: thin shells for Office files.

Import writes nothing unless the whole ledger maps and the would-be records pass
``xuncha validate`` in a scratch copy of the repository; it never overwrites a
record. Exit codes: 0 done, 1 findings or refusal, 2 usage errors.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from xuncha.cli.main import EXIT_FINDINGS, cli, repository
from xuncha.cli.overdue import _as_of
from xuncha.model.findings import Finding, Severity
from xuncha.model.index import Index, Record
from xuncha.model.layout import place_of
from xuncha.office.ledger_import import Grid, Imported, findings_text, import_grid
from xuncha.pipeline import validate

# openpyxl, python-docx and the YAML writer load slowly: each command imports what it needs,
# so that `xuncha validate` does not pay for them.


@cli.command("import-xlsx")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "round_id", required=True, help="轮次编号，例如 2025-wj-r1。")
@click.option("--unit", "unit_id", required=True, help="被巡察单位编号，例如 wj-fgj。")
@click.option("--sheet", help="台账所在的工作表（默认：以单位简称命名的表，或唯一的一张表）。")
@click.option(
    "--as-of",
    "as_of",
    callback=_as_of,
    help="台账的填报日期 YYYY-MM-DD：未写日期的进展按这一天记入（默认：今天）。",
)
@click.option("--dry-run", is_flag=True, help="只显示将写入的文件和内容，不写入。")
@click.pass_context
def import_xlsx_command(
    ctx: click.Context,
    workbook: Path,
    round_id: str,
    unit_id: str,
    sheet: str | None,
    as_of: date,
    dry_run: bool,
) -> None:
    """从 Excel/WPS 整改台账（.xlsx）导入反馈意见、整改方案和整改状态。

    表头按常见叫法识别（序号、方面、问题/问题表现、整改措施、责任领导、责任部门、责任人、
    整改时限、整改进展、整改状态、备注……）；合并单元格、空行和各种日期写法都能处理。
    有任何一行无法导入、或导入结果通不过校验时，一个文件也不写；已有的记录绝不覆盖。
    """
    root = repository(ctx)
    wanted = [f"rounds/{round_id}/round.yaml", f"units/{unit_id}.yaml"]
    index = validate(root, [relpath for relpath in wanted if (root / relpath).is_file()]).index
    label = _check_target(ctx, index, round_id, unit_id)
    grid = _pick_sheet(ctx, workbook, sheet, label)
    imported = import_grid(grid, round_id, unit_id, as_of.isoformat(), workbook.name)
    for line in findings_text(imported.findings):
        click.echo(line, err=True)
    if imported.failed:
        errors = sum(f.severity is Severity.ERROR for f in imported.findings)
        _stop(ctx, f"台账有 {errors} 处无法导入，未写入任何文件。")
    files = _files(imported, round_id, unit_id, workbook.name, grid.name)
    existing = [relpath for relpath in files if (root / relpath).exists()]
    if existing:
        _stop(ctx, "以下记录已经存在，导入不会覆盖，未写入任何文件：\n  " + "\n  ".join(existing))
    problems = [f for f in _trial(root, round_id, unit_id, files) if f.file in files]
    for finding in problems:
        click.echo(finding.as_text(), err=True)
    if any(f.severity is Severity.ERROR for f in problems):
        _stop(ctx, "导入结果通不过校验（见上），未写入任何文件。")
    if dry_run:
        for relpath, text in files.items():
            click.echo(f"--- {relpath}\n{text}")
        click.echo(f"（试运行）将写入 {len(files)} 个文件，实际未写入。")
        return
    for relpath, text in files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(_summary(imported, len(files), f"rounds/{round_id}/{unit_id}/"))


def _stop(ctx: click.Context, message: str) -> NoReturn:
    click.echo(message, err=True)
    ctx.exit(EXIT_FINDINGS)


def _check_target(ctx: click.Context, index: Index, round_id: str, unit_id: str) -> str:
    """The unit's sheet label; the round and unit must exist and the round must list the unit."""
    if unit_id not in index.units:
        raise click.UsageError(f"单位 {unit_id} 不存在或无效（units/{unit_id}.yaml）。", ctx)
    if round_id not in index.rounds:
        raise click.UsageError(f"轮次 {round_id} 不存在或无效（rounds/{round_id}/round.yaml）。", ctx)
    if index.round_unit(round_id, unit_id) is None:
        raise click.UsageError(
            f"轮次 {round_id} 的 round.yaml 没有列出单位 {unit_id}：先在 units: 中添加。", ctx
        )
    unit = index.units[unit_id].data
    return str(unit.get("short_name") or unit.get("name") or unit_id)


def _pick_sheet(ctx: click.Context, workbook: Path, sheet: str | None, label: str) -> Grid:
    from xuncha.office import xlsxio

    try:
        grids = xlsxio.read_grids(workbook)
    except xlsxio.WorkbookError as error:
        _stop(ctx, str(error))
    names = [g.name for g in grids]
    wanted = sheet or next((n for n in names if n == label or n.endswith(f" {label}")), None)
    if wanted is None and len(grids) == 1:
        wanted = names[0]
    if wanted not in names:
        given = f"工作表“{sheet}”不存在" if sheet else "工作簿有多张工作表"
        raise click.UsageError(f"{given}：用 --sheet 指定（可选：{'、'.join(names)}）。", ctx)
    return grids[names.index(wanted)]


def _files(imported: Imported, round_id: str, unit_id: str, workbook: str, sheet: str) -> dict[str, str]:
    """Each record's path and text, with a comment saying where it came from."""
    from xuncha.demo.synth import dump  # the clerk-style YAML writer

    folder = f"rounds/{round_id}/{unit_id}"
    origin = f"由 xuncha import-xlsx 从《{workbook}》工作表“{sheet}”导入；请核对后再提交。"
    files: dict[str, str] = {}
    if imported.feedback is not None:
        files[f"{folder}/feedback.yaml"] = dump(imported.feedback, f"反馈意见（问题清单）。{origin}")
    if imported.plan is not None:
        files[f"{folder}/plan.yaml"] = dump(imported.plan, f"整改方案。{origin}")
    for leaf, status in imported.statuses.items():
        files[f"{folder}/status/{leaf}.yaml"] = dump(status, f"整改状态：{leaf}。{origin}")
    return files


def _trial(root: Path, round_id: str, unit_id: str, files: dict[str, str]) -> list[Finding]:
    """``validate`` on a scratch copy holding the new files: what they would break, before they exist."""
    with tempfile.TemporaryDirectory(prefix="xuncha-import-") as scratch:
        copy = Path(scratch)
        for name in ("schemas", "units"):
            shutil.copytree(root / name, copy / name)
        if (root / "pyproject.toml").is_file():
            shutil.copy2(root / "pyproject.toml", copy / "pyproject.toml")
        folder = f"rounds/{round_id}/{unit_id}"
        (copy / folder).mkdir(parents=True)
        shutil.copy2(root / f"rounds/{round_id}/round.yaml", copy / f"rounds/{round_id}/round.yaml")
        for item in (root / folder).iterdir() if (root / folder).is_dir() else ():
            os.symlink(item, copy / folder / item.name)  # evidence and other records as they are
        for relpath, text in files.items():
            (copy / relpath).parent.mkdir(parents=True, exist_ok=True)
            (copy / relpath).write_text(text, encoding="utf-8")
        return validate(copy, [folder], use_cache=False).findings


def _summary(imported: Imported, count: int, folder: str) -> str:
    aspects = (imported.feedback or {}).get("aspects", [])
    problems = sum(len(a["problems"]) for a in aspects)
    entries = len((imported.plan or {}).get("entries", []))
    return (
        f"已导入到 {folder}：{len(aspects)} 个方面、{problems} 个问题，整改方案 {entries} 条，"
        f"整改状态 {len(imported.statuses)} 个（共 {count} 个文件）。请运行 xuncha validate 并核对后提交。"
    )


@cli.command("export-xlsx")
@click.option("--round", "round_id", help="只导出这一轮（默认：全部轮次）。")
@click.option("--unit", "unit_id", help="只导出这个单位。")
@click.option(
    "--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD：预警灯和汇总按这一天（默认：今天）。"
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 .xlsx 文件。"
)
@click.pass_context
def export_xlsx_command(
    ctx: click.Context, round_id: str | None, unit_id: str | None, as_of: date, out: Path
) -> None:
    """导出整改台账（.xlsx）：汇总表（整改落实率、逾期数）和每个单位一张表，带红黄绿灯。

    导出的台账可以直接用 import-xlsx 导回（隐藏列保存问题编号）。
    """
    from xuncha.model.repo import config
    from xuncha.office import ledger_export, xlsxio
    from xuncha.rules.deadlines import obligations
    from xuncha.rules.ruledata import load_rules

    root = repository(ctx)
    checked = validate(root)
    index = checked.index
    if round_id is not None and round_id not in index.rounds:
        raise click.UsageError(f"轮次 {round_id} 不存在（rounds/{round_id}/round.yaml）。", ctx)
    if unit_id is not None and unit_id not in index.units:
        raise click.UsageError(f"单位 {unit_id} 不存在（units/{unit_id}.yaml）。", ctx)
    selected = ledger_export.select(index, round_id, unit_id)
    if not selected:
        _stop(ctx, "没有可导出的问题清单（所选轮次、单位下没有 feedback.yaml）。")
    rules = load_rules(root)
    found = obligations(index, rules.profiles, config(root).get("profile"), rules.calendar, as_of)
    xlsxio.write(ledger_export.workbook(selected, found, as_of), out)
    invalid = sum(f.severity is Severity.ERROR for f in checked.findings)
    if invalid:
        click.echo(
            f"注意：仓库有 {invalid} 个校验错误，出错的记录未导出（运行 xuncha validate 查看）。", err=True
        )
    click.echo(f"已导出 {len(selected)} 个单位的整改台账：{out}")


@cli.command("export-docx")
@click.argument("notice")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 .docx 文件。"
)
@click.option("--draft", is_flag=True, help="“三把关”未签署齐全时也导出，标题和页眉注明“草稿”。")
@click.option("--as-of", "as_of", callback=_as_of, help="判断是否已发布的日期 YYYY-MM-DD（默认：今天）。")
@click.pass_context
def export_docx_command(ctx: click.Context, notice: str, out: Path, draft: bool, as_of: date) -> None:
    """把公开通报导出为 Word 文档（.docx），版式按党政机关公文格式（GB/T 9704）。

    NOTICE 是通报文件（rounds/轮次/单位/notices/N1.yaml）或“轮次/单位/N1”。内容与公开网站的
    通报页同出一源。只有“三把关”签署齐全、已到发布日期的通报才能导出，--draft 例外。
    """
    from xuncha.model.schemas import public_fields, schema_dir
    from xuncha.office import docxio, notice_doc
    from xuncha.render.public import public_notice
    from xuncha.render.public_site import withheld_reason

    root = repository(ctx)
    relpath = _notice_path(ctx, root, notice)
    index = validate(root, [relpath]).index
    record = _notice_record(ctx, index, relpath)
    public = public_notice(index, record, public_fields(schema_dir(root)), as_of.isoformat())
    reason = withheld_reason(public, as_of.isoformat())
    if reason is not None and not draft:
        _stop(ctx, f"通报尚未发布，不能导出：{reason}。如需草稿，加 --draft。")
    docxio.write(notice_doc.blocks(public), out, draft=reason is not None)
    click.echo(f"已导出{'草稿' if reason is not None else '通报'}：{out}")


def _notice_path(ctx: click.Context, root: Path, notice: str) -> str:
    """``rounds/R/U/notices/N.yaml`` from a path (absolute or relative to here) or ``R/U/N``."""
    parts = notice.strip("/").split("/")
    if len(parts) == 3 and not notice.endswith(".yaml"):
        return f"rounds/{parts[0]}/{parts[1]}/notices/{parts[2]}.yaml"
    path = Path(notice).resolve()
    try:
        relpath = path.relative_to(root).as_posix()
    except ValueError:
        raise click.UsageError(f"{notice} 不在仓库 {root} 之内。", ctx) from None
    place = place_of(relpath)
    if place is None or place.kind != "notice":
        raise click.UsageError(f"{notice} 不是通报文件（rounds/轮次/单位/notices/N1.yaml）。", ctx)
    return relpath


def _notice_record(ctx: click.Context, index: Index, relpath: str) -> Record:
    place = place_of(relpath)
    assert place is not None
    folder = index.folders.get((str(place.round), str(place.unit)))
    record = folder.notices.get(str(place.stem)) if folder is not None else None
    if record is None:
        _stop(
            ctx,
            f"找不到有效的通报 {relpath}（文件不存在或未通过校验，运行 xuncha validate {relpath} 查看）。",
        )
    return record
