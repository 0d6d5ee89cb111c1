"""Schema findings (XC101–XC111): each rule broken alone, with its line, column and Chinese message.

Most cases break ``units/t-town.yaml``, a unit nothing refers to, so a file that
fails its schema (and therefore stays out of the cross-file index) cannot set off
any other rule.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from xuncha.model.findings import Finding
from xuncha.pipeline import validate

TOWN = "units/t-town.yaml"
STATUS = "rounds/2025-t-r1/t-unit/status/P02.yaml"


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace one unique piece of a fixture file."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def only_finding(root: Path) -> Finding:
    findings = validate(root, use_cache=False).findings
    assert len(findings) == 1, findings
    return findings[0]


def town(root: Path, extra: str = "", **fields: str) -> None:
    """Write t-town with ``fields`` replacing the valid defaults (``""`` drops a field)."""
    values = {"id": "t-town", "name": "测试镇", "type": "区镇", "jurisdiction": "测试区", **fields}
    lines = [f"{key}: {value}" for key, value in values.items() if value != ""]
    (root / TOWN).write_text("\n".join(lines) + "\n" + textwrap.dedent(extra), encoding="utf-8")


def test_minimal_repo_is_clean(minimal_repo: Path) -> None:
    assert validate(minimal_repo, use_cache=False).findings == []


def test_xc101_missing_required_field(minimal_repo: Path) -> None:
    town(minimal_repo, jurisdiction="")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line) == (TOWN, "XC101", 1)
    assert "缺少必填字段“jurisdiction”" in found.message
    assert "jurisdiction:" in found.hint


def test_xc101_missing_field_in_a_list_item_points_at_the_item(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "  - date: 2025-09-20\n    state: 已完成\n", "  - date: 2025-09-20\n")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (STATUS, "XC101", 8, 5)
    assert "“log[2]”缺少必填字段“state”" in found.message


def test_xc102_number_where_text_is_expected_suggests_quotes(minimal_repo: Path) -> None:
    town(minimal_repo, extra="contact:\n  phone: 52080050\n")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (TOWN, "XC102", 6, 10)
    assert "应为文本" in found.message and "52080050" in found.message
    assert '"52080050"' in found.hint


def test_xc102_text_where_a_list_is_expected(minimal_repo: Path) -> None:
    town(minimal_repo, extra="supervisors: 第一监督检查室\n")
    found = only_finding(minimal_repo)
    assert (found.code, found.line, found.column) == ("XC102", 5, 14)
    assert "列表" in found.message


def test_xc102_empty_value(minimal_repo: Path) -> None:
    town(minimal_repo, name="~")
    found = only_finding(minimal_repo)
    assert (found.code, found.line) == ("XC102", 2)
    assert "空值" in found.message


def test_xc103_value_not_in_the_list(minimal_repo: Path) -> None:
    town(minimal_repo, type="县")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (TOWN, "XC103", 3, 7)
    assert "“县”不在可选范围内" in found.message
    assert "区镇" in found.hint and "街道" in found.hint


def test_xc104_bad_unit_id(minimal_repo: Path) -> None:
    town(minimal_repo, id="T_Town")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (TOWN, "XC104", 1, 5)
    assert "“T_Town”格式不对" in found.message
    assert found.hint


def test_xc104_bad_problem_id(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "problem: P02", "problem: 问题2")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line) == (STATUS, "XC104", 3)


def test_xc105_unknown_key_points_at_the_key(minimal_repo: Path) -> None:
    town(minimal_repo, extra="nmae: 测试\n")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line) == (TOWN, "XC105", 5)
    assert "未定义的字段：nmae" in found.message
    assert "拼写" in found.hint


def test_xc105_unknown_key_in_a_nested_mapping(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "    note: 专项整治完成。\n", "    notes: 专项整治完成。\n")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line) == (STATUS, "XC105", 10)
    assert "“log[2]”" in found.message and "notes" in found.message


def test_xc106_empty_text(minimal_repo: Path) -> None:
    town(minimal_repo, name='""')
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (TOWN, "XC106", 2, 7)
    assert "不能为空" in found.message


def test_xc106_empty_list(minimal_repo: Path) -> None:
    edit(minimal_repo, "rounds/2025-t-r1/t-unit/plan.yaml", "measures: [开展专项整治]", "measures: []")
    found = only_finding(minimal_repo)
    assert (found.code, found.line) == ("XC106", 21)
    assert "“entries[3].measures”不能为空" in found.message


# --- dates ----------------------------------------------------------------------------------


def test_xc111_date_that_does_not_exist(minimal_repo: Path) -> None:
    edit(minimal_repo, STATUS, "date: 2025-09-20", "date: 2025-02-30")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (STATUS, "XC111", 8, 11)
    assert "2025-02-30 不存在" in found.message


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-04-31", "2023-02-29", "0000-00-00"])
def test_xc111_other_impossible_dates(minimal_repo: Path, bad: str) -> None:
    edit(minimal_repo, STATUS, "date: 2025-07-01", f"date: {bad}")
    found = only_finding(minimal_repo)
    assert (found.code, found.line) == ("XC111", 5)


def test_leap_day_is_a_real_date(minimal_repo: Path) -> None:
    edit(minimal_repo, "rounds/2025-t-r1/t-unit/plan.yaml", "deadline: 2026-03-31", "deadline: 2028-02-29")
    assert validate(minimal_repo, use_cache=False).findings == []


@pytest.mark.parametrize("bad", ["2024-6-7", "2024/06/07", "2024.06.07", "2024年6月7日"])
def test_xc110_date_in_the_wrong_format(minimal_repo: Path, bad: str) -> None:
    edit(minimal_repo, STATUS, "date: 2025-07-01", f"date: {bad}")
    found = only_finding(minimal_repo)
    assert (found.file, found.code, found.line, found.column) == (STATUS, "XC110", 5, 11)
    assert f"“{bad}”格式不对" in found.message
    assert "YYYY-MM-DD" in found.hint
