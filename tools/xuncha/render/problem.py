"""A problem's page: its state, verbatim text in context, plan, progress log, evidence,
public summary, outcomes, supervision, and its change history from git (变更记录).

There is one such page per problem, so its cost is what the build time grows
with: the page, title included, is rendered straight to HTML (a slot of the page, see
:class:`~xuncha.render.Page`) and left out of the search index,
which finds problems on their unit's page instead (see :mod:`.unit`), under a
stable title: the problem id, with :func:`short_title` unless that is only the
start of the text, never the state, which changes (the state is a line of
its own under the title).

The change history is given, not read: the site build reads git once for all
problems (:mod:`xuncha.site.history`); this module stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xuncha.model.index import Node
from xuncha.render import Headings, Page, slot
from xuncha.render.md import a, front_matter, h, lamp, table
from xuncha.render.model import LeafView, RoundView, UnitView
from xuncha.render.numerals import cn_date
from xuncha.review.changes import SECTIONS

if TYPE_CHECKING:  # history loads GitPython, which needs git: the site builds without it
    from xuncha.review.history import Approval, Entry

Json = dict[str, Any]
FLAGS = {
    "key": "重点问题",
    "immediate": "立行立改",
    "secretary_named": "书记点人点事",
    "common": "共性问题",
    "leadership": "涉及一把手和领导班子",
}
OUTCOMES = {
    "rules_made": "建立制度{}项",
    "rules_revised": "修订制度{}项",
    "meetings": "召开会议{}次",
    "funds_recovered": "收回资金{}万元",
    "losses_retrieved": "挽回损失{}万元",
}
SEP = " · "
TITLE_LIMIT = 30
NO_HISTORY = "本仓库没有 git 历史记录（不是 git 仓库或为浅克隆），无法列出本问题的变更记录。"
NO_CHANGES = "git 历史中没有本问题的变更（相关文件可能尚未提交到主线）。"


def problem_page(
    path: str, leaf: LeafView, view: UnitView, round_view: RoundView, trail: Sequence[Entry] | None = None
) -> Page:
    """The page at ``path``: front matter and one slot, the whole body (title included) in HTML.

    ``trail``: the problem's changes from git, oldest first; None when the
    repository has no usable history (the section says so).
    """
    node = leaf.node
    title = Headings()
    summary = leaf.status.get("summary")
    body = [
        title.add(1, f"{h(node.id)} {h(short_title(node))}"),
        f'<p class="xc-crumbs">{a(round_view.name, "../index.md")} › {a(view.name, "index.md")} › '
        f"{h(_aspect(view, node.aspect))}</p>",
        _state(leaf),
        _text(leaf, view),
        _section("plan", "整改方案", _plan(leaf)),
        _section("log", "进展日志", _log(leaf.status.get("log", []))),
        _section("evidence", "佐证材料", _evidence(leaf.status.get("log", []))),
        _section(
            "summary",
            "整改情况",
            f"<p>{h(summary)}</p>" if summary else "<p>尚未填写（公开通报中“整改情况”一段）。</p>",
        ),
        _outcomes(leaf.status.get("outcomes", {})),
        _section("supervision", "督查督办", _supervision(view, node.id)),
        _section("history", "变更记录", _history(trail)),
    ]
    markdown = front_matter(f"{node.id} {view.name}", search=False) + f"{slot(0)}\n"
    return Page(path, markdown, ("\n".join(b for b in body if b),), toc=title.toc())


def _section(anchor: str, title: str, content: str) -> str:
    return f'<h2 id="{anchor}">{title}</h2>\n{content}'


def short_title(node: Node) -> str:
    """A problem's stable name after its id: its own title, else the start of its text."""
    words = str(node.data.get("title") or node.wording)
    return words if len(words) <= TITLE_LIMIT else words[: TITLE_LIMIT - 1] + "…"


def _aspect(view: UnitView, aspect_id: str) -> str:
    feedback = view.folder.feedback
    aspects = feedback.data.get("aspects", []) if feedback else []
    return next((str(x.get("title", "")) for x in aspects if x.get("id") == aspect_id), aspect_id)


def _text(leaf: LeafView, view: UnitView) -> str:
    """The problem's wording with its ancestors' headings, so the text reads in context."""
    chain: list[str] = []
    parent = leaf.node.parent
    while parent is not None:
        node = view.folder.nodes[parent]
        chain.insert(0, f"<p><strong>{h(node.id)}</strong> {h(node.wording)}</p>")
        parent = node.parent
    data = leaf.node.data
    own = [f"<p><strong>{h(data['title'])}</strong></p>"] if data.get("title") and data.get("text") else []
    return "\n".join([*chain, *own, f'<p class="xc-text">{h(leaf.node.wording)}</p>'])


