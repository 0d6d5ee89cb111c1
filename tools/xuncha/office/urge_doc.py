"""A 督办函 as typed blocks (pure), laid out by :mod:`xuncha.office.docxio` like the notices.

What each item says comes from the deadline engine's obligation: what is due, since
when it is overdue (or how many days are left), the rule's words and the document they
come from, the original deadline when an extension moved it, and the reply deadline.
"""

from __future__ import annotations

from datetime import date

from xuncha.office.notice_doc import Block, Kind
from xuncha.render.numerals import cn_date, cn_paren, cn_section
from xuncha.rules.deadlines import Obligation
from xuncha.rules.profiles import Light
from xuncha.rules.urging import Draft

PARTS = ((Light.RED, "已逾期未完成的事项"), (Light.YELLOW, "即将到期的事项"))


def title(draft: Draft) -> str:
    return f"关于督促{draft.short_name}抓紧落实巡察整改事项的督办函"


def blocks(draft: Draft, as_of: date, reply_by: date) -> list[Block]:
    """Title, addressee, opening, the items (grouped by light when both occur), closing, signature."""
    day = cn_date(as_of.isoformat())
    reds = sum(o.light is Light.RED for o in draft.items)
    yellows = len(draft.items) - reds
    counts = "、".join(
        part
        for part in (f"{reds}项已逾期未完成" if reds else "", f"{yellows}项即将到期" if yellows else "")
        if part
    )
    out = [
        Block(Kind.TITLE, (title(draft),)),
        Block(Kind.ADDRESSEE, (f"{draft.unit_name}：",)),
        _p(f"截至{day}，你单位{draft.round_name}整改中有{counts}的事项，现督办如下。"),
    ]
    parts = [(light, heading) for light, heading in PARTS if any(o.light is light for o in draft.items)]
    for n, (light, heading) in enumerate(parts, 1):
        if len(parts) > 1:
            out.append(Block(Kind.SECTION, (f"{cn_section(n)}{heading}",)))
        mine = [o for o in draft.items if o.light is light]
        for i, o in enumerate(mine, 1):
            out.append(Block(Kind.HEADING, (f"{cn_paren(i)}{_name(o)}",)))
            wording = draft.wordings.get(o.problem or "")
            if wording:
                out.append(_p(f"问题原文：{wording}"))
            out += [_p(_facts(o, as_of)), _p(_basis(o, draft))]
    out += [
        _p(
            f"请你单位切实履行整改主体责任，对照上述事项逐项落实，并于{cn_date(reply_by.isoformat())}前"
            f"将整改落实情况（含佐证材料）书面回复{draft.issuer}。逾期未回复或整改不力的，将视情采取约谈提醒等方式进一步督促。"
        ),
        Block(Kind.SIGNATURE, (draft.issuer, day)),
    ]
    return out


def _p(text: str) -> Block:
    return Block(Kind.PARAGRAPH, (text,))


def _name(o: Obligation) -> str:
    """The obligation's title; a problem by its number (its text follows in full)."""
    if o.problem:
        return f"问题 {o.problem} 整改"
    return f"{o.title}（{o.item}）" if o.item else o.title


def _facts(o: Obligation, as_of: date) -> str:
    due = cn_date(o.due.isoformat())
    moved = ""
    if o.original_due is not None:
        record = f"（{o.extension}）" if o.extension else ""
        moved = f"（原时限{cn_date(o.original_due.isoformat())}，经批准延期{record}）"
    if o.light is Light.RED:
        return f"应于{due}前完成{moved}，截至{cn_date(as_of.isoformat())}仍未完成，已逾期{o.days}天。"
    return f"应于{due}前完成{moved}，距到期还有{o.days}天，尚未完成。"


def _basis(o: Obligation, draft: Draft) -> str:
    source = f"（{draft.profile.name}，{draft.profile.source}）" if draft.profile else ""
    return f"依据：“{o.citation}”{source}。"
