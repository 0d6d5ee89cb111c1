"""Deadline profiles: a jurisdiction's rules as data, parsed into typed objects (pure).

A profile file (``tools/xuncha/rules/data/profiles/<id>.yaml``, schema
``schemas/profile.schema.json``) says, per rule, which event starts the clock,
the offset, which unit types and round kinds it applies to, and which record
date satisfies it. Dates are found with *selectors*, a small path language::

    plan.submissions[0].date
    reports.reports[kind=季度进展,period={quarter}].submissions[0].date
    round.proceedings[kind=档案移交].date
    disposal_plan                      (relative to the item of an ``each`` rule)

A step is a key, optionally with ``[N]`` (that list element) or ``[k=v|w,…]``
(the list elements whose ``k`` is ``v`` or ``w``, and so on). ``{quarter}`` is
the quarter of a recurring obligation (``2025Q3``). In a unit's obligations, a
list element that names another ``unit`` never matches (a round proceeding
held for one unit does not satisfy another's). When several dates match, the
earliest counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from xuncha.model.findings import Finding, at
from xuncha.rules.workdays import Offset, Unit

RECORD_KINDS = ("round", "plan", "reports", "clues", "supervision")
_STEP = re.compile(r"([a-z_]+)(?:\[([^\]]+)\])?")
_FILTER = re.compile(r"([a-z_]+)=([^,]+)")


class Light(StrEnum):
    """Traffic light; the value is the machine name, ``label`` what people read."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return {"green": "绿", "yellow": "黄", "red": "红"}[self.value]


class Event(StrEnum):
    """What starts a rule's clock."""

    FEEDBACK = "反馈"
    EXIT = "撤离"
    PROCEEDING = "巡后程序"
    ITEM = "逐项"


QUARTER = "{quarter}"
Filters = tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True)
class Step:
    """One step of a selector: a key, then an index or filters on list elements."""

    name: str
    index: int | None = None
    filters: Filters = ()
    templated: bool = False  # a filter value holds ``{quarter}``

    def resolved(self, quarter: str) -> Filters:
        """The filters with ``{quarter}`` filled in (most steps have none to fill)."""
        if not self.templated:
            return self.filters
        return tuple((k, frozenset(v.replace(QUARTER, quarter) for v in vs)) for k, vs in self.filters)


@dataclass(frozen=True)
class Selector:
    """A parsed path to dates (or items); ``record`` None means relative to an item."""

    text: str
    record: str | None
    steps: tuple[Step, ...]

    def select(self, data: object, *, quarter: str = "", unit: str | None = None) -> list[Any]:
        """Every value at this path in ``data`` (written as plain loops: it runs per record and quarter)."""
        current: list[Any] = [data]
        for step in self.steps:
            filters = step.resolved(quarter) if step.templated else step.filters
            found: list[Any] = []
            for value in current:
                child = value.get(step.name) if isinstance(value, dict) else None
                if isinstance(child, list):
                    if step.index is not None:
                        found.extend(child[step.index : step.index + 1])
                    else:
                        found.extend(_matching(child, filters, unit))
                elif child is not None and step.index is None and not filters:
                    found.append(child)
            current = found
        return current

    def first_date(self, data: object, *, quarter: str = "", unit: str | None = None) -> str | None:
        """The earliest ``YYYY-MM-DD`` text at this path (text compares as dates), or None."""
        dates = [v for v in self.select(data, quarter=quarter, unit=unit) if isinstance(v, str)]
        return min(dates) if dates else None


def _matching(items: list[Any], filters: Filters, unit: str | None) -> list[Any]:
    """The list elements that meet every filter; an element naming another ``unit`` never does."""
    if not filters and unit is None:
        return items
    kept = []
    for item in items:
        if not isinstance(item, dict):
            if not filters:
                kept.append(item)
            continue
        if unit is not None and item.get("unit", unit) != unit:
            continue
        for key, values in filters:
            if str(item.get(key)) not in values:
                break
        else:
            kept.append(item)
    return kept


def parse_selector(text: str, *, relative: bool = False) -> Selector:
    """Parse ``record.step.step``; raises ``ValueError`` with a Chinese reason."""
    parts = _split(text)
    record = None
    if not relative:
        record = parts.pop(0) if parts else ""
        if record not in RECORD_KINDS:
            raise ValueError(f"路径应以记录类型开头（{'、'.join(RECORD_KINDS)}），而不是“{record}”")
    if not parts:
        raise ValueError("路径缺少字段")
    return Selector(text, record, tuple(_step(part) for part in parts))


def _split(text: str) -> list[str]:
    parts, position = [], 0
    for match in _STEP.finditer(text):
        if match.start() != position:
            break
        parts.append(match.group(0))
        position = match.end() + 1
        if match.end() == len(text):
            return parts
        if text[match.end()] != ".":
            break
    raise ValueError(f"路径“{text}”写法不对（应为 字段[条件].字段 …）")


def _step(part: str) -> Step:
    match = _STEP.fullmatch(part)
    assert match is not None  # _split only yields full matches
    name, inside = match.group(1), match.group(2)
    if inside is None:
        return Step(name)
    if inside.isdigit():
        return Step(name, index=int(inside))
    filters = []
    for condition in inside.split(","):
        parsed = _FILTER.fullmatch(condition.strip())
        if parsed is None:
            raise ValueError(f"条件“{condition}”写法不对（应为 字段=值 或 字段=值1|值2）")
        filters.append((parsed.group(1), frozenset(v.strip() for v in parsed.group(2).split("|"))))
    templated = any(QUARTER in value for _key, values in filters for value in values)
    return Step(name, filters=tuple(filters), templated=templated)


