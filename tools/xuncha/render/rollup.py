"""A rollup's tables as text, Markdown, JSON and an internal-site page (pure).

All four read the same sections: rate and ranking per member, rate per unit type, overdue
obligations by age, the units red the longest, and the members left out (with why).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xuncha.render import Page
from xuncha.render.internal import AGE_BUCKETS, kpis
from xuncha.render.md import a, front_matter, h, table
from xuncha.render.numerals import cn_date, percent
from xuncha.render.overdue import _aligned as aligned
from xuncha.render.progress import Tally
from xuncha.render.sites import Site
from xuncha.rollup.engine import Rollup

ALL = "全部"
PAGE = "rollup/index.md"
Link = Callable[[str, str | None], str]  # (member name, its site) → the cell


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str


def _plain(name: str, _site: str | None) -> str:
    return name


def sections(r: Rollup, link: Link = _plain) -> list[Section]:
    """The rollup's tables, member names made cells by ``link``."""
    return [
        Section(
            "整改落实率和排名",
            ("名次", "成员", "上级", "问题", "已完成", "整改落实率", "逾期问题", "逾期事项", "版本"),
            tuple(
                (
                    str(m.rank or "—"),
                    link(m.name, m.site),
                    m.parent,
                    str(m.problems),
                    str(m.completed),
                    percent(m.completed, m.problems),
                    str(m.red),
                    str(m.overdue),
                    m.commit[:12] or "—",
                )
                for m in r.members
            ),
            "没有纳入汇总的成员。",
        ),
        Section(
            "按上级",
            ("上级", "成员数", "问题", "已完成", "整改落实率"),
            tuple(
                (
                    g.parent,
                    str(g.members),
                    str(g.problems),
                    str(g.completed),
                    percent(g.completed, g.problems),
                )
                for g in r.parents
            ),
            "没有纳入汇总的成员。",
        ),
        Section(
            "按单位类型",
            ("单位类型", "成员", "问题", "已完成", "整改落实率"),
            tuple(
                (
                    t.unit_type,
                    link(t.member, _site(r, t.member)) if t.member else ALL,
                    str(t.problems),
                    str(t.completed),
                    percent(t.completed, t.problems),
                )
                for t in r.types
            ),
            "没有问题。",
        ),
        Section(
            "逾期事项（按逾期天数）",
            ("成员", *(label for _, label in AGE_BUCKETS), "合计"),
            tuple(
                (link(g.member, _site(r, g.member)), *map(str, g.counts), str(sum(g.counts))) for g in r.ages
            ),
            "没有逾期事项。",
        ),
        Section(
            "红灯持续最久的单位",
            ("成员", "轮次", "单位", "逾期问题", "最长逾期（天）", "红灯起始"),
            tuple(
                (
                    link(u.member, _site(r, u.member)),
                    u.round,
                    f"{u.unit_name}（{u.unit}）",
                    str(u.red),
                    str(u.days),
                    u.since.isoformat(),
                )
                for u in r.longest_red
            ),
            "没有红灯单位。",
        ),
        Section(
            "未纳入汇总的成员",
            ("成员", "原因"),
            tuple((link(o.name, None), "；".join(o.reasons)) for o in r.left_out),
            "所有成员均已纳入。",
        ),
    ]


def _site(r: Rollup, member: str) -> str | None:
    return next((m.site for m in r.members if m.name == member), None)


def title(r: Rollup) -> str:
    return f"{r.name}巡察整改汇总（截至 {r.as_of}，{len(r.members)} 个成员纳入，{len(r.left_out)} 个未纳入）"


def text(r: Rollup) -> str:
    lines = [title(r)]
    for s in sections(r):
        lines += ["", f"■ {s.title}"]
        lines += aligned([s.headers, *s.rows]) if s.rows else [f"  {s.empty}"]
    return "\n".join(lines)


def markdown(r: Rollup) -> str:
    lines = [f"# {_md(title(r))}"]
    for s in sections(r):
        lines += ["", f"## {s.title}", ""]
        if s.rows:
            lines += [_md_row(s.headers), "|" + "---|" * len(s.headers), *(_md_row(row) for row in s.rows)]
        else:
            lines.append(s.empty)
    return "\n".join(lines)


def as_json(r: Rollup) -> str:
    document = {
        "name": r.name,
        "level": r.level,
        "as_of": r.as_of,
        "members": [
            {
                "rank": m.rank,
                "name": m.name,
                "parent": m.parent,
                "commit": m.commit,
                "problems": m.problems,
                "completed": m.completed,
                "rectification_rate": None if m.rate is None else round(m.rate, 4),
                "red_problems": m.red,
                "overdue": m.overdue,
                "site": m.site,
            }
            for m in r.members
        ],
        "parents": [
            {"parent": g.parent, "members": g.members, "problems": g.problems, "completed": g.completed}
            for g in r.parents
        ],
        "unit_types": [
            {"unit_type": t.unit_type, "member": t.member, "problems": t.problems, "completed": t.completed}
            for t in r.types
        ],
        "overdue_by_age": [
            {"member": g.member, **dict(zip((label for _, label in AGE_BUCKETS), g.counts, strict=True))}
            for g in r.ages
        ],
        "longest_red": [
            {
                "member": u.member,
                "round": u.round,
                "unit": u.unit,
                "unit_name": u.unit_name,
                "red_problems": u.red,
                "days": u.days,
                "since": u.since.isoformat(),
            }
            for u in r.longest_red
        ],
        "left_out": [{"name": o.name, "reasons": list(o.reasons)} for o in r.left_out],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def page(r: Rollup) -> str:
    """The internal site's rollup dashboard: the same big figures and tables as a county's."""
    total = sum((Tally(m.completed, m.basic, m.problems - m.completed - m.basic) for m in r.members), Tally())
    red = sum(m.red for m in r.members)
    parts = [
        front_matter(f"{r.name}汇总", search=False),
        f"# {h(r.name)}巡察整改汇总",
        f"截至{cn_date(r.as_of)} · {len(r.members)}个成员纳入汇总 · {len(r.left_out)}个未纳入",
        kpis(total, [(str(red), "逾期问题")]),
    ]
    for s in sections(r, _member_link):
        parts += [
            f"## {s.title}",
            table([h(c) for c in s.headers], [_cells(s, row) for row in s.rows]) if s.rows else s.empty,
        ]
    return "\n\n".join(parts) + "\n"


def with_rollup(site: Site, r: Rollup) -> Site:
    """The internal site with the rollup dashboard added (one nav entry, ``rollup/index.md``)."""
    pages = [*site.pages, Page(PAGE, page(r))]
    return Site(pages, [*site.nav, {"汇总": PAGE}], site.messages)


def _member_link(name: str, site: str | None) -> str:
    return a(name, site) if site else h(name)


def _cells(s: Section, row: tuple[str, ...]) -> list[str]:
    """Member cells are links (HTML already); every other cell is data, escaped."""
    linked = {i for i, header in enumerate(s.headers) if header == "成员"}
    return [cell if i in linked else h(cell) for i, cell in enumerate(row)]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _md_row(cells: Iterator[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"
