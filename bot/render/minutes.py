"""A draft "Biên bản sinh hoạt chi bộ" (minutes of a cell meeting) as a .docx.

Pure function over plain data: no Telegram, no database. The draft carries what the bot
stores of the meeting (type, date, start and recorded length, the roll by status R1-R3, the
upper committee's attendee, short topic line, grade M9) and pre-fills the chair with the
cell's secretary; the place, the recorder and the content sections are lines to fill in by
hand: the bot stores no minutes text (S2), so it invents none. The layout follows the usual
form of the minutes (HD 12-HD/BTCTW 2018, HD 42-HD/BTCTW 2025): the party organisation's
header, the title, I. time, place and participants, II. the content in the order of a
meeting, the closing time and the signatures. It is a Vietnamese document whatever the
user's language. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from fractions import Fraction

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from bot.domain.meeting_rules import Grade
from bot.domain.meetings import MeetingType
from bot.domain.text import normalize, xml_safe
from bot.render.docx_page import (
    BLANK,
    dotted_line,
    dotted_lines,
    formal_date,
    keep_together,
    para,
    party_header,
    plain_table,
    setup_page,
)
from bot.render.i18n import translator

__all__ = ["BLANK", "MinutesData", "Person", "build_minutes", "formal_date", "title_lines"]

NONE = "không"
SHORT_GAP = "……"  # a gap for an hour, a minute or a count
VIETNAM = timezone(timedelta(hours=7), "ICT")  # L1: UTC+7, no daylight saving

# M9: the grades as the form writes them.
GRADE_WORDS = {
    Grade.TOT: "Tốt",
    Grade.KHA: "Khá",
    Grade.TRUNG_BINH: "Trung bình",
    Grade.KEM: "Kém",
}

_ROMAN_QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Person:
    name: str
    note: str | None = None  # absence reason, or the post of the upper-committee attendee
    attended: bool = False  # R2: an exempted, sent-elsewhere or guest member who came anyway


@dataclass(frozen=True)
class MinutesData:
    """What the minutes print; the counts are by status on the meeting's day (R1)."""

    organisation: str | None  # the party organisation above the cell: "Đảng bộ phường Hòa Minh"
    cell: str  # "Chi bộ Khu phố 5"
    place: str | None  # the commune's or ward's name for the place/date line: "Hòa Minh"
    kind: MeetingType
    day: date  # local meeting date (L1)
    start: time | None
    minutes: int | None  # the length as recorded; None when only the default was kept (M5)
    topic: str | None  # the short topic line (S2)
    official: int  # R1: eligible, chính thức
    probationary: int  # R1: eligible, dự bị
    present_official: int
    present_probationary: int
    absent_excused: Sequence[Person]  # R3, with the reason in note
    absent_unexcused: Sequence[Person]
    exempted: Sequence[Person] = ()  # miễn công tác và sinh hoạt đảng
    elsewhere: Sequence[Person] = ()  # sinh hoạt tạm thời nơi khác
    suspended: int = 0  # đình chỉ sinh hoạt: still members, not called
    guest_members: Sequence[Person] = ()  # sinh hoạt tạm thời tại chi bộ (R1: apart)
    guests: Sequence[Person] = ()  # guests and visitors typed for this meeting
    upper_attendee: Person | None = None  # cấp ủy cấp trên dự (name, post in note)
    chair: str | None = None  # the cell's secretary, when known
    grade: Grade | None = None  # M9, as recorded
    score: int | None = None

    def __post_init__(self) -> None:
        absent = len(self.absent_excused) + len(self.absent_unexcused)
        if not (
            0 <= self.present_official <= self.official
            and 0 <= self.present_probationary <= self.probationary
            and self.present + absent == self.eligible
        ):
            raise ValueError("present + absent must be the eligible members (R2)")

    @property
    def eligible(self) -> int:
        """R1: required to attend (the rate's denominator)."""
        return self.official + self.probationary

    @property
    def present(self) -> int:
        return self.present_official + self.present_probationary

    @property
    def total(self) -> int:
        """The members of the cell on the day: eligible, exempted, elsewhere, suspended."""
        return self.eligible + len(self.exempted) + len(self.elsewhere) + self.suspended

    @property
    def rate(self) -> Fraction | None:
        """R2: present eligible / eligible; None when nobody was required."""
        return Fraction(self.present, self.eligible) if self.eligible else None


