"""``xuncha export-docx``: seed 002's notice as an official document, with the public page's content."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt

from xuncha.model.schemas import public_fields, schema_dir
from xuncha.office.docxio import title_lines
from xuncha.office.notice_doc import Kind, blocks
from xuncha.pipeline import validate
from xuncha.render.public import public_notice

REPO = Path(__file__).resolve().parents[2]
NOTICE = "rounds/2023-yy-tiji/miluo-xcjg/notices/N1.yaml"
PUBLISHED = "2024-06-11"
ITEM = re.compile(r"^问题[一二三四五六七八九十]+：")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from xuncha.cli.main import cli

    out = tmp_path_factory.mktemp("docx") / "通报.docx"
    args = ["--root", str(REPO), "export-docx", str(REPO / NOTICE), "--out", str(out), "--as-of", PUBLISHED]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def document(exported: Path) -> DocxDocument:
    return Document(str(exported))


def texts(document: DocxDocument) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def east_asian_font(style: Any) -> str:
    return str(style.element.rPr.rFonts.get(qn("w:eastAsia")))


def test_page_is_a4_with_official_margins(document: DocxDocument) -> None:
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    sizes += (section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in sizes if length is not None] == [210, 297, 37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid is not None and grid.get(qn("w:linePitch")) == "579"  # 22 lines to the page


def test_fonts_and_sizes(document: DocxDocument) -> None:
    styles = document.styles
    assert (east_asian_font(styles["公文标题"]), styles["公文标题"].font.size) == ("方正小标宋简体", Pt(22))
    assert (east_asian_font(styles["Normal"]), styles["Normal"].font.size) == ("仿宋_GB2312", Pt(16))
    assert east_asian_font(styles["一级标题"]) == "黑体"
    assert east_asian_font(styles["二级标题"]) == "楷体_GB2312"
    normal = styles["Normal"].paragraph_format
    assert (normal.line_spacing, normal.first_line_indent) == (Pt(28.95), Pt(32))


def test_title_headings_and_signature(document: DocxDocument) -> None:
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.style.name == "公文标题"
    assert title.text == "中共汨罗市委巡察机构关于\n巡察整改进展情况的通报"  # broken after 关于
    sections = [p.text for p in paragraphs if p.style.name == "一级标题"]
    assert sections == ["一、组织整改落实情况", "二、集中整改期内已完成的整改事项", "三、下一步整改工作安排"]
    assert len([p for p in paragraphs if p.style.name == "二级标题"]) == 14
    issuer, day = paragraphs[-2:]
    assert (issuer.text, day.text) == ("中共汨罗市委巡察工作领导小组", "2024年6月11日")
    assert issuer.paragraph_format.right_indent == Pt(32)
    assert day.paragraph_format.right_indent == Pt(16 * 7.5)  # its first character two to the right


def test_all_twenty_three_problems_are_there(document: DocxDocument) -> None:
    items = [text for text in texts(document) if ITEM.match(text)]
    assert len(items) == 23
    assert items[0].startswith("问题一：2019年以来，常委会议专题学习巡视巡察相关文件精神仅6次。")
    assert items[-1].startswith("问题二十三：")
    assert sum(1 for text in texts(document) if text.startswith("整改情况：")) == 23


def test_same_content_as_the_public_page(document: DocxDocument) -> None:
    index = validate(REPO).index
    folder = index.folders[("2023-yy-tiji", "miluo-xcjg")]
    notice = public_notice(index, folder.notices["N1"], public_fields(schema_dir(REPO)), PUBLISHED)
    page = [line for block in blocks(notice) for line in block.text.split("\n")]
    docx = [part for text in texts(document) for part in text.split("\n")]
    assert docx == [*title_lines(page[0]), *page[1:]]
    assert blocks(notice)[0].kind is Kind.TITLE


def test_page_numbers_in_the_footer(document: DocxDocument) -> None:
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml
    assert document.settings.odd_and_even_pages_header_footer


def test_unpublished_notice_needs_draft(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "草稿.docx"
    early = (
        "--root",
        REPO,
        "export-docx",
        "2023-yy-tiji/miluo-xcjg/N1",
        "--out",
        out,
        "--as-of",
        "2024-06-09",
    )
    refused = run_cli(*early)
    assert refused.exit_code == 1
    assert "缺少“三把关”签署" in refused.output and not out.exists()
    drafted = run_cli(*early, "--draft")
    assert drafted.exit_code == 0, drafted.output
    draft = Document(str(out))
    assert "（草稿）" in draft.paragraphs[0].text
    assert "不得对外公开" in draft.sections[0].header.paragraphs[0].text


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="需要 LibreOffice 和 poppler"
)
def test_libreoffice_renders_it_on_a4(exported: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(exported)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "通报.pdf")], check=True, capture_output=True, text=True)
    assert "595.3" in info.stdout and "841.89" in info.stdout  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert 10 <= pages <= 25
