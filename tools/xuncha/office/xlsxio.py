"""Excel workbooks in and out through openpyxl: the only module that touches .xlsx files.

Reading gives :class:`~xuncha.office.ledger_import.Grid` (values and merged ranges) and
nothing else; writing dresses :class:`~xuncha.office.ledger_export.Table` models the
way clerks expect a ledger to look: a caption, a frozen bold header, widths,
wrapped text, merged aspect and problem cells, traffic-light fills, A4 landscape.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from xuncha.office.ledger_export import Table
from xuncha.office.ledger_import import Grid

COLOURS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "EDEDED", "blue": "DDEBF7"}
HEADER_FILL = "D9E1F2"
FIRST_DATA_ROW = 3  # row 1 caption, row 2 header
LINE_HEIGHT = 15.0  # points per line of wrapped 11pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class WorkbookError(Exception):
    """A workbook that cannot be opened or lacks the sheet asked for; the message is Chinese."""


def _open(path: Path) -> Workbook:
    try:
        return load_workbook(path, data_only=True)  # formulas: the values Excel last computed
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        hint = "；旧版 .xls 请在 Excel/WPS 中“另存为” .xlsx" if path.suffix.lower() == ".xls" else ""
        raise WorkbookError(f"无法打开 {path.name}：不是有效的 .xlsx 工作簿（{error}）{hint}") from None


def read_grids(path: Path) -> list[Grid]:
    """Every worksheet of the workbook, as values and merged ranges."""
    return [_grid(sheet) for sheet in _open(path).worksheets]


def _grid(sheet: Worksheet) -> Grid:
    rows = tuple(tuple(row) for row in sheet.iter_rows(values_only=True))
    merged = tuple((r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges)
    return Grid(sheet.title, rows, merged)


def write(tables: Sequence[Table], path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        _sheet(book.create_sheet(table.name), table)
    book.save(path)


def _sheet(sheet: Worksheet, table: Table) -> None:
    visible = [i for i in range(len(table.headers)) if i not in table.hidden]
    _caption(sheet, table.caption, len(visible))
    for c, (header, width) in enumerate(zip(table.headers, table.widths, strict=True), 1):
        cell = sheet.cell(2, c, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(c)].width = width
        sheet.column_dimensions[get_column_letter(c)].hidden = c - 1 in table.hidden
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            _data_cell(sheet, table, r, c, value)
        sheet.row_dimensions[r + FIRST_DATA_ROW].height = _height(table, row)
    for column, first, last in table.merges:
        sheet.merge_cells(
            start_row=first + FIRST_DATA_ROW,
            start_column=column + 1,
            end_row=last + FIRST_DATA_ROW,
            end_column=column + 1,
        )
        sheet.cell(first + FIRST_DATA_ROW, column + 1).alignment = Alignment(
            vertical="center", wrap_text=True
        )
    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _caption(sheet: Worksheet, caption: str, columns: int) -> None:
    cell = sheet.cell(1, 1, caption)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
    sheet.row_dimensions[1].height = 30


def _data_cell(sheet: Worksheet, table: Table, r: int, c: int, value: object) -> None:
    cell = sheet.cell(r + FIRST_DATA_ROW, c + 1, value)  # type: ignore[call-overload]  # plain values
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    cell.border = _BORDER
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if c in table.percent and isinstance(value, float):
        cell.number_format = "0.0%"
    colour = table.fills.get((r, c))
    if colour is not None:
        cell.fill = PatternFill("solid", fgColor=COLOURS[colour])


def _height(table: Table, row: Sequence[object]) -> float:
    """Excel does not grow wrapped rows itself: estimate the lines (a CJK character is two width units)."""
    merged = {column for column, *_ in table.merges}
    lines = 1
    for c, value in enumerate(row):
        if c in table.hidden or c in merged or not isinstance(value, str):
            continue
        width = max(table.widths[c] - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(_units(part) / width)) for part in value.split("\n")))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 3)


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
