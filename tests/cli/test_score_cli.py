"""``xuncha score`` as a user runs it, and ``xuncha validate`` checking a stated total (XC410)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from worked_record import R, build

Run = Callable[..., Result]
ASSESSMENT = f"rounds/{R}/t-unit/assessment.yaml"


@pytest.fixture
def worked(minimal_repo: Path) -> Path:
    return build(minimal_repo)


def score(run_cli: Run, root: Path, *args: str) -> Result:
    return run_cli("--root", root, "score", R, *args)


def test_text_sheet_shows_items_deductions_facts_and_notes(worked: Path, run_cli: Run) -> None:
    result = score(run_cli, worked, "t-unit", "--as-of", "2026-07-15")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "二、整改任务落实（61分，原表表头印66分）  小计 18.5" in out
    assert "  6. 从严从实抓好问题整改  满分 28  得分 0" in out
    assert "−3分 [6.3 自动] 无特殊情况，超出整改时限，未完成整改的，有一例，扣3分。（1例×3分）" in out
    assert f"· P01.1  rounds/{R}/t-unit/status/P01.1.yaml：整改时限 2026-03-31（原时限 2025-12-31" in out
    assert "理由：整改缓慢。" in out
    assert "（扣分合计32分，超过本项分值28分，本项记0分）" in out
    assert "此项不得分 [10.2 自动]" in out
    assert "基础分 34/95  加分 10  总分 44" in out
    assert "等次：较差。对整改质效差的，发出纪检监察建议，限期整改到位。" in out
    assert "“整改任务落实”表头印为66分，各项分值合计61分" in out


def test_json_sheet(worked: Path, run_cli: Run) -> None:
    result = score(run_cli, worked, "t-bureau", "--as-of", "2026-07-15", "--format", "json")
    sheet = json.loads(result.output)
    assert (sheet["rubric"], sheet["total"], sheet["grade"]) == ("provincial-bureau", 67.48, "一般")
    assert sheet["rectification_rate"] == 0.3333
    item7 = sheet["groups"][1]["items"][2]
    assert (item7["id"], item7["score"], item7["max"]) == ("7", 29.33, 40)
    assert [line["points"] for line in item7["lines"]] == [2.67, 8]  # 较好: 40/3×0.2; 较差: 40/3×0.6
    item9 = sheet["groups"][1]["items"][4]
    assert [f["ref"] for f in item9["lines"][0]["facts"]] == ["P02", "P02"]


def test_markdown_sheet(worked: Path, run_cli: Run) -> None:
    result = score(run_cli, worked, "t-village", "--as-of", "2026-07-15", "--format", "markdown")
    out = result.output
    assert out.startswith("# 质效评估评分表：测试镇测试村（2025-t-r1）")
    assert "| **总分** | | | | **74.5** |" in out
    assert "**等次：一般**" in out
    assert "### 第7项 整改报告质量（得分 0/6）" in out


def test_ranking_of_a_round(worked: Path, run_cli: Run) -> None:
    result = score(run_cli, worked, "--as-of", "2026-07-15")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2025-t-r1 测试区委第一轮巡察 质效评估排名（计算日期 2026-07-15）"
    assert [line.split()[:4] for line in lines[2:]] == [
        ["1", "测试镇测试村（t-village）", "74.5", "一般"],
        ["2", "测试区测试集团（t-bureau）", "67.48", "一般"],
        ["3", "测试区测试局（t-unit）", "44", "较差"],
    ]
    rows = json.loads(score(run_cli, worked, "--as-of", "2026-07-15", "--format", "json").output)
    first = rows[0]
    assert (first["rank"], first["unit"], first["total"], first["rectification_rate"]) == (
        1,
        "t-village",
        74.5,
        0.3333,
    )
    markdown = score(run_cli, worked, "--as-of", "2026-07-15", "--format", "markdown").output
    assert "| 1 | 测试镇测试村（t-village） | 74.5 | 一般 | 33.3% | wujiang-villages |" in markdown


def test_unit_without_assessment_is_ranked_on_its_record(minimal_repo: Path, run_cli: Run) -> None:
    result = score(run_cli, minimal_repo, "--as-of", "2025-08-01")
    assert result.exit_code == 0, result.output
    assert "无评估记录（仅自动扣分）" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(("2099-x",), "轮次 2099-x 不存在"), ((R, "nobody"), "nobody 不是轮次 2025-t-r1 的被巡察单位")],
)
def test_usage_errors(worked: Path, run_cli: Run, args: tuple[str, ...], message: str) -> None:
    result = run_cli("--root", worked, "score", *args, "--as-of", "2026-07-15")
    assert result.exit_code == 2
    assert message in result.output


def total_line(root: Path) -> int:
    lines = (root / ASSESSMENT).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("total:"))


@pytest.mark.parametrize(("stated", "ok"), [("44", True), ("44.004", True), ("44.01", False), ("50", False)])
def test_validate_recomputes_a_stated_total(worked: Path, run_cli: Run, stated: str, ok: bool) -> None:
    path = worked / ASSESSMENT
    path.write_text(path.read_text(encoding="utf-8").replace("rubric:", f"total: {stated}\nrubric:"), "utf-8")
    result = run_cli("--root", worked, "validate", "--no-cache", "--format", "json")
    found = [(f["file"], f["code"], f["line"], f["message"]) for f in json.loads(result.output)]
    mismatch = [f for f in found if f[1] == "XC410"]
    if ok:
        assert (result.exit_code, mismatch) == (0, [])
    else:
        assert result.exit_code == 1
        assert mismatch == [
            (ASSESSMENT, "XC410", total_line(worked), f"填写的总分 {stated} 与按记录重新计算的 44 不符")
        ]


def test_assessment_naming_unknown_items_and_rules(worked: Path, run_cli: Run) -> None:
    path = worked / ASSESSMENT
    text = path.read_text(encoding="utf-8")
    text = text.replace('{item: "7", rule: "7.1"', '{item: "17", rule: "7.1"')
    text = text.replace('{item: "5", rule: "5.6"', '{item: "5", rule: "5.2"')
    text = text.replace("deductions:\n", 'deductions:\n  - {item: "16", points: 1, reason: 加分项。}\n')
    path.write_text(text, "utf-8")
    result = run_cli("--root", worked, "validate", "--no-cache", "--format", "json")
    codes = sorted(f["code"] for f in json.loads(result.output) if f["file"] == ASSESSMENT)
    assert codes == ["XC402", "XC403", "XC404", "XC405", "XC406"]
    assert result.exit_code == 1


def test_assessment_rubric_unknown_unfit_or_missing_inputs(worked: Path, run_cli: Run) -> None:
    bureau = worked / f"rounds/{R}/t-bureau/assessment.yaml"
    bureau.write_text(bureau.read_text("utf-8").replace("satisfaction: 0.93\n", ""), "utf-8")
    unit = worked / ASSESSMENT
    unit.write_text(
        unit.read_text("utf-8").replace("rubric: wujiang-units", "rubric: wujiang-villages"), "utf-8"
    )
    village = worked / f"rounds/{R}/t-village/assessment.yaml"
    village.write_text(
        village.read_text("utf-8").replace("rubric: wujiang-villages", "rubric: nanjing"), "utf-8"
    )
    result = run_cli("--root", worked, "validate", "--no-cache", "--format", "json")
    found = {(f["file"].split("/")[2], f["code"]) for f in json.loads(result.output) if f["code"] >= "XC401"}
    assert {("t-bureau", "XC408"), ("t-unit", "XC407"), ("t-village", "XC401")} <= found
    assert score(run_cli, worked, "t-village", "--as-of", "2026-07-15").exit_code == 2
