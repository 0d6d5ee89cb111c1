"""The internal status site: dashboard, round pages, and the assembly of all internal pages.

Unit and problem pages live in :mod:`.unit` and :mod:`.problem`. The navigation
holds only the dashboard and the rounds; units are reached from their round,
problems from their unit (and from search), so every page renders a short nav
and the build stays linear in the number of problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from xuncha.render import Page, Slots
from xuncha.render.charts import columns, line, rate_bars
from xuncha.render.md import BLUE, GREEN, GREY, RED, YELLOW, Light, a, esc, front_matter, h, lamp, table
from xuncha.render.model import DueRow, LeafView, RoundView, SiteModel, UnitView
from xuncha.render.numerals import cn_date, percent
from xuncha.render.problem import problem_page, short_title
from xuncha.render.progress import Tally, is_completed
from xuncha.render.unit import unit_page

if TYPE_CHECKING:  # history loads GitPython, which needs git: the site builds without it
    from xuncha.review.history import Entry, ProblemKey

    Trails = Mapping[ProblemKey, Sequence[Entry]]

# (round, unit) → its notices' internal previews, each page's path its file stem
Previews = Mapping[tuple[str, str], Sequence[Page]]
LIST_LIMIT = 50
AGE_BUCKETS = ((30, "1–30天"), (90, "31–90天"), (180, "91–180天"), (None, "180天以上"))


def internal_pages(model: SiteModel, notices: Previews, trails: Trails | None = None) -> list[Page]:
    """Every page of the internal site, with the ``notices``' previews; ``trails`` maps
    (round, unit, problem) to the problem's changes from git (None: no usable history)."""
    pages = [
        Page("index.md", dashboard(model)),
        Page("rounds/index.md", rounds_page(model)),
        *charts_for("charts/all", model.units(), model.as_of),
    ]
    for round_view in model.rounds:
        base = f"rounds/{round_view.id}"
        pages.append(Page(f"{base}/index.md", *round_page(round_view, model.as_of, notices)))
        pages.extend(charts_for(f"{base}/charts", round_view.units, model.as_of))
        for view in round_view.units:
            previews = notices.get((view.round_id, view.unit_id), [])
            stems = [preview.path for preview in previews]
            pages.append(unit_page(f"{base}/{view.unit_id}/index.md", view, round_view, stems))
            for leaf in view.leaves:
                key = (view.round_id, view.unit_id, leaf.node.id)
                trail = None if trails is None else trails.get(key, ())
                pages.append(
                    problem_page(f"{base}/{view.unit_id}/{leaf.node.id}.md", leaf, view, round_view, trail)
                )
            pages.extend(
                replace(preview, path=f"{base}/{view.unit_id}/notices/{preview.path}.md")
                for preview in previews
            )
    return pages


def nav(model: SiteModel) -> list[dict[str, str]]:
    """Two fixed entries, whatever the data: every page renders the nav, so its size must not grow."""
    return [{"总览": "index.md"}, {"各轮巡察": "rounds/index.md"}]


def rounds_page(model: SiteModel) -> str:
    """All rounds, newest first: the way into round, unit and problem pages."""
    parts = [
        front_matter("各轮巡察", search=False),
        "# 各轮巡察",
        f"截至{cn_date(model.as_of)}，共{len(model.rounds)}轮巡察。",
        round_table(model.rounds, prefix=""),
    ]
    return "\n\n".join(parts) + "\n"


def kpis(counts: Tally, extra: Sequence[tuple[str, str]] = ()) -> str:
    """Big figures at the top of a page (raw HTML block; all values are numbers we computed)."""
    cells = [
        (percent(counts.completed, counts.total), "整改落实率"),
        (str(counts.total), "问题总数"),
        (str(counts.completed), "已完成"),
        (str(counts.basic), "基本完成"),
        (str(counts.open), "未完成"),
        *extra,
    ]
    inner = "".join(f'<div class="xc-kpi"><b>{value}</b><span>{label}</span></div>' for value, label in cells)
    return f'<div class="xc-kpis">{inner}</div>'


