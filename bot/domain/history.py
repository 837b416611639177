"""The meeting history of issue #3: a cell's year month by month, and one member's record.

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
    Tally,
    longest_excused_streak,
    r5_level,
    r6_flag,
    split_roster,
    tally,
    unexcused_months,
)
from bot.domain.meeting_rules import (
    MeetingType,
    RuleProfile,
    ZeroReport,
    counts_as_regular,
    counts_as_thematic,
)
from bot.domain.model import ELIGIBLE_STATUSES, LEAVING_STATUSES, MemberStatus
from bot.domain.roster import StatusEntry, status_on

# How meeting_attendance.mark stores a mark: no row is "present" (R3), and "voluntary"
# is an exempted or sent-elsewhere member who came anyway (R2).
VOLUNTARY = "voluntary"


def stored_tally(
    roster: Iterable[tuple[int, Sequence[StatusEntry]]],
    day: date,
    stored: Mapping[int, str],
) -> Tally:
    """R1/R2: a saved meeting's tally from the roster and its stored marks (member → mark),
    judged by each member's status on the meeting day."""
    marks = {k: Attendance(v) for k, v in stored.items() if v != VOLUNTARY}
    voluntary = [k for k, v in stored.items() if v == VOLUNTARY]
    return tally(split_roster(roster, day), marks, voluntary)


# --- The cell's year ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearMeeting:
    """A saved meeting of the cell, with its tally."""

    id: int
    held_on: date
    kind: MeetingType
    tally: Tally


class MonthStatus(StrEnum):
    HELD = "held"  # M1: the month's regular meeting (or a combined session) was held
    ZERO_REPORT = "zero_report"  # M8: reported "did not meet", with a reason
    NOT_REPORTED = "not_reported"  # K1: a past or the current month with neither
    FUTURE = "future"


@dataclass(frozen=True)
class MonthLine:
    month: int
    status: MonthStatus
    regular: YearMeeting | None  # the meeting that counts for M1 (the first, if several)
    reason: str | None  # the zero report's reason (M8)
    others: tuple[YearMeeting, ...]  # every other meeting of the month, in date order


class QuarterStatus(StrEnum):
    HELD = "held"  # M4: a thematic (or combined) session was held in the quarter
    MISSING = "missing"  # the quarter is over without one
    OPEN = "open"  # the current quarter, none yet
    FUTURE = "future"


@dataclass(frozen=True)
class QuarterLine:
    quarter: int
    status: QuarterStatus
    thematic: tuple[YearMeeting, ...]


@dataclass(frozen=True)
class CellYear:
    year: int
    months: tuple[MonthLine, ...]  # 1..12
    quarters: tuple[QuarterLine, ...]  # 1..4
    months_so_far: int  # months up to and including the current one (12 for a past year)
    regular_months: int  # M1: months with a regular meeting
    zero_months: int  # M8
    not_reported: int
    mean_rate: Fraction | None  # mean of the regular meetings' rates (R2), exact
    meetings: tuple[YearMeeting, ...]  # every meeting of the year, in date order


def _months_so_far(year: int, today: date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def cell_year(
    year: int,
    meetings: Iterable[YearMeeting],
    zero_reports: Iterable[ZeroReport],
    today: date,
) -> CellYear:
    """Month by month (M1, M3, M4, M8) and quarter by quarter (M4); `today` is local (L1).

    A held regular meeting wins over a zero report of the same month: the meeting is the
    fact, a report that contradicts it is withdrawn when the meeting is logged. Meetings
    and reports of other years are ignored.
    """
    ours = sorted((m for m in meetings if m.held_on.year == year), key=lambda m: (m.held_on, m.id))
    zero = {z.month: z.reason for z in zero_reports if z.year == year}
    so_far = _months_so_far(year, today)
    months: list[MonthLine] = []
    for month in range(1, 13):
        held = [m for m in ours if m.held_on.month == month]
        # M3: an extraordinary session never stands in for the regular one; M4: a combined one does.
        regular = next((m for m in held if counts_as_regular(m.kind)), None)
        others = tuple(m for m in held if m is not regular)
        if regular is not None:
            status, reason = MonthStatus.HELD, None
        elif month in zero:
            status, reason = MonthStatus.ZERO_REPORT, zero[month]
        elif month <= so_far:
            status, reason = MonthStatus.NOT_REPORTED, None
        else:
            status, reason = MonthStatus.FUTURE, None
        months.append(MonthLine(month, status, regular, reason, others))
    quarters: list[QuarterLine] = []
    for quarter in range(1, 5):
        last_month = quarter * 3
        thematic = tuple(
            m
            for m in ours
            if counts_as_thematic(m.kind) and (m.held_on.month - 1) // 3 + 1 == quarter
        )
        if thematic:
            q_status = QuarterStatus.HELD
        elif year < today.year or last_month < so_far:
            q_status = QuarterStatus.MISSING
        elif last_month - 2 <= so_far:
            q_status = QuarterStatus.OPEN
        else:
            q_status = QuarterStatus.FUTURE
        quarters.append(QuarterLine(quarter, q_status, thematic))
    rates = [rate for m in ours if counts_as_regular(m.kind) and (rate := m.tally.rate) is not None]
    return CellYear(
        year=year,
        months=tuple(months),
        quarters=tuple(quarters),
        months_so_far=so_far,
        regular_months=sum(1 for m in months if m.status == MonthStatus.HELD),
        zero_months=sum(1 for m in months if m.status == MonthStatus.ZERO_REPORT),
        not_reported=sum(1 for m in months if m.status == MonthStatus.NOT_REPORTED),
        mean_rate=sum(rates, Fraction(0)) / len(rates) if rates else None,
        meetings=tuple(ours),
    )


# --- One member's year -------------------------------------------------------------------


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
