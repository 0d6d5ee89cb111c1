"""The scorer: a worked example per rubric, every item checked against a hand calculation.

The worked record and its facts are in :mod:`worked_record`.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from worked_record import AS_OF, ROUND, UNITS, R, build, put
from xuncha.pipeline import validate
from xuncha.rules.rubrics import builtin, load_setting
from xuncha.rules.scoring import Sheet, ranking, score_round

F = Fraction


@pytest.fixture
def worked(minimal_repo: Path) -> Path:
    return build(minimal_repo)


def sheets(root: Path, as_of: date = AS_OF) -> dict[str, Sheet]:
    report = validate(root, use_cache=False)
    return {s.unit: s for s in score_round(report.index, load_setting(root), R, as_of)}


def items(sheet: Sheet) -> dict[str, Fraction]:
    return {i.item.id: i.score for g in sheet.groups for i in g.items}


def lines(sheet: Sheet, item: str) -> list[tuple[str, Fraction, bool]]:
    """(rule, points, zero) of an item's lines."""
    found = next(i for g in sheet.groups for i in g.items if i.item.id == item)
    return [(line.rule, line.points, line.zero) for line in found.lines]


def test_worked_record_is_valid(worked: Path) -> None:
    report = validate(worked, use_cache=False)
    errors = [f.as_text() for f in report.findings if f.severity.value == "error"]
    assert errors == []


def test_annex5_units_worked_example(worked: Path) -> None:
    sheet = sheets(worked)["t-unit"]
    expected = {
        # 1 (4): 1.1 民主生活会 held → 0; 1.2 中期、后期 missing → 2×1 = 2; 1.3 酌情 0.5 → 4−2−0.5
        "1": F("1.5"),
        # 2 (6): 2.2 no leading group → 2; 2.3 酌情 2; 2.4 written 3 but the rule says 扣2分 → 2; 6−2−2−2
        "2": F(0),
        # 3 (4): 酌情 4 (3.2, two talks) + 3 = 7 > 4 → capped at 4; 4−4
        "3": F(0),
        "4": F(4),
        # 5 (10): 5.2 P01.2 lacks lead leader and deadline → 2×1; 5.7 not studied → 1; 5.6 酌情 1.5;
        #         10−2−1−1.5
        "5": F("5.5"),
        # 6 (28): 6.3 P01.1 overdue (extended to 2026-03-31) → 3; 6.4a P02 one event → 3;
        #         6.5 P02 rebounded twice → 2×3 = 6; 6.1 酌情 20; 28−3−3−6−20 = −4 → floor 0
        "6": F(0),
        # 7 (5): 7.1 酌情 2 → 3
        "7": F(3),
        "8": F(5),
        "9": F(5),
        # 10 (4): 10.2 R1 returned twice in a row → 此项不得分
        "10": F(0),
        # 11 (4): late: 民主生活会材料 (07-25 > 07-16), 主要负责人报告 (09-25 > 09-16) → 2×2 = 4; 4−4
        "11": F(0),
        # 12 (4): XF01 closed late, XF02 open past deadline → 2×1; XF03 still in time; 4−2
        "12": F(2),
        "13": F(4),
        "14": F(4),
        # 15 (4): 15.1 未开展检查 (manual, 此项不得分)
        "15": F(0),
        # 16 (bonus 10): A once at 省级 6 + B 国家级 8 + C 市级 4 = 18 > 10 → 10; D dated after as-of
        "16": F(10),
    }
    assert items(sheet) == expected
    assert lines(sheet, "2") == [("2.2", 2, False), ("2.3", 2, False), ("2.4", 2, False)]
    assert lines(sheet, "10") == [("10.2", 4, True)]
    # base: G1 1.5+0+0+4 = 5.5; G2 5.5+0+3+5+5+0+0 = 18.5; G3 2+4 = 6; G4 4+0 = 4 → 34 (of 95)
    assert (sheet.base, sheet.rubric.base, sheet.bonus, sheet.total) == (34, 95, 10, 44)
    assert sheet.grade.name == "较差"
    assert sheet.grade.action == "对整改质效差的，发出纪检监察建议，限期整改到位"
    # rate: P02 已完成 of 3 leaves (P01.1 整改中, P01.2 未启动)
    assert sheet.rate == F(1, 3)
    assert any("表头印为66分，各项分值合计61分" in note for note in sheet.notes)


