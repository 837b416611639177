"""bot.render.minutes, minutes_data and the header helpers of docx_page: the draft minutes
.docx opened with python-docx and checked line by line (#14 item 9: L2 dates, R1-R3 totals
by status, M4 titles, M9 grade, S2 nothing but lines to fill)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, time

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.enum.text import WD_TAB_LEADER

from bot.domain.meeting_rules import Grade
from bot.domain.meetings import Attendance, MeetingType
from bot.domain.model import MemberStatus
from bot.domain.roster import Entry
from bot.render.docx_page import formal_date, locality, party_organisation
from bot.render.minutes import MinutesData, Person, build_minutes, title_lines
from bot.render.minutes_data import cell_title, chair_of, minutes_data, upper_person

REGULAR = MinutesData(
    organisation="Đảng bộ phường Hòa Minh",
    cell="Chi bộ Khu phố 5",
    place="Hòa Minh",
    kind=MeetingType.REGULAR,
    day=date(2026, 11, 21),
    start=time(19, 30),
    minutes=120,
    topic="Triển khai Nghị quyết số 57-NQ/TW",
    official=13,
    probationary=2,
    present_official=12,
    present_probationary=2,
    absent_excused=[Person("Nguyễn Văn An", "ốm")],
    absent_unexcused=[],
    exempted=[Person("Lê Văn Cường", attended=True), Person("Phạm Thị Dung")],
    elsewhere=[Person("Hoàng Văn Em")],
    guest_members=[Person("Võ Văn Giang", attended=True)],
    guests=[Person("Lê Văn Tám", "đảng viên chi bộ 3")],
    upper_attendee=Person("Võ Thị Hạnh", "Đảng ủy viên, phụ trách chi bộ"),
    chair="Trần Thị Hòa",
    grade=Grade.TOT,
    score=92,
)

BARE = MinutesData(
    organisation=None,
    cell="Chi bộ Thôn 2",
    place=None,
    kind=MeetingType.EXTRAORDINARY,
    day=date(2026, 11, 9),
    start=None,
    minutes=None,
    topic=None,
    official=12,
    probationary=0,
    present_official=12,
    present_probationary=0,
    absent_excused=[],
    absent_unexcused=[],
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


@pytest.mark.parametrize(
    ("committee", "organisation"),
    [
        ("Đảng ủy phường Hòa Minh", "Đảng bộ phường Hòa Minh"),
        ("Đảng uỷ xã Hòa Vang", "Đảng bộ xã Hòa Vang"),
        ("Đảng bộ Khối phố 3", "Đảng bộ Khối phố 3"),
        ("Đảng ủy Khối phố 3", "Đảng bộ Khối phố 3"),
        ("Huyện ủy Thanh Trì", "Đảng bộ huyện Thanh Trì"),
        ("Tỉnh ủy Minh Hòa", "Đảng bộ tỉnh Minh Hòa"),
        ("Thành ủy Đà Nẵng", "Đảng bộ thành phố Đà Nẵng"),
        ("Ban Xây dựng Đảng", "Ban Xây dựng Đảng"),
    ],
)
def test_header_names_the_party_organisation_not_the_committee(
    committee: str, organisation: str
) -> None:
    """#14: a cell's document names the organisation ("Đảng bộ phường …"), not the
    committee ("Đảng ủy phường …")."""
    assert party_organisation(committee) == organisation


def test_place_is_the_communes_own_name_found_up_the_tree() -> None:
    """#14: a cell under "Đảng bộ Khối phố 3" takes the ward above it, never "…………"."""
    assert locality(["Đảng ủy phường Hòa Minh"]) == "Hòa Minh"
    assert locality(["Đảng bộ Khối phố 3", "Đảng ủy phường Hòa Minh", "Tỉnh ủy X"]) == "Hòa Minh"
    assert locality(["Đảng ủy Phường 5", "Thành ủy Hồ Chí Minh"]) == "Phường 5"
    assert locality(["Đảng ủy đặc khu Phú Quốc"]) == "Phú Quốc"
    assert locality(["Đảng bộ Khối phố 3", "Huyện ủy Thanh Trì"]) == "Thanh Trì"
    assert locality(["Ban Xây dựng Đảng"]) is None
    assert locality([]) is None