def _state(leaf: LeafView) -> str:
    """State, deadline in force (with its extensions) and flags, one line each, right under the title."""
    flags = leaf.node.data.get("flags", {})
    marks = "、".join(name for key, name in FLAGS.items() if flags.get(key))
    lines = [f"<strong>当前状态</strong>：{lamp(leaf.light, leaf.state)}{_days(leaf)}"]
    lines.append(f"<strong>整改时限</strong>：{cn_date(leaf.deadline) if leaf.deadline else '未定'}")
    lines += [
        f"<strong>延期{h(e.get('id', ''))}</strong>：延至{cn_date(e['new_deadline'])}，"
        f"{h(e.get('approved_by', ''))}{cn_date(e['approved'])}批准。{h(e.get('reason', ''))}"
        for e in leaf.extensions
    ]
    if marks:
        lines.append(f"<strong>问题标记</strong>：{marks}")
    return '<p class="xc-state">' + "<br>".join(lines) + "</p>"


def _days(leaf: LeafView) -> str:
    if leaf.days is None or leaf.light.colour in ("blue", "grey"):
        return ""
    return f"（逾期{-leaf.days}天）" if leaf.days < 0 else f"（剩余{leaf.days}天）"


def _plan(leaf: LeafView) -> str:
    plan = leaf.plan
    if not plan:
        return "<p>整改方案中没有这一条。</p>"
    measures = "".join(f"<li>{h(m)}</li>" for m in plan.get("measures", []))
    facts = [
        f"牵头领导：{h(plan.get('lead_leader', '未填'))}",
        f"牵头部门：{h(plan.get('lead_department', '未填'))}",
        f"责任人：{h(plan.get('responsible_person', '未填'))}",
        f"配合部门：{'、'.join(h(d) for d in plan.get('departments', [])) or '—'}",
        f"原定时限：{cn_date(plan['deadline']) if plan.get('deadline') else '未填'}",
        f"长期整改：{'是' if plan.get('long_term') else '否'}",
    ]
    stages = "".join(
        f"<li>{cn_date(m['date'])} {h(m.get('target', ''))}</li>" for m in plan.get("milestones", [])
    )
    out = [f"<ol>{measures}</ol>", f"<p>{SEP.join(facts)}</p>"]
    return "\n".join([*out, f"<p><strong>阶段目标</strong></p><ul>{stages}</ul>"] if stages else out)


def _log(log: Sequence[Json]) -> str:
    if not log:
        return "<p>尚无进展记录。</p>"
    items = []
    for entry in log:
        state = h(entry.get("state", "")) + (f"（{h(entry['reopen'])}）" if entry.get("reopen") else "")
        note = f" {h(entry['note'])}" if entry.get("note") else ""
        by = f"（{h(entry['by'])}）" if entry.get("by") else ""
        items.append(f"<li>{cn_date(entry['date'])} <strong>{state}</strong>{note}{by}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _evidence(log: Sequence[Json]) -> str:
    items = [(e["date"], x) for e in log for x in e.get("evidence", [])]
    if not items:
        return "<p>尚无佐证材料。</p>"
    lines = "".join(
        f"<li>{cn_date(day)} {h(x.get('title', ''))}"
        + (f"（{h(x['file'])}）" if x.get("file") else "")
        + "</li>"
        for day, x in items
    )
    return f"<ul>{lines}</ul>"


def _outcomes(outcomes: Json) -> str:
    words = [template.format(f"{outcomes[key]:g}") for key, template in OUTCOMES.items() if key in outcomes]
    return f"<p><strong>整改成效</strong>：{'，'.join(words)}。</p>" if words else ""


def _supervision(view: UnitView, problem: str) -> str:
    items = [
        f"<li>{cn_date(act['date'])} {h(act.get('kind', ''))}（{h(act.get('by', ''))}）"
        + (f" 发现：{h(act['finding'])}" if act.get("finding") else "")
        + (f"。{h(act['note'])}" if act.get("note") else "")
        + "</li>"
        for _, _, act in view.folder.items("supervision", "actions")
        if problem in act.get("problems", [])
    ]
    return f"<ul>{''.join(items)}</ul>" if items else "<p>没有涉及本问题的督查督办。</p>"


def _history(trail: Sequence[Entry] | None) -> str:
    """Each change, oldest first as in a ledger and in ``xuncha history``: what, who, who approved."""
    if trail is None:
        return f"<p>{NO_HISTORY}</p>"
    if not trail:
        return f"<p>{NO_CHANGES}</p>"
    rows = [
        [
            cn_date(e.date),
            _what(e),
            f"{h(e.commit.author)}<br><code>{e.commit.sha[:8]}</code>",
            _how(e.approval),
        ]
        for e in trail
    ]
    return table(["日期", "变更", "填报人（提交）", "审核"], rows)


def _what(entry: Entry) -> str:
    lines = [f"{SECTIONS[c.section]}：{h(c.text)}" for c in entry.changes]
    lines += [f'<span class="xc-unreviewed">⚠ {h(f.code)} {h(f.message)}</span>' for f in entry.findings]
    return "<br>".join(lines)


def _how(approval: Approval) -> str:
    """The merger and pull request, or the unreviewed flag, in the words of ``xuncha history``."""
    label = h(approval.label())
    return label if approval.reviewed else f'<strong class="xc-unreviewed">⚠ {label}</strong>'
