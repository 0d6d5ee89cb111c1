"""``xuncha build`` and ``xuncha serve``: thin shells over MkDocs with our generating hook.

The pages are rendered by :mod:`xuncha.render` from the data at build time; this
module only picks the config (``mkdocs.yml`` internal, ``docs/public.yml``
public), passes the site kind and the day through ``extra.xuncha``, and reports.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click

from xuncha.cli.main import cli, repository
from xuncha.cli.overdue import _as_of

CONFIGS = {"internal": "mkdocs.yml", "public": "docs/public.yml"}
NAMES = {"internal": "内部状态网站", "public": "公开通报网站"}


def _config_file(root: Path, kind: str) -> Path:
    path = root / CONFIGS[kind]
    if not path.is_file():
        raise click.UsageError(f"找不到网站配置 {path}（{NAMES[kind]}）。")
    return path


def _extra(kind: str, as_of: date) -> dict[str, dict[str, str]]:
    """Replaces the config's ``extra``: the site kind and the day, read by the hook."""
    return {"xuncha": {"site": kind, "as_of": as_of.isoformat()}}


class _EchoWarnings(logging.Handler):
    """MkDocs logs through ``logging``: echo its warnings (e.g. notices withheld) on our stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"警告：{record.getMessage()}", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _EchoWarnings) for h in logger.handlers):
        logger.addHandler(_EchoWarnings(logging.WARNING))
        logger.setLevel(logging.INFO)


@click.command("build")
@click.option("--internal", "which", flag_value="internal", help="只生成内部状态网站。")
@click.option("--public", "which", flag_value="public", help="只生成公开通报网站。")
@click.option("--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD（默认：今天）。")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="输出目录（默认：仓库下的 site/）。"
)
@click.option(
    "--rollup",
    "manifest",
    type=click.Path(path_type=Path),
    help="汇总清单：先汇总各成员，再在内部网站加上汇总页面（只生成内部网站）。",
)
@click.pass_context
def build_command(
    ctx: click.Context, which: str | None, as_of: date, out: Path | None, manifest: Path | None
) -> None:
    """从数据生成网站：内部状态网站（site/internal）和公开通报网站（site/public），默认两者都生成。

    公开网站只发布“三把关”签署齐全的通报；缺少签署的通报会列出缺少哪一项。
    带 --rollup 时汇总清单所列各成员（数据库和快照写在输出目录下），汇总页面为 rollup/index.html。
    """
    from mkdocs.commands.build import build  # MkDocs loads slowly: only these commands need it
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    root = repository(ctx)
    target = (out or root / "site").resolve()
    _show_warnings()
    rolled = _rolled_up(ctx, manifest, as_of, target) if manifest else {}
    for kind in ["internal"] if manifest else [which] if which else ["internal", "public"]:
        extra = _extra(kind, as_of)
        extra["xuncha"].update(rolled)
        config = load_config(str(_config_file(root, kind)), site_dir=str(target / kind), extra=extra)
        try:
            build(config)
        except MkDocsException as error:
            click.echo(f"{NAMES[kind]}生成失败：{error}", err=True)
            ctx.exit(1)
        click.echo(f"已生成{NAMES[kind]}：{target / kind}")
    if rolled.get("left_out"):
        ctx.exit(1)


def _rolled_up(ctx: click.Context, manifest: Path, as_of: date, target: Path) -> dict[str, str]:
    """Roll the members up into ``target/rollup.duckdb``: the hook reads the pages' figures there."""
    from xuncha.cli.rollup import run, warn_left_out

    db = target / "rollup.duckdb"
    result = run(ctx, manifest, as_of, db, None)
    warn_left_out(result)
    left_out = "、".join(o.name for o in result.left_out)
    return {"rollup_manifest": str(manifest.resolve()), "rollup_db": str(db), "left_out": left_out}


@click.command("serve")
@click.option("--public", "public", is_flag=True, help="预览公开通报网站（默认：内部状态网站）。")
@click.option("--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD（默认：今天）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="本机端口。")
@click.pass_context
def serve_command(ctx: click.Context, public: bool, as_of: date, port: int) -> None:
    """在本机预览网站（http://127.0.0.1:端口/），数据改动后自动重新生成。"""
    from mkdocs.commands.serve import serve

    root = repository(ctx)
    kind = "public" if public else "internal"
    _show_warnings()
    serve(
        str(_config_file(root, kind)),
        watch=[str(root / "rounds"), str(root / "units")],
        dev_addr=f"127.0.0.1:{port}",
        extra=_extra(kind, as_of),
    )


cli.add_command(build_command)
cli.add_command(serve_command)