def dashboard(model: SiteModel) -> str:
    units = model.units()
    leaves = [(u, leaf) for u in units for leaf in u.leaves]
    lights = _light_counts(leaf for _, leaf in leaves)
    parts = [
        front_matter("巡察整改总览", search=False),
        "# 巡察整改总览",
        f"截至{cn_date(model.as_of)} · {len(model.rounds)}轮巡察 · {len(units)}个单位（次）",
        kpis(
            model.counts, [(str(lights[RED.colour]), "逾期问题"), (str(lights[YELLOW.colour]), "30日内到期")]
        ),
        "## 各轮整改情况",
        round_table(model.rounds),
        "## 红黄绿灯",
        light_table(lights),
        "## 今日逾期",
        overdue_section(leaves, [(u, d) for u in units for d in u.dues], "rounds/"),
        "## 30日内到期",
        due_soon_section(leaves, [(u, d) for u in units for d in u.dues], "rounds/"),
        "## 图表",
        chart_images("charts/all"),
    ]
    return "\n\n".join(parts) + "\n"


def round_table(rounds: Sequence[RoundView], prefix: str = "rounds/") -> str:
    rows = []
    for r in rounds:
        c = r.counts
        lights = _light_counts(leaf for u in r.units for leaf in u.leaves)
        rows.append(
            [
                a(r.name, f"{prefix}{r.id}/index.md"),
                h(r.data.get("kind", "")),
                str(len(r.units)),
                *_count_cells(c),
                str(lights[RED.colour]),
                str(lights[YELLOW.colour]),
            ]
        )
    headers = ["轮次", "类型", "单位", "问题", "已完成", "基本完成", "未完成", "落实率", "逾期", "临期"]
    return table(headers, rows)


def _count_cells(c: Tally) -> list[str]:
    return [str(c.total), str(c.completed), str(c.basic), str(c.open), percent(c.completed, c.total)]


def _light_counts(leaves: Iterable[LeafView]) -> dict[str, int]:
    counts = {"green": 0, "yellow": 0, "red": 0, "grey": 0, "blue": 0}
    for leaf in leaves:
        counts[leaf.light.colour] += 1
    return counts


def light_table(counts: dict[str, int]) -> str:
    rows = [[lamp(light), str(counts[light.colour])] for light in (RED, YELLOW, GREEN, GREY, BLUE)]
    return table(["灯", "问题数"], rows)


def _leaf_link(unit: UnitView, leaf: LeafView, prefix: str) -> str:
    return a(
        f"{leaf.node.id} {short_title(leaf.node)}",
        f"{prefix}{unit.round_id}/{unit.unit_id}/{leaf.node.id}.md",
    )


def _unit_link(unit: UnitView, prefix: str) -> str:
    return a(unit.name, f"{prefix}{unit.round_id}/{unit.unit_id}/index.md")


def overdue_section(
    leaves: Sequence[tuple[UnitView, LeafView]],
    dues: Sequence[tuple[UnitView, DueRow]],
    prefix: str,
    limit: int | None = LIST_LIMIT,
) -> str:
    """Overdue problems (most overdue first) and overdue obligations, each list capped on the dashboard."""
    return _light_section(leaves, dues, prefix, limit, RED, "逾期")


def due_soon_section(
    leaves: Sequence[tuple[UnitView, LeafView]],
    dues: Sequence[tuple[UnitView, DueRow]],
    prefix: str,
    limit: int | None = LIST_LIMIT,
) -> str:
    """Problems and obligations due within the warning window, soonest first."""
    return _light_section(leaves, dues, prefix, limit, YELLOW, "剩余")


def _light_section(
    leaves: Sequence[tuple[UnitView, LeafView]],
    dues: Sequence[tuple[UnitView, DueRow]],
    prefix: str,
    limit: int | None,
    light: Light,
    days_header: str,
) -> str:
    """The problems and the obligations showing ``light``, sorted by their day count."""

    def days(count: int | None) -> str:  # overdue counts are negative; show their size
        return f"{-(count or 0)}天" if light == RED else f"{count}天"

    chosen = sorted(((u, x) for u, x in leaves if x.light == light), key=lambda p: p[1].days or 0)
    rows = [
        [_unit_link(u, prefix), _leaf_link(u, x, prefix), cn_date(str(x.deadline)), days(x.days)]
        for u, x in chosen
    ]
    chosen_dues = sorted(((u, d) for u, d in dues if d.light == light), key=lambda p: p[1].days or 0)
    due_rows = [[_unit_link(u, prefix), h(d.what), cn_date(d.due), days(d.days)] for u, d in chosen_dues]
    return (
        _capped("问题", ["单位", "问题", "整改时限", days_header], rows, limit)
        + "\n"
        + _capped("时限事项", ["单位", "事项", "应完成日期", days_header], due_rows, limit)
    )


