"""``xuncha import-xlsx``: an untidy ledger built here with openpyxl becomes valid records, or nothing.

The workbook has what real ledgers have: a title row above the header, headers
named differently from ours (存在问题, 问题表现, 责任领导, 责任部门), no 责任人
column, an aspect and a problem merged over their rows, a blank line, an aspect
written once and left blank below, dates typed four ways plus a date cell and
an Excel serial number, progress both as free text and as dated lines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook

from xuncha.model.findings import Severity
from xuncha.office.ledger import CellError, format_log, parse_date, parse_log
from xuncha.office.ledger_import import Grid, import_grid
from xuncha.office.xlsxio import read_grids
from xuncha.pipeline import validate

ROUND, UNIT, AS_OF = "2025-t-r1", "t-town", "2025-10-15"
FOLDER = f"rounds/{ROUND}/{UNIT}"
HEADER = (
    "序号",
    "方面",
    "存在问题",
    "问题表现",
    "整改措施",
    "责任领导",
    "责任部门",
    "整改时限",
    "整改进展",
    "整改状态",
    "备注",
)
GOOD_ROWS: list[tuple[object, ...]] = [
    (
        1,
        "一、落实全面从严治党主体责任方面",
        "主体责任落实不到位。",
        "党委专题研究全面从严治党工作不足。",
        "1. 每季度专题研究一次\n2. 建立督办台账",
        "党委书记",
        "党政办",
        "2025/12/31",
        "已制定年度计划",
        "整改中",
        None,
    ),
    (
        2,
        None,  # merged with the row above
        None,  # merged with the row above
        "对村（社区）监督检查偏少。",
        "制定年度监督检查计划",
        "纪委书记",
        "纪委",
        "2026年3月31日",
        "2025-7-1 整改中（填报：纪委）：已启动检查\n2025.9.1 已完成：检查全覆盖",
        "已完成",
        None,
    ),
    (None,) * 11,  # a blank line between the aspects
    (
        3,
        "二、作风建设方面",
        "违反中央八项规定精神问题时有发生。",
        None,
        "开展专项整治",
        "党委书记",
        "纪委",
        45930,  # an Excel serial date: 2025-09-30
        "2025-07-01 整改中：启动专项整治。\n2025-09-20 已完成：专项整治完成。",
        "已完成",
        "已约谈相关人员",
    ),
    (
        4,
        None,
        "财务报销把关不严。",
        None,
        "完善报销制度",
        "党委副书记",
        "财政所",
        datetime(2025, 11, 30),
        None,
        None,
        None,
    ),
]
BAD_ROWS: list[tuple[object, ...]] = [
    (5, None, "公务接待审批不严。", None, "规范公务接待审批", None, None, "2025-02-30", None, None, None),
    (6, None, None, None, "加强学习", None, None, "2025.12.31", None, "未启动", None),
]


def ledger(path: Path, rows: list[tuple[object, ...]]) -> Path:
    """A ledger as a clerk keeps it: title row, header, rows; the first aspect and problem merged."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "整改台账"
    sheet.append(("测试镇巡察整改台账",))
    sheet.merge_cells("A1:K1")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:C4")
    book.save(path)
    return path


@pytest.fixture
def repo(minimal_repo: Path) -> Path:
    """The minimal repository with a second unit listed in its round and no records for it yet."""
    round_file = minimal_repo / "rounds" / ROUND / "round.yaml"
    round_file.write_text(
        round_file.read_text(encoding="utf-8")
        + f"  - unit: {UNIT}\n    group: 第二巡察组\n    feedback_date: 2025-06-16\n",
        encoding="utf-8",
    )
    return minimal_repo


def run_import(run_cli: Callable[..., Result], repo: Path, book: Path, *extra: str) -> Result:
    return run_cli(
        "--root", repo, "import-xlsx", book, "--round", ROUND, "--unit", UNIT, "--as-of", AS_OF, *extra
    )


