"""Answers to the reminders' buttons (#4): move this month's meeting to another day of the
same month (M7); the reminders follow the new date.

Buttons: MoveMeeting (the month's calendar), MoveMeetingTo (a day on it), in
bot/render/callbacks.py since the reminders carry them.
"""

from __future__ import annotations

from bot.domain.holidays import holiday_name
from bot.render.callbacks import MoveMeeting, MoveMeetingTo
from bot.services import schedule
from bot.services.schedule import MoveProblem

from .base import Turn, esc, inline
from .calendar import WEEKDAYS, month_grid


def _problem_text(turn: Turn, problem: MoveProblem) -> str:
    _ = turn._
    if problem == MoveProblem.OVER:
        return _("That month is over; the meeting can no longer be moved.")
    if problem == MoveProblem.PASSED:
        return _("That day has passed. Please choose a later day of the month.")
    return _("Only a meeting of this month or the next can be moved.")


async def choose_day(turn: Turn, data: MoveMeeting) -> None:
    """The month's calendar for the cell."""
    _ = turn._
    cell = await schedule.meeting_cell(turn.session, turn.access, data.cell)
    first = data.month
    today = turn.today
    problem = schedule.month_problem(first, today)
    if problem is not None:
        await turn.say(_problem_text(turn, problem))
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
    day = data.day
    problem = await schedule.move_meeting(
        turn.session, turn.access, data.cell, day, today=turn.today
    )
    if problem is not None:
        await turn.say(_problem_text(turn, problem))
        return
    lines = [
        _(
            "The meeting of {month} is now on {date}. The reminders will follow the new date."
        ).format(month=turn.t.month(day.year, day.month), date=turn.t.date(day))
    ]
    holiday = holiday_name(day, turn.t.locale)
    if holiday is not None:
        lines.append(_("Note: {date} is {holiday}.").format(date=turn.t.date(day), holiday=holiday))
    await turn.reply("\n".join(lines))  # a new message: the reminder pressed on stays readable
