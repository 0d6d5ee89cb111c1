"""Synthetic repositories for benchmarks and tests: realistic rounds, units and problems, all valid.

Pure: ``generate(Config)`` yields ``(relpath, text)`` pairs, deterministic for a seed;
only ``write_repo`` touches the disk. The shape follows the real records (seed 002 and
the 2025-ch-r1 demo): units of every type, rounds of 8–15 units, per unit folder a
feedback tree (aspects → problems → refined items → tasks), a submitted plan with one
entry per leaf, one status log per leaf that follows the lifecycle rules, reports and,
now and then, clues and extensions. Every date respects the ``validate`` rules.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

Json = dict[str, Any]

# ---------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Config:
    """How much to generate; ``as_of`` bounds every recorded date (nothing happens after it)."""

    problems: int
    seed: int = 0
    as_of: date = date(2025, 12, 31)
    units_per_round: tuple[int, int] = (8, 15)
    leaves_per_folder: tuple[int, int] = (8, 30)
    rounds_per_district: int = 12


# ---------------------------------------------------------------------------- YAML text

_RESOLVER = yaml.resolver.Resolver()
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` \t")


def scalar(value: object) -> str:
    """One YAML scalar: plain when it reads back as the same text, JSON-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if _plain(text) else json.dumps(text, ensure_ascii=False)


def _plain(text: str) -> bool:
    """Safe unquoted: no indicator first, no ``: `` or `` #``, and not read back as a number, bool or null."""
    if not text or text[0] in _INDICATORS or text[-1].isspace() or not text.isprintable():
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # implicit resolvers are keyed on the first character, and none starts with a non-ASCII one
    return not text[0].isascii() or _implicit_tag(text) in _PLAIN_TAGS


def _implicit_tag(text: str) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def dump(data: dict[str, Any], comment: str = "") -> str:
    """Block-style YAML as clerks write it (2-space indent, ``- `` under the key), with a header comment.

    Only plain dicts, lists and scalars (what records are); concrete type checks keep it fast.
    """
    lines = [f"# {line}" for line in comment.splitlines()]
    _mapping(data, "", "", lines)
    return "\n".join(lines) + "\n"


def _mapping(data: dict[str, Any], first: str, pad: str, lines: list[str]) -> None:
    for i, (key, value) in enumerate(data.items()):
        lead = first if i == 0 else pad
        kind = type(value)
        if kind is dict and value:
            lines.append(f"{lead}{key}:")
            _mapping(value, pad + "  ", pad + "  ", lines)
        elif kind is list and value:
            lines.append(f"{lead}{key}:")
            _sequence(value, pad + "  ", lines)
        elif kind is dict or kind is list:
            lines.append(f"{lead}{key}: {'{}' if kind is dict else '[]'}")
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")


def _sequence(items: list[Any], pad: str, lines: list[str]) -> None:
    for item in items:
        if type(item) is dict:
            _mapping(item, pad + "- ", pad + "  ", lines)
        else:
            lines.append(f"{pad}- {scalar(item)}")


# ---------------------------------------------------------------------------- the world: districts and units


@dataclass(frozen=True)
class Unit:
    """An inspected unit with what its texts need: who leads, which departments, who supervises."""

    id: str
    name: str
    short: str
    type: str
    district: str
    parent: str | None
    org: str  # how its Party organisation is called in texts (党组, 党委, 村党总支 …)
    leaders: tuple[str, ...]
    departments: tuple[str, ...]
    supervisor: str


@dataclass
class District:
    """A fictional county-level district: its units and the queue of units still to inspect."""

    slug: str
    name: str
    units: list[Unit]
    queue: list[Unit] = field(default_factory=list)
    rounds: int = 0  # rounds generated so far
    planned: int = 0  # rounds it will have in all


def _district(rng: random.Random, slug: str, name: str) -> District:
    units: list[Unit] = []
    for abbr, agency, head in rng.sample(AGENCIES, rng.randint(16, len(AGENCIES))):
        units.append(_agency(rng, slug, name, abbr, agency, head))
    for abbr, firm in rng.sample(ENTERPRISES, rng.randint(5, len(ENTERPRISES))):
        units.append(_enterprise(rng, slug, name, abbr, firm))
    places = iter(rng.sample(PLACE_NAMES, 60))
    for kind, count in (("区镇", rng.randint(4, 6)), ("街道", rng.randint(2, 4))):
        for _ in range(count):
            town = _town(rng, slug, name, kind, next(places))
            units.append(town)
            units.extend(_village(rng, town, next(places)) for _ in range(rng.randint(2, 4)))
    return District(slug, name, units)


def _supervisor_office(rng: random.Random, kind: str) -> str:
    return f"区纪委监委{kind}第{_cn(rng.randint(1, 8))}{'纪检监察组' if kind == '派驻' else '监督检查室'}"


def _agency(rng: random.Random, slug: str, district: str, abbr: str, agency: str, head: str) -> Unit:
    leaders = (f"党组书记、{head}", f"党组成员、副{head}", "党组成员、机关党委书记", f"党组成员、副{head}")
    departments = tuple(rng.sample(AGENCY_DEPARTMENTS, 6))
    return Unit(
        f"{slug}-{abbr}",
        f"中共{district}{agency}党组",
        f"区{agency}",
        "区级机关",
        district,
        None,
        "党组",
        leaders,
        departments,
        _supervisor_office(rng, "派驻"),
    )


def _enterprise(rng: random.Random, slug: str, district: str, abbr: str, firm: str) -> Unit:
    leaders = ("党委书记、董事长", "党委副书记、总经理", "党委委员、副总经理", "党委委员、纪委书记")
    departments = tuple(rng.sample(ENTERPRISE_DEPARTMENTS, 6))
    return Unit(
        f"{slug}-{abbr}",
        f"中共{district}{firm}委员会",
        f"区{firm}",
        "企事业单位",
        district,
        None,
        "党委",
        leaders,
        departments,
        _supervisor_office(rng, "派驻"),
    )


def _town(rng: random.Random, slug: str, district: str, kind: str, place: tuple[str, str]) -> Unit:
    suffix, head = ("镇", "镇长") if kind == "区镇" else ("街道", "办事处主任")
    name = f"{place[0]}{suffix}"
    leaders = (
        "党委书记",
        f"党委副书记、{head}",
        "党委委员、纪委书记",
        "党委委员、组织委员",
        "党委委员、副镇长",
    )
    departments = tuple(rng.sample(TOWN_DEPARTMENTS, 6))
    return Unit(
        f"{slug}-{place[1]}",
        f"中共{district}{name}{'委员会' if kind == '区镇' else '工作委员会'}",
        name,
        kind,
        district,
        None,
        "党委" if kind == "区镇" else "党工委",
        leaders,
        departments,
        _supervisor_office(rng, "监督检查"),
    )


