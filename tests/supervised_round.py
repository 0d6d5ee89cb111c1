"""A round whose supervising bodies are scored by hand (test_supervisor_scoring): a real git history."""

from __future__ import annotations

import shutil
from pathlib import Path

from gitrepo import Git, status, write

FOLDER = "rounds/2025-t-r1/t-unit"
PLAN = (Path(__file__).parent / "fixtures/minimal" / FOLDER / "plan.yaml").read_text(encoding="utf-8")
UNIT = """\
id: t-unit
name: 测试区测试局
type: 区级机关
jurisdiction: 测试区
supervisors: [派驻第一纪检监察组]
"""
START = "date: 2025-07-01, state: 整改中, note: 启动专项整治。"
DONE = "date: 2025-09-20, state: 已完成, note: 专项整治完成。, evidence: [{title: 专项整治工作报告}]"
CLOSE = "date: 2025-10-10, state: 已销号, note: 经核查整改到位，予以销号。, evidence: [{title: 核查意见}]"
REPORTS = """\
round: 2025-t-r1
unit: t-unit
reports:
  - id: R1
    kind: 整改进展报告
    submissions:
      - date: 2025-09-16
  - id: R2
    kind: 主要负责人报告
    submissions:
      - date: 2025-09-16
        result: 通过
        result_date: 2025-10-20
"""
SUPERVISION = """\
round: 2025-t-r1
unit: t-unit
actions:
  - id: S1
    kind: 督办函
    date: 2026-01-08
    by: 派驻第一纪检监察组
    problems: [P01.1]
    obligations: [problem/P01.1]
    reply_by: 2026-01-15
    replied: 2026-01-14
  - id: S2
    kind: 抽查
    date: 2026-06-20
    by: 派驻第一纪检监察组
    problems: [P02]
    finding: 整改到位
"""
SUPERVISOR_REVIEWER = ("王五", "wangwu@jc-1.example.cn")


def build(root: Path, schemas: Path) -> Git:
    """The minimal round, its records reaching main as the docstring of each step says."""
    shutil.copytree(
        Path(__file__).parent / "fixtures/minimal", root, ignore=shutil.ignore_patterns("schemas")
    )
    shutil.copytree(schemas, root / "schemas")
    (root / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    write(root, "units/t-unit.yaml", UNIT)
    (root / FOLDER / "plan.yaml").unlink()
    shutil.rmtree(root / FOLDER / "status")
    git = Git(root)
    git.init()  # 2025-06-30: units, round, feedback straight onto main (no reviewed record among them)
    git.branch("plan")
    write(root, f"{FOLDER}/plan.yaml", PLAN)
    git.commit("报送整改方案", day="2025-07-10")
    git.merge("plan", 1, day="2025-07-15")  # the group merges in 3 working days
    git.branch("p02-start")
    write(root, f"{FOLDER}/status/P02.yaml", status("P02", START))
    git.commit("P02 启动整改", day="2025-07-20")
    git.merge("p02-start", 2, by=SUPERVISOR_REVIEWER, day="2025-08-15")  # due 2025-08-01: late
    write(root, f"{FOLDER}/status/P02.yaml", status("P02", START, DONE, CLOSE))
    git.commit("P02 完成并销号", day="2025-10-10")  # straight onto main
    git.branch("reports")
    write(root, f"{FOLDER}/reports.yaml", REPORTS)
    git.commit("报送双报告", day="2025-10-12")
    git.merge("reports", 3, by=SUPERVISOR_REVIEWER, day="2025-10-13")
    git.branch("supervision")
    write(root, f"{FOLDER}/supervision.yaml", SUPERVISION)
    git.commit("登记督办和抽查", who=SUPERVISOR_REVIEWER, day="2026-06-22")
    git.merge("supervision", 4, by=SUPERVISOR_REVIEWER, day="2026-06-23")
    return git
