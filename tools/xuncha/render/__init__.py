"""Renderers: pure functions from the model (or its public projection) to pages.

Nothing here reads files or the clock; the MkDocs hook and the CLI feed them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SLOT = "<!-- xuncha:slot:{} -->"
UNINDEXED = "<!-- xuncha:unindexed:{} -->"
_PLACEHOLDER = "|".join(re.escape(p).replace(re.escape("{}"), r"\d+") for p in (SLOT, UNINDEXED))
_PLACEHOLDERS_ONLY = re.compile(rf"(?:\s*(?:{_PLACEHOLDER}))*\s*")


@dataclass(frozen=True)
class Heading:
    """An entry of a page's table of contents: a heading written as HTML here, with its subheadings."""

    level: int
    id: str
    title: str  # HTML
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class Page:
    """One generated file of a site: its path under the docs root and its text (Markdown or SVG).

    ``html`` holds ready HTML fragments for the page's slots (``slot(0)`` …):
    the long, repetitive parts (a problem's page body, a unit's problem tree)
    are rendered to HTML here and spliced into the converted page, because
    Markdown conversion of thousands of small blocks would dominate the build.
    Search indexes them with the page. ``unindexed`` holds fragments for
    ``unindexed_slot(0)`` …, spliced into the finished page after search has
    read it: parts search must skip anyway (a unit's tables) then cost the
    search plugin's HTML parser nothing.

    Pages made one per unit or notice write their headings as HTML too
    (Python-Markdown spends most of such a page's time on its headings) and
    list them in ``toc``, which the hook gives MkDocs as the page's table of contents.
    """

    path: str
    text: str
    html: tuple[str, ...] = ()
    unindexed: tuple[str, ...] = ()
    toc: tuple[Heading, ...] = ()

    @property
    def html_only(self) -> bool:
        """Nothing past the front matter but placeholders: the page needs no Markdown conversion
        (Python-Markdown would hand the placeholders back as they are)."""
        body = self.text.split("\n---\n", 1)[1] if self.text.startswith("---\n") else self.text
        return _PLACEHOLDERS_ONLY.fullmatch(body) is not None


def slot(number: int) -> str:
    """The placeholder for ``Page.html[number]``: an HTML comment, which Markdown passes through."""
    return SLOT.format(number)


def unindexed_slot(number: int) -> str:
    """The placeholder for ``Page.unindexed[number]`` (an HTML comment, like :func:`slot`)."""
    return UNINDEXED.format(number)


def splice(converted: str, fragments: Sequence[str], placeholder: str = SLOT) -> str:
    """Put the HTML fragments into the converted page in place of their placeholders."""
    for number, fragment in enumerate(fragments):
        converted = converted.replace(placeholder.format(number), fragment, 1)
    return converted


@dataclass
class Slots:
    """HTML fragments gathered while a page's Markdown is written: :meth:`put` returns the placeholder."""

    html: list[str] = field(default_factory=list)

    def put(self, fragment: str) -> str:
        self.html.append(fragment)
        return slot(len(self.html) - 1)


@dataclass
class Headings:
    """A page's HTML headings as they are written, numbered ``_1``, ``_2`` … in page order.

    Those are the ids Python-Markdown's table of contents gives headings without
    Latin letters or digits, which is nearly all of ours: anchors stay as they were.
    """

    written: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, level: int, title: str, attrs: str = "") -> str:
        """The heading's HTML (``title`` is HTML already; ``attrs``, space first, go before the id)."""
        anchor = f"_{len(self.written) + 1}"
        self.written.append((level, anchor, title))
        return f'<h{level}{attrs} id="{anchor}">{title}</h{level}>'

    def toc(self) -> tuple[Heading, ...]:
        """The headings nested by level, as a table of contents (one above the first starts a new top)."""
        top: tuple[Heading, ...] = ()
        i = 0
        while i < len(self.written):
            group, i = _nest(self.written, i)
            top += group
        return top


def _nest(written: list[tuple[int, str, str]], start: int) -> tuple[tuple[Heading, ...], int]:
    """The headings from ``start`` on, up to the first one above ``written[start]``'s level."""
    out: list[Heading] = []
    i = start
    while i < len(written) and (not out or written[i][0] >= out[0].level):
        level, anchor, title = written[i]
        if out and level > out[0].level:  # deeper than its siblings: a child of the last one
            children, i = _nest(written, i)
            last = out[-1]
            out[-1] = Heading(last.level, last.id, last.title, last.children + children)
            continue
        out.append(Heading(level, anchor, title))
        i += 1
    return tuple(out), i
