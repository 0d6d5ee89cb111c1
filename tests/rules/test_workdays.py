"""The working-day calendar: real PRC holiday edges, month clamps, leap years, gaps and overrides."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from xuncha.load.parse import load_bytes
from xuncha.rules.ruledata import RULES_DIR, load_rules, year_data
from xuncha.rules.workdays import (
    CalendarGap,
    Offset,
    Unit,
    WorkCalendar,
    add_months,
    coverage,
    library_years,
    merge,
    shift,
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return merge(library_years())


def test_national_day_2025_counts_adjusted_sunday_and_saturday(cal: WorkCalendar) -> None:
    # 2025-10-01..08 off; Sunday 09-28 and Saturday 10-11 are adjusted working days
    assert all(not cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 9, 28)) and date(2025, 9, 28).weekday() == 6
    assert cal.is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert not cal.is_workday(date(2025, 10, 12))  # an ordinary Sunday
    # Friday 09-26 + 10: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16
    assert cal.add_workdays(date(2025, 9, 26), 10) == date(2025, 10, 16)
    # Tuesday 09-30 + 10: 10-09 … 10-21, the adjusted Saturday 10-11 included
    assert cal.add_workdays(date(2025, 9, 30), 10) == date(2025, 10, 21)


def test_counting_starts_the_day_after(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2025, 9, 29), 1) == date(2025, 9, 30)  # Monday + 1 is Tuesday
    assert cal.add_workdays(date(2025, 9, 27), 1) == date(2025, 9, 28)  # Saturday + 1: the adjusted Sunday
    assert cal.add_workdays(date(2025, 10, 3), 1) == date(2025, 10, 9)  # from inside the holiday
    assert cal.add_workdays(date(2025, 9, 29), 0) == date(2025, 9, 29)


def test_spring_festival_2025_and_2026(cal: WorkCalendar) -> None:
    # 2025: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 on
    assert cal.add_workdays(date(2025, 1, 24), 3) == date(2025, 2, 5)
    assert cal.add_workdays(date(2025, 2, 7), 1) == date(2025, 2, 8)
    # 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 on
    assert cal.add_workdays(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert cal.add_workdays(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert not cal.is_workday(date(2026, 2, 23))  # a Monday inside the break


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
    ],
)
def test_month_arithmetic_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_offsets_in_every_unit(cal: WorkCalendar) -> None:
    start = date(2025, 11, 30)
    assert shift(cal, start, Offset(10, Unit.DAYS)) == date(2025, 12, 10)
    assert shift(cal, start, Offset(1, Unit.QUARTERS)) == date(2026, 2, 28)
    assert shift(cal, date(2024, 2, 29), Offset(1, Unit.YEARS)) == date(2025, 2, 28)
    assert shift(cal, date(2025, 9, 26), Offset(10, Unit.WORKDAYS)) == date(2025, 10, 16)


def test_a_year_without_data_is_an_error_naming_it(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarGap) as caught:
        cal.is_workday(date(2027, 1, 4))
    assert caught.value.year == 2027
    assert "2027" in str(caught.value)
    assert "rules/data/calendar/2027.yaml" in caught.value.hint
    with pytest.raises(CalendarGap):
        cal.add_workdays(date(2026, 12, 28), 5)  # runs into 2027


def test_calendar_days_and_months_need_no_holiday_data(cal: WorkCalendar) -> None:
    assert shift(cal, date(2026, 12, 31), Offset(1, Unit.MONTHS)) == date(2027, 1, 31)
    assert shift(cal, date(2026, 12, 28), Offset(10, Unit.DAYS)) == date(2027, 1, 7)
    assert shift(cal, date(2026, 11, 23), Offset(1, Unit.YEARS)) == date(2027, 11, 23)


# Invented test data (not the real 2027 schedule): a three-day break and one adjusted Saturday.
OVERRIDE = """\
year: 2027
source: 测试用数据（虚构）
holidays:
  - name: 测试假期
    from: 2027-03-03
    to: 2027-03-05
adjusted_workdays:
  - date: 2027-03-06
