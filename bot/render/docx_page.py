"""Building blocks of a Vietnamese party document in Word: A4 with the usual margins, Times New
Roman throughout, justified paragraphs, lines of dots to write on, borderless tables for the
header and the signatures; the header of a party organisation's document and its names.
Used by bot.render.minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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
from bot.render.i18n import translator

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


# --- the usual header of a document of a party organisation ------------------------------
# (Added for the minutes, #14; a committee's report can draw its header the same way.)

BLANK = "…………"  # an inline gap to fill in by hand

# "Đảng ủy phường X" names the committee; the organisation it leads is "Đảng bộ phường X".
# The older committees (O1) name their level in the word: "Huyện ủy X" → "Đảng bộ huyện X".
_COMMITTEE_WORDS = (
    ("đảng ủy", "Đảng bộ"),
    ("đảng uỷ", "Đảng bộ"),
    ("tỉnh ủy", "Đảng bộ tỉnh"),
    ("tỉnh uỷ", "Đảng bộ tỉnh"),
    ("thành ủy", "Đảng bộ thành phố"),
    ("thành uỷ", "Đảng bộ thành phố"),
    ("huyện ủy", "Đảng bộ huyện"),
    ("huyện uỷ", "Đảng bộ huyện"),
    ("quận ủy", "Đảng bộ quận"),
    ("quận uỷ", "Đảng bộ quận"),
    ("thị ủy", "Đảng bộ thị xã"),
    ("thị uỷ", "Đảng bộ thị xã"),
)

# Administrative units, most local first: the place line names the commune or ward (O1).
_LOCAL_UNITS = ("xã", "phường", "thị trấn", "đặc khu")
_WIDER_UNITS = ("huyện", "quận", "thị xã", "thành phố", "tỉnh")


def formal_date(day: date) -> str:
    """L2: "ngày 03 tháng 02 năm 2026" (the Vietnamese Translator's, for a Party document
    whatever the reader's language)."""
    return translator("vi").formal_date(day)


def party_organisation(name: str) -> str:
    """The party organisation a committee leads, as a document's header names it:
    "Đảng ủy phường Hòa Minh" → "Đảng bộ phường Hòa Minh", "Huyện ủy Thanh Trì" →
    "Đảng bộ huyện Thanh Trì"; "Đảng bộ Khối phố 3" and any other name stay as they are."""
    name = " ".join(normalize(name).split())
    lowered = name.lower()
    for word, organisation in _COMMITTEE_WORDS:
        if lowered.startswith(word + " "):
            return f"{organisation} {name[len(word) + 1 :]}"
    return name


def _unit_name(name: str, units: Sequence[str]) -> str | None:
    """The proper name after the first administrative unit word in `name`: "Hòa Minh" of
    "Đảng ủy phường Hòa Minh"; "Phường 5" of "Đảng ủy Phường 5" (a number alone is no name)."""
    words = " ".join(normalize(name).split())
    lowered = words.lower().replace("uỷ", "ủy")
    for unit in units:
        at = f" {lowered} ".find(f" {unit} ")
        if at < 0:
            continue
        rest = words[at + len(unit) + 1 :].strip()
        if not rest:
            continue
        return f"{unit.capitalize()} {rest}" if rest[0].isdigit() else rest
    return None


def locality(names: Sequence[str]) -> str | None:
    """The place of the "<place>, ngày … tháng … năm …" line: the commune's or ward's own name
    (Party documents write "Hòa Minh, ngày …"), found in the nearest of `names` (the
    organisation's own name first, then its ancestors' upwards) that has one; failing that
    the district's or province's; None when no name says where."""
    organisations = [party_organisation(n) for n in names]  # "Huyện ủy X" → "… huyện X"
    for units in (_LOCAL_UNITS, _WIDER_UNITS):
        for name in organisations:
            found = _unit_name(name, units)
            if found:
                return found
    return None


def party_header(
    doc: DocumentObject,
    upper: str | None,
    own: str,
    place: str | None,
    day: date,
    *,
    widths: Sequence[Length] = (Cm(7), Cm(9)),
) -> Table:
    """The two columns atop a party document: on the left the upper organisation, the
    issuing one (bold) and a star; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined)
    and the place and formal date (italic). A missing upper organisation or place is a gap."""
    table = plain_table(doc, widths)
    left, right = table.rows[0].cells
    para(left, (normalize(upper or "") or BLANK).upper(), center=True, size=HEADER_SIZE)
    para(left, normalize(own).upper(), bold=True, center=True, size=HEADER_SIZE)
    para(left, "*", center=True, size=HEADER_SIZE)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, center=True, size=BODY_SIZE)
    where = normalize(place or "") or BLANK
    para(right, f"{where}, {formal_date(day)}", italic=True, center=True, size=BODY_SIZE)
    return table


def dotted_line(
    container: DocumentObject | _Cell, label: str = "", *, bold: bool = False, italic: bool = False
) -> Paragraph:
    """`label` followed by dots to the right margin, for a line to finish by hand."""
    paragraph = para(container, label, bold=bold, italic=italic)
    paragraph.paragraph_format.tab_stops.add_tab_stop(
        TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
    )
    paragraph.add_run("\t")
    return paragraph


def keep_together(table: Table, *before: Paragraph) -> None:
    """Keep `table` on one page with the paragraphs `before` it (a signature block never
    stands alone at the top of a page)."""
    for paragraph in before:
        paragraph.paragraph_format.keep_with_next = True
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        properties.append(cant_split)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
