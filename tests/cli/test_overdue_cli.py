"""``xuncha overdue`` and ``xuncha calendar`` end to end: formats, exit codes, notify list, baseline, demo."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., Result]

REPORTS = """\
round: 2025-t-r1
unit: t-unit
reports:
  - id: R1
    kind: 主要负责人报告
    submissions:
      - date: 2025-09-01
"""


@pytest.fixture
def repo(minimal_repo: Path) -> Path:
    """The minimal repo under the Wujiang profile (the jurisdiction default), one report filed."""
    (minimal_repo / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    (minimal_repo / "rounds/2025-t-r1/t-unit/reports.yaml").write_text(REPORTS, encoding="utf-8")
    return minimal_repo


def overdue(run_cli: Run, root: Path, *args: str) -> Result:
    return run_cli("--root", root, "overdue", *args)


def test_text_table_grouped_by_unit_worst_first(run_cli: Run, repo: Path) -> None:
    result = overdue(run_cli, repo, "--as-of", "2025-10-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("巡察整改时限（截至 2025-10-01）：共 ")
    assert "■ 测试区测试局（t-unit）· 2025-t-r1" in lines[2]
    assert lines[3].split() == ["灯", "状态", "天数", "时限", "完成", "文件", "事项"]
    first = lines[4].split()
    assert first[:4] == ["红", "已逾期", "逾期", "77"]  # the democratic life meeting: due 07-16, never filed
    assert "报备专题民主生活会材料" in lines[4]
    states = [line.split()[1] for line in lines[4:]]
    order = ["已逾期", "即将到期", "逾期完成", "未到期", "按时完成"]
    assert [order.index(s) for s in states] == sorted(order.index(s) for s in states)


@pytest.mark.parametrize("bad", ["2025-02-30", "20251001", "明天"])
def test_invalid_as_of_is_a_usage_error(run_cli: Run, repo: Path, bad: str) -> None:
    result = overdue(run_cli, repo, "--as-of", bad)
    assert result.exit_code == 2
    assert "不是有效日期" in result.output and "YYYY-MM-DD" in result.output


def test_unknown_round_or_unit_is_a_usage_error(run_cli: Run, repo: Path) -> None:
    assert overdue(run_cli, repo, "--as-of", "2025-10-01", "--round", "2099-x").exit_code == 2
    assert overdue(run_cli, repo, "--as-of", "2025-10-01", "--unit", "nobody").exit_code == 2
    only = overdue(run_cli, repo, "--as-of", "2025-10-01", "--unit", "t-unit", "--format", "json")
    assert {o["unit"] for o in json.loads(only.output)["obligations"]} == {"t-unit"}


def test_fail_on(run_cli: Run, repo: Path) -> None:
    # 2025-09-10: the progress report (due 09-16) is yellow; the meeting materials (due 07-16) red
    assert overdue(run_cli, repo, "--as-of", "2025-07-10").exit_code == 0
    assert overdue(run_cli, repo, "--as-of", "2025-07-10", "--fail-on", "yellow").exit_code == 1
    assert overdue(run_cli, repo, "--as-of", "2025-07-10", "--fail-on", "red").exit_code == 0
    assert overdue(run_cli, repo, "--as-of", "2025-10-01", "--fail-on", "red").exit_code == 1
    assert (
        overdue(run_cli, repo, "--as-of", "2025-07-10", "--window", "2", "--fail-on", "yellow").exit_code == 0
    )


def test_json_output(run_cli: Run, repo: Path) -> None:
    result = overdue(run_cli, repo, "--as-of", "2025-10-01", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["as_of"] == "2025-10-01"
    by_rule = {o["rule"] + (o["problem"] or o["item"] or ""): o for o in document["obligations"]}
    progress = by_rule["progress-report"]
    assert progress | {"recipients": None, "addressees": None} == progress | {
        "due": "2025-09-16",
        "state": "overdue",
        "state_label": "已逾期",
        "days": 15,
        "light": "red",
        "light_label": "红",
        "done": None,
        "file": "rounds/2025-t-r1/t-unit/reports.yaml",
        "recipients": None,
        "addressees": None,
    }
    assert document["summary"]["total"] == len(document["obligations"])
    assert document["summary"]["red"] == sum(o["light"] == "red" for o in document["obligations"])
    assert "2025-t-r1/t-unit/progress-report" in document["late_submissions"]
    assert "2025-t-r1/t-unit/plan" not in document["late_submissions"]
    assert document["findings"] == []


def test_markdown_output(run_cli: Run, repo: Path) -> None:
    result = overdue(run_cli, repo, "--as-of", "2025-10-01", "--format", "markdown")
    assert result.exit_code == 0
    assert result.output.startswith("## 巡察整改时限（截至 2025-10-01）")
    assert "| 灯 | 状态 | 天数 | 时限 | 完成 | 事项 | 文件 |" in result.output
    assert "| 🔴 红 | 已逾期 | 逾期 15 天 | 2025-09-16 | — | 报送整改进展情况报告 |" in result.output


EXTENSION = """\
round: 2025-t-r1
unit: t-unit
extensions:
  - id: E1
    problem: P01.1
    new_deadline: 2026-02-28
    reason: 需上级审批。
    approved_by: 第一巡察组
    approved: 2025-12-20
