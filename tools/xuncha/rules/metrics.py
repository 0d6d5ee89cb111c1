"""Metrics: the countable facts of one unit's rectification record, as of a date (pure).

Rubric rules bind to these by name (``auto: {metrics: [overdue_open], …}``), so every
automatic deduction can show the facts behind it: which problem, which file, what.
Dates are ``YYYY-MM-DD`` text, which compares like dates; anything dated after the
as-of date has not happened yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from xuncha.model.index import Folder, Json, Node, Record
from xuncha.rules import deadlines
from xuncha.rules.deadlines import DONE_STATES, Obligation, overdue_problems

# DONE_STATES (已完成, 已销号) is "completed"; 基本完成 is not (seed 002 counts it apart)
STAGES = ("前期", "中期", "后期")
LEVELS = ("国家级", "省级", "市级", "区级")  # highest first
REPORT_KINDS = frozenset({"整改进展报告", "整改情况报告", "办结报告"})
PLAN_FIELDS = {
    "lead_leader": "牵头领导",
    "lead_department": "牵头部门",
    "responsible_person": "责任人",
    "deadline": "整改时限",
}
LISTS = {"problem_list": "问题清单", "task_list": "任务清单", "responsibility_list": "责任清单"}


@dataclass(frozen=True)
class Fact:
    """One thing behind a metric: what it is about (problem or record id), where, and what.

    ``tag`` is a machine-readable qualifier a formula reads: a task's grade, a
    commendation's level, a survey answer; ``count`` how many (a survey answer's votes).
    """

    ref: str
    file: str
    text: str
    tag: str = ""
    count: int = 0


@dataclass(frozen=True)
class Metric:
    """A named count (or rate) with the facts that make it up."""

    name: str
    title: str
    value: Fraction
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Context:
    """What every metric reads: the unit's folder, the as-of date and its obligations on that date."""

    folder: Folder
    as_of: str
    obligations: tuple[Obligation, ...] = ()  # this unit's, from the deadline engine

    def record(self, kind: str) -> Record | None:
        return self.folder.records.get(kind)

    def file(self, kind: str) -> str:
        """The record's file, or where it would be (facts about a missing file still point somewhere)."""
        record = self.record(kind)
        return record.file if record else f"rounds/{self.folder.round}/{self.folder.unit}/{kind}.yaml"

    def happened(self, day: object) -> bool:
        return isinstance(day, str) and day <= self.as_of


MetricFn = Callable[[Context], tuple[int | Fraction, list[Fact]]]


def state_as_of(record: Record | None, as_of: str) -> tuple[str, Json | None]:
    """A problem's state on ``as_of`` (the last log entry by then), with that entry; 未启动 if none."""
    last = None
    if record is not None:
        for entry in record.data.get("log", []):
            if entry.get("date", "") <= as_of:
                last = entry
    return (str(last["state"]), last) if last else ("未启动", None)


def _plan_entries(ctx: Context) -> Iterator[tuple[int, Json]]:
    for _, i, entry in ctx.folder.items("plan", "entries"):
        yield i, entry


def _missing_field(key: str) -> MetricFn:
    label = PLAN_FIELDS[key]

    def metric(ctx: Context) -> tuple[int, list[Fact]]:
        facts = [
            Fact(str(entry.get("problem")), ctx.file("plan"), f"整改方案第{i + 1}条未明确{label}")
            for i, entry in _plan_entries(ctx)
            if not entry.get(key)
        ]
        return len(facts), facts

    return metric


def plan_missing(ctx: Context) -> tuple[int, list[Fact]]:
    if ctx.record("plan") is not None:
        return 0, []
    return 1, [Fact("plan", ctx.file("plan"), "没有整改方案（plan.yaml）")]


def lists_incomplete(ctx: Context) -> tuple[int, list[Fact]]:
    plan = ctx.record("plan")
    flags = plan.data.get("lists_complete", {}) if plan else {}
    facts = [
        Fact("plan", ctx.file("plan"), f"{label}未填报齐全（lists_complete.{key} 不是 true）")
        for key, label in LISTS.items()
        if flags.get(key) is not True
    ]
    return (1 if facts else 0), facts


def plan_not_studied(ctx: Context) -> tuple[int, list[Fact]]:
    plan = ctx.record("plan")
    if plan is not None and ctx.happened(plan.data.get("collectively_studied")):
        return 0, []
    return 1, [Fact("plan", ctx.file("plan"), "整改方案没有领导班子集体研究的记录（collectively_studied）")]


