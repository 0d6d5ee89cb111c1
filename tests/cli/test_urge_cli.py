"""``xuncha urge`` end to end: letters per unit, the supervision record, dry run, idempotence, LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from docx import Document

Run = Callable[..., Result]
SUPERVISION = "rounds/2025-t-r1/t-unit/supervision.yaml"
EXISTING = """\
# 督查督办：派驻纪检监察组登记。
round: 2025-t-r1
unit: t-unit
actions:
  - id: S1
    kind: 抽查
    date: 2025-08-20  # 抽查台账
    by: 派驻第一纪检监察组
    finding: 整改到位
"""


@pytest.fixture
def repo(minimal_repo: Path) -> Path:
    """The minimal repo under the Wujiang profile; on 2025-10-01 four of t-unit's obligations are red."""
    (minimal_repo / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    return minimal_repo


def urge(run_cli: Run, root: Path, out: Path, *args: str) -> Result:
    return run_cli("--root", root, "urge", "--out", out, *args)


def test_dry_run_lists_and_writes_nothing(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "letters"
    result = urge(run_cli, repo, out, "--as-of", "2025-10-01", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "将写入" in result.output and "2025-t-r1-t-unit-S1-督办函.docx" in result.output
    assert "life-meeting-materials" in result.output and "quarterly-progress/2025Q3" in result.output
    assert not out.exists() and not (repo / SUPERVISION).exists()


def test_letter_and_record_then_nothing_new_the_same_day(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "letters"
    first = urge(run_cli, repo, out, "--as-of", "2025-10-01")
    assert first.exit_code == 0, first.output
    letter = out / "2025-t-r1-t-unit-S1-督办函.docx"
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert text.startswith("关于督促测试区测试局抓紧\n落实巡察整改事项的督办函")  # a two-line title
    assert "测试区测试局：" in text and "测试区委第一轮巡察整改中有4项已逾期未完成" in text
    # the democratic life meeting's materials: due 2025-07-16 (feedback 06-16 + 1 month), 77 days overdue
    assert "应于2025年7月16日前完成，截至2025年10月1日仍未完成，已逾期77天。" in text
    assert "反馈1个月内，被巡察党组织将民主生活会材料向相应区委巡察组报备" in text
    assert "苏州市吴江区巡察整改督查督办工作规程" in text and "吴纪发〔2021〕11号" in text
    # reply in 5 working days: 10-01…08 are the National Day holidays, 10-11 (Sat) is a working day
    assert "于2025年10月14日前将整改落实情况（含佐证材料）书面回复" in text
    record = yaml.safe_load((repo / SUPERVISION).read_text(encoding="utf-8"))
    [action] = record["actions"]
    assert action["id"] == "S1" and action["kind"] == "督办函" and str(action["reply_by"]) == "2025-10-14"
    assert action["obligations"] == [
        "life-meeting-materials",
        "principal-report",
        "progress-report",
        "quarterly-progress/2025Q3",
    ]
    assert run_cli("--root", repo, "validate").exit_code == 0
    before = (repo / SUPERVISION).read_bytes()
    again = urge(run_cli, repo, out, "--as-of", "2025-10-01")
    assert again.exit_code == 0, again.output
    assert "跳过 2025-t-r1/t-unit：今天的督办函已涵盖全部事项。" in again.output
    assert (repo / SUPERVISION).read_bytes() == before
    assert [p.name for p in out.iterdir()] == [letter.name]


def test_appends_to_an_existing_file_keeping_it(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    (repo / SUPERVISION).write_text(EXISTING, encoding="utf-8")
    result = urge(run_cli, repo, tmp_path, "--as-of", "2025-09-12", "--light", "yellow")
    assert result.exit_code == 0, result.output
    new = (repo / SUPERVISION).read_text(encoding="utf-8")
    assert new.startswith(EXISTING)  # comments, order and the old record untouched; S2 appended
    action = yaml.safe_load(new)["actions"][1]
    assert action["id"] == "S2" and action["obligations"] == [
        "life-meeting-materials",
        "principal-report",
        "progress-report",
    ]
    text = "\n".join(p.text for p in Document(str(tmp_path / "2025-t-r1-t-unit-S2-督办函.docx")).paragraphs)
    assert "一、已逾期未完成的事项" in text and "二、即将到期的事项" in text
    assert "应于2025年9月16日前完成，距到期还有4天，尚未完成。" in text


def test_yellow_later_the_same_day_adds_only_a_new_letter(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    assert urge(run_cli, repo, tmp_path, "--as-of", "2025-09-12").exit_code == 0
    result = urge(run_cli, repo, tmp_path, "--as-of", "2025-09-12", "--light", "yellow")
    assert result.exit_code == 0, result.output
    ids = [a["id"] for a in yaml.safe_load((repo / SUPERVISION).read_text(encoding="utf-8"))["actions"]]
    assert ids == ["S1", "S2"]  # the red-only letter did not cover the yellow items


def test_usage_errors(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    assert urge(run_cli, repo, tmp_path, "--as-of", "2025-13-01").exit_code == 2
    unknown = urge(run_cli, repo, tmp_path, "--as-of", "2025-10-01", "--round", "2099-x")
    assert unknown.exit_code == 2 and "轮次 2099-x 不存在" in unknown.output


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="需要 LibreOffice 和 poppler"
)
def test_libreoffice_renders_the_letter(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "letters"
    assert urge(run_cli, repo, out, "--as-of", "2025-10-01").exit_code == 0
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            *("soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"),
            *("--outdir", str(tmp_path), str(out / "2025-t-r1-t-unit-S1-督办函.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "2025-t-r1-t-unit-S1-督办函.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")])
    [png] = tmp_path.glob("page*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_the_reply_is_itself_an_obligation(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    assert urge(run_cli, repo, tmp_path, "--as-of", "2025-10-01").exit_code == 0
    late = run_cli("--root", repo, "overdue", "--as-of", "2025-10-20", "--format", "json")
    [reply] = [o for o in json.loads(late.output)["obligations"] if o["rule"] == "urge-reply"]
    # S1's reply_by (2025-10-14) is its due date; six days later it is red
    assert (reply["item"], reply["due"], reply["light"], reply["days"]) == ("S1", "2025-10-14", "red", 6)
    path = repo / SUPERVISION
    path.write_text(path.read_text(encoding="utf-8") + "    replied: 2025-10-13\n", encoding="utf-8")
    done = run_cli("--root", repo, "overdue", "--as-of", "2025-10-20", "--format", "json")
    [reply] = [o for o in json.loads(done.output)["obligations"] if o["rule"] == "urge-reply"]
    assert (reply["done"], reply["light"]) == ("2025-10-13", "green")


def test_a_problem_is_urged_with_its_verbatim_text(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    # P01.1's deadline (2025-12-31) has passed on 2026-01-05: one of its red items
    assert urge(run_cli, repo, tmp_path, "--as-of", "2026-01-05").exit_code == 0
    [letter] = tmp_path.glob("*.docx")
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "问题 P01.1 整改\n问题原文：党组专题研究全面从严治党工作不足。\n应于2025年12月31日前完成" in text
    assert "依据：“一般问题1年左右整改落实到位，少量一时难以解决的问题可适当延长时间”" in text


def test_a_closed_unit_is_not_urged(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    """Once its rectification is accepted as finished, a unit has left the daily tracking: no letter."""
    before = urge(run_cli, repo, tmp_path / "a", "--as-of", "2026-03-01", "--dry-run")
    assert "2025-t-r1-t-unit-S1-督办函.docx" in before.output
    round_file = repo / "rounds/2025-t-r1/round.yaml"
    closure = "    closure:\n      accepted: 2025-12-01\n      accepted_by: 测试区委巡察工作领导小组\n"
    text = round_file.read_text(encoding="utf-8").replace(
        "feedback_date: 2025-06-16\n", "feedback_date: 2025-06-16\n" + closure
    )
    round_file.write_text(text, encoding="utf-8")
    after = urge(run_cli, repo, tmp_path / "b", "--as-of", "2026-03-01", "--dry-run")
    assert after.exit_code == 0 and "没有需要督办的事项" in after.output, after.output
