"""Rubrics (评分细则) as data: YAML files parsed into typed objects and checked for consistency.

A rubric file (``tools/xuncha/rules/data/rubrics/<id>.yaml``, schema ``schemas/rubric.schema.json``)
keeps the seed's text verbatim and says, rule by rule, whether a deduction is computed
from the record (bound to a metric) or left to the assessor. The loader trusts items,
not headers: where a printed group header disagrees with the sum of its items (annex 5
prints 66 for items adding to 61), the file must say how it resolves that, or the
loader reports it. ``parse_rubric`` is pure; ``load_rubrics``/``builtin`` read the files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cache, cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from xuncha.load.parse import load_bytes
from xuncha.model import schemas
from xuncha.model.findings import Finding, Severity, at
from xuncha.model.repo import config
from xuncha.rules.metrics import METRICS
from xuncha.rules.profiles import Profile
from xuncha.rules.ruledata import RULES_DIR, load_rules, located
from xuncha.rules.supervisor_metrics import PARAMETERS, SUPERVISOR_METRICS
from xuncha.rules.workdays import Offset, Unit, WorkCalendar

RUBRIC_DIR = RULES_DIR / "rubrics"
CHECKOUT = Path(__file__).resolve().parents[3]  # the repository that ships the tool (tools/xuncha/rules → .)
VILLAGE_TYPES = frozenset({"村", "社区"})
SUPERVISORS = "监督单位"  # applies_to of a rubric that assesses the supervising bodies (seed 004)
DEFAULT_RUBRIC = "wujiang-units"


class Effect(StrEnum):
    """What a rule does when it applies."""

    PER_OCCURRENCE = "per_occurrence"  # points × count
    ONCE = "once"  # points, once
    ZERO = "zero"  # 此项不得分
    JUDGEMENT = "judgement"  # 酌情扣分 (manual only)


@dataclass(frozen=True)
class Rule:
    """One deduction rule; ``metrics`` empty means the assessor decides (manual)."""

    id: str
    text: str
    effect: Effect
    points: Fraction | None
    metrics: tuple[str, ...] = ()
    minimum: int | None = None
    cap: Fraction | None = None

    @property
    def automatic(self) -> bool:
        return bool(self.metrics)

    @property
    def limit(self) -> Fraction | None:
        """The most one manual entry under this rule may deduct (None: up to the item's maximum)."""
        return self.points if self.effect is Effect.ONCE else None


@dataclass(frozen=True)
class Formula:
    """An item scored by formula: task grades, satisfaction, overall points, commendations."""

    kind: str
    table: Mapping[str, Fraction]


@dataclass(frozen=True)
class Item:
    """One numbered line of the rubric table."""

    id: str
    title: str
    content: str
    max: Fraction
    criteria: str
    rules: tuple[Rule, ...]
    formula: Formula | None

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@dataclass(frozen=True)
class Group:
    """A heading of the rubric table (评估项目) and its items."""

    id: str
    title: str
    printed: Fraction
    resolution: str | None
    bonus: bool
    items: tuple[Item, ...]

    @cached_property
    def points(self) -> Fraction:
        """What the items add to: the figure the scorer uses, whatever the header says."""
        return sum((item.max for item in self.items), Fraction(0))


@dataclass(frozen=True)
class FollowUp:
    """What a grade's action becomes: an obligation of ``kind`` due ``within`` the assessment date."""

    kind: str  # 持续督促 / 约谈 / 纪检监察建议 / 问责建议
    within: Offset


@dataclass(frozen=True)
class Grade:
    """A grade band: its name, lowest total (inclusive) and follow-up action (tracked when ``follow_up``)."""

    name: str
    min: Fraction
    action: str
    follow_up: FollowUp | None = None


@dataclass(frozen=True)
class Rubric:
    """A whole rubric, as the scorer uses it."""

    id: str
    title: str
    source: str
    file: str
    applies_to: frozenset[str]
    grades: tuple[Grade, ...]
    groups: tuple[Group, ...]
    notes: tuple[str, ...]
    parameters: Mapping[str, Offset] = field(default_factory=dict)

    @cached_property
    def base(self) -> Fraction:
        """The most a unit can score without bonus (95 for annex 5, 100 for the others)."""
        return sum((g.points for g in self.groups if not g.bonus), Fraction(0))

    def items(self) -> Iterator[Item]:
        for group in self.groups:
            yield from group.items

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items() if item.id == item_id), None)

    def grade(self, total: Fraction) -> Grade:
        """The first band (highest first) whose minimum the total reaches."""
        return next((g for g in self.grades if total >= g.min), self.grades[-1])

    @cached_property
    def sheet_notes(self) -> tuple[str, ...]:
        """What every score sheet must show: header/item disagreements and how they are resolved."""
        resolved = tuple(
            f"“{g.title}”表头印为{_num(g.printed)}分，各项分值合计{_num(g.points)}分：{g.resolution}"
            for g in self.groups
            if g.printed != g.points and g.resolution
        )
        return resolved + self.notes