def test_annex6_villages_worked_example(worked: Path) -> None:
    sheet = sheets(worked)["t-village"]
    expected = {
        # 1 (8): 中期、后期 missing → 2×2 = 4; 酌情 0.5; 8−4−0.5
        "1": F("3.5"),
        # 2 (10): 2.4 各扣2分, two → 4; 10−4
        "2": F(6),
        # 3 (10): 3.2 only 责任人 and 时限 count: P01.2 lacks the deadline → 1; 3.3 酌情 1; 10−1−1
        "3": F(8),
        # 4 (32): overdue P01.1 → 2; reported done, found not done → 2; 2 recurrences → 4;
        #         4.4b 酌情 2; 32−2−2−4−2
        "4": F(22),
        "5": F(9),
        # 6 (5): 酌情 6 > 5 → capped at 5; 5−5
        "6": F(0),
        # 7 (6): reports returned twice in a row → 此项不得分
        "7": F(0),
        # 8 (4): villages file no 民主生活会 materials; late: 主要负责人报告 → 2; 4−2
        "8": F(2),
        # 9 (4): XF01, XF02 → 2×1; 4−2
        "9": F(2),
        "10": F(4),
        "11": F(4),
        "12": F(4),
        # 13 (bonus 10): 6 + 8 + 4 = 18 → capped at 10
        "13": F(10),
    }
    assert items(sheet) == expected
    # base: G1 3.5+6 = 9.5; G2 8+22+9+0+0+2 = 41; G3 2+4 = 6; G4 4+4 = 8 → 64.5 (of 100)
    assert (sheet.base, sheet.rubric.base, sheet.bonus, sheet.total) == (F("64.5"), 100, 10, F("74.5"))
    assert sheet.grade.name == "一般"


def test_seed001_provincial_worked_example(worked: Path) -> None:
    sheet = sheets(worked)["t-bureau"]
    expected = {
        # 1 (4): 整改专题会议 held once, at least 2 → short by 1 → 2; 4−2
        "1": F(2),
        "2": F(2),
        # 3 (2): 履职基本到位 1 → 1
        "3": F(1),
        # 4 (2): 1 + 1 → 0
        "4": F(0),
        # 5 (5): plan exists; P01.2 lacks a deadline → 扣2分 once (lead leader is not asked); 5−2
        "5": F(3),
        # 6 (5): 印证材料缺失 2 → 3
        "6": F(3),
        # 7 (40): 40/3 per task × (好 1 + 较好 0.8 + 较差 0.4) = 40/3 × 2.2 = 88/3
        "7": F(88, 3),
        # 8 (2): XF02, XF03 not handled → 2×1; 2−2
        "8": F(0),
        # 9 (4): one reported-done-but-not-done → 1; 4−1
        "9": F(3),
        # 10 (4): report made → 0; principal's report late (and no 党内通报) → 扣1分 once; 4−1
        "10": F(3),
        # 11 (4): no leading group 2 + 未明确专职工作人员 2 → 0
        "11": F(0),
        "12": F(1),
        "13": F(5),
        "14": F(2),
        # 15 (5): satisfaction 0.93 × 5 = 4.65
        "15": F("4.65"),
        # 16 (10): the assessors' 8.5
        "16": F("8.5"),
    }
    assert items(sheet) == expected
    # 5 + (3+3+88/3+0+3+3) + (0+1+5+2) + 4.65 + 8.5 = 26.15 + 124/3 = 67.4833… → 67.48
    assert sheet.total == F("67.48")
    assert (sheet.rubric.base, sheet.bonus) == (100, 0)
    assert sheet.grade.name == "一般"
    assert "约谈" in sheet.grade.action


