"""``xuncha overdue`` and ``xuncha calendar``: thin shells over the deadline engine.

The only place "today" is read is the default of ``--as-of``, here.
Exit codes: 0 clean, 1 when ``--fail-on`` matched or a deadline could not be
computed (calendar gap, unknown profile, broken rule file), 2 usage errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import click

from xuncha.load import collector, derived, verdict
from xuncha.load.cache import digest
from xuncha.model.findings import Finding
from xuncha.model.index import Record
from xuncha.model.repo import config
from xuncha.render import overdue as report
from xuncha.rounds import Plain, worked_out
from xuncha.rules import follow_up
from xuncha.rules.deadlines import Obligation
from xuncha.rules.profiles import Light
from xuncha.rules.ruledata import load_rules
from xuncha.rules.workdays import coverage

EXIT_FINDINGS = 1
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FAILING = {"red": {Light.RED}, "yellow": {Light.RED, Light.YELLOW}}  # --fail-on → the lights that fail


def _as_of(ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        if ISO_DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise click.UsageError(f"--as-of 的值“{value}”不是有效日期：应写作 YYYY-MM-DD，例如 2026-11-23。", ctx)


@click.command("overdue")
@click.option("--as-of", "as_of", callback=_as_of, help="统计日期 YYYY-MM-DD（默认：今天）。")
@click.option("--round", "round_id", help="只看这一轮（轮次编号）。")
@click.option("--unit", "unit_id", help="只看这个单位（单位编号）。")
@click.option(
    "--format", "output", type=click.Choice(["text", "json", "markdown"]), default="text", help="输出格式。"
)
@click.option(
    "--fail-on", type=click.Choice(["red", "yellow"]), help="有红灯（或黄灯及以上）时退出码为 1，供 CI 使用。"
)
@click.option("--notify-list", is_flag=True, help="按提醒对象列出各自待办的事项（只含未完成的）。")
@click.option(
    "--window", type=click.IntRange(0, 365), help="黄灯窗口天数（默认取时限规则中的 yellow_days）。"
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="上一次 --format json 的输出：只列出比它变差（新变黄、变红）的事项，供拉取请求使用。",
)
@click.pass_context
def overdue_command(
    ctx: click.Context,
    as_of: date,
    round_id: str | None,
    unit_id: str | None,
    output: str,
    fail_on: str | None,
    notify_list: bool,
    window: int | None,
    baseline: Path | None,
) -> None:
    """列出每项整改时限：到期日、状态（按时完成、逾期完成、未到期、即将到期、已逾期）和红黄绿灯。

    时限规则取 round.yaml 的 profile，缺省用 pyproject.toml [tool.xuncha] profile；
    问题时限取整改方案，经批准的延期以新时限为准（原时限和延期编号一并显示）。
    """
    from xuncha.cli.main import emit, repository

    root = repository(ctx)
    asked = Asked(as_of, round_id, unit_id, output, fail_on, notify_list, window, baseline)
    answer = derived.answer(root, asked.key(), partial(_answer, ctx, root, asked))
    emit(answer.out, answer.err)
    ctx.exit(answer.code)


@dataclass(frozen=True)
class Asked:
    """The options of one ``overdue`` run (``as_of`` resolved)."""

    as_of: date
    round_id: str | None
    unit_id: str | None
    output: str
    fail_on: str | None
    notify_list: bool
    window: int | None
    baseline: Path | None

    def key(self) -> derived.Key:
        """What the answer depends on besides the repository: the options, the baseline's content."""
        options = (self.round_id, self.unit_id, self.output, self.fail_on, self.notify_list, self.window)
        return ("overdue", self.as_of.isoformat(), *options, _content(self.baseline))


def _answer(ctx: click.Context, root: Path, asked: Asked, now: verdict.Inputs) -> derived.Answer:
    """The report, its warnings and exit code, computed from the records (``now``: as stamped)."""

    with collector.paused():  # what is read lives until exit: no collection need rescan it
        rules = load_rules(root)
        setting = follow_up.setting(rules, config(root).get("profile"))
        worked = worked_out(
            root,
            now,
            ("schedule", asked.as_of.isoformat(), asked.window),  # every round's, whatever is shown
            partial(follow_up.round_parts, setting=setting, as_of=asked.as_of, window=asked.window),
            Plain(follow_up.RoundPart.as_row, follow_up.RoundPart.from_row),
        )
        plan = follow_up.merged(list(worked.parts.values()))
        found = _selected(ctx, list(plan.daily), worked.parts, worked.units, asked.round_id, asked.unit_id)
        if asked.baseline is not None:
            found = report.worsened(found, _baseline(ctx, asked.baseline))
        names = {uid: str(r.data.get("short_name") or r.data.get("name")) for uid, r in worked.units.items()}
        findings = [*rules.findings, *plan.findings]
        out = [_render(found, asked.as_of, names, findings, asked.output, asked.notify_list)]
        closed = {
            k: d
            for k, d in plan.closed.items()
            if asked.round_id in (None, k[0]) and asked.unit_id in (None, k[1])
        }
        if closed and asked.output != "json":
            out.append(report.closed_note(closed, names, md=asked.output == "markdown"))
    err = _warnings(findings if asked.output != "json" else [], worked.broken)
    failed = bool(findings) or (
        asked.fail_on is not None and any(o.light in FAILING[asked.fail_on] for o in found)
    )
    return derived.Answer(_lines(out), _lines(err), EXIT_FINDINGS if failed else 0)