@dataclass(frozen=True)
class RubricSet:
    """The rubrics that loaded, and what was wrong with the files."""

    rubrics: Mapping[str, Rubric]
    findings: tuple[Finding, ...]

    def select(self, rubric_id: str | None, unit_type: str | None) -> Rubric | None:
        """The assessment's rubric if named, else by unit type (村/社区 → villages, else units)."""
        if rubric_id:
            named = self.rubrics.get(rubric_id)
            return named if named is not None and SUPERVISORS not in named.applies_to else None
        for rubric in self.rubrics.values():
            if unit_type in rubric.applies_to:
                return rubric
        return self.rubrics.get(DEFAULT_RUBRIC)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _fraction(value: object) -> Fraction:
    """YAML numbers → exact fractions (0.8 is 4/5, not the nearest binary float)."""
    return Fraction(str(value))


def parse_rubric(file: str, data: dict[str, Any]) -> tuple[Rubric | None, list[Finding]]:
    """A schema-valid rubric document → ``Rubric``, with findings for what the schema cannot see."""
    findings = list(_consistency(file, data))
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    groups = tuple(_group(g) for g in data["groups"])
    grades = tuple(
        Grade(g["grade"], _fraction(g["min"]), g["action"], _follow_up(g.get("follow_up")))
        for g in data["grades"]
    )
    rubric = Rubric(
        id=data["id"],
        title=data["title"],
        source=data["source"],
        file=file,
        applies_to=frozenset(data["applies_to"]),
        grades=grades,
        groups=groups,
        notes=tuple(data.get("notes", ())),
        parameters={k: _offset(v) for k, v in data.get("parameters", {}).items()},
    )
    return rubric, findings


def _offset(data: dict[str, Any]) -> Offset:
    return Offset(int(data["count"]), Unit(data["unit"]))


def _follow_up(data: dict[str, Any] | None) -> FollowUp | None:
    return None if data is None else FollowUp(str(data["kind"]), _offset(data["within"]))


def _group(data: dict[str, Any]) -> Group:
    items = tuple(_item(i) for i in data["items"])
    printed = _fraction(data["printed_points"])
    return Group(data["id"], data["title"], printed, data.get("resolution"), bool(data.get("bonus")), items)


def _item(data: dict[str, Any]) -> Item:
    formula = data.get("formula")
    return Item(
        id=data["id"],
        title=data["title"],
        content=data.get("content", ""),
        max=_fraction(data["max"]),
        criteria=data["criteria"],
        rules=tuple(_rule(r) for r in data.get("rules", ())),
        formula=Formula(formula["kind"], {k: _fraction(v) for k, v in formula.get("table", {}).items()})
        if formula
        else None,
    )


def _rule(data: dict[str, Any]) -> Rule:
    spec = data.get("auto") or data["manual"]
    return Rule(
        id=data["id"],
        text=data["text"],
        effect=Effect(spec["effect"]),
        points=_fraction(spec["points"]) if "points" in spec else None,
        metrics=tuple(spec.get("metrics", ())),
        minimum=spec.get("minimum"),
        cap=_fraction(spec["cap"]) if "cap" in spec else None,
    )


def _consistency(file: str, data: dict[str, Any]) -> Iterator[Finding]:
    """XC420–XC426: what a schema cannot check (sums, verbatim text, known metrics, unique ids)."""
    stem = Path(file).stem
    if data["id"] != stem:
        yield at(
            file, "XC420", f"细则编号 {data['id']} 与文件名 {stem} 不一致", "两者写成一样。", path=("id",)
        )
    yield from _grade_bands(file, data["grades"])
    seen: set[str] = set()
    known = SUPERVISOR_METRICS if SUPERVISORS in data["applies_to"] else METRICS
    parameters = data.get("parameters", {})
    for g, group in enumerate(data["groups"]):
        yield from _header(file, g, group)
        for i, item in enumerate(group["items"]):
            where = ("groups", g, "items", i)
            if item["id"] in seen:
                yield at(
                    file,
                    "XC424",
                    f"序号 {item['id']} 重复",
                    "每条评估内容用不同的序号。",
                    path=(*where, "id"),
                )
            seen.add(item["id"])
            for r, rule in enumerate(item.get("rules", ())):
                yield from _rule_findings(file, (*where, "rules", r), item, rule, seen, known, parameters)