def test_header_table_names_organisation_cell_party_and_formal_date() -> None:
    doc = _open(REGULAR)
    assert _cell_lines(doc, 0, 0) == ["ĐẢNG BỘ PHƯỜNG HÒA MINH", "CHI BỘ KHU PHỐ 5", "*"]
    assert _cell_lines(doc, 0, 1) == [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hòa Minh, ngày 21 tháng 11 năm 2026",
    ]
    cell_run = doc.tables[0].rows[0].cells[0].paragraphs[1].runs[0]
    party, place_date = doc.tables[0].rows[0].cells[1].paragraphs
    assert cell_run.bold
    assert party.runs[0].bold and party.runs[0].underline
    assert place_date.runs[0].italic
    borders = doc.tables[0]._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
    assert borders is not None
    assert {b.get(docx.oxml.ns.qn("w:val")) for b in borders} == {"nil"}


@pytest.mark.parametrize(
    ("kind", "day", "second"),
    [
        (MeetingType.REGULAR, date(2026, 11, 21), "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 11 NĂM 2026"),
        (MeetingType.THEMATIC, date(2026, 11, 21), "SINH HOẠT CHUYÊN ĐỀ QUÝ IV NĂM 2026"),
        (MeetingType.THEMATIC, date(2026, 2, 3), "SINH HOẠT CHUYÊN ĐỀ QUÝ I NĂM 2026"),
        (
            MeetingType.COMBINED,
            date(2026, 8, 3),
            "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 8 VÀ CHUYÊN ĐỀ QUÝ III NĂM 2026",
        ),
        (MeetingType.EXTRAORDINARY, date(2026, 11, 9), "SINH HOẠT CHI BỘ BẤT THƯỜNG"),
    ],
)
def test_m4_title_says_the_type_month_and_quarter(
    kind: MeetingType, day: date, second: str
) -> None:
    assert title_lines(kind, day) == ("BIÊN BẢN", second)
    body = _body(_open(replace(REGULAR, kind=kind, day=day)))
    at = body.index("BIÊN BẢN")
    assert body[at + 1] == second
    thematic = kind in (MeetingType.THEMATIC, MeetingType.COMBINED)
    assert (body[at + 2] == "Chuyên đề: Triển khai Nghị quyết số 57-NQ/TW") is thematic


def test_regular_title_reads_as_the_form() -> None:
    body = _body(_open(REGULAR))
    at = body.index("BIÊN BẢN")
    assert " ".join(body[at : at + 2]) == "BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 11 NĂM 2026"


def test_r1_r3_totals_by_status_and_everyone_apart_by_name() -> None:
    """An 18-member cell: 13 official + 2 probationary + 2 exempted + 1 elsewhere; 15
    required, 14 present (R2: the exempted member who came is not in the rate)."""
    body = _body(_open(REGULAR))
    assert (
        "- Tổng số đảng viên của chi bộ: 18 đồng chí (chính thức: 13, dự bị: 2, miễn công tác "
        "và sinh hoạt đảng: 2, sinh hoạt tạm thời nơi khác: 1)."
    ) in body
    assert "- Số đảng viên phải có mặt: 15 đồng chí (chính thức: 13, dự bị: 2)." in body
    assert "- Có mặt: 14/15 đồng chí (chính thức: 12, dự bị: 2); đạt 93,3%." in body
    assert "- Vắng mặt: 1 đồng chí, trong đó:" in body
    assert "+ Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm)." in body
    assert "+ Vắng không có lý do: không." in body
    assert (
        "- Đảng viên miễn công tác và sinh hoạt đảng: 2 đồng chí: Lê Văn Cường (có tham dự), "
        "Phạm Thị Dung."
    ) in body
    assert "- Đảng viên sinh hoạt tạm thời nơi khác: 1 đồng chí: Hoàng Văn Em." in body
    assert (
        "- Đảng viên miễn sinh hoạt, sinh hoạt tạm thời nơi khác có tham dự: 1 đồng chí: "
        "Lê Văn Cường."
    ) in body
    assert (
        "- Đảng viên sinh hoạt tạm thời tại chi bộ: 1 đồng chí: Võ Văn Giang (có tham dự)."
    ) in body
    assert (
        "- Khách mời, đảng viên nơi khác dự: 1 đồng chí: Lê Văn Tám (đảng viên chi bộ 3)." in body
    )


