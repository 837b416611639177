"""The meeting history (issue #3): a cell's year (M1, M3, M4, M8, R2) and a member's record
(R1-R3, R5, R6). Pure functions, no Telegram, no database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from bot.domain.history import MonthStatus, QuarterStatus, YearMeeting, cell_year, stored_tally
from bot.domain.meetings import MeetingType, RuleProfile, Tally, ZeroReport
from bot.domain.member_history import (
    MarkedMeeting,
    Presence,
    eligible_all_year,
    levels_all_year,
    longest_run,
    member_year,
)
from bot.domain.model import MemberStatus as S
from bot.domain.roster import Entry

D = date
T = MeetingType
HD42 = RuleProfile()
TODAY = D(2026, 11, 21)


def counts(present: int, eligible: int) -> Tally:
    return Tally(eligible, present, eligible - present, 0, 0, 0, 0, 0)


def meeting(
    id: int, day: date, kind: MeetingType, present: int = 9, eligible: int = 10
) -> YearMeeting:
    return YearMeeting(id, day, kind, counts(present, eligible))


# --- The cell's year ---------------------------------------------------------------------


def test_a_year_month_by_month() -> None:
    held = [
        meeting(1, D(2026, 1, 3), T.REGULAR, 28, 30),
        meeting(2, D(2026, 2, 3), T.COMBINED, 19, 20),  # M4: the month's regular meeting too
        meeting(3, D(2026, 3, 15), T.EXTRAORDINARY, 1, 10),  # M3: not the regular meeting
        meeting(4, D(2026, 5, 4), T.REGULAR, 1, 2),
        meeting(5, D(2026, 6, 20), T.THEMATIC),  # M4: thematic alone
        meeting(6, D(2026, 6, 3), T.REGULAR, 10, 10),
    ]
    zero = [
        ZeroReport(2026, 4, "Tết"),
        ZeroReport(2026, 5, "withdrawn in spirit: the meeting was held"),
        ZeroReport(2026, 10, "bão lũ"),
        ZeroReport(2025, 11, "last year"),
    ]
    y = cell_year(2026, held, zero, TODAY)
    status = {m.month: m.status for m in y.months}
    assert status == {
        1: MonthStatus.HELD,
        2: MonthStatus.HELD,
        3: MonthStatus.NOT_REPORTED,  # M3: only an extraordinary meeting
        4: MonthStatus.ZERO_REPORT,  # M8
        5: MonthStatus.HELD,  # the held meeting wins over a contradicting report
        6: MonthStatus.HELD,
        7: MonthStatus.NOT_REPORTED,
        8: MonthStatus.NOT_REPORTED,
        9: MonthStatus.NOT_REPORTED,
        10: MonthStatus.ZERO_REPORT,
        11: MonthStatus.NOT_REPORTED,  # the current month, nothing yet
        12: MonthStatus.FUTURE,
    }
    assert y.months[9].reason == "bão lũ" and y.months[4].reason is None
    assert y.months[2].regular is None and [m.id for m in y.months[2].others] == [3]
    # June: the regular meeting of the 3rd counts, the thematic one of the 20th is "other".
    assert y.months[5].regular is not None and y.months[5].regular.id == 6
    assert [m.id for m in y.months[5].others] == [5]
    assert (y.months_so_far, y.regular_months, y.zero_months, y.not_reported) == (11, 4, 2, 5)
    # R2: the mean of the regular meetings' exact rates; the extraordinary 1/10 stays out.
    assert y.mean_rate == (Fraction(28, 30) + Fraction(19, 20) + Fraction(1, 2) + 1) / 4
    assert y.mean_rate == Fraction(203, 240)
    assert [q.status for q in y.quarters] == [
        QuarterStatus.HELD,  # Feb: combined (M4)
        QuarterStatus.HELD,  # Jun: thematic
        QuarterStatus.MISSING,  # Q3 is over without one
        QuarterStatus.OPEN,  # Q4 runs to 31/12
    ]
    assert [m.id for m in y.quarters[1].thematic] == [5]
    assert [m.id for m in y.meetings] == [1, 2, 3, 4, 6, 5]  # date order


def test_a_past_year_is_complete_and_a_future_year_is_empty() -> None:
    past = cell_year(2025, [meeting(1, D(2025, 12, 3), T.REGULAR)], [], TODAY)
    assert past.months_so_far == 12 and past.regular_months == 1 and past.not_reported == 11
    assert past.months[11].status == MonthStatus.HELD
    # M4: every quarter of a past year is over, the fourth included.
    assert {q.status for q in past.quarters} == {QuarterStatus.MISSING}
    future = cell_year(2027, [], [], TODAY)
    assert future.months_so_far == 0 and future.not_reported == 0
    assert {m.status for m in future.months} == {MonthStatus.FUTURE}
    assert {q.status for q in future.quarters} == {QuarterStatus.FUTURE}


def test_december_of_the_current_year_keeps_q4_open() -> None:
    y = cell_year(2026, [], [], D(2026, 12, 31))
    assert y.months_so_far == 12 and y.not_reported == 12
    assert [q.status for q in y.quarters][-1] == QuarterStatus.OPEN


def test_a_second_regular_meeting_in_a_month_counts_once() -> None:
    held = [meeting(7, D(2026, 3, 20), T.REGULAR, 5, 10), meeting(6, D(2026, 3, 3), T.REGULAR)]
    y = cell_year(2026, held, [], TODAY)
    assert y.regular_months == 1  # M1: a month, not a meeting
    assert y.months[2].regular is not None and y.months[2].regular.id == 6
    assert [m.id for m in y.months[2].others] == [7]
    assert y.mean_rate == (Fraction(9, 10) + Fraction(1, 2)) / 2


def test_other_years_are_ignored_and_no_rate_means_none() -> None:
    held = [
        meeting(1, D(2025, 12, 31), T.REGULAR),
        meeting(2, D(2026, 1, 3), T.EXTRAORDINARY),
        YearMeeting(3, D(2026, 2, 3), T.REGULAR, counts(0, 0)),  # nobody eligible
    ]
    y = cell_year(2026, held, [], TODAY)
    assert [m.id for m in y.meetings] == [2, 3]
    assert y.regular_months == 1 and y.mean_rate is None


def test_stored_tally_judges_each_member_on_the_day() -> None:
    roster = [
        (1, [Entry(S.OFFICIAL, D(2000, 1, 1))]),
        (2, [Entry(S.PROBATIONARY, D(2026, 1, 1))]),  # R1: probationary members count
        (3, [Entry(S.OFFICIAL, D(2000, 1, 1)), Entry(S.EXEMPTED, D(2026, 5, 1), id=2)]),
        (4, [Entry(S.OFFICIAL, D(2026, 7, 1))]),  # joined later
    ]
    stored = {1: "excused", 3: "voluntary", 4: "unexcused", 2: "voluntary"}
    march = stored_tally(roster, D(2026, 3, 3), stored)
    assert (march.eligible, march.present, march.excused, march.unexcused) == (3, 2, 1, 0)
    assert march.rate == Fraction(2, 3)
    august = stored_tally(roster, D(2026, 8, 3), stored)
    # R2: the exempted member came (not in the rate); member 4 now counts.
    assert (august.eligible, august.present, august.unexcused) == (3, 1, 1)
    assert (august.exempted, august.exempted_present) == (1, 1)
    assert august.rate == Fraction(1, 3)


# --- One member's year -------------------------------------------------------------------

HISTORY = [
    Entry(S.OFFICIAL, D(2000, 1, 1), id=1),
    Entry(S.EXEMPTED, D(2026, 6, 1), D(2026, 8, 31), id=2),  # R1: exempted for the summer
]


def marked(
    day: date, mark: str | None, kind: MeetingType = T.REGULAR, reason: str | None = None
) -> MarkedMeeting:
    return MarkedMeeting(day.toordinal(), day, kind, mark, reason)


def test_a_members_year() -> None:
    got = [
        marked(D(2026, 1, 3), "unexcused"),
        marked(D(2026, 2, 3), "excused", reason="ốm"),
        marked(D(2026, 3, 3), "excused", reason="đi công tác"),
        marked(D(2026, 4, 3), "excused", T.COMBINED, "ốm"),
        marked(D(2026, 4, 20), "excused", T.EXTRAORDINARY, "việc gia đình"),
        marked(D(2026, 6, 3), "voluntary"),  # exempted, came anyway
        marked(D(2026, 7, 3), None),  # exempted, did not come
        marked(D(2026, 8, 3), "unexcused"),  # exempted: a stray mark never counts (R1)
        marked(D(2026, 9, 3), "unexcused"),
        marked(D(2026, 9, 25), "unexcused", T.EXTRAORDINARY),  # same month: one month (R5)
        marked(D(2026, 10, 3), None),
        marked(D(2026, 11, 10), "unexcused", T.EXTRAORDINARY),  # R5 counts regular meetings
        marked(D(2025, 12, 3), "unexcused"),  # last year
    ]
    r = member_year(2026, HISTORY, got, HD42)
    assert [m.presence for m in r.counted] == [
        Presence.UNEXCUSED,
        Presence.EXCUSED,
        Presence.EXCUSED,
        Presence.EXCUSED,
        Presence.EXCUSED,
        Presence.UNEXCUSED,
        Presence.UNEXCUSED,
        Presence.PRESENT,
        Presence.UNEXCUSED,
    ]
    assert [m.reason for m in r.counted][1:3] == ["ốm", "đi công tác"]
    assert [(m.held_on.month, m.presence, m.status) for m in r.apart] == [
        (6, Presence.VOLUNTARY, S.EXEMPTED),
        (7, Presence.NOT_COUNTED, S.EXEMPTED),
        (8, Presence.NOT_COUNTED, S.EXEMPTED),
    ]
    assert (r.present, r.excused, r.unexcused, r.voluntary, r.outside) == (1, 4, 4, 1, 0)
    assert r.rate == Fraction(1, 9)
    # R5: January and September (November's was an extraordinary meeting).
    assert r.unexcused_months == (1, 9) and r.r5 == "warn"
    # R6: four excused in a row across types (Feb, Mar, Apr combined, Apr extraordinary).
    assert r.excused_streak == 4 and r.r6


def test_r5_flag_at_three_months_and_r6_at_exactly_three_is_fine() -> None:
    got = [marked(D(2026, m, 3), "unexcused") for m in (2, 5, 11)]
    got += [marked(D(2026, m, 3), "excused", reason="ốm") for m in (6, 7, 8)]
    r = member_year(2026, [Entry(S.OFFICIAL, D(2000, 1, 1))], got, HD42)
    assert r.unexcused_months == (2, 5, 11) and r.r5 == "flag"
    assert r.excused_streak == 3 and not r.r6  # R6: more than 3
    assert member_year(
        2026, [Entry(S.OFFICIAL, D(2000, 1, 1))], got, RuleProfile(excused_streak=2)
    ).r6
    one = member_year(2026, [Entry(S.OFFICIAL, D(2000, 1, 1))], got[:1], HD42)
    assert one.r5 == "none" and one.unexcused_months == (2,)


def test_meetings_before_joining_and_after_leaving_are_outside() -> None:
    history = [
        Entry(S.PROBATIONARY, D(2026, 4, 10), id=1),
        Entry(S.TRANSFERRED, D(2026, 10, 1), id=2),
    ]
    got = [marked(D(2026, m, 3), None) for m in range(1, 12)]
    r = member_year(2026, history, got, HD42)
    assert [m.held_on.month for m in r.counted] == [5, 6, 7, 8, 9]  # R1: probationary counts
    assert r.outside == 6 and not r.apart
    assert r.rate == 1


@pytest.mark.parametrize(
    ("status", "mark", "presence"),
    [
        (S.OFFICIAL, "voluntary", Presence.PRESENT),  # as in the tally: presence
        (S.TEMP_ELSEWHERE, "voluntary", Presence.VOLUNTARY),
        (S.GUEST, "voluntary", Presence.VOLUNTARY),
        (S.SUSPENDED, "voluntary", Presence.NOT_COUNTED),
        (S.SUSPENDED, "excused", Presence.NOT_COUNTED),
    ],
)
def test_presence_by_status(status: S, mark: str, presence: Presence) -> None:
    r = member_year(2026, [Entry(status, D(2000, 1, 1))], [marked(D(2026, 3, 3), mark)], HD42)
    assert [m.presence for m in (*r.counted, *r.apart)] == [presence]
    assert r.rate == (1 if presence == Presence.PRESENT else None)


def test_no_meetings_no_rate() -> None:
    r = member_year(2026, HISTORY, [], HD42)
    assert r.rate is None and r.r5 == "none" and not r.r6 and r.excused_streak == 0


# --- The yearly roll-up's shortcuts (storage.warnings.year_levels) ------------------------


def test_eligible_all_year() -> None:
    """R1: counted at every meeting of the year only if eligible on every day of it."""
    official = Entry(S.OFFICIAL, D(2000, 1, 1), id=1)
    assert eligible_all_year([official], 2026)
    assert not eligible_all_year(HISTORY, 2026)  # exempted for the summer
    assert eligible_all_year(HISTORY, 2025) and eligible_all_year(HISTORY, 2027)
    # Probationary, then official: both count (R1), the change does not matter.
    promoted = [Entry(S.PROBATIONARY, D(2025, 3, 1), id=1), Entry(S.OFFICIAL, D(2026, 3, 1), id=2)]
    assert eligible_all_year(promoted, 2026)
    assert not eligible_all_year([Entry(S.OFFICIAL, D(2026, 1, 2))], 2026)  # joined on 2 Jan
    assert eligible_all_year([Entry(S.OFFICIAL, D(2026, 1, 1))], 2026)
    # An exemption that ends on 31 December 2025 or starts on 1 January 2027 does not touch 2026.
    edges = [official, Entry(S.EXEMPTED, D(2025, 6, 1), D(2025, 12, 31), id=2)]
    assert eligible_all_year(edges, 2026) and not eligible_all_year(edges, 2025)
    ends = [official, Entry(S.EXEMPTED, D(2026, 12, 31), id=2)]  # exempted from the last day
    assert not eligible_all_year(ends, 2026)
    day = [official, Entry(S.SUSPENDED, D(2026, 6, 1), D(2026, 6, 1), id=2)]  # for one day
    assert not eligible_all_year(day, 2026)
    # A correction with a later id on the same day wins (status_on), here back to official.
    fixed = [
        official,
        Entry(S.EXEMPTED, D(2026, 5, 1), id=2),
        Entry(S.OFFICIAL, D(2026, 5, 1), id=3),
    ]
    assert eligible_all_year(fixed, 2026)


def test_longest_run_is_member_years_streak() -> None:
    """R6 by places among the cell's meetings agrees with member_year for a member who
    counted all year: any meeting between two excused absences breaks the run."""
    assert longest_run([]) == 0
    assert longest_run([5]) == 1
    assert longest_run([7, 3, 4, 5, 9, 10]) == 3  # unsorted on purpose
    history = [Entry(S.OFFICIAL, D(2000, 1, 1), id=1)]
    marks = [None, "excused", "excused", "unexcused", "excused", "excused", "excused", "voluntary"]
    marks += ["excused", "excused", "excused", "excused", "excused", None]
    days = [D(2026, 1 + i // 2, 1 + 10 * (i % 2)) for i in range(len(marks))]
    meetings = [
        marked(d, m, T.THEMATIC if i % 3 else T.REGULAR)
        for i, (d, m) in enumerate(zip(days, marks, strict=True))
    ]
    record = member_year(2026, history, meetings, HD42)
    places = [i + 1 for i, m in enumerate(marks) if m == "excused"]
    assert longest_run(places) == record.excused_streak == 5 and record.r6
    unexcused = [m.held_on for m in meetings if m.mark == "unexcused" and m.kind == T.REGULAR]
    assert levels_all_year(unexcused, places, HD42) == (record.r5, record.r6)
    strict = RuleProfile(removal_warn_months=1, removal_flag_months=2, excused_streak=5)
    assert levels_all_year(unexcused, places, strict) == ("warn", False)
    again = member_year(2026, history, meetings, strict)
    assert (again.r5, again.r6) == ("warn", False)
