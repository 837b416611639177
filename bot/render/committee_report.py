"""The committee's "BÁO CÁO kết quả sinh hoạt chi bộ" as a .docx (#14, K1-K4).

The Party's administrative form (Hướng dẫn 36-HD/VPTW, 03/4/2018: thể thức và kỹ thuật trình
bày văn bản của Đảng): on the left the directly superior party organisation over the issuing
committee (bold), a "*" and "Số …-BC/ĐU"; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and
the place and date in italics; the kind of document ("BÁO CÁO") and its subject; the body; the
recipients ("Nơi nhận:") on the left and the signer's authority on the right.

A Vietnamese document whatever the reader's language, like the minutes (bot/render/minutes.py):
the form exists only in Vietnamese. Numbers and percentages as L3 ("1.234", "96,5%"), dates as
L2. The figures come from one Report (bot/domain/report.py), the same the text, the chart and
the workbook render, once as prose and once as a table from the same rows, so the two cannot
disagree. Cell names and counts only, never a member's name (S2).

K3 (the year's buckets) and K4 (the breakdowns) each live in one small function, `_year_rows`
and `_breakdown_table`, so a change to those figures touches one place here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone
from fractions import Fraction
from typing import Literal

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from bot.domain.attendance import meets_threshold
from bot.domain.facts import REPORT_WITHIN_DAYS
from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import Breakdown, YearMonth, month_state
from bot.domain.text import normalize, xml_safe
from bot.render import labels
from bot.render.docx_page import (
    BLANK,
    HEADER_SIZE,
    dotted_lines,
    locality,
    para,
    party_header,
    party_organisation,
    plain_table,
    setup_page,
)
from bot.render.i18n import translator
from bot.render.summary_text import group_label, whole_label, year_buckets

VIETNAM = timezone(timedelta(hours=7), "ICT")  # L1
SMALL = Pt(12)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
GRADES = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}

# A committee's name → the document symbol's suffix and the signer's body (HD 36):
# "Đảng ủy phường Hòa Minh" signs "BC/ĐU" as "T/M ĐẢNG ỦY". The organisation it leads and
# its place come from bot/render/docx_page (the minutes' header says the same).
_COMMITTEES: tuple[tuple[str, str, str], ...] = (
    # (prefix of the name, symbol, body)
    ("tỉnh ủy", "TU", "TỈNH ỦY"),
    ("thành ủy", "TU", "THÀNH ỦY"),
    ("huyện ủy", "HU", "HUYỆN ỦY"),
    ("quận ủy", "QU", "QUẬN ỦY"),
    ("thị ủy", "TU", "THỊ ỦY"),
    ("đảng ủy", "ĐU", "ĐẢNG ỦY"),
    ("đảng bộ", "ĐU", "ĐẢNG ỦY"),
    ("chi bộ", "CB", "CHI BỘ"),
)


def _committee(name: str) -> tuple[str, str, str] | None:
    folded = normalize(name).lower().replace("uỷ", "ủy")  # L5: "Đảng uỷ" is "Đảng ủy"
    return next((c for c in _COMMITTEES if folded.startswith(c[0])), None)


def symbol(committee: str) -> str:
    """The document symbol's suffix: "BC/ĐU" for a Đảng ủy, "BC/TU" for a Tỉnh ủy."""
    found = _committee(committee)
    return f"BC/{found[1] if found else 'ĐU'}"


def place_of(committee: str) -> str:
    """The locality of the place and date line: "Đảng ủy phường Hòa Minh" → "Hòa Minh"."""
    return locality([committee]) or BLANK


@dataclass(frozen=True)
class Issuer:
    """Who issues the report: the node's committee and its parent node (None at the top)."""

    committee: str  # "Đảng ủy phường Hòa Minh"
    parent: str | None  # "Tỉnh ủy Minh Hòa"
    signer: Literal["secretary", "deputy"] = "secretary"


@dataclass(frozen=True)
class Row:
    """One figure, written once as a sentence and once as a table row."""

    label: str
    count: int | None = None
    of: int | None = None  # the count's whole: "10/12 chi bộ, đạt 83,3%"
    rate: Fraction | None = None  # a rate of its own (attendance): "96,5%"
    unit: str = "chi bộ"
    verb: str = "chiếm"  # "đạt" where more is better: "đã sinh hoạt …: 10/12 chi bộ, đạt 83,3%"


T = translator("vi")


def _pct(value: Fraction | None) -> str:
    return T.percent(value) if value is not None else "—"


def _share(row: Row) -> str:
    if row.count is not None and row.of:
        return _pct(Fraction(row.count, row.of))
    if row.rate is not None or row.count is None:
        return _pct(row.rate)
    return ""


