"""Answers to the reminders' buttons (#4): move this month's meeting to another day of the
same month (M7); the reminders follow the new date.

Buttons: MoveMeeting (the month's calendar), MoveMeetingTo (a day on it), in
bot/render/callbacks.py since the reminders carry them.
"""

from __future__ import annotations

from datetime import date

from bot.domain.holidays import holiday_name
from bot.render.callbacks import MoveMeeting, MoveMeetingTo
from storage import reminders

from .base import Turn, esc, inline
from .calendar import WEEKDAYS, month_grid
from .meeting.common import log_cell


def within_reach(day: date, today: date) -> bool:
    """M7: the buttons move this month's meeting (or, from a reminder sent at a month's end,
    the next month's) to another day of the same month; nothing further ahead."""
    months = (day.year - today.year) * 12 + day.month - today.month
    return 0 <= months <= 1


async def choose_day(turn: Turn, data: MoveMeeting) -> None:
    """The month's calendar for the cell."""
    _ = turn._
    cell = await log_cell(turn, data.cell)
    first = data.month
    today = turn.today
    if (first.year, first.month) < (today.year, today.month):
        await turn.say(_("That month is over; the meeting can no longer be moved."))
        return
    if not within_reach(first, today):
        await turn.say(_("Only a meeting of this month or the next can be moved."))
        return
    rows = month_grid(
        first.year,
        first.month,
        pick=lambda d: MoveMeetingTo(cell.id, d).pack(),
        allowed=lambda d: d >= today,
        weekdays=[_(w) for w in WEEKDAYS],
    )
    await turn.reply(
        _("{cell}: to which day of {month} does the meeting move?").format(
            cell=esc(cell.name), month=turn.t.month(first.year, first.month)
        ),
        inline(rows),
    )


async def move_to(turn: Turn, data: MoveMeetingTo) -> None:
    """Move the month's meeting to the day picked."""
    _ = turn._
    cell = await log_cell(turn, data.cell)
    day = data.day
    today = turn.today
    if day < today:
        await turn.say(_("That day has passed. Please choose a later day of the month."))
        return
    if not within_reach(day, today):  # forged data (#12): the calendar offers no such day
        await turn.say(_("Only a meeting of this month or the next can be moved."))
        return
    await reminders.move_meeting(turn.session, cell, day, actor_id=turn.user_id)
    lines = [
        _(
            "The meeting of {month} is now on {date}. The reminders will follow the new date."
        ).format(month=turn.t.month(day.year, day.month), date=turn.t.date(day))
    ]
    holiday = holiday_name(day, turn.t.locale)
    if holiday is not None:
        lines.append(_("Note: {date} is {holiday}.").format(date=turn.t.date(day), holiday=holiday))
    await turn.reply("\n".join(lines))  # a new message: the reminder pressed on stays readable