def leading_group_missing(ctx: Context) -> tuple[int, list[Fact]]:
    plan = ctx.record("plan")
    if plan is not None and plan.data.get("leading_group"):
        return 0, []
    return 1, [Fact("plan", ctx.file("plan"), "整改方案没有写明整改工作领导小组（leading_group）")]


def returned_twice(submissions: Iterable[Json], ctx: Context) -> str | None:
    """The dates of the first two consecutive returns (退回, 退回) by the as-of date, if any."""
    previous = None
    for submission in submissions:
        if not ctx.happened(submission.get("date")):
            break
        if submission.get("result") == "退回" and previous is not None and previous.get("result") == "退回":
            return f"{previous['date']}、{submission['date']} 报送后连续两次被退回"
        previous = submission
    return None


def plan_returned_twice(ctx: Context) -> tuple[int, list[Fact]]:
    plan = ctx.record("plan")
    found = returned_twice(plan.data.get("submissions", []), ctx) if plan else None
    return (1, [Fact("plan", ctx.file("plan"), f"整改方案{found}")]) if found else (0, [])


def reports_returned_twice(ctx: Context) -> tuple[int, list[Fact]]:
    facts = []
    for record, _, report in ctx.folder.items("reports", "reports"):
        found = returned_twice(report.get("submissions", []), ctx)
        if found:
            facts.append(Fact(str(report.get("id")), record.file, f"{report.get('kind')}{found}"))
    return len(facts), facts


def _meetings(ctx: Context, kind: str) -> list[Json]:
    return [
        m
        for _, _, m in ctx.folder.items("reports", "meetings")
        if m.get("kind") == kind and ctx.happened(m.get("date"))
    ]


def democratic_life_missing(ctx: Context) -> tuple[int, list[Fact]]:
    if _meetings(ctx, "专题民主生活会"):
        return 0, []
    return 1, [Fact("reports", ctx.file("reports"), "没有召开专题民主生活会的记录")]


def stage_meetings_missing(ctx: Context) -> tuple[int, list[Fact]]:
    held = {m.get("stage") for m in _meetings(ctx, "整改专题会议")}
    facts = [
        Fact(stage, ctx.file("reports"), f"没有{stage}整改专题会议的记录")
        for stage in STAGES
        if stage not in held
    ]
    return len(facts), facts


def topic_meetings(ctx: Context) -> tuple[int, list[Fact]]:
    meetings = _meetings(ctx, "整改专题会议")
    facts = [
        Fact(str(m.get("id")), ctx.file("reports"), f"{m.get('date')} 召开{m.get('stage', '')}整改专题会议")
        for m in meetings
    ]
    return len(facts), facts


def overdue_open(ctx: Context) -> tuple[int, list[Fact]]:
    """Problems past their deadline (as extended) and not completed: the deadline engine's red problems."""
    facts = [
        Fact(
            str(o.problem),
            o.file,
            f"整改时限 {o.due}{_extended(o)}已过，截至 {ctx.as_of} 未完成整改（逾期 {o.days} 天）",
        )
        for o in overdue_problems(list(ctx.obligations))
    ]
    return len(facts), facts


def _extended(o: Obligation) -> str:
    return f"（原时限 {o.original_due}，经 {o.extension} 批准延期）" if o.extension else " "


def _found(ctx: Context, finding: str, reopen: str) -> tuple[int, list[Fact]]:
    """Spot-check findings and log reopenings of one kind, counted per problem.

    A spot check and the reopening it causes are often both recorded; per problem
    the larger of the two counts is taken, so one event is not counted twice.
    """
    checks: Counter[str] = Counter()
    reopens: Counter[str] = Counter()
    facts = []
    for record, _, action in ctx.folder.items("supervision", "actions"):
        if action.get("finding") == finding and ctx.happened(action.get("date")):
            for problem in action.get("problems") or [str(action.get("id"))]:
                checks[problem] += 1
                text = f"{action.get('id')} {action.get('kind')}（{action.get('date')}）发现：{finding}"
                facts.append(Fact(problem, record.file, text))
    for problem, record in ctx.folder.statuses.items():
        for entry in record.data.get("log", []):
            if entry.get("reopen") == reopen and ctx.happened(entry.get("date")):
                reopens[problem] += 1
                facts.append(Fact(problem, record.file, f"{entry['date']} 重新整改：{reopen}"))
    count = sum(max(checks[p], reopens[p]) for p in checks.keys() | reopens.keys())
    return count, facts


