"""📝 Log a meeting: on which day was it held (M1-M3, L3)?

Today / Yesterday, a day on a month's calendar, or a date typed in any usual form. A second
regular meeting in a month (M1) is answered with the logged one and the offer to log this
one as extraordinary (M3).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.dates import MIN_YEAR, parse_date
from bot.domain.meetings import BEFORE_CELL, FUTURE, month_of
from bot.render.callbacks import Month
from bot.services import meetings as service
from bot.services.meetings import Record, RegularTaken

from ..base import Button, Turn, inline
from ..calendar import WEEKDAYS, day_arg, month_grid
from .attendance import show_attendance
from .buttons import (
    AsExtraordinary,
    AttendanceBack,
    ChangeDate,
    DateBack,
    DateStepBack,
    OpenMeeting,
    PickDate,
    ShowCalendar,
)
from .common import Step, back_label, draft, goto, kind_label

OFFSETS = {"today": 0, "yesterday": 1}


async def ask_date(turn: Turn, record: Record) -> None:
    _ = turn._
    meeting = record.meeting
    rows = [
        [
            (_("Today"), PickDate.of(meeting, "today").pack()),
            (_("Yesterday"), PickDate.of(meeting, "yesterday").pack()),
        ],
        [(_("📅 Another day"), ShowCalendar.of(meeting, Month.of(turn.today)).pack())],
        [(back_label(turn), DateStepBack.of(meeting).pack())],
    ]
    await turn.show(
        _("{what}. On which day was it held? Press a button or type the date (e.g. 3/11).").format(
            what=kind_label(turn, meeting.kind)
        ),
        inline(rows),
    )


async def date_button(turn: Turn, data: PickDate) -> None:
    """Today, yesterday, or a day pressed on the calendar."""
    record = await draft(turn, data)
    picked = data.day
    day = turn.today - timedelta(days=OFFSETS[picked]) if picked in OFFSETS else day_arg(picked)
    await take_date(turn, record, day)


async def date_text(turn: Turn, record: Record) -> None:
    """A typed date: "3/2", "03/02/2026", "3-2-26", "hôm qua" … (L3)."""
    day = parse_date(turn.text, today=turn.today)
    if day is None:
        await turn.reply(turn._("I could not read that date. Please type it like 03/02/2026."))
        return
    await take_date(turn, record, day)


async def as_extraordinary(turn: Turn, data: AsExtraordinary) -> None:
    """The month has its regular meeting: log this one as extraordinary (M3) on that day."""
    await take_date(turn, await draft(turn, data), data.day, extraordinary=True)


async def take_date(turn: Turn, record: Record, day: date, *, extraordinary: bool = False) -> None:
    _ = turn._
    cell = record.cell
    problem = await service.set_date(
        turn.session, record, day, today=turn.today, extraordinary=extraordinary
    )
    if problem == FUTURE:
        await turn.reply(
            _("{date} is in the future. Please log a meeting once it has been held.").format(
                date=turn.t.date(day)
            )
        )
        return
    if problem == BEFORE_CELL:
        founded = cell.founded_on or cell.created_at.astimezone(turn.ctx.settings.timezone).date()
        await turn.reply(
            _("{date} is before the cell existed ({founded}).").format(
                date=turn.t.date(day), founded=turn.t.date(founded)
            )
        )
        return
    if isinstance(problem, RegularTaken):
        await regular_taken(turn, record, problem, day)
        return
    await goto(turn, Step.ATTENDANCE)
    await show_attendance(turn, record, 0)


async def regular_taken(turn: Turn, record: Record, taken: RegularTaken, day: date) -> None:
    """M1: one regular meeting a month. Offer to open the logged one (to correct it) or to
    log this session as an extraordinary one (M3)."""
    _ = turn._
    year, month = month_of(day)
    await turn.reply(
        _(
            "The regular meeting of {month} is already logged (held on {date}). A cell holds "
            "one regular meeting a month: open that one to correct it, log this session as an "
            "extraordinary meeting, or type another date."
        ).format(month=turn.t.month(year, month), date=turn.t.date(taken.held_on)),
        inline(
            [
                [(_("📂 Open the logged meeting"), OpenMeeting(taken.other_id).pack())],
                [(_("Log as extraordinary"), AsExtraordinary.of(record.meeting, day).pack())],
                [(back_label(turn), DateBack.of(record.meeting).pack())],
            ]
        ),
    )


async def calendar(turn: Turn, data: ShowCalendar) -> None:
    """Pick another day from a month's calendar."""
    _ = turn._
    record = await draft(turn, data)
    meeting, shown = record.meeting, data.month
    first_allowed = record.cell.founded_on or date(MIN_YEAR, 1, 1)
    rows = month_grid(
        shown.year,
        shown.month,
        pick=lambda d: PickDate.of(meeting, f"{d:%Y%m%d}").pack(),
        allowed=lambda d: first_allowed <= d <= turn.today,
        weekdays=[_(w) for w in WEEKDAYS],
    )
    nav: list[Button] = []
    prev = Month.of(shown - timedelta(days=1))
    if prev >= first_allowed.replace(day=1):
        nav.append(
            ("« " + turn.t.month(prev.year, prev.month), ShowCalendar.of(meeting, prev).pack())
        )
    nxt = Month.of(shown + timedelta(days=31))
    if nxt <= turn.today:
        nav.append((turn.t.month(nxt.year, nxt.month) + " »", ShowCalendar.of(meeting, nxt).pack()))
    rows += [nav, [(back_label(turn), DateBack.of(meeting).pack())]]
    await turn.show(
        _("{month}: press the day of the meeting.").format(
            month=turn.t.month(shown.year, shown.month)
        ),
        inline(rows),
    )


async def date_back(turn: Turn, data: DateBack) -> None:
    """From the calendar back to the date question."""
    await ask_date(turn, await draft(turn, data))


async def change_date(turn: Turn, data: ChangeDate) -> None:
    """From the confirmation back to the date (the eligible set follows)."""
    record = await draft(turn, data)
    await goto(turn, Step.DATE, date_from=Step.CONFIRM.value)
    await ask_date(turn, record)


async def attendance_back(turn: Turn, data: AttendanceBack) -> None:
    """⬅️ Back from the list of names to the date question."""
    record = await draft(turn, data)
    await goto(turn, Step.DATE, date_from=Step.ATTENDANCE.value)
    await ask_date(turn, record)