"""


def test_extension_visible_in_every_format(run_cli: Run, repo: Path) -> None:
    (repo / "rounds/2025-t-r1/t-unit/extensions.yaml").write_text(EXTENSION, encoding="utf-8")
    args = ("--as-of", "2026-01-05")
    assert "2026-02-28（原 2025-12-31，延期 E1）" in overdue(run_cli, repo, *args).output
    assert (
        "2026-02-28（原 2025-12-31，延期 E1）" in overdue(run_cli, repo, *args, "--format", "markdown").output
    )
    document = json.loads(overdue(run_cli, repo, *args, "--format", "json").output)
    problem = next(o for o in document["obligations"] if o["problem"] == "P01.1")
    assert (problem["due"], problem["original_due"], problem["extension"]) == (
        "2026-02-28",
        "2025-12-31",
        "E1",
    )


def test_notify_list(run_cli: Run, repo: Path) -> None:
    result = overdue(run_cli, repo, "--as-of", "2025-10-01", "--notify-list")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("巡察整改提醒名单（截至 2025-10-01）")
    assert "■ 测试区测试局监督单位（监督单位）：红 3 · 黄 0 · 绿 0" in text
    assert "■ 办公室主任（测试区测试局）（责任人）：红 0 · 黄 0 · 绿 1" in text
    assert "按时完成" not in text and "逾期完成" not in text  # only what is still open
    document = json.loads(
        overdue(run_cli, repo, "--as-of", "2025-10-01", "--notify-list", "--format", "json").output
    )
    names = {r["name"]: r for r in document["recipients"]}
    assert names["测试区测试局监督单位"]["roles"] == ["监督单位"]
    assert {o["light"] for o in names["测试区测试局监督单位"]["obligations"]} == {"red"}
    md = overdue(run_cli, repo, "--as-of", "2025-10-01", "--notify-list", "--format", "markdown").output
    assert md.startswith("## 巡察整改提醒名单") and "- 🔴 红 已逾期" in md


def test_baseline_shows_only_what_got_worse(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    before = overdue(run_cli, repo, "--as-of", "2025-10-01", "--format", "json").output
    (tmp_path / "base.json").write_text(before, encoding="utf-8")
    reports = repo / "rounds/2025-t-r1/t-unit/reports.yaml"
    reports.write_text(
        REPORTS.replace("主要负责人报告", "整改进展报告"), encoding="utf-8"
    )  # the principal's goes missing
    result = overdue(
        run_cli,
        repo,
        "--as-of",
        "2025-10-01",
        "--baseline",
        tmp_path / "base.json",
        "--format",
        "json",
        "--fail-on",
        "red",
    )
    assert result.exit_code == 1
    assert [o["rule"] for o in json.loads(result.output)["obligations"]] == ["principal-report"]
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    assert overdue(run_cli, repo, "--as-of", "2025-10-01", "--baseline", tmp_path / "bad.json").exit_code == 2


def test_calendar_gap_fails_the_run(run_cli: Run, repo: Path) -> None:
    round_file = repo / "rounds/2025-t-r1/round.yaml"
    text = round_file.read_text(encoding="utf-8").replace("2025-06-16", "2026-12-24") + "profile: xinghai\n"
    round_file.write_text(text, encoding="utf-8")
    for name in ("plan.yaml", "reports.yaml", "status/P02.yaml"):
        (repo / "rounds/2025-t-r1/t-unit" / name).unlink()
    result = overdue(run_cli, repo, "--as-of", "2026-12-31")
    assert result.exit_code == 1
    assert "XC610" in result.stderr and "2027 年的法定节假日和调休安排尚未收录" in result.stderr


def test_a_broken_record_is_left_out_and_said_so(run_cli: Run, repo: Path) -> None:
    """overdue loads and schema-checks every file (the cross-file rules are validate's job)."""
    reports = repo / "rounds/2025-t-r1/t-unit/reports.yaml"
    reports.write_text(REPORTS.replace("kind: 主要负责人报告", "kind: 年终总结"), encoding="utf-8")
    result = overdue(run_cli, repo, "--as-of", "2025-10-01")
    assert "注意：1 个记录文件有错误，未计入（运行 xuncha validate 查看）。" in result.stderr
    assert "■ 测试区测试局（t-unit）" in result.stdout  # the rest is still reported
    reports.write_text(REPORTS, encoding="utf-8")
    assert "注意：" not in overdue(run_cli, repo, "--as-of", "2025-10-01").stderr


def test_calendar_command(run_cli: Run, repo: Path) -> None:
    result = run_cli("--root", repo, "calendar")
    assert result.exit_code == 0
    assert "  2004–2026  chinesecalendar" in result.output
    assert "tools/xuncha/rules/data/calendar/2027.yaml" in result.output
    document = json.loads(run_cli("--root", repo, "calendar", "--format", "json").output)
    assert document["covered"][0]["from"] == 2004


@pytest.fixture
def xinghai_demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "rounds" / "2025-xh-r1", root / "rounds" / "2025-xh-r1")
    (root / "units").mkdir()
    for unit in ("xh-mzj", "xh-sqz"):
        shutil.copy(REPO / "units" / f"{unit}.yaml", root / "units")
    return root