def reported_done_not_done(ctx: Context) -> tuple[int, list[Fact]]:
    return _found(ctx, "报告完成但未完成", "抽查发现未完成")


def recurrences(ctx: Context) -> tuple[int, list[Fact]]:
    return _found(ctx, "问题反弹", "问题反弹")


def late_submissions(ctx: Context) -> tuple[int, list[Fact]]:
    """Each submission made late, or still missing past its due date (the deadline engine's 报送)."""
    facts = [_late_fact(o) for o in deadlines.late_submissions(list(ctx.obligations))]
    return len(facts), facts


def late_report_submissions(ctx: Context) -> tuple[int, list[Fact]]:
    """The late submissions that are reports (“双报告”, 办结报告: a title naming a 报告)."""
    facts = [fact for fact in late_submissions(ctx)[1] if "报告" in fact.tag]
    return len(facts), facts


def _late_fact(o: Obligation) -> Fact:
    done = f"{o.done} 才报送" if o.done else "至今未报送"
    return Fact(
        o.item or o.rule, o.file, f"{o.title}：应于 {o.due} 前报送，{done}（逾期 {o.days} 天）", o.title
    )


def report_missing(ctx: Context) -> tuple[int, list[Fact]]:
    for _, _, report in ctx.folder.items("reports", "reports"):
        sent = [s for s in report.get("submissions", []) if ctx.happened(s.get("date"))]
        if report.get("kind") in REPORT_KINDS and sent:
            return 0, []
    return 1, [Fact("reports", ctx.file("reports"), "没有报送整改进展报告、整改情况报告或办结报告的记录")]


def disclosure_missing(ctx: Context) -> tuple[int, list[Fact]]:
    for _, _, disclosure in ctx.folder.items("reports", "disclosures"):
        if disclosure.get("kind") == "党内通报" and ctx.happened(disclosure.get("date")):
            return 0, []
    return 1, [
        Fact("reports", ctx.file("reports"), "没有向党内通报整改情况的记录（disclosures 中的党内通报）")
    ]


def _petitions(ctx: Context) -> Iterator[tuple[Record, Json, str | None]]:
    """Petitions received by the as-of date, with their closing date if closed by then."""
    for record, _, petition in ctx.folder.items("clues", "petitions"):
        if ctx.happened(petition.get("received")):
            closed = petition.get("closed")
            yield record, petition, closed if ctx.happened(closed) else None


def petitions_late(ctx: Context) -> tuple[int, list[Fact]]:
    facts = []
    for record, petition, closed in _petitions(ctx):
        deadline = str(petition["deadline"])
        if closed is not None and closed > deadline:
            text = f"办理时限 {deadline}，{closed} 才办结"
        elif closed is None and deadline < ctx.as_of:
            text = f"办理时限 {deadline} 已过，截至 {ctx.as_of} 仍未办结"
        else:
            continue
        facts.append(Fact(str(petition.get("id")), record.file, text))
    return len(facts), facts


def petitions_open(ctx: Context) -> tuple[int, list[Fact]]:
    facts = [
        Fact(
            str(petition.get("id")),
            record.file,
            f"截至 {ctx.as_of} 未办结（办理时限 {petition.get('deadline')}）",
        )
        for record, petition, closed in _petitions(ctx)
        if closed is None
    ]
    return len(facts), facts


def tasks(ctx: Context) -> tuple[int, list[Fact]]:
    """Leaf problems, each tagged with the assessor's grade (seed 001 item 7); '' when ungraded."""
    grades = {
        g.get("problem"): str(g.get("grade")) for _, _, g in ctx.folder.items("assessment", "task_grades")
    }
    file = ctx.file("assessment")
    facts = [
        Fact(leaf.id, file, _grade_text(grades.get(leaf.id)), grades.get(leaf.id, ""))
        for leaf in _leaves(ctx)
    ]
    return len(facts), facts


def _grade_text(grade: str | None) -> str:
    return f"评定为“{grade}”" if grade else "未评定等次（assessment.yaml 的 task_grades）"


def commendations(ctx: Context) -> tuple[int, list[Fact]]:
    """Distinct commendations (same title once), each tagged with its highest level."""
    best: dict[str, tuple[int, list[str]]] = {}
    for _, _, item in ctx.folder.items("assessment", "commendations"):
        if item.get("date") is not None and not ctx.happened(item.get("date")):
            continue
        title, level = str(item["title"]).strip(), LEVELS.index(str(item["level"]))
        rank, levels = best.get(title, (level, []))
        best[title] = (min(rank, level), [*levels, LEVELS[level]])
    facts = [
        Fact(title, ctx.file("assessment"), _commendation_text(LEVELS[rank], levels), LEVELS[rank])
        for title, (rank, levels) in best.items()
    ]
    return len(facts), facts


