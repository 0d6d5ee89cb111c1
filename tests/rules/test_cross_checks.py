"""Cross-file rules (XC2xx references and IDs, XC30x dates, XC31x lifecycle), each broken alone.

``full_repo`` is the minimal repository plus one valid file of every other kind
(extensions, reports, clues, supervision, a notice), so every date pair and every
list of records has something to break.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from xuncha.model.findings import Finding, Severity
from xuncha.pipeline import validate

R = "rounds/2025-t-r1"
U = f"{R}/t-unit"
ROUND, FEEDBACK, PLAN, STATUS = (
    f"{R}/round.yaml",
    f"{U}/feedback.yaml",
    f"{U}/plan.yaml",
    f"{U}/status/P02.yaml",
)
EXTENSIONS, REPORTS, CLUES = f"{U}/extensions.yaml", f"{U}/reports.yaml", f"{U}/clues.yaml"
SUPERVISION, NOTICE = f"{U}/supervision.yaml", f"{U}/notices/N1.yaml"

EXTRAS = {
    EXTENSIONS: """
        round: 2025-t-r1
        unit: t-unit
        extensions:
          - id: E1
            problem: P01.2
            new_deadline: 2026-06-30
            reason: 涉及机构改革，需延期。
            requested: 2026-03-01
            approved_by: 第一巡察组
            approved: 2026-03-10
        """,
    REPORTS: """
        round: 2025-t-r1
        unit: t-unit
        meetings:
          - id: M1
            kind: 专题民主生活会
            date: 2025-07-05
            materials_filed: 2025-07-10
        reports:
          - id: R1
            kind: 整改进展报告
            submissions:
              - date: 2025-09-16
              - date: 2025-09-26
        disclosures:
          - kind: 社会公开
            date: 2025-10-15
            notice: N1
        """,
    CLUES: """
        round: 2025-t-r1
        unit: t-unit
        clues:
          - id: C01
            category: 了解关注类
            received: 2025-06-20
            disposal_plan: 2025-07-15
            disposed: 2025-08-01
        petitions:
          - id: XF01
            received: 2025-06-20
            deadline: 2025-07-20
            closed: 2025-07-15
        """,
    SUPERVISION: """
        round: 2025-t-r1
        unit: t-unit
        actions:
          - id: S1
            kind: 督办函
            date: 2025-08-01
            problems: [P01.1, P02]
        """,
    NOTICE: """
        id: N1
        round: 2025-t-r1
        unit: t-unit
        title: 关于测试局巡察整改进展情况的通报
        as_of: 2025-09-30
        organisation: [成立整改工作领导小组]
        next_steps: [持续抓好整改]
        issuer: 中共测试区测试局党组
        date: 2025-10-15
        signoffs:
          - role: 巡察办
            by: 巡察办主任
            date: 2025-10-12
            checklist:
              no_secrets: true
              no_case_interference: true
              no_disclosure_breach: true
              guard_hype: true
              guard_mass_incident: true
        """,
}


def write(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace one unique piece of a file."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings(root: Path) -> list[Finding]:
    return validate(root, use_cache=False).findings


def only(root: Path, code: str) -> Finding:
    """The one finding of the run, which must carry ``code``."""
    found = findings(root)
    assert [f.code for f in found] == [code], found
    return found[0]


def where(finding: Finding) -> tuple[str, int, int]:
    return finding.file, finding.line, finding.column


@pytest.fixture
def full_repo(minimal_repo: Path) -> Path:
    for relpath, text in EXTRAS.items():
        write(minimal_repo, relpath, text)
    return minimal_repo


def test_full_repo_is_clean(full_repo: Path) -> None:
    assert findings(full_repo) == []


# --- XC201–XC208: identity and references -----------------------------------------------------


def test_xc201_problem_id_differs_from_file_name(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "problem: P02", "problem: P01.2")
    found = only(minimal_repo, "XC201")
    assert where(found) == (STATUS, 3, 10)
    assert "“problem”是 P01.2" in found.message and "应为 P02" in found.message


def test_xc201_unit_id_differs_from_file_name(minimal_repo: Path) -> None:
    edit(minimal_repo, "units/t-town.yaml", "id: t-town", "id: t-village")
    found = only(minimal_repo, "XC201")
    assert where(found) == ("units/t-town.yaml", 1, 5)


def test_xc201_unit_folder_differs_from_record(minimal_repo: Path) -> None:
    edit(minimal_repo, PLAN, "unit: t-unit", "unit: t-town")
    found = only(minimal_repo, "XC201")
    assert where(found) == (PLAN, 2, 7)
    assert "t-town" in found.message and "t-unit" in found.message


def test_xc202_duplicate_problem_id_in_feedback(minimal_repo: Path) -> None:
    edit(
        minimal_repo,
        FEEDBACK,
        "        text: 违反中央八项规定精神问题时有发生。\n",
        "        text: 违反中央八项规定精神问题时有发生。\n      - id: P02\n        text: 重复编号的问题。\n",
    )
    found = only(minimal_repo, "XC202")
    assert where(found) == (FEEDBACK, 16, 13)
    assert "P02 重复" in found.message


def test_xc202_duplicate_record_id_in_a_list(full_repo: Path) -> None:
    edit(
        full_repo,
        SUPERVISION,
        "    problems: [P01.1, P02]\n",
        "    problems: [P01.1, P02]\n  - id: S1\n    kind: 约谈\n    date: 2025-08-05\n",
    )
    found = only(full_repo, "XC202")
    assert where(found) == (SUPERVISION, 8, 9)
    assert "S1 重复" in found.message


def test_xc202_plan_entry_written_twice(minimal_repo: Path) -> None:
    with (minimal_repo / PLAN).open("a", encoding="utf-8") as plan:
        plan.write("  - problem: P02\n    measures: [再次开展专项整治]\n")
    found = only(minimal_repo, "XC202")
    assert where(found) == (PLAN, 26, 14)
    assert "P02 重复" in found.message


def test_xc202_unit_listed_twice_in_round(minimal_repo: Path) -> None:
    with (minimal_repo / ROUND).open("a", encoding="utf-8") as round_file:
        round_file.write("  - unit: t-unit\n    group: 第二巡察组\n")
    found = only(minimal_repo, "XC202")
    assert where(found) == (ROUND, 11, 11)
    assert "t-unit 重复" in found.message


def test_xc203_unit_folder_in_a_round_without_round_file(minimal_repo: Path) -> None:
    write(minimal_repo, "rounds/2025-t-r9/t-unit/reports.yaml", "round: 2025-t-r9\nunit: t-unit\n")
    found = only(minimal_repo, "XC203")
    assert where(found) == ("rounds/2025-t-r9/t-unit/reports.yaml", 1, 1)
    assert "轮次 2025-t-r9 不存在" in found.message


def test_xc204_round_lists_a_unit_without_file(minimal_repo: Path) -> None:
    with (minimal_repo / ROUND).open("a", encoding="utf-8") as round_file:
        round_file.write("  - unit: t-ghost\n    group: 第二巡察组\n")
    found = only(minimal_repo, "XC204")
    assert where(found) == (ROUND, 11, 11)
    assert "单位 t-ghost 不存在" in found.message
    assert "units/t-ghost.yaml" in found.hint


def test_xc204_parent_unit_without_file(minimal_repo: Path) -> None:
    with (minimal_repo / "units/t-town.yaml").open("a", encoding="utf-8") as unit:
        unit.write("parent: t-county\n")
    found = only(minimal_repo, "XC204")
    assert where(found) == ("units/t-town.yaml", 5, 9)
    assert "t-county 不存在" in found.message


def test_xc204_unit_folder_not_listed_in_round(minimal_repo: Path) -> None:
    write(minimal_repo, f"{R}/t-town/reports.yaml", "round: 2025-t-r1\nunit: t-town\n")
    found = only(minimal_repo, "XC204")
    assert where(found) == (f"{R}/t-town/reports.yaml", 1, 1)
    assert "t-town 不在轮次 2025-t-r1" in found.message


def test_xc205_plan_names_unknown_problem(minimal_repo: Path) -> None:
    with (minimal_repo / PLAN).open("a", encoding="utf-8") as plan:
        plan.write("  - problem: P09\n    measures: [开展专项整治]\n")
    found = only(minimal_repo, "XC205")
    assert where(found) == (PLAN, 26, 14)
    assert "问题 P09" in found.message and "不存在" in found.message


def test_xc205_status_for_unknown_problem(minimal_repo: Path) -> None:
    status = f"{U}/status/P09.yaml"
    write(
        minimal_repo,
        status,
        "round: 2025-t-r1\nunit: t-unit\nproblem: P09\nlog:\n  - date: 2025-07-01\n    state: 整改中\n",
    )
    found = only(minimal_repo, "XC205")
    assert where(found) == (status, 3, 10)


def test_xc205_extension_for_unknown_problem(full_repo: Path) -> None:
    edit(full_repo, EXTENSIONS, "problem: P01.2", "problem: P03")
    found = only(full_repo, "XC205")
    assert where(found) == (EXTENSIONS, 5, 14)


def test_xc205_supervision_names_unknown_problem(full_repo: Path) -> None:
    edit(full_repo, SUPERVISION, "[P01.1, P02]", "[P01.1, P20]")
    found = only(full_repo, "XC205")
    assert where(found) == (SUPERVISION, 7, 23)
    assert "P20" in found.message


def test_xc205_reference_without_feedback(minimal_repo: Path) -> None:
    (minimal_repo / FEEDBACK).unlink()
    edit(
        minimal_repo,
        PLAN,
        "submissions:\n  - date: 2025-07-10\n    result: 通过\n    result_date: 2025-07-15\n",
        "",
    )
    found = findings(minimal_repo)
    assert {f.code for f in found} == {"XC205"}
    assert len(found) == 4  # three plan entries and one status
    assert all("还没有反馈意见" in f.message for f in found)


def test_xc206_reference_to_a_problem_that_has_refined_items(minimal_repo: Path) -> None:
    edit(minimal_repo, "rounds/2025-t-r1/t-unit/plan.yaml", "problem: P01.1", "problem: P01")
    found = findings(minimal_repo)
    # P01 is not a leaf (XC206), and so P01.1 now has no plan entry (XC207)
    assert [(f.code, f.line, f.column) for f in found] == [("XC207", 8, 3), ("XC206", 8, 14)]
    assert "P01.1、P01.2" in found[1].hint
    assert "应引用末级条目" in found[1].message


def test_xc206_extra_entry_for_a_parent_problem(minimal_repo: Path) -> None:
    with (minimal_repo / PLAN).open("a", encoding="utf-8") as plan:
        plan.write("  - problem: P01\n    measures: [统筹推进]\n")
    found = only(minimal_repo, "XC206")
    assert where(found) == (PLAN, 26, 14)


def test_xc207_submitted_plan_misses_a_problem(minimal_repo: Path) -> None:
    text = (minimal_repo / PLAN).read_text(encoding="utf-8")
    (minimal_repo / PLAN).write_text(text[: text.index("  - problem: P02")], encoding="utf-8")
    found = only(minimal_repo, "XC207")
    assert where(found) == (PLAN, 8, 3)
    assert "缺少问题 P02" in found.message


def test_draft_plan_may_be_incomplete(minimal_repo: Path) -> None:
    text = (minimal_repo / PLAN).read_text(encoding="utf-8")
    start, end = text.index("submissions:"), text.index("entries:")
    draft = text[:start] + text[end : text.index("  - problem: P02")]
    (minimal_repo / PLAN).write_text(draft, encoding="utf-8")
    assert findings(minimal_repo) == []


def test_xc208_announced_counts_mismatch_is_a_warning(minimal_repo: Path) -> None:
    edit(minimal_repo, FEEDBACK, "unit: t-unit\n", "unit: t-unit\nannounced:\n  aspects: 1\n  problems: 3\n")
    found = only(minimal_repo, "XC208")
    assert where(found) == (FEEDBACK, 5, 13)
    assert found.severity is Severity.WARNING
    assert "为 3" in found.message and "实际为 2" in found.message
    assert not validate(minimal_repo, use_cache=False).failed


# --- XC301–XC305: dates in order --------------------------------------------------------------


def test_xc301_exit_before_entry(minimal_repo: Path) -> None:
    edit(minimal_repo, ROUND, "exit_date: 2025-05-09", "exit_date: 2025-03-01")
    found = only(minimal_repo, "XC301")
    assert where(found) == (ROUND, 6, 12)
    assert "撤离日期 2025-03-01 早于进驻日期 2025-03-03" in found.message


@pytest.mark.parametrize("feedback", ["2025-05-09", "2025-04-30"], ids=["same-day", "before"])
def test_xc302_feedback_not_after_exit(minimal_repo: Path, feedback: str) -> None:
    edit(minimal_repo, ROUND, "feedback_date: 2025-06-16", f"feedback_date: {feedback}")
    found = only(minimal_repo, "XC302")
    assert where(found) == (ROUND, 10, 20)
    assert "不晚于撤离日期" in found.message


def test_xc303_progress_before_feedback(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "date: 2025-07-01", "date: 2025-06-10")
    found = only(minimal_repo, "XC303")
    assert where(found) == (STATUS, 5, 11)
    assert "2025-06-10 早于反馈日期 2025-06-16" in found.message


@pytest.mark.parametrize(
    ("relpath", "old", "new", "line"),
    [
        (PLAN, "date: 2025-07-10", "date: 2025-06-01", 4),
        (REPORTS, "date: 2025-07-05", "date: 2025-06-15", 6),
        (SUPERVISION, "date: 2025-08-01", "date: 2024-08-01", 6),
        (NOTICE, "date: 2025-10-15", "date: 2025-06-15", 9),
    ],
    ids=["plan", "meeting", "supervision", "notice"],
)
def test_xc303_other_records_before_feedback(
    full_repo: Path, relpath: str, old: str, new: str, line: int
) -> None:
    edit(full_repo, relpath, old, new)
    found = [f for f in findings(full_repo) if f.code == "XC303"]
    assert [(f.file, f.line) for f in found] == [(relpath, line)]


def test_xc304_log_not_ascending(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "date: 2025-07-01", "date: 2025-09-25")
    found = only(minimal_repo, "XC304")
    assert where(found) == (STATUS, 8, 11)
    assert "第 2 条的日期 2025-09-20 早于上一条 2025-09-25" in found.message


def test_xc304_report_submissions_not_ascending(full_repo: Path) -> None:
    edit(full_repo, REPORTS, "- date: 2025-09-26", "- date: 2025-09-06")
    found = only(full_repo, "XC304")
    assert where(found) == (REPORTS, 13, 15)


ENDS_BEFORE_STARTS = {
    # name: (file, old, new, line, phrase)
    "plan-result": (PLAN, "result_date: 2025-07-15", "result_date: 2025-07-09", 6, "审核日期早于报送日期"),
    "extension": (EXTENSIONS, "approved: 2026-03-10", "approved: 2026-02-20", 10, "批准日期早于申请日期"),
    "clue-plan": (
        CLUES,
        "disposal_plan: 2025-07-15",
        "disposal_plan: 2025-06-19",
        7,
        "处置方案日期早于接收日期",
    ),
    "clue-disposed": (CLUES, "disposed: 2025-08-01", "disposed: 2025-06-18", 8, "办结日期早于接收日期"),
    "petition-closed": (CLUES, "closed: 2025-07-15", "closed: 2025-06-19", 13, "办结日期早于交办日期"),
    "petition-deadline": (CLUES, "deadline: 2025-07-20", "deadline: 2025-06-17", 12, "办理时限早于交办日期"),
    "meeting-materials": (
        REPORTS,
        "materials_filed: 2025-07-10",
        "materials_filed: 2025-07-01",
        7,
        "材料报备",
    ),
    "notice-as-of": (NOTICE, "as_of: 2025-09-30", "as_of: 2025-10-20", 9, "发布日期早于统计截至日期"),
    "notice-signoff": (NOTICE, "date: 2025-10-12", "date: 2025-10-16", 13, "签署日期晚于发布日期"),
}


@pytest.mark.parametrize(
    ("relpath", "old", "new", "line", "phrase"), ENDS_BEFORE_STARTS.values(), ids=ENDS_BEFORE_STARTS
)
def test_xc305_end_before_start(
    full_repo: Path, relpath: str, old: str, new: str, line: int, phrase: str
) -> None:
    edit(full_repo, relpath, old, new)
    found = only(full_repo, "XC305")
    assert (found.file, found.line) == (relpath, line)
    assert phrase in found.message


# --- XC306, XC320: a unit's rectification accepted as finished ---------------------------------

ROUND_FILE = "rounds/2025-t-r1/round.yaml"


def close(root: Path, accepted: str, archived: str | None = None) -> None:
    closure = f"    closure:\n      accepted: {accepted}\n      accepted_by: 测试区委巡察工作领导小组\n"
    if archived:
        closure += f"      archived: {archived}\n"
    edit(root, ROUND_FILE, "    feedback_date: 2025-06-16\n", "    feedback_date: 2025-06-16\n" + closure)


def complete(root: Path, *leaves: str) -> None:
    for leaf in leaves:
        write(
            root,
            f"rounds/2025-t-r1/t-unit/status/{leaf}.yaml",
            f"""
            round: 2025-t-r1
            unit: t-unit
            problem: {leaf}
            log:
              - date: 2025-08-01
                state: 整改中
                note: 启动整改。
              - date: 2025-09-01
                state: 已完成
                note: 整改完成。
                evidence:
                  - title: 整改报告
            """,
        )


def test_xc320_closed_while_problems_are_open(minimal_repo: Path) -> None:
    close(minimal_repo, "2025-11-28")
    found = only(minimal_repo, "XC320")
    assert where(found) == (ROUND_FILE, 12, 17)
    assert "P01.1、P01.2" in found.message and "P02" not in found.message


def test_xc320_counts_only_what_was_done_by_the_closing_day(minimal_repo: Path) -> None:
    complete(minimal_repo, "P01.1", "P01.2")
    close(minimal_repo, "2025-08-15")  # P01.x completed on 2025-09-01, P02 on 2025-09-20
    assert "P01.1、P01.2、P02" in only(minimal_repo, "XC320").message


def test_a_unit_closed_when_all_is_done_is_clean(minimal_repo: Path) -> None:
    complete(minimal_repo, "P01.1", "P01.2")
    close(minimal_repo, "2025-11-28", archived="2025-12-05")
    assert findings(minimal_repo) == []


@pytest.mark.parametrize(
    ("accepted", "archived", "line", "phrase"),
    [("2025-06-16", None, 12, "不晚于反馈日期"), ("2025-11-28", "2025-11-27", 14, "早于认定办结日期")],
)
def test_xc306_closure_dates_out_of_order(
    minimal_repo: Path, accepted: str, archived: str | None, line: int, phrase: str
) -> None:
    complete(minimal_repo, "P01.1", "P01.2")
    close(minimal_repo, accepted, archived)
    found = [f for f in findings(minimal_repo) if f.code == "XC306"]  # (closing on feedback day: XC320 too)
    assert [f.line for f in found] == [line]
    assert phrase in found[0].message


# --- XC310–XC313: the status lifecycle --------------------------------------------------------


def status_log(root: Path, *entries: str) -> None:
    """Rewrite P02's log from ``date state [extra lines]`` entries."""
    log = "".join(f"  - {entry}\n" for entry in entries)
    write(root, STATUS, f"round: 2025-t-r1\nunit: t-unit\nproblem: P02\nlog:\n{log}")