def sentence(row: Row) -> str:
    """ "- Số chi bộ đã sinh hoạt thường kỳ: 10/12 chi bộ, đạt 83,3%;" (a share of what is
    wanted is "đạt", of the rest "chiếm")."""
    if row.count is None:
        value = _pct(row.rate)
    elif row.of is not None:
        value = f"{T.number(row.count)}/{T.number(row.of)} {row.unit}"
        if row.of:
            value += f", {row.verb} {_share(row)}"
    else:
        value = f"{T.number(row.count)} {row.unit}".strip()
    return f"- {row.label}: {value};"


def period_words(report: Report) -> str:
    """ "tháng 11 năm 2026", "quý IV năm 2026", "năm 2026"."""
    p = report.period
    if p.month:
        return f"tháng {p.month} năm {p.year}"
    if p.quarter:
        return f"quý {ROMAN[p.quarter]} năm {p.year}"
    return f"năm {p.year}"


# --- The figures -------------------------------------------------------------------------


def _month_rows(report: Report) -> list[Row]:
    """K1 (R4, M5)."""
    f = report.month
    assert f is not None
    threshold = T.percent(report.profile.attendance_threshold)
    return [
        Row("Tổng số chi bộ phải sinh hoạt trong tháng", f.cells),
        Row("Số chi bộ đã sinh hoạt thường kỳ", f.held, f.cells, verb="đạt"),
        Row("Số chi bộ báo cáo không sinh hoạt", f.zero, f.cells),
        Row("Số chi bộ chưa báo cáo", len(f.unreported), f.cells),
        Row("Tỷ lệ đảng viên dự sinh hoạt bình quân", rate=f.mean_rate),
        Row("Tỷ lệ đảng viên dự sinh hoạt thấp nhất", rate=f.lowest_rate),
        Row(f"Số chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới {threshold}", len(f.below), f.cells),
        Row("Số chi bộ có đảng viên vắng không có lý do", f.with_unexcused, f.cells),
        Row("Số lượt đảng viên vắng không có lý do", f.unexcused, unit="lượt"),
        Row("Số buổi sinh hoạt chưa bảo đảm thời lượng tối thiểu", f.short, unit="buổi"),
        Row(
            f"Số chi bộ báo cáo chậm quá {REPORT_WITHIN_DAYS} ngày sau buổi sinh hoạt",
            len(f.late),
            f.cells,
        ),
    ]


def _quarter_rows(report: Report) -> list[Row]:
    """K2, with the months' regular meetings (M1, M4)."""
    f = report.quarter
    assert f is not None
    rows = [
        Row("Tổng số chi bộ", f.cells),
        Row("Số chi bộ đã sinh hoạt chuyên đề trong quý", f.thematic, f.cells, verb="đạt"),
        Row("Số chi bộ chưa sinh hoạt chuyên đề trong quý", len(f.without), f.cells),
    ]
    rows += [
        Row(f"Số chi bộ đã sinh hoạt thường kỳ tháng {T.month(*ym)}", held, due, verb="đạt")
        for ym, held, due in f.held_months
    ]
    return rows


def _year_rows(report: Report) -> list[Row]:
    """K3: the year's buckets by regular meetings held, over the cells tracked the whole
    period, with the cells founded (or tracked from) inside it apart (#14; the labels are the
    text's and the workbook's: summary_text.year_buckets), attendance, length, lateness (M6),
    grades (M9), thematic meetings by quarter and the members to consider under R5/R6
    (counts only: S2)."""
    f = report.year
    assert f is not None
    rows = [
        Row("Tổng số chi bộ", f.cells),
        Row(whole_label(T, f), f.whole),
    ]
    rows += [
        Row(f"Số chi bộ {label}", count, f.whole, verb="đạt" if i == 0 else "chiếm")
        for i, (label, count) in enumerate(year_buckets(T, f))
    ]
    if f.new:
        rows += [
            Row(T.gettext("Founded (or tracked from) during the year"), f.new),
            Row(
                f"- {T.gettext('of them, held the regular meeting in every month since')}",
                f.new_full,
                f.new,
                verb="đạt",
            ),
        ]
    rows += [
        Row("Tỷ lệ đảng viên dự sinh hoạt bình quân", rate=f.mean_rate),
        Row("Tỷ lệ đảng viên dự sinh hoạt thấp nhất", rate=f.lowest_rate),
        Row("Số buổi sinh hoạt chưa bảo đảm thời lượng tối thiểu", f.short, unit="buổi"),
        Row(
            f"Số chi bộ báo cáo chậm quá {REPORT_WITHIN_DAYS} ngày sau buổi sinh hoạt",
            f.late,
            f.cells,
        ),
    ]
    rows += [
        Row(
            f"Số buổi sinh hoạt xếp loại {GRADES.get(g, g)} (cấp ủy cấp trên đã xác nhận)",
            c,
            unit="buổi",
        )
        for g, c in f.grades.items()
    ]
    rows.append(
        Row("Số buổi chi bộ tự xếp loại, chưa được xác nhận", f.grades_unconfirmed, unit="buổi")
    )
    rows += [
        Row(f"Số chi bộ sinh hoạt chuyên đề quý {ROMAN.get(q, str(q))}", held, due, verb="đạt")
        for q, held, due in f.thematic_quarters
    ]
    rows += [
        Row("Số đảng viên vắng không có lý do 2 tháng trong năm", f.r5_warned, unit="đồng chí"),
        Row("Số đảng viên vắng không có lý do từ 3 tháng trở lên", f.r5_flagged, unit="đồng chí"),
        Row("Số đảng viên vắng có lý do quá 3 lần liên tiếp", f.r6_flagged, unit="đồng chí"),
    ]
    return rows