def _commendation_text(level: str, levels: list[str]) -> str:
    others = sorted(set(levels) - {level}, key=LEVELS.index)
    if others:
        return f"{level}（同一事项另有{'、'.join(others)}记录，按最高级别计一次）"
    return f"{level}（同一事项记录{len(levels)}次，计一次）" if len(levels) > 1 else level


def surveys(ctx: Context) -> tuple[int, list[Fact]]:
    """满意度测评 held by the as-of date (participation.yaml): one fact per answer of each survey,
    tagged with the answer and counting its votes, so the rubric's weights make the satisfaction."""
    facts = []
    held = 0
    for record, _, survey in ctx.folder.items("participation", "surveys"):
        if not ctx.happened(survey.get("date")):
            continue
        held += 1
        who = "、".join(survey.get("groups", []))
        head = f"{survey['date']} {survey['kind']}（{who}，参加 {survey['invited']} 人）"
        facts += [
            Fact(str(survey["id"]), record.file, f"{head}：{answer} {votes} 票", str(answer), int(votes))
            for answer, votes in survey.get("results", {}).items()
        ]
    return held, facts


def rectification_rate(ctx: Context) -> tuple[Fraction, list[Fact]]:
    """整改落实率: completed (已完成 or 已销号) leaves / all leaves; facts are the ones not completed."""
    leaves = _leaves(ctx)
    facts = []
    for leaf in leaves:
        status = ctx.folder.statuses.get(leaf.id)
        state, _ = state_as_of(status, ctx.as_of)
        if state not in DONE_STATES:
            facts.append(
                Fact(leaf.id, status.file if status else ctx.file("plan"), f"截至 {ctx.as_of} 状态为{state}")
            )
    return (Fraction(len(leaves) - len(facts), len(leaves)) if leaves else Fraction(0)), facts


def _leaves(ctx: Context) -> list[Node]:
    return ctx.folder.leaves()


METRICS: Mapping[str, tuple[str, MetricFn]] = {
    "plan_missing": ("未制定整改方案", plan_missing),
    **{
        f"plan_missing_{key}": (f"方案未明确{label}", _missing_field(key))
        for key, label in PLAN_FIELDS.items()
    },
    "lists_incomplete": ("三个清单不全", lists_incomplete),
    "plan_not_studied": ("方案未经领导班子集体研究", plan_not_studied),
    "plan_returned_twice": ("方案连续两次被退回", plan_returned_twice),
    "reports_returned_twice": ("报告连续两次被退回", reports_returned_twice),
    "leading_group_missing": ("未成立整改工作领导小组", leading_group_missing),
    "democratic_life_missing": ("未召开专题民主生活会", democratic_life_missing),
    "stage_meetings_missing": ("缺少的阶段整改专题会议", stage_meetings_missing),
    "topic_meetings": ("整改专题会议次数", topic_meetings),
    "overdue_open": ("超出整改时限未完成", overdue_open),
    "reported_done_not_done": ("报告完成但检查发现未完成", reported_done_not_done),
    "recurrences": ("问题反弹（边改边犯）", recurrences),
    "late_submissions": ("报送不及时", late_submissions),
    "late_report_submissions": ("报告报送不及时", late_report_submissions),
    "report_missing": ("未形成整改报告", report_missing),
    "disclosure_missing": ("未向党内通报整改情况", disclosure_missing),
    "petitions_late": ("信访件未在时限内办结", petitions_late),
    "petitions_open": ("信访件未办理", petitions_open),
    "tasks": ("整改任务（末级问题）", tasks),
    "commendations": ("创新工作表彰（同一事项计一次）", commendations),
    "surveys": ("满意度测评", surveys),
    "rectification_rate": ("整改落实率", rectification_rate),
}


def compute(
    ctx: Any, names: Iterable[str] | None = None, registry: Mapping[str, tuple[str, Any]] = METRICS
) -> dict[str, Metric]:
    """The named metrics (default: all) of ``registry`` for the context: a unit's, or (with the
    supervisor metrics) a supervising body's."""
    wanted = list(registry) if names is None else list(dict.fromkeys(names))
    out = {}
    for name in wanted:
        title, function = registry[name]
        value, facts = function(ctx)
        out[name] = Metric(name, title, Fraction(value), tuple(facts))
    return out
