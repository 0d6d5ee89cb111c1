"""Public progress notices in the shape of seed 002, from the public projection only.

A unit notice: title, intro (round dates, inspecting body, feedback date,
"N个方面M个问题"), 组织整改落实情况 with the progress sentence, completed items
under their problem headings （一）… with 问题一…/整改情况, items still being
rectified, next steps, closing with contact details, issuer and date. A round
summary notice adds up the published unit notices of one round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xuncha.render.md import a, esc, h, table
from xuncha.render.numerals import (
    NUMERAL_CHARACTERS,
    cn_date,
    cn_number,
    cn_paren,
    cn_section,
    cn_span,
    percent,
)
from xuncha.render.progress import Tally
from xuncha.render.public import BASIC, DONE, PublicLeaf, PublicNotice

Json = dict[str, Any]
KIND_WORDS = {"常规": "巡察", "回头看": "巡察“回头看”"}
CONTACT_LABELS = (
    ("phone", "联系电话"),
    ("postbox", "邮政信箱"),
    ("email", "电子邮箱"),
    ("address", "来信地址"),
)
INTRO_END = "现将巡察整改进展情况报告如下。"
# a heading, 问题N：, a numbered part (1\. …)
_SEARCHED = re.compile(rf"#|问题[{NUMERAL_CHARACTERS}]+：|\d+\\\. ")


def searched(block: str) -> bool:
    """Whether search indexes this block of a notice's Markdown.

    Search finds a notice by what it is about: its headings, the opening paragraph that
    names the unit, and each problem with its numbered parts. How a problem was dealt with
    (整改情况, measures, deadlines), the organisation and next-steps paragraphs and the
    closing are read on the page: they are most of a notice's words, and much alike from
    one notice to the next, so indexing them would make every search return every notice,
    double the index each visitor's browser downloads and the site's build time.
    """
    return _SEARCHED.match(block) is not None or block.endswith(INTRO_END)


OUTCOME_WORDS = (
    ("rules_made", "建立制度{}项"),
    ("rules_revised", "修订完善制度{}项"),
    ("meetings", "召开会议{}次"),
    ("funds_recovered", "收回资金{}万元"),
    ("losses_retrieved", "挽回经济损失{}万元"),
)


@dataclass(frozen=True)
class Item:
    """One numbered item of a notice (问题N): a refined problem, or a problem without refinement."""

    number: int
    problem: Json  # the heading problem （一）…
    node: Json  # the item itself
    leaves: tuple[PublicLeaf, ...]

    @property
    def category(self) -> str:
        """Completed only when every leaf is; basically completed when none is still open."""
        kinds = {leaf.category for leaf in self.leaves}
        if kinds <= {DONE}:
            return DONE
        return BASIC if kinds <= {DONE, BASIC} else "整改中"


def items(notice: PublicNotice) -> list[Item]:
    """The notice's numbered items in feedback order (tasks stay inside their item)."""
    out: list[Item] = []
    for aspect in notice.feedback.get("aspects", []):
        for problem in aspect.get("problems", []):
            for node in problem.get("refined") or [problem]:
                leaves = tuple(notice.leaves[i] for i in _leaf_ids(node) if i in notice.leaves)
                out.append(Item(len(out) + 1, problem, node, leaves))
    return out


def _leaf_ids(node: Json) -> list[str]:
    children = node.get("refined") or node.get("tasks") or []
    if not children:
        return [str(node.get("id"))]
    return [leaf for child in children for leaf in _leaf_ids(child)]


def tally_items(numbered: Sequence[Item]) -> Tally:
    """Counts at item level (the level notices count: “细化的23个问题”)."""
    done = sum(1 for i in numbered if i.category == DONE)
    basic = sum(1 for i in numbered if i.category == BASIC)
    return Tally(done, basic, len(numbered) - done - basic)


def render_notice(notice: PublicNotice) -> str:
    """The whole notice as Markdown."""
    numbered = items(notice)
    sections = [
        ("组织整改落实情况", _organisation(notice, numbered)),
        ("集中整改期内已完成的整改事项", _item_blocks([i for i in numbered if i.category == DONE], notice)),
        ("正在推进的整改事项", _item_blocks([i for i in numbered if i.category != DONE], notice)),
        ("下一步整改工作安排", [esc(p) for p in notice.notice.get("next_steps", [])]),
    ]
    parts = [f"# {esc(notice.notice.get('title', ''))}", _intro(notice)]
    for number, (heading, body) in enumerate(((t, b) for t, b in sections if b), start=1):
        parts.append(f"## {cn_section(number)}{heading}")
        parts.extend(body)
    parts.append(_closing(notice))
    parts.append(_signature(str(notice.notice.get("issuer", "")), str(notice.notice.get("date", ""))))
    return "\n\n".join(p for p in parts if p) + "\n"


