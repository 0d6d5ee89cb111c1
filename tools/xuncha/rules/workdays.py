"""The official PRC working-day calendar and deadline arithmetic (pure).

A working day is a Monday–Friday that is not a public holiday, or an adjusted
working weekend (调休上班). Holiday data come from the ``chinesecalendar``
package for the years it knows, and from override files in the repository
(``tools/xuncha/rules/data/calendar/<year>.yaml``) for a year it does not know yet:
the State Council publishes each year's schedule in the autumn before, usually
before the library is updated. An override replaces the library for its year.

A date in a year covered by neither is an error (``CalendarGap``), never a guess.
Deadlines counted in calendar days, months, quarters or years need no holiday
data and work for any year.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Unit(StrEnum):
    """How an offset is counted; the values are what profile files say."""

    DAYS = "日"
    WORKDAYS = "工作日"
    MONTHS = "月"
    QUARTERS = "季度"
    YEARS = "年"


@dataclass(frozen=True)
class Offset:
    """ "Within ``count`` ``unit`` of an event", e.g. 10 工作日 or 1 月."""

    count: int
    unit: Unit

    def __str__(self) -> str:
        counter = "" if self.unit in (Unit.DAYS, Unit.YEARS) else "个"
        return f"{self.count} {counter}{self.unit.value}"


@dataclass(frozen=True)
class YearData:
    """One year's holidays and adjusted working days, and where they come from."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # adjusted working days (调休上班), usually weekends
    source: str  # e.g. "chinesecalendar 1.11.0" or "tools/xuncha/rules/data/calendar/2027.yaml"


class CalendarGap(Exception):
    """A working-day count reached a year without holiday data."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的法定节假日和调休安排尚未收录，无法按工作日计算时限")
        self.year = year

    @property
    def hint(self) -> str:
        return (
            f"国务院办公厅公布 {self.year} 年部分节假日安排后，照 tools/xuncha/rules/data/calendar/README.md "
            f"新建 tools/xuncha/rules/data/calendar/{self.year}.yaml（或升级 chinesecalendar）；"
            "`xuncha calendar` 列出已收录的年份。"
        )


@dataclass(frozen=True)
class WorkCalendar:
    """The merged calendar: which years are known (and by what), and the special days."""

    sources: Mapping[int, str]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def covers(self, year: int) -> bool:
        return year in self.sources

    def is_workday(self, day: date) -> bool:
        """Official working day? Raises ``CalendarGap`` for a year without data."""
        if day.year not in self.sources:
            raise CalendarGap(day.year)
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start``: the deadline of "within N working days of X".

        Counting starts on the day after X (X itself never counts, whatever day it is),
        so a plan due "within 10 working days of feedback on 2025-09-26 (Friday)" is
        due 2025-10-16: the adjusted working days 09-28 (Sunday) and 10-11 (Saturday)
        count, the National Day break 10-01..10-08 does not. ``count`` 0 is X itself.
        """
        day = start
        left = count
        while left > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day


def merge(years: Iterable[YearData]) -> WorkCalendar:
    """Later entries replace earlier ones for the same year (overrides after the library)."""
    by_year: dict[int, YearData] = {}
    for data in years:
        by_year[data.year] = data
    return WorkCalendar(
        sources={year: by_year[year].source for year in sorted(by_year)},
        holidays=frozenset(d for data in by_year.values() for d in data.holidays),
        workdays=frozenset(d for data in by_year.values() for d in data.workdays),
    )


def library_years() -> list[YearData]:
    """What the installed ``chinesecalendar`` knows, one ``YearData`` per year."""
    import chinese_calendar

    source = f"chinesecalendar {chinese_calendar.__version__}"
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return [
        YearData(year, frozenset(holidays[year]), frozenset(workdays.get(year, ())), source)
        for year in range(min(holidays), max(holidays) + 1)
    ]


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end: 01-31 + 1 month is 02-28 (leap: 02-29)."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    month += 1
    if start.day <= 28:
        return date(year, month, start.day)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def shift(cal: WorkCalendar, start: date, offset: Offset) -> date:
    """The due date ``offset`` after ``start``; only working days need holiday data."""
    if offset.unit is Unit.DAYS:
        return start + timedelta(days=offset.count)
    if offset.unit is Unit.WORKDAYS:
        return cal.add_workdays(start, offset.count)
    months = {Unit.MONTHS: 1, Unit.QUARTERS: 3, Unit.YEARS: 12}[offset.unit]
    return add_months(start, offset.count * months)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1–4)."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    """How records name a quarter: ``2025Q3``."""
    return f"{year}Q{quarter}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    first = date(year, quarter * 3 - 2, 1)
    return first, add_months(first, 3) - timedelta(days=1)


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def coverage(cal: WorkCalendar) -> list[tuple[int, int, str]]:
    """Covered years as runs of one source, e.g. ``[(2004, 2026, "chinesecalendar 1.11.0")]``."""
    runs: list[tuple[int, int, str]] = []
    for year, source in sorted(cal.sources.items()):
        if runs and runs[-1][1] == year - 1 and runs[-1][2] == source:
            runs[-1] = (runs[-1][0], year, source)
        else:
            runs.append((year, year, source))
    return runs