def _capped(what: str, headers: list[str], rows: list[list[str]], limit: int | None) -> str:
    """A titled table (HTML), cut at ``limit`` rows on the dashboard (round pages list everything)."""
    if not rows:
        return f"<p>没有逾期或临期的{what}。</p>"
    shown = rows if limit is None else rows[:limit]
    note = (
        f"\n<p>（仅列前{limit}项，另有{len(rows) - limit}项见各轮页面。）</p>"
        if len(rows) > len(shown) and limit
        else ""
    )
    return f"<p><strong>{what}（{len(rows)}项）</strong></p>\n" + table(headers, shown) + note


def round_page(r: RoundView, as_of: str, notices: Previews) -> tuple[str, tuple[str, ...]]:
    """(Markdown, HTML for its slots): a round's lists grow with its problems, so they are slots."""
    lights = _light_counts(leaf for u in r.units for leaf in u.leaves)
    leaves = [(u, leaf) for u in r.units for leaf in u.leaves]
    dues = [(u, d) for u in r.units for d in u.dues]
    html = Slots()
    parts = [
        front_matter(r.name, search=False),
        f"# {esc(r.name)}",
        html.put(_round_facts(r)),
        html.put(kpis(r.counts, [(str(lights[RED.colour]), "逾期问题")])),
        "## 各单位整改情况",
        html.put(unit_table(r.units)),
        "## 今日逾期",
        html.put(overdue_section(leaves, dues, "../", limit=None)),
        "## 30日内到期",
        html.put(due_soon_section(leaves, dues, "../", limit=None)),
        "## 监督单位履行监督责任",
        html.put(supervisor_table(r)),
        "## 整改进展通报",
        html.put(_notice_list(r, notices)),
        "## 图表",
        chart_images("charts"),
    ]
    return "\n\n".join(parts) + "\n", tuple(html.html)


def _round_facts(r: RoundView) -> str:
    d = r.data
    span = (
        f"{cn_date(d['entry_date'])}至{cn_date(d['exit_date'])}"
        if d.get("entry_date") and d.get("exit_date")
        else "—"
    )
    rows = [
        ["巡察类型", h(d.get("kind", "—"))],
        ["巡察主体", h(d.get("inspecting_body", "—"))],
        ["进驻—撤离", span],
        ["被巡察单位", f"{len(r.units)}个"],
    ]
    return table(["项目", "内容"], rows)


def supervisor_table(r: RoundView) -> str:
    """The bodies that supervise this round's units (seed 004), ranked, each item with its reasons."""
    if not r.supervisors:
        return "<p>没有监督单位评分。</p>"
    rows = [
        [
            str(rank),
            h(body),
            f"{score.total:g}",
            h(score.grade),
            "<br>".join(
                f"{h(item)}：{points}" + (f"（{h(why)}）" if why else "") for item, points, why in score.lines
            ),
        ]
        for rank, body, score in r.supervisors
    ]
    note = (
        "<p>按监督单位评分细则（supervisors.yaml）由记录和 git 历史计算；"
        "明细见 <code>xuncha score --supervisors</code>。</p>"
    )
    return table(["排名", "监督单位", "总分", "等次", "各项得分及依据"], rows) + "\n" + note


def unit_table(units: Sequence[UnitView]) -> str:
    """Units ranked by score when scored, else by rectification rate."""
    ordered = sorted(units, key=lambda u: (u.rank or 10**6, -(u.counts.rate or 0), u.unit_id))
    rows = []
    for u in ordered:
        late = sum(1 for leaf in u.leaves if leaf.light == RED)
        score = (f"{u.score.total:g}", h(u.score.grade)) if u.score else ("—", "—")
        feedback = cn_date(str(u.entry["feedback_date"])) if u.entry.get("feedback_date") else "—"
        rows.append(
            [
                str(u.rank or "—"),
                a(u.name, f"{u.unit_id}/index.md"),
                h(u.entry.get("group", "")),
                feedback,
                *_count_cells(u.counts),
                str(late),
                *score,
            ]
        )
    headers = [
        "排名",
        "单位",
        "巡察组",
        "反馈日期",
        "问题",
        "已完成",
        "基本完成",
        "未完成",
        "落实率",
        "逾期",
        "评分",
        "等次",
    ]
    return table(headers, rows)


