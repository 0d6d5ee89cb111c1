"""``xuncha export-xlsx``: the demo data as a formatted ledger, and back again without loss.

The round trip compares what a ledger carries (see :mod:`xuncha.office.ledger_export`):
the whole feedback tree except ``announced`` and ``corrections``; every plan entry;
every status record except evidence checksums. Plan-level fields (submissions,
collective study, three lists, leading group) are not in a ledger.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from xuncha.model.findings import Severity
from xuncha.model.index import Folder, Index
from xuncha.model.repo import config
from xuncha.office.ledger_export import select, sheet_names, workbook
from xuncha.office.ledger_import import import_grid
from xuncha.office.xlsxio import COLOURS, read_grids, write
from xuncha.pipeline import validate
from xuncha.rules.deadlines import PROBLEM, obligations
from xuncha.rules.ruledata import load_rules

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"
LIGHT_OF = {
    "已逾期": "red",
    "即将到期": "yellow",
    "未到期": "green",
    "按时完成": "green",
    "逾期完成": "green",
}
Json = dict[str, Any]


def demo_copy(root: Path) -> Path:
    for name in ("schemas", "units", "rounds"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def index(demo: Path) -> Index:
    return validate(demo, use_cache=False).index


@pytest.fixture(scope="module")
def exported(demo: Path) -> Workbook:
    from click.testing import CliRunner

    from xuncha.cli.main import cli

    out = demo / "台账.xlsx"
    result = CliRunner().invoke(
        cli, ["--root", str(demo), "export-xlsx", "--as-of", AS_OF, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return load_workbook(out)


def headers(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[2]]


def test_one_sheet_per_unit_after_the_summary(exported: Workbook, index: Index) -> None:
    selected = select(index, None, None)
    assert len(selected) == 10
    assert exported.sheetnames == ["汇总", *sheet_names(selected)]
    assert "2023-yy-tiji 汨罗市委巡察机构" in exported.sheetnames


def test_sheets_are_dressed_as_ledgers(exported: Workbook, index: Index) -> None:
    for sheet, chosen in zip(exported.worksheets[1:], select(index, None, None), strict=True):
        names = headers(sheet)
        assert sheet.freeze_panes == "B3"
        assert str(sheet["A1"].value).endswith("截至2026年11月23日）")
        assert all(cell.font.bold for cell in sheet[2])
        for hidden in ("方面编号", "问题编号"):
            letter = sheet.cell(2, names.index(hidden) + 1).column_letter
            assert sheet.column_dimensions[letter].hidden
        measures = sheet.cell(2, names.index("整改措施") + 1).column_letter
        assert sheet.column_dimensions[measures].width >= 40
        assert sheet.max_row - 2 == len(chosen.folder.leaves())


def test_aspects_and_problems_are_merged_over_their_rows(exported: Workbook) -> None:
    sheet = exported["2023-yy-tiji 汨罗市委巡察机构"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "B3:B8" in merged  # aspect A1: problems P01–P04, six refined problems
    assert "C6:C8" in merged  # problem P04: P04.1–P04.3
    assert sheet["B3"].value == "市委及巡察工作领导小组履行巡察工作主体责任和组织实施责任方面"


def test_traffic_lights_come_from_the_deadline_engine(exported: Workbook, index: Index, demo: Path) -> None:
    rules = load_rules(demo)
    found = obligations(index, rules.profiles, config(demo).get("profile"), rules.calendar, _day(AS_OF))
    engine = {(o.round, o.unit, o.problem): o.state.label for o in found if o.rule == PROBLEM}
    seen = set()
    for sheet, chosen in zip(exported.worksheets[1:], select(index, None, None), strict=True):
        names = headers(sheet)
        light, leaf = names.index("预警") + 1, names.index("问题编号") + 1
        for row in range(3, sheet.max_row + 1):
            key = (chosen.folder.round, chosen.folder.unit, sheet.cell(row, leaf).value)
            label = sheet.cell(row, light).value
            assert label == engine.get(key, "无时限")
            colour = COLOURS[LIGHT_OF.get(str(label), "grey")]
            for column in ("预警", "整改状态", "整改时限"):
                assert sheet.cell(row, names.index(column) + 1).fill.fgColor.rgb.endswith(colour)
            seen.add(label)
    assert {"已逾期", "即将到期", "按时完成", "无时限"} <= seen


def test_summary_rates_count_only_completed(exported: Workbook) -> None:
    rows = {row[1]: row for row in exported["汇总"].iter_rows(min_row=3, values_only=True)}
    assert rows["汨罗市委巡察机构"][2:7] == (23, 23, 0, 0, 1)
    assert rows["湖西镇"][2:7] == (16, 13, 1, 2, 13 / 16)  # 基本完成 is not completed
    total = rows["10个单位"]
    assert total[0] == "合计"
    assert total[2] == sum(r[2] for name, r in rows.items() if name != "10个单位")
    assert total[7] == 5 and total[8] == 2  # overdue and due-soon problems on the day
    assert exported["汇总"]["G3"].number_format == "0.0%"


def carried(folder: Folder) -> Json:
    """What a ledger carries of a unit folder's records."""
    feedback = (
        {k: v for k, v in folder.feedback.data.items() if k not in ("announced", "corrections")}
        if folder.feedback
        else {}
    )
    plan = {e["problem"]: e for _, _, e in folder.items("plan", "entries")}
    statuses = {leaf: _without_checksums(record.data) for leaf, record in folder.statuses.items()}
    return {"feedback": feedback, "plan": plan, "statuses": statuses}


def _without_checksums(status: Json) -> Json:
    log = [
        {**e, "evidence": [{k: v for k, v in item.items() if k != "sha256"} for item in e["evidence"]]}
        if "evidence" in e
        else e
        for e in status["log"]
    ]
    return {**status, "log": log}


def test_round_trip_is_lossless_on_the_demo_data(index: Index, tmp_path: Path) -> None:
    selected = select(index, None, None)
    book = tmp_path / "台账.xlsx"
    write(workbook(selected, [], _day(AS_OF)), book)
    grids = {grid.name: grid for grid in read_grids(book)}
    for chosen, name in zip(selected, sheet_names(selected), strict=True):
        folder = chosen.folder
        back = import_grid(grids[name], folder.round, folder.unit, AS_OF, book.name)
        assert not back.findings, name
        again = {
            "feedback": back.feedback,
            "plan": {e["problem"]: e for e in (back.plan or {}).get("entries", [])},
            "statuses": back.statuses,
        }
        assert again == carried(folder), name


def test_export_then_import_through_the_commands(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = demo_copy(tmp_path / "repo")
    folder = root / "rounds" / "2023-yy-tiji" / "miluo-xcjg"
    before = carried(validate(root, use_cache=False).index.folders[("2023-yy-tiji", "miluo-xcjg")])
    book = tmp_path / "汨罗.xlsx"
    result = run_cli(
        "--root", root, "export-xlsx", "--round", "2023-yy-tiji", "--as-of", "2024-06-07", "--out", book
    )
    assert result.exit_code == 0, result.output
    for name in ("feedback.yaml", "plan.yaml"):
        (folder / name).unlink()
    shutil.rmtree(folder / "status")
    result = run_cli("--root", root, "import-xlsx", book, "--round", "2023-yy-tiji", "--unit", "miluo-xcjg")
    assert result.exit_code == 0, result.output
    report = validate(root, use_cache=False)
    assert not [f for f in report.findings if f.severity is Severity.ERROR]
    assert carried(report.index.folders[("2023-yy-tiji", "miluo-xcjg")]) == before


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