# --- the words of the form ----------------------------------------------------------------


def _quarter(day: date) -> str:
    return f"QUÝ {_ROMAN_QUARTERS[(day.month - 1) // 3]} NĂM {day.year}"


def title_lines(kind: MeetingType, day: date) -> tuple[str, str]:
    """ "BIÊN BẢN" and the line under it (M1, M3, M4): "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 11
    NĂM 2026", "SINH HOẠT CHUYÊN ĐỀ QUÝ IV NĂM 2026", both for a shared session, or "… BẤT
    THƯỜNG"."""
    month = f"THÁNG {day.month} NĂM {day.year}"
    match kind:
        case MeetingType.REGULAR:
            what = f"SINH HOẠT CHI BỘ THƯỜNG KỲ {month}"
        case MeetingType.THEMATIC:
            what = f"SINH HOẠT CHUYÊN ĐỀ {_quarter(day)}"
        case MeetingType.COMBINED:
            what = f"SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {day.month} VÀ CHUYÊN ĐỀ {_quarter(day)}"
        case MeetingType.EXTRAORDINARY:
            what = "SINH HOẠT CHI BỘ BẤT THƯỜNG"
    return "BIÊN BẢN", what


def _is_thematic(kind: MeetingType) -> bool:
    return kind in (MeetingType.THEMATIC, MeetingType.COMBINED)


def _clock(moment: time | None) -> str:
    """ "19 giờ 30", or gaps to fill in."""
    if moment is None:
        return f"{SHORT_GAP} giờ {SHORT_GAP}"
    return f"{moment.hour:02d} giờ {moment.minute:02d}"


def _end_time(data: MinutesData) -> time | None:
    """Start plus the recorded length, when both are known and it ends the same day."""
    if data.start is None or data.minutes is None:
        return None
    ended = datetime.combine(data.day, data.start) + timedelta(minutes=data.minutes)
    return ended.time() if ended.date() == data.day else None


def _person(person: Person) -> str:
    name = normalize(person.name)
    notes = [normalize(person.note or "")] + (["có tham dự"] if person.attended else [])
    notes = [n for n in notes if n]
    return f"{name} ({', '.join(notes)})" if notes else name


def _people(label: str, people: Sequence[Person]) -> str:
    """ "Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm).", or "…: không." for nobody."""
    if not people:
        return f"{label}: {NONE}."
    return f"{label}: {len(people)} đồng chí: {', '.join(_person(p) for p in people)}."


def _upper_line(attendee: Person | None) -> str:
    label = "- Đại biểu cấp ủy cấp trên dự"
    if attendee is None or not normalize(attendee.name):
        return f"{label}: {NONE}."
    post = normalize(attendee.note or "")
    return f"{label}: đồng chí {normalize(attendee.name)}" + (f", {post}." if post else ".")


def _grade_line(data: MinutesData) -> str:
    """M9: the self-assessed grade and score as recorded, else gaps to fill in."""
    label = "Chi bộ tự đánh giá chất lượng buổi sinh hoạt"
    grade = GRADE_WORDS[data.grade] if data.grade is not None else BLANK
    score = str(data.score) if data.score is not None else SHORT_GAP
    if data.grade is not None and data.score is None:
        return f"{label}: {grade}."
    return f"{label}: {grade} ({score}/100 điểm)."


