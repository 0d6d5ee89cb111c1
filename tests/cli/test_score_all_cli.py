"""``xuncha score --all``: every round's ranking in one run, the same as ``score ROUND`` round by round."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from worked_record import R, build

Run = Callable[..., Result]
R2 = "2026-t-r2"
DAY = ("--as-of", "2026-07-15")


@pytest.fixture
def two_rounds(minimal_repo: Path) -> Path:
    """The worked round, and a copy of it under another id (the same records, a second ranking)."""
    root = build(minimal_repo)
    shutil.copytree(root / "rounds" / R, root / "rounds" / R2)
    for path in (root / "rounds" / R2).rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(R, R2), encoding="utf-8")
    return root


def stdout(run_cli: Run, root: Path, *args: str) -> str:
    result = run_cli("--root", root, "score", *args, *DAY)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_every_round_ranked_as_score_round_ranks_it(two_rounds: Path, run_cli: Run, output: str) -> None:
    every = stdout(run_cli, two_rounds, "--all", "--format", output)
    one = [stdout(run_cli, two_rounds, r, "--format", output) for r in (R, R2)]
    assert every == "\n".join(one)  # each ends in a newline: the rankings are a blank line apart
    assert every.count("质效评估排名（计算日期 2026-07-15）") == 2


def test_json_lists_every_round_with_its_ranking(two_rounds: Path, run_cli: Run) -> None:
    rounds = json.loads(stdout(run_cli, two_rounds, "--all", "--format", "json"))
    assert [r["round"] for r in rounds] == [R, R2]
    single = json.loads(stdout(run_cli, two_rounds, R, "--format", "json"))
    assert rounds[0]["ranking"] == rounds[1]["ranking"] == single
    assert [row["unit"] for row in single] == ["t-village", "t-bureau", "t-unit"]


def test_a_record_with_errors_is_left_out_and_the_exit_code_says_so(two_rounds: Path, run_cli: Run) -> None:
    (two_rounds / "rounds" / R2 / "t-unit" / "plan.yaml").write_text("items: [\n", encoding="utf-8")
    result = run_cli("--root", two_rounds, "score", "--all", *DAY)
    assert result.exit_code == 1
    assert "校验错误，出错的文件未计入评分；运行 xuncha validate 查看。" in result.output
    assert "2025-t-r1 测试区委第一轮巡察 质效评估排名" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "缺少 ROUND：给出轮次编号，或用 --all 输出所有轮次的排名。"),
        (("--all", R), "--all 输出所有轮次的排名，不能再给出 ROUND、UNIT 或 --supervisors。"),
        (("--all", "--supervisors"), "--all 输出所有轮次的排名"),
    ],
)
def test_usage_errors(two_rounds: Path, run_cli: Run, args: tuple[str, ...], message: str) -> None:
    result = run_cli("--root", two_rounds, "score", *args, *DAY)
    assert result.exit_code == 2
    assert message in result.output
