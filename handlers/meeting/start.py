"""📝 Log a meeting: the cell, the type, or the unfinished record to continue (M3-M5, M7).

The draft lives in the meetings table (state "draft"); the flow state only points at it, so
a restart loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.domain.meetings import MeetingType
from bot.render.callbacks import OpenSchedule, ScheduleFrom
from bot.services import meetings as service

from ..base import Turn, esc, inline
from ..meeting_history.common import CellYearView
from ..zero_report.buttons import ZeroStart
from .attendance import show_attendance
from .buttons import DateStepBack, DraftAction, NewMeeting, PickCell, ResumeDraft, TypeBack
from .common import (
    FLOW,
    Step,
    back_label,
    draft,
    draft_by_id,
    goto,
    kind_label,
    kind_word,
    log_cell,
    refusals,
    start_flow,
)
from .dates import ask_date
from .summary import show_confirm, to_confirm

if TYPE_CHECKING:
    from storage.models import Org


async def start(turn: Turn) -> None:
    """📝 Log a meeting / /meeting: pick the cell (when there are several)."""
    _ = turn._
    cells = await service.cells(turn.session, turn.access)
    if not cells:
        await turn.reply(_("You do not log meetings for any cell."))
        return
    if len(cells) > 1:
        await turn.reply(_("Which cell?"), cell_list(cells))
        return
    await ask_type(turn, cells[0])


def cell_list(cells: list[Org]) -> InlineKeyboardMarkup:
    return inline([[(c.name, PickCell(c.id, True).pack())] for c in cells])


async def type_back(turn: Turn, data: TypeBack) -> None:
    """⬅️ Back from the type (or the "continue?") screen (#15): to the cells when there
    are several; with one, the screen closes with a sentence (the main menu stays below).
    An unfinished record stays in the database and is offered again next time."""
    _ = turn._
    state = await turn.flow()
    if state is not None and state.flow == FLOW:
        await turn.finish_flow()
    cells = await service.cells(turn.session, turn.access)
    if len(cells) > 1:
        await turn.show(_("Which cell?"), cell_list(cells))
    else:
        await turn.show(_("Closed. Use the menu below when you need it."))


async def picked_cell(turn: Turn, data: PickCell) -> None:
    await ask_type(turn, await log_cell(turn, data.cell), edit=bool(data.edit))


async def ask_type(turn: Turn, cell: Org, *, edit: bool = False) -> None:
    """Which meeting? Or, when the caller has an unfinished record, whether to continue it.
    With `edit`, the screen replaces the one a button was pressed on."""
    _ = turn._
    draft = await service.draft_of(turn.session, turn.access, cell)
    if draft is not None:
        await turn.start_flow(FLOW, Step.RESUME.value, meeting_id=draft.id)
        when = turn.t.date(draft.held_on) if draft.held_on else "…"
        await (turn.show if edit else turn.reply)(
            _("You have an unfinished meeting record ({what}, {when}). Continue it?").format(
                what=kind_word(turn, draft.kind), when=when
            ),
            inline(
                [
                    [
                        (_("▶️ Continue"), ResumeDraft(draft.id, DraftAction.GO).pack()),
                        (_("🗑 Discard it"), ResumeDraft(draft.id, DraftAction.DROP).pack()),
                    ],
                    [(back_label(turn), TypeBack().pack())],
                ]
            ),
        )
        return
    rows = [[(kind_label(turn, t), NewMeeting(cell.id, t).pack())] for t in MeetingType]
    rows.append(
        [
            (_("📚 This year"), CellYearView(cell.id, turn.today.year).pack()),
            (_("🚫 Did not meet"), ZeroStart(cell.id).pack()),
        ]
    )
    if turn.access.can_set_schedule(cell.id, cell.path, is_cell=True):
        rows.append(
            [(_("🗓 Meeting day and time"), OpenSchedule(cell.id, ScheduleFrom.MEETING).pack())]
        )
    rows.append([(back_label(turn), TypeBack().pack())])  # #15: a way back from the first step
    text = _("<b>{cell}</b>: which meeting?").format(cell=esc(cell.name))
    if edit:
        await turn.show(text, inline(rows))
    else:
        await turn.reply(text, inline(rows))


async def resume(turn: Turn, data: ResumeDraft) -> None:
    """Continue the stored draft after a break or a restart, or discard it."""
    record = await draft_by_id(turn, data.meeting)
    meeting = record.meeting
    if data.action == DraftAction.DROP:
        await service.discard(turn.session, record)
        await turn.finish_flow()
        await turn.show(turn._("The unfinished record was discarded."))
        await ask_type(turn, record.cell)
    elif meeting.held_on is None:
        await goto(turn, Step.DATE)
        await ask_date(turn, record)
    elif meeting.amends_id is not None:  # a correction: back to its summary
        await goto(turn, Step.CONFIRM)
        await show_confirm(turn, record)
    else:
        await goto(turn, Step.ATTENDANCE)
        await show_attendance(turn, record, 0)


async def new_meeting(turn: Turn, data: NewMeeting) -> None:
    """A draft with the cell's default time and length (M5, M7)."""
    settings = turn.ctx.settings
    with refusals():
        record = await service.start_draft(
            turn.session,
            turn.access,
            data.cell,
            data.kind,
            default_day=settings.default_meeting_day,
            default_time=settings.default_meeting_time,
        )
    await start_flow(turn, Step.DATE, record)
    await ask_date(turn, record)


async def date_step_back(turn: Turn, data: DateStepBack) -> None:
    """⬅️ Back from the date question (#15): before a date, to the type (the draft held
    only the type, so it is dropped); after, to the screen the date was changed from."""
    record = await draft(turn, data)
    meeting = record.meeting
    state = await turn.flow_for(FLOW)
    if meeting.held_on is None:
        cell = record.cell
        await service.discard(turn.session, record)
        await turn.finish_flow()
        await ask_type(turn, cell, edit=True)
    elif meeting.amends_id is not None or state.data.get("date_from") == Step.CONFIRM:
        await to_confirm(turn, record)
    else:
        await goto(turn, Step.ATTENDANCE)
        await show_attendance(turn, record, int(state.data.get("page") or 0))