"""


def test_override_year_is_loaded_from_a_file(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = tmp_path / "rules"
    (rules_dir / "calendar").mkdir(parents=True)
    (rules_dir / "calendar" / "2027.yaml").write_text(OVERRIDE, encoding="utf-8")
    rules = load_rules(minimal_repo, rules_dir)
    assert rules.findings == ()
    cal = rules.calendar
    assert cal.sources[2027].endswith("calendar/2027.yaml")
    assert cal.sources[2026].startswith("chinesecalendar")
    # Tuesday 03-02 + 3: 03-03..05 off, Saturday 03-06 on, then Monday 03-08, Tuesday 03-09
    assert cal.add_workdays(date(2027, 3, 2), 3) == date(2027, 3, 9)
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)  # no holiday listed: a Friday
    assert coverage(cal)[-2:] == [(2004, 2026, cal.sources[2026]), (2027, 2027, cal.sources[2027])]


def test_override_replaces_the_library_for_its_year(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = tmp_path / "rules"
    (rules_dir / "calendar").mkdir(parents=True)
    text = OVERRIDE.replace("2027", "2025").replace("2025-03-06", "2025-03-08")  # 03-08 is a Saturday
    (rules_dir / "calendar" / "2025.yaml").write_text(text, encoding="utf-8")
    rules = load_rules(minimal_repo, rules_dir)
    assert rules.findings == ()
    cal = rules.calendar
    assert not cal.is_workday(date(2025, 3, 4)) and cal.is_workday(date(2025, 3, 8))
    assert cal.is_workday(date(2025, 10, 2))  # the library's National Day no longer applies to 2025
    assert not cal.is_workday(date(2024, 10, 2))  # other years keep the library's data


BROKEN = """\
year: 2028
source: 测试用数据（虚构）
holidays:
  - name: 倒置
    from: 2027-03-05
    to: 2027-03-03
adjusted_workdays:
  - date: 2027-03-04
  - date: 2027-03-10
  - date: 2025-12-27
"""


def test_broken_override_gives_located_findings(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = tmp_path / "rules"
    (rules_dir / "calendar").mkdir(parents=True)
    (rules_dir / "calendar" / "2027.yaml").write_text(BROKEN, encoding="utf-8")
    rules = load_rules(minimal_repo, rules_dir)
    found = {(f.code, f.line) for f in rules.findings}
    assert ("XC603", 1) in found  # year 2028 in 2027.yaml
    assert ("XC602", 6) in found  # to before from
    assert ("XC602", 9) in found  # 03-10 is a Wednesday: not an adjusted day
    assert ("XC602", 10) in found  # 2025-12-27 belongs to neither 2028 nor the December before it
    assert not rules.calendar.covers(2027)  # a broken file is never half-used


def test_schema_errors_in_an_override_are_findings(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = tmp_path / "rules"
    (rules_dir / "calendar").mkdir(parents=True)
    (rules_dir / "calendar" / "2027.yaml").write_text("year: 2027\nholidays: []\n", encoding="utf-8")
    codes = {f.code for f in load_rules(minimal_repo, rules_dir).findings}
    assert "XC101" in codes  # source and adjusted_workdays missing


def test_worked_example_matches_the_library_for_2026(cal: WorkCalendar) -> None:
    path = RULES_DIR / "calendar" / "example-2026.yaml"
    data = load_bytes("example-2026.yaml", path.read_bytes()).data
    assert isinstance(data, dict)
    example = year_data("example", data)
    library = next(y for y in library_years() if y.year == 2026)
    assert example.holidays == library.holidays
    assert example.workdays == library.workdays


def test_the_shipped_calendar_covers_the_library_years_and_override_files_only() -> None:
    cal = load_rules(RULES_DIR.parents[3], RULES_DIR).calendar
    assert all(cal.covers(year) for year in range(2004, 2027))
    for year in (2027, 2028):
        assert cal.covers(year) == (RULES_DIR / "calendar" / f"{year}.yaml").is_file()
    day = date(2004, 1, 1)
    while day.year < 2027:  # every known day answers without a gap
        cal.is_workday(day)
        day += timedelta(days=31)
