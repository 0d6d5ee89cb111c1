"""``xuncha review`` on real git repositories: the summary a reviewer reads, and the rules it enforces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitrepo import Git, edit, line_of, status, write

FOLDER = "rounds/2025-t-r1/t-unit"
P011 = f"{FOLDER}/status/P01.1.yaml"
P02 = f"{FOLDER}/status/P02.yaml"
Run = Callable[..., Result]


@pytest.fixture
def git(minimal_repo: Path) -> Git:
    """The minimal repository committed on main, with a clerk's branch checked out."""
    repo = Git(minimal_repo)
    repo.init()
    repo.branch("t-unit/progress")
    return repo


def review(run_cli: Run, git: Git, *args: str) -> Result:
    return run_cli("--root", git.root, "review", *args)


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


def test_summary_of_a_clerk_branch_in_words(run_cli: Run, git: Git) -> None:
    write(git.root, P011, status("P01.1", "date: 2025-07-05, state: 整改中, note: 制定年度计划。"))
    write(git.root, f"{FOLDER}/extensions.yaml", EXTENSION)
    write(git.root, f"{FOLDER}/reports.yaml", REPORTS)
    git.commit("报送整改进展")
    result = review(run_cli, git, "--base", "main", "--head", "HEAD")
    assert result.exit_code == 0, result.output
    assert lines(result)[0].startswith("## 巡察整改变更审阅：main（")
    assert lines(result)[2:] == [
        "### 状态变化（1）",
        "",
        "- 2025-t-r1/t-unit P01.1：（无） → 整改中（2025-07-05）；说明：制定年度计划",
        "",
        "### 延期（1）",
        "",
        "- 2025-t-r1/t-unit P01.2 延期 E1：整改时限 2026-03-31 → 2026-06-30；理由：需与上级部门协调；"
        "批准：第一巡察组（2026-03-20）",
        "",
        "### 报告和会议（3）",
        "",
        "- 2025-t-r1/t-unit 会议 M1：专题民主生活会（2025-07-10）",
        "- 2025-t-r1/t-unit 会议 M1 材料报备（2025-07-12）",
        "- 2025-t-r1/t-unit 报告 R1（整改进展报告）报送（2025-09-16）；"
        "审核结果：通过（2025-09-20，第一巡察组）",
        "",
        "未发现违反整改规则的改动。",
    ]


EXTENSION = """\
round: 2025-t-r1
unit: t-unit
extensions:
  - id: E1
    problem: P01.2
    new_deadline: 2026-06-30
    reason: 需与上级部门协调。
    approved_by: 第一巡察组
    approved: 2026-03-20
"""

REPORTS = """\
round: 2025-t-r1
unit: t-unit
meetings:
  - id: M1
    kind: 专题民主生活会
    date: 2025-07-10
    materials_filed: 2025-07-12
reports:
  - id: R1
    kind: 整改进展报告
    submissions:
      - {date: 2025-09-16, result: 通过, result_date: 2025-09-20, reviewer: 第一巡察组}
"""

COMPLETED = (
    "date: 2025-07-05, state: 整改中",
    "date: 2025-09-01, state: 已完成, evidence: [{title: 工作报告}]",
)


def _completed_on_main(git: Git) -> None:
    git.checkout("main")
    write(git.root, P011, status("P01.1", *COMPLETED))
    git.commit("P01.1 已完成", day="2025-09-02")
    git.branch("t-unit/close")


def test_close_lists_completion_date_and_evidence(run_cli: Run, git: Git) -> None:
    _completed_on_main(git)
    close = "date: 2025-10-10, state: 已销号, by: 第一巡察组, evidence: [{title: 核查意见}]"
    write(git.root, P011, status("P01.1", *COMPLETED, close))
    result = review(run_cli, git)
    assert result.exit_code == 0, result.output
    assert (
        "- 2025-t-r1/t-unit P01.1：销号（2025-10-10，第一巡察组）；完成日期：2025-09-01；佐证：核查意见"
        in lines(result)
    )