def rows(report: Report) -> list[Row]:
    if report.month is not None:
        return _month_rows(report)
    if report.quarter is not None:
        return _quarter_rows(report)
    return _year_rows(report)


def _ended(report: Report) -> list[YearMonth]:
    """The period's months that have ended: the running month still has time (M1)."""
    now = (report.today.year, report.today.month)
    return [ym for ym in report.months if ym < now]


def named_lists(report: Report) -> list[tuple[str, list[str]]]:
    """The cells to name (K1; cells only, never members: S2): not reported, below the
    threshold (R4, on the exact rates), and for a quarter without a thematic meeting."""
    if report.month is not None:
        f = report.month
        threshold = T.percent(report.profile.attendance_threshold)
        return [
            ("Các chi bộ chưa báo cáo", f.unreported),
            (f"Các chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới {threshold}", f.below),
            (
                f"Các chi bộ báo cáo chậm quá {REPORT_WITHIN_DAYS} ngày",
                [f"{name} ({days} ngày)" for name, days in f.late],
            ),
        ]
    months = _ended(report)
    unreported = [
        c.name
        for c in report.cells
        if any(c.due(ym) and month_state(c, ym) == "none" for ym in months)
    ]
    below = [
        c.name
        for c in report.cells
        if (r := c.rate(months)) is not None and not meets_threshold(r, report.profile)
    ]
    threshold = T.percent(report.profile.attendance_threshold)
    lists = [
        ("Các chi bộ có tháng chưa báo cáo", unreported),
        (f"Các chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới {threshold}", below),
    ]
    if report.quarter is not None:
        lists.append(("Các chi bộ chưa sinh hoạt chuyên đề trong quý", report.quarter.without))
    return lists


# --- The document ------------------------------------------------------------------------


def _header(doc: DocumentObject, report: Report, issuer: Issuer) -> None:
    upper = party_organisation(issuer.parent) if issuer.parent else f"ĐẢNG BỘ {BLANK}"
    table = party_header(
        doc,
        upper,
        issuer.committee,
        place_of(issuer.committee),
        report.today,
        widths=(Cm(8), Cm(8.5)),
    )
    left = table.rows[0].cells[0]
    para(left, f"Số {BLANK}-{symbol(issuer.committee)}", center=True, size=HEADER_SIZE)


_COLUMNS = (Cm(1.2), Cm(9.1), Cm(2.9), Cm(2.8))  # the text width, 16 cm


def _table(doc: DocumentObject, head: Sequence[str], body: Sequence[Sequence[str]]) -> None:
    """A bordered table of four columns: number, label, two values."""
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, SMALL
    for values in body:
        cells = table.add_row().cells
        heading = not values[0] and not any(values[2:])  # a group's title row
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(xml_safe(normalize(text)))
            run.font.size, run.bold, run.italic = SMALL, heading, heading
    table.autofit = False
    for column, width in zip(table.columns, _COLUMNS, strict=True):
        column.width = width  # the grid (LibreOffice reads it) and each cell (Word does)
        for cell in column.cells:
            cell.width = width


def _figures_table(doc: DocumentObject, figures: Sequence[Row]) -> None:
    body = [
        (
            str(i),
            row.label,
            T.number(row.count) if row.count is not None else "",
            _share(row),
        )
        for i, row in enumerate(figures, 1)
    ]
    _table(doc, ("TT", "Chỉ tiêu", "Số lượng", "Tỷ lệ"), body)