def test_xinghai_demo_shows_every_state(run_cli: Run, xinghai_demo: Path) -> None:
    assert run_cli("--root", xinghai_demo, "validate").exit_code == 0
    result = overdue(run_cli, xinghai_demo, "--as-of", "2026-11-23", "--format", "json")
    assert result.exit_code == 0
    found = {o["key"]: o for o in json.loads(result.output)["obligations"]}
    states = {(key.split("/", 1)[1], o["state"], o["days"]) for key, o in found.items()}
    assert states >= {
        ("-/leading-group-hearing", "on_time", 1),
        ("-/secretary-meeting-hearing", "late", 4),
        ("-/feedback-drafted", "late", 4),
        ("xh-sqz/archive-handover", "late", 4),
        ("xh-sqz/plan", "late", 6),
        ("xh-sqz/principal-report", "overdue", 314),
        ("xh-mzj/problem/P03", "due_soon", 2),
        ("xh-mzj/problem/P02.2", "open", 38),
        ("xh-sqz/problem/P02", "overdue", 54),
    }
    assert found["2025-xh-r1/-/leading-group-hearing"]["due"] == "2025-10-16"  # across National Day
    extended = found["2025-xh-r1/xh-sqz/problem/P02"]
    assert (extended["original_due"], extended["extension"], extended["due"]) == (
        "2026-03-31",
        "E1",
        "2026-09-30",
    )


def test_the_finished_demo_round_is_off_the_daily_list_and_says_so(run_cli: Run) -> None:
    """Seed 002's round (汨罗, all 23 problems done by the 2024-06-11 notice) is recorded as closed:
    nothing of it is red today, and the list says which unit it left out and why."""
    result = overdue(run_cli, REPO, "--as-of", "2026-11-23", "--round", "2023-yy-tiji", "--fail-on", "red")
    assert result.exit_code == 0, result.output
    assert "共 0 项，红 0" in result.output
    assert (
        "整改已办结，不再列入每日逾期清单：汨罗市委巡察机构（2023-yy-tiji/miluo-xcjg，2024-06-11 办结）"
        in (result.output)
    )
    everything = json.loads(overdue(run_cli, REPO, "--as-of", "2026-11-23", "--format", "json").output)
    assert everything["obligations"] and not any(
        o["round"] == "2023-yy-tiji" for o in everything["obligations"]
    )
