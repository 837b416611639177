"""What reminders are due for a cell at a moment (M4, M6-M8, L1, L7). Pure functions.

Every reminder has a window in local time: it becomes due at its start and is dropped at
its end, so a tick after downtime still sends what is useful ("the meeting is on 03/12"
until the meeting day) and never what is stale (no "meeting coming" after the meeting).
Each carries a period key; with the recipient and the kind it is the delivery's unique
claim, so it is sent at most once whatever the number of ticks, restarts or instances.
A moved meeting has a new date, hence new keys: its reminders follow the new date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.dates import last_day_of_month


class Kind(StrEnum):
    BEFORE = "before"  # D-3: the meeting is coming; notify members and the upper committee (M6)
    DOCUMENTS = "docs"  # D-1: documents on the official app at least a day before (M6)
    DAY = "day"  # the morning of the meeting day
    AFTER = "after"  # D+1, nothing logged: "log the meeting"
    MONTH_25 = "m25"  # the 25th: the month has no regular meeting or zero report yet (M1, M8)
    MONTH_LAST = "mlast"  # the last day, same condition
    THEMATIC = "q1"  # the quarter's last month began without a thematic meeting (M4)
    THEMATIC_LATE = "q2"  # ten days before the quarter ends, still none (M4)


@dataclass(frozen=True)
class ReminderSettings:
    """Offsets and hours; every one is a setting (Org.settings key "reminders")."""

    before_days: int = 3
    documents_days: int = 1
    after_days: int = 1
    send_at: time = time(8, 0)  # date-based reminders go out from this time
    morning_at: time = time(7, 0)  # the meeting day's reminder
    month_days: tuple[int, ...] = (25, -1)  # -1: the last day of the month
    thematic_days_before_end: int = 10
    quiet_start: time = time(21, 30)  # nothing is sent from here …
    quiet_end: time = time(7, 0)  # … to here, local time
    digest_day: int = 3  # admins' list of cells that did not report last month
    # K1: the linked groups' roll-up of last month, and the recaps; never before the day
    # after the correction deadline (summary_day() below, #14)
    summary_day: int = 6
    summary_at: time = time(8, 0)
    # #14: a digest, summary or recap not sent within this many days of its time (after
    # downtime, or a bot started late in the month) is dropped, and the drop recorded.
    catch_up_days: int = 7
    # M6 (#14): the admins' daily line of the meetings saved beneath their committee
    upward: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.documents_days <= self.before_days <= 14:
            raise ValueError("need 1 <= documents_days <= before_days <= 14")
        if not 1 <= self.after_days <= 7:
            raise ValueError("after_days must be 1-7")
        if not 1 <= self.digest_day <= 28:
            raise ValueError("digest_day must be 1-28")
        if not 1 <= self.summary_day <= 28:
            raise ValueError("summary_day must be 1-28")
        if not 1 <= self.catch_up_days <= 28:
            raise ValueError("catch_up_days must be 1-28")
        if any(d != -1 and not 1 <= d <= 28 for d in self.month_days):
            raise ValueError("month_days are 1-28 or -1 (the last day)")

    @classmethod
    def from_settings(cls, raw: dict[str, Any]) -> ReminderSettings:
        values: dict[str, Any] = {}
        for key, value in (raw or {}).items():
            if key in ("send_at", "morning_at", "quiet_start", "quiet_end", "summary_at"):
                values[key] = time.fromisoformat(str(value))
            elif key == "upward":
                if not isinstance(value, bool):
                    raise ValueError("reminders.upward must be true or false")
                values[key] = value
            elif key == "month_days":
                values[key] = tuple(int(v) for v in value)
            elif key in cls.__dataclass_fields__:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"reminders.{key} must be a whole number")
                values[key] = value
        return cls(**values)


def is_quiet(now: datetime, s: ReminderSettings) -> bool:
    """Quiet hours (default 21:30-07:00 local): nothing is sent."""
    at = now.time()
    if s.quiet_start > s.quiet_end:  # the window wraps midnight
        return at >= s.quiet_start or at < s.quiet_end
    return s.quiet_start <= at < s.quiet_end


def summary_day(s: ReminderSettings, correction_deadline_day: int) -> int:
    """K1 (#14): the day last month's roll-ups go out: `summary_day`, but never before the
    day after the secretaries' correction deadline (RuleProfile.correction_deadline_day, the
    5th by default, so the 6th), so no posted figure changes afterwards. At most the 28th,
    the last day every month has (a deadline on the 28th: the 28th)."""
    return min(max(s.summary_day, correction_deadline_day + 1), 28)


def planned_day(year: int, month: int, meeting_day: int) -> date:
    """M7: the month's meeting day from the setting (1-28, or -1 for the last day)."""
    if meeting_day == -1:
        return last_day_of_month(year, month)
    return date(year, month, meeting_day)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    return last_day_of_month(year, quarter * 3)