def test_close_without_evidence_is_refused_with_its_line(run_cli: Run, git: Git) -> None:
    _completed_on_main(git)
    write(git.root, P011, status("P01.1", *COMPLETED, "date: 2025-10-10, state: 已销号"))
    result = review(run_cli, git)
    assert result.exit_code == 1
    line = line_of(git.root, P011, "2025-10-10")
    assert (
        f"- `{P011}:{line}` XC513 P01.1：销号缺少佐证材料。提示：在这一条下填写 evidence（文件、台账）。"
        in lines(result)
    )


def test_skipping_a_step_is_refused(run_cli: Run, git: Git) -> None:
    entries = (
        "date: 2025-07-01, state: 未启动",
        "date: 2025-08-01, state: 已完成, evidence: [{title: 报告}]",
    )
    write(git.root, P011, status("P01.1", *entries))
    result = review(run_cli, git, "--format", "json")
    assert result.exit_code == 1
    [violation] = json.loads(result.output)["violations"]
    assert violation["code"] == "XC511"
    assert violation["message"] == "P01.1：状态不能从“未启动”直接变为“已完成”"
    assert (violation["file"], violation["line"]) == (P011, line_of(git.root, P011, "state: 已完成"))


def test_closing_what_was_never_completed_is_refused(run_cli: Run, git: Git) -> None:
    entries = (
        "date: 2025-07-01, state: 整改中",
        "date: 2025-08-01, state: 已销号, evidence: [{title: 报告}]",
    )
    write(git.root, P011, status("P01.1", *entries))
    result = review(run_cli, git, "--format", "json")
    assert [v["message"] for v in json.loads(result.output)["violations"]] == [
        "P01.1：销号前没有“已完成”记录（缺少完成日期）"
    ]


def test_reopen_needs_a_reason(run_cli: Run, git: Git) -> None:
    edit(
        git.root,
        P02,
        "summary:",
        "  - date: 2025-12-01\n    state: 整改中\n    note: 回访发现问题反弹。\nsummary:",
    )
    result = review(run_cli, git, "--format", "json")
    assert result.exit_code == 1
    assert [v["code"] for v in json.loads(result.output)["violations"]] == ["XC512"]
    edit(git.root, P02, "    note: 回访发现问题反弹。", "    reopen: 问题反弹\n    note: 回访发现问题反弹。")
    result = review(run_cli, git)
    assert result.exit_code == 0, result.output
    assert (
        "- 2025-t-r1/t-unit P02：已销号 → 整改中（2025-12-01）；"
        "重新整改原因：问题反弹；说明：回访发现问题反弹" in lines(result)
    )


def test_the_log_is_append_only(run_cli: Run, git: Git) -> None:
    edit(git.root, P02, "note: 启动专项整治。", "note: 早已启动专项整治。")
    result = review(run_cli, git, "--format", "json")
    [violation] = json.loads(result.output)["violations"]
    assert violation["code"] == "XC510"
    assert violation["message"] == "P02 的进展日志第 1 条被修改或删除（日志只能追加）"
    assert violation["line"] == line_of(git.root, P02, "2025-07-01")


FEEDBACK = f"{FOLDER}/feedback.yaml"


def test_feedback_text_is_verbatim(run_cli: Run, git: Git) -> None:
    edit(git.root, FEEDBACK, "党组专题研究全面从严治党工作不足。", "党组专题研究全面从严治党工作略有不足。")
    result = review(run_cli, git)
    assert result.exit_code == 1
    line = line_of(git.root, FEEDBACK, "略有不足")
    assert lines(result)[-1] == (
        f"- `{FEEDBACK}:{line}` XC504 反馈问题 P01.1 的原文被修改（反馈意见须原汁原味）。提示：恢复原文；"
        "确需更正的，在 corrections 中新增一条更正记录（target、reason、new_text、approved_by）。"
    )


