"""A public notice as typed blocks (pure), read from the public page's own renderer.

The .docx and the public web page must never disagree, so the document is not
composed again here: :func:`blocks` takes the Markdown that
:func:`xuncha.render.notice.render_notice` writes for the page and reads back
its blocks. That Markdown is ours and regular — blocks separated by blank
lines, ``#``/``##``/``###`` headings, data text escaped by
:func:`xuncha.render.md.esc` (so no data line can pass for a heading), the
signature marked ``{ .xc-sign }`` — which makes reading it back exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xuncha.render.md import unesc
from xuncha.render.notice import render_notice
from xuncha.render.public import PublicNotice

SIGN_MARK = "{ .xc-sign }"


class Kind(StrEnum):
    """What a block is in an official document: title, addressee (主送机关), 一、 heading, （一） heading,
    body, signature."""

    TITLE = "title"
    ADDRESSEE = "addressee"
    SECTION = "section"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    SIGNATURE = "signature"


@dataclass(frozen=True)
class Block:
    """One block of the notice; ``lines`` has one entry except for a signature (issuer, date)."""

    kind: Kind
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_HEADINGS = (("### ", Kind.HEADING), ("## ", Kind.SECTION), ("# ", Kind.TITLE))


def blocks(notice: PublicNotice) -> list[Block]:
    """The notice's blocks in order, their text as the reader sees it."""
    return [_block(part) for part in render_notice(notice).split("\n\n") if part.strip()]


def _block(part: str) -> Block:
    part = part.strip()
    if part.endswith(SIGN_MARK):
        lines = part.removesuffix(SIGN_MARK).strip().split("<br>")
        return Block(Kind.SIGNATURE, tuple(plain(line) for line in lines if line.strip()))
    for mark, kind in _HEADINGS:
        if part.startswith(mark):
            return Block(kind, (plain(part[len(mark) :]),))
    return Block(Kind.PARAGRAPH, (plain(part),))


def plain(markdown: str) -> str:
    """Undo :func:`~xuncha.render.md.esc`: line breaks back, Markdown escapes and HTML entities resolved."""
    return unesc(markdown).strip()