def _notice_list(r: RoundView, notices: Previews) -> str:
    rows = [
        [a(u.name, f"{u.unit_id}/index.md"), a(preview.path, f"{u.unit_id}/notices/{preview.path}.md")]
        for u in r.units
        for preview in notices.get((u.round_id, u.unit_id), [])
    ]
    return table(["单位", "通报"], rows) if rows else "<p>本轮尚无整改进展通报。</p>"


def chart_images(folder: str) -> str:
    return "\n\n".join(f"![{alt}]({folder}/{name}.svg)" for name, alt in CHARTS)


CHARTS = (("rates", "各单位整改落实率"), ("overdue", "逾期问题按逾期时长"), ("progress", "整改完成进度"))


def charts_for(folder: str, units: Sequence[UnitView], as_of: str) -> list[Page]:
    """The three charts of a page: rate per unit, overdue by age, completed share over time."""
    bars = [(f"{u.name}", u.counts.rate) for u in units]
    if len({u.round_id for u in units}) > 1:
        bars = _rates_by_round(units)
    return [
        Page(
            f"{folder}/rates.svg",
            rate_bars(CHARTS[0][1] if len(bars) == len(units) else "各轮整改落实率", bars),
        ),
        Page(
            f"{folder}/overdue.svg",
            columns(CHARTS[1][1], overdue_by_age([x for u in units for x in u.leaves])),
        ),
        Page(f"{folder}/progress.svg", line(CHARTS[2][1], progress_series(units, as_of), "已完成占比")),
    ]


def _rates_by_round(units: Sequence[UnitView]) -> list[tuple[str, float | None]]:
    by_round: dict[str, Tally] = {}
    for u in units:
        by_round[u.round_id] = by_round.get(u.round_id, Tally()) + u.counts
    return [(rid, t.rate) for rid, t in sorted(by_round.items(), reverse=True)]


def overdue_by_age(leaves: Iterable[LeafView]) -> list[tuple[str, int]]:
    counts = dict.fromkeys((label for _, label in AGE_BUCKETS), 0)
    for leaf in leaves:
        if leaf.light == RED and leaf.days is not None:
            late = -leaf.days
            label = next(label for limit, label in AGE_BUCKETS if limit is None or late <= limit)
            counts[label] += 1
    return list(counts.items())


def progress_series(units: Sequence[UnitView], as_of: str) -> list[tuple[str, float]]:
    """Share of problems completed at each month end, from the earliest feedback to the day.

    One sweep over every leaf's changes into and out of completion (a reopened
    problem leaves it again), so the cost is the log size plus the months.
    """
    starts = [str(u.entry["feedback_date"]) for u in units if u.entry.get("feedback_date")]
    total = sum(len(u.leaves) for u in units)
    if not starts or not total:
        return []
    changes = sorted(change for u in units for x in u.leaves for change in _completion_changes(x))
    series, done, i = [], 0, 0
    for label, day in _month_ends(min(starts), as_of):
        while i < len(changes) and changes[i][0] <= day:
            done, i = done + changes[i][1], i + 1
        series.append((label, done / total))
    return series


def _completion_changes(leaf: LeafView) -> list[tuple[str, int]]:
    """(date, +1) when the leaf becomes completed, (date, -1) when it is reopened."""
    out, completed = [], False
    for entry in leaf.status.get("log", []):
        now = is_completed(str(entry.get("state", "")))
        if now != completed:
            out.append((str(entry.get("date", "")), 1 if now else -1))
            completed = now
    return out


def _month_ends(start: str, end: str) -> list[tuple[str, str]]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        day = min(date.fromordinal(nxt.toordinal() - 1), last)
        out.append((f"{year % 100:02d}年{month}月", day.isoformat()))
        year, month = nxt.year, nxt.month
    return out
