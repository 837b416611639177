"""A draft "Biên bản sinh hoạt chi bộ" (minutes of a cell meeting) as a .docx.

Pure function over plain data: no Telegram, no database. The draft carries the metadata the
bot stores (type, date, time, length, attendance R1-R3, short topic line, chair, secretary)
and leaves the content sections as dotted lines to be filled in by the secretary: the bot
stores no minutes text (S2), so it invents none. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt

from bot.domain.text import normalize, xml_safe
from bot.render.docx_page import HEADER_SIZE, dotted_lines, para, plain_table, setup_page

BLANK = "…………"  # an inline gap for the secretary to fill in by hand
NONE = "không"
VIETNAM = timezone(timedelta(hours=7), "ICT")  # L1: UTC+7, no daylight saving


@dataclass(frozen=True)
class Person:
    name: str
    note: str | None = None  # absence reason, or the post of the upper-committee attendee


@dataclass(frozen=True)
class MinutesData:
    upper_committee: str  # "Đảng ủy phường Hòa Minh"
    cell: str  # "Chi bộ Khu phố 5"
    place: str  # locality of the place/date line: "Hòa Minh"
    meeting_type_title: str  # "sinh hoạt thường kỳ", "sinh hoạt chuyên đề", ...
    day: date  # local meeting date (L1)
    start: time | None
    minutes: int | None  # length
    venue: str | None
    eligible: int  # R1/R2
    present: int
    official_present: int
    probationary_present: int
    absent_excused: list[Person]  # reason in note (R3)
    absent_unexcused: list[Person]
    exempted: list[Person]  # note "có tham dự" when attended voluntarily
    elsewhere: list[Person]  # sinh hoạt tạm thời nơi khác
    guests: list[Person]  # đảng viên sinh hoạt tạm thời tại chi bộ, khách
    upper_attendee: Person | None  # cấp ủy viên cấp trên dự (name, post in note)
    chair: str | None
    secretary: str | None
    topic: str | None  # short topic line


# Content headings and how many dotted lines follow each; numbered when written.
_REGULAR_SECTIONS: tuple[tuple[str, int], ...] = (
    ("Đánh giá tình hình thực hiện nhiệm vụ tháng " + BLANK, 8),
    ("Phương hướng, nhiệm vụ tháng tới", 6),
    ("Ý kiến thảo luận", 8),
    ("Kết luận của chủ trì", 5),
)
_THEMATIC_SECTION = ("Sinh hoạt chuyên đề", 6)
_OTHER_SECTIONS: tuple[tuple[str, int], ...] = (
    ("Nội dung sinh hoạt", 8),
    ("Ý kiến thảo luận", 8),
    ("Kết luận của chủ trì", 5),
)


def formal_date(day: date) -> str:
    """L2: "ngày 03 tháng 02 năm 2026"."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _clock(moment: time | None) -> str:
    if moment is None:
        return f"{BLANK} giờ {BLANK} phút"
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def _end_time(data: MinutesData) -> time | None:
    """Start plus length, when both are known and the meeting ends the same day."""
    if data.start is None or data.minutes is None:
        return None
    started = datetime.combine(data.day, data.start)
    ended = started + timedelta(minutes=data.minutes)
    return ended.time() if ended.date() == data.day else None


def _person(person: Person) -> str:
    name = normalize(person.name)
    note = normalize(person.note or "")
    return f"{name} ({note})" if note else name


def _people_line(label: str, people: Sequence[Person]) -> str:
    """ "Vắng có lý do: 1 đồng chí: Nguyễn Văn A (ốm)", or "…: không" for nobody."""
    if not people:
        return f"{label}: {NONE}"
    names = ", ".join(_person(p) for p in people)
    return f"{label}: {len(people)} đồng chí: {names}"


def _comrade(name: str | None) -> str:
    return f"đ/c {normalize(name)}" if name and normalize(name) else f"đ/c {BLANK}"


def _upper_line(attendee: Person | None) -> str:
    label = "Đại biểu cấp ủy cấp trên"
    if attendee is None or not normalize(attendee.name):
        return f"{label}: {NONE}"
    post = normalize(attendee.note or "")
    return f"{label}: {_comrade(attendee.name)}" + (f" – {post}" if post else "")


def _title(data: MinutesData) -> str:
    kind = normalize(data.meeting_type_title).upper()
    return f"{kind} THÁNG {data.day.month:02d}/{data.day.year}"


