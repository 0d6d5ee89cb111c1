"""``xuncha review``, ``codeowners``, ``demo-history``: the shell around git-based pull_request.

Each command reads through :mod:`xuncha.review.gitio` and :mod:`xuncha.review.gitlog` (the only
modules that talk to git), hands the bytes to the pure modules, prints, and sets the exit code:
0 clean, 1 violations (or a stale CODEOWNERS), 2 usage and git errors.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache, partial
from pathlib import Path

import click
from git import Repo

from xuncha.cli.main import EXIT_FINDINGS, cli, git_errors, repository
from xuncha.load.parse import load_bytes
from xuncha.model import schemas
from xuncha.model.findings import Finding, Severity
from xuncha.model.index import Index
from xuncha.review import gitio, gitlog, owners, pull_request
from xuncha.rules.rubrics import load_setting
from xuncha.rules.ruledata import RULES_DIR
from xuncha.rules.scoring import fmt, score_round

OWNERS_FILE = RULES_DIR / "owners.yaml"


def _check(root: Path) -> pull_request.SchemaCheck:
    return partial(schemas.check, schemas.schema_dir(root))


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@cli.command("review")
@click.option("--base", help="基线（提交或分支）。默认：与 main 的分叉点；带 --staged 时为 HEAD。")
@click.option("--head", help="要审阅的提交或分支。默认：工作区（含未提交的改动）。")
@click.option("--staged", is_flag=True, help="审阅暂存区，即将要提交的内容（pre-commit 使用）。")
@click.option(
    "--format", "output", type=click.Choice(["markdown", "json"]), default="markdown", help="输出格式。"
)
@click.pass_context
def review_command(ctx: click.Context, base: str | None, head: str | None, staged: bool, output: str) -> None:
    """审阅一次改动：用中文列出新增问题、状态变化、销号、延期、方案调整、报告会议、评估和通报，
    并检查整改规则（状态流转、销号佐证、反馈原文不得改动、记录只增不删、延期须有记录）。

    有违规时退出码为 1，每条违规给出文件和行号。
    """
    root = repository(ctx)
    if staged and head:
        raise click.UsageError("--staged 与 --head 不能同时使用。")
    with git_errors():
        repo = gitio.open_repo(root)
        after = gitio.staged(repo) if staged else gitio.at_ref(repo, head) if head else gitio.worktree(root)
        before = _base(repo, base, head, staged)
        wanted = pull_request.scope(before.ids, after.ids)
        files = before.read(wanted), after.read(wanted)
        labels = before.label, after.label
        result = pull_request.review(
            before.ids,
            after.ids,
            *files,
            _check(root),
            labels,
            _scorer(root),
            special=(before.special, after.special),
        )
    if output == "json":
        _echo_json(pull_request.as_json(result))
    else:
        click.echo(pull_request.markdown(result), nl=False)
    ctx.exit(EXIT_FINDINGS if result.failed else 0)


def _scorer(root: Path) -> pull_request.Scorer:
    """The computed total of a unit's score sheet, as of the assessment's own date (no clock)."""
    setting = cache(partial(load_setting, root))  # the rubrics and deadline rules, only when needed

    def score(index: Index, round_id: str, unit: str) -> str | None:
        folder = index.folders.get((round_id, unit))
        record = folder.records.get("assessment") if folder else None
        if record is None:
            return None
        day = date.fromisoformat(str(record.data["date"]))
        sheets = score_round(index, setting(), round_id, day, [unit])
        return fmt(sheets[0].total) if sheets else None

    return score


def _base(repo: Repo, base: str | None, head: str | None, staged: bool) -> gitio.Snapshot:
    if base:
        return gitio.at_ref(repo, base)
    if not gitlog.has_commits(gitio.top(repo)):
        return gitio.empty()
    if staged:
        return gitio.at_ref(repo, "HEAD")
    fork = gitio.merge_base(repo, head or "HEAD")
    return gitio.at_ref(repo, fork, f"main 分叉点（{fork[:7]}）")


@cli.command("codeowners")
@click.option(
    "--flavour", type=click.Choice(sorted(owners.FLAVOURS)), default="github", help="代码托管平台。"
)
@click.option("--check", is_flag=True, help="只检查已提交的文件是否与数据一致（不一致退出码 1）。")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件（默认按平台）。")
@click.pass_context
def codeowners_command(ctx: click.Context, flavour: str, check: bool, output: Path | None) -> None:
    """按审核分工（吴江规程附件1，tools/xuncha/rules/data/owners.yaml）和各单位的类型、监督单位、
    各轮次的巡察组生成 CODEOWNERS：改到哪个文件，就由哪个机构审核。
    """
    root = repository(ctx)
    target = output or root / owners.FLAVOURS[flavour]
    shown = _shown(root, target)
    rules, findings = _owner_rules(root)
    text = owners.render(rules, flavour)
    if check and not _failed(findings):
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        stale = owners.stale(text, current, shown, flavour)
        findings += [stale] if stale else []
    for finding in findings:
        click.echo(finding.as_text(), err=True)
    if _failed(findings):
        ctx.exit(EXIT_FINDINGS)  # nothing is written from data with errors
    if check:
        click.echo(f"{shown} 与审核分工数据一致。")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {shown}：{len(rules)} 条规则。")


def _failed(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _owner_rules(root: Path) -> tuple[list[owners.Rule], list[Finding]]:
    """The matrix, units and rounds from disk (checked like records), then the pure rule builder."""
    matrix, problems = _matrix(root)
    if matrix is None:
        return [], problems
    paths = [*sorted((root / "units").glob("*.yaml")), *sorted((root / "rounds").glob("*/round.yaml"))]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}
    index, _ = pull_request.index_side(files, _check(root))  # invalid files: `xuncha validate` reports them
    rules, found = owners.rules(matrix, index, _shown(root, OWNERS_FILE))
    return rules, problems + pull_request.located(found, files)


def _matrix(root: Path) -> tuple[owners.Matrix | None, list[Finding]]:
    """owners.yaml, parsed and schema-checked like a record; None when it has errors."""
    name = _shown(root, OWNERS_FILE)
    raw = OWNERS_FILE.read_bytes()
    loaded = load_bytes(name, raw)
    problems = list(loaded.findings)
    if isinstance(loaded.data, dict):
        problems += schemas.check(schemas.schema_dir(root), "owners", name, loaded.data)
    if not isinstance(loaded.data, dict) or _failed(problems):
        return None, pull_request.located(problems, {name: raw})
    matrix, problems = owners.parse(name, loaded.data)
    return matrix, pull_request.located(problems, {name: raw})


@cli.command("demo-history")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def demo_history_command(ctx: click.Context, out: Path) -> None:
    """用本仓库的演示数据（units/、rounds/）在新目录 OUT 中生成一段逼真的 git 历史：
    填报人的分支、审核人的合并（带拉取请求编号）、一次压缩合并和一次直接推送。
    不改动本仓库自己的历史。
    """
    from xuncha.demo import history as demohistory  # only this command needs the generator

    root = repository(ctx)
    matrix, problems = _matrix(root)
    if matrix is None:
        raise click.UsageError("\n".join(f.as_text() for f in problems))
    files = {p: (root / p).read_bytes() for p in demohistory.source_files(root)}
    stream, summary = demohistory.build(files, matrix)
    with git_errors():
        gitio.import_history(out, stream)
    click.echo(f"已在 {out} 生成演示历史：{summary}。")