def _lines(texts: list[str]) -> str:
    return "".join(f"{text}\n" for text in texts)


def _content(path: Path | None) -> bytes | None:
    """The --baseline file's content hash: the answer depends on it, not on its name."""
    try:
        return None if path is None else digest(path.read_bytes())
    except OSError:
        return None


def _selected(
    ctx: click.Context,
    found: list[Obligation],
    rounds: Mapping[str, object],
    units: Mapping[str, Record],
    round_id: str | None,
    unit_id: str | None,
) -> list[Obligation]:
    if round_id is not None and round_id not in rounds:
        raise click.UsageError(f"轮次 {round_id} 不存在（rounds/{round_id}/round.yaml）。", ctx)
    if unit_id is not None and unit_id not in units:
        raise click.UsageError(f"单位 {unit_id} 不存在（units/{unit_id}.yaml）。", ctx)
    return [o for o in found if round_id in (None, o.round) and unit_id in (None, o.unit)]


def _baseline(ctx: click.Context, path: Path) -> dict[str, str]:

    try:
        return report.baseline_lights(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, OSError) as error:
        raise click.UsageError(f"--baseline {path} 无法读取：{error}", ctx) from None


def _render(
    found: list[Obligation],
    as_of: date,
    names: dict[str, str],
    findings: list[Finding],
    output: str,
    notify: bool,
) -> str:

    if notify:
        if output == "json":
            return report.notify_json(found, as_of, names)
        return report.notify_text(found, as_of, names, md=output == "markdown")
    if output == "json":
        return report.json_report(found, as_of, names, findings)
    if output == "markdown":
        return report.markdown(found, as_of, names)
    return report.text(found, as_of, names)


def _warn(findings: list[Finding], left_out: int) -> None:
    for line in _warnings(findings, left_out):
        click.echo(line, err=True)


def _warnings(findings: list[Finding], left_out: int) -> list[str]:
    lines = [finding.as_text() for finding in findings]
    if left_out:
        lines.append(f"注意：{left_out} 个记录文件有错误，未计入（运行 xuncha validate 查看）。")
    return lines


@click.command("calendar")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
@click.pass_context
def calendar_command(ctx: click.Context, output: str) -> None:
    """列出工作日历已收录的年份及来源（chinesecalendar 库或补充文件），以及如何添加下一年。"""
    from xuncha.cli.main import repository

    root = repository(ctx)
    rules = load_rules(root)
    runs = coverage(rules.calendar)
    following = max(rules.calendar.sources) + 1
    if output == "json":
        years = [{"from": first, "to": last, "source": source} for first, last, source in runs]
        click.echo(json.dumps({"covered": years, "next_missing": following}, ensure_ascii=False, indent=2))
    else:
        click.echo(_calendar_text(runs, following))
    for finding in rules.findings:
        click.echo(finding.as_text(), err=True)
    ctx.exit(EXIT_FINDINGS if rules.findings else 0)


def _calendar_text(runs: list[tuple[int, int, str]], following: int) -> str:
    lines = ["工作日历（法定节假日和调休上班日）已收录的年份："]
    lines += [
        f"  {first}–{last}  {source}" if first != last else f"  {first}  {source}"
        for first, last, source in runs
    ]
    lines += [
        "",
        f"{following} 年及以后尚未收录：按工作日计算的时限遇到这些年份会报错（不会猜测），",
        "按自然日、月、季度、年计算的时限不受影响。",
        f"添加 {following} 年：国务院办公厅公布该年节假日安排后，",
        "照 tools/xuncha/rules/data/calendar/README.md",
        f"新建 tools/xuncha/rules/data/calendar/{following}.yaml，运行 `xuncha validate` 检查，",
        "再运行 `xuncha calendar` 确认。",
    ]
    return "\n".join(lines)
