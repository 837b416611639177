"""bot.render.minutes: the draft minutes .docx (L2 dates, R1-R3 attendance lines, S2 no content)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import UTC, date, datetime, time

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_TAB_LEADER

from bot.render.minutes import MinutesData, Person, build_minutes, formal_date

REGULAR = MinutesData(
    upper_committee="Đảng ủy phường Hòa Minh",
    cell="Chi bộ Khu phố 5",
    place="Hòa Minh",
    meeting_type_title="sinh hoạt thường kỳ",
    day=date(2026, 2, 3),
    start=time(19, 30),
    minutes=120,
    venue="Nhà văn hóa Khu phố 5",
    eligible=19,
    present=17,
    official_present=15,
    probationary_present=2,
    absent_excused=[Person("Nguyễn Văn An", "ốm")],
    absent_unexcused=[Person("Trần Thị Bích")],
    exempted=[Person("Lê Văn Cường", "có tham dự"), Person("Phạm Thị Dung")],
    elsewhere=[Person("Hoàng Văn Em")],
    guests=[],
    upper_attendee=Person("Võ Thị Hạnh", "Đảng ủy viên, phụ trách chi bộ"),
    chair="Đặng Văn Khoa",
    secretary="Bùi Thị Lan",
    topic="Triển khai Nghị quyết số 57-NQ/TW",
)

BARE = MinutesData(
    upper_committee="Đảng ủy xã Hòa Vang",
    cell="Chi bộ Thôn 2",
    place="",
    meeting_type_title="sinh hoạt bất thường",
    day=date(2026, 11, 9),
    start=None,
    minutes=None,
    venue=None,
    eligible=12,
    present=12,
    official_present=12,
    probationary_present=0,
    absent_excused=[],
    absent_unexcused=[],
    exempted=[],
    elsewhere=[],
    guests=[],
    upper_attendee=None,
    chair=None,
    secretary=None,
    topic=None,
)


def _open(data: MinutesData) -> DocumentObject:
    return docx.Document(io.BytesIO(build_minutes(data)))


def _body(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _cell_lines(doc: DocumentObject, table: int, column: int) -> list[str]:
    return [p.text for p in doc.tables[table].rows[0].cells[column].paragraphs]


def test_l2_formal_date_pads_day_and_month() -> None:
    assert formal_date(date(2026, 2, 3)) == "ngày 03 tháng 02 năm 2026"
    assert formal_date(date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"


def test_header_table_names_committee_cell_party_and_formal_date() -> None:
    doc = _open(REGULAR)
    assert _cell_lines(doc, 0, 0) == ["ĐẢNG ỦY PHƯỜNG HÒA MINH", "CHI BỘ KHU PHỐ 5", "*"]
    assert _cell_lines(doc, 0, 1) == [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hòa Minh, ngày 03 tháng 02 năm 2026",
    ]
    cell_run = doc.tables[0].rows[0].cells[0].paragraphs[1].runs[0]
    party, place_date = doc.tables[0].rows[0].cells[1].paragraphs
    assert cell_run.bold
    assert party.runs[0].bold and party.runs[0].underline
    assert place_date.runs[0].italic
    # Borderless: every edge explicitly "nil".
    borders = doc.tables[0]._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
    assert borders is not None
    assert {b.get(docx.oxml.ns.qn("w:val")) for b in borders} == {"nil"}


def test_title_time_place_and_every_count() -> None:
    body = _body(_open(REGULAR))
    assert "BIÊN BẢN" in body
    assert "SINH HOẠT THƯỜNG KỲ THÁNG 02/2026" in body
    assert "Vào lúc 19 giờ 30 phút, ngày 03 tháng 02 năm 2026, tại Nhà văn hóa Khu phố 5." in body
    assert "Thời lượng: 120 phút." in body
    assert "Tổng số đảng viên của chi bộ (phải có mặt): 19 đồng chí." in body
    assert "Có mặt: 17 đồng chí (chính thức: 15, dự bị: 2)." in body


def test_r3_absences_exempted_elsewhere_by_name_and_none_as_khong() -> None:
    body = _body(_open(REGULAR))
    assert "Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm)." in body
    assert "Vắng không có lý do: 1 đồng chí: Trần Thị Bích." in body
    assert "Miễn sinh hoạt: 2 đồng chí: Lê Văn Cường (có tham dự), Phạm Thị Dung." in body
    assert "Sinh hoạt tạm thời nơi khác: 1 đồng chí: Hoàng Văn Em." in body
    assert "Đảng viên sinh hoạt tạm thời, khách mời: không." in body
    assert "Đại biểu cấp ủy cấp trên: đ/c Võ Thị Hạnh – Đảng ủy viên, phụ trách chi bộ." in body
    assert "Chủ trì: đ/c Đặng Văn Khoa." in body
    assert "Thư ký: đ/c Bùi Thị Lan." in body


def test_content_has_headings_and_dotted_lines_only() -> None:
    doc = _open(REGULAR)
    body = _body(doc)
    start = body.index("III. NỘI DUNG")
    end = next(i for i, t in enumerate(body) if t.startswith("Buổi sinh hoạt kết thúc"))
    content = [t for t in body[start + 1 : end] if t]
    headings = [t for t in content if t != "\t"]
    assert headings == [
        "Chủ đề: Triển khai Nghị quyết số 57-NQ/TW",
        "1. Đánh giá tình hình thực hiện nhiệm vụ tháng …………",
        "2. Phương hướng, nhiệm vụ tháng tới",
        "3. Ý kiến thảo luận",
        "4. Kết luận của chủ trì",
    ]
    # S2: nothing but the headings and blank dotted lines; the dots run to the right margin.
    dotted = [p for p in doc.paragraphs[start + 1 : end] if p.text == "\t"]
    assert len(dotted) == 27
    stop = dotted[0].paragraph_format.tab_stops[0]
    assert stop.leader == WD_TAB_LEADER.DOTS
    assert round(stop.position.cm, 2) == 16  # the text width: 21 - 3 - 2 cm
    assert "I. THỜI GIAN, ĐỊA ĐIỂM" in body and "II. THÀNH PHẦN" in body
    assert "Buổi sinh hoạt kết thúc vào lúc 21 giờ 30 phút cùng ngày." in body


def test_signatures_name_secretary_left_and_chair_right() -> None:
    doc = _open(REGULAR)
    assert len(doc.tables) == 2
    left = [t for t in _cell_lines(doc, 1, 0) if t]
    right = [t for t in _cell_lines(doc, 1, 1) if t]
    assert left == ["THƯ KÝ", "(Ký, ghi rõ họ tên)", "Bùi Thị Lan"]
    assert right == ["CHỦ TRÌ", "(Ký, ghi rõ họ tên)", "Đặng Văn Khoa"]


def test_page_fonts_and_properties_hold_no_personal_data() -> None:
    doc = _open(REGULAR)
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
    assert [round(s.cm, 2) for s in sizes if s is not None] == [21, 29.7, 3, 2]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size is not None and normal.font.size.pt == 14
    props = doc.core_properties
    assert props.title == "Biên bản sinh hoạt chi bộ"
    assert props.subject == "Chi bộ Khu phố 5: sinh hoạt thường kỳ tháng 02/2026"
    assert props.author == "chibo" and props.last_modified_by == "chibo"
    assert "Bùi" not in props.author + props.comments + props.keywords
    assert props.created == datetime(2026, 2, 3, 12, 30, tzinfo=UTC)  # 19:30 in Vietnam


def test_combined_regular_and_thematic_adds_a_thematic_section() -> None:
    combined = MinutesData(
        **{**REGULAR.__dict__, "meeting_type_title": "sinh hoạt thường kỳ và chuyên đề"}
    )
    body = _body(_open(combined))
    assert "SINH HOẠT THƯỜNG KỲ VÀ CHUYÊN ĐỀ THÁNG 02/2026" in body
    assert "3. Sinh hoạt chuyên đề" in body
    assert "5. Kết luận của chủ trì" in body


def test_nfd_input_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    data = MinutesData(**{**REGULAR.__dict__, "absent_excused": [Person(nfd, "ốm")]})
    assert "Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm)." in _body(_open(data))
    with zipfile.ZipFile(io.BytesIO(build_minutes(data))) as package:
        xml = package.read("word/document.xml").decode()
    assert unicodedata.is_normalized("NFC", xml)


def test_all_optional_fields_missing_use_placeholders() -> None:
    doc = _open(BARE)
    body = _body(doc)
    assert _cell_lines(doc, 0, 1)[1] == "…………, ngày 09 tháng 11 năm 2026"
    assert "SINH HOẠT BẤT THƯỜNG THÁNG 11/2026" in body
    assert "Vào lúc ………… giờ ………… phút, ngày 09 tháng 11 năm 2026, tại …………." in body
    assert "Thời lượng: ………… phút." in body
    assert "Có mặt: 12 đồng chí (chính thức: 12, dự bị: 0)." in body
    assert "Vắng có lý do: không." in body
    assert "Vắng không có lý do: không." in body
    assert "Miễn sinh hoạt: không." in body
    assert "Sinh hoạt tạm thời nơi khác: không." in body
    assert "Đại biểu cấp ủy cấp trên: không." in body
    assert "Chủ trì: đ/c …………." in body
    assert "Thư ký: đ/c …………." in body
    assert not any(t.startswith("Chủ đề") for t in body)
    assert "1. Nội dung sinh hoạt" in body
    assert "3. Kết luận của chủ trì" in body
    assert "Buổi sinh hoạt kết thúc vào lúc ………… giờ ………… phút cùng ngày." in body
    # Signatures keep the roles and leave the names to be written by hand.
    assert [t for t in _cell_lines(doc, 1, 0) if t] == ["THƯ KÝ", "(Ký, ghi rõ họ tên)"]
    assert [t for t in _cell_lines(doc, 1, 1) if t] == ["CHỦ TRÌ", "(Ký, ghi rõ họ tên)"]


def test_meeting_past_midnight_leaves_the_end_time_blank() -> None:
    late = MinutesData(**{**REGULAR.__dict__, "start": time(23, 0), "minutes": 90})
    body = _body(_open(late))
    assert "Buổi sinh hoạt kết thúc vào lúc ………… giờ ………… phút cùng ngày." in body