def test_untidy_ledger_maps_to_these_records(tmp_path: Path) -> None:
    (grid,) = read_grids(ledger(tmp_path / "台账.xlsx", GOOD_ROWS))
    imported = import_grid(grid, ROUND, UNIT, AS_OF, "台账.xlsx")
    assert not imported.findings
    assert imported.feedback == {
        "round": ROUND,
        "unit": UNIT,
        "aspects": [
            {
                "id": "A1",
                "title": "落实全面从严治党主体责任方面",
                "problems": [
                    {
                        "id": "P01",
                        "title": "主体责任落实不到位。",
                        "refined": [
                            {"id": "P01.1", "text": "党委专题研究全面从严治党工作不足。"},
                            {"id": "P01.2", "text": "对村（社区）监督检查偏少。"},
                        ],
                    }
                ],
            },
            {
                "id": "A2",
                "title": "作风建设方面",
                "problems": [
                    {"id": "P02", "text": "违反中央八项规定精神问题时有发生。"},
                    {"id": "P03", "text": "财务报销把关不严。"},
                ],
            },
        ],
    }
    assert imported.plan is not None
    assert imported.plan["entries"] == [
        {
            "problem": "P01.1",
            "measures": ["每季度专题研究一次", "建立督办台账"],
            "lead_leader": "党委书记",
            "lead_department": "党政办",
            "deadline": "2025-12-31",
        },
        {
            "problem": "P01.2",
            "measures": ["制定年度监督检查计划"],
            "lead_leader": "纪委书记",
            "lead_department": "纪委",
            "deadline": "2026-03-31",
        },
        {
            "problem": "P02",
            "measures": ["开展专项整治"],
            "lead_leader": "党委书记",
            "lead_department": "纪委",
            "deadline": "2025-09-30",
        },
        {
            "problem": "P03",
            "measures": ["完善报销制度"],
            "lead_leader": "党委副书记",
            "lead_department": "财政所",
            "deadline": "2025-11-30",
        },
    ]
    assert {leaf: status["log"] for leaf, status in imported.statuses.items()} == {
        "P01.1": [{"date": AS_OF, "state": "整改中", "note": "已制定年度计划"}],
        "P01.2": [
            {"date": "2025-07-01", "state": "整改中", "note": "已启动检查", "by": "纪委"},
            {"date": "2025-09-01", "state": "已完成", "note": "检查全覆盖"},
        ],
        "P02": [
            {"date": "2025-07-01", "state": "整改中", "note": "启动专项整治。"},
            {"date": "2025-09-20", "state": "已完成", "note": "专项整治完成。"},
        ],
    }
    assert imported.statuses["P02"]["internal_note"] == "已约谈相关人员"


def test_every_bad_row_is_reported_with_sheet_row_and_reason(tmp_path: Path) -> None:
    (grid,) = read_grids(ledger(tmp_path / "台账.xlsx", GOOD_ROWS + BAD_ROWS))
    imported = import_grid(grid, ROUND, UNIT, AS_OF, "台账.xlsx")
    assert imported.failed
    assert [(f.file, f.line, f.code, f.message) for f in imported.findings] == [
        ("台账.xlsx[整改台账]", 8, "XC802", "“整改时限”栏日期“2025-02-30”不存在（检查月份和日期）"),
        ("台账.xlsx[整改台账]", 9, "XC803", "“问题”栏为空：本行有内容但没有问题"),
    ]
    assert all(f.severity is Severity.ERROR for f in imported.findings)


def test_import_writes_valid_records(run_cli: Callable[..., Result], repo: Path, tmp_path: Path) -> None:
    result = run_import(run_cli, repo, ledger(tmp_path / "台账.xlsx", GOOD_ROWS))
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(repo / FOLDER).as_posix() for p in (repo / FOLDER).rglob("*.yaml"))
    assert written == [
        "feedback.yaml",
        "plan.yaml",
        "status/P01.1.yaml",
        "status/P01.2.yaml",
        "status/P02.yaml",
    ]
    assert "导入" in (repo / FOLDER / "feedback.yaml").read_text(encoding="utf-8").splitlines()[0]
    report = validate(repo, use_cache=False)
    assert not [f for f in report.findings if f.severity is Severity.ERROR]


def test_nothing_is_written_when_a_row_is_bad(
    run_cli: Callable[..., Result], repo: Path, tmp_path: Path
) -> None:
    result = run_import(run_cli, repo, ledger(tmp_path / "台账.xlsx", GOOD_ROWS + BAD_ROWS))
    assert result.exit_code == 1
    assert "工作表“整改台账”第 8 行" in result.output and "第 9 行" in result.output
    assert "未写入任何文件" in result.output
    assert not (repo / FOLDER).exists()


def test_nothing_is_written_when_the_result_would_not_validate(
    run_cli: Callable[..., Result], repo: Path, tmp_path: Path
) -> None:
    early = [
        (*row[:8], "2025-05-01 整改中：反馈之前", "整改中", *row[10:]) if row[0] == 3 else row
        for row in GOOD_ROWS
    ]
    result = run_import(run_cli, repo, ledger(tmp_path / "台账.xlsx", early))
    assert result.exit_code == 1
    assert f"{FOLDER}/status/P02.yaml" in result.output  # the finding names the would-be file
    assert not (repo / FOLDER).exists()