def _unit_name(notice: PublicNotice) -> str:
    return str(notice.unit.get("short_name") or notice.unit.get("name") or "")


def _kind_word(notice: PublicNotice) -> str:
    kind = str(notice.round.get("kind", ""))
    return KIND_WORDS.get(kind, f"{kind}巡察")


def _intro(notice: PublicNotice) -> str:
    r, e, name = notice.round, notice.entry, _unit_name(notice)
    clauses = [str(r["deployment"])] if r.get("deployment") else []
    group = e.get("group") or f"{r.get('inspecting_body', '')}巡察组"
    if r.get("entry_date") and r.get("exit_date"):
        clauses.append(
            f"{cn_span(r['entry_date'], r['exit_date'])}，{group}对{name}开展了{_kind_word(notice)}"
        )
    if e.get("feedback_date"):
        by = e.get("feedback_by") or r.get("inspecting_body", "")
        clauses.append(f"{cn_date(e['feedback_date'])}，{by}向{name}反馈了巡察意见")
    aspects, problems = _announced(notice)
    text = "，".join(clauses) + f"，共指出{name}存在{aspects}个方面{problems}个问题。"
    return esc(text + f"按照{_kind_word(notice)}工作有关要求，{INTRO_END}")


def _announced(notice: PublicNotice) -> tuple[int, int]:
    """The counts announced at feedback, or the list's own counts when none were recorded."""
    aspects = notice.feedback.get("aspects", [])
    said = notice.feedback.get("announced", {})
    counted = sum(len(a.get("problems", [])) for a in aspects)
    return int(said.get("aspects", len(aspects))), int(said.get("problems", counted))


def _organisation(notice: PublicNotice, numbered: Sequence[Item]) -> list[str]:
    paragraphs = [esc(p) for p in notice.notice.get("organisation", [])]
    return [*paragraphs, esc(progress_sentence(notice, numbered))]


def progress_sentence(notice: PublicNotice, numbered: Sequence[Item]) -> str:
    """截至6月7日，提级巡察反馈细化的23个问题，已完成整改23个（，基本完成…个，正在整改…个）。"""
    counts = tally_items(numbered)
    cut_off = cn_date(str(notice.notice.get("as_of")), same_year_as=str(notice.notice.get("date")))
    refined = any(p.get("refined") for a in notice.feedback.get("aspects", []) for p in a.get("problems", []))
    which = "细化的" if refined else "的"
    text = (
        f"截至{cut_off}，{_kind_word(notice)}反馈{which}{counts.total}个问题，已完成整改{counts.completed}个"
    )
    if counts.basic:
        text += f"，基本完成{counts.basic}个"
    if counts.open:
        text += f"，正在整改{counts.open}个"
    return text + "。"


def _item_blocks(selected: Sequence[Item], notice: PublicNotice) -> list[str]:
    """（一）problem heading, then each item's 问题N and 整改情况; headings restart per section."""
    blocks: list[str] = []
    heading_id = None
    for item in selected:
        if item.problem.get("id") != heading_id:
            heading_id = item.problem.get("id")
            count = sum(1 for b in blocks if b.startswith("### ")) + 1
            title = item.problem.get("title") or item.problem.get("text") or ""
            blocks.append(f"### {cn_paren(count)}{esc(title)}")
        blocks.extend(_item_lines(item))
    return blocks


def _item_lines(item: Item) -> list[str]:
    wording = item.node.get("text") or item.node.get("title") or ""
    lines = [f"问题{cn_number(item.number)}：{esc(wording)}"]
    tasks = item.node.get("tasks", [])
    lines.extend(f"{n}\\. {esc(t.get('text') or t.get('title') or '')}" for n, t in enumerate(tasks, 1))
    label = "整改情况" if item.category != BASIC else "整改情况（基本完成）"
    summaries = [str(leaf.status["summary"]) for leaf in item.leaves if leaf.status.get("summary")]
    if summaries:
        lines.append(f"{label}：{esc(''.join(summaries))}")
    lines.extend(_plan_lines(item) if item.category != DONE else [])
    return lines


