"""The meeting history of issue #3: a cell's year month by month, and a saved meeting's tally.
One member's record is bot.domain.member_history.

Pure functions over plain data, no database and no Telegram. Rates are exact Fractions
(R4); only the screens round them. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from bot.domain.attendance import Attendance, Tally, split_roster, tally
from bot.domain.meeting_rules import MeetingType, ZeroReport, counts_as_regular, counts_as_thematic
from bot.domain.roster import StatusEntry

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
