"""The reminder planner (M4, M6-M8, L1, L7): windows, conditions, quiet hours, holidays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from bot.domain.holidays import holiday_name, is_working_day, nearest_working_days
from bot.domain.reminders import (
    CellMonth,
    Kind,
    ReminderSettings,
    due,
    is_quiet,
    planned_day,
)

from .auxil.botenv import VN

S = ReminderSettings()


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def cell(day: date, **kw: object) -> CellMonth:
    base = CellMonth(
        cell_id=7,
        meeting_on=day,
        meeting_at=time(19, 30),
        has_regular=False,
        has_zero_report=False,
        has_thematic_in_quarter=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def kinds(c: CellMonth, now: datetime) -> list[Kind]:
    return [d.kind for d in due(c, now, S)]


def test_windows_around_the_meeting_day() -> None:
    c = cell(date(2026, 12, 3))
    assert kinds(c, at(2026, 11, 30, 7, 59)) == []
    assert kinds(c, at(2026, 11, 30, 8, 0)) == [Kind.BEFORE]  # D-3 at 08:00
    assert kinds(c, at(2026, 12, 2, 8, 0)) == [Kind.BEFORE, Kind.DOCUMENTS]  # D-1 (M6)
    assert kinds(c, at(2026, 12, 3, 7, 0)) == [Kind.DAY]  # the morning; no "coming" now
    assert kinds(c, at(2026, 12, 3, 19, 30)) == []  # the meeting has started
    assert kinds(c, at(2026, 12, 4, 8, 0)) == [Kind.AFTER]  # D+1, nothing logged
    assert kinds(c, at(2026, 12, 25, 8, 0)) == [Kind.AFTER, Kind.MONTH_25]
    assert kinds(c, at(2026, 12, 31, 8, 0)) == [Kind.AFTER, Kind.MONTH_LAST]
    assert kinds(c, at(2027, 1, 1, 8, 0)) == []


def test_a_logged_meeting_or_zero_report_silences_the_month() -> None:
    for done in ({"has_regular": True}, {"has_zero_report": True}):
        c = cell(date(2026, 12, 3), **done)
        for now in (at(2026, 11, 30), at(2026, 12, 4), at(2026, 12, 25), at(2026, 12, 31)):
            assert kinds(c, now) == []


def test_keys_follow_a_moved_meeting_and_the_month() -> None:
    before = due(cell(date(2026, 12, 3)), at(2026, 11, 30), S)[0]
    moved = due(cell(date(2026, 12, 10)), at(2026, 12, 7), S)[0]
    assert before.key == "before:7:2026-12-03" and moved.key == "before:7:2026-12-10"
    a = due(cell(date(2026, 12, 3)), at(2026, 12, 4), S)[0]
    b = due(cell(date(2026, 12, 3)), at(2026, 12, 20), S)[0]
    assert a.key == b.key == "after:7:2026-12"  # once a month, whenever it goes out


def test_day_last_and_short_months() -> None:
    assert planned_day(2026, 2, -1) == date(2026, 2, 28)
    assert planned_day(2028, 2, -1) == date(2028, 2, 29)
    c = cell(planned_day(2027, 2, -1))  # 28/02/2027
    assert kinds(c, at(2027, 2, 25, 8)) == [Kind.BEFORE, Kind.MONTH_25]
    assert kinds(c, at(2027, 2, 28, 8)) == [Kind.DAY, Kind.MONTH_LAST]
    # D+1 falls in March: carried by March's planner through `previous`.
    march = cell(date(2027, 3, 3), previous=c)
    assert [d.key for d in due(march, at(2027, 3, 1, 8), S)] == [
        "before:7:2027-03-03",
        "after:7:2027-02",
    ]


def test_reminders_before_next_months_meeting_go_out_this_month() -> None:
    # A meeting on 02/12: D-3 is 29/11 and D-1 is 01/12.
    november = cell(date(2026, 11, 3), has_regular=True, following=cell(date(2026, 12, 2)))
    assert [d.key for d in due(november, at(2026, 11, 29, 8), S)] == ["before:7:2026-12-02"]
    # The following month's other reminders are its own business.
    assert due(november, at(2026, 11, 25, 8), S) == []


def test_thematic_quarter_rule() -> None:
    c = cell(date(2026, 12, 3), has_thematic_in_quarter=False, has_regular=True)
    assert kinds(c, at(2026, 11, 30, 8)) == []  # not the quarter's last month
    assert kinds(c, at(2026, 12, 1, 8)) == [Kind.THEMATIC]
    assert kinds(c, at(2026, 12, 21, 7, 59)) == [Kind.THEMATIC]
    assert kinds(c, at(2026, 12, 21, 8)) == [Kind.THEMATIC_LATE]  # ten days before 31/12
    assert kinds(replace(c, has_thematic_in_quarter=True), at(2026, 12, 21, 8)) == []


def test_quiet_hours() -> None:
    assert is_quiet(at(2026, 12, 1, 21, 30), S) and is_quiet(at(2026, 12, 1, 6, 59), S)
    assert not is_quiet(at(2026, 12, 1, 7, 0), S) and not is_quiet(at(2026, 12, 1, 21, 29), S)
    day_window = ReminderSettings(quiet_start=time(12), quiet_end=time(13))
    assert is_quiet(at(2026, 12, 1, 12, 30), day_window)
    assert not is_quiet(at(2026, 12, 1, 13, 0), day_window)


def test_before_the_cell_existed_nothing_is_due() -> None:
    c = cell(date(2026, 12, 3), founded_on=date(2027, 1, 1))
    assert kinds(c, at(2026, 11, 30, 8)) == []


def test_settings_from_an_organisation() -> None:
    s = ReminderSettings.from_settings({"before_days": 5, "send_at": "09:30", "month_days": [20]})
    assert (s.before_days, s.send_at, s.month_days) == (5, time(9, 30), (20,))
    with pytest.raises(ValueError, match="whole number"):
        ReminderSettings.from_settings({"before_days": "3"})
    with pytest.raises(ValueError, match="month_days"):
        ReminderSettings(month_days=(30,))


def test_tet_2026_and_2027_and_holidays() -> None:
    # L7: Tết 17/02/2026, the break 14-22/02/2026; Tết 06/02/2027.
    assert all(holiday_name(date(2026, 2, d)) for d in range(14, 23))
    assert holiday_name(date(2026, 2, 13)) is None and holiday_name(date(2026, 2, 23)) is None
    assert holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert holiday_name(date(2027, 2, 6)) == "Tết Nguyên Đán"
    assert holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert holiday_name(date(2026, 9, 2), "en") == "National Day"
    assert not is_working_day(date(2026, 2, 16)) and is_working_day(date(2026, 2, 23))
    # A meeting on 17/02/2026 moves to the nearest working days of February.
    assert nearest_working_days(date(2026, 2, 17), not_before=date(2026, 2, 1)) == [
        date(2026, 2, 13),
        date(2026, 2, 12),
    ]
    # Not into the past, and never into March.
    assert nearest_working_days(date(2026, 2, 17), not_before=date(2026, 2, 14)) == [
        date(2026, 2, 23),
        date(2026, 2, 24),
    ]
    last = nearest_working_days(date(2027, 2, 28), not_before=date(2027, 2, 26), count=3)
    assert last == [date(2027, 2, 26)]
    assert all(d.month == 2 for d in last)