def test_participants_chair_recorder_and_upper_attendee() -> None:
    doc = _open(REGULAR)
    body = _body(doc)
    assert "- Chủ trì: đồng chí Trần Thị Hòa, Bí thư chi bộ." in body
    recorder = doc.paragraphs[body.index("- Thư ký: đồng chí\t")]
    assert recorder.paragraph_format.tab_stops[0].leader == WD_TAB_LEADER.DOTS
    assert "2. Địa điểm:\t" in body  # the place is written by hand
    assert (
        "- Đại biểu cấp ủy cấp trên dự: đồng chí Võ Thị Hạnh, Đảng ủy viên, phụ trách chi bộ."
    ) in body


def test_times_start_and_recorded_length_give_the_end() -> None:
    body = _body(_open(REGULAR))
    assert (
        "1. Thời gian: bắt đầu lúc 19 giờ 30, ngày 21 tháng 11 năm 2026. Thời lượng: 120 phút."
    ) in body
    assert "Buổi sinh hoạt kết thúc lúc 21 giờ 30 cùng ngày." in body


def test_no_recorded_length_leaves_the_end_blank() -> None:
    body = _body(_open(replace(REGULAR, minutes=None)))
    assert "1. Thời gian: bắt đầu lúc 19 giờ 30, ngày 21 tháng 11 năm 2026." in body
    assert "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày." in body


def test_meeting_past_midnight_leaves_the_end_time_blank() -> None:
    body = _body(_open(replace(REGULAR, start=time(23, 0), minutes=90)))
    assert "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày." in body


def test_m9_grade_and_score_as_recorded() -> None:
    line = "Chi bộ tự đánh giá chất lượng buổi sinh hoạt: "
    assert line + "Tốt (92/100 điểm)." in _body(_open(REGULAR))
    assert line + "Khá." in _body(_open(replace(REGULAR, grade=Grade.KHA, score=None)))
    assert line + "………… (……/100 điểm)." in _body(_open(BARE))


def test_sections_in_the_order_of_a_regular_meeting_with_lines_only() -> None:
    doc = _open(REGULAR)
    body = _body(doc)
    start = body.index("II. NỘI DUNG")
    end = next(i for i, t in enumerate(body) if t.startswith("Chi bộ tự đánh giá"))
    content = [t for t in body[start + 1 : end] if t and t != "\t"]
    assert content == [
        "Nội dung chính: Triển khai Nghị quyết số 57-NQ/TW",
        "1. Khai mạc, nêu lý do, giới thiệu đại biểu",
        "2. Thông tin thời sự, văn bản mới của cấp trên",
        "3. Đánh giá kết quả thực hiện nhiệm vụ tháng 11 năm 2026, phương hướng, nhiệm vụ "
        "tháng 12 năm 2026",
        "Ý kiến thảo luận:",
        "4. Ý kiến của đồng chí cấp ủy cấp trên dự",
        "5. Biểu quyết, kết luận của đồng chí chủ trì",
        "Biểu quyết: tán thành …… đồng chí, không tán thành …… đồng chí.",
        "6. Thông qua biên bản",
        "Biên bản đã được thông qua trước chi bộ: tán thành …… đồng chí, không tán thành …… "
        "đồng chí.",
    ]
    # S2: nothing but headings and blank dotted lines; the dots run to the right margin.
    dotted = [p for p in doc.paragraphs[start + 1 : end] if p.text == "\t"]
    assert len(dotted) == 3 + 4 + 9 + 3 + 4
    stop = dotted[0].paragraph_format.tab_stops[0]
    assert stop.leader == WD_TAB_LEADER.DOTS
    assert round(stop.position.cm, 2) == 16  # the text width: 21 - 3 - 2 cm
    assert "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN" in body