def test_xc310_illegal_transition(minimal_repo: Path) -> None:
    status_log(minimal_repo, "date: 2025-07-01\n    state: 未启动", "date: 2025-08-01\n    state: 已完成")
    found = only(minimal_repo, "XC310")
    assert where(found) == (STATUS, 8, 12)
    assert "不能从“未启动”直接变为“已完成”" in found.message
    assert "整改中" in found.hint


def test_xc310_log_cannot_start_closed(minimal_repo: Path) -> None:
    status_log(minimal_repo, "date: 2025-07-01\n    state: 已销号\n    evidence:\n      - title: 核查意见")
    found = only(minimal_repo, "XC310")
    assert where(found) == (STATUS, 6, 12)
    assert "第一条不能是“已销号”" in found.message


def test_xc311_reopen_without_reason(minimal_repo: Path) -> None:
    with (minimal_repo / STATUS).open("a", encoding="utf-8") as status:
        status.write("  - date: 2025-11-01\n    state: 整改中\n")
    edit(minimal_repo, STATUS, "summary: 开展违反中央八项规定精神问题专项整治，建立长效机制。\n", "")
    found = only(minimal_repo, "XC311")
    assert where(found) == (STATUS, 18, 5)
    assert "没有说明原因" in found.message
    assert "reopen:" in found.hint


def test_reopen_with_reason_is_fine(minimal_repo: Path) -> None:
    with (minimal_repo / STATUS).open("a", encoding="utf-8") as status:
        status.write("  - date: 2025-11-01\n    state: 整改中\n    reopen: 抽查发现未完成\n")
    edit(minimal_repo, STATUS, "summary: 开展违反中央八项规定精神问题专项整治，建立长效机制。\n", "")
    assert findings(minimal_repo) == []


def test_xc312_close_without_evidence(minimal_repo: Path) -> None:
    edit(
        minimal_repo,
        STATUS,
        "    note: 经核查整改到位，予以销号。\n    evidence:\n      - title: 核查意见\n",
        "",
    )
    found = only(minimal_repo, "XC312")
    assert where(found) == (STATUS, 13, 5)
    assert "销号缺少佐证材料" in found.message


def test_xc313_reopen_where_nothing_was_done(minimal_repo: Path) -> None:
    edit(
        minimal_repo, STATUS, "    note: 专项整治完成。\n", "    note: 专项整治完成。\n    reopen: 问题反弹\n"
    )
    found = only(minimal_repo, "XC313")
    assert where(found) == (STATUS, 11, 13)
    assert "只有已完成或已销号的问题重新整改时才填写 reopen" in found.message
