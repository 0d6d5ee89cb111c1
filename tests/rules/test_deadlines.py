"""The deadline engine on small repositories: exact due dates, states, day counts, lights, extensions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from xuncha.pipeline import validate
from xuncha.rules.deadlines import (
    Obligation,
    Schedule,
    State,
    judge,
    late_submissions,
    overdue_problems,
    schedule,
)
from xuncha.rules.profiles import Light
from xuncha.rules.ruledata import load_rules

ROUND = "rounds/2025-t-r1"
FOLDER = f"{ROUND}/t-unit"

# The minimal repo: exit 2025-05-09, feedback 2025-06-16 (Monday), plan first submitted 2025-07-10;
# plan deadlines P01.1 2025-12-31, P01.2 2026-03-31, P02 2025-09-30 (done 2025-09-20, closed 10-10).


def write(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def set_profile(root: Path, profile: str) -> None:
    round_file = root / ROUND / "round.yaml"
    round_file.write_text(round_file.read_text(encoding="utf-8") + f"profile: {profile}\n", encoding="utf-8")


def run(root: Path, as_of: date, window: int | None = None) -> Schedule:
    report = validate(root)
    assert not report.failed, [f.as_text() for f in report.findings]
    rules = load_rules(root)
    return schedule(report.index, rules.profiles, None, rules.calendar, as_of, window=window)


def by_key(plan: Schedule) -> dict[str, Obligation]:
    return {o.rule + (f":{o.problem or o.item}" if o.problem or o.item else ""): o for o in plan.obligations}


@pytest.fixture
def wujiang(minimal_repo: Path) -> Path:
    set_profile(minimal_repo, "wujiang")
    write(
        minimal_repo,
        f"{FOLDER}/reports.yaml",
        """\
round: 2025-t-r1
unit: t-unit
meetings:
  - id: M1
    kind: 专题民主生活会
    date: 2025-07-12
    materials_filed: 2025-07-20
reports:
  - id: R1
    kind: 主要负责人报告
    submissions:
      - date: 2025-09-01
  - id: R2
    kind: 季度进展
    period: 2025Q3
    submissions:
      - date: 2025-10-09
