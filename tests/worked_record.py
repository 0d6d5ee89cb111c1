"""The worked example the scoring, metrics and score-command tests price by hand.

One record (``write_record``) is filed for three units of the minimal round — a 区级机关
(annex 5), a 村 (annex 6) and a unit assessed under seed 001 — so the same facts are
priced by three rubrics. The facts, as of 2026-07-15 (feedback 2025-06-16):

- plan: P01.2 has no lead leader and no deadline; not studied collectively; no leading group;
  all three lists complete; submitted 2025-07-10 (on time).
- meetings: 专题民主生活会 held (materials filed 2025-07-25, late: due 2025-07-16);
  only the 前期 整改专题会议 (中期 and 后期 missing).
- problems: P01.1 deadline 2025-12-31, extended (E1) to 2026-03-31, still 整改中 → overdue.
  P02 closed, then a spot check found it not done (S1 and the log reopening say so: one
  event), then it rebounded twice (S2 and S3; the log records one reopening) → 2 recurrences.
- reports: the progress report was returned twice in a row; the principal's report was
  late (2025-09-25, due 2025-09-16); quarterly progress and the completion report on time;
  no 党内通报.
- petitions: XF01 closed late, XF02 open past its deadline, XF03 open within its deadline.
- commendations: A at 区级 and 省级 (same commendation), B 国家级, C 市级; D (国家级) is
  dated after the as-of date.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

R = "2025-t-r1"
AS_OF = date(2026, 7, 15)


def put(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


ROUND = """
    id: 2025-t-r1
    name: 测试区委第一轮巡察
    kind: 常规
    inspecting_body: 测试区委
    profile: wujiang
    entry_date: 2025-03-03
    exit_date: 2025-05-09
    units:
      - unit: t-unit
        group: 第一巡察组
        feedback_date: 2025-06-16
      - unit: t-village
        group: 第一巡察组
        feedback_date: 2025-06-16
      - unit: t-bureau
        group: 第一巡察组
        feedback_date: 2025-06-16
    """

UNITS = {
    "t-village": "id: t-village\nname: 测试镇测试村\ntype: 村\nparent: t-town\njurisdiction: 测试区\n",
    "t-bureau": "id: t-bureau\nname: 测试区测试集团\ntype: 企事业单位\njurisdiction: 测试区\n",
}

FILES = {
    "plan.yaml": """
        round: 2025-t-r1
        unit: {unit}
        submissions:
          - date: 2025-07-10
            result: 通过
            result_date: 2025-07-15
        lists_complete: {{problem_list: true, task_list: true, responsibility_list: true}}
        entries:
          - problem: P01.1
            measures: [每季度专题研究全面从严治党工作]
            lead_leader: 党组书记
            lead_department: 办公室
            responsible_person: 办公室主任
            deadline: 2025-12-31
          - problem: P01.2
            measures: [制定年度监督检查计划]
            lead_department: 机关纪委
            responsible_person: 机关纪委书记
          - problem: P02
            measures: [开展专项整治]
            lead_leader: 党组书记
            lead_department: 机关纪委
            responsible_person: 机关纪委书记
            deadline: 2025-09-30
        """,
    "status/P01.1.yaml": """
        round: 2025-t-r1
        unit: {unit}
        problem: P01.1
        log:
          - {{date: 2025-08-01, state: 整改中}}
        """,
    "status/P02.yaml": """
        round: 2025-t-r1
        unit: {unit}
        problem: P02
        log:
          - {{date: 2025-07-01, state: 整改中}}
          - {{date: 2025-09-20, state: 已完成}}
          - {{date: 2025-10-10, state: 已销号, evidence: [{{title: 核查意见}}]}}
          - {{date: 2025-11-05, state: 整改中, reopen: 抽查发现未完成}}
          - {{date: 2025-12-01, state: 已完成}}
          - {{date: 2026-03-01, state: 整改中, reopen: 问题反弹}}
          - {{date: 2026-04-01, state: 已完成}}
        """,
    "extensions.yaml": """
        round: 2025-t-r1
        unit: {unit}
        extensions:
          - id: E1
            problem: P01.1
            new_deadline: 2026-03-31
            reason: 涉及机构改革。
            approved_by: 第一巡察组
            approved: 2026-01-10
        """,
    "reports.yaml": """
        round: 2025-t-r1
        unit: {unit}
        meetings:
          - {{id: M1, kind: 专题民主生活会, date: 2025-07-05, materials_filed: 2025-07-25}}
          - {{id: M2, kind: 整改专题会议, stage: 前期, date: 2025-07-08}}
        reports:
          - id: R1
            kind: 整改进展报告
            submissions:
              - {{date: 2025-09-10, result: 退回}}
              - {{date: 2025-09-20, result: 退回}}
              - {{date: 2025-09-30, result: 通过}}
          - {{id: R2, kind: 主要负责人报告, submissions: [{{date: 2025-09-25, result: 通过}}]}}
          - {{id: R3, kind: 季度进展, period: 2025Q3, submissions: [{{date: 2025-09-28}}]}}
          - {{id: R4, kind: 季度进展, period: 2025Q4, submissions: [{{date: 2025-12-28}}]}}
          - {{id: R5, kind: 季度进展, period: 2026Q1, submissions: [{{date: 2026-03-28}}]}}
          - {{id: R6, kind: 办结报告, submissions: [{{date: 2026-06-10}}]}}
        disclosures:
          - {{kind: 社会公开, date: 2025-10-15}}
        """,
    "clues.yaml": """
        round: 2025-t-r1
        unit: {unit}
        petitions:
          - {{id: XF01, received: 2025-07-01, deadline: 2025-08-31, closed: 2025-09-10}}
          - {{id: XF02, received: 2025-08-01, deadline: 2026-06-30}}
          - {{id: XF03, received: 2026-05-01, deadline: 2026-12-31}}
        """,
    "supervision.yaml": """
        round: 2025-t-r1
        unit: {unit}
        actions:
          - {{id: S1, kind: 抽查, date: 2025-11-05, problems: [P02], finding: 报告完成但未完成}}
          - {{id: S2, kind: 抽查, date: 2026-03-01, problems: [P02], finding: 问题反弹}}
          - {{id: S3, kind: 回头看, date: 2026-05-10, problems: [P02], finding: 问题反弹}}
        """,
}

COMMENDATIONS = """
    commendations:
      - {title: 经验A, level: 区级, date: 2026-01-10}
      - {title: 经验A, level: 省级, date: 2026-03-10}
      - {title: 经验B, level: 国家级, date: 2026-04-10}
      - {title: 经验C, level: 市级, date: 2026-05-10}
      - {title: 经验D, level: 国家级, date: 2026-08-01}
    """

ASSESSMENTS = {
    "t-unit": """
        rubric: wujiang-units
        deductions:
          - {item: "1", rule: "1.3", points: 0.5, reason: 会议流于形式。}
          - {item: "2", rule: "2.3", points: 2, reason: 分管领导未协调推进。}
          - {item: "2", rule: "2.4", points: 3, reason: 未问责。}
          - {item: "3", rule: "3.2", points: 4, reason: 两次未提醒谈话。}
          - {item: "3", points: 3, reason: 另酌情扣分。}
          - {item: "5", rule: "5.6", points: 1.5, reason: 缺少长效机制措施。}
          - {item: "6", rule: "6.1", points: 20, reason: 整改缓慢。}
          - {item: "7", rule: "7.1", points: 2, reason: 一把手问题整改敷衍。}
          - {item: "15", rule: "15.1", points: 4, reason: 未开展检查。}
        """,
    "t-village": """
        rubric: wujiang-villages
        deductions:
          - {item: "1", rule: "1.2", points: 0.5, reason: 会议流于形式。}
          - {item: "2", rule: "2.4", points: 4, reason: 未召开座谈会、未提出指导意见。}
          - {item: "3", rule: "3.3", points: 1, reason: 一条措施虚而不实。}
          - {item: "4", rule: "4.4b", points: 2, reason: 一项报告正在整改的问题未开展整改。}
          - {item: "6", points: 6, reason: 台账严重缺失。}
        """,
    "t-bureau": """
        rubric: provincial-bureau
        deductions:
          - {item: "3", rule: "3.1", points: 1, reason: 履职基本到位。}
          - {item: "4", rule: "4.1", points: 1, reason: 未明确责任分工。}
          - {item: "4", rule: "4.2", points: 1, reason: 落实效果一般。}
          - {item: "6", rule: "6.2", points: 2, reason: 印证材料缺失。}
          - {item: "11", rule: "11.2", points: 2, reason: 未明确专职工作人员。}
          - {item: "12", rule: "12.1", points: 1, reason: 交办会只开1次。}
          - {item: "14", rule: "14.1", points: 2, reason: 督导只有1次。}
        task_grades:
          - {problem: P01.1, grade: 好}
          - {problem: P01.2, grade: 较好}
          - {problem: P02, grade: 较差}
        satisfaction: 0.93
        overall_points: 8.5
        """,
}


def write_record(root: Path, unit: str) -> None:
    """The shared record (module docstring) for ``unit``, with its assessment."""
    folder = f"rounds/{R}/{unit}"
    feedback = (root / f"rounds/{R}/t-unit/feedback.yaml").read_text(encoding="utf-8")
    put(root, f"{folder}/feedback.yaml", feedback.replace("unit: t-unit", f"unit: {unit}"))
    for name, text in FILES.items():
        put(root, f"{folder}/{name}", textwrap.dedent(text).format(unit=unit))
    head = f"round: {R}\nunit: {unit}\nassessor: 第一监督检查室\ndate: 2026-07-15\n"
    body = textwrap.dedent(ASSESSMENTS[unit]) + textwrap.dedent(COMMENDATIONS)
    put(root, f"{folder}/assessment.yaml", head + body)


def build(root: Path) -> Path:
    """The minimal repository plus the worked-example record for three units."""
    put(root, f"rounds/{R}/round.yaml", ROUND)
    for unit, text in UNITS.items():
        put(root, f"units/{unit}.yaml", text)
    for unit in ASSESSMENTS:
        write_record(root, unit)
    return root