def test_deleting_a_problem_is_refused(run_cli: Run, git: Git) -> None:
    edit(git.root, FEEDBACK, "          - id: P01.2\n            text: 对下属单位监督检查偏少。\n", "")
    result = review(run_cli, git, "--format", "json")
    assert [v["message"] for v in json.loads(result.output)["violations"]] == [
        "反馈问题 P01.2 被删除（已合并的反馈意见不得删除）"
    ]


def test_a_correction_and_a_new_problem_are_shown_as_such(run_cli: Run, git: Git) -> None:
    (git.root / FEEDBACK).write_text(
        (git.root / FEEDBACK).read_text(encoding="utf-8")
        + "      - id: P03\n        text: 干部选拔任用程序不规范。\n"
        + "corrections:\n  - id: K1\n    target: P01.1\n    date: 2025-08-01\n    reason: 原文漏写次数。\n"
        + "    new_text: 党组专题研究全面从严治党工作不足，2024年仅研究1次。\n    approved_by: 第一巡察组\n",
        encoding="utf-8",
    )
    result = review(run_cli, git)
    assert result.exit_code == 0, result.output
    assert "- 2025-t-r1/t-unit P03：干部选拔任用程序不规范。" in lines(result)
    assert (
        "- 2025-t-r1/t-unit P01.1 更正 K1：“党组专题研究全面从严治党工作不足，2024年仅研究1次。”"
        "（理由：原文漏写次数；批准：第一巡察组，2025-08-01）"
    ) in lines(result)


def test_removing_or_renaming_a_record_file_is_refused(run_cli: Run, git: Git) -> None:
    (git.root / P02).unlink()
    result = review(run_cli, git, "--format", "json")
    assert [(v["file"], v["line"], v["code"]) for v in json.loads(result.output)["violations"]] == [
        (P02, 1, "XC501")
    ]
    git.run("checkout", "--", P02)
    (git.root / P02).rename(git.root / FOLDER / "status" / "P2.yaml")
    result = review(run_cli, git, "--format", "json")
    [violation] = json.loads(result.output)["violations"]
    assert violation["code"] == "XC502"
    assert (
        violation["message"] == f"记录文件 {P02} 被改名或移动为 {FOLDER}/status/P2.yaml（记录文件不得改名）"
    )


PLAN = f"{FOLDER}/plan.yaml"


def test_a_deadline_moves_only_with_an_extension(run_cli: Run, git: Git) -> None:
    edit(git.root, PLAN, "deadline: 2026-03-31", "deadline: 2026-06-30")
    result = review(run_cli, git)
    assert result.exit_code == 1
    assert "- 2025-t-r1/t-unit P01.2 整改时限：2026-03-31 → 2026-06-30" in lines(result)
    line = line_of(git.root, PLAN, "2026-06-30")
    assert lines(result)[-1].startswith(
        f"- `{PLAN}:{line}` XC520 P01.2 的整改时限在方案批准后被改动（2026-03-31 → 2026-06-30），"
        "没有对应的延期记录。"
    )
    write(git.root, f"{FOLDER}/extensions.yaml", EXTENSION)
    result = review(run_cli, git)
    assert result.exit_code == 0, result.output


def test_an_approved_extension_cannot_be_edited_or_removed(run_cli: Run, git: Git) -> None:
    git.checkout("main")
    write(git.root, f"{FOLDER}/extensions.yaml", EXTENSION)
    git.commit("延期 E1", day="2026-03-21")
    git.branch("t-unit/edit")
    edit(git.root, f"{FOLDER}/extensions.yaml", "2026-06-30", "2026-09-30")
    result = review(run_cli, git, "--format", "json")
    assert [v["message"] for v in json.loads(result.output)["violations"]] == [
        "延期记录 E1 已经批准，不能修改"
    ]


def test_staged_reviews_only_what_will_be_committed(run_cli: Run, git: Git) -> None:
    write(git.root, P011, status("P01.1", "date: 2025-07-05, state: 整改中"))
    git.run("add", P011)
    edit(git.root, P02, "note: 启动专项整治。", "note: 改写。")  # not staged: not part of this commit
    staged = review(run_cli, git, "--staged")
    assert staged.exit_code == 0, staged.output
    assert lines(staged)[0].startswith("## 巡察整改变更审阅：HEAD（")
    assert lines(staged)[0].endswith("→ 暂存区")
    assert "- 2025-t-r1/t-unit P01.1：（无） → 整改中（2025-07-05）" in lines(staged)
    assert review(run_cli, git).exit_code == 1  # the working tree holds the rewrite


