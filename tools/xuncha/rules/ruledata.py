"""Rule data on disk: deadline profiles and calendar overrides, read and checked like records.

``tools/xuncha/rules/data/profiles/<id>.yaml`` (schemas/profile.schema.json) and
``tools/xuncha/rules/data/calendar/<year>.yaml`` (schemas/calendar.schema.json).
Other ``*.yaml`` files in the calendar folder (the worked example) are checked
but not loaded. This module does the I/O; parsing and checks are pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from xuncha.load.parse import load_bytes
from xuncha.load.parse import located as locate
from xuncha.model import schemas
from xuncha.model.findings import Finding, at
from xuncha.model.index import Index
from xuncha.model.repo import config
from xuncha.rules.profiles import Profile, parse_profile
from xuncha.rules.workdays import WorkCalendar, YearData, library_years, merge

RULES_DIR = (
    Path(__file__).parent / "data"
)  # rule data shipped with xuncha: profiles, rubrics, calendar, owners
YEAR_FILE = re.compile(r"^[0-9]{4}\.yaml$")


@dataclass(frozen=True)
class RuleSet:
    """The deadline profiles and the working-day calendar, with what was wrong in their files."""

    profiles: Mapping[str, Profile]
    calendar: WorkCalendar
    findings: tuple[Finding, ...]


def load_rules(root: Path, directory: Path = RULES_DIR) -> RuleSet:
    """Read, schema-check and parse every rule file under ``directory``."""
    schema_dir = schemas.schema_dir(root)
    findings: list[Finding] = []
    profiles: dict[str, Profile] = {}
    for path, name, data in _documents(root, directory / "profiles", schema_dir, "profile", findings):
        profile, problems = parse_profile(name, data)
        problems += _named_like_file(name, path, str(data["id"]), ("id",))
        findings += located(path, problems)
        if profile is not None and not problems:
            profiles[profile.id] = profile
    overrides: list[YearData] = []
    for path, name, data in _documents(root, directory / "calendar", schema_dir, "calendar", findings):
        problems = list(calendar_problems(name, data))
        if YEAR_FILE.match(path.name):
            problems += _named_like_file(name, path, str(data["year"]), ("year",))
        findings += located(path, problems)
        if YEAR_FILE.match(path.name) and not problems:
            overrides.append(year_data(name, data))
    return RuleSet(profiles, merge([*library_years(), *overrides]), tuple(findings))


def _documents(
    root: Path, folder: Path, schema_dir: Path, kind: str, findings: list[Finding]
) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    """Each schema-valid document of ``folder``; the rest become findings."""
    for path in sorted(folder.glob("*.yaml")):
        name = display_name(root, path)
        loaded = load_bytes(name, path.read_bytes())
        problems = list(loaded.findings)
        if isinstance(loaded.data, dict):
            problems += schemas.check(schema_dir, kind, name, loaded.data)
        findings += located(path, problems)
        if isinstance(loaded.data, dict) and not problems:
            yield path, name, loaded.data


def display_name(root: Path, path: Path) -> str:
    """Repository-relative when the rules live in the repository, else the absolute path."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _named_like_file(name: str, path: Path, value: str, where: tuple[str | int, ...]) -> list[Finding]:
    if value == path.stem:
        return []
    return [
        at(
            name,
            "XC603",
            f"“{value}”与文件名 {path.name} 不一致",
            f"改为 {path.stem}，或把文件改名为 {value}.yaml。",
            path=where,
        )
    ]


def located(path: Path, findings: list[Finding]) -> list[Finding]:
    """Fill in line/column of findings that carry only a path (rule files live outside rounds/
    and units/, so do it here); the file is read and composed again only for those."""
    return locate(findings, lambda _: path.read_bytes())


def calendar_problems(name: str, data: dict[str, Any]) -> Iterator[Finding]:
    """What the schema cannot see: ranges forwards, dates in their year, no day both off and on."""
    year = int(data["year"])
    off: set[date] = set()
    for i, holiday in enumerate(data["holidays"]):
        first, last = date.fromisoformat(holiday["from"]), date.fromisoformat(holiday["to"])
        if last < first:
            yield _calendar(name, ("holidays", i, "to"), f"放假结束日 {last} 早于开始日 {first}")
        off.update(_days_off(holiday))
        yield from _in_year(name, ("holidays", i, "from"), first, year)
        yield from _in_year(name, ("holidays", i, "to"), last, year)
    for i, entry in enumerate(data["adjusted_workdays"]):
        day = date.fromisoformat(entry["date"])
        yield from _in_year(name, ("adjusted_workdays", i, "date"), day, year)
        if day in off:
            yield _calendar(name, ("adjusted_workdays", i, "date"), f"{day} 既在放假期间又是调休上班日")
        elif day.weekday() < 5:
            yield _calendar(name, ("adjusted_workdays", i, "date"), f"{day} 是工作日（周一至周五），不是调休")


def _in_year(name: str, path: tuple[str | int, ...], day: date, year: int) -> Iterator[Finding]:
    """A year's notice may reach back into the previous December (e.g. an adjusted Saturday)."""
    if day.year != year and not (day.year == year - 1 and day.month == 12):
        yield _calendar(name, path, f"{day} 不属于 {year} 年的节假日安排")


def _calendar(name: str, path: tuple[str | int, ...], message: str) -> Finding:
    return at(name, "XC602", message, "对照国务院办公厅节假日安排通知原文核对。", path=path)


def year_data(name: str, data: dict[str, Any]) -> YearData:
    """A checked override document → the year's special days."""
    off = {day for holiday in data["holidays"] for day in _days_off(holiday)}
    on = {date.fromisoformat(entry["date"]) for entry in data["adjusted_workdays"]}
    return YearData(int(data["year"]), frozenset(off), frozenset(on), name)


def _days_off(holiday: dict[str, Any]) -> list[date]:
    """Every day from ``from`` to ``to`` inclusive (none when they are reversed)."""
    first, last = date.fromisoformat(holiday["from"]), date.fromisoformat(holiday["to"])
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def check_rules(root: Path, index: Index, rules: RuleSet) -> list[Finding]:
    """What ``xuncha validate`` adds for rule data (as :func:`load_rules` read it): the files'
    findings and every round's profile."""
    return [*rules.findings, *profile_findings(index, rules, config(root).get("profile"))]


def profile_findings(index: Index, rules: RuleSet, default: object) -> Iterator[Finding]:
    """XC604: the configured default profile and every round's own profile exist."""
    known = "、".join(sorted(rules.profiles)) or "（无）"
    hint = f"可用的时限规则：{known}（见 tools/xuncha/rules/data/profiles/）。"
    if default is not None and default not in rules.profiles:
        message = f"pyproject.toml 中 [tool.xuncha] profile 指定的时限规则 {default} 不存在"
        yield at("pyproject.toml", "XC604", message, hint, line=1, column=1)
    for record in index.rounds.values():
        name = record.data.get("profile")
        if name is not None and name not in rules.profiles:
            yield at(record.file, "XC604", f"时限规则 {name} 不存在", hint, path=("profile",))