def test_item7_ungraded_task_scores_nothing_and_item15_16_missing(worked: Path) -> None:
    path = worked / f"rounds/{R}/t-bureau/assessment.yaml"
    text = path.read_text(encoding="utf-8").replace("  - {problem: P02, grade: 较差}\n", "")
    path.write_text(text.replace("satisfaction: 0.93\n", "").replace("overall_points: 8.5\n", ""), "utf-8")
    got = items(sheets(worked)["t-bureau"])
    # 40/3 × (1 + 0.8 + 0 for the ungraded P02) = 24; no satisfaction, no overall points → 0
    assert (got["7"], got["15"], got["16"]) == (24, 0, 0)


def test_overall_points_above_maximum_are_capped(worked: Path) -> None:
    path = worked / f"rounds/{R}/t-bureau/assessment.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("overall_points: 8.5", "overall_points: 12"), "utf-8"
    )
    assert items(sheets(worked)["t-bureau"])["16"] == 10


def test_an_unassessed_unit_gets_only_automatic_deductions(worked: Path) -> None:
    (worked / f"rounds/{R}/t-unit/assessment.yaml").unlink()
    sheet = sheets(worked)["t-unit"]
    got = items(sheet)
    # no 酌情: item 1 = 4−2, item 6 = 28−3−3−6 = 16, no bonus
    assert (got["1"], got["6"], got["16"]) == (2, 16, 0)
    assert any("没有评估记录" in note for note in sheet.notes)


def test_earlier_as_of_sees_fewer_facts(worked: Path) -> None:
    # on 2025-10-01: P01.1 not yet due; no spot check yet; XF02 in time; only XF01 late
    got = items(sheets(worked, date(2025, 10, 1))["t-unit"])
    assert got["6"] == 28 - 20  # only the 酌情 20
    assert got["12"] == 3


VILLAGE_CLEAN = {
    "plan.yaml": """
        round: 2025-t-r1
        unit: t-village
        lists_complete: {problem_list: true, task_list: true, responsibility_list: true}
        entries:
          - {problem: P01.1, measures: [措施], responsible_person: 村书记, deadline: 2025-12-31}
          - {problem: P01.2, measures: [措施], responsible_person: 村书记, deadline: 2025-12-31}
          - {problem: P02, measures: [措施], responsible_person: 村书记, deadline: 2025-12-31}
        """,
    "reports.yaml": """
        round: 2025-t-r1
        unit: t-village
        meetings:
          - {id: M1, kind: 整改专题会议, stage: 前期, date: 2025-06-20}
          - {id: M2, kind: 整改专题会议, stage: 中期, date: 2025-06-25}
          - {id: M3, kind: 整改专题会议, stage: 后期, date: 2025-06-30}
        """,
}

# Manual deductions that land a clean village record exactly on a total (items by maximum).
SPLITS = {
    F(10): [("4", "10")],
    F("10.5"): [("4", "10.5")],
    F(25): [("4", "25")],
    F(40): [("4", "32"), ("2", "8")],
    F("40.5"): [("4", "32"), ("2", "8.5")],
}


@pytest.mark.parametrize(
    ("deducted", "total", "grade"),
    [
        (F(10), 90, "好"),
        (F("10.5"), F("89.5"), "较好"),
        (F(25), 75, "较好"),
        (F(40), 60, "一般"),
        (F("40.5"), F("59.5"), "较差"),
    ],
)
def test_grade_boundaries_end_to_end(
    minimal_repo: Path, deducted: Fraction, total: Fraction, grade: str
) -> None:
    put(minimal_repo, f"rounds/{R}/round.yaml", ROUND)
    put(minimal_repo, "units/t-village.yaml", UNITS["t-village"])
    put(
        minimal_repo,
        f"rounds/{R}/t-village/feedback.yaml",
        (minimal_repo / f"rounds/{R}/t-unit/feedback.yaml").read_text("utf-8").replace("t-unit", "t-village"),
    )
    for name, text in VILLAGE_CLEAN.items():
        put(minimal_repo, f"rounds/{R}/t-village/{name}", text)
    rows = "".join(f'  - {{item: "{i}", points: {p}, reason: 酌情。}}\n' for i, p in SPLITS[deducted])
    put(
        minimal_repo,
        f"rounds/{R}/t-village/assessment.yaml",
        f"round: {R}\nunit: t-village\nrubric: wujiang-villages\nassessor: 镇纪委\ndate: 2025-07-01\n"
        f"deductions:\n{rows}",
    )
    # as of 2025-07-01 nothing is due yet, all three stage meetings are held: 100 − deducted
    sheet = sheets(minimal_repo, date(2025, 7, 1))["t-village"]
    assert (sheet.total, sheet.grade.name) == (total, grade)