def test_dry_run_shows_the_files_and_writes_nothing(
    run_cli: Callable[..., Result], repo: Path, tmp_path: Path
) -> None:
    result = run_import(run_cli, repo, ledger(tmp_path / "台账.xlsx", GOOD_ROWS), "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"--- {FOLDER}/feedback.yaml" in result.output
    assert "title: 主体责任落实不到位。" in result.output
    assert not (repo / FOLDER).exists()


def test_existing_records_are_never_overwritten(
    run_cli: Callable[..., Result], repo: Path, tmp_path: Path
) -> None:
    book = ledger(tmp_path / "台账.xlsx", GOOD_ROWS)
    assert run_import(run_cli, repo, book).exit_code == 0
    status = repo / FOLDER / "status" / "P02.yaml"
    status.write_text(status.read_text(encoding="utf-8") + "# 已人工核对\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (repo / FOLDER).rglob("*.yaml")}
    result = run_import(run_cli, repo, book)
    assert result.exit_code == 1
    assert "已经存在" in result.output and f"{FOLDER}/status/P02.yaml" in result.output
    assert {p: p.read_bytes() for p in (repo / FOLDER).rglob("*.yaml")} == before


def test_unit_must_be_listed_in_the_round(
    run_cli: Callable[..., Result], minimal_repo: Path, tmp_path: Path
) -> None:
    result = run_import(run_cli, minimal_repo, ledger(tmp_path / "台账.xlsx", GOOD_ROWS))
    assert result.exit_code == 2
    assert "没有列出单位 t-town" in result.output


def test_aspect_heading_rows_and_a_ledger_without_aspects() -> None:
    headed = Grid(
        "Sheet1",
        (
            ("序号", "存在的问题", "整改措施", "完成情况"),
            ("一、党的领导方面",) * 4,  # merged across the row
            (1, "问题甲", "措施甲", "正在整改"),
            ("（二）作风方面", None, None, None),  # alone in the 序号 column
            (2, "问题乙", "措施乙", None),
            (None, None, None, "已完成"),  # a state without a problem
        ),
    )
    imported = import_grid(headed, ROUND, UNIT, AS_OF, "x.xlsx")
    assert imported.feedback is not None
    assert [(a["title"], [p["text"] for p in a["problems"]]) for a in imported.feedback["aspects"]] == [
        ("党的领导方面", ["问题甲"]),
        ("作风方面", ["问题乙"]),
    ]
    assert [(f.line, f.code) for f in imported.findings] == [(6, "XC803")]
    plain = import_grid(Grid("S", (("问题", "整改措施"), ("问题甲", "措施甲"))), ROUND, UNIT, AS_OF, "x.xlsx")
    assert plain.feedback is not None and plain.feedback["aspects"][0]["title"] == "巡察反馈问题"
    assert [(f.code, f.severity) for f in plain.findings] == [("XC810", Severity.WARNING)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-6-7", "2024-06-07"),
        ("2024/06/07", "2024-06-07"),
        ("2024.6.7", "2024-06-07"),
        ("2024年6月7日", "2024-06-07"),
        ("2024年6月底", "2024-06-30"),
        ("2024年2月底", "2024-02-29"),
        ("2024年底", "2024-12-31"),
        (45450, "2024-06-07"),
        ("45450", "2024-06-07"),
        (datetime(2024, 6, 7, 0, 0), "2024-06-07"),
    ],
)
def test_dates_as_clerks_type_them(typed: object, expected: str) -> None:
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["2024-13-01", "6月7日", 12, 45450.5, "尽快"])
def test_what_is_not_a_date(typed: object) -> None:
    with pytest.raises(CellError):
        parse_date(typed)


def test_progress_lines_carry_the_whole_log() -> None:
    log = [
        {
            "date": "2025-07-01",
            "state": "整改中",
            "note": "启动。\n第二行说明",
            "by": "投资科（区重大项目办）",
        },
        {
            "date": "2025-09-20",
            "state": "已销号",
            "note": "验收通过",
            "evidence": [{"title": "验收意见", "file": "evidence/P01/验收.pdf"}, {"title": "台账"}],
        },
        {"date": "2025-10-01", "state": "整改中", "reopen": "问题反弹"},
    ]
    assert parse_log(format_log(log)) == log