def _plan_lines(item: Item) -> list[str]:
    """Measures and deadline of open items, when the schema makes them public."""
    lines: list[str] = []
    for leaf in item.leaves:
        if leaf.plan.get("measures"):
            lines.append("整改措施：" + esc("；".join(str(m) for m in leaf.plan["measures"])))
        if leaf.plan.get("deadline"):
            lines.append(f"整改时限：{cn_date(str(leaf.plan['deadline']))}")
    return lines


def _closing(notice: PublicNotice) -> str:
    contact = notice.notice.get("contact") or notice.unit.get("contact") or {}
    parts = [f"{label}：{contact[key]}" for key, label in CONTACT_LABELS if contact.get(key)]
    closing = str(notice.notice.get("closing", ""))
    return esc(closing + ("；".join(parts) + "。" if parts else ""))


def _signature(issuer: str, day: str) -> str:
    """Issuer and date, right-aligned like a printed notice (class styled in xuncha.css)."""
    return f"{esc(issuer)}<br>{cn_date(day) if day else ''}\n{{ .xc-sign }}"


@dataclass(frozen=True)
class UnitLine:
    """One published unit notice, as the round summary lists it."""

    name: str
    counts: Tally
    outcomes: dict[str, float]
    href: str


def unit_line(notice: PublicNotice, href: str) -> UnitLine:
    """The figures a round summary takes from one published notice."""
    totals: dict[str, float] = {}
    for leaf in notice.leaves.values():
        for key, value in leaf.status.get("outcomes", {}).items():
            totals[key] = totals.get(key, 0) + value
    return UnitLine(_unit_name(notice), tally_items(items(notice)), totals, href)


def render_round_summary(notices: Sequence[PublicNotice], hrefs: Sequence[str]) -> str:
    """A round-level summary notice over the round's published unit notices (same round)."""
    first = notices[0]
    lines = [unit_line(n, h) for n, h in zip(notices, hrefs, strict=True)]
    counts = sum((line.counts for line in lines), Tally())
    cut_off = max(str(n.notice.get("as_of")) for n in notices)
    issued = max(str(n.notice.get("date")) for n in notices)
    parts = [
        f"# {esc(first.round.get('name', ''))}整改进展情况汇总",
        esc(_summary_intro(first, len(lines), cut_off, counts)),
        esc(_outcome_sentence(lines)),
        table(
            ["被巡察单位", "问题数", "已完成", "基本完成", "正在整改", "完成率", "通报"],
            [[h(x.name), *_figures(x.counts), a("查看通报", x.href)] for x in lines],
        ),
        _signature(_summary_issuer(notices), issued),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _figures(counts: Tally) -> list[str]:
    return [str(counts.total), str(counts.completed), str(counts.basic), str(counts.open), _rate(counts)]


def _rate(counts: Tally) -> str:
    return percent(counts.completed, counts.total)


def _summary_intro(first: PublicNotice, units: int, cut_off: str, counts: Tally) -> str:
    r = first.round
    head = f"{r['deployment']}，" if r.get("deployment") else ""
    span = (
        f"{cn_span(r['entry_date'], r['exit_date'])}，" if r.get("entry_date") and r.get("exit_date") else ""
    )
    return (
        f"{head}{span}{r.get('inspecting_body', '')}开展了{r.get('name', '')}。"
        f"截至{cn_date(cut_off)}，已发布整改进展通报的{units}个单位共有{counts.total}个问题，"
        f"已完成整改{counts.completed}个，基本完成{counts.basic}个，正在整改{counts.open}个，"
        f"整改完成率{_rate(counts)}。"
    )


def _outcome_sentence(lines: Sequence[UnitLine]) -> str:
    totals: dict[str, float] = {}
    for line in lines:
        for key, value in line.outcomes.items():
            totals[key] = totals.get(key, 0) + value
    words = [template.format(_number(totals[key])) for key, template in OUTCOME_WORDS if totals.get(key)]
    return f"通过整改，{'，'.join(words)}。" if words else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _summary_issuer(notices: Sequence[PublicNotice]) -> str:
    bodies = {str(n.entry.get("feedback_by", "")) for n in notices}
    if len(bodies) == 1 and "" not in bodies:
        return bodies.pop()
    return str(notices[0].round.get("inspecting_body", ""))
