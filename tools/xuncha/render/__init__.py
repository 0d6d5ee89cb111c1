"""Renderers: pure functions from the model (or its public projection) to pages.

Nothing here reads files or the clock; the MkDocs hook and the CLI feed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SLOT = "<!-- xuncha:slot:{} -->"


@dataclass(frozen=True)
class Page:
    """One generated file of a site: its path under the docs root and its text (Markdown or SVG).

    ``html`` holds ready HTML fragments for the page's slots (``slot(0)`` …):
    the long, repetitive parts (a problem's page body, a unit's problem tree)
    are rendered to HTML here and spliced into the converted page, because
    Markdown conversion of thousands of small blocks would dominate the build.
    """

    path: str
    text: str
    html: tuple[str, ...] = ()


def slot(number: int) -> str:
    """The placeholder for ``Page.html[number]``: an HTML comment, which Markdown passes through."""
    return SLOT.format(number)


def splice(converted: str, fragments: Sequence[str]) -> str:
    """Put the HTML fragments into the converted page in place of their placeholders."""
    for number, fragment in enumerate(fragments):
        converted = converted.replace(slot(number), fragment, 1)
    return converted
