"""A notice's blocks as a .docx in the official-document layout of GB/T 9704-2012 (python-docx).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm
text block); 22 lines of 28 characters: a line grid of 28.95 pt, and body text
condensed by 0.25 pt to a 15.75 pt character pitch (Word's character grid would
do the same, but LibreOffice spreads grid characters apart). Title in
方正小标宋简体 二号 (22 pt), centred, broken between words, one blank line below;
body in 仿宋_GB2312 三号 (16 pt), first line indented two characters; “一、”
headings in 黑体, “（一）” headings in 楷体_GB2312; the issuer two characters from
the right with the date below it, its first character two characters right of
the issuer's; page numbers “— 1 —” in 宋体 四号 (14 pt), odd pages right and even
pages left, one character in. Fonts are named as offices install them; Word and
LibreOffice substitute when one is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.font import Font
from docx.text.paragraph import Paragraph

from xuncha.office.notice_doc import Block, Kind

TITLE_FONT, BODY_FONT, SECTION_FONT, HEADING_FONT, NUMBER_FONT = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
TITLE_SIZE, BODY_SIZE, NUMBER_SIZE = Pt(22), Pt(16), Pt(14)
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
GRID_LINE_PITCH = 579  # the same in twentieths of a point
CONDENSED = -5  # twentieths of a point per character: 16 pt − 0.25 pt puts 28 characters in 156 mm
TITLE_CHARS = 20  # 二号 characters on one line of the text block
CHAR = Pt(16)  # one character of body text, for indents counted in characters
STYLE_NAMES = {
    Kind.TITLE: "公文标题",
    Kind.ADDRESSEE: "主送机关",
    Kind.SECTION: "一级标题",
    Kind.HEADING: "二级标题",
}
DRAFT_NOTE = "草稿　未经“三把关”签署，不得对外公开"


def write(items: Sequence[Block], path: Path, *, draft: bool = False) -> None:
    """Write the notice's blocks to ``path``; a draft says so in its title and in every page's header."""
    document = Document()
    _page(document, draft)
    _styles(document)
    for block in items:
        _add(document, block, draft)
    document.save(str(path))


def _page(document: DocxDocument, draft: bool) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(20), Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    if draft:
        for header in (section.header, section.even_page_header):
            _draft_note(header.paragraphs[0])


def _page_number(paragraph: Paragraph, side: WD_ALIGN_PARAGRAPH) -> None:
    """“— 1 —” one character in from the outer edge (the PAGE field keeps counting)."""
    paragraph.alignment = side
    indent = Pt(14)
    if side == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    for kind, text in (
        ("text", "— "),
        ("begin", ""),
        ("instr", " PAGE "),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
    ):
        run = paragraph.add_run()
        _font(run.font, NUMBER_FONT, NUMBER_SIZE)
        if kind == "text":
            run.text = text
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
    _font(paragraph.add_run(" —").font, NUMBER_FONT, NUMBER_SIZE)


def _draft_note(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(DRAFT_NOTE)
    _font(run.font, SECTION_FONT, Pt(12))
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _styles(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _font(normal.font, BODY_FONT, BODY_SIZE)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSED))
    normal.element.get_or_add_rPr().append(spacing)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = 2 * CHAR
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False
    title = _style(document, STYLE_NAMES[Kind.TITLE], TITLE_FONT, TITLE_SIZE, None)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    off_grid = OxmlElement("w:snapToGrid")  # a 22 pt line would take two grid lines
    off_grid.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().append(off_grid)
    addressee = _style(document, STYLE_NAMES[Kind.ADDRESSEE], BODY_FONT, BODY_SIZE, None)
    addressee.paragraph_format.first_line_indent = Pt(0)  # 主送机关: flush left (GB/T 9704 7.2.4)
    _style(document, STYLE_NAMES[Kind.SECTION], SECTION_FONT, BODY_SIZE, 0)
    _style(document, STYLE_NAMES[Kind.HEADING], HEADING_FONT, BODY_SIZE, 1)


def _style(document: DocxDocument, name: str, font: str, size: Pt, outline: int | None) -> ParagraphStyle:
    """A paragraph style on Normal; headings get an outline level so Word's navigation pane lists them."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    _font(style.font, font, size)
    style.paragraph_format.keep_with_next = outline is not None
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(level)
    return style


def _font(font: Font, name: str, size: Pt) -> None:
    """Name the font for Chinese (eastAsia) as well as Latin text; Word reads the former for Hanzi."""
    font.name = name
    font.size = size
    element: Any = font.element  # a run's or a style's element: both hold the run properties
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _add(document: DocxDocument, block: Block, draft: bool) -> None:
    if block.kind is Kind.SIGNATURE:
        _signature(document, block.lines)
        return
    if block.kind is Kind.TITLE:
        lines = title_lines(block.text + ("（草稿）" if draft else ""))
        document.add_paragraph("\n".join(lines), STYLE_NAMES[Kind.TITLE])  # \n: a line break
        document.add_paragraph()  # one blank line below the title
        return
    style = STYLE_NAMES.get(block.kind)
    for line in block.lines:
        for part in line.split("\n"):
            document.add_paragraph(part, style)


def title_lines(title: str, per_line: int = TITLE_CHARS) -> list[str]:
    """A two-line title broken where the words allow, the upper line the longer (a trapezoid).

    GB/T 9704 wants titles broken between words and laid out evenly; a title
    breaks after (or before) its 关于 when that is near the middle, else at the middle.
    """
    if width(title) <= per_line or width(title) > 2 * per_line:
        return [title]
    middle = (len(title) + 1) // 2
    near = range(max(1, middle - 4), min(len(title), middle + 4))
    after = [p for p in near if title[p - 2 : p] == "关于"]
    before = [p for p in near if title[p : p + 2] == "关于"]
    cut = next(iter(after or before), middle)
    return [title[:cut], title[cut:]]


def _signature(document: DocxDocument, lines: Sequence[str]) -> None:
    """Issuer two characters from the right; the date below, starting two characters further right.

    When the date is the longer one it sits two characters from the right instead, and the
    issuer moves left to keep the two-character step (GB/T 9704-2012 7.3.5.2).
    """
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.keep_with_next = True  # never a signature alone on a page
    document.add_paragraph().paragraph_format.keep_with_next = True
    issuer, day = [*lines, "", ""][:2]
    date_in = width(issuer) - width(day)
    issuer_in = 2.0
    if date_in < 2:
        date_in, issuer_in = 2.0, 4 + width(day) - width(issuer)
    for text, indent in ((issuer, issuer_in), (day, date_in)):
        if text:
            paragraph = document.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.right_indent = Pt(CHAR.pt * indent)
            paragraph.paragraph_format.keep_with_next = text is issuer


def width(text: str) -> float:
    """Width in body characters: Hanzi and full-width punctuation 1, ASCII digits and letters ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
