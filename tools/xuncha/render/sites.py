"""Both sites as lists of pages, from the index and the day: what the MkDocs hook adds to a build."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xuncha.model.index import Index
from xuncha.render import Page
from xuncha.render.internal import internal_pages, nav
from xuncha.render.md import h, html_page
from xuncha.render.model import SiteModel, build_model
from xuncha.render.notice import render_notice
from xuncha.render.public import PublicNotice, notice_records, public_notice
from xuncha.render.public_site import public_pages

if TYPE_CHECKING:
    from xuncha.render.internal import Trails

Allow = Mapping[str, set[tuple[str, ...]]]
Enrich = Callable[[SiteModel], None]


@dataclass(frozen=True)
class Site:
    """Generated pages, the top-level navigation, and what the build should tell the user."""

    pages: list[Page]
    nav: list[dict[str, str]]
    messages: list[str]


@dataclass(frozen=True)
class Drafts:
    """Every notice of the index projected to its public fields and rendered, in index order,
    with its record's file stem: both sites show them (the internal one as previews), so a
    build of both makes them once (:func:`xuncha.site.data.drafts`)."""

    stems: tuple[str, ...]
    notices: tuple[PublicNotice, ...]
    texts: tuple[str, ...]


def draft(index: Index, allow: Allow, as_of: str) -> Drafts:
    """The notices of ``index`` as both sites need them (see :class:`Drafts`)."""
    records = notice_records(index)
    notices = tuple(public_notice(index, record, allow, as_of) for _, record in records)
    return Drafts(tuple(stem for stem, _ in records), notices, tuple(render_notice(n) for n in notices))


def internal_site(
    index: Index,
    allow: Allow,
    as_of: str,
    enrich: Enrich | None = None,
    trails: Trails | None = None,
    drafts: Drafts | None = None,
) -> Site:
    """The status site; ``enrich`` attaches deadlines and scores computed elsewhere, ``trails``
    each problem's changes read from git (None: the problem pages say there is no history),
    ``drafts`` the notices (None: drafted here)."""
    model = build_model(index, as_of)
    if enrich is not None:
        enrich(model)
    drafts = drafts if drafts is not None else draft(index, allow, as_of)
    previews: dict[tuple[str, str], list[Page]] = {}
    for stem, notice, rendered in zip(drafts.stems, drafts.notices, drafts.texts, strict=True):
        record = index.folder(notice.round_id, notice.unit_id).notices[stem]
        title, body = rendered.split("\n\n", 1)
        text = f"{title}\n\n{signoff_banner(notice, record.data)}\n\n{body}"
        preview = html_page(stem, text, search=False)  # search finds it on the public site
        previews.setdefault((notice.round_id, notice.unit_id), []).append(preview)
    return Site(internal_pages(model, previews, trails), nav(model), [])


def signoff_banner(notice: PublicNotice, data: Mapping[str, Any]) -> str:
    """A note above an internal preview (HTML, styled as Material's admonitions): who signed,
    and what is missing before publication."""
    signed = data.get("signoffs") or []
    given = "；".join(
        h(f"{s.get('role')}：{s.get('by')}（{s.get('date')}）") for s in signed if isinstance(s, dict)
    )
    if notice.missing_signoffs:
        kind, head = "warning", "尚未发布：缺少“三把关”签署"
        body = "缺少：" + "、".join(notice.missing_signoffs) + (f"。已签署：{given}" if given else "")
    else:
        kind, head, body = "success", "“三把关”签署齐全，可以发布", given
    return f'<div class="admonition {kind}"><p class="admonition-title">{head}</p><p>{body}</p></div>'


def public_site(index: Index, allow: Allow, as_of: str, drafts: Drafts | None = None) -> Site:
    """Signed notices only; the withheld ones become build messages (``drafts``: None, drafted here)."""
    drafts = drafts if drafts is not None else draft(index, allow, as_of)
    pages, withheld = public_pages(drafts.notices, as_of, drafts.texts)
    return Site(pages, [{"通报": "index.md"}], [w.message() for w in withheld])
