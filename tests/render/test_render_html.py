"""Pages written as HTML here (notices, unit and problem pages) against what Python-Markdown makes.

``html_page`` reads back the regular Markdown of the notice renderers instead of
converting it with Python-Markdown: the HTML and the table of contents must be
the same (ids included), for the demo's notices and for data full of markup.
"""

from __future__ import annotations

import html
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkDocsPage

from xuncha.model.schemas import public_fields, schema_dir
from xuncha.pipeline import validate
from xuncha.render import UNINDEXED, Heading, Headings, Page, slot, splice, unindexed_slot
from xuncha.render.md import esc, html_page, table
from xuncha.render.notice import render_notice, render_round_summary, searched
from xuncha.render.public import public_notices
from xuncha.site import data as site_data
from xuncha.site.mkdocs_hook import HtmlPage, generate

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"
EXCLUDED = " data-search-exclude"
TRICKY = "*粗体* _斜体_ `代码` [链接](x.md) <script>alert(1)</script> & \"引号\" 'x' \\ 反斜杠"


class _Tokens(HTMLParser):
    """HTML as a list of tags (attributes sorted) and texts (entities resolved, blanks collapsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = [attr for attr in attrs if attr[0] != "data-search-exclude"]  # it steers the index only
        self.out.append(f"<{tag} {sorted(shown)}>")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.out.append(" ".join(data.split()))


def tokens(text: str) -> list[str]:
    parser = _Tokens()
    parser.feed(text)
    return parser.out


def python_markdown(text: str) -> tuple[str, list[Any]]:
    """The page as MkDocs converted it before (the site's extensions, toc down to level 3)."""
    md = markdown.Markdown(
        extensions=["toc", "tables", "attr_list"], extension_configs={"toc": {"toc_depth": 3}}
    )
    return md.convert(text), md.toc_tokens  # type: ignore[attr-defined]


def as_tokens(toc: tuple[Heading, ...], ids: bool = True) -> list[Any]:
    return [
        {
            "level": x.level,
            "id": x.id if ids else "",
            "name": html.unescape(x.title),
            "children": as_tokens(x.children, ids),
        }
        for x in toc
    ]


def without_html(toc: list[Any], ids: bool = True) -> list[Any]:
    """Python-Markdown's toc tokens with the fields ours has (its names keep entities)."""
    return [
        {
            "level": x["level"],
            "id": x["id"] if ids else "",
            "name": html.unescape(x["name"]),
            "children": without_html(x["children"], ids),
        }
        for x in toc
    ]


def assert_same_as_python_markdown(text: str, ids: bool = True) -> None:
    """Same HTML and toc; ``ids=False`` when headings hold Latin letters or digits, which
    Python-Markdown turns into ids (ours stay ``_1``, ``_2`` …)."""
    page = html_page("x.md", text, search=True)
    expected, toc = python_markdown(text)
    if not ids:
        expected = re.sub(r' id="[^"]*"', "", expected)
    assert tokens(page.html[0] if ids else re.sub(r' id="[^"]*"', "", page.html[0])) == tokens(expected)
    assert as_tokens(page.toc, ids) == without_html(toc, ids)
    assert page.text.endswith("<!-- xuncha:slot:0 -->\n")


@pytest.fixture(scope="module")
def demo_notices() -> list[str]:
    index = validate(REPO, use_cache=False).index
    notices = public_notices(index, public_fields(schema_dir(REPO)), AS_OF)
    assert notices
    return [render_notice(n) for n in notices] + [render_round_summary(notices[:1], ["甲/1.md"])]


def test_demo_notices_render_as_python_markdown_renders_them(demo_notices: list[str]) -> None:
    for text in demo_notices:
        assert_same_as_python_markdown(text)


def test_a_notice_page_shows_everything_and_search_reads_what_it_is_about(demo_notices: list[str]) -> None:
    for text in demo_notices[:-1]:  # the unit notices (the last one is a round summary)
        whole = html_page("x.md", text, search=True)
        page = html_page("x.md", text, search=True, searched=searched)
        spliced = splice(page.html[0], page.unindexed, UNINDEXED)
        assert spliced.replace(EXCLUDED, "") == whole.html[0].replace(EXCLUDED, "")
        assert page.toc == whole.toc
        indexed = page.html[0]
        assert "问题一：" in indexed and "现将巡察整改进展情况报告如下。" in indexed
        assert f"<h2{EXCLUDED} " in indexed and "<h3 " in indexed and f"<h3{EXCLUDED}" not in indexed
        for heading in re.findall(f"<h2{EXCLUDED}[^>]*>([^<]*)</h2>", indexed):  # nothing indexed under it
            section = indexed.split(heading, 1)[1].split("</h2>", 1)[1].split("<h", 1)[0]
            assert re.sub(r"<!-- xuncha:unindexed:\d+ -->", "", section).strip() == "", heading
        assert "<p>整改情况" not in indexed and "<p>整改时限：" not in indexed
        assert any("整改情况：" in part for part in page.unindexed)


def test_data_full_of_markup_stays_text() -> None:
    text = "\n\n".join(
        [
            f"# {esc(TRICKY)}",
            esc("1. 像列表的开头\n第二行"),
            f"## {esc('二、标题 # 井号')}",
            f"### {esc('（一）' + TRICKY)}",
            esc("- 像列表\r\n" + TRICKY),
            table(["甲", "乙"], [["<b>1</b>", "2"]]),
            f"{esc('落款单位')}<br>2025年1月1日\n{{ .xc-sign }}",
            f"## {esc('三、第二节')}",
            esc("\n以换行开头的一段"),
        ]
    )
    assert_same_as_python_markdown(text, ids=False)
    page = html_page("x.md", text, search=False)
    assert "<script>" not in page.html[0] and "search:\n  exclude: true" in page.text
    assert 'title: "*粗体* _斜体_' in page.text  # the title as text, not Markdown


def test_toc_nests_as_python_markdown_nests_out_of_order_levels() -> None:
    levels = [2, 1, 3, 2, 3, 1, 2]
    text = "\n\n".join(f"{'#' * n} 标题{'甲乙丙丁戊己庚'[i]}" for i, n in enumerate(levels))
    headings = Headings()
    for i, n in enumerate(levels):
        headings.add(n, f"标题{'甲乙丙丁戊己庚'[i]}")
    _, toc = python_markdown(text)
    assert as_tokens(headings.toc()) == without_html(toc)


def test_headings_number_their_ids_and_put_attributes_first() -> None:
    headings = Headings()
    assert headings.add(1, "甲") == '<h1 id="_1">甲</h1>'  # Material finds a page's title by "<h1 id="
    assert headings.add(2, "乙", " data-search-exclude") == '<h2 data-search-exclude id="_2">乙</h2>'


def test_compiled_templates_are_reused_by_the_next_environment() -> None:
    loader = jinja2.DictLoader({"t.html": "{{ 1 + 1 }}号"})
    first = jinja2.Environment(loader=loader, bytecode_cache=site_data.TEMPLATES)
    assert first.get_template("t.html").render() == "2号"
    second = jinja2.Environment(loader=loader, bytecode_cache=site_data.TEMPLATES)

    def no_compiling(*_: object, **__: object) -> None:
        raise AssertionError("编译了已编译过的模板")

    second.compile = no_compiling  # type: ignore[method-assign]
    assert second.get_template("t.html").render() == "2号"


def test_the_build_says_how_many_files_it_left_out(
    minimal_repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        generate(minimal_repo, "public", AS_OF)
    assert "记录文件有错误" not in caplog.text
    status = minimal_repo / "rounds/2025-t-r1/t-unit/status/P02.yaml"
    status.write_text(status.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        generate(minimal_repo, "public", AS_OF)
    assert "1 个记录文件有错误，不会出现在网站上（运行 xuncha validate 查看）。" in caplog.text


@pytest.mark.parametrize("kind", ["internal", "public"])
def test_pages_of_placeholders_skip_markdown_and_come_out_as_mkdocs_makes_them(kind: str) -> None:
    """Every generated page with nothing but placeholders past its front matter (problem, unit and
    notice pages) is taken as it is; MkDocs' own conversion gives the same content and title."""
    config = load_config(str(REPO / "mkdocs.yml"))
    site = generate(REPO, kind, AS_OF)
    files = Files([])
    for page in site.pages:
        file = File(page.path, src_dir=None, dest_dir=config.site_dir, use_directory_urls=False)
        file.content_string = page.text
        files.append(file)
    ready = [(page, file) for page, file in zip(site.pages, files, strict=True) if page.html_only]
    assert ready and len(ready) < len(site.pages)  # the dashboard and index pages are Markdown
    for page, file in ready:
        ours, theirs = HtmlPage(None, file, config), MkDocsPage(None, file, config)
        for built in (ours, theirs):
            built.read_source(config)
            built.render(config, files)
        assert (ours.content, ours.title) == (theirs.content, theirs.title), page.path
        assert (
            list(ours.toc) == list(theirs.toc) == [] and ours.present_anchor_ids == theirs.present_anchor_ids
        )
        assert page.text.startswith("---\n") and "xuncha:" in ours.content


def test_only_placeholders_make_a_page_html_only() -> None:
    head = '---\ntitle: "甲"\n---\n'
    assert Page("a.md", f"{head}{slot(1)}\n\n{slot(0)}\n\n{unindexed_slot(0)}\n").html_only
    assert not Page("a.md", f"{head}# 甲\n\n{slot(0)}\n").html_only
    assert not Page("a.md", f"{head}{slot(0)}\n乙\n").html_only
