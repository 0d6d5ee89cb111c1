"""The clerk's top-level commands: ``progress``, ``complete``, ``extend``, ``submit`` and ``propose``
(``new`` is :mod:`xuncha.cli.new`).

A shell: it reads files, asks in Chinese when a person is typing (flags otherwise),
hands texts to :mod:`xuncha.clerk.records`, files evidence, writes, validates what it wrote
and prints. Exit codes: 0 done, 1 refused or findings, 2 usage errors.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import click

from xuncha.clerk import gitops, propose
from xuncha.clerk.records import Refused, submission_path
from xuncha.cli.desk import DATE, finish, open_session, options, refusals, refused, target_of
from xuncha.cli.entries import EVIDENCE, EXTENSION, extension, log_progress
from xuncha.cli.main import cli, repository
from xuncha.model import schemas
from xuncha.model.findings import Severity
from xuncha.model.layout import place_of
from xuncha.model.repo import config
from xuncha.pipeline import validate
from xuncha.review import gitio, gitlog, pull_request

MAINLINE_NAMES = ("main", "master")


@cli.command("progress")
@click.argument("problem")
@click.option("--date", type=DATE, help="进展日期 YYYY-MM-DD。")
@click.option("--note", help="本次进展说明。")
@click.option(
    "--state",
    type=click.Choice(["未启动", "整改中", "基本完成", "已完成", "已销号", "长期整改"]),
    default="整改中",
    show_default=True,
    help="进展后的状态。",
)
@click.option(
    "--reopen", type=click.Choice(["抽查发现未完成", "问题反弹"]), help="已完成或已销号后重新整改的原因。"
)
@click.option("--by", help="填报的单位、部门。")
@options(EVIDENCE)
@click.pass_context
def progress_command(ctx: click.Context, /, problem: str, evidence: tuple[Path, ...], **values: Any) -> None:
    """给问题追加一条进展。PROBLEM 写作 轮次/单位/问题，例如 2025-ch-r1/ch-fgw/P03.1。

    只在进展日志末尾追加一条，文件其他内容（注释、顺序、引号、空行）原样不动；
    违反状态流转规则（与 xuncha review 相同）时拒绝写入。
    """
    log_progress(ctx, problem, values, evidence, new=False)


@cli.command("complete")
@click.argument("problem")
@click.option("--date", type=DATE, help="完成日期 YYYY-MM-DD。")
@click.option("--note", default="整改完成，申请验收销号。", show_default=True, help="完成情况说明。")
@click.option("--by", help="填报的单位、部门。")
@options(replace(EVIDENCE, required=True))
@click.pass_context
def complete_command(ctx: click.Context, /, problem: str, evidence: tuple[Path, ...], **values: Any) -> None:
    """报告问题整改完成（状态“已完成”，待审核单位验收销号），至少附一个佐证文件。"""
    log_progress(ctx, problem, {**values, "state": "已完成"}, evidence, new=False)


@cli.command("extend")
@click.argument("problem")
@options(*EXTENSION)
@click.pass_context
def extend_command(ctx: click.Context, /, problem: str, **values: Any) -> None:
    """登记一次经批准的延期（extensions.yaml 新增一条，编号 E…）；整改方案中的原时限保持不动。"""
    extension(ctx, problem, values, required=True)


@cli.command("submit")
@click.argument("report")
@click.option("--date", type=DATE, help="报送日期 YYYY-MM-DD。")
@click.pass_context
def submit_command(ctx: click.Context, /, report: str, date: str | None) -> None:
    """报送整改方案（轮次/单位/plan）或报告（轮次/单位/R3）：追加一条报送记录，等待审核。

    上一次报送尚无审核结果或已通过时拒绝；方案中还有“待填写”时拒绝。
    """
    target = target_of(report)
    session = open_session(ctx, target.folder)
    kind = "plan" if target.item == "plan" else "reports"
    when = session.need(date, "--date", "plan", ("submissions", 0, "date"))
    file = f"{target.folder}/{kind}.yaml"
    with refusals(ctx):
        old = session.read(file)
        if old is None:
            raise refused(file, "XC717", f"找不到 {file}", "先用 xuncha new 建立这份材料。")
        path = submission_path(file, old, target.item)
        written = session.desk.append(file, old, path, {"date": when})
    finish(ctx, session, written)


# --- propose -----------------------------------------------------------------------------------


@cli.command("propose")
@click.option("-m", "--message", required=True, help="这次报审的说明（写进提交说明）。")
@click.pass_context
def propose_command(ctx: click.Context, /, message: str) -> None:
    """把改动的记录提交到新分支，准备合并请求：分支按改动命名（例如 progress/2025-ch-r1-ch-fgw-P03.1），
    只提交 rounds/ 和 units/ 下改动的文件，提交说明写明改了什么、哪个单位、哪些问题。

    不会推送：最后打印推送命令、发起合并请求的地址和审核单位将看到的审阅摘要。
    先校验、再审阅，有错误或违规时不提交（退出码 1）。
    """
    root = repository(ctx)
    with refusals(ctx):
        repo = gitops.open_for_commit(root)
        changed = gitops.changed_paths(repo)
        files = [f for f in changed if propose.where(f) is not None]
        for other in (f for f in changed if f not in files):
            click.echo(f"不提交 {other}：不是记录文件，也不是佐证材料", err=True)
        if not files:
            click.echo("没有需要报审的改动（rounds/ 和 units/ 下没有新增、修改或删除的文件）。")
            return
        current = gitops.current_branch(repo)
        base = current if current in MAINLINE_NAMES else gitlog.mainline(root) or "main"
        result = _checked(root, repo, files, f"{current or 'HEAD'}（提交前）")
        proposal = propose.propose(files, result.changes, message, gitops.branches(repo))
        fresh = current is None or current in MAINLINE_NAMES
        sha = gitops.commit(repo, proposal.branch if fresh else None, files, proposal.message)
    branch = proposal.branch if fresh else str(current)
    click.echo(f"已在分支 {branch} 上提交 {sha[:7]}：{proposal.subject}")
    click.echo("提交的文件：" + "".join(f"\n  {f}" for f in files))
    remote = gitops.remote_url(repo)
    forge = config(root).get("forge")
    click.echo("\n".join(propose.next_steps(branch, remote, str(forge) if forge else None, base)))
    click.echo("\n审核单位将看到的审阅摘要：\n")
    click.echo(pull_request.markdown(result), nl=False)


def _checked(root: Path, repo: Any, files: list[str], label: str) -> pull_request.Review:
    """Validate the changed records, then review HEAD → working tree (what the reviewer will see);
    Refused on any error or violation."""
    records = [f for f in files if place_of(f) is not None and (root / f).is_file()]
    found = validate(root, records).findings if records else []
    errors = [f for f in found if f.severity is Severity.ERROR and f.file in records]
    if errors:
        raise Refused(errors)
    before, after = gitio.at_ref(repo, "HEAD"), gitio.worktree(root)
    wanted = pull_request.scope(before.ids, after.ids)
    check = partial(schemas.check, schemas.schema_dir(root))
    result = pull_request.review(
        before.ids,
        after.ids,
        before.read(wanted),
        after.read(wanted),
        check,
        (label, "本次报审"),
        special=(before.special, after.special),
    )
    if result.failed:
        click.echo(pull_request.markdown(result), err=True)
        raise Refused([])
    return result
