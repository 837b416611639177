"""📝 A meeting as the confirmation screen and the meeting card show it: what, when, the
figures from the rules (R1, R2, R4, M5), absences by name (private chats only), details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.meetings import Attendance, Flag, Grade, flags, min_minutes_for, summary_line
from bot.render import labels
from bot.render.i18n import N_
from bot.services import meeting_roll
from bot.services import meetings as service
from bot.services.meetings import Record

from ..base import Turn, esc, inline
from ..markup import cancel as cancel_button
from .buttons import (
    AskCancel,
    AskGrade,
    AskGuests,
    AskTime,
    AskTopic,
    AskUpper,
    BackToAttendance,
    CancelDraft,
    ChangeDate,
    Confirm,
    MoreDetails,
    Save,
    SetType,
)
from .common import Step, back_label, draft, goto, kind_label

if TYPE_CHECKING:
    from storage.models import Meeting

FLAG_TEXT = {
    Flag.BELOW_THRESHOLD: N_("⚠️ Attendance is below the required rate."),
    Flag.UNEXCUSED_ABSENCE: N_("⚠️ There is an unexcused absence."),
    Flag.TOO_SHORT: N_("⚠️ Shorter than the minimum of {minutes} minutes."),
    Flag.NO_ELIGIBLE: N_("⚠️ Nobody was eligible on that day."),
}


async def show_confirm(turn: Turn, record: Record) -> None:
    _ = turn._
    meeting = record.meeting
    lines = [
        _("<b>Correcting the logged meeting: check, then save</b>")
        if meeting.amends_id
        else _("<b>Please check before saving</b>"),
        *await meeting_lines(turn, record),
    ]
    # #15 item 8: the essentials only; the optional details are one tap further.
    rows = [
        [(_("💾 Save"), Save.of(meeting).pack())],
        [
            (_("✏️ Edit attendance"), BackToAttendance.of(meeting).pack()),
            (_("➕ Add details"), MoreDetails.of(meeting).pack()),
        ],
        [cancel_button(_, AskCancel.of(meeting).pack())],
    ]
    await turn.show("\n".join(lines), inline(rows))


async def more_details(turn: Turn, data: MoreDetails) -> None:
    """➕ Add details: date, time and length, type, topic, grade, guests, upper committee."""
    _ = turn._
    record = await draft(turn, data)
    meeting = record.meeting
    await goto(turn, Step.CONFIRM)
    rows = [
        [
            (_("📅 Date"), ChangeDate.of(meeting).pack()),
            (_("🕐 Time, length"), AskTime.of(meeting).pack()),
        ],
        [
            (_("🏷 Type"), SetType.of(meeting).pack()),
            (_("📝 Topic"), AskTopic.of(meeting).pack()),
        ],
        [
            (_("⭐ Grade"), AskGrade.of(meeting).pack()),
            (_("👥 Guests"), AskGuests.of(meeting).pack()),
        ],
        [(_("🎖 Upper committee"), AskUpper.of(meeting).pack())],
        [(back_label(turn), Confirm.of(meeting).pack())],
    ]
    lines = [
        _("<b>Optional details</b> (they go into the minutes):"),
        *detail_lines(turn, meeting, (await meeting_roll.summary(turn.session, record)).guests),
    ]
    await turn.show("\n".join(lines), inline(rows))


async def ask_cancel(turn: Turn, data: AskCancel) -> None:
    """✖️ Cancel: ask first, and say what happens to the draft."""
    _ = turn._
    record = await draft(turn, data)
    meeting = record.meeting
    text = (
        _("Cancel this correction? The logged meeting stays as it was.")
        if meeting.amends_id
        else _("Cancel this meeting record? The attendance entered is dropped; nothing is saved.")
    )
    await turn.show(
        text,
        inline(
            [
                [(_("🗑 Yes, cancel it"), CancelDraft.of(meeting).pack())],
                [(back_label(turn), Confirm.of(meeting).pack())],
            ]
        ),
    )


async def cancel(turn: Turn, data: CancelDraft) -> None:
    """The draft (or correction copy) is dropped and the flow ends."""
    _ = turn._
    record = await draft(turn, data)
    correction = record.meeting.amends_id is not None
    await service.discard(turn.session, record)
    await turn.finish_flow()
    await turn.show(
        _("Cancelled: the correction was dropped; the logged meeting is unchanged.")
        if correction
        else _("Cancelled: the meeting record was dropped; nothing was saved.")
    )


async def to_confirm(turn: Turn, record: Record) -> None:
    """Back to the confirmation screen (after a detail was set)."""
    await goto(turn, Step.CONFIRM)
    await show_confirm(turn, record)


async def meeting_lines(turn: Turn, record: Record) -> list[str]:
    _ = turn._
    meeting, cell = record.meeting, record.cell
    assert meeting.held_on is not None
    got = await meeting_roll.summary(turn.session, record)
    roll, kind = got.roll, record.kind
    t = roll.tally
    names = {m.id: m.full_name for m in roll.roster}
    lines = [
        f"{esc(cell.name)} · {kind_label(turn, kind)}",
        _("{date}, from {start}, {minutes} minutes").format(
            date=turn.t.date(meeting.held_on),
            start=turn.t.time(meeting.start_time) if meeting.start_time else "…",
            minutes=meeting.minutes or "…",
        ),
        summary_line(t, turn.t),
    ]
    # R3 by name; the unexcused (they count towards R5) each on a line that says so (#15).
    for member_id in roll.split.eligible:
        if roll.marks.get(member_id) == Attendance.EXCUSED:
            reason = roll.reasons.get(member_id)
            lines.append(
                _("🟡 Excused: {name}").format(name=esc(names[member_id]))
                + (f" ({esc(reason)})" if reason else "")
            )
    for member_id in roll.split.eligible:
        if roll.marks.get(member_id) == Attendance.UNEXCUSED:
            lines.append(_("❌ Unexcused: {name}").format(name=esc(names[member_id])))
    if t.exempted_present or t.guests_present:
        lines.append(
            _("Came though not counted: {n}").format(n=t.exempted_present + t.guests_present)
        )
    for flag in flags(t, kind, meeting.minutes or 0, got.profile):
        minimum = min_minutes_for(kind, got.profile)  # M5
        lines.append(_(FLAG_TEXT[flag]).format(minutes=minimum))
    lines += detail_lines(turn, meeting, got.guests)
    return lines


def grade_text(turn: Turn, meeting: Meeting) -> str | None:
    """ "Tốt (92 điểm)", "Khá", or None when not graded."""
    if meeting.grade is None:
        return None
    label = turn._(labels.GRADE[Grade(meeting.grade)])
    if meeting.score is None:
        return label
    return turn._("{grade}, {score}/100").format(grade=label, score=meeting.score)


def detail_lines(turn: Turn, meeting: Meeting, guest_names: list[str]) -> list[str]:
    """The optional details on the confirmation screen and the meeting card."""
    _ = turn._
    lines = []
    if meeting.topic:
        lines.append(_("Topic: {topic}").format(topic=esc(meeting.topic)))
    if (grade := grade_text(turn, meeting)) is not None:
        lines.append(_("Grade: {grade}").format(grade=grade))
    if guest_names:
        lines.append(_("Guests: {names}").format(names=esc(", ".join(guest_names))))
    if meeting.upper_attendee:
        lines.append(_("Upper committee: {who}").format(who=esc(meeting.upper_attendee)))
    return lines
