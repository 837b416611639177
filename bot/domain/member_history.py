"""One member's meeting record of issue #3: their year meeting by meeting, and R5/R6.

Pure functions over plain data, no database and no Telegram. Rates are exact Fractions
(R4); only the screens round them. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from bot.domain.attendance import (
    Attendance,
    longest_excused_streak,
    r5_level,
    r6_flag,
    unexcused_months,
)
from bot.domain.history import VOLUNTARY
from bot.domain.meeting_rules import MeetingType, RuleProfile, counts_as_regular
from bot.domain.model import ELIGIBLE_STATUSES, LEAVING_STATUSES, MemberStatus
from bot.domain.roster import StatusEntry, status_on


@dataclass(frozen=True, slots=True)  # slots: a province's yearly roll-up builds 80,000
class MarkedMeeting:
    """A saved meeting of the member's cell with the member's stored mark (None: no row)."""

    id: int
    held_on: date
    kind: MeetingType
    mark: str | None
    reason: str | None


class Presence(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"  # R3: vắng có lý do
    UNEXCUSED = "unexcused"  # R3: vắng không có lý do
    VOLUNTARY = "voluntary"  # R2: came while not counted (exempted, elsewhere, guest)
    NOT_COUNTED = "not_counted"  # R1: not in the eligible set that day, did not come


@dataclass(frozen=True)
class MemberMeeting:
    id: int
    held_on: date
    kind: MeetingType
    status: MemberStatus | None  # R1: on the meeting day
    presence: Presence
    reason: str | None  # only for an excused absence

    @property
    def counted(self) -> bool:
        return self.presence in (Presence.PRESENT, Presence.EXCUSED, Presence.UNEXCUSED)


@dataclass(frozen=True)
class MemberYear:
    year: int
    counted: tuple[MemberMeeting, ...]  # R1: eligible that day, in date order
    apart: tuple[MemberMeeting, ...]  # on the roster but not counted (exempted, suspended …)
    outside: int  # meetings before joining or after leaving the cell (not listed)
    present: int
    excused: int
    unexcused: int
    voluntary: int
    unexcused_months: tuple[int, ...]  # R5, sorted
    r5: Literal["none", "warn", "flag"]
    excused_streak: int  # R6: the longest run of excused absences
    r6: bool

    @property
    def rate(self) -> Fraction | None:
        """R2 for one person: present / meetings where the member counted."""
        return Fraction(self.present, len(self.counted)) if self.counted else None


_CAN_VOLUNTEER = frozenset({MemberStatus.EXEMPTED, MemberStatus.TEMP_ELSEWHERE, MemberStatus.GUEST})


def _presence(status: MemberStatus | None, mark: str | None) -> Presence:
    if status in ELIGIBLE_STATUSES:
        # As in the tally: a stray "voluntary" row of an eligible member is presence.
        if mark in (Attendance.EXCUSED, Attendance.UNEXCUSED):
            return Presence(mark)
        return Presence.PRESENT
    if mark == VOLUNTARY and status in _CAN_VOLUNTEER:
        return Presence.VOLUNTARY
    return Presence.NOT_COUNTED


def year_levels(
    year: int,
    history: Sequence[StatusEntry],
    meetings: Iterable[MarkedMeeting],
    marks: Mapping[int, str | None],
    profile: RuleProfile,
) -> tuple[Literal["none", "warn", "flag"], bool]:
    """member_year(...).r5 and .r6 alone, by the same rules, without the record: the yearly
    roll-up counts them for thousands of members (K3). `marks` (meeting → mark) override
    the meetings' own, so the members of a cell can share one list of its meetings."""
    counted: list[tuple[date, Attendance]] = []
    regular: list[tuple[date, Attendance]] = []
    for m in sorted(meetings, key=lambda m: (m.held_on, m.id)):
        day = m.held_on
        if day.year != year:
            continue
        # Counted (R1): present, excused or unexcused; a dict, not Attendance(), per meeting.
        attendance = _COUNTED.get(_presence(status_on(history, day), marks.get(m.id, m.mark)))
        if attendance is not None:
            mark = (day, attendance)
            counted.append(mark)
            if counts_as_regular(m.kind):
                regular.append(mark)
    months = unexcused_months(regular, year)
    return r5_level(len(months), profile), r6_flag(longest_excused_streak(counted), profile)