""",
    )
    return minimal_repo


def test_wujiang_due_dates_states_and_days(wujiang: Path) -> None:
    found = by_key(run(wujiang, date(2025, 9, 10)))
    plan = found["plan"]
    assert (plan.due, plan.done, plan.state, plan.days) == (
        date(2025, 7, 16),
        date(2025, 7, 10),
        State.ON_TIME,
        6,
    )
    meeting = found["life-meeting-materials"]
    assert (meeting.due, meeting.state, meeting.days, meeting.light) == (
        date(2025, 7, 16),
        State.LATE,
        4,
        Light.GREEN,
    )
    progress = found["progress-report"]
    assert (progress.due, progress.state, progress.days, progress.light) == (
        date(2025, 9, 16),
        State.DUE_SOON,
        6,
        Light.YELLOW,
    )
    principal = found["principal-report"]
    assert (principal.due, principal.state, principal.days) == (date(2025, 9, 16), State.ON_TIME, 15)
    quarter = found["quarterly-progress:2025Q3"]
    assert (quarter.due, quarter.state, quarter.days, quarter.light) == (
        date(2025, 9, 30),
        State.OPEN,
        20,
        Light.GREEN,
    )
    assert "quarterly-progress:2025Q2" not in found  # the quarter of the feedback itself is not due (次季)
    assert found["completion-report"].due == date(2026, 6, 16)
    assert (found["problem:P02"].state, found["problem:P02"].days) == (State.OPEN, 20)  # done 09-20: later
    assert found["problem:P01.1"].due == date(2025, 12, 31)


def test_overdue_measured_in_calendar_days(wujiang: Path) -> None:
    found = by_key(run(wujiang, date(2025, 10, 1)))
    progress = found["progress-report"]
    assert (progress.state, progress.days, progress.light) == (State.OVERDUE, 15, Light.RED)
    assert progress.recipients == ("责任人", "牵头领导", "单位党组织书记", "监督单位")
    assert progress.addressees == (
        "测试区测试局责任人",
        "测试区测试局牵头领导",
        "测试区测试局单位党组织书记",
        "测试区测试局监督单位",
    )
    assert progress.file == f"{FOLDER}/reports.yaml"
    quarter = found["quarterly-progress:2025Q3"]
    assert (quarter.state, quarter.days) == (State.OVERDUE, 1)  # filed 10-09, not known on 10-01
    assert (found["problem:P02"].done, found["problem:P02"].state, found["problem:P02"].days) == (
        date(2025, 9, 20),
        State.ON_TIME,
        10,
    )
    assert by_key(run(wujiang, date(2025, 10, 9)))["quarterly-progress:2025Q3"].state is State.LATE


def test_nothing_after_as_of_counts(wujiang: Path) -> None:
    found = by_key(run(wujiang, date(2025, 7, 5)))
    assert found["plan"].done is None and found["plan"].state is State.OPEN and found["plan"].days == 11
    assert (found["quarterly-progress:2025Q3"].state, found["quarterly-progress:2025Q3"].days) == (
        State.OPEN,
        87,
    )
    assert "quarterly-progress:2025Q4" not in found  # that quarter has not begun
    assert found["problem:P02"].done is None
    assert by_key(run(wujiang, date(2025, 6, 15))) == {}  # before the feedback nothing is due


def test_window_sets_yellow(wujiang: Path) -> None:
    assert by_key(run(wujiang, date(2025, 9, 10), window=5))["progress-report"].state is State.OPEN
    assert by_key(run(wujiang, date(2025, 9, 16), window=0))["progress-report"].state is State.DUE_SOON


def test_villages_hold_no_democratic_life_meeting(wujiang: Path) -> None:
    unit = wujiang / "units" / "t-unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("type: 区级机关", "type: 村"), encoding="utf-8")
    found = by_key(run(wujiang, date(2025, 9, 10)))
    assert "life-meeting-materials" not in found and "plan" in found


EXTENSIONS = """\
round: 2025-t-r1
unit: t-unit
extensions:
  - id: E1
    problem: P01.1
    new_deadline: 2026-02-28
    reason: 需上级审批。
    requested: 2025-12-01
    approved_by: 第一巡察组
    approved: 2025-12-20
  - id: E2
    problem: P01.1
    new_deadline: 2026-03-31
    reason: 审批再次延后。
    requested: 2026-02-10
    approved_by: 第一巡察组
    approved: 2026-02-20
"""


def test_extension_moves_the_due_date_and_keeps_the_original(wujiang: Path) -> None:
    write(wujiang, f"{FOLDER}/extensions.yaml", EXTENSIONS)
    before = by_key(run(wujiang, date(2025, 12, 10)))["problem:P01.1"]
    assert (before.due, before.original_due, before.extension, before.days) == (
        date(2025, 12, 31),
        None,
        None,
        21,
    )
    first = by_key(run(wujiang, date(2026, 1, 15)))["problem:P01.1"]
    assert (first.due, first.original_due, first.extension, first.state, first.days) == (
        date(2026, 2, 28),
        date(2025, 12, 31),
        "E1",
        State.OPEN,
        44,
    )
    latest = by_key(run(wujiang, date(2026, 4, 5)))["problem:P01.1"]
    assert (latest.due, latest.original_due, latest.extension, latest.state, latest.days) == (
        date(2026, 3, 31),
        date(2025, 12, 31),
        "E2",
        State.OVERDUE,
        5,
    )
    overdue = overdue_problems(list(run(wujiang, date(2026, 4, 5)).obligations))
    assert {o.problem for o in overdue} == {"P01.1", "P01.2"} and latest in overdue


def test_problem_done_late_and_reopened(wujiang: Path) -> None:
    write(
        wujiang,
        f"{FOLDER}/status/P01.2.yaml",
        """\
round: 2025-t-r1
unit: t-unit
problem: P01.2
log:
  - date: 2025-07-01
    state: 整改中
  - date: 2026-03-20
    state: 已完成
  - date: 2026-04-01
    state: 整改中
    reopen: 抽查发现未完成
  - date: 2026-04-10
    state: 已完成