def _month_after(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


# A content heading, the number of dotted lines under it, and an optional lead-in line.
Section = tuple[str, int, str | None]


def sections(data: MinutesData) -> list[Section]:
    """II. NỘI DUNG in the order of the meeting (HD 12, HD 42); only headings and lines (S2)."""
    year, month = _month_after(data.day)
    opening: Section = ("Khai mạc, nêu lý do, giới thiệu đại biểu", 3, None)
    news: Section = ("Thông tin thời sự, văn bản mới của cấp trên", 4, None)
    regular: Section = (
        f"Đánh giá kết quả thực hiện nhiệm vụ tháng {data.day.month} năm {data.day.year}, "
        f"phương hướng, nhiệm vụ tháng {month} năm {year}",
        9,
        "Ý kiến thảo luận:",
    )
    topic = normalize(data.topic or "")
    thematic: Section = (
        "Sinh hoạt chuyên đề" + (f": {topic}" if topic else ""),
        9,
        "Báo cáo đề dẫn, ý kiến thảo luận:",
    )
    extraordinary: Section = ("Nội dung sinh hoạt bất thường", 9, "Ý kiến thảo luận:")
    upper: Section = ("Ý kiến của đồng chí cấp ủy cấp trên dự", 3, None)
    vote: Section = (
        "Biểu quyết, kết luận của đồng chí chủ trì",
        4,
        f"Biểu quyết: tán thành {SHORT_GAP} đồng chí, không tán thành {SHORT_GAP} đồng chí.",
    )
    adoption: Section = (
        "Thông qua biên bản",
        0,
        f"Biên bản đã được thông qua trước chi bộ: tán thành {SHORT_GAP} đồng chí, "
        f"không tán thành {SHORT_GAP} đồng chí.",
    )
    body: list[Section] = {
        MeetingType.REGULAR: [news, regular],
        MeetingType.THEMATIC: [thematic],
        MeetingType.COMBINED: [news, regular, thematic],  # M4: the thematic part after
        MeetingType.EXTRAORDINARY: [extraordinary],
    }[data.kind]
    return [opening, *body, upper, vote, adoption]


# --- the document ----------------------------------------------------------------------


def _participants(doc: DocumentObject, data: MinutesData) -> None:
    """R1-R3: the totals by status, the roll and the rate, everyone apart by name."""
    chair = normalize(data.chair or "")
    if chair:
        para(doc, f"- Chủ trì: đồng chí {chair}, Bí thư chi bộ.")
    else:
        dotted_line(doc, "- Chủ trì: đồng chí ")
    dotted_line(doc, "- Thư ký: đồng chí ")
    para(doc, _upper_line(data.upper_attendee))
    parts = [f"chính thức: {data.official}", f"dự bị: {data.probationary}"]
    parts += [f"miễn công tác và sinh hoạt đảng: {len(data.exempted)}"] if data.exempted else []
    parts += [f"sinh hoạt tạm thời nơi khác: {len(data.elsewhere)}"] if data.elsewhere else []
    parts += [f"đình chỉ sinh hoạt: {data.suspended}"] if data.suspended else []
    para(
        doc,
        f"- Tổng số đảng viên của chi bộ: {data.total} đồng chí (" + ", ".join(parts) + ").",
    )
    para(
        doc,
        f"- Số đảng viên phải có mặt: {data.eligible} đồng chí "
        f"(chính thức: {data.official}, dự bị: {data.probationary}).",
    )
    rate = "" if data.rate is None else f"; đạt {translator('vi').percent(data.rate)}"
    para(
        doc,
        f"- Có mặt: {data.present}/{data.eligible} đồng chí (chính thức: "
        f"{data.present_official}, dự bị: {data.present_probationary}){rate}.",
    )
    absent = len(data.absent_excused) + len(data.absent_unexcused)
    para(doc, f"- Vắng mặt: {absent} đồng chí" + (", trong đó:" if absent else "."))
    if absent:
        for label, people in (
            ("Vắng có lý do", data.absent_excused),  # R3
            ("Vắng không có lý do", data.absent_unexcused),
        ):
            para(doc, "+ " + _people(label, people)).paragraph_format.left_indent = Cm(0.75)
    para(doc, "- " + _people("Đảng viên miễn công tác và sinh hoạt đảng", data.exempted))
    para(doc, "- " + _people("Đảng viên sinh hoạt tạm thời nơi khác", data.elsewhere))
    came = [p for p in (*data.exempted, *data.elsewhere) if p.attended]
    if came:  # R2: listed apart, never in the rate
        para(
            doc,
            "- "
            + _people(
                "Đảng viên miễn sinh hoạt, sinh hoạt tạm thời nơi khác có tham dự",
                [Person(p.name) for p in came],
            ),
        )
    if data.guest_members:
        para(doc, "- " + _people("Đảng viên sinh hoạt tạm thời tại chi bộ", data.guest_members))
    para(doc, "- " + _people("Khách mời, đảng viên nơi khác dự", data.guests))


def _signatures(doc: DocumentObject, data: MinutesData, *before: Paragraph) -> None:
    table = plain_table(doc, (Cm(8), Cm(8)))
    cells = table.rows[0].cells
    for cell, role, name in zip(cells, ("THƯ KÝ", "CHỦ TRÌ"), (None, data.chair), strict=True):
        para(cell, role, bold=True, center=True)
        para(cell, "(Ký, ghi rõ họ tên)", italic=True, center=True)
        for _ in range(3):
            para(cell, center=True)
        para(cell, normalize(name or ""), bold=True, center=True)
    keep_together(table, *before)


def build_minutes(data: MinutesData) -> bytes:
    """The draft minutes of one meeting, as the bytes of a .docx file."""
    doc = Document()
    setup_page(doc)
    party_header(doc, data.organisation, data.cell, data.place, data.day)

    para(doc)
    heading, what = title_lines(data.kind, data.day)
    para(doc, heading, bold=True, center=True, size=Pt(15))
    para(doc, what, bold=True, center=True)
    topic = normalize(data.topic or "")
    if _is_thematic(data.kind):  # M4: the topic under the title
        if topic:
            para(doc, f"Chuyên đề: {topic}", bold=True, italic=True, center=True)
        else:
            dotted_line(doc, "Chuyên đề: ", bold=True, italic=True)
    para(doc)

    para(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN", bold=True)
    length = "" if data.minutes is None else f" Thời lượng: {data.minutes} phút."
    para(doc, f"1. Thời gian: bắt đầu lúc {_clock(data.start)}, {formal_date(data.day)}.{length}")
    dotted_line(doc, "2. Địa điểm: ")
    para(doc, "3. Thành phần:")
    _participants(doc, data)

    para(doc, "II. NỘI DUNG", bold=True)
    if topic and not _is_thematic(data.kind):
        para(doc, f"Nội dung chính: {topic}", italic=True)  # the glossary's word (#15)
    for number, (title, lines, lead) in enumerate(sections(data), 1):
        para(doc, f"{number}. {title}", bold=True)
        if lead:
            para(doc, lead, italic=lead.endswith(":"))
        dotted_lines(doc, lines)

    para(doc)
    closing = (
        para(doc, _grade_line(data)),
        para(doc, f"Buổi sinh hoạt kết thúc lúc {_clock(_end_time(data))} cùng ngày."),
        para(doc),
    )
    _signatures(doc, data, *closing)

    props = doc.core_properties
    props.title = "Biên bản sinh hoạt chi bộ"
    props.subject = xml_safe(f"{normalize(data.cell)}: {what.lower()}")
    props.author = props.last_modified_by = "chibo"
    props.comments = props.keywords = props.category = ""
    # The template's 2013 stamps would be misleading; the meeting's own time is not personal.
    held = datetime.combine(data.day, data.start or time(), tzinfo=VIETNAM).astimezone(UTC)
    props.created = props.modified = held.replace(tzinfo=None)  # python-docx writes "…Z"

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
