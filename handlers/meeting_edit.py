"""A logged meeting: its card, correcting it, deleting it (S4, the correction deadline).

mt:open:<meeting> card · mt:edit:<meeting>:<version> correct · mt:del:<meeting>:<version>
ask · mt:delok:<meeting>:<version> delete. Secretaries (and deputies, delegates) may change
a meeting until the deadline (the 5th of the next month by default, set per upper
committee); admins of the upper committee always. A correction is a draft copy that goes
through the same screens and is written back on saving, audited before/after.
"""

from __future__ import annotations

from bot.domain.meetings import MeetingType, can_correct, correction_deadline
from bot.services import profiles
from storage import meetings
from storage.models import Meeting, Org

from .base import Button, Stale, Turn, inline
from .meeting_attendance import meeting_lines, render_confirm
from .meeting_log import FLOW, TYPE_LABELS, log_cell


async def _saved(turn: Turn, meeting_id: int, version: int | None = None) -> tuple[Meeting, Org]:
    meeting = await meetings.get(turn.session, meeting_id)
    if meeting is None:
        raise Stale
    cell = await log_cell(turn, meeting.cell_id)  # Refused for anyone else's meeting
    if meeting.state != "saved" or (version is not None and version != meeting.version):
        raise Stale
    return meeting, cell


async def may_correct(turn: Turn, meeting: Meeting, cell: Org) -> bool:
    """The deadline rule; when it says no, explain politely and return False."""
    assert meeting.held_on is not None
    profile = await profiles.rule_profile(turn.session, cell)
    if can_correct(
        meeting.held_on, turn.today, is_admin=turn.access.is_admin_of(cell.path), profile=profile
    ):
        return True
    await turn.say(
        turn._(
            "Meetings of {month} could be changed until {deadline}. Please ask the upper "
            "committee to change it."
        ).format(
            month=turn.t.month(meeting.held_on.year, meeting.held_on.month),
            deadline=turn.t.date(correction_deadline(meeting.held_on, profile)),
        )
    )
    return False


async def open_card(turn: Turn) -> None:
    """mt:open:<meeting>"""
    _ = turn._
    meeting, cell = await _saved(turn, turn.int_arg(2))
    assert meeting.held_on is not None
    profile = await profiles.rule_profile(turn.session, cell)
    deadline = correction_deadline(meeting.held_on, profile)
    is_admin = turn.access.is_admin_of(cell.path)
    lines = await meeting_lines(turn, meeting, cell)
    key = f"{meeting.id}:{meeting.version}"
    rows: list[list[Button]] = []
    if can_correct(meeting.held_on, turn.today, is_admin=is_admin, profile=profile):
        if not is_admin:
            lines.append(_("It can be corrected until {date}.").format(date=turn.t.date(deadline)))
        rows.append([(_("✏️ Correct"), f"mt:edit:{key}"), (_("🗑 Delete"), f"mt:del:{key}")])
    else:
        lines.append(
            _("Closed since {date}: only the upper committee can change it.").format(
                date=turn.t.date(deadline)
            )
        )
    rows.append([(_("📄 Minutes (DOCX)"), f"mt:docx:{meeting.id}")])
    await turn.show("\n".join(lines), inline(rows))


async def start_correction(turn: Turn) -> None:
    """mt:edit:<meeting>:<version>"""
    _ = turn._
    meeting, cell = await _saved(turn, turn.int_arg(2), turn.int_arg(3))
    if not await may_correct(turn, meeting, cell):
        return
    draft = await meetings.draft_of(turn.session, cell.id, turn.user_id)
    if draft is not None and draft.held_on is None:
        # Only a type was chosen (e.g. the second regular meeting that led here): drop it.
        await meetings.discard(turn.session, draft)
        draft = None
    if draft is not None:
        # One record at a time per person and cell: finish or discard the other first.
        from .meeting_log import ask_type

        await ask_type(turn, cell)
        return
    copy = await meetings.start_correction(turn.session, meeting, user_id=turn.user_id)
    await turn.start_flow(FLOW, "confirm", meeting_id=copy.id)
    await render_confirm(turn, copy, cell)


async def ask_delete(turn: Turn) -> None:
    """mt:del:<meeting>:<version>"""
    _ = turn._
    meeting, cell = await _saved(turn, turn.int_arg(2), turn.int_arg(3))
    if not await may_correct(turn, meeting, cell):
        return
    assert meeting.held_on is not None
    key = f"{meeting.id}:{meeting.version}"
    await turn.show(
        _(
            "Delete the {what} of {date}? The month then counts as not reported, and the "
            "upper committee keeps a record of the deletion."
        ).format(
            what=_(TYPE_LABELS[MeetingType(meeting.kind)]).lower(),
            date=turn.t.date(meeting.held_on),
        ),
        inline(
            [
                [
                    (_("🗑 Yes, delete"), f"mt:delok:{key}"),
                    (_("« Keep it"), f"mt:open:{meeting.id}"),
                ]
            ]
        ),
    )


async def delete(turn: Turn) -> None:
    """mt:delok:<meeting>:<version>"""
    _ = turn._
    meeting, cell = await _saved(turn, turn.int_arg(2), turn.int_arg(3))
    if not await may_correct(turn, meeting, cell):
        return
    assert meeting.held_on is not None
    await meetings.delete_saved(turn.session, meeting, actor_id=turn.user_id)
    await turn.show(
        _("Deleted: {what} of {date}.").format(
            what=_(TYPE_LABELS[MeetingType(meeting.kind)]), date=turn.t.date(meeting.held_on)
        )
    )