def test_december_plans_for_january_of_the_next_year() -> None:
    body = _body(_open(replace(REGULAR, day=date(2026, 12, 5))))
    assert (
        "3. Đánh giá kết quả thực hiện nhiệm vụ tháng 12 năm 2026, phương hướng, nhiệm vụ "
        "tháng 1 năm 2027"
    ) in body


def test_m4_combined_session_has_the_thematic_part_after_the_regular_business() -> None:
    body = _body(_open(replace(REGULAR, kind=MeetingType.COMBINED)))
    content = body[body.index("II. NỘI DUNG") :]
    numbered = [t for t in content if t[:2] in {f"{n}." for n in range(1, 10)}]
    assert [t.split(" ", 1)[1][:20] for t in numbered[1:]] == [
        "Thông tin thời sự, v",
        "Đánh giá kết quả thự",
        "Sinh hoạt chuyên đề:",
        "Ý kiến của đồng chí ",
        "Biểu quyết, kết luận",
        "Thông qua biên bản",
    ]
    assert "4. Sinh hoạt chuyên đề: Triển khai Nghị quyết số 57-NQ/TW" in body
    assert not any(t.startswith("Nội dung chính:") for t in body)  # the topic is under the title


def test_thematic_without_topic_leaves_a_line_to_fill() -> None:
    doc = _open(replace(REGULAR, kind=MeetingType.THEMATIC, topic=None))
    body = _body(doc)
    assert body[body.index("SINH HOẠT CHUYÊN ĐỀ QUÝ IV NĂM 2026") + 1] == "Chuyên đề:\t"
    assert "2. Sinh hoạt chuyên đề" in body
    assert not any("Thông tin thời sự" in t for t in body)


def test_signatures_name_the_chair_and_leave_the_recorder_to_write() -> None:
    doc = _open(REGULAR)
    assert len(doc.tables) == 2
    assert [t for t in _cell_lines(doc, 1, 0) if t] == ["THƯ KÝ", "(Ký, ghi rõ họ tên)"]
    assert [t for t in _cell_lines(doc, 1, 1) if t] == [
        "CHỦ TRÌ",
        "(Ký, ghi rõ họ tên)",
        "Trần Thị Hòa",
    ]
    # The closing lines stay on the signatures' page, and the signatures on one page.
    closing = next(p for p in doc.paragraphs if p.text.startswith("Buổi sinh hoạt kết thúc"))
    assert closing.paragraph_format.keep_with_next
    assert doc.tables[1].rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:cantSplit")) is not None


def test_page_fonts_and_properties_hold_no_personal_data() -> None:
    doc = _open(REGULAR)
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
    assert [round(s.cm, 2) for s in sizes if s is not None] == [21, 29.7, 3, 2]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size is not None and normal.font.size.pt == 14
    header_sizes = {
        r.font.size.pt for p in doc.tables[0].rows[0].cells[0].paragraphs for r in p.runs
    }
    assert header_sizes == {13}
    props = doc.core_properties
    assert props.title == "Biên bản sinh hoạt chi bộ"
    assert props.subject == "Chi bộ Khu phố 5: sinh hoạt chi bộ thường kỳ tháng 11 năm 2026"
    assert props.author == "chibo" and props.last_modified_by == "chibo"
    assert "Hòa" not in props.author + props.comments + props.keywords
    assert props.created == datetime(2026, 11, 21, 12, 30, tzinfo=UTC)  # 19:30 in Vietnam


