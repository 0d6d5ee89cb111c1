"""Metrics of a supervising body's duty (seed 004: 监督责任), as of a date (pure).

Seed 004 assesses the bodies that supervise rectification as well as the units:
whether they review the materials strictly, guide and check regularly and take
effective measures. A body answers for the folders of one round in a role: the
unit's supervisors (派驻纪检监察组, 监督检查室, 纪（工）委 — ``units/*.yaml``
``supervisors``) review reports and progress, check, urge and close; the round's
inspection group (``round.yaml`` ``group``) reviews the plan and extensions (seed 000
annex 1, as ``owners.yaml`` writes it). Each metric counts what the record and git
history show against that duty, with the facts behind it; supervisor rubrics bind
to these names as unit rubrics bind to :data:`xuncha.rules.metrics.METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from xuncha.model.index import Folder, Json
from xuncha.model.merges import GROUP, REVIEWED, SUPERVISOR, Merge
from xuncha.rules import metrics
from xuncha.rules.deadlines import Obligation
from xuncha.rules.metrics import Fact
from xuncha.rules.profiles import Light
from xuncha.rules.urging import reference
from xuncha.rules.workdays import Offset, WorkCalendar, shift

CHECKS = frozenset({"抽查", "回头看"})
URGING = frozenset({"督办函", "约谈"})
DECIDED = frozenset({"退回", "通过"})


@dataclass(frozen=True)
class Duty:
    """A folder a body answers for, and in which role."""

    folder: Folder
    role: str
    feedback: date | None


@dataclass(frozen=True)
class BodyContext:
    """What every supervisor metric reads."""

    body: str
    duties: tuple[Duty, ...]
    as_of: date
    obligations: tuple[Obligation, ...]  # of the folders the body supervises
    merges: tuple[Merge, ...] | None  # None: no git history to read
    calendar: WorkCalendar
    parameters: Mapping[str, Offset]

    def roles(self, role: str) -> Iterator[Duty]:
        return (d for d in self.duties if d.role == role)

    def after(self, day: date, name: str) -> date:
        """``day`` plus the rubric's ``name`` period (CalendarGap when a year has no holiday data)."""
        return shift(self.calendar, day, self.parameters[name])

    def reviewed_merges(self) -> Iterator[Merge]:
        """Changes to the records this body reviews, written by the as-of date."""
        if self.merges is None:
            return
        kinds = {(d.folder.round, d.folder.unit): REVIEWED[d.role] for d in self.duties}
        day = self.as_of.isoformat()
        for m in self.merges:
            if m.kind in kinds.get((m.round, m.unit), ()) and m.authored <= day:
                yield m


Counted = tuple[int | Fraction, list[Fact]]


def _submissions(duty: Duty) -> Iterator[tuple[str, str, Json]]:
    """(file, what, submission) the duty's role reviews: the plan (group) or the reports (supervisors)."""
    folder = duty.folder
    if duty.role == GROUP:
        for record, i, s in folder.items("plan", "submissions"):
            yield record.file, f"整改方案第{i + 1}次报送", s
        return
    for record, _, report in folder.items("reports", "reports"):
        for i, s in enumerate(report.get("submissions", [])):
            yield record.file, f"{report['id']} {report.get('kind', '')}第{i + 1}次报送", s


def reviews_late(ctx: BodyContext) -> Counted:
    """Submissions decided after the review period, or still undecided once it has passed."""
    facts = []
    today = ctx.as_of.isoformat()
    for duty in ctx.duties:
        for file, what, s in _submissions(duty):
            if str(s["date"]) > today:
                continue
            limit = ctx.after(date.fromisoformat(str(s["date"])), "review")
            done = s.get("result_date") if s.get("result") in DECIDED else None
            done = str(done) if done is not None and str(done) <= today else None
            where = f"{duty.folder.unit} {what}（{s['date']}）"
            if done is None and ctx.as_of > limit:
                facts.append(Fact(duty.folder.unit, file, f"{where}：应于{limit}前审核，截至{today}仍未审核"))
            elif done is not None and done > limit.isoformat():
                facts.append(Fact(duty.folder.unit, file, f"{where}：应于{limit}前审核，{done}才审核"))
    return len(facts), facts


def _by_commit(merges: Iterator[Merge]) -> dict[tuple[str, str], list[Merge]]:
    """One commit's changes per unit folder: one review, however many files it touched."""
    grouped: dict[tuple[str, str], list[Merge]] = {}
    for m in merges:
        grouped.setdefault((m.commit, m.unit), []).append(m)
    return grouped


def _files(changes: list[Merge]) -> str:
    names = [m.file.rsplit("/", 1)[-1] for m in changes]
    return "、".join(names[:3]) + (f"等{len(names)}个文件" if len(names) > 3 else "")


def merges_late(ctx: BodyContext) -> Counted:
    """Commits merged (approved) after the review period from when they were written (git)."""
    facts = []
    for (commit, unit), changes in _by_commit(ctx.reviewed_merges()).items():
        m = changes[0]
        if m.merged is None:
            continue
        limit = ctx.after(date.fromisoformat(m.authored), "review")
        if m.merged > limit.isoformat():
            head = f"提交 {commit[:8]}（{m.authored}，{_files(changes)}）"
            text = f"{head}{m.merged} 才由{m.approver}审核合并，应于{limit}前"
            facts.append(Fact(unit, m.file, text))
    return len(facts), facts