def _breakdown_table(doc: DocumentObject, report: Report) -> bool:
    """K4: by grassroots organisation and by cell type; False when there is none."""
    blocks: list[tuple[str, list[Breakdown], bool]] = [
        ("Theo tổ chức cơ sở đảng", report.by_group, False),
        ("Theo loại hình chi bộ", report.by_type, True),
    ]
    body: list[tuple[str, str, str, str]] = []
    for title, lines, is_type in blocks:
        if not lines:
            continue
        body.append(("", title, "", ""))
        # A province's grassroots lines go commune by commune, as in the text (#14, K4).
        areas = not is_type and len({b.area for b in lines}) > 1
        area: str | None = None
        for i, b in enumerate(lines, 1):
            if areas and b.area != area:
                area = b.area
                body.append(("", area or normalize(report.node_name), "", ""))
            if is_type:
                label = T.gettext(labels.CELL_TYPE[CellType(b.label)])
            else:
                label = group_label(report, T, b.label, b.direct)
            label = label[:1].upper() + label[1:]  # a table row starts with a capital
            held = f"{T.number(b.held)}/{T.number(b.cells)}"
            body.append((str(i), label, held, _pct(b.mean_rate)))
    if not body:
        return False
    _table(doc, ("TT", "Đơn vị", "Sinh hoạt đủ các tháng", "Tỷ lệ dự bình quân"), body)
    return True


def _signatures(doc: DocumentObject, issuer: Issuer) -> None:
    left, right = plain_table(doc, (Cm(7.5), Cm(8.5))).rows[0].cells
    para(left, "Nơi nhận:", bold=True, underline=True, size=SMALL)
    upper = (
        f"Ban Thường vụ {normalize(issuer.parent)}" if issuer.parent else f"Cấp ủy cấp trên {BLANK}"
    )
    para(left, f"- {upper} (để báo cáo),", size=SMALL)
    para(left, "- Lưu Văn phòng.", size=SMALL)
    found = _committee(issuer.committee)
    para(right, f"T/M {found[2] if found else 'ĐẢNG ỦY'}", bold=True, center=True)
    if issuer.signer == "deputy":
        para(right, "K/T BÍ THƯ", bold=True, center=True)
        para(right, "PHÓ BÍ THƯ", bold=True, center=True)
    else:
        para(right, "BÍ THƯ", bold=True, center=True)
    for _ in range(3):  # room to sign and stamp
        para(right, center=True)


def committee_report(report: Report, issuer: Issuer) -> bytes:
    """The report as the bytes of a .docx file."""
    doc = Document()
    setup_page(doc)
    _header(doc, report, issuer)
    para(doc)
    para(doc, "BÁO CÁO", bold=True, center=True, size=Pt(15))
    para(doc, f"kết quả sinh hoạt chi bộ {period_words(report)}", bold=True, center=True)
    if not report.complete:
        para(doc, f"(tính đến ngày {T.date(report.today)})", italic=True, center=True)
    para(doc, "-----", center=True)

    committee = normalize(issuer.committee)
    figures = rows(report)
    para(
        doc,
        f"{committee} báo cáo kết quả sinh hoạt của {T.number(len(report.cells))} chi bộ "
        f"{period_words(report)} như sau:",
    )
    para(doc, "I. KẾT QUẢ SINH HOẠT CHI BỘ", bold=True)
    for row in figures:
        para(doc, sentence(row))
    for title, names in named_lists(report):
        if names:
            para(doc, f"- {title} ({T.number(len(names))}): {', '.join(names)}.")
    para(doc, "Bảng 1. Số liệu tổng hợp", bold=True, italic=True, center=True)
    _figures_table(doc, figures)
    if report.by_group or report.by_type:
        para(doc)
        para(doc, "Bảng 2. Kết quả theo đơn vị", bold=True, italic=True, center=True)
        _breakdown_table(doc, report)
    para(doc)
    para(doc, "II. NHẬN XÉT, ĐÁNH GIÁ", bold=True)
    dotted_lines(doc, 3)
    para(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", bold=True)
    dotted_lines(doc, 3)
    para(
        doc, f"Trên đây là báo cáo kết quả sinh hoạt chi bộ {period_words(report)} của {committee}."
    )
    para(doc)
    _signatures(doc, issuer)

    props = doc.core_properties
    props.title = "Báo cáo kết quả sinh hoạt chi bộ"
    props.subject = xml_safe(f"{committee}: {period_words(report)}")
    props.author = props.last_modified_by = "chibo"
    props.comments = props.keywords = props.category = ""
    made = datetime.combine(report.today, time(), tzinfo=VIETNAM).astimezone(UTC)
    props.created = props.modified = made.replace(tzinfo=None)  # python-docx writes "…Z"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