def _village(rng: random.Random, town: Unit, place: tuple[str, str]) -> Unit:
    village = town.type == "区镇"
    name = f"{place[0]}{'村' if village else '社区'}"
    org = "村党总支" if village else "社区党委"
    head = "村委会主任" if village else "居委会主任"
    leaders = (f"{org}书记、{head}", f"{org}副书记", f"{org}委员")
    departments = VILLAGE_DEPARTMENTS if village else COMMUNITY_DEPARTMENTS
    return Unit(
        f"{town.id}-{place[1]}",
        f"中共{town.district}{town.short}{name}{'总支部委员会' if village else '委员会'}",
        name,
        "村" if village else "社区",
        town.district,
        town.id,
        org,
        leaders,
        departments,
        f"{town.short}{'纪委' if town.type == '区镇' else '纪工委'}",
    )


def unit_file(unit: Unit, rng: random.Random) -> tuple[str, str]:
    """``units/<id>.yaml``."""
    data: Json = {"id": unit.id, "name": unit.name, "short_name": unit.short, "type": unit.type}
    if unit.parent:
        data["parent"] = unit.parent
    data["jurisdiction"] = unit.district
    data["party_secretary"] = unit.leaders[0]
    data["contact"] = {
        "phone": f"0{rng.randint(510, 999)}-{rng.randint(5000000, 8999999)}",
        "postbox": f"{unit.district}邮政信箱{rng.randint(1, 99)}号转{unit.short}",
        "email": f"{unit.id.replace('-', '')}-xczg@example.cn",
        "address": f"{unit.district}{unit.short.removeprefix('区')}{rng.choice(BUILDINGS)}",
    }
    data["supervisors"] = [unit.supervisor]
    comment = f"被巡察单位：{unit.name}（虚构的合成数据）。\n类型“{unit.type}”决定日常监督单位和评分细则。"
    return f"units/{unit.id}.yaml", dump(data, comment)


# ---------------------------------------------------------------------------- rounds


@dataclass(frozen=True)
class Visit:
    """One unit inspected in one round: the folder ``rounds/R/U/`` and its dates."""

    round: str
    unit: Unit
    group: str
    group_leader: str
    entry: date
    exit: date
    feedback: date
    leaves: int


def _split(rng: random.Random, total: int, low: int, high: int) -> list[int]:
    """``total`` cut into pieces of ``low``..``high`` (the last may be smaller when total is)."""
    sizes: list[int] = []
    while total > 0:
        size = rng.randint(low, high)
        size = total if total - size < low else size
        sizes.append(size)
        total -= size
    return sizes


def _take(district: District, rng: random.Random, count: int) -> list[Unit]:
    """The next ``count`` distinct units of the district's inspection queue (refilled when empty)."""
    chosen: list[Unit] = []
    while len(chosen) < min(count, len(district.units)):
        if not district.queue:
            district.queue = rng.sample(district.units, len(district.units))
        unit = district.queue.pop()
        if unit not in chosen:
            chosen.append(unit)
    return chosen


def _round_dates(config: Config, district: District, rng: random.Random) -> tuple[date, date]:
    """A district's last round enters ~200 days before ``as_of``; earlier ones every ~150 days before."""
    back = (district.planned - district.rounds) * 150 + rng.randint(0, 30)
    entry = config.as_of - timedelta(days=200 + back)
    return entry, entry + timedelta(days=rng.randint(40, 65))


def _round_file(
    round_id: str, name: str, kind: str, district: District, visits: list[Visit]
) -> tuple[str, str]:
    units = [
        {
            "unit": visit.unit.id,
            "group": visit.group,
            "group_leader": visit.group_leader,
            "feedback_date": visit.feedback.isoformat(),
            "feedback_by": f"中共{district.name}委巡察工作领导小组",
        }
        for visit in visits
    ]
    data: Json = {
        "id": round_id,
        "name": name,
        "kind": kind,
        "inspecting_body": f"中共{district.name}委",
        "deployment": "根据省委、市委巡视巡察工作部署和区委巡察工作五年规划",
        "profile": "wujiang",
        "entry_date": visits[0].entry.isoformat(),
        "exit_date": visits[0].exit.isoformat(),
        "units": units,
    }
    comment = (
        f"{name}（{kind}巡察，合成数据）。\n"
        "反馈日期须晚于撤离日期；各单位的方案、报告时限都从各自的反馈日期起算。"
    )
    return f"rounds/{round_id}/round.yaml", dump(data, comment)


# ---------------------------------------------------------------------------- the generator


