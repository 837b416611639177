"""📝 A logged meeting: its card, correcting it, deleting it (S4, the correction deadline).

Secretaries (and deputies, delegates) may change a meeting until the deadline (the 5th of
the next month by default, set per upper committee); admins of the upper committee always.
A correction is a draft copy that goes through the same screens and is written back on
saving (save.py), audited before/after.
"""

from __future__ import annotations

from bot.services import meeting_save
from bot.services.meeting_save import Closed

from ..base import Button, Turn, inline
from ..markup import cancel
from .buttons import AskDelete, Correct, Delete, Minutes, OpenMeeting
from .common import Step, kind_word, saved, start_flow
from .start import ask_type
from .summary import meeting_lines, show_confirm


async def say_closed(turn: Turn, closed: Closed) -> None:
    """The deadline has passed: explain politely."""
    await turn.say(
        turn._(
            "Meetings of {month} could be changed until {deadline}. Please ask the upper "
            "committee to change it."
        ).format(
            month=turn.t.month(closed.held_on.year, closed.held_on.month),
            deadline=turn.t.date(closed.deadline),
        )
    )


async def open_card(turn: Turn, data: OpenMeeting) -> None:
    _ = turn._
    record = await saved(turn, data.meeting)
    meeting = record.meeting
    closed = await meeting_save.closed(turn.session, turn.access, record, today=turn.today)
    lines = await meeting_lines(turn, record)
    rows: list[list[Button]] = []
    if closed is None:
        deadline = await meeting_save.deadline(turn.session, turn.access, record)
        if deadline is not None:
            lines.append(_("It can be corrected until {date}.").format(date=turn.t.date(deadline)))
        rows.append(
            [
                (_("✏️ Correct"), Correct.of(meeting).pack()),
                (_("🗑 Delete"), AskDelete.of(meeting).pack()),
            ]
        )
    else:
        lines.append(
            _("Closed since {date}: only the upper committee can change it.").format(
                date=turn.t.date(closed.deadline)
            )
        )
    rows.append([(_("📄 Minutes (DOCX)"), Minutes(meeting.id).pack())])
    await turn.show("\n".join(lines), inline(rows))


async def start_correction(turn: Turn, data: Correct) -> None:
    record = await saved(turn, data.meeting, data.version)
    copy = await meeting_save.correct(turn.session, turn.access, record, today=turn.today)
    if isinstance(copy, Closed):
        await say_closed(turn, copy)
    elif copy is None:
        # One record at a time per person and cell: finish or discard the other first.
        await ask_type(turn, record.cell)
    else:
        await start_flow(turn, Step.CONFIRM, copy)
        await show_confirm(turn, copy)


async def ask_delete(turn: Turn, data: AskDelete) -> None:
    _ = turn._
    record = await saved(turn, data.meeting, data.version)
    closed = await meeting_save.closed(turn.session, turn.access, record, today=turn.today)
    if closed is not None:
        await say_closed(turn, closed)
        return
    meeting = record.meeting
    assert meeting.held_on is not None
    await turn.show(
        _(
            "Delete the {what} of {date}? The month then counts as not reported, and the "
            "upper committee keeps a record of the deletion."
        ).format(what=kind_word(turn, meeting.kind), date=turn.t.date(meeting.held_on)),
        inline(
            [
                [
                    (_("🗑 Yes, delete"), Delete.of(meeting).pack()),
                    cancel(_, OpenMeeting(meeting.id).pack()),
                ]
            ]
        ),
    )


async def delete(turn: Turn, data: Delete) -> None:
    _ = turn._
    record = await saved(turn, data.meeting, data.version)
    closed = await meeting_save.delete(turn.session, turn.access, record, today=turn.today)
    if closed is not None:
        await say_closed(turn, closed)
        return
    meeting = record.meeting
    assert meeting.held_on is not None
    await turn.show(
        _("Deleted: {what} of {date}.").format(
            what=kind_word(turn, meeting.kind), date=turn.t.date(meeting.held_on)
        )
    )
