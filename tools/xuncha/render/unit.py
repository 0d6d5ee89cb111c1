"""A unit's page: the problem tree (aspect → problem → refined → task) with lights, then the
plan, meetings and reports with their dates, deadlines, extensions, supervision, score sheet.

Only the page head is indexed for search; the tree repeats problem texts that
their own pages already index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..index import Node
from . import slot
from .md import NO_SEARCH, a, esc, front_matter, h, lamp, link, table
from .model import LeafView, RoundView, UnitView
from .numerals import cn_date, percent
from .problem import short_title

Json = dict[str, Any]


def unit_page(view: UnitView, round_view: RoundView, notices: Sequence[str]) -> tuple[str, str]:
    """(Markdown of the page, the problem tree's HTML for its slot)."""
    sections = [
        front_matter(f"{view.name}（{round_view.name}）", search=True),
        f"# {esc(view.name)}",
        _facts(view, round_view),
        f"## 问题清单 {NO_SEARCH}",
        slot(0),
        f"## 时限事项 {NO_SEARCH}",
        _dues(view),
        f"## 整改方案 {NO_SEARCH}",
        _plan(view),
        f"## 会议和报告 {NO_SEARCH}",
        _meetings(view),
        _reports(view),
        f"## 延期 {NO_SEARCH}",
        _extensions(view),
        f"## 督查督办 {NO_SEARCH}",
        _supervision(view),
        f"## 质效评估 {NO_SEARCH}",
        _score(view),
        f"## 整改进展通报 {NO_SEARCH}",
        _notices(notices),
    ]
    return "\n\n".join(s for s in sections if s) + "\n", problem_tree(view)


def _facts(view: UnitView, round_view: RoundView) -> str:
    c, e = view.counts, view.entry
    said = view.folder.feedback.data.get("announced", {}) if view.folder.feedback else {}
    rows = [
        ["巡察轮次", a(round_view.name, "../index.md")],
        ["单位全称", h(view.unit.get("name", view.unit_id))],
        ["单位类型", h(view.unit.get("type", "—"))],
        ["巡察组", h(e.get("group", "—"))],
        ["反馈日期", cn_date(str(e["feedback_date"])) if e.get("feedback_date") else "—"],
        ["通报口径", f"{said['aspects']}个方面{said['problems']}个问题" if said else "—"],
        ["末级问题", f"{c.total}个：已完成{c.completed}个，基本完成{c.basic}个，未完成{c.open}个"],
        ["整改落实率", percent(c.completed, c.total)],
    ]
    return table(["项目", "内容"], rows)


def problem_tree(view: UnitView) -> str:
    """Aspect → problem → refined → task as HTML headings (h3–h6), each followed by its verbatim text.

    Each problem is its own search entry pointing here (``#p01-2``): search finds
    problems on their unit's page, and the problem pages stay out of the index.
    """
    feedback = view.folder.feedback
    if feedback is None:
        return "<p>尚未录入反馈意见。</p>"
    leaves = {leaf.node.id: leaf for leaf in view.leaves}
    nodes = view.folder.nodes
    blocks = []
    for aspect in feedback.data.get("aspects", []):
        anchor = str(aspect.get("id", "")).lower()
        title = f"{h(aspect.get('id', ''))} {h(aspect.get('title', ''))}"
        blocks.append(f'<h3 id="{anchor}" data-search-exclude>{title}</h3>')
        for problem in aspect.get("problems", []):
            blocks.extend(_branch(nodes, nodes[str(problem.get("id"))], leaves))
    return "\n".join(blocks)


def _branch(nodes: dict[str, Node], node: Node, leaves: dict[str, LeafView]) -> list[str]:
    tag = f"h{4 + node.level}"
    anchor = node.id.lower().replace(".", "-")
    data = node.data
    if node.id in leaves:
        return _leaf(node, leaves[node.id], tag, anchor)
    blocks = [f'<{tag} id="{anchor}">{h(node.id)} {h(data.get("title") or "")}</{tag}>']
    if data.get("text"):
        blocks.append(f"<p>{h(data['text'])}</p>")
    for child in node.children:
        blocks.extend(_branch(nodes, nodes[child], leaves))
    return blocks


def _leaf(node: Node, leaf: LeafView, tag: str, anchor: str) -> list[str]:
    """A leaf's heading is its search result title: id and short title, as on its own page.

    The state and deadline change, so they stay out of the heading, on a line
    under it that search skips (a ``<b>``: Material's parser loses the skip
    when an excluded element contains one of its own tag, like a ``<span>`` the lamp).
    """
    title = short_title(node)
    head = f'<{tag} id="{anchor}">{a(node.id, f"{node.id}.md")} {h(title)}</{tag}>'
    due = f" · 时限{cn_date(leaf.deadline)}" if leaf.deadline else ""
    state = f'<b class="xc-state" data-search-exclude>{lamp(leaf.light, leaf.state)}{due}</b>'
    text = "" if title == node.wording else f"<br>{h(node.wording)}"
    return [head, f"<p>{state}{text}</p>"]


def _dues(view: UnitView) -> str:
    if not view.dues:
        return "没有需要跟踪的时限事项。"
    rows = [
        [
            lamp(d.light),
            h(d.what),
            cn_date(d.due),
            cn_date(d.done) if d.done else "—",
            _days(d.days, d.done),
        ]
        for d in sorted(view.dues, key=lambda d: d.due)
    ]
    return table(["状态", "事项", "应完成日期", "完成日期", "天数"], rows)


def _days(days: int | None, done: str | None) -> str:
    if days is None:
        return "—"
    if done:
        return f"逾期{-days}天完成" if days < 0 else "按期"
    return f"逾期{-days}天" if days < 0 else f"剩余{days}天"


def _plan(view: UnitView) -> str:
    record = view.folder.records.get("plan")
    if record is None:
        return "尚未报送整改方案。"
    data = record.data
    lists = data.get("lists_complete", {})
    names = {"problem_list": "问题清单", "task_list": "任务清单", "responsibility_list": "责任清单"}
    rows = [
        ["集体研究", cn_date(data["collectively_studied"]) if data.get("collectively_studied") else "未记录"],
        ["三个清单", "、".join(f"{n}{'齐全' if lists.get(k) else '缺'}" for k, n in names.items())],
        ["整改领导小组", "<br>".join(h(x) for x in data.get("leading_group", [])) or "—"],
    ]
    return table(["项目", "内容"], rows) + "\n\n" + _submissions("方案报送", data.get("submissions", []))


def _submissions(what: str, items: Sequence[Json]) -> str:
    if not items:
        return f"{what}：无记录。"
    rows = [
        [
            cn_date(s["date"]),
            h(s.get("result", "—")),
            cn_date(s["result_date"]) if s.get("result_date") else "—",
            h(s.get("reviewer", "")),
            h(s.get("note", "")),
        ]
        for s in items
    ]
    return f"**{what}**\n\n" + table(["报送日期", "结果", "审核日期", "审核单位", "意见"], rows)


def _meetings(view: UnitView) -> str:
    rows = [
        [
            h(m.get("kind", "")) + (f"（{h(m['stage'])}）" if m.get("stage") else ""),
            cn_date(m["date"]),
            cn_date(m["materials_filed"]) if m.get("materials_filed") else "—",
            h(m.get("note", "")),
        ]
        for _, _, m in view.folder.items("reports", "meetings")
    ]
    return "**会议**\n\n" + table(["会议", "日期", "材料报备", "备注"], rows) if rows else "会议：无记录。"


def _reports(view: UnitView) -> str:
    rows = []
    for _, _, r in view.folder.items("reports", "reports"):
        for s in r.get("submissions", []):
            kind = h(r.get("kind", "")) + (f" {h(r['period'])}" if r.get("period") else "")
            rows.append([kind, cn_date(s["date"]), h(s.get("result", "—")), h(s.get("note", ""))])
    return "**报告**\n\n" + table(["报告", "报送日期", "结果", "意见"], rows) if rows else "报告：无记录。"


def _extensions(view: UnitView) -> str:
    rows = [
        [
            a(str(e.get("problem")), f"{e.get('problem')}.md"),
            cn_date(e["new_deadline"]),
            h(e.get("approved_by", "")),
            cn_date(e["approved"]),
            h(e.get("reason", "")),
        ]
        for _, _, e in view.folder.items("extensions", "extensions")
    ]
    return table(["问题", "新时限", "批准单位", "批准日期", "理由"], rows) if rows else "没有延期。"


def _supervision(view: UnitView) -> str:
    rows = [
        [
            h(act.get("kind", "")),
            cn_date(act["date"]),
            h(act.get("by", "")),
            "、".join(a(p, f"{p}.md") for p in act.get("problems", [])) or "—",
            h(act.get("finding", "—")),
            h(act.get("note", "")),
        ]
        for _, _, act in view.folder.items("supervision", "actions")
    ]
    return (
        table(["方式", "日期", "实施单位", "涉及问题", "发现", "说明"], rows)
        if rows
        else "没有督查督办记录。"
    )


def _score(view: UnitView) -> str:
    if view.score is None:
        return "尚无评分。"
    score = view.score
    head = f"总分 **{score.total:g}** 分，等次 **{esc(score.grade)}**" + (
        f"，本轮排名第{view.rank}" if view.rank else ""
    )
    head += f"。{esc(score.action)}" if score.action else ""
    rows = [[h(item), points, h(facts) or "—"] for item, points, facts in score.lines]
    notes = "\n".join(f"- {esc(n)}" for n in score.notes)
    return "\n\n".join(p for p in (head, table(["评分项", "得分", "依据"], rows) if rows else "", notes) if p)


def _notices(stems: Sequence[str]) -> str:
    if not stems:
        return "尚无整改进展通报。"
    return "\n".join(f"- {link(stem, f'notices/{stem}.md')}" for stem in stems)