def generate(config: Config) -> Iterator[tuple[str, str]]:
    """Every file of a synthetic repository with ``config.problems`` leaf problems, in a fixed order."""
    rng = random.Random(config.seed)
    folder_sizes = _split(rng, config.problems, *config.leaves_per_folder)
    round_sizes = _split(rng, len(folder_sizes), *config.units_per_round)
    districts = _districts(rng, -(-len(round_sizes) // config.rounds_per_district))
    for number in range(len(round_sizes)):
        districts[number % len(districts)].planned += 1
    for district in districts:
        for unit in district.units:
            yield unit_file(unit, rng)
    sizes = iter(folder_sizes)
    for number, count in enumerate(round_sizes):
        district = districts[number % len(districts)]
        district.rounds += 1
        yield from _round(config, rng, district, [next(sizes) for _ in range(count)])


def _districts(rng: random.Random, count: int) -> list[District]:
    names = rng.sample([(a, b) for a in DISTRICT_FIRST for b in DISTRICT_SECOND], count)
    return [_district(rng, f"{a[1]}{b[1]}", f"{a[0]}{b[0]}区") for a, b in names]


def _round(
    config: Config, rng: random.Random, district: District, leaves: list[int]
) -> Iterator[tuple[str, str]]:
    entry, exit_ = _round_dates(config, district, rng)
    units = _take(district, rng, len(leaves))
    kind = rng.choices(ROUND_KINDS, weights=(70, 10, 5, 5, 5, 5))[0]
    round_id = f"{entry.year}-{district.slug}-r{district.rounds}"
    name = f"{'十三' if entry.year < 2022 else '十四'}届区委第{_cn(district.rounds)}轮巡察"
    visits: list[Visit] = []
    leaders = [f"区委第{_cn(g + 1)}巡察组组长 {_person(rng)}" for g in range((len(units) + 2) // 3)]
    for i, unit in enumerate(units):
        group = f"区委第{_cn(i // 3 + 1)}巡察组"
        feedback = exit_ + timedelta(days=20 + 3 * (i // 3) + i % 3 + rng.randint(0, 2))
        visits.append(Visit(round_id, unit, group, leaders[i // 3], entry, exit_, feedback, leaves[i]))
    yield _round_file(round_id, name, kind, district, visits)
    for visit in visits:
        yield from folder_files(config, rng, visit)


def _cn(number: int) -> str:
    """Chinese numerals up to 99 (第十二轮)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


# ---------------------------------------------------------------------------- one unit folder


@dataclass(frozen=True)
class Leaf:
    """A leaf problem with what its plan entry and status log need."""

    id: str
    topic: str
    immediate: bool
    path: tuple[str, ...]  # the lifecycle the status log will follow (truncated at as_of)


@dataclass
class Folder:
    """The working state while one unit folder is generated."""

    config: Config
    rng: random.Random
    visit: Visit
    leaves: list[Leaf] = field(default_factory=list)
    deadlines: dict[str, date] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"rounds/{self.visit.round}/{self.visit.unit.id}"

    def head(self) -> Json:
        return {"round": self.visit.round, "unit": self.visit.unit.id}

    def day(self, offset: int) -> date:
        return self.visit.feedback + timedelta(days=offset)

    def fill(self, template: str, **extra: object) -> str:
        """A phrase with its slots filled: years, counts, amounts, the unit's organ name, ``extra``."""
        rng, year = self.rng, self.visit.feedback.year
        return template.format(
            y=rng.randint(year - 3, year - 1),
            n=rng.randint(6, 40),
            m=rng.randint(2, 9),
            a=f"{rng.uniform(3, 300):.2f}",
            p=rng.randint(8, 30),
            org=self.visit.unit.org,
            **extra,
        )


def folder_files(config: Config, rng: random.Random, visit: Visit) -> Iterator[tuple[str, str]]:
    """feedback, plan, statuses, reports and sometimes clues and extensions of one unit folder."""
    folder = Folder(config, rng, visit)
    yield f"{folder.base}/feedback.yaml", feedback_text(folder)
    yield f"{folder.base}/plan.yaml", plan_text(folder)
    for leaf in folder.leaves:
        yield f"{folder.base}/status/{leaf.id}.yaml", status_text(folder, leaf)
    yield f"{folder.base}/reports.yaml", reports_text(folder)
    if rng.random() < 0.35:
        yield f"{folder.base}/clues.yaml", clues_text(folder)
    extensions = extensions_text(folder)
    if extensions:
        yield f"{folder.base}/extensions.yaml", extensions


# ---------------------------------------------------------------------------- feedback


def _aspects_for(unit: Unit) -> list[tuple[str, list[Any]]]:
    """The aspects a unit of this type is typically criticised on (villages have no 政府采购 …)."""
    return [(title, problems) for title, scope, problems in ASPECTS if unit.type in SCOPES[scope]]


def feedback_text(folder: Folder) -> str:
    """The problem list; also fixes the folder's leaves (ids, topics, lifecycles) for the other files."""
    rng = folder.rng
    budgets = _split(rng, folder.visit.leaves, 1, 3)
    available = _aspects_for(folder.visit.unit)
    count = min(len(budgets), rng.randint(3, 5), len(available))
    chosen = sorted(rng.sample(range(len(available)), count))
    shares = _shares(len(budgets), count)
    aspects: list[Json] = []
    number = 0
    for a, (index, share) in enumerate(zip(chosen, shares, strict=True)):
        title, bank = available[index]
        problems: list[Json] = []
        for bank_item in itertools.islice(itertools.cycle(rng.sample(bank, len(bank))), share):
            number += 1
            problems.append(_problem(folder, f"P{number:02d}", bank_item, budgets[number - 1]))
        aspects.append({"id": f"A{a + 1}", "title": title, "problems": problems})
    data: Json = {
        **folder.head(),
        "announced": {"aspects": count, "problems": number, "refined": len(folder.leaves)},
        "aspects": aspects,
    }
    visit = folder.visit
    comment = (
        f"反馈意见（问题清单）：{visit.group} {visit.feedback.isoformat()} 向{visit.unit.short}反馈。\n"
        "问题表述“原汁原味”照录反馈意见；合并后不得修改，只能在 corrections 中更正。\n"
        "方案、进展、延期只引用末级条目（有细化的引用细化问题，没有细化的引用问题本身）。"
    )
    return dump(data, comment)


def _shares(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _problem(folder: Folder, pid: str, bank_item: tuple[str, str, list[str]], leaves: int) -> Json:
    title, topic, templates = bank_item
    rng = folder.rng
    deck = itertools.cycle(rng.sample(templates, len(templates)))  # vary the wording within a problem
    problem: Json = {"id": pid, "title": title}
    if rng.random() < 0.15:
        problem["flags"] = {"key": True}
    if leaves == 1 and rng.random() < 0.6:
        problem["text"] = folder.fill(next(deck))
        folder.leaves.append(_leaf(folder, pid, topic))
        return problem
    refined: list[Json] = []
    tasks = rng.randint(2, min(3, leaves)) if leaves >= 2 and rng.random() < 0.25 else 0
    for r in range(1, leaves - max(tasks - 1, 0) + 1):
        rid = f"{pid}.{r}"
        item: Json = {"id": rid, "text": folder.fill(next(deck))}
        if r == 1 and tasks:
            item["tasks"] = [
                {"id": f"{rid}.{t}", "text": folder.fill(next(deck))} for t in range(1, tasks + 1)
            ]
            folder.leaves.extend(_leaf(folder, f"{rid}.{t}", topic) for t in range(1, tasks + 1))
        else:
            folder.leaves.append(_leaf(folder, rid, topic))
            if rng.random() < 0.12:
                item["flags"] = {"immediate": True}
        refined.append(item)
    problem["refined"] = refined
    return problem


def _leaf(folder: Folder, leaf_id: str, topic: str) -> Leaf:
    rng = folder.rng
    path = rng.choices(LIFECYCLE_PATHS, weights=LIFECYCLE_WEIGHTS)[0]
    return Leaf(leaf_id, topic, rng.random() < 0.12, path)


# ---------------------------------------------------------------------------- plan


def plan_text(folder: Folder) -> str:
    """The submitted rectification plan: one entry per leaf, with lead fields and a deadline."""
    rng, unit = folder.rng, folder.visit.unit
    studied = folder.day(rng.randint(8, 14))
    submitted = studied + timedelta(days=rng.randint(1, 10))
    submissions: list[Json] = []
    if rng.random() < 0.2:
        back = submitted + timedelta(days=rng.randint(3, 6))
        submissions.append(_submission(folder, submitted, back, "退回", rng.choice(RETURN_NOTES)))
        submitted = back + timedelta(days=rng.randint(3, 8))
    submissions.append(_submission(folder, submitted, submitted + timedelta(days=rng.randint(3, 8)), "通过"))
    data: Json = {
        **folder.head(),
        "submissions": submissions,
        "collectively_studied": studied.isoformat(),
        "lists_complete": {"problem_list": True, "task_list": True, "responsibility_list": True},
        "leading_group": [
            f"组长：{unit.leaders[0]} {_person(rng)}",
            f"副组长：{unit.leaders[1]} {_person(rng)}（负责日常协调推进）",
            f"成员：{'、'.join(unit.departments[:4])}主要负责人",
        ],
        "entries": [_plan_entry(folder, leaf) for leaf in folder.leaves],
    }
    comment = (
        "整改方案：反馈后1个月内报送，巡察组审核。每个末级问题一条 entries（照单全收）。\n"
        "整改时限一经通过不得直接改动，延期须在 extensions.yaml 中申请。"
    )
    return dump(data, comment)


def _submission(
    folder: Folder, sent: date, decided: date, result: str, note: str = "", *, by: str = ""
) -> Json:
    """One submission; a decision after ``as_of`` has not happened yet, so it is still 待审."""
    item: Json = {"date": sent.isoformat()}
    if decided <= folder.config.as_of:
        item.update(result=result, result_date=decided.isoformat(), reviewer=by or folder.visit.group)
        if note:
            item["note"] = note
    else:
        item["result"] = "待审"
    return item


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)}某某"


def _plan_entry(folder: Folder, leaf: Leaf) -> Json:
    rng, unit = folder.rng, folder.visit.unit
    leader = rng.randrange(len(unit.leaders))
    department = rng.choice(unit.departments)
    days = 30 if leaf.immediate else rng.choice((90, 180, 270, 330))
    deadline = _month_end(folder.day(days))
    folder.deadlines[leaf.id] = deadline
    entry: Json = {
        "problem": leaf.id,
        "measures": [folder.fill(m, topic=leaf.topic) for m in rng.sample(MEASURES, rng.randint(2, 3))],
        "lead_leader": f"{unit.leaders[leader]} {_person(rng)}",
        "lead_department": department,
        "responsible_person": f"{department}负责人 {_person(rng)}",
    }
    others = [d for d in unit.departments if d != department]
    if rng.random() < 0.6:
        entry["departments"] = rng.sample(others, rng.randint(1, 2))
    entry["deadline"] = deadline.isoformat()
    if "长期整改" in leaf.path:
        entry["long_term"] = True
        entry["milestones"] = [
            {"date": _month_end(folder.day(d)).isoformat(), "target": t.format(topic=leaf.topic)}
            for d, t in zip((90, 270, 540), MILESTONES, strict=True)
        ]
    return entry


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


# ---------------------------------------------------------------------------- status


def status_text(folder: Folder, leaf: Leaf) -> str:
    """The leaf's progress log: its lifecycle path, dated forward and cut at ``as_of``."""
    rng, unit = folder.rng, folder.visit.unit
    when = folder.day(rng.randint(0, 7))
    log: list[Json] = []
    for i, state in enumerate(leaf.path):
        if when > folder.config.as_of:
            break
        log.append(_log_entry(folder, leaf, state, when, i))
        when += timedelta(days=rng.randint(5, 30) if leaf.immediate else rng.randint(20, 110))
    data: Json = {**folder.head(), "problem": leaf.id, "log": log}
    last = log[-1]["state"]
    if last in ("基本完成", "已完成", "已销号", "长期整改"):
        data["summary"] = _summary(folder, leaf)
    if last in ("已完成", "已销号") and rng.random() < 0.35:
        data["outcomes"] = {
            "rules_made": rng.randint(0, 3),
            "rules_revised": rng.randint(0, 4),
            "meetings": rng.randint(1, 6),
        }
        if rng.random() < 0.3:
            data["outcomes"]["funds_recovered"] = round(rng.uniform(0.5, 80), 2)
    comment = f"整改状态：{unit.short} {leaf.id}。进展日志按日期先后记录，当前状态取最后一条。"
    return dump(data, comment)


def _log_entry(folder: Folder, leaf: Leaf, state: str, when: date, index: int) -> Json:
    rng, unit = folder.rng, folder.visit.unit
    entry: Json = {"date": when.isoformat(), "state": state}
    reopened = index > 0 and state == "整改中" and leaf.path[index - 1] in ("已完成", "已销号")
    if reopened:
        entry["reopen"] = "问题反弹" if leaf.path[index - 1] == "已销号" else "抽查发现未完成"
    notes = STATUS_NOTES[entry.get("reopen", state)]
    if index > 0 or rng.random() < 0.5:
        entry["note"] = folder.fill(rng.choice(notes), topic=leaf.topic)
    entry["by"] = unit.supervisor if state == "已销号" else rng.choice(unit.departments)
    if state in ("已完成", "已销号") or rng.random() < 0.2:
        entry["evidence"] = [
            _evidence(folder, leaf, when, t) for t in rng.sample(EVIDENCE, rng.randint(1, 2))
        ]
    return entry


def _evidence(folder: Folder, leaf: Leaf, when: date, template: str) -> Json:
    title = folder.fill(template, topic=leaf.topic, date=when.isoformat(), year=when.year)
    stem = title.lstrip("《").split("》")[0]
    ext = "jpg" if "照片" in title else "xlsx" if "台账" in title else folder.rng.choice(("pdf", "docx"))
    return {"title": title, "file": f"evidence/{leaf.id}/{stem}.{ext}"}


def _summary(folder: Folder, leaf: Leaf) -> str:
    parts = folder.rng.sample(DONE_PHRASES, folder.rng.randint(2, 3))
    ordinals = "一二三四"
    text = "；".join(f"{ordinals[i]}是{folder.fill(p, topic=leaf.topic)}" for i, p in enumerate(parts))
    return text + "。"


# ---------------------------------------------------------------------------- reports, clues, extensions


def reports_text(folder: Folder) -> str:
    """Meetings, the “双报告”, quarterly progress, the completion report and disclosures (Wujiang timing)."""
    rng, as_of = folder.rng, folder.config.as_of
    life = folder.day(rng.randint(10, 22))
    meetings = [
        {
            "id": "M1",
            "kind": "专题民主生活会",
            "date": life.isoformat(),
            "materials_filed": (life + timedelta(days=rng.randint(2, 6))).isoformat(),
            "note": f"{folder.visit.unit.supervisor}派员全程督导。",
        },
        {
            "id": "M2",
            "kind": "整改专题会议",
            "stage": "前期",
            "date": folder.day(rng.randint(3, 9)).isoformat(),
        },
        {
            "id": "M3",
            "kind": "整改专题会议",
            "stage": "中期",
            "date": folder.day(rng.randint(120, 170)).isoformat(),
        },
        {
            "id": "M4",
            "kind": "整改专题会议",
            "stage": "后期",
            "date": folder.day(rng.randint(330, 358)).isoformat(),
        },
    ]
    meetings = [m for m in meetings if max(m["date"], m.get("materials_filed", "")) <= as_of.isoformat()]
    reports: list[Json] = []
    double = folder.day(rng.randint(80, 90))
    for kind in ("整改进展报告", "主要负责人报告"):
        reports.append({"kind": kind, "sent": double})
    quarter_end = _month_end(
        folder.visit.feedback.replace(day=1, month=(folder.visit.feedback.month - 1) // 3 * 3 + 3)
    )
    for _ in range(4):
        period = f"{quarter_end.year}Q{(quarter_end.month - 1) // 3 + 1}"
        sent = max(folder.visit.feedback, quarter_end - timedelta(days=rng.randint(0, 6)))
        reports.append({"kind": "季度进展", "period": period, "sent": sent})
        quarter_end = _month_end(quarter_end + timedelta(days=80))
    reports.append({"kind": "办结报告", "sent": folder.day(rng.randint(350, 364))})
    supervisor = folder.visit.unit.supervisor
    numbered = [
        {
            "id": f"R{i + 1}",
            **{k: v for k, v in r.items() if k != "sent"},
            "submissions": [
                _submission(
                    folder, r["sent"], r["sent"] + timedelta(days=rng.randint(5, 12)), "通过", by=supervisor
                )
            ],
        }
        for i, r in enumerate(r for r in reports if r["sent"] <= as_of)
    ]
    disclosures = [
        {"kind": "党内通报", "date": folder.day(rng.randint(90, 100)).isoformat()},
        {"kind": "社会公开", "date": folder.day(rng.randint(100, 112)).isoformat()},
    ]
    data: Json = {
        **folder.head(),
        "meetings": meetings,
        "reports": numbered,
        "disclosures": [d for d in disclosures if d["date"] <= as_of.isoformat()],
    }
    comment = (
        "会议和报告：专题民主生活会、整改专题会议（前期、中期、后期）、“双报告”、季度进展、办结报告、整改公开。\n"
        f"吴江时限从反馈日 {folder.visit.feedback.isoformat()} 起算。"
    )
    return dump(data, comment)


def clues_text(folder: Folder) -> str:
    """Clues and petitions handed over (confidential: no personal names, never public)."""
    rng, as_of, visit = folder.rng, folder.config.as_of, folder.visit
    clues: list[Json] = []
    for i in range(rng.randint(1, 3)):
        received = visit.exit + timedelta(days=rng.randint(3, 20))
        clue: Json = {
            "id": f"C{i + 1:02d}",
            "category": rng.choice(CLUE_CATEGORIES),
            "received": received.isoformat(),
            "disposal_plan": (received + timedelta(days=rng.randint(10, 28))).isoformat(),
        }
        disposed = received + timedelta(days=rng.randint(60, 200))
        if disposed <= as_of:
            clue.update(
                disposed=disposed.isoformat(),
                outcome=rng.choice(OUTCOMES).format(topic=folder.leaves[0].topic),
            )
        clues.append(clue)
    petitions: list[Json] = []
    for i in range(rng.randint(0, 2)):
        received = visit.entry + timedelta(days=rng.randint(5, (visit.exit - visit.entry).days))
        petition: Json = {
            "id": f"XF{i + 1:02d}",
            "received": received.isoformat(),
            "deadline": (received + timedelta(days=60)).isoformat(),
        }
        closed = received + timedelta(days=rng.randint(20, 75))
        if closed <= as_of:
            petition.update(
                closed=closed.isoformat(), outcome=rng.choice(OUTCOMES).format(topic=folder.leaves[-1].topic)
            )
        petitions.append(petition)
    data: Json = {**folder.head(), "clues": clues}
    if petitions:
        data["petitions"] = petitions
    return dump(data, "保密：问题线索和信访件。不记录任何人员姓名，任何内容不得进入公开网站。")


def extensions_text(folder: Folder) -> str:
    """Occasionally, approved deadline extensions for leaves still being rectified (empty text: none)."""
    rng = folder.rng
    if rng.random() >= 0.15:
        return ""
    open_leaves = [leaf for leaf in folder.leaves if leaf.path[-1] in ("整改中", "基本完成", "长期整改")]
    extensions: list[Json] = []
    for leaf in rng.sample(open_leaves, min(len(open_leaves), rng.randint(1, 2))):
        deadline = folder.deadlines[leaf.id]
        requested = max(folder.visit.feedback, deadline - timedelta(days=rng.randint(10, 20)))
        approved = requested + timedelta(days=rng.randint(3, 10))
        if approved > folder.config.as_of:
            continue
        extensions.append(
            {
                "id": f"E{len(extensions) + 1}",
                "problem": leaf.id,
                "new_deadline": _month_end(deadline + timedelta(days=rng.choice((90, 180)))).isoformat(),
                "reason": folder.fill(rng.choice(EXTENSION_REASONS), topic=leaf.topic),
                "requested": requested.isoformat(),
                "approved_by": folder.visit.group,
                "approved": approved.isoformat(),
            }
        )
    if not extensions:
        return ""
    return dump(
        {**folder.head(), "extensions": extensions},
        "延期申请：经巡察组批准的整改时限调整（原方案时限不改动）。",
    )


# ---------------------------------------------------------------------------- writer


def write_repo(out: Path, config: Config, schema_dir: Path) -> tuple[int, int]:
    """Write a synthetic repository (schemas copied from ``schema_dir``); returns (files, bytes)."""
    shutil.copytree(schema_dir, out / "schemas", dirs_exist_ok=True)
    made: set[Path] = set()
    files = size = 0
    for relpath, text in generate(config):
        path = out / relpath
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        raw = text.encode("utf-8")
        path.write_bytes(raw)
        files, size = files + 1, size + len(raw)
    return files, size


def text_size(files: Iterable[tuple[str, str]]) -> int:
    """Total UTF-8 bytes of generated files (for sizing without writing)."""
    return sum(len(text.encode("utf-8")) for _, text in files)


def _syllables(text: str) -> tuple[tuple[str, str], ...]:
    """``"青qing 云yun"`` → ``(("青", "qing"), ("云", "yun"))``: a character and its pinyin for ids."""
    return tuple((word[0], word[1:]) for word in text.split())


# ---------------------------------------------------------------------------- phrase banks
# Wording typical of 巡察反馈 and 整改通报 (seed 002, the demo rounds); slots: {y} year, {n} {m}
# counts, {a} 万元, {p} percent, {org} the unit's Party organisation, {topic} the problem's subject.
# fmt: off

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘"
    "杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟万段钱汤尹黎易常武乔贺赖龚文"
)

DISTRICT_FIRST = _syllables(
    "青qing 云yun 澄cheng 柳liu 桐tong 梅mei 兰lan 枫feng 鹤he 泉quan 金jin"
    " 玉yu 龙long 沙sha 汀ting 松song 桃tao 白bai 新xin 永yong 瑞rui"
)
DISTRICT_SECOND = _syllables("湖hu 溪xi 川chuan 江jiang 山shan 塘tang 浦pu 桥qiao 泽ze 阳yang 城cheng 州zhou")
_PLACE_FIRST = (*DISTRICT_FIRST, *_syllables(
    "荷he 竹zhu 杏xing 黄huang 安an 平ping 宁ning 东dong 西xi 南nan"
    " 北bei 长chang 丰feng 兴xing 华hua 明ming 石shi 凤feng 和he 大da"
))
_PLACE_SECOND = (*DISTRICT_SECOND, *_syllables(
    "港gang 岭ling 田tian 林lin 湾wan 庄zhuang 坪ping 口kou 源yuan 洲zhou 圩wei 泾jing 墩dun 埠bu"
))
# one name per pinyin slug, so that ids never collide (枫湖 and 凤湖 are both fenghu)
PLACE_NAMES = sorted(
    {a[1] + b[1]: (a[0] + b[0], a[1] + b[1]) for a in _PLACE_FIRST for b in _PLACE_SECOND}.values()
)

AGENCIES = (  # (id suffix, agency, head's title)
    ("fgw", "发展和改革委员会", "主任"), ("czj", "财政局", "局长"), ("jyj", "教育局", "局长"),
    ("wjw", "卫生健康委员会", "主任"), ("zjj", "住房和城乡建设局", "局长"), ("jtj", "交通运输局", "局长"),
    ("nyj", "农业农村局", "局长"), ("zrj", "自然资源和规划局", "局长"),
    ("rsj", "人力资源和社会保障局", "局长"), ("mzj", "民政局", "局长"),
    ("slj", "水利局", "局长"), ("scj", "市场监督管理局", "局长"),
    ("sthj", "生态环境局", "局长"), ("swj", "商务局", "局长"), ("wlj", "文化广电和旅游局", "局长"),
    ("sjj", "审计局", "局长"), ("tjj", "统计局", "局长"), ("yjj", "应急管理局", "局长"),
    ("cgj", "城市管理局", "局长"), ("tyjr", "退役军人事务局", "局长"), ("ybj", "医疗保障局", "局长"),
    ("sfj", "司法局", "局长"), ("xzsp", "行政审批局", "局长"), ("jgsw", "机关事务管理局", "局长"),
)
ENTERPRISES = (
    ("ctjt", "城市投资发展集团有限公司"), ("jtjt", "交通建设投资集团有限公司"), ("swjt", "水务集团有限公司"),
    ("rmyy", "人民医院"), ("zyyy", "中医医院"), ("dyzx", "第一中学"),
    ("zjxx", "职业技术学校"), ("gzgs", "国有资产经营有限公司"), ("rzdb", "融资担保有限公司"),
    ("wljt", "文化旅游发展集团有限公司"),
)
AGENCY_DEPARTMENTS = (
    "办公室", "机关党委", "人事科", "财务审计科", "政策法规科", "综合规划科",
    "行政审批科", "监督检查科", "项目管理科", "信息中心", "安全监管科", "执法大队",
)
ENTERPRISE_DEPARTMENTS = (
    "党群工作部", "纪检监察室", "财务管理部", "人力资源部", "招标采购部",
    "工程管理部", "资产管理部", "审计法务部", "综合办公室", "投资发展部",
)
TOWN_DEPARTMENTS = (
    "党政办公室", "党建工作办公室", "财政所", "经济发展办公室", "社会事业办公室", "纪检监察办公室",
    "农业农村办公室", "建设管理办公室", "综合行政执法局", "便民服务中心", "“三资”管理服务中心",
)
VILLAGE_DEPARTMENTS = ("村党总支", "村委会", "村务监督委员会", "村股份经济合作社")
COMMUNITY_DEPARTMENTS = ("社区党委", "社区居委会", "社区居务监督委员会", "网格服务站")
BUILDINGS = ("办公楼", "便民服务中心", "综合楼")
ROUND_KINDS = ("常规", "专项", "机动", "提级", "交叉", "回头看")
CLUE_CATEGORIES = ("进一步了解关注类", "了解关注类", "其他类")

SCOPES = {
    "all": frozenset({"区级机关", "企事业单位", "区镇", "街道", "村", "社区"}),
    "organ": frozenset({"区级机关", "企事业单位", "区镇", "街道"}),
    "village": frozenset({"区镇", "街道", "村", "社区"}),
}

# (aspect, scope, [(problem title, topic, [refined texts])])
ASPECTS: tuple[tuple[str, str, list[tuple[str, str, list[str]]]], ...] = (
    ("贯彻落实党的路线方针政策和党中央重大决策部署方面", "all", [
        ("学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神不够深入", "理论学习", [
            "{org}理论学习中心组学习计划性不强，{y}年以来专题研讨仅{m}次，部分学习以传达文件代替研讨交流，学用结合不够紧密。",
            "“第一议题”制度落实不到位，{y}年有{m}次会议未将学习习近平总书记最新重要讲话和重要指示批示精神作为第一议题。",
            "学习研讨质量不高，班子成员交流发言材料雷同，联系思想和工作实际不够，学习成果转化运用不足。",
            "青年理论学习小组活动开展不经常，{y}年仅组织集中学习{m}次，学习记录不完整，学习效果无跟踪评估。",
        ]),
        ("贯彻落实上级重大决策部署不够有力", "重大决策部署落实", [
            "对上级部署的{n}项重点任务缺乏跟踪督办，其中{m}项未按时间节点完成，推进落实打折扣、搞变通。",
            "研究部署工作多，推动落实少，{y}年制定的工作方案中有{m}项措施未落地见效，存在“以文件落实文件”现象。",
            "落实“放管服”改革要求不到位，{n}个审批事项办理时限超过承诺时限，群众和企业办事仍需多头跑、反复跑。",
        ]),
        ("服务高质量发展作用发挥不充分", "重点项目推进", [
            "重点项目推进缓慢，{y}年度{n}个重点项目中有{m}个未按计划节点推进，牵头协调、跟踪督办作用发挥不充分。",
            "优化营商环境政策落实不到位，涉企政策兑现流程繁琐、材料要求多，部分惠企资金从公示到拨付超过{m}个月。",
            "项目储备质量不高，项目库中部分项目前期工作深度不足，存在长期“只入库不推进”现象。",
        ]),
        ("防范化解重大风险工作不到位", "风险防范化解", [
            "安全生产监管存在薄弱环节，{y}年以来检查发现的{n}处隐患中有{m}处未按期整改闭环，隐患台账更新不及时。",
            "债务风险防控不力，部分项目融资未按规定履行审批程序，涉及金额{a}万元，偿债计划不明确。",
            "信访矛盾化解不及时，{y}年以来重复信访{n}件次，部分群众合理诉求未得到及时回应和解决。",
        ]),
        ("生态环境保护责任落实不到位", "生态环境保护", [
            "河湖长制落实不到位，巡河记录流于形式，{y}年以来发现的{m}处河道“四乱”问题整改不彻底。",
            "生态环境保护督察交办问题整改不彻底，交办的{m}件信访件中有部分问题出现反弹，群众反映强烈。",
            "秸秆禁烧、垃圾分类等工作推进不力，日常巡查不到位，{y}年被上级通报{m}次。",
        ]),
    ]),
    ("落实全面从严治党主体责任和监督责任方面", "all", [
        ("落实全面从严治党主体责任不到位", "全面从严治党主体责任", [
            "{org}专题研究全面从严治党工作不够，{y}年以来仅专题研究{m}次，党风廉政建设责任清单未随班子分工调整及时更新。",
            "主要负责人履行第一责任人职责不到位，对班子成员和下属单位主要负责人的廉政提醒谈话流于形式，谈话记录内容千篇一律。",
            "班子成员落实“一岗双责”不到位，对分管领域党风廉政建设过问少、督促少，{y}年仅开展廉政谈话{m}人次。",
            "廉政风险防控机制不健全，风险点排查不全面，防控措施针对性不强，{m}个重点岗位未纳入风险防控清单。",
        ]),
        ("违反中央八项规定精神问题仍有发生", "中央八项规定精神落实", [
            "公务接待管理不严，{y}年有{n}批次公务接待无公函，接待清单填写不完整，存在超标准接待现象。",
            "公务用车管理不规范，存在公车节假日未按规定入库停放、派车单事后补签等问题，{y}年涉及{n}车次。",
            "违规发放津贴补贴，{y}年以来以加班费、值班费名义发放补贴{a}万元，缺乏政策依据。",
            "差旅费报销审核不严，{n}笔差旅费报销未附会议通知或审批单，部分超标准报销住宿费。",
            "以会议、培训名义变相组织旅游，{y}年组织的{m}次外出培训中部分行程与培训内容无关。",
        ]),
        ("监督责任落实不到位", "日常监督", [
            "日常监督不深入，对“三重一大”事项、工程项目、资金使用等重点领域监督缺位，发现问题能力不强。",
            "执纪问责偏宽偏软，{y}年以来查处的{m}起违纪问题中有部分问题处理偏轻，“四种形态”运用不够精准。",
            "对巡察、审计发现的问题线索处置不及时，{m}件问题线索超期未办结，未按规定报告办理进展。",
        ]),
        ("形式主义、官僚主义问题仍然存在", "文风会风", [
            "文山会海问题依然存在，{y}年召开各类会议{n}次，以会议落实会议、以文件落实文件现象突出。",
            "督查检查考核过多过频，对基层的督查检查事项未按规定报备，{y}年组织检查{n}次，基层负担较重。",
            "调查研究不深入，部分调研报告内容空泛，提出的对策建议可操作性不强，调研成果转化率低。",
        ]),
    ]),
    ("重点领域和关键环节廉洁风险防控方面", "organ", [
        ("“三重一大”决策制度执行不严格", "“三重一大”决策", [
            "“三重一大”事项决策程序不规范，{y}年有{m}项大额资金使用未经集体研究，由主要负责人个人审批。",
            "集体决策议题准备不充分，会前未充分征求意见，部分议题临时动议，会议记录不完整、表决情况记录不清。",
            "“三重一大”事项清单未及时修订，决策事项范围界定不清，执行过程中存在随意性。",
        ]),
        ("政府采购不规范", "政府采购管理", [
            "部分服务类项目化整为零规避政府采购，{y}年同类服务分{m}次直接委托，合计金额{a}万元，超过公开招标限额标准。",
            "采购项目履约验收不规范，{n}个项目验收由经办人员单人完成，未组织验收小组，验收记录缺失。",
            "采购需求论证不充分，部分项目采购参数设置带有倾向性，限制潜在供应商参与竞争。",
        ]),
        ("工程建设项目管理存在漏洞", "工程建设项目管理", [
            "工程项目建设程序不规范，{m}个项目先施工后办理手续，部分项目未批先建。",
            "工程变更签证管理不严，{y}年以来{n}项工程变更未履行审批程序，涉及金额{a}万元。",
            "工程款支付不规范，存在超进度付款、未按合同约定扣留质保金等问题，涉及金额{a}万元。",
            "工程项目结算审计不及时，{m}个已完工项目超过一年未办理竣工结算和财务决算。",
        ]),
        ("财务管理不规范", "财务管理", [
            "财务报销审核把关不严，{n}笔支出票据不规范，部分报销缺少经办人、审批人签字。",
            "往来款项长期挂账未清理，{y}年底其他应收款中账龄超过3年的款项{a}万元。",
            "专项资金管理使用不规范，部分专项资金改变用途，{a}万元专项资金结转超过两年未使用。",
            "国有资产管理不严格，资产账实不符，{m}处房产出租未经评估和公开招租，租金收缴不及时。",
        ]),
    ]),
    ("落实新时代党的组织路线方面", "all", [
        ("选人用人工作不规范", "选人用人", [
            "干部选拔任用程序不规范，{y}年有{m}名干部提拔时动议环节记录缺失，考察材料内容简单、评价空泛。",
            "干部人事档案管理不严格，专项审核发现{n}卷档案存在“三龄二历”信息不一致问题未及时认定。",
            "干部交流轮岗不到位，{m}名重要岗位干部在同一岗位任职超过10年，未按规定交流。",
            "干部教育管理监督偏松，对干部因私出国（境）证照管理不严，个人有关事项报告审核不细。",
        ]),
        ("基层党组织建设薄弱", "基层党组织建设", [
            "“三会一课”制度落实不到位，{y}年有{m}个党支部未按规定召开支部委员会，党课内容与业务工作结合不够。",
            "党员发展不规范，{m}名发展对象培养考察期不满一年即被确定为预备党员，入党材料不齐全。",
            "党费收缴管理不规范，部分党员未按规定标准交纳党费，{y}年少交党费{a}万元。",
            "组织生活会质量不高，批评与自我批评辣味不足，相互批评意见多为工作建议。",
        ]),
        ("干部队伍建设不够有力", "干部队伍建设", [
            "年轻干部培养力度不够，干部队伍年龄结构老化，35岁以下干部占比仅{p}%。",
            "编外用工管理不规范，{m}名编外人员未按规定公开招聘，存在因人设岗现象。",
            "干部考核评价机制不健全，年度考核结果区分度不高，考核结果运用不充分。",
        ]),
    ]),
    ("意识形态工作和巡视巡察、审计等整改方面", "all", [
        ("意识形态工作责任制落实不到位", "意识形态工作", [
            "意识形态工作责任制落实不到位，{y}年{org}仅专题研究意识形态工作{m}次，分析研判不深入。",
            "网络意识形态阵地管理不严，政务新媒体信息发布审核把关不严，{y}年有{m}条信息发布未履行“三审三校”。",
            "宣传思想阵地建设滞后，宣传栏内容更新不及时，部分内容已过时。",
        ]),
        ("巡视巡察、审计等发现问题整改不到位", "上轮巡察和审计整改", [
            "上轮巡察反馈的{n}个问题中有{m}个整改不到位，存在“纸面整改”“虚假整改”现象。",
            "审计发现问题整改不彻底，{y}年审计指出的{m}个问题中部分问题仍未整改销号，涉及金额{a}万元。",
            "整改长效机制建设不足，整改中建立的制度执行不到位，同类问题反复出现。",
        ]),
        ("主题教育检视问题整改不彻底", "主题教育问题整改", [
            "主题教育检视整改问题清单中有{m}项问题整改措施不具体，整改时限一再延后。",
            "为民办实事项目推进不力，{y}年承诺的{m}件实事中有部分未按期办结，群众满意度不高。",
        ]),
    ]),
    ("群众身边不正之风和腐败问题方面", "village", [
        ("村级“三资”管理不规范", "村级“三资”管理", [
            "集体资产出租出借未按规定进行公开招标，{m}宗集体土地、厂房以协议方式出租，租金明显低于市场价格。",
            "村级财务管理不规范，{n}笔支出无经办人、证明人签字，部分白条入账，涉及金额{a}万元。",
            "村集体资金存在“坐收坐支”现象，{y}年以来收取的租金{a}万元未及时入账。",
            "集体经济合同管理混乱，{m}份合同存在期限过长、租金过低等问题，部分合同到期未及时续签。",
        ]),
        ("惠民惠农政策落实不到位", "惠民惠农政策落实", [
            "低保、特困等救助对象动态管理不及时，{m}名不符合条件人员仍在享受低保待遇，涉及资金{a}万元。",
            "惠农补贴发放审核不严，存在虚报面积、冒领补贴现象，涉及金额{a}万元。",
            "残疾人补贴、高龄津贴发放不规范，{m}名已故人员补贴未及时停发。",
        ]),
        ("村（居）务公开和民主管理不到位", "村（居）务公开", [
            "村（居）务公开不及时、不全面，{y}年有{m}个季度财务收支未按规定公开，公开内容过于笼统。",
            "“四议两公开”工作法落实不到位，{m}项重大事项未经村（居）民代表会议表决。",
            "村（居）务监督委员会作用发挥不充分，对小型工程项目、财务收支监督流于形式。",
        ]),
        ("小微权力运行监督不力", "小微权力监督", [
            "小型工程项目管理不规范，{m}个项目未按规定进行招投标，由村（社区）干部直接指定施工方。",
            "村（社区）干部近亲属承揽小型工程、参与集体资产租赁，利益冲突回避制度执行不到位。",
            "印章管理不规范，用章登记不全，存在“先用章后审批”现象。",
            "在公益性岗位安排、困难救助等工作中存在优亲厚友现象，群众反映较多。",
        ]),
    ]),
)

LIFECYCLES: tuple[tuple[int, tuple[str, ...]], ...] = (  # (weight, states in order)
    (40, ("整改中", "已完成", "已销号")),
    (10, ("整改中", "已完成")),
    (10, ("整改中", "基本完成", "已完成", "已销号")),
    (5, ("未启动", "整改中", "已完成", "已销号")),
    (6, ("整改中", "长期整改", "基本完成")),
    (4, ("整改中", "已完成", "已销号", "整改中")),
    (4, ("整改中", "已完成", "整改中", "已完成")),
    (6, ("整改中",)),
    (5, ("已完成", "已销号")),
    (5, ("整改中", "基本完成")),
    (5, ("整改中", "整改中", "已完成", "已销号")),
)
LIFECYCLE_WEIGHTS = [weight for weight, _ in LIFECYCLES]
LIFECYCLE_PATHS = [path for _, path in LIFECYCLES]

RETURN_NOTES = (
    "整改措施不够具体，部分问题责任未落实到人，请修改完善后重新报送。",
    "问题认领不完整，未做到照单全收，整改时限设置过于宽松，请重新报送。",
    "未经领导班子集体研究，整改措施针对性不强，请修改完善后重新报送。",
)
MEASURES = (
    "对照反馈问题开展{topic}专项自查，逐项建立问题台账，明确整改时限和责任人，整改一项、销号一项。",
    "修订完善{topic}相关制度，进一步明确工作流程、审批权限和监督责任，从制度上堵塞漏洞。",
    "每季度对{topic}情况开展一次督促检查，检查结果在{org}会议上通报，对整改不力的进行约谈。",
    "将{topic}纳入年度党建工作考核和党风廉政建设责任制考核内容，压实班子成员“一岗双责”。",
    "举一反三，对{y}年以来同类问题开展“回头看”，对发现的问题立行立改、即知即改。",
    "组织开展{topic}专题培训，邀请业务主管部门讲解政策规定，提升经办人员业务能力。",
    "对相关责任人进行批评教育和谈话提醒，情节严重的移交纪检监察机关依规依纪处理。",
    "建立{topic}长效机制，定期分析研判，防止问题反弹回潮。",
    "召开{org}会议专题研究{topic}问题整改，制定任务清单、责任清单，明确完成时限。",
    "主动向社会公开{topic}整改情况，畅通群众监督渠道，接受群众监督。",
)
MILESTONES = (
    "完成{topic}问题排查，建立整改台账",
    "{topic}制度修订完善并印发实施",
    "{topic}长效机制运行一年并开展评估",
)
STATUS_NOTES = {  # by state, or by reopen reason
    "未启动": (
        "待整改方案批复后启动整改。",
        "已明确牵头领导和责任部门，待方案审核通过后实施。",
    ),
    "整改中": (
        "已召开整改专题会议部署，明确牵头领导和责任部门，正在推进。",
        "已完成{topic}专项自查，发现问题{n}个，已整改{m}个，其余正在推进。",
        "{topic}制度已起草，正在征求意见，预计按期完成。",
        "季度进展：已完成阶段性整改任务，正按方案时限推进。",
    ),
    "基本完成": (
        "主要整改措施已落实，{topic}制度已修订，长效机制仍在完善中。",
        "阶段性整改目标已实现，剩余{m}项事项正在推进。",
    ),
    "长期整改": (
        "该问题需长期坚持，已制定阶段目标，按季度推进并报告进展。",
    ),
    "已完成": (
        "整改措施全部落实，已形成{topic}整改台账，提交销号申请。",
        "已完成{topic}问题整改，建立制度{m}项，提交验收材料。",
    ),
    "已销号": (
        "经实地核查和资料审核，整改到位，同意销号。",
        "经抽查复核，{topic}问题已整改到位，予以销号。",
    ),
    "抽查发现未完成": (
        "抽查发现部分{topic}问题仍未整改到位，重新整改。",
        "抽查发现整改台账与实际不符，退回重新整改。",
    ),
    "问题反弹": (
        "{topic}同类问题再次出现，重新纳入整改台账。",
        "销号后回访发现问题反弹，重新整改。",
    ),
}
EVIDENCE = (
    "《关于进一步规范{topic}的实施办法》",
    "{topic}专项检查报告",
    "{topic}整改台账（{year}年）",
    "{org}会议纪要（{date}）",
    "责任人谈话提醒记录",
    "整改验收意见书",
    "{topic}培训签到表及课件",
    "问题整改前后对比照片{m}张",
)
DONE_PHRASES = (
    "制定出台{topic}相关管理办法，明确审批流程和监督责任",
    "开展{topic}专项检查，对{y}年以来的{n}项事项逐一复核，发现问题已全部整改到位",
    "召开{org}会议专题研究{topic}问题整改{m}次，将整改情况纳入年度考核",
    "对{m}名相关责任人进行批评教育和谈话提醒",
    "建立{topic}定期报告和督查机制，每季度通报一次整改情况",
    "组织{topic}专题培训{m}场次，参训{n}人次",
    "清退、追回违规资金{a}万元，全部上缴或退还",
    "举一反三开展同类问题“回头看”，健全长效机制{m}项",
)
OUTCOMES = (
    "反映{topic}问题部分属实，已督促整改，对相关人员谈话提醒。",
    "反映问题不属实，予以了结澄清。",
    "反映{topic}问题属实，已对相关人员给予党内警告处分。",
    "经初步核实，反映问题查无实据，予以了结。",
    "反映问题属实，已责令退还违规款项并在一定范围内通报。",
)
EXTENSION_REASONS = (
    "{topic}问题涉及历史遗留事项，需协调多个部门共同解决，原定时限内难以完成。",
    "{topic}相关制度须经上级部门审批，审批周期较长，申请延期。",
    "涉及资金{a}万元的追缴需通过法律途径解决，诉讼程序尚未终结。",
)
# fmt: on
