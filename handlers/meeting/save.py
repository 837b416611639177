"""📝 Log a meeting: 💾 Save (a new meeting, or a correction written back), and the draft
of the minutes of a logged one. The rules (M1 again under the cell's lock, the correction
deadline, M8's withdrawal of a zero report) are bot.services.meeting_save.save's."""

from __future__ import annotations

from telegram import InputFile

from bot.render.minutes import build_minutes
from bot.services import meeting_roll, meeting_save
from bot.services.meeting_save import Closed
from bot.services.meetings import RegularTaken

from ..base import Stale, Turn, esc, inline
from .buttons import Minutes, Save
from .card import say_closed
from .common import FLOW, Step, draft, goto, kind_word, refusals
from .dates import regular_taken


async def save(turn: Turn, data: Save) -> None:
    _ = turn._
    record = await draft(turn, data)
    if (await turn.flow_for(FLOW)).step != Step.CONFIRM:
        raise Stale
    meeting, cell = record.meeting, record.cell
    assert meeting.held_on is not None
    done = await meeting_save.save(turn.session, turn.access, record, today=turn.today)
    if isinstance(done, Closed):
        await say_closed(turn, done)
        return
    if isinstance(done, RegularTaken):
        await regular_taken(turn, record, done, meeting.held_on)
        await goto(turn, Step.DATE)
        return
    await turn.finish_flow()
    head = (
        _("Corrected: {what} of {date}, {cell}.")
        if done.corrected
        else _("Saved: {what} of {date}, {cell}.")
    )
    lines = [
        head.format(
            what=kind_word(turn, meeting.kind),
            date=turn.t.date(meeting.held_on),
            cell=esc(cell.name),
        )
    ]
    if done.zero_withdrawn is not None:
        lines.append(
            _("The report that the cell did not meet in {month} was withdrawn.").format(
                month=turn.t.month(*done.zero_withdrawn)
            )
        )
    turn.show_after_commit(
        "\n".join(lines),
        inline([[(_("📄 Minutes (DOCX)"), Minutes(done.meeting.id).pack())]]),
    )


async def minutes_docx(turn: Turn, data: Minutes) -> None:
    """A draft of the minutes in the usual layout, to finish by hand."""
    with refusals():
        got = await meeting_roll.minutes(turn.session, turn.access, data.meeting)
    await turn.ctx.bot.send_document(
        turn.chat_id,
        InputFile(build_minutes(got), filename=f"bien-ban-{got.day:%Y-%m-%d}.docx"),
        caption=turn._("Draft minutes: fill in the content, then post them on the official app."),
    )