@dataclass(frozen=True)
class CellMonth:
    """What the planner needs to know about one cell in the month of `meeting_on`."""

    cell_id: int
    meeting_on: date  # the planned (or moved) meeting day of this month
    meeting_at: time
    has_regular: bool  # M1: a saved regular or combined meeting in the month
    has_zero_report: bool  # M8
    has_thematic_in_quarter: bool  # M4: thematic or combined in the month's quarter
    founded_on: date | None = None
    # The previous month, for D+1 reminders that fall in the next month (meeting on the 31st).
    previous: CellMonth | None = None
    # The next month, for D-3 and D-1 reminders that fall in this month (meeting on the 1st-3rd).
    following: CellMonth | None = None


@dataclass(frozen=True)
class Due:
    kind: Kind
    cell_id: int
    period: str  # part of the claim key
    about: date  # the meeting day, the month's first day or the quarter's end
    until: datetime  # the end of the window: after it the reminder is stale

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.cell_id}:{self.period}"


def _at(day: date, at: time, tz: Any) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def due(cell: CellMonth, now: datetime, s: ReminderSettings) -> list[Due]:
    """The reminders of `cell` whose window contains `now` (a local, aware datetime) and
    whose condition holds. Quiet hours are the caller's business (is_quiet)."""
    tz = now.tzinfo
    out: list[Due] = []
    d = cell.meeting_on
    year, month = d.year, d.month
    month_key = f"{year}-{month:02d}"
    first = date(year, month, 1)
    # Nothing about a month before the cell was tracked (founded, or entered into chibo:
    # #14); next month's D-3 and D-1 (`following`) may still fall in it.
    tracked = cell.founded_on is None or cell.founded_on <= last_day_of_month(year, month)
    unreported = tracked and not cell.has_regular and not cell.has_zero_report

    def window(kind: Kind, start: datetime, end: datetime, period: str, about: date) -> None:
        if start <= now < end:
            out.append(Due(kind, cell.cell_id, period, about, end))

    if unreported:
        meeting_start = _at(d, cell.meeting_at, tz)
        day_key = d.isoformat()
        window(
            Kind.BEFORE,
            _at(d - timedelta(days=s.before_days), s.send_at, tz),
            _at(d, time(0), tz),
            day_key,
            d,
        )
        window(
            Kind.DOCUMENTS,
            _at(d - timedelta(days=s.documents_days), s.send_at, tz),
            _at(d, time(0), tz),
            day_key,
            d,
        )
        window(Kind.DAY, _at(d, s.morning_at, tz), meeting_start, day_key, d)
        after = d + timedelta(days=s.after_days)
        # Until the month is over, or three days when the meeting day was at its end.
        after_end = max(
            last_day_of_month(year, month) + timedelta(days=1), after + timedelta(days=3)
        )
        window(Kind.AFTER, _at(after, s.send_at, tz), _at(after_end, time(0), tz), month_key, d)
        month_days = sorted(
            {last_day_of_month(year, month).day if x == -1 else x for x in s.month_days}
        )
        ends = [*month_days[1:], None]
        for day_no, next_day in zip(month_days, ends, strict=True):
            kind = (
                Kind.MONTH_LAST if day_no == last_day_of_month(year, month).day else Kind.MONTH_25
            )
            start = _at(date(year, month, day_no), s.send_at, tz)
            end_day = (
                date(year, month, next_day)
                if next_day is not None
                else last_day_of_month(year, month) + timedelta(days=1)
            )
            window(kind, start, _at(end_day, time(0), tz), f"{month_key}-{day_no:02d}", first)
    if cell.previous is not None:
        # D+1 of last month's meeting may fall in this month (a meeting on the last day).
        out += [i for i in due(cell.previous, now, s) if i.kind == Kind.AFTER]
    if cell.following is not None:
        # D-3 and D-1 of next month's meeting may fall in this month (a meeting on the 2nd).
        out += [i for i in due(cell.following, now, s) if i.kind in (Kind.BEFORE, Kind.DOCUMENTS)]
    if tracked and not cell.has_thematic_in_quarter:
        qy, q = quarter_of(d)
        end = quarter_end(qy, q)
        late = end - timedelta(days=s.thematic_days_before_end)
        last_month_first = date(qy, q * 3, 1)
        if d.month == q * 3:  # only the quarter's last month carries these
            window(
                Kind.THEMATIC,
                _at(last_month_first, s.send_at, tz),
                _at(late, s.send_at, tz),
                f"{qy}-Q{q}",
                end,
            )
            window(
                Kind.THEMATIC_LATE,
                _at(late, s.send_at, tz),
                _at(end + timedelta(days=1), time(0), tz),
                f"{qy}-Q{q}",
                end,
            )
    return out
