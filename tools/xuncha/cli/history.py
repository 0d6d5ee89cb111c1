"""``xuncha history``: the audit trail (整改台账) of one problem or a whole round, read from git.

Imports only what starting ``git log`` needs (not GitPython: :mod:`xuncha.review.gitlog`); the
modules that read the changes load while git walks the history
(:func:`xuncha.site.history.read_trail`). Exit codes: 0, and 2 for usage and git errors.
"""

from __future__ import annotations

from collections.abc import Callable

import click
import orjson

from xuncha.cli.main import cli, git_errors, repository
from xuncha.load.collector import without_collector
from xuncha.review import gitlog, targets
from xuncha.site.history import read_trail


@cli.command("history")
@click.argument("problem_id", metavar="[PROBLEM_ID]", required=False)
@click.option("--round", "round_id", metavar="ROUND", help="列出整个轮次的变更。")
@click.option("--ref", help="读取哪条主线的历史（默认：main；没有 main 时为 HEAD）。")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
@click.pass_context
@without_collector  # output too: 10,000 entries become JSON data in 0.09 s, not 0.37–0.41 s with it on
def history_command(
    ctx: click.Context, problem_id: str | None, round_id: str | None, ref: str | None, output: str
) -> None:
    """整改台账：一个问题（轮次/单位/问题编号，例如 2025-ch-r1/ch-fgw/P01.1）或一个轮次
    （--round）的每次变更：日期、改了什么、提交、填报人，以及合并它的审核人和拉取请求编号；
    直接推送到 main 的提交标为“未经审核”。
    """
    if bool(problem_id) == bool(round_id):
        raise click.UsageError("请给出一个问题编号（轮次/单位/问题），或用 --round 指定轮次（二者选一）。")
    root = repository(ctx)
    wanted, problem, title = _target(problem_id, round_id)
    with git_errors():
        gitlog.top_level(root)
        tip = ref or gitlog.mainline(root) or "HEAD"
        entries = read_trail(root, tip, wanted, problem)
    if not entries:
        raise click.UsageError(f"在 {tip} 的历史中没有找到 {problem_id or round_id} 的任何变更：请检查编号。")
    from xuncha.review import history  # loaded by read_trail already

    if output == "json":
        echo_json({"target": problem_id or round_id, "ref": tip, "entries": [e.as_json() for e in entries]})
    else:
        click.echo(history.text(entries, title, where=problem is None), nl=False)


def echo_json(data: object) -> None:
    """What ``json.dumps(data, ensure_ascii=False, indent=2)`` prints, byte for byte, in UTF-8, for
    data of text, integers, booleans and null (a trail has no floats, whose digits orjson writes
    its own way): the standard encoder indents in pure Python, 0.3–0.5 s at 10,000 entries, orjson
    in 30 ms. Its bytes go out as they are: decoding 9 MB of JSON for click to encode it again
    took another 0.02 s."""
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE), nl=False)


def _target(problem_id: str | None, round_id: str | None) -> tuple[Callable[[str], bool], str | None, str]:
    if round_id:
        return targets.round_paths(round_id), None, f"轮次 {round_id} 的整改台账"
    found = targets.PROBLEM_ID.match(problem_id or "")
    if found is None:
        raise click.UsageError("问题编号写作 轮次/单位/问题，例如 2025-ch-r1/ch-fgw/P01.1。")
    round_part, unit, problem = found.group("round", "unit", "problem")
    return (
        targets.problem_paths(round_part, unit, problem),
        problem,
        f"{round_part}/{unit} {problem} 的整改台账",
    )