""",
    )
    assert by_key(run(wujiang, date(2026, 3, 25)))["problem:P01.2"].state is State.ON_TIME
    reopened = by_key(run(wujiang, date(2026, 4, 5)))["problem:P01.2"]
    assert (reopened.done, reopened.state, reopened.days) == (None, State.OVERDUE, 5)
    late = by_key(run(wujiang, date(2026, 5, 1)))["problem:P01.2"]
    assert (late.done, late.state, late.days) == (date(2026, 4, 10), State.LATE, 10)
    assert late.addressees == ("机关纪委书记（测试区测试局）",)


def test_problem_recipients_are_the_plan_people(wujiang: Path) -> None:
    overdue = by_key(run(wujiang, date(2026, 1, 5)))["problem:P01.1"]
    assert overdue.light is Light.RED
    assert overdue.addressees[:2] == ("办公室主任（测试区测试局）", "党组书记、局长（测试区测试局）")


CLUES = """\
round: 2025-t-r1
unit: t-unit
clues:
  - id: C01
    category: 了解关注类
    received: 2025-07-01
    disposal_plan: 2025-08-05
    quarterly_reports:
      - quarter: 2025Q3
        date: 2025-09-29
    disposed: 2025-11-10
  - id: C02
    category: 其他类
    received: 2025-08-15
petitions:
  - id: XF01
    received: 2025-06-20
    deadline: 2025-07-20
    closed: 2025-07-25
"""


def test_clues_and_petitions(wujiang: Path) -> None:
    write(wujiang, f"{FOLDER}/clues.yaml", CLUES)
    found = by_key(run(wujiang, date(2026, 1, 10)))
    plan = found["clue-disposal-plan:C01"]
    assert (plan.due, plan.state, plan.days, plan.category) == (date(2025, 8, 1), State.LATE, 4, "线索")
    assert "clue-disposal-plan:C02" not in found  # only the two 了解关注 categories need a disposal plan
    status = found["clue-quarter-status:C01 2025Q3"]
    assert (status.due, status.state, status.days, status.start) == (
        date(2025, 9, 30),
        State.ON_TIME,
        1,
        date(2025, 7, 1),
    )
    assert "clue-quarter-status:C01 2025Q4" not in found  # disposed before that quarter ended
    c02 = found["clue-quarter-status:C02 2025Q4"]
    assert (c02.due, c02.state, c02.days) == (date(2025, 12, 31), State.OVERDUE, 10)
    assert found["clue-quarter-status:C02 2025Q3"].state is State.OVERDUE
    assert "clue-quarter-status:C02 2026Q1" in found  # the running quarter, due 03-31
    petition = found["petition-closed:XF01"]
    assert (petition.due, petition.state, petition.days) == (date(2025, 7, 20), State.LATE, 5)
    late = late_submissions(list(found.values()))
    assert late and all(o.category == "报送" for o in late)  # clue handling is not the unit's submission


XINGHAI_ROUND = """\
id: 2025-t-r1
name: 测试县委第一轮巡察
kind: 常规
inspecting_body: 测试县委
profile: xinghai
entry_date: 2025-03-03
exit_date: 2025-05-09
units:
  - unit: t-unit
    group: 第一巡察组
    feedback_date: {feedback}
proceedings:
  - kind: 领导小组听取汇报
    date: 2025-05-26
  - kind: 书记专题会听取汇报
    date: 2025-05-29
  - kind: 常委会听取汇报
    date: 2025-06-05
  - kind: 反馈意见起草
    date: 2025-06-12
"""
ARCHIVE = """\
  - kind: 档案移交
    unit: t-unit
    date: 2025-10-17
