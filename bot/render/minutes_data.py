"""Turn a logged meeting into the data of its minutes draft (R1-R3, L4), pure.

The caller passes the roster in L4 order; this module decides who goes in which list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, time

from bot.domain.meetings import Attendance, MeetingType, split_roster
from bot.domain.model import MemberStatus
from bot.domain.roster import StatusEntry, status_on
from bot.render.minutes import MinutesData, Person

# The form's wording of each meeting type (a Vietnamese document, not UI text).
TYPE_TITLES = {
    MeetingType.REGULAR: "sinh hoạt thường kỳ",
    MeetingType.THEMATIC: "sinh hoạt chuyên đề",
    MeetingType.COMBINED: "sinh hoạt thường kỳ và chuyên đề",
    MeetingType.EXTRAORDINARY: "sinh hoạt bất thường",
}

_LOCALITY = re.compile(
    r"\b(?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh)\s+(.+)$", re.I
)


def place_of(upper_committee: str) -> str:
    """The locality for the "…, ngày … tháng … năm …" line: "Đảng ủy phường Hòa Minh" → "Hòa Minh"."""
    found = _LOCALITY.search(upper_committee)
    return found.group(1) if found else "…………"


def minutes_data(
    *,
    upper_committee: str,
    cell: str,
    kind: MeetingType,
    day: date,
    start: time | None,
    length: int | None,
    roster: Sequence[tuple[int, str, Sequence[StatusEntry]]],
    marks: Mapping[int, Attendance],
    reasons: Mapping[int, str],
    voluntary: set[int],
    guests: Sequence[tuple[str, str | None]],
    topic: str | None,
) -> MinutesData:
    split = split_roster(((i, h) for i, _n, h in roster), day)
    names = {i: n for i, n, _h in roster}
    history = {i: h for i, _n, h in roster}
    present = [i for i in split.eligible if marks.get(i, Attendance.PRESENT) == Attendance.PRESENT]
    probationary = sum(
        1 for i in present if status_on(history[i], day) == MemberStatus.PROBATIONARY
    )
    return MinutesData(
        upper_committee=upper_committee,
        cell=cell,
        place=place_of(upper_committee),
        meeting_type_title=TYPE_TITLES[kind],
        day=day,
        start=start,
        minutes=length,
        venue=None,
        eligible=len(split.eligible),
        present=len(present),
        official_present=len(present) - probationary,
        probationary_present=probationary,
        absent_excused=[
            Person(names[i], reasons.get(i))
            for i in split.eligible
            if marks.get(i) == Attendance.EXCUSED
        ],
        absent_unexcused=[
            Person(names[i]) for i in split.eligible if marks.get(i) == Attendance.UNEXCUSED
        ],
        exempted=[
            Person(names[i], "có tham dự" if i in voluntary else None) for i in split.exempted
        ],
        elsewhere=[Person(names[i]) for i in split.elsewhere],
        guests=[Person(n, note) for n, note in guests],
        upper_attendee=None,
        chair=None,
        secretary=None,
        topic=topic,
    )