def test_nfd_input_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    data = replace(REGULAR, absent_excused=[Person(nfd, "ốm")])
    assert "+ Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm)." in _body(_open(data))
    with zipfile.ZipFile(io.BytesIO(build_minutes(data))) as package:
        xml = package.read("word/document.xml").decode()
    assert unicodedata.is_normalized("NFC", xml)


def test_all_optional_fields_missing_use_gaps() -> None:
    doc = _open(BARE)
    body = _body(doc)
    assert _cell_lines(doc, 0, 0)[0] == "…………"
    assert _cell_lines(doc, 0, 1)[1] == "…………, ngày 09 tháng 11 năm 2026"
    assert "1. Thời gian: bắt đầu lúc …… giờ ……, ngày 09 tháng 11 năm 2026." in body
    assert "- Tổng số đảng viên của chi bộ: 12 đồng chí (chính thức: 12, dự bị: 0)." in body
    assert "- Có mặt: 12/12 đồng chí (chính thức: 12, dự bị: 0); đạt 100%." in body
    assert "- Vắng mặt: 0 đồng chí." in body
    assert "- Đảng viên miễn công tác và sinh hoạt đảng: không." in body
    assert "- Đại biểu cấp ủy cấp trên dự: không." in body
    assert "- Chủ trì: đồng chí\t" in body
    assert "2. Nội dung sinh hoạt bất thường" in body
    assert "5. Thông qua biên bản" in body
    assert "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày." in body
    assert [t for t in _cell_lines(doc, 1, 1) if t] == ["CHỦ TRÌ", "(Ký, ghi rõ họ tên)"]


def test_r2_present_and_absent_must_add_up() -> None:
    with pytest.raises(ValueError, match="R2"):
        replace(REGULAR, absent_excused=[])


# --- minutes_data: from the roll to the lines --------------------------------------------


def _history(*spans: tuple[MemberStatus, date]) -> list[Entry]:
    return [Entry(status, start, None, i) for i, (status, start) in enumerate(spans, 1)]


DAY = date(2026, 11, 21)
OLD = date(2010, 1, 1)