"""


def xinghai_round(root: Path, feedback: str, extra: str = "") -> None:
    """The minimal round under the Xinghai profile, with only the feedback and plan left in the folder."""
    write(root, f"{ROUND}/round.yaml", XINGHAI_ROUND.format(feedback=feedback) + extra)
    (root / FOLDER / "status" / "P02.yaml").unlink()


def test_xinghai_working_day_deadlines(minimal_repo: Path) -> None:
    xinghai_round(minimal_repo, "2025-09-26", ARCHIVE)
    plan_file = minimal_repo / FOLDER / "plan.yaml"
    text = (
        plan_file.read_text(encoding="utf-8")
        .replace("2025-07-10", "2025-10-16")
        .replace("2025-07-15", "2025-10-20")
    )
    plan_file.write_text(text, encoding="utf-8")
    found = by_key(run(minimal_repo, date(2025, 11, 30)))
    # Friday 05-09 + 10 working days = 05-23: held 05-26, three days late
    assert (found["leading-group-hearing"].due, found["leading-group-hearing"].state) == (
        date(2025, 5, 23),
        State.LATE,
    )
    assert found["leading-group-hearing"].days == 3 and found["leading-group-hearing"].unit is None
    assert found["standing-committee-hearing"].due == date(2025, 6, 9)
    assert found["secretary-meeting-hearing"].state is State.ON_TIME
    # Thursday 05-29 + 15 working days over the Dragon Boat break (05-31..06-02) = 06-20; not yet reported
    assert (found["report-to-prefecture"].due, found["report-to-prefecture"].state) == (
        date(2025, 6, 20),
        State.OVERDUE,
    )
    assert found["report-to-prefecture"].days == 163
    assert found["report-to-prefecture"].addressees == ("测试县委巡察办",) * 4
    # Thursday 06-05 + 5 = 06-12, on the day
    assert (found["feedback-drafted"].due, found["feedback-drafted"].days) == (date(2025, 6, 12), 0)
    # feedback Friday 09-26 + 10 working days across National Day = 10-16
    assert (found["plan"].due, found["plan"].state) == (date(2025, 10, 16), State.ON_TIME)
    assert (
        found["archive-handover"].due,
        found["archive-handover"].state,
        found["archive-handover"].days,
    ) == (
        date(2025, 10, 16),
        State.LATE,
        1,
    )
    assert found["progress-report"].due == date(2025, 11, 26)
    assert found["progress-report"].state is State.OVERDUE and found["progress-report"].days == 4


def test_two_month_reports_clamp_to_month_end(minimal_repo: Path) -> None:
    xinghai_round(minimal_repo, "2025-12-31")
    (minimal_repo / FOLDER / "plan.yaml").unlink()
    found = by_key(run(minimal_repo, date(2026, 1, 5)))
    assert found["progress-report"].due == date(2026, 2, 28)
    assert found["plan"].due == date(2026, 1, 15)  # Wednesday 12-31, New Year 01-01..03 off, Sunday 01-04 on


def test_a_year_without_calendar_data_is_a_finding_not_a_guess(minimal_repo: Path) -> None:
    xinghai_round(minimal_repo, "2026-12-24")
    (minimal_repo / FOLDER / "plan.yaml").unlink()
    result = run(minimal_repo, date(2026, 12, 31))
    found = by_key(result)
    assert "plan" not in found and "archive-handover" not in found
    assert found["progress-report"].due == date(2027, 2, 24)  # months need no holiday data
    gaps = [f for f in result.findings if f.code == "XC610"]
    assert len(gaps) == 2 and all("2027" in f.message and "2027.yaml" in f.hint for f in gaps)
    assert {f.file for f in gaps} == {f"{ROUND}/round.yaml"}


def test_no_profile_is_a_finding(minimal_repo: Path) -> None:
    result = run(minimal_repo, date(2025, 10, 1))
    assert result.obligations == ()
    assert [(f.code, f.file) for f in result.findings] == [("XC605", f"{ROUND}/round.yaml")]


def test_default_profile_applies_when_a_round_names_none(minimal_repo: Path) -> None:
    report = validate(minimal_repo)
    rules = load_rules(minimal_repo)
    plan = schedule(report.index, rules.profiles, "wujiang", rules.calendar, date(2025, 10, 1))
    assert {o.rule for o in plan.obligations} >= {"plan", "progress-report", "problem"}
    unknown = schedule(report.index, rules.profiles, "nowhere", rules.calendar, date(2025, 10, 1))
    assert [f.code for f in unknown.findings] == ["XC604"]


def test_late_submissions_are_facts_for_the_scorer(wujiang: Path) -> None:
    found = list(run(wujiang, date(2025, 10, 1)).obligations)
    late = {(o.rule, o.item, o.done, o.days) for o in late_submissions(found)}
    assert late == {
        ("life-meeting-materials", None, date(2025, 7, 20), 4),
        ("progress-report", None, None, 15),
        ("quarterly-progress", "2025Q3", None, 1),
    }


@pytest.mark.parametrize(
    ("due", "done", "as_of", "expected"),
    [
        (date(2025, 7, 16), date(2025, 7, 16), date(2025, 8, 1), (State.ON_TIME, 0)),
        (date(2025, 7, 16), date(2025, 7, 17), date(2025, 8, 1), (State.LATE, 1)),
        (date(2025, 7, 16), None, date(2025, 7, 16), (State.DUE_SOON, 0)),
        (date(2025, 7, 16), None, date(2025, 7, 9), (State.DUE_SOON, 7)),
        (date(2025, 7, 16), None, date(2025, 7, 8), (State.OPEN, 8)),
        (date(2025, 7, 16), None, date(2025, 7, 17), (State.OVERDUE, 1)),
        (date(2024, 2, 29), None, date(2025, 2, 28), (State.OVERDUE, 365)),
    ],
)
def test_judge(due: date, done: date | None, as_of: date, expected: tuple[State, int]) -> None:
    assert judge(due, done, as_of, 7) == expected


def test_state_labels() -> None:
    assert [s.label for s in State] == ["按时完成", "逾期完成", "未到期", "即将到期", "已逾期"]
    assert [light.label for light in Light] == ["绿", "黄", "红"]


# --- a unit whose rectification was accepted as finished (closure) -------------------------------

CLOSURE = """\
    closure:
      accepted: 2025-11-28
      accepted_by: 测试区委巡察工作领导小组
