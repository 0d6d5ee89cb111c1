"""``xuncha export-parquet`` and ``xuncha rollup``: thin shells over :mod:`xuncha.rollup`.

Exit codes: 0 clean; 1 when the repository (export) or a member (rollup) failed validation,
or the manifest has errors; 2 usage errors.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xuncha.cli.overdue import _as_of
from xuncha.model.findings import Finding

if TYPE_CHECKING:
    from xuncha.rollup.engine import Rollup

EXIT_FINDINGS = 1
FORMATS = ("text", "json", "markdown")


@click.command("export-parquet")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD（默认：今天）。")
@click.option("--jurisdiction", help="辖区名称，写入每一行（默认：仓库目录名）。")
@click.pass_context
def export_parquet_command(ctx: click.Context, out: Path, as_of: date, jurisdiction: str | None) -> None:
    """导出本仓库的列式快照到 OUT：轮次、单位、问题、时限、评分、报告各一个 Parquet 文件。

    每行都带辖区名称、提交编号和统计日期；只导出模式标为可导出（x-public、x-export）的字段，
    问题线索和信访件不导出。仓库有校验错误时不导出（退出码 1）。
    """
    from xuncha.cli.main import repository
    from xuncha.rollup import parquet
    from xuncha.rollup.export import Stamp
    from xuncha.rollup.snapshot import Refused, commit_of, take

    root = repository(ctx)
    stamp = Stamp(jurisdiction or root.name, commit_of(root), as_of)
    try:
        tables = take(root, stamp)
    except Refused as refused:
        click.echo(f"未导出：{refused}", err=True)
        ctx.exit(EXIT_FINDINGS)
    written = parquet.write(tables, out)
    counts = "、".join(f"{path.stem} {len(tables[path.stem])} 行" for path in written)
    click.echo(
        f"已导出 {stamp.jurisdiction}（提交 {stamp.commit[:12] or '无'}，截至 {as_of}）到 {out}：{counts}。"
    )


@click.command("rollup")
@click.argument("manifest", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD（默认：今天）。")
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", help="输出格式。")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("rollup.duckdb"),
    show_default=True,
    help="DuckDB 数据库文件（每次重建）；各成员的 Parquet 快照写在同名的 .parquet 目录。",
)
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="并行进程数（默认：CPU 核数）。")
@click.pass_context
def rollup_command(
    ctx: click.Context, manifest: Path, as_of: date, output: str, db: Path, jobs: int | None
) -> None:
    """按汇总清单 MANIFEST 汇总各县（市、区）的整改仓库。

    输出整改落实率及排名、按上级和按单位类型的落实率、按逾期天数的逾期事项、红灯持续最久的单位。

    每个成员并行导出并校验；校验未通过的成员列出名称和原因，不计入汇总（退出码 1）。
    """
    from xuncha.render import rollup as render

    result = run(ctx, manifest, as_of, db, jobs)
    shown = {"json": render.as_json, "markdown": render.markdown}.get(output, render.text)(result)
    click.echo(shown)
    warn_left_out(result)
    ctx.exit(EXIT_FINDINGS if result.left_out else 0)


def warn_left_out(result: Rollup) -> None:
    for outcome in result.left_out:
        click.echo(f"未纳入汇总：{outcome.name}：{'；'.join(outcome.reasons)}", err=True)


def run(ctx: click.Context, manifest: Path, as_of: date, db: Path, jobs: int | None) -> Rollup:
    """Read the manifest (exit 1 on findings) and roll its members up: shared with ``build --rollup``."""
    from xuncha.rollup import engine
    from xuncha.rollup.manifest import read
    from xuncha.rules.rubrics import CHECKOUT

    if not manifest.is_file():
        raise click.UsageError(f"汇总清单 {manifest} 不存在或不是文件。", ctx)
    parsed, findings = read(manifest, CHECKOUT / "schemas")
    if parsed is None:
        _findings(findings, manifest)
        ctx.exit(EXIT_FINDINGS)
    assert parsed is not None
    return engine.roll_up(parsed, as_of.isoformat(), db.resolve(), jobs or os.cpu_count() or 1)


def _findings(findings: list[Finding], manifest: Path) -> None:
    for finding in findings:
        click.echo(finding.as_text(), err=True)
    click.echo(f"汇总清单 {manifest} 有 {len(findings)} 个错误，未汇总。", err=True)
