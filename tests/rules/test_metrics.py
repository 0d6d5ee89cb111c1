"""Metrics from the record: each count with the facts behind it, as of a date.

Uses the worked-example record of ``test_scoring`` (see its docstring for the facts).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from worked_record import AS_OF, R, build, put
from xuncha.pipeline import validate
from xuncha.rules import deadlines
from xuncha.rules.metrics import METRICS, Context, compute
from xuncha.rules.rubrics import load_setting

U = f"rounds/{R}/t-unit"


@pytest.fixture
def worked(minimal_repo: Path) -> Path:
    return build(minimal_repo)


def context(root: Path, as_of: date = AS_OF, unit: str = "t-unit") -> Context:
    index = validate(root, use_cache=False).index
    setting = load_setting(root)
    found = deadlines.schedule(index, setting.profiles, setting.default_profile, setting.calendar, as_of)
    mine = tuple(o for o in found.obligations if o.unit == unit)
    return Context(index.folders[(R, unit)], as_of.isoformat(), mine)


def value(root: Path, name: str, as_of: date = AS_OF) -> Fraction:
    return compute(context(root, as_of), [name])[name].value


def facts(root: Path, name: str, as_of: date = AS_OF) -> list[tuple[str, str, str]]:
    return [(f.ref, f.file, f.text) for f in compute(context(root, as_of), [name])[name].facts]


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_nonzero_count_lists_its_facts(worked: Path) -> None:
    found = compute(context(worked))
    assert set(found) == set(METRICS)
    for name, metric in found.items():
        if metric.value and name not in ("rectification_rate",):
            assert metric.facts, name
            assert all(f.file.startswith(U) and f.text for f in metric.facts), name


def test_plan_fields_missing_per_field(worked: Path) -> None:
    assert facts(worked, "plan_missing_lead_leader") == [
        ("P01.2", f"{U}/plan.yaml", "整改方案第2条未明确牵头领导")
    ]
    assert facts(worked, "plan_missing_deadline") == [
        ("P01.2", f"{U}/plan.yaml", "整改方案第2条未明确整改时限")
    ]
    assert (
        value(worked, "plan_missing_lead_department") == value(worked, "plan_missing_responsible_person") == 0
    )
    assert (value(worked, "plan_missing"), value(worked, "lists_incomplete")) == (0, 0)
    assert (value(worked, "plan_not_studied"), value(worked, "leading_group_missing")) == (1, 1)


def test_lists_incomplete_names_each_missing_list(worked: Path) -> None:
    edit(worked, f"{U}/plan.yaml", "task_list: true, ", "")
    assert [t for _, _, t in facts(worked, "lists_incomplete")] == [
        "任务清单未填报齐全（lists_complete.task_list 不是 true）"
    ]


def test_overdue_uses_the_extension_in_force(worked: Path) -> None:
    # E1 (approved 2026-01-10) moved P01.1 from 2025-12-31 to 2026-03-31
    refs = {
        day: [ref for ref, _, _ in facts(worked, "overdue_open", day)]
        for day in (date(2026, 1, 5), date(2026, 3, 31))
    }
    assert refs[date(2026, 1, 5)] == ["P01.1"]  # before the approval the old deadline had passed
    assert refs[date(2026, 3, 31)] == ["P02"]  # the new deadline's own day; P02 is reopened (整改中) then
    ((ref, file, text),) = facts(worked, "overdue_open", date(2026, 4, 1))
    assert (ref, file) == ("P01.1", f"{U}/status/P01.1.yaml")
    assert "2026-03-31（原时限 2025-12-31，经 E1 批准延期）" in text


def test_completed_late_is_not_overdue(worked: Path) -> None:
    # P02 (deadline 2025-09-30) is 已完成 again since 2026-04-01: late, but completed
    assert "P02" not in [ref for ref, _, _ in facts(worked, "overdue_open")]


def test_spot_check_and_reopening_of_one_event_count_once(worked: Path) -> None:
    assert value(worked, "reported_done_not_done") == 1
    assert len(facts(worked, "reported_done_not_done")) == 2  # both records are shown
    put(
        worked,
        f"{U}/supervision.yaml",
        (worked / f"{U}/supervision.yaml").read_text("utf-8")
        + "  - {id: S4, kind: 抽查, date: 2026-06-01, finding: 报告完成但未完成}\n",
    )
    # S4 names no problem: it counts on its own
    assert value(worked, "reported_done_not_done") == 2


def test_recurrences_per_problem_take_the_larger_source(worked: Path) -> None:
    # P02: two 问题反弹 findings (S2, S3), one reopening in the log → 2
    assert value(worked, "recurrences") == 2
    assert value(worked, "recurrences", date(2026, 4, 1)) == 1  # S3 has not happened yet


def test_late_submissions_come_from_the_deadline_engine(worked: Path) -> None:
    found = facts(worked, "late_submissions")
    assert [ref for ref, _, _ in found] == ["life-meeting-materials", "principal-report"]
    assert all(file == f"{U}/reports.yaml" for _, file, _ in found)
    assert "应于 2025-09-16 前报送，2025-09-25 才报送（逾期 9 天）" in found[1][2]
    assert [ref for ref, _, _ in facts(worked, "late_report_submissions")] == ["principal-report"]


def test_returned_twice_needs_two_returns_in_a_row(worked: Path) -> None:
    assert value(worked, "reports_returned_twice") == 1
    edit(worked, f"{U}/reports.yaml", "{date: 2025-09-20, result: 退回}", "{date: 2025-09-20, result: 通过}")
    assert value(worked, "reports_returned_twice") == 0
    assert value(worked, "plan_returned_twice") == 0


def test_meetings_count_only_when_held_by_the_as_of_date(worked: Path) -> None:
    assert [ref for ref, _, _ in facts(worked, "stage_meetings_missing")] == ["中期", "后期"]
    assert value(worked, "topic_meetings") == 1
    assert value(worked, "democratic_life_missing", date(2025, 7, 4)) == 1
    assert value(worked, "democratic_life_missing", date(2025, 7, 5)) == 0


def test_petitions_late_and_open(worked: Path) -> None:
    assert [ref for ref, _, _ in facts(worked, "petitions_late")] == ["XF01", "XF02"]
    assert [ref for ref, _, _ in facts(worked, "petitions_open")] == ["XF02", "XF03"]
    # on 2025-09-05 XF01 is open past its deadline, XF02 is still in time
    assert [t for _, _, t in facts(worked, "petitions_late", date(2025, 9, 5))] == [
        "办理时限 2025-08-31 已过，截至 2025-09-05 仍未办结"
    ]


def test_commendations_once_at_highest_level(worked: Path) -> None:
    found = compute(context(worked), ["commendations"])["commendations"]
    assert [(f.ref, f.tag) for f in found.facts] == [
        ("经验A", "省级"),
        ("经验B", "国家级"),
        ("经验C", "市级"),
    ]
    assert found.facts[0].text == "省级（同一事项另有区级记录，按最高级别计一次）"


def test_tasks_carry_the_assessors_grades(worked: Path) -> None:
    ctx = context(worked, unit="t-bureau")
    tasks = compute(ctx, ["tasks"])["tasks"]
    assert [(f.ref, f.tag) for f in tasks.facts] == [("P01.1", "好"), ("P01.2", "较好"), ("P02", "较差")]


def test_rectification_rate_counts_completed_not_basically_completed(worked: Path) -> None:
    assert value(worked, "rectification_rate") == Fraction(1, 3)
    put(
        worked,
        f"{U}/status/P01.2.yaml",
        f"round: {R}\nunit: t-unit\nproblem: P01.2\nlog:\n"
        "  - {date: 2025-08-01, state: 整改中}\n  - {date: 2026-05-01, state: 基本完成}\n",
    )
    assert value(worked, "rectification_rate") == Fraction(1, 3)
    edit(
        worked,
        f"{U}/status/P01.1.yaml",
        "state: 整改中}",
        "state: 整改中}\n  - {date: 2026-06-01, state: 已完成}",
    )
    assert value(worked, "rectification_rate") == Fraction(2, 3)
    assert value(worked, "rectification_rate", date(2026, 5, 31)) == Fraction(1, 3)