"""


def close_unit(root: Path) -> None:
    """Complete the two open leaves, then record the unit as accepted on 2025-11-28."""
    for leaf, day in (("P01.1", "2025-10-15"), ("P01.2", "2025-11-20")):
        write(
            root,
            f"{FOLDER}/status/{leaf}.yaml",
            f"round: 2025-t-r1\nunit: t-unit\nproblem: {leaf}\nlog:\n"
            f"  - date: {day}\n    state: 整改中\n    note: 启动整改。\n"
            f"  - date: {day}\n    state: 已完成\n    note: 整改完成。\n"
            "    evidence:\n      - title: 整改报告\n",
        )
    round_file = root / ROUND / "round.yaml"
    text = round_file.read_text(encoding="utf-8")
    round_file.write_text(
        text.replace("    feedback_date: 2025-06-16\n", "    feedback_date: 2025-06-16\n" + CLOSURE)
    )


def test_a_closed_unit_stands_as_on_its_closing_day_and_leaves_the_daily_list(wujiang: Path) -> None:
    open_plan = run(wujiang, date(2026, 11, 23))
    close_unit(wujiang)
    plan = run(wujiang, date(2026, 11, 23))
    closing = date(2025, 11, 28)
    assert plan.closed == {("2025-t-r1", "t-unit"): closing}
    assert plan.daily == ()  # the round-level procedures of the minimal round: none under wujiang
    # nothing fell due after closing undone: the quarterly duty stops, the completion report is gone
    assert all(o.done is not None or o.due <= closing for o in plan.obligations)
    assert any(o.rule == "completion-report" for o in open_plan.obligations)
    assert not any(o.rule == "completion-report" for o in plan.obligations)
    assert {o.item for o in plan.obligations if o.rule == "quarterly-progress"} == {"2025Q3"}
    # what was missed before closing is still on the record, counted to the closing day
    progress = by_key(plan)["progress-report"]  # never filed: overdue, counted to the closing day
    assert (progress.state, progress.days) == (State.OVERDUE, (closing - progress.due).days)
    assert by_key(plan)["life-meeting-materials"].state is State.LATE
    q3 = next(o for o in plan.obligations if o.item == "2025Q3")
    assert (q3.due, q3.done, q3.state) == (date(2025, 9, 30), date(2025, 10, 9), State.LATE)


def test_before_its_closing_day_a_unit_is_tracked_as_any_other(wujiang: Path) -> None:
    close_unit(wujiang)
    plan = run(wujiang, date(2025, 11, 27))
    assert plan.closed == {}
    assert plan.daily == plan.obligations
