"""A unit's page: the problem tree (aspect → problem → refined → task) with lights, then the
plan, meetings and reports with their dates, deadlines, extensions, supervision, score sheet.

Only the page title and the tree's problems are indexed for search (each
problem is a search entry here, its text read once: see :func:`problem_tree`
and :func:`_leaf`). The whole page is HTML written here, headings included
(listed in ``Page.toc``); the sections search skips are spliced in after
indexing (``Page.unindexed``), so the search plugin's HTML parser never reads
their tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xuncha.model.index import Node
from xuncha.render import Headings, Page, slot, unindexed_slot
from xuncha.render.md import a, front_matter, h, lamp, table
from xuncha.render.model import LeafView, RoundView, UnitView
from xuncha.render.numerals import cn_date, percent
from xuncha.render.problem import short_title

Json = dict[str, Any]
NO_SEARCH = " data-search-exclude"  # a heading whose section search leaves out


def unit_page(path: str, view: UnitView, round_view: RoundView, notices: Sequence[str]) -> Page:
    """The page at ``path``: the tree and the headings around it in ``html``, the tables ``unindexed``.

    The facts table under the title stays out of search too: in every unit's
    it would match the same words (整改落实率, 巡察组 …) and bury the problems.
    """
    headings = Headings()
    title, facts = headings.add(1, h(view.name)), _facts(view, round_view)
    listing = headings.add(2, "问题清单", NO_SEARCH)
    later = [
        ("时限事项", _dues(view)),
        ("整改方案", _plan(view)),
        ("会议和报告", _meetings(view) + "\n" + _reports(view)),
        ("延期", _extensions(view)),
        ("督查督办", _supervision(view)),
        ("群众参与", _participation(view)),
        ("质效评估", _score(view)),
        ("整改进展通报", _notices(notices)),
    ]
    rest = "\n".join(f"{headings.add(2, title, NO_SEARCH)}\n{body}" for title, body in later)
    parts = (slot(1), unindexed_slot(0), slot(2), slot(0), unindexed_slot(1))
    text = front_matter(f"{view.name}（{round_view.name}）", search=True) + "\n\n".join(parts) + "\n"
    return Page(path, text, (problem_tree(view), title, listing), (facts, rest), headings.toc())


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
        ["整改办结", _closure(e) if view.closed else "未办结（每日跟踪时限和红黄绿灯）"],
    ]
    return table(["项目", "内容"], rows)


def _closure(entry: Json) -> str:
    """When and by whom the rectification was accepted as finished, and when it was archived."""
    closure = entry["closure"]
    said = f"{cn_date(str(closure['accepted']))}经{h(str(closure['accepted_by']))}认定办结"
    if closure.get("archived"):
        said += f"，{cn_date(str(closure['archived']))}归档"
    return said + "；不再列入每日逾期清单和红黄绿灯"


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
    """A leaf's heading shows its id and short title, as on its own page; it is its search result title.

    When the short title is only the start of the text shown under it, search
    reads the text once: the result's title is the id, as a refined problem's
    is, and its text the whole wording. The state and deadline change, so they
    stay out of the heading, on a line under it that search skips (a ``<b>``:
    Material's parser loses the skip when an excluded element contains one of
    its own tag, like a ``<span>`` the lamp).
    """
    title = short_title(node)
    shown = h(title)
    if title != node.wording and node.wording.startswith(title.removesuffix("…")):
        shown = f"<span data-search-exclude>{shown}</span>"
    head = f'<{tag} id="{anchor}">{a(node.id, f"{node.id}.md")} {shown}</{tag}>'
    due = f" · 时限{cn_date(leaf.deadline)}" if leaf.deadline else ""
    state = f'<b class="xc-state" data-search-exclude>{lamp(leaf.light, leaf.state)}{due}</b>'
    text = "" if title == node.wording else f"<br>{h(node.wording)}"
    return [head, f"<p>{state}{text}</p>"]


def _dues(view: UnitView) -> str:
    if not view.dues:
        return "<p>没有需要跟踪的时限事项。</p>"
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
        return "<p>尚未报送整改方案。</p>"
    data = record.data
    lists = data.get("lists_complete", {})
    names = {"problem_list": "问题清单", "task_list": "任务清单", "responsibility_list": "责任清单"}
    rows = [
        ["集体研究", cn_date(data["collectively_studied"]) if data.get("collectively_studied") else "未记录"],
        ["三个清单", "、".join(f"{n}{'齐全' if lists.get(k) else '缺'}" for k, n in names.items())],
        ["整改领导小组", "<br>".join(h(x) for x in data.get("leading_group", [])) or "—"],
    ]
    return table(["项目", "内容"], rows) + "\n" + _submissions("方案报送", data.get("submissions", []))


def _submissions(what: str, items: Sequence[Json]) -> str:
    if not items:
        return f"<p>{what}：无记录。</p>"
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
    return _titled(what) + table(["报送日期", "结果", "审核日期", "审核单位", "意见"], rows)


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
    return (
        _titled("会议") + table(["会议", "日期", "材料报备", "备注"], rows)
        if rows
        else "<p>会议：无记录。</p>"
    )


def _reports(view: UnitView) -> str:
    rows = []
    for _, _, r in view.folder.items("reports", "reports"):
        for s in r.get("submissions", []):
            kind = h(r.get("kind", "")) + (f" {h(r['period'])}" if r.get("period") else "")
            rows.append([kind, cn_date(s["date"]), h(s.get("result", "—")), h(s.get("note", ""))])
    return (
        _titled("报告") + table(["报告", "报送日期", "结果", "意见"], rows)
        if rows
        else "<p>报告：无记录。</p>"
    )


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
    return table(["问题", "新时限", "批准单位", "批准日期", "理由"], rows) if rows else "<p>没有延期。</p>"


def _supervision(view: UnitView) -> str:
    """Every action, the urging letters (督办函) with what they urged and the reply deadline."""
    rows = [
        [
            h(act.get("kind", "")),
            cn_date(act["date"]),
            h(act.get("by", "")),
            "、".join(a(p, f"{p}.md") for p in act.get("problems", [])) or "—",
            h(f"{len(act['obligations'])}项") if act.get("obligations") else "—",
            cn_date(act["reply_by"]) if act.get("reply_by") else "—",
            h(act.get("finding", "—")),
            h(act.get("note", "")),
        ]
        for _, _, act in view.folder.items("supervision", "actions")
    ]
    return (
        table(["方式", "日期", "实施单位", "涉及问题", "督办事项", "回复期限", "发现", "说明"], rows)
        if rows
        else "<p>没有督查督办记录。</p>"
    )


def _participation(view: UnitView) -> str:
    """满意度测评 (who was asked, how many, the votes) and 质询答辩 sessions, as recorded."""
    surveys = [
        [
            h(s["id"]),
            cn_date(s["date"]),
            h(s["kind"]),
            h("、".join(s["groups"])),
            str(s["invited"]),
            str(sum(s["results"].values())),
            h("、".join(f"{answer}{votes}" for answer, votes in s["results"].items())),
        ]
        for _, _, s in view.folder.items("participation", "surveys")
    ]
    hearings = [
        [
            h(x["id"]),
            cn_date(x["date"]),
            h(x["held_by"]),
            h("、".join(x.get("answered_by", [])) or "—"),
            str(x["questions"]),
            h(f"{x['unit_points']:g}" if "unit_points" in x else "—"),
        ]
        for _, _, x in view.folder.items("participation", "hearings")
    ]
    parts = []
    if surveys:
        head = ["编号", "日期", "方式", "参加对象", "参加人数", "有效票", "结果"]
        parts.append(table(head, surveys))
    if hearings:
        parts.append(table(["编号", "日期", "主持", "现场作答", "提问数", "单位得分"], hearings))
    return "\n".join(parts) or "<p>没有满意度测评和质询答辩记录。</p>"


def _score(view: UnitView) -> str:
    if view.score is None:
        return "<p>尚无评分。</p>"
    score = view.score
    head = f"总分 <strong>{score.total:g}</strong> 分，等次 <strong>{h(score.grade)}</strong>" + (
        f"，本轮排名第{view.rank}" if view.rank else ""
    )
    head += f"。{h(score.action)}" if score.action else ""
    rows = [[h(item), points, h(facts) or "—"] for item, points, facts in score.lines]
    notes = "".join(f"<li>{h(n)}</li>" for n in score.notes)
    parts = (
        f"<p>{head}</p>",
        table(["评分项", "得分", "依据"], rows) if rows else "",
        notes and f"<ul>{notes}</ul>",
    )
    return "\n".join(p for p in parts if p)


def _notices(stems: Sequence[str]) -> str:
    if not stems:
        return "<p>尚无整改进展通报。</p>"
    return "<ul>" + "".join(f"<li>{a(stem, f'notices/{stem}.md')}</li>" for stem in stems) + "</ul>"


def _titled(what: str) -> str:
    """A bold line above a table, as the Markdown ``**what**`` paragraph gave."""
    return f"<p><strong>{what}</strong></p>\n"