@pytest.mark.parametrize("rubric", ["wujiang-units", "wujiang-villages", "provincial-bureau"])
@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (90, "好"),
        ("89.5", "较好"),
        (75, "较好"),
        ("74.99", "一般"),
        (60, "一般"),
        ("59.5", "较差"),
        (0, "较差"),
        (105, "好"),
    ],
)
def test_grade_bands_of_every_rubric(rubric: str, total: object, grade: str) -> None:
    assert builtin().rubrics[rubric].grade(F(str(total))).name == grade


def test_ranking_orders_by_total_and_shares_ties(worked: Path) -> None:
    found = sheets(worked)
    rows = ranking(found.values())
    # t-village 74.5, t-bureau 67.48, t-unit 44
    assert [(r.rank, r.sheet.unit) for r in rows] == [(1, "t-village"), (2, "t-bureau"), (3, "t-unit")]
    tied = ranking([found["t-unit"], found["t-unit"], found["t-village"]])
    assert [r.rank for r in tied] == [1, 2, 2]


PARTICIPATION = f"""\
round: {R}
unit: t-bureau
surveys:
  - id: T1
    date: 2025-12-10
    kind: 民主测评会
    held_by: 评估组
    groups: [领导班子成员, 中层干部]
    invited: 30
    results: {{满意: 20, 基本满意: 4, 不满意: 4}}
  - id: T2
    date: 2025-12-12
    kind: 问卷调查
    groups: [服务对象]
    invited: 15
    results: {{满意: 6, 比较满意: 2, 不了解: 4}}
  - id: T3
    date: 2099-01-01
    kind: 问卷调查
    groups: [群众]
    invited: 5
    results: {{不满意: 5}}
hearings:
  - id: H1
    date: 2025-12-15
    held_by: 巡察工作领导小组
    answered_by: [测试区测试集团, 派驻第一纪检监察组]
    questions: 4
"""


def test_item15_satisfaction_comes_from_the_surveys(worked: Path) -> None:
    put(worked, f"rounds/{R}/t-bureau/participation.yaml", PARTICIPATION)
    assert [
        f.as_text() for f in validate(worked, use_cache=False).findings if f.file.endswith("ion.yaml")
    ] == []
    sheet = sheets(worked)["t-bureau"]
    # T1 + T2 pooled (T3 is after the as-of date): 满意 26, 比较满意 2, 基本满意 4 count 1 each = 32;
    # 不满意 4 and 不了解 4 count 0; 40 valid votes → 32/40 = 0.8 → 0.8 × 5 = 4 (the typed 0.93 is not used)
    assert items(sheet)["15"] == 4
    item = next(i for g in sheet.groups for i in g.items if i.item.id == "15")
    assert "满意度 80%" in item.lines[0].text and "÷有效票40张" in item.lines[0].text
    assert {f.ref for f in item.lines[0].facts} == {"T1", "T2"}
    assert any("评估记录填写的满意度 93% 未采用" in n for n in item.notes)
    # the total moves by 4 − 4.65: 67.4833… − 0.65 → 66.83
    assert sheet.total == F("66.83")


def test_item15_typed_satisfaction_says_there_is_no_survey(worked: Path) -> None:
    item = next(i for g in sheets(worked)["t-bureau"].groups for i in g.items if i.item.id == "15")
    assert item.score == F("4.65") and any("没有测评记录" in n for n in item.notes)


def test_more_votes_than_people_asked_is_an_error(worked: Path) -> None:
    put(
        worked, f"rounds/{R}/t-bureau/participation.yaml", PARTICIPATION.replace("invited: 15", "invited: 11")
    )
    found = [f for f in validate(worked, use_cache=False).findings if f.code == "XC409"]
    assert [(f.message, f.line) for f in found] == [("测评 T2 的有效票合计 12 张，多于参加人数 11 人", 16)]