def test_default_base_is_where_the_branch_left_main(run_cli: Run, git: Git) -> None:
    git.checkout("main")
    write(git.root, P011, status("P01.1", "date: 2025-07-05, state: 整改中"))
    git.commit("主线上的进展", day="2025-07-06")
    git.checkout("t-unit/progress")
    result = review(run_cli, git)
    assert result.exit_code == 0
    assert lines(result)[2:] == ["本次改动不涉及整改数据。", "", "未发现违反整改规则的改动。"]


def test_an_invalid_file_cannot_be_reviewed(run_cli: Run, git: Git) -> None:
    write(git.root, P011, status("P01.1", "date: 2025-07-05, state: 做完了"))
    result = review(run_cli, git, "--format", "json")
    [violation] = json.loads(result.output)["violations"]
    assert violation["code"] == "XC500"
    assert violation["line"] == line_of(git.root, P011, "做完了")


NOTICE = """\
id: N1
round: 2025-t-r1
unit: t-unit
title: 关于巡察整改进展情况的通报
as_of: 2025-10-31
organisation: [成立整改工作领导小组。]
next_steps: [持续抓好整改。]
issuer: 中共测试区测试局党组
date: 2025-11-05
signoffs:
"""
CHECKLIST = (
    "no_secrets: true, no_case_interference: true, no_disclosure_breach: true, guard_hype: true, "
    "guard_mass_incident: true"
)


def _signoff(role: str, day: str) -> str:
    return f"  - {{role: {role}, by: {role}, date: {day}, checklist: {{{CHECKLIST}}}}}\n"


def test_assessment_and_notice_signoffs(run_cli: Run, git: Git) -> None:
    assessment = (
        "round: 2025-t-r1\nunit: t-unit\nrubric: wujiang-units\nassessor: 第二监督检查室\ndate: 2026-07-01\n"
    )
    write(git.root, f"{FOLDER}/assessment.yaml", assessment + "total: 86\n")
    write(git.root, f"{FOLDER}/notices/N1.yaml", NOTICE + _signoff("巡察组组长", "2025-11-01"))
    git.commit("评估和通报")
    write(git.root, f"{FOLDER}/assessment.yaml", assessment + "total: 88.5\n")
    signoffs = _signoff("被巡察党组织主要负责人", "2025-11-02") + _signoff("巡察办", "2025-11-03")
    write(git.root, f"{FOLDER}/notices/N1.yaml", NOTICE + _signoff("巡察组组长", "2025-11-01") + signoffs)
    result = review(run_cli, git, "--base", "HEAD")
    assert result.exit_code == 0, result.output
    assessed = lines(result)[4]
    assert assessed.startswith(
        "- 2025-t-r1/t-unit 质效评估（第二监督检查室，2026-07-01）：总分 86 → 88.5；按记录计算得分 "
    )
    before, after = assessed.rsplit("按记录计算得分 ", 1)[1].split(" → ")
    assert before == after  # the stated total changed; the records (and so the computed score) did not
    assert lines(result)[2:4] + lines(result)[5:13] == [
        "### 质效评估（1）",
        "",
        "",
        "### 通报（3）",
        "",
        "- 2025-t-r1/t-unit 通报 N1 把关：被巡察党组织主要负责人（被巡察党组织主要负责人，2025-11-02）",
        "- 2025-t-r1/t-unit 通报 N1 把关：巡察办（巡察办，2025-11-03）",
        "- 2025-t-r1/t-unit 通报 N1 三把关已完成，可以发布",
        "",
        "未发现违反整改规则的改动。",
    ]


