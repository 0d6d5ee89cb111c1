"""Markdown building blocks: escaping data text, tables, links, traffic lights.

Data is typed by clerks, so every value goes through :func:`esc` (in Markdown)
or :func:`h` (in HTML) before it reaches a page: an asterisk or a ``<`` in a
problem text must print as itself, never become markup.

Tables and lists of many cells are written as raw HTML blocks: Python-Markdown
passes those through, while its inline processing of thousands of small cells
would dominate the build time. Their links therefore point at the ``.html``
files directly (the configs set ``use_directory_urls: false``). Pages made one
per notice skip Python-Markdown altogether: :func:`html_page` renders their
regular Markdown to HTML here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from xuncha.render import Headings, Page, slot, unindexed_slot

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MARKUP = re.compile(r"([\\`*_\[\]{}#+!])")
_LIST_START = re.compile(r"^(\s*)(-|\d+\.)(?=\s)")
_ESCAPED = re.compile(r"\\(.)")
_CLASS_MARK = re.compile(r"\n\{ \.([\w-]+) \}$")


def esc(text: object) -> str:
    """Data text made inert in Markdown: HTML characters as entities, Markdown punctuation escaped."""
    out = _MARKUP.sub(r"\\\1", str(text).translate(_HTML))
    out = _LIST_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)
    return out.replace("\r", "").replace("\n", "<br>")


def unesc(markdown: str) -> str:
    """Undo :func:`esc`: the data text back, line breaks included (exact: esc leaves no ambiguity)."""
    pieces = markdown.split("<br>")
    return "\n".join(html.unescape(_ESCAPED.sub(r"\1", piece)) for piece in pieces)


def link(text: str, target: str) -> str:
    """A Markdown link; ``text`` is escaped, ``target`` is a path we generated."""
    return f"[{esc(text)}]({target})"


def h(text: object) -> str:
    """Data text for an HTML context (a table cell): entities, and line breaks kept."""
    return html.escape(str(text)).replace("\r", "").replace("\n", "<br>")


def a(text: str, target: str) -> str:
    """An HTML link to a generated page (``x.md`` → ``x.html``)."""
    path, _, anchor = target.partition("#")
    if path.endswith(".md"):
        path = path[: -len(".md")] + ".html"
    return f'<a href="{html.escape(path)}{"#" + anchor if anchor else ""}">{h(text)}</a>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table block; cells are HTML already (escape data with :func:`h`, link with :func:`a`)."""
    head = "".join(f"<th>{cell}</th>" for cell in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


@dataclass(frozen=True)
class Light:
    """A traffic light: colour class and the Chinese word it stands for (shown, not only coloured)."""

    colour: str  # green / yellow / red / grey
    label: str


GREEN, YELLOW, RED, GREY, BLUE = (
    Light("green", "正常"),
    Light("yellow", "临期"),
    Light("red", "逾期"),
    Light("grey", "无时限"),
    Light("blue", "已完成"),
)


def lamp(light: Light, label: str | None = None) -> str:
    """A coloured dot followed by its word, so the light reads without colour too."""
    word = h(label or light.label)
    return f'<span class="xc-lamp xc-{light.colour}" title="{word}"></span>{word}'


def front_matter(title: str, *, search: bool) -> str:
    """Page metadata: the title, and whether Material's search indexes the page at all."""
    lines = ["---", f"title: {_yaml_str(title)}"]
    if not search:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""])


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def html_page(
    path: str, markdown: str, *, search: bool, searched: Callable[[str], bool] = lambda block: True
) -> Page:
    """A page of our regular Markdown (below), rendered here to HTML and titled by its ``#`` heading.

    "Regular" is what the notice renderers write: blocks between blank lines,
    each a ``#`` heading, a paragraph of :func:`esc` text (optionally marked
    ``{ .class }`` on its own last line), or a raw HTML block. That is read
    back exactly (as :mod:`xuncha.office.notice_doc` reads it for the .docx), giving
    the HTML and table of contents Python-Markdown would give (its ids too, for
    headings without Latin letters or digits) at a fraction of the cost.
    Blocks ``searched`` turns down (never a heading) go to the page's
    unindexed parts: on the page, in place, but not in the search index.
    A heading below the title with nothing indexed before the next heading
    (一、组织整改落实情况 …) is no search entry either: in every notice alike,
    it would only be found by the words every notice has.
    """
    headings = Headings()
    blocks = [b for b in markdown.split("\n\n") if b.strip()]
    levels = [_heading_level(block) for block in blocks]
    indexed = [not level and searched(b) for b, level in zip(blocks, levels, strict=True)]
    out: list[str] = []
    unindexed: list[str] = []
    for block, level, found, bare in zip(
        blocks, levels, indexed, _empty_sections(levels, indexed), strict=True
    ):
        if level:
            attrs = " data-search-exclude" if bare and level > 1 else ""
            out.append(headings.add(level, h(unesc(block.partition(" ")[2])), attrs))
        elif found:
            out.append(_html_block(block))
        else:
            out.append(unindexed_slot(len(unindexed)))
            unindexed.append(_html_block(block))
    head = front_matter(unesc(markdown.split("\n", 1)[0].removeprefix("# ")), search=search)
    body = "\n".join(out)
    return Page(path, f"{head}{slot(0)}\n", (body,), unindexed=tuple(unindexed), toc=headings.toc())


def _heading_level(block: str) -> int:
    """The level of a ``#`` heading block, else 0 (esc escapes a data "#": only ours start with one)."""
    marks, _, title = block.partition(" ")
    return len(marks) if marks.strip("#") == "" and title else 0


def _empty_sections(levels: Sequence[int], indexed: Sequence[bool]) -> list[bool]:
    """For each heading, whether no indexed block follows it before the next heading."""
    empty = [False] * len(levels)
    found = False
    for i in reversed(range(len(levels))):
        if levels[i]:
            empty[i], found = not found, False
        else:
            found = found or indexed[i]
    return empty


def _html_block(block: str) -> str:
    """A raw HTML block as it is, else a paragraph (esc text starts with ``<`` only as a line break)."""
    if block.startswith("<") and not block.startswith("<br>"):
        return block
    mark = _CLASS_MARK.search(block)
    attrs = f' class="{mark.group(1)}"' if mark else ""
    return f"<p{attrs}>{h(unesc(block[: mark.start()] if mark else block))}</p>"