def _header(file: str, g: int, group: dict[str, Any]) -> Iterator[Finding]:
    total = sum((_fraction(i["max"]) for i in group["items"]), Fraction(0))
    printed = _fraction(group["printed_points"])
    if total != printed and not group.get("resolution"):
        yield at(
            file,
            "XC421",
            f"评估项目“{group['title']}”表头为{_num(printed)}分，但各项分值合计{_num(total)}分",
            "核对原文；确认原文如此后，在该项目下写 resolution: 说明评分时如何处理（例如以各项分值为准）。",
            path=("groups", g, "printed_points"),
            severity=Severity.WARNING,
        )


def _grade_bands(file: str, grades: list[dict[str, Any]]) -> Iterator[Finding]:
    mins = [_fraction(g["min"]) for g in grades]
    if any(a <= b for a, b in pairwise(mins)) or mins[-1] != 0:
        yield at(
            file,
            "XC426",
            "评定等次应按最低分从高到低排列，最后一档的最低分为 0",
            "例如 好 90、较好 75、一般 60、较差 0。",
            path=("grades",),
        )


def _rule_findings(
    file: str,
    where: tuple[str | int, ...],
    item: dict[str, Any],
    rule: dict[str, Any],
    seen: set[str],
    known: Mapping[str, object],
    parameters: Mapping[str, object],
) -> Iterator[Finding]:
    if rule["id"] in seen:
        yield at(file, "XC424", f"规则编号 {rule['id']} 重复", "每条规则用不同的编号。", path=(*where, "id"))
    seen.add(rule["id"])
    if rule["text"] not in item["criteria"]:
        yield at(
            file,
            "XC422",
            f"规则 {rule['id']} 的原文不在本条评分标准中",
            "text 应照抄 criteria 中的一段（不含圈码），一字不改。",
            path=(*where, "text"),
        )
    spec = rule.get("auto") or rule["manual"]
    for j, name in enumerate(spec.get("metrics", ())):
        wanted = PARAMETERS.get(name) if known is SUPERVISOR_METRICS else None
        if wanted is not None and wanted not in parameters:
            yield at(
                file,
                "XC427",
                f"规则 {rule['id']} 的指标“{name}”需要期限参数 {wanted}，细则没有写",
                f"在 parameters 中写 {wanted}: {{count: 10, unit: 工作日}} 之类的期限，在 notes 中说明出处。",
                path=(*where, "auto", "metrics", j),
            )
        if name not in known:
            yield at(
                file,
                "XC423",
                f"规则 {rule['id']} 引用了不存在的指标“{name}”",
                f"可用指标：{'、'.join(known)}。",
                path=(*where, "auto", "metrics", j),
            )
    if spec["effect"] in (Effect.PER_OCCURRENCE, Effect.ONCE) and "points" not in spec:
        yield at(
            file,
            "XC425",
            f"规则 {rule['id']} 按次或一次性扣分，但没有写扣分值",
            "补上 points:（原文“扣N分”中的 N）。",
            path=(*where, "auto" if "auto" in rule else "manual"),
        )


def load_rubrics(directory: Path, schema_dir: Path) -> RubricSet:
    """Read, schema-check and parse every rubric in ``directory``; findings carry lines."""
    rubrics: dict[str, Rubric] = {}
    findings: list[Finding] = []
    for path in sorted(directory.glob("*.yaml")):
        rubric, found = _load_file(path, schema_dir)
        findings += found
        if rubric is not None:
            rubrics[rubric.id] = rubric
    return RubricSet(rubrics, tuple(findings))


def _load_file(path: Path, schema_dir: Path) -> tuple[Rubric | None, list[Finding]]:
    file = _label(path)
    raw = path.read_bytes()
    loaded = load_bytes(file, raw)
    findings = list(loaded.findings)
    rubric = None
    if isinstance(loaded.data, dict):
        findings += schemas.check(schema_dir, "rubric", file, loaded.data)
        if not findings:
            rubric, more = parse_rubric(file, loaded.data)
            findings += more
    return rubric, located(path, findings)


def _label(path: Path) -> str:
    """The file as findings name it: relative to the checkout that ships the tool."""
    try:
        return path.relative_to(CHECKOUT).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Setting:
    """What a score depends on besides the record: rubrics, deadline rules, the default profile."""

    rubrics: RubricSet
    profiles: Mapping[str, Profile]
    calendar: WorkCalendar
    default_profile: str | None


def load_setting(root: Path) -> Setting:
    """The shipped rubrics, the deadline rules and the repository's default profile."""
    rules = load_rules(root)
    default = config(root).get("profile")
    return Setting(builtin(), rules.profiles, rules.calendar, None if default is None else str(default))


@cache
def builtin() -> RubricSet:
    """The shipped rubrics, validated against the shipped ``schemas/rubric.schema.json`` (read once)."""
    return load_rubrics(RUBRIC_DIR, CHECKOUT / schemas.SCHEMA_DIR_NAME)