def unreviewed_changes(ctx: BodyContext) -> Counted:
    """Commits that reached main without review: pushed straight to it (git)."""
    facts = [
        Fact(
            unit,
            changes[0].file,
            f"提交 {commit[:8]}（{changes[0].authored}，{_files(changes)}）直接推送到主线，未经审核",
        )
        for (commit, unit), changes in _by_commit(ctx.reviewed_merges()).items()
        if changes[0].merged is None
    ]
    return len(facts), facts


def spot_checks_missing(ctx: BodyContext) -> Counted:
    """Each full period since the feedback (seed 000: 原则上每年进行一次集中督查) with no spot check
    or 回头看 recorded in the folder."""
    facts = []
    for duty in ctx.roles(SUPERVISOR):
        if duty.feedback is None:
            continue
        checks = [
            str(a["date"])
            for _, _, a in duty.folder.items("supervision", "actions")
            if a.get("kind") in CHECKS
        ]
        start = duty.feedback
        while (end := ctx.after(start, "spot_check")) <= ctx.as_of:
            if not any(start.isoformat() < day <= end.isoformat() for day in checks):
                file = f"rounds/{duty.folder.round}/{duty.folder.unit}/supervision.yaml"
                facts.append(Fact(duty.folder.unit, file, f"{start} 至 {end} 没有抽查或回头看记录"))
            start = end
    return len(facts), facts


def red_not_urged(ctx: BodyContext) -> Counted:
    """Red obligations of supervised units that no letter or talk urged within the urging period
    after they fell due: one naming the obligation or its problem, or one naming nothing (all)."""
    folders = {(d.folder.round, d.folder.unit): d.folder for d in ctx.roles(SUPERVISOR)}
    facts = []
    for o in ctx.obligations:
        folder = folders.get((o.round, o.unit or ""))
        if folder is None or o.light is not Light.RED:
            continue
        grace = ctx.after(o.due, "urge")
        if ctx.as_of <= grace or _urged(folder, o, grace):
            continue
        which = f" {o.item}" if o.item and not o.problem else ""
        text = f"{o.title}{which}（{o.due} 到期）：{grace}前没有督办函或约谈"
        facts.append(Fact(folder.unit, o.file, text))
    return len(facts), facts


def _urged(folder: Folder, o: Obligation, grace: date) -> bool:
    for _, _, action in folder.items("supervision", "actions"):
        day = str(action.get("date"))
        if action.get("kind") not in URGING or not (o.due.isoformat() < day <= grace.isoformat()):
            continue
        named = reference(o) in action.get("obligations", []) or (o.problem in action.get("problems", []))
        general = not action.get("problems") and not action.get("obligations")  # urges all that is late
        if named or general:
            return True
    return False


def closes_unverified(ctx: BodyContext) -> Counted:
    """Closes (已销号) without evidence in the record, or that reached main without review (git)."""
    facts = []
    today = ctx.as_of.isoformat()
    for duty in ctx.roles(SUPERVISOR):
        for problem, record in duty.folder.statuses.items():
            for entry in record.data.get("log", []):
                if (
                    entry.get("state") == "已销号"
                    and str(entry.get("date")) <= today
                    and not entry.get("evidence")
                ):
                    facts.append(Fact(problem, record.file, f"{entry['date']} 销号，没有佐证材料"))
    for m in ctx.reviewed_merges():
        if m.merged is None:
            facts += [
                Fact(p, m.file, f"{m.authored} 销号（提交 {m.commit[:8]}）直接推送到主线，未经审核核实")
                for p in m.closes
            ]
    return len(facts), facts


def rectification_rate(ctx: BodyContext) -> Counted:
    """整改落实率 of the units the body answers for: completed leaves / all leaves, pooled."""
    done = total = 0
    facts: list[Fact] = []
    for duty in ctx.duties:
        unit = metrics.Context(duty.folder, ctx.as_of.isoformat())
        _, open_leaves = metrics.rectification_rate(unit)
        leaves = len(duty.folder.leaves())
        total, done = total + leaves, done + leaves - len(open_leaves)
        facts += open_leaves
    return (Fraction(done, total) if total else Fraction(0)), facts


# the rubric's ``parameters`` a metric reads
PARAMETERS = {
    "reviews_late": "review",
    "merges_late": "review",
    "spot_checks_missing": "spot_check",
    "red_not_urged": "urge",
}
SupervisorFn = Callable[[BodyContext], Counted]
SUPERVISOR_METRICS: Mapping[str, tuple[str, SupervisorFn]] = {
    "reviews_late": ("报送材料审核不及时", reviews_late),
    "merges_late": ("合并请求审核不及时", merges_late),
    "unreviewed_changes": ("未经审核直接推送", unreviewed_changes),
    "spot_checks_missing": ("缺少抽查或回头看", spot_checks_missing),
    "red_not_urged": ("红灯事项未督办", red_not_urged),
    "closes_unverified": ("销号未经核实", closes_unverified),
    "rectification_rate": ("所监督单位的整改落实率", rectification_rate),
}


def compute(ctx: BodyContext, names: list[str]) -> dict[str, metrics.Metric]:
    """The named metrics for one body."""
    return metrics.compute(ctx, names, SUPERVISOR_METRICS)