def _content_sections(meeting_type_title: str) -> tuple[tuple[str, int], ...]:
    """The content headings for the meeting type (M1, M3, M4)."""
    kind = normalize(meeting_type_title).lower()
    if not any(word in kind for word in ("thường kỳ", "thường kì", "định kỳ", "định kì")):
        return _OTHER_SECTIONS  # extraordinary or thematic alone
    if "chuyên đề" not in kind:
        return _REGULAR_SECTIONS
    # M4: both in one session; the thematic part after the regular business.
    return (*_REGULAR_SECTIONS[:2], _THEMATIC_SECTION, *_REGULAR_SECTIONS[2:])


def _header(doc: DocumentObject, data: MinutesData) -> None:
    left, right = plain_table(doc, (Cm(6.5), Cm(9.5))).rows[0].cells
    para(left, normalize(data.upper_committee).upper(), center=True, size=HEADER_SIZE)
    para(left, normalize(data.cell).upper(), bold=True, center=True, size=HEADER_SIZE)
    para(left, "*", center=True, size=HEADER_SIZE)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, center=True, size=Pt(14))
    place = normalize(data.place) or BLANK
    para(right, f"{place}, {formal_date(data.day)}", italic=True, center=True, size=Pt(14))


def _signatures(doc: DocumentObject, data: MinutesData) -> None:
    cells = plain_table(doc, (Cm(8), Cm(8))).rows[0].cells
    for cell, role, name in zip(
        cells, ("THƯ KÝ", "CHỦ TRÌ"), (data.secretary, data.chair), strict=True
    ):
        para(cell, role, bold=True, center=True)
        para(cell, "(Ký, ghi rõ họ tên)", italic=True, center=True)
        for _ in range(3):
            para(cell, center=True)
        para(cell, normalize(name or ""), bold=True, center=True)


def build_minutes(data: MinutesData) -> bytes:
    """The draft minutes of one meeting, as the bytes of a .docx file."""
    doc = Document()
    setup_page(doc)
    _header(doc, data)

    para(doc)
    para(doc, "BIÊN BẢN", bold=True, center=True, size=Pt(15))
    para(doc, _title(data), bold=True, center=True)
    para(doc)

    para(doc, "I. THỜI GIAN, ĐỊA ĐIỂM", bold=True)
    venue = normalize(data.venue or "") or BLANK
    para(doc, f"Vào lúc {_clock(data.start)}, {formal_date(data.day)}, tại {venue}.")
    length = BLANK if data.minutes is None else str(data.minutes)
    para(doc, f"Thời lượng: {length} phút.")

    para(doc, "II. THÀNH PHẦN", bold=True)
    para(doc, f"Tổng số đảng viên của chi bộ (phải có mặt): {data.eligible} đồng chí.")
    para(
        doc,
        f"Có mặt: {data.present} đồng chí (chính thức: {data.official_present}, "
        f"dự bị: {data.probationary_present}).",
    )
    for label, people in (
        ("Vắng có lý do", data.absent_excused),
        ("Vắng không có lý do", data.absent_unexcused),
        ("Miễn sinh hoạt", data.exempted),
        ("Sinh hoạt tạm thời nơi khác", data.elsewhere),
        ("Đảng viên sinh hoạt tạm thời, khách mời", data.guests),
    ):
        para(doc, _people_line(label, people) + ".")
    para(doc, _upper_line(data.upper_attendee) + ".")
    para(doc, f"Chủ trì: {_comrade(data.chair)}.")
    para(doc, f"Thư ký: {_comrade(data.secretary)}.")

    para(doc, "III. NỘI DUNG", bold=True)
    topic = normalize(data.topic or "")
    if topic:
        para(doc, f"Chủ đề: {topic}", italic=True)
    for number, (heading, lines) in enumerate(_content_sections(data.meeting_type_title), 1):
        para(doc, f"{number}. {heading}", bold=True)
        dotted_lines(doc, lines)

    para(doc)
    para(doc, f"Buổi sinh hoạt kết thúc vào lúc {_clock(_end_time(data))} cùng ngày.")
    para(doc)
    _signatures(doc, data)

    props = doc.core_properties
    props.title = "Biên bản sinh hoạt chi bộ"
    props.subject = xml_safe(f"{normalize(data.cell)}: {_title(data).lower()}")
    props.author = props.last_modified_by = "chibo"
    props.comments = props.keywords = props.category = ""
    # The template's 2013 stamps would be misleading; the meeting's own time is not personal.
    held = datetime.combine(data.day, data.start or time(), tzinfo=VIETNAM).astimezone(UTC)
    props.created = props.modified = held.replace(tzinfo=None)  # python-docx writes "…Z"

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
