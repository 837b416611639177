"""📝 Log a meeting: who was absent (R1-R3).

Everyone eligible starts present; a tap cycles present → excused → unexcused (R3); an
excused absence asks for its reason (pressed or typed). Exempted, elsewhere and guest
members are not counted, but those who came are ticked (R2). Figures come from
bot.domain.meetings through bot.services.meeting_roll; this module only shows them.
"""

from __future__ import annotations

from bot.domain.meetings import Attendance, summary_line
from bot.domain.text import normalize
from bot.services import meeting_roll
from bot.services.meeting_roll import Roll
from bot.services.meetings import Record

from ..base import Button, Turn, esc, inline
from .buttons import (
    REASON_TEXT,
    AllPresent,
    BackToAttendance,
    Page,
    QuickReason,
    Tap,
    ToConfirm,
    Voluntary,
)
from .common import Step, draft, goto, kind_label
from .summary import show_confirm

PAGE_SIZE = 40  # 20 rows of two: with controls well under Telegram's ~100 buttons
MARK_ICON = {Attendance.PRESENT: "✅", Attendance.EXCUSED: "🟡", Attendance.UNEXCUSED: "❌"}


async def show_attendance(
    turn: Turn, record: Record, page: int, *, fresh: bool = False, roll: Roll | None = None
) -> None:
    _ = turn._
    meeting, cell = record.meeting, record.cell
    assert meeting.held_on is not None
    if roll is None:
        roll = await meeting_roll.roll(turn.session, record)
    marks = roll.marks
    by_id = {m.id: m for m in roll.roster}
    eligible = [by_id[i] for i in roll.split.eligible]
    apart = [by_id[i] for i in roll.apart]
    pages = max((len(eligible) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    lines = [
        f"<b>{esc(cell.name)}</b> · {kind_label(turn, meeting.kind)} · {turn.t.date(meeting.held_on)}",
        summary_line(roll.tally, turn.t),
        _("Tap the absent: ✅ present → 🟡 excused → ❌ unexcused."),
    ]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[list[Button]] = [[(_("✅ All present"), AllPresent.of(meeting).pack())]]
    shown = eligible[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for i in range(0, len(shown), 2):
        rows.append(
            [
                (
                    f"{MARK_ICON[marks.get(m.id, Attendance.PRESENT)]} {m.full_name}"[:60],
                    Tap.of(meeting, m.id, page).pack(),
                )
                for m in shown[i : i + 2]
            ]
        )
    pending = [
        m for m in shown if marks.get(m.id) == Attendance.EXCUSED and m.id not in roll.reasons
    ]
    if pending:
        who = pending[0]
        lines.append(
            _("Reason for comrade {name}? Press one or type it.").format(name=esc(who.full_name))
        )
        rows.append(
            [
                (_(label), QuickReason.of(meeting, who.id, r).pack())
                for r, label in REASON_TEXT.items()
            ]
        )
    if apart and page == pages - 1:
        lines.append(
            _("Exempted, attending elsewhere or guest members (not counted); tap those who came:")
        )
        rows += [
            [
                (
                    ("☑️ " if m.id in roll.voluntary else "☐ ") + m.full_name[:50],
                    Voluntary.of(meeting, m.id, page).pack(),
                )
            ]
            for m in apart
        ]
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), Page.of(meeting, page - 1).pack()))
    if page < pages - 1:
        nav.append((_("Next") + " »", Page.of(meeting, page + 1).pack()))
    rows.append(nav)
    rows.append([(_("➡️ Continue"), ToConfirm.of(meeting).pack())])
    text = "\n".join(lines)
    if fresh:
        await turn.reply(text, inline(rows))
    else:
        await turn.show(text, inline(rows))


async def tap(turn: Turn, data: Tap) -> None:
    """Cycle one member's mark."""
    record = await draft(turn, data)
    roll = await meeting_roll.tap(turn.session, record, data.member)
    await show_attendance(turn, record, data.page, roll=roll)


async def all_present(turn: Turn, data: AllPresent) -> None:
    record = await draft(turn, data)
    await meeting_roll.all_present(turn.session, record)
    await show_attendance(turn, record, 0)


async def page(turn: Turn, data: Page) -> None:
    await show_attendance(turn, await draft(turn, data), data.page)


async def quick_reason(turn: Turn, data: QuickReason) -> None:
    record = await draft(turn, data)
    reason = turn._(REASON_TEXT[data.reason])
    await meeting_roll.give_reason(turn.session, record, data.member, reason)
    await show_attendance(turn, record, 0)


async def reason_text(turn: Turn, record: Record) -> None:
    """Typed text on the attendance screen: the reason of the first excused member without one."""
    reason = normalize(turn.text)[:200]  # L5; control characters (NUL) never reach the database
    roll = await meeting_roll.reason_for_first(turn.session, record, reason)
    if roll is None:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    await show_attendance(turn, record, 0, fresh=True, roll=roll)


async def voluntary(turn: Turn, data: Voluntary) -> None:
    """An exempted / elsewhere member came anyway (R2)."""
    record = await draft(turn, data)
    roll = await meeting_roll.toggle_voluntary(turn.session, record, data.member)
    await show_attendance(turn, record, data.page, roll=roll)


async def to_confirm(turn: Turn, data: ToConfirm) -> None:
    record = await draft(turn, data)
    await goto(turn, Step.CONFIRM)
    await show_confirm(turn, record)


async def back(turn: Turn, data: BackToAttendance) -> None:
    """Back to the attendance from the confirmation."""
    record = await draft(turn, data)
    await goto(turn, Step.ATTENDANCE)
    await show_attendance(turn, record, 0)