@dataclass(frozen=True)
class Recurrence:
    """A quarterly obligation: from the start's quarter (or the next) until ``until``'s quarter."""

    next_quarter: bool
    until: Selector | None


@dataclass(frozen=True)
class Rule:
    """One deadline of a profile."""

    id: str
    title: str
    category: str  # 报送 / 程序 / 线索
    citation: str
    event: Event
    proceeding: str | None  # for Event.PROCEEDING
    field: str | None  # for Event.ITEM: the item's start-date field
    offset: Offset | None
    due_field: str | None  # for Event.ITEM: the item's own due-date field
    each: Selector | None
    every: Recurrence | None
    done: Selector
    unit_types: frozenset[str]
    round_kinds: frozenset[str]

    @property
    def per_round(self) -> bool:
        """Rules started by the round's exit or proceedings bind the round, not a unit."""
        return self.event in (Event.EXIT, Event.PROCEEDING)

    def applies(self, round_kind: str, unit_type: str | None) -> bool:
        kind_ok = not self.round_kinds or round_kind in self.round_kinds
        type_ok = self.per_round or not self.unit_types or unit_type in self.unit_types
        return kind_ok and type_ok


@dataclass(frozen=True)
class Profile:
    """A jurisdiction's deadlines and who is told at each light."""

    id: str
    name: str
    source: str
    yellow_days: int
    recipients: Mapping[Light, tuple[str, ...]]
    problem_title: str
    problem_citation: str
    rules: tuple[Rule, ...]


def parse_profile(file: str, data: dict[str, Any]) -> tuple[Profile | None, list[Finding]]:
    """A schema-valid profile document → ``Profile``, or findings for what the schema cannot see."""
    findings: list[Finding] = []
    rules = []
    seen: set[str] = set()
    for i, item in enumerate(data["rules"]):
        if item["id"] in seen:
            findings.append(
                _bad(file, ("rules", i, "id"), f"规则编号 {item['id']} 重复", "每条规则用不同的编号。")
            )
        seen.add(item["id"])
        rule = _rule(file, i, item, findings)
        if rule is not None:
            rules.append(rule)
    if findings:
        return None, findings
    lights = data["lights"]
    profile = Profile(
        id=data["id"],
        name=data["name"],
        source=data["source"],
        yellow_days=lights["yellow_days"],
        recipients={light: tuple(lights["recipients"][light.value]) for light in Light},
        problem_title=data["problems"]["title"],
        problem_citation=data["problems"]["citation"],
        rules=tuple(rules),
    )
    return profile, []


def _rule(file: str, i: int, item: dict[str, Any], findings: list[Finding]) -> Rule | None:
    start = item["start"]
    event = Event(start["event"])
    before = len(findings)
    findings.extend(_event_findings(file, i, item, event))
    relative = event is Event.ITEM  # an item rule's dates are read from the item itself
    every = item.get("every")
    texts: dict[str, tuple[str | None, tuple[str, ...], bool]] = {
        "each": (item.get("each"), ("each",), False),
        "done": (item["done"], ("done",), relative),
        "until": ((every or {}).get("until"), ("every", "until"), relative),
    }
    selectors: dict[str, Selector] = {}
    for key, (text, where, is_relative) in texts.items():
        selector = _selector(file, ("rules", i, *where), text, is_relative, findings) if text else None
        if selector is not None:
            selectors[key] = selector
    if len(findings) > before:
        return None
    offset = item.get("offset")
    return Rule(
        id=item["id"],
        title=item["title"],
        category=item["category"],
        citation=item["citation"],
        event=event,
        proceeding=start.get("proceeding"),
        field=start.get("field"),
        offset=Offset(offset["count"], Unit(offset["unit"])) if offset else None,
        due_field=item.get("due_field"),
        each=selectors.get("each"),
        every=Recurrence(every["first"] == "次季", selectors.get("until")) if every else None,
        done=selectors["done"],
        unit_types=frozenset(item.get("unit_types", ())),
        round_kinds=frozenset(item.get("round_kinds", ())),
    )


def _event_findings(file: str, i: int, item: dict[str, Any], event: Event) -> Iterator[Finding]:
    start = item["start"]
    if event is Event.PROCEEDING and "proceeding" not in start:
        yield _bad(
            file, ("rules", i, "start"), "起算事件为“巡后程序”，但没有写是哪一项程序", "补上 proceeding:。"
        )
    if event is Event.ITEM and not ("field" in start and "each" in item):
        yield _bad(
            file,
            ("rules", i, "start"),
            "起算事件为“逐项”，须同时写 start.field 和 each",
            "补上逐项记录的路径和日期字段。",
        )
    if event is not Event.ITEM and "due_field" in item:
        yield _bad(file, ("rules", i, "due_field"), "只有“逐项”事项才能用 due_field", "改用 offset。")
    if "each" in item and event is not Event.ITEM:
        yield _bad(file, ("rules", i, "each"), "写了 each，起算事件应为“逐项”", "把 start.event 改为 逐项。")


def _selector(
    file: str, path: tuple[str | int, ...], text: str, relative: bool, findings: list[Finding]
) -> Selector | None:
    try:
        return parse_selector(text, relative=relative)
    except ValueError as error:
        hint = (
            "逐项事项的完成依据写相对该记录的路径，例如 disposal_plan。"
            if relative
            else "例如 plan.submissions[0].date。"
        )
        findings.append(_bad(file, path, str(error), hint))
        return None


def _bad(file: str, path: tuple[str | int, ...], message: str, hint: str) -> Finding:
    return at(file, "XC601", message, hint, path=path)
