"""Assessing the supervisors (seed 004) on a round built in a real git repository, checked by hand.

The round (:mod:`supervised_round`): t-unit (区级机关, feedback 2025-06-16) is supervised by
派驻第一纪检监察组 and was inspected by 第一巡察组; the rubric is ``supervisors.yaml``
(review within 10 working days, a spot check each year from the feedback, urging within
10 working days of a red). Scored as of 2026-07-01 under the Wujiang profile.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from supervised_round import build
from xuncha.pipeline import validate
from xuncha.rules.rubrics import builtin, load_setting
from xuncha.rules.supervisor_scoring import NO_HISTORY, score_supervisors

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-07-01"
BODY = "派驻第一纪检监察组"


@pytest.fixture(scope="module")
def round_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("supervised") / "repo"
    build(root, REPO / "schemas")
    return root


def sheet_json(run_cli: Callable[..., Result], root: Path, body: str) -> dict[str, object]:
    result = run_cli(
        "--root", root, "score", "2025-t-r1", body, "--supervisors", "--as-of", AS_OF, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def items(sheet: dict[str, object]) -> dict[str, float]:
    groups = sheet["groups"]
    assert isinstance(groups, list)
    return {i["id"]: i["score"] for g in groups for i in g["items"]}


def test_the_supervisor_by_hand(run_cli: Callable[..., Result], round_repo: Path) -> None:
    sheet = sheet_json(run_cli, round_repo, BODY)
    # Item 1 (30), 审核把关:
    #   1.1 reviews late, 2 × 2 = 4: R1 filed 2025-09-16, 10 working days → 2025-09-29 (09-28, a Sunday,
    #       is a working day), still undecided; R2 filed the same day, decided 2025-10-20 > 09-29.
    #   1.2 merges late, 1 × 1 = 1: P02's first status written 2025-07-20 (Sun), due by 2025-08-01,
    #       merged 2025-08-15. The reports (written 10-12, merged 10-13) and the supervision record
    #       (06-22 → 06-23) were merged in time.
    #   1.3 pushed straight to main, 1 × 2 = 2: P02 completed and closed on 2025-10-10.
    #   30 − 4 − 1 − 2 = 23
    # Item 2 (20): the year 2025-06-16 → 2026-06-16 has no spot check (S2 is 2026-06-20): 1 × 10 → 10
    # Item 3 (30): red on 2026-07-01 and not urged within 10 working days of falling due, 5 × 3 = 15:
    #   民主生活会材料 (due 2025-07-16, by 07-30); 季度进展 2025Q3 (09-30, by 10-21 past the National Day
    #   holidays, 10-11 a working Saturday); 2025Q4 (12-31, by 2026-01-15: S1 of 01-08 names P01.1 only);
    #   2026Q1 and P01.2 (03-31, by 04-15 past 清明 04-04…06). Not counted: P01.1 (urged by S1),
    #   办结报告 (due 06-16, grace runs to 07-01 past 端午 06-19, not over yet), 2026Q2 (due 06-30).
    # Item 4 (20): P02's close reached main unreviewed, 1 × 5 → 15
    assert items(sheet) == {"1": 23, "2": 10, "3": 15, "4": 15}
    assert (sheet["total"], sheet["grade"]) == (63, "一般")  # 23 + 10 + 15 + 15
    assert sheet["rectification_rate"] == round(1 / 3, 4)  # P02 done of P01.1, P01.2, P02
    facts = [
        f["text"] for g in sheet["groups"] for i in g["items"] for line in i["lines"] for f in line["facts"]
    ]
    assert (
        "t-unit R1 整改进展报告第1次报送（2025-09-16）：应于2025-09-29前审核，截至2026-07-01仍未审核" in facts
    )
    assert any("2025-08-15 才由王五审核合并，应于2025-08-01前" in f for f in facts)
    assert "2025-06-16 至 2026-06-16 没有抽查或回头看记录" in facts


def test_the_inspection_group_by_hand(run_cli: Callable[..., Result], round_repo: Path) -> None:
    # The group reviews the plan: filed 2025-07-10, decided 07-15 and merged 07-15, within 10 working
    # days (by 07-24); it answers for no spot checks, urging or closes → full marks.
    sheet = sheet_json(run_cli, round_repo, "第一巡察组")
    assert items(sheet) == {"1": 30, "2": 20, "3": 30, "4": 20} and sheet["total"] == 100


def test_ranking_of_the_round(run_cli: Callable[..., Result], round_repo: Path) -> None:
    result = run_cli("--root", round_repo, "score", "2025-t-r1", "--supervisors", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "监督单位履行监督责任评估排名" in lines[0]
    assert lines[2].split()[:4] == ["1", "第一巡察组", "100", "好"]
    assert lines[3].split()[:4] == ["2", BODY, "63", "一般"]


def test_without_git_history_the_git_facts_are_left_out(round_repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(round_repo, copy, ignore=shutil.ignore_patterns(".git"))
    index = validate(copy, use_cache=False).index
    rubric = builtin().rubrics["supervisors"]
    sheets = score_supervisors(index, load_setting(copy), rubric, "2025-t-r1", date(2026, 7, 1), None)
    mine = next(s for s in sheets if s.unit == BODY)
    # 63 + 1 (1.2) + 2 (1.3) + 5 (4: the close has evidence; only git said it was unreviewed) = 71
    assert mine.total == 71 and NO_HISTORY in mine.notes


def test_unknown_body_is_a_usage_error(run_cli: Callable[..., Result], round_repo: Path) -> None:
    result = run_cli(
        "--root", round_repo, "score", "2025-t-r1", "某监督室", "--supervisors", "--as-of", AS_OF
    )
    assert result.exit_code == 2 and "不是轮次 2025-t-r1 的监督单位" in result.output


def test_a_letter_naming_nothing_urges_everything_late(round_repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(round_repo, copy, ignore=shutil.ignore_patterns(".git"))
    path = copy / "rounds/2025-t-r1/t-unit/supervision.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    problems: [P01.1]\n    obligations: [problem/P01.1]\n", ""), "utf-8")
    index = validate(copy, use_cache=False).index
    rubric = builtin().rubrics["supervisors"]
    sheets = score_supervisors(index, load_setting(copy), rubric, "2025-t-r1", date(2026, 7, 1), None)
    item3 = next(
        i for g in next(s for s in sheets if s.unit == BODY).groups for i in g.items if i.item.id == "3"
    )
    # S1 (2026-01-08) now urges whatever fell due within the 10 working days before it: P01.1 and
    # 2025Q4 (both due 12-31); 民主生活会材料, 2025Q3, 2026Q1 and P01.2 remain → 4 × 3 = 12 → 18
    assert item3.score == 18