def test_outside_a_git_repository_is_a_usage_error(run_cli: Run, minimal_repo: Path) -> None:
    result = run_cli("--root", minimal_repo, "review")
    assert result.exit_code == 2
    assert "不是 git 仓库" in result.output


# --- links and special files in the data folders (XC503) ---------------------------------------------

GUARD_SECONDS = 60  # a review that hangs is killed here: a FIFO in the working tree must never be read
LINK = f"{FOLDER}/status/P09.yaml"


def review_run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("xuncha")), "--root", str(root), "review", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=GUARD_SECONDS, check=False)


def special_violations(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """file → message of each violation, from ``--format json``."""
    assert "Traceback" not in result.stderr
    return {v["file"]: v["message"] for v in json.loads(result.stdout)["violations"] if v["code"] == "XC503"}


def test_a_committed_symlink_is_refused(git: Git) -> None:
    (git.root / LINK).symlink_to("/etc/passwd")
    git.commit("加入链接")
    result = review_run(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert result.returncode == 1
    assert special_violations(result) == {LINK: "改动在数据目录中加入了符号链接，不是普通文件"}


def test_a_staged_symlinked_folder_is_refused(git: Git) -> None:
    (git.root / f"{FOLDER}/status2").symlink_to("status")
    git.run("add", "-A")
    result = review_run(git.root, "--staged", "--format", "json")
    assert result.returncode == 1
    assert f"{FOLDER}/status2" in special_violations(result)


def test_a_committed_folder_named_like_a_record_is_refused(git: Git) -> None:
    (git.root / LINK).mkdir()
    (git.root / LINK / "inner.yaml").write_text("id: P09\n", encoding="utf-8")
    git.commit("加入文件夹")
    result = review_run(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert result.returncode == 1
    assert "以记录文件命名的文件夹" in special_violations(result)[LINK]


def test_a_fifo_in_the_working_tree_is_refused_unread(git: Git) -> None:
    """Git cannot hold a FIFO; the working-tree review must still not open it (it would hang)."""
    os.mkfifo(git.root / LINK)
    result = review_run(git.root, "--format", "json")
    assert result.returncode == 1
    assert "命名管道" in special_violations(result)[LINK]


def test_a_link_already_on_main_is_not_this_change(git: Git) -> None:
    git.checkout("main")
    (git.root / LINK).symlink_to("/etc/passwd")
    git.commit("历史遗留的链接")
    git.branch("t-unit/other")
    result = review_run(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert special_violations(result) == {}


PARTICIPATION = """\
round: 2025-t-r1
unit: t-unit
surveys:
  - id: T1
    date: 2025-12-10
    kind: 民主测评会
    held_by: 评估组
    groups: [领导班子成员, 中层干部]
    invited: 30
    results: {满意: 20, 基本满意: 4, 不满意: 4}
hearings:
  - id: H1
    date: 2025-12-15
    held_by: 巡察工作领导小组
    questions: 4
"""


def test_surveys_and_hearings_in_words_and_kept_once_filed(run_cli: Run, git: Git) -> None:
    write(git.root, f"{FOLDER}/participation.yaml", PARTICIPATION)
    git.commit("登记满意度测评和质询答辩")
    result = review(run_cli, git, "--base", "main", "--head", "HEAD")
    assert result.exit_code == 0, result.output
    assert "### 群众参与（2）" in lines(result)
    assert (
        "- 2025-t-r1/t-unit 满意度测评 T1：民主测评会（2025-12-10，评估组），领导班子成员、中层干部，"
        "参加 30 人，有效票 28 张" in lines(result)
    )
    assert "- 2025-t-r1/t-unit 质询答辩 H1（2025-12-15，巡察工作领导小组）：提问 4 个" in lines(result)
    git.merge("t-unit/progress", 5)
    git.branch("t-unit/votes")
    edit(git.root, f"{FOLDER}/participation.yaml", "满意: 20", "满意: 26")
    git.commit("改票数")
    changed = review(run_cli, git, "--base", "main", "--head", "HEAD")
    assert changed.exit_code == 1 and "XC506" in changed.output  # a filed survey is never edited