def eligible_all_year(history: Sequence[StatusEntry], year: int) -> bool:
    """R1: did the member count at every meeting of `year`, whatever its day? The status
    only changes on a day an entry starts or the day after one ends, so it is enough to
    judge 1 January and those days."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = {first}
    for e in history:
        if first < e.effective_from <= last:
            days.add(e.effective_from)
        if e.effective_until is not None and first <= e.effective_until < last:
            days.add(e.effective_until + timedelta(days=1))
    return all(status_on(history, day) in ELIGIBLE_STATUSES for day in days)


def longest_run(positions: Iterable[int]) -> int:
    """R6 for a member who counted at every meeting of the year (eligible_all_year): the
    longest run of excused absences, given their positions among the cell's meetings of
    the year in date order (1, 2, …). Any meeting between two of them was attended or
    missed without reason, and broke the run."""
    longest = run = 0
    previous: int | None = None
    for p in sorted(positions):
        run = run + 1 if previous is not None and p == previous + 1 else 1
        previous = p
        longest = max(longest, run)
    return longest


def levels_all_year(
    unexcused_regular: Iterable[date], excused_places: Iterable[int], profile: RuleProfile
) -> tuple[Literal["none", "warn", "flag"], bool]:
    """year_levels for a member who counted at every meeting of the year
    (eligible_all_year), from the days of the year's unexcused absences at regular or
    combined meetings (R5: their months) and the places of the excused ones among the
    cell's meetings of the year (R6: longest_run)."""
    months = {day.month for day in unexcused_regular}
    return r5_level(len(months), profile), r6_flag(longest_run(excused_places), profile)


_COUNTED = {
    Presence.PRESENT: Attendance.PRESENT,
    Presence.EXCUSED: Attendance.EXCUSED,
    Presence.UNEXCUSED: Attendance.UNEXCUSED,
}


def member_year(
    year: int,
    history: Sequence[StatusEntry],
    meetings: Iterable[MarkedMeeting],
    profile: RuleProfile,
) -> MemberYear:
    """A member's attendance in `year`, each meeting judged by the status on its day (R1).

    R5 counts the months with an unexcused absence from a regular or combined meeting
    (the regular monthly meeting is the one every member owes, M1/M4). R6 counts excused
    absences in a row over every meeting where the member counted: a thematic or an
    extraordinary session is a cell meeting too.
    """
    counted: list[MemberMeeting] = []
    apart: list[MemberMeeting] = []
    outside = 0
    for m in sorted(meetings, key=lambda m: (m.held_on, m.id)):
        if m.held_on.year != year:
            continue
        status = status_on(history, m.held_on)
        presence = _presence(status, m.mark)
        line = MemberMeeting(
            id=m.id,
            held_on=m.held_on,
            kind=m.kind,
            status=status,
            presence=presence,
            reason=m.reason if presence == Presence.EXCUSED else None,
        )
        if line.counted:
            counted.append(line)
        elif status is None or status in LEAVING_STATUSES:
            outside += 1
        else:
            apart.append(line)
    marks = [(m.held_on, Attendance(m.presence)) for m in counted]
    months = unexcused_months(
        ((day, a) for (day, a), m in zip(marks, counted, strict=True) if counts_as_regular(m.kind)),
        year,
    )
    streak = longest_excused_streak(marks)
    return MemberYear(
        year=year,
        counted=tuple(counted),
        apart=tuple(apart),
        outside=outside,
        present=sum(1 for m in counted if m.presence == Presence.PRESENT),
        excused=sum(1 for m in counted if m.presence == Presence.EXCUSED),
        unexcused=sum(1 for m in counted if m.presence == Presence.UNEXCUSED),
        voluntary=sum(1 for m in apart if m.presence == Presence.VOLUNTARY),
        unexcused_months=tuple(sorted(months)),
        r5=r5_level(len(months), profile),
        excused_streak=streak,
        r6=r6_flag(streak, profile),
    )
