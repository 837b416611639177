"""Building blocks of a Vietnamese party document in Word: A4 with the usual margins, Times New
Roman throughout, justified paragraphs, lines of dots to write on, borderless tables for the
header and the signatures. Used by bot.render.minutes.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.domain.text import normalize, xml_safe

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)  # A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = Cm(3), Cm(2), Cm(2), Cm(2)
TEXT_WIDTH = Cm(21 - 3 - 2)


def setup_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    normal = doc.styles["Normal"]
    font = normal.font
    font.name, font.size = FONT, BODY_SIZE
    # Word picks the east-Asian/complex-script font slots for some runs; pin them all.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(3), 1.15


def para(
    container: DocumentObject | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    center: bool = False,
    size: Length | None = None,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if text:
        # normalize() drops what XML cannot hold in text typed today; xml_safe() is the
        # backstop for text stored before it did (python-docx raises on U+FFFF) (#12).
        run = paragraph.add_run(xml_safe(normalize(text)))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size is not None:
            run.font.size = size
    return paragraph


def dotted_lines(doc: DocumentObject, count: int) -> None:
    """Lines of dots across the text width (a tab with a dot leader), for handwriting."""
    for _ in range(count):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        paragraph.add_run("\t")


# The children of w:tblPr that the schema puts after w:tblBorders.
_AFTER_TBL_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def plain_table(doc: DocumentObject, widths: Sequence[Length]) -> Table:
    """A borderless table of one row, for the header and the signatures."""
    table: Table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBL_BORDERS)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for cell in table.rows[0].cells:  # drop the empty paragraph each new cell starts with
        cell._tc.remove(cell.paragraphs[0]._p)
    return table