def test_minutes_data_counts_every_status_on_the_day() -> None:
    """R1: statuses on the meeting day; a member who joined later or left before is not
    counted; suspended members count in the cell's total only."""
    roster = [
        (1, "Nguyễn Văn An", _history((MemberStatus.OFFICIAL, OLD))),
        (2, "Trần Thị Hòa", _history((MemberStatus.OFFICIAL, OLD))),
        (3, "Lê Văn Bình", _history((MemberStatus.PROBATIONARY, date(2026, 3, 1)))),
        (4, "Phạm Thị Dung", _history((MemberStatus.OFFICIAL, OLD), (MemberStatus.EXEMPTED, OLD))),
        (5, "Hoàng Văn Em", _history((MemberStatus.TEMP_ELSEWHERE, date(2026, 6, 1)))),
        (6, "Võ Văn Giang", _history((MemberStatus.GUEST, date(2026, 6, 1)))),
        (7, "Đỗ Văn Khải", _history((MemberStatus.SUSPENDED, date(2026, 6, 1)))),
        (8, "Bùi Văn Lâm", _history((MemberStatus.OFFICIAL, date(2026, 12, 1)))),
        (9, "Ngô Văn Mạnh", _history((MemberStatus.OFFICIAL, OLD), (MemberStatus.DECEASED, OLD))),
        (10, "Mai Văn Nam", _history((MemberStatus.OFFICIAL, OLD))),
    ]
    data = minutes_data(
        chain=["Đảng bộ Khối phố 3", "Đảng ủy phường Hòa Minh", "Tỉnh ủy Minh Hòa"],
        cell="Khu phố 5",
        kind=MeetingType.REGULAR,
        day=DAY,
        start=time(19, 30),
        length=None,
        roster=roster,
        marks={1: Attendance.EXCUSED, 10: Attendance.UNEXCUSED},
        reasons={1: "ốm"},
        voluntary={4, 6},
        guests=[("Lê Văn Tám", None)],
        topic=None,
        upper_attendee="Võ Thị Hạnh – Đảng ủy viên",
        secretaries=["Hòa Trần"],
        grade="kha",
        score=80,
    )
    assert data.organisation == "Đảng bộ Khối phố 3" and data.place == "Hòa Minh"
    assert data.cell == "Chi bộ Khu phố 5"
    assert (data.official, data.probationary, data.eligible, data.total) == (3, 1, 4, 7)
    assert (data.present_official, data.present_probationary) == (1, 1)
    assert data.absent_excused == [Person("Nguyễn Văn An", "ốm")]
    assert data.absent_unexcused == [Person("Mai Văn Nam")]
    assert data.exempted == [Person("Phạm Thị Dung", attended=True)]
    assert data.elsewhere == [Person("Hoàng Văn Em")]
    assert data.guest_members == [Person("Võ Văn Giang", attended=True)]
    assert data.suspended == 1
    assert data.upper_attendee == Person("Võ Thị Hạnh", "Đảng ủy viên")
    assert data.chair == "Trần Thị Hòa"
    assert (data.grade, data.score, data.minutes) == (Grade.KHA, 80, None)


def test_an_absent_secretary_is_not_the_chair() -> None:
    history = _history((MemberStatus.OFFICIAL, OLD))
    args = dict(
        chain=["Đảng ủy phường Hòa Minh"], cell="Chi bộ Khu phố 5", kind=MeetingType.REGULAR,
        day=DAY, start=None, length=None,
        roster=[(1, "Trần Thị Hòa", history), (2, "Nguyễn Văn An", history)],
        reasons={}, voluntary=set(), guests=[], topic=None, secretaries=["Hòa Trần"],
    )  # fmt: skip
    assert minutes_data(**args, marks={}).chair == "Trần Thị Hòa"  # type: ignore[arg-type]
    away = minutes_data(**args, marks={1: Attendance.EXCUSED})  # type: ignore[arg-type]
    assert away.chair is None


def test_upper_attendee_as_stored_by_the_flow() -> None:
    assert upper_person("Trần Văn Hải – Đảng ủy viên phụ trách") == Person(
        "Trần Văn Hải", "Đảng ủy viên phụ trách"
    )
    assert upper_person("Trần Văn Hải") == Person("Trần Văn Hải")
    assert upper_person(None) is None and upper_person("  ") is None


def test_chair_is_the_one_secretary_found_on_the_roster() -> None:
    names = ["Trần Thị Hòa", "Nguyễn Văn An", "Trần Văn Hòa"]
    assert chair_of(["Hòa Trần Thị"], names) == "Trần Thị Hòa"
    assert chair_of(["Hoà Trần"], names) is None  # two Hòa Trần: not sure who
    assert chair_of(["An Nguyễn"], names) == "Nguyễn Văn An"
    assert chair_of(["Hòa"], names) is None  # one word names nobody for sure
    assert chair_of(["An Nguyễn", "Trần Thị Hòa"], names) is None  # two secretaries
    assert chair_of([], names) is None
    assert chair_of(["Lê Lan"], names) is None


def test_cell_title_adds_chi_bo_once() -> None:
    assert cell_title("Khu phố 5") == "Chi bộ Khu phố 5"
    assert cell_title("chi bộ Khu phố 5") == "chi bộ Khu phố 5"
    assert cell_title("Chi bộ  Khu phố 5") == "Chi bộ Khu phố 5"
