"""The ``xuncha`` command: a thin shell that parses options, calls the pipeline, prints, exits.

Exit codes: 0 clean, 1 findings, 2 usage errors (and internal errors).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from xuncha.model.repo import NotARepository, find_root
from xuncha.render import validation

EXIT_FINDINGS = 1
EXIT_USAGE = 2  # usage and internal errors

# command → the module defining it. Modules are imported only when their command
# runs, so `xuncha validate` (pre-commit, every save) does not pay for site,
# Office, git or scoring imports.
LAZY_COMMANDS = {
    **dict.fromkeys(("overdue", "calendar"), "overdue"),
    "score": "score",
    "urge": "urge",
    **dict.fromkeys(("build", "serve"), "site"),
    **dict.fromkeys(("review", "codeowners", "demo-history"), "review"),
    "history": "history",
    **dict.fromkeys(("import-xlsx", "export-xlsx", "export-docx"), "office"),
    "new": "new",
    **dict.fromkeys(("export-parquet", "rollup"), "rollup"),
    **dict.fromkeys(("progress", "complete", "extend", "submit", "propose"), "clerk"),
}


class LazyGroup(click.Group):
    """A group that imports a command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"{__package__}.{LAZY_COMMANDS[cmd_name]}")
            defined = getattr(module, f"{cmd_name.replace('-', '_')}_command", None)
            if cmd_name not in self.commands and isinstance(defined, click.Command):
                self.add_command(defined, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="仓库根目录（默认：从当前目录向上查找）。",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """xuncha：巡察整改数据的校验、计算与发布。"""
    ctx.obj = root


@contextmanager
def git_errors() -> Iterator[None]:
    """A git problem (no repository, unknown ref, git failing) as a usage error in Chinese."""
    from xuncha.review.gitlog import GitError  # only the commands that read git import it

    try:
        yield
    except GitError as error:
        raise click.UsageError(str(error)) from None


def repository(ctx: click.Context) -> Path:
    """The repository root, or a usage error naming what was looked for."""
    start = (ctx.obj or Path.cwd()).resolve()
    try:
        return find_root(start)
    except NotARepository:
        raise click.UsageError(
            f"{start} 不在 xuncha 仓库中（找不到 schemas/ 和 rounds/ 或 units/）。"
        ) from None


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
@click.option("--strict", is_flag=True, help="警告也按错误处理（退出码 1）。")
@click.option("--no-cache", is_flag=True, help="不使用、不写入缓存。")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认：CPU 核数）。")
@click.pass_context
def validate_command(
    ctx: click.Context, paths: tuple[Path, ...], output: str, strict: bool, no_cache: bool, jobs: int | None
) -> None:
    """校验记录文件：YAML 格式、字段模式、跨文件引用、日期先后、状态流转。

    不带 PATHS 时校验整个仓库；带 PATHS 时只校验这些文件及其引用的轮次、单位和同一单位文件夹。
    """
    from xuncha.pipeline import (
        validate,  # imported here: `xuncha --help` and the other commands need none of it
    )

    root = repository(ctx)
    files = _relative(root, paths) if paths else None
    report = validate(root, files, jobs=jobs or 0, use_cache=not no_cache, need_index=False)
    out, err = validation.rendered(report.findings, report.files, report.from_cache, output)
    emit(out, err)
    ctx.exit(validation.exit_code(report.findings, strict))


def emit(out: str, err: str) -> None:
    """Both streams; a reader that stops reading (`xuncha validate | head`) is not an error, and
    the rest of the output goes nowhere instead of failing again when Python flushes at exit."""
    try:
        click.echo(out, nl=False)
        click.echo(err, nl=False, err=True)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _relative(root: Path, paths: tuple[Path, ...]) -> list[str]:
    out = []
    for path in paths:
        absolute = _unresolved(path)
        if not os.path.lexists(absolute):
            raise click.UsageError(f"路径不存在：{path}")
        try:
            out.append(absolute.relative_to(root).as_posix())
        except ValueError:
            raise click.UsageError(f"{path} 不在仓库 {root} 之内。") from None
    return out


def _unresolved(path: Path) -> Path:
    """The absolute path with links resolved in its folders, not in its last part: a link given
    is validated (that is, refused) as the link it is, never as what it points at."""
    absolute = path.absolute()
    if absolute.name in ("", ".", ".."):
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name


def internal_error(error: BaseException) -> str:
    """What a clerk sees instead of a traceback (which XUNCHA_DEBUG=1 prints as well)."""
    if os.environ.get("XUNCHA_DEBUG"):
        import traceback

        traceback.print_exception(error)
    return f"内部错误：{type(error).__name__}: {error}（设置 XUNCHA_DEBUG=1 可查看详情，请报告此问题）"


def main() -> None:
    """Entry point: Chinese usage errors, and no traceback unless XUNCHA_DEBUG is set."""
    try:
        code = cli.main(standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"用法错误：{error.format_message()}", err=True)
        if error.ctx is not None:
            click.echo(f"查看帮助：{error.ctx.command_path} --help", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("已中止。", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug must still not dump a traceback on a clerk
        click.echo(internal_error(error), err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else 0)


@cli.command("synth")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--problems", type=click.IntRange(1), default=1000, show_default=True, help="末级问题数。")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子生成完全相同的数据。")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2025-12-31",
    show_default=True,
    help="截至日期：生成的所有记录日期都不晚于这一天。",
)
@click.pass_context
def synth_command(ctx: click.Context, out: Path, problems: int, seed: int, as_of: datetime) -> None:
    """生成合成仓库到 OUT（虚构的单位、轮次和问题，全部能通过校验），用于演示和性能测试。"""
    from xuncha.demo import synth  # only this command needs the generator; keeps `validate` start-up lean
    from xuncha.model.schemas import schema_dir

    if out.exists() and any(out.iterdir()):
        raise click.UsageError(f"{out} 已存在且不为空：请指定一个新目录。")
    config = synth.Config(problems, seed, as_of.date())
    files, size = synth.write_repo(out, config, schema_dir(repository(ctx)))
    click.echo(f"已生成 {problems} 个问题：{files} 个文件，共 {size / 1e6:.1f} MB，写入 {out}。")
