"""The public site: signed notices, one summary per round, and a minimal index — nothing else.

A notice is published only when all three sign-offs (三把关) are given and its
issue date has come; the others are returned with the reason, for the build to
print. Round summaries add up only published notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xuncha.render import Page
from xuncha.render.md import esc, front_matter, html_page, link
from xuncha.render.notice import render_notice, render_round_summary, searched
from xuncha.render.numerals import cn_date
from xuncha.render.public import PublicNotice


@dataclass(frozen=True)
class Withheld:
    """A notice left out of the public site, and why (in Chinese, for the build log)."""

    round_id: str
    unit_id: str
    title: str
    reason: str

    def message(self) -> str:
        return f"未发布：{self.round_id}/{self.unit_id}《{self.title}》——{self.reason}"


def withheld_reason(notice: PublicNotice, as_of: str) -> str | None:
    if notice.missing_signoffs:
        return "缺少“三把关”签署：" + "、".join(notice.missing_signoffs)
    if str(notice.notice.get("date", "")) > as_of:
        return f"发布日期 {notice.notice.get('date')} 晚于 {as_of}"
    return None


def notice_path(notice: PublicNotice) -> str:
    return f"notices/{notice.round_id}/{notice.unit_id}/{notice.slug}.md"


def public_pages(
    notices: Sequence[PublicNotice], as_of: str, texts: Sequence[str] | None = None
) -> tuple[list[Page], list[Withheld]]:
    """Pages of the public site and the notices withheld from it; ``texts``: the notices
    rendered already (:func:`render_notice`), in the same order (None: rendered here)."""
    rendered = texts if texts is not None else [render_notice(n) for n in notices]
    published: list[PublicNotice] = []
    pages: list[Page] = []
    withheld: list[Withheld] = []
    for notice, text in zip(notices, rendered, strict=True):
        reason = withheld_reason(notice, as_of)
        if reason is None:
            published.append(notice)
            pages.append(html_page(notice_path(notice), text, search=True, searched=searched))
        else:
            withheld.append(
                Withheld(notice.round_id, notice.unit_id, str(notice.notice.get("title", "")), reason)
            )
    summaries = _summaries(published)
    pages.append(Page("index.md", _index(published, summaries)))
    return pages + [page for _, page in summaries], withheld


def _summaries(published: Sequence[PublicNotice]) -> list[tuple[str, Page]]:
    """One summary per round, with the round's public name for the index."""
    by_round: dict[str, list[PublicNotice]] = {}
    for notice in published:
        by_round.setdefault(notice.round_id, []).append(notice)
    pages = []
    for round_id, group in sorted(by_round.items()):
        hrefs = [notice_path(n).removeprefix(f"notices/{round_id}/") for n in group]
        page = html_page(f"notices/{round_id}/index.md", render_round_summary(group, hrefs), search=True)
        pages.append((f"{group[0].round.get('name', round_id)}整改进展情况汇总", page))
    return pages


def _index(published: Sequence[PublicNotice], summaries: Sequence[tuple[str, Page]]) -> str:
    lines = [front_matter("巡察整改进展情况通报", search=False), "# 巡察整改进展情况通报", ""]
    if not published:
        return "\n".join([*lines, "目前没有已发布的通报。"]) + "\n"
    ordered = sorted(published, key=lambda n: str(n.notice.get("date", "")), reverse=True)
    lines += [
        f"- {link(str(n.notice.get('title', '')), notice_path(n))}　{esc(n.notice.get('issuer', ''))}　"
        f"{cn_date(str(n.notice['date']))}"
        for n in ordered
    ]
    lines += ["", "## 各轮整改情况汇总", ""]
    lines += [f"- {link(title, page.path)}" for title, page in summaries]
    return "\n".join(lines) + "\n"
