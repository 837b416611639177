"""📝 Log a meeting: who was absent (R1-R3).

Everyone eligible starts present. A tap on a name opens a small choice for that member
(✅ present, 🟡 excused with a quick or a typed reason, ❌ unexcused): a choice, never a
cycle, so one tap too many cannot turn an excused absence into an unexcused one (R3, R5;
#15). Exempted, elsewhere and guest members are not counted; below a header of their own,
a tap on one of them means "came" (R2). Figures come from bot.domain.meetings through
bot.services.meeting_roll; this module only shows them.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.domain.meetings import Attendance, summary_line
from bot.domain.text import normalize
from bot.services import meeting_roll
from bot.services.meeting_roll import REASON_MAX, Roll
from bot.services.meetings import Record

from ..base import Button, Stale, Turn, esc, inline
from ..calendar import Nop
from .buttons import (
    REASON_TEXT,
    AllPresent,
    AttendanceBack,
    BackToAttendance,
    Mark,
    Page,
    QuickReason,
    Reason,
    Tap,
    ToConfirm,
    Voluntary,
)
from .common import FLOW, Step, back_label, draft, goto, kind_label
from .summary import show_confirm

PAGE_SIZE = 40  # at most 40 rows of names: with controls well under Telegram's 100 buttons
MARK_ICON = {Attendance.PRESENT: "✅", Attendance.EXCUSED: "🟡", Attendance.UNEXCUSED: "❌"}
# A 360-dp phone shows about 18-20 characters on a button of a two-column row: two names
# share a row only when both fit whole (#15), the icon and its space included.
PAIR_FIT = 18
NAME_MAX = 40  # one name on a row of its own: longer ones lose middle names, never the given


def short_name(full_name: str, limit: int = NAME_MAX) -> str:
    """The name as a button shows it: whole when it fits; else the middle names give way
    ("Nguyễn … Minh Khai"); the given name (the last word, how Vietnamese call a person)
    is never cut."""
    if len(full_name) <= limit:
        return full_name
    words = full_name.split()
    given = words[-1]
    kept = [words[0], "…", given] if len(words) > 1 else [given]
    for word in reversed(words[1:-1]):
        longer = [*kept[:2], word, *kept[2:]]
        if len(" ".join(longer)) > limit:
            break
        kept = longer
    return " ".join(kept)


def name_rows(labels: list[Button]) -> list[list[Button]]:
    """Two buttons to a row only when both labels fit a half row; otherwise one (#15)."""
    rows: list[list[Button]] = []
    i = 0
    while i < len(labels):
        pair = labels[i : i + 2]
        if len(pair) == 2 and all(len(text) <= PAIR_FIT for text, _data in pair):
            rows.append(pair)
            i += 2
        else:
            rows.append([labels[i]])
            i += 1
    return rows


async def show_attendance(
    turn: Turn, record: Record, page: int, *, roll: Roll | None = None
) -> None:
    """The list of names (one page of it)."""
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
        _("Tap the name of a member who was absent, then choose: 🟡 excused or ❌ unexcused."),
    ]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[list[Button]] = [[(_("✅ All present"), AllPresent.of(meeting).pack())]]
    shown = eligible[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows += name_rows(
        [
            (
                f"{MARK_ICON[marks.get(m.id, Attendance.PRESENT)]} {short_name(m.full_name)}",
                Tap.of(meeting, m.id, page).pack(),
            )
            for m in shown
        ]
    )
    if apart and page == pages - 1:
        # R2: the other meaning of a tap (came, not absent) under a header of its own, with
        # another symbol: ➕ adds a member who came; "(attended)" says it was added.
        lines.append(
            _(
                "Below the line: exempted, attending elsewhere and guest members (not counted "
                "in the rate). Tap ➕ for those who came anyway."
            )
        )
        rows.append([(_("── Not counted: tap ➕ if they came ──"), Nop().pack())])
        rows += [
            [
                (
                    _("☑️ {name} (attended)").format(name=short_name(m.full_name))
                    if m.id in roll.voluntary
                    else "➕ " + short_name(m.full_name),
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
    rows.append(
        [
            (back_label(turn), AttendanceBack.of(meeting).pack()),
            (_("➡️ Continue"), ToConfirm.of(meeting).pack()),
        ]
    )
    await _screen(turn, "\n".join(lines), inline(rows), page=page, reason_for=None)


async def _screen(turn: Turn, text: str, markup: InlineKeyboardMarkup, **state: int | None) -> None:
    """Show an attendance screen where the secretary is looking: on a button, the message
    pressed; after typed text, the screen's own message edited (no stale copy above a
    new one, #15), else a new message. The flow keeps the screen's message and page."""
    screen: int | None = None
    if turn.update.callback_query is not None:
        await turn.show(text, markup)
        message = turn.update.callback_query.message
        screen = message.message_id if message is not None else None
    else:
        flow = await turn.flow_for(FLOW)
        # Only a reason typed on the attendance step edits the screen it answers; a typed
        # date (the step before) gets a new message below it.
        screen = flow.data.get("screen") if flow.step == Step.ATTENDANCE else None
        edited = False
        if screen is not None:
            try:
                await turn.ctx.bot.edit_message_text(
                    text, chat_id=turn.chat_id, message_id=screen, reply_markup=markup
                )
                edited = True
            except BadRequest as exc:
                edited = "not modified" in exc.message
        if not edited:
            screen = (await turn.reply(text, markup)).message_id
    await turn.advance(FLOW, Step.ATTENDANCE.value, screen=screen, **state)


async def show_choice(turn: Turn, record: Record, member_id: int, page: int) -> None:
    """One member: present, excused (a quick reason, or type one), unexcused (R3)."""
    _ = turn._
    meeting = record.meeting
    roll = await meeting_roll.roll(turn.session, record)
    if member_id not in roll.split.eligible:
        raise Stale
    member = next(m for m in roll.roster if m.id == member_id)
    now = roll.marks.get(member_id, Attendance.PRESENT)
    reason = roll.reasons.get(member_id)
    current = {
        Attendance.PRESENT: _("present"),
        Attendance.EXCUSED: _("excused absence"),
        Attendance.UNEXCUSED: _("unexcused absence"),
    }[now]
    if reason:
        current += f" ({esc(reason)})"
    text = "\n".join(
        [
            _("Comrade <b>{name}</b>: {current} now.").format(
                name=esc(member.full_name), current=current
            ),
            _("Choose one:"),
        ]
    )

    def choice(label: str, mark: Attendance, why: Reason | None = None) -> list[Button]:
        return [(label, Mark.of(meeting, member_id, page, mark, why).pack())]

    rows = [
        choice(_("✅ Present"), Attendance.PRESENT),
        *(
            choice(_("🟡 Excused: {reason}").format(reason=_(label)), Attendance.EXCUSED, key)
            for key, label in REASON_TEXT.items()
        ),
        choice(_("🟡 Excused, another reason (type it)"), Attendance.EXCUSED),
        choice(_("❌ Unexcused absence"), Attendance.UNEXCUSED),
        [(back_label(turn), Page.of(meeting, page).pack())],
    ]
    await _screen(turn, text, inline(rows), page=page, reason_for=None)


async def tap(turn: Turn, data: Tap) -> None:
    """A name on the list: the choice for that member (nothing changes yet)."""
    await show_choice(turn, await draft(turn, data), data.member, data.page)


async def mark(turn: Turn, data: Mark) -> None:
    """The choice pressed; "another reason" asks for it to be typed."""
    _ = turn._
    record = await draft(turn, data)
    reason = _(REASON_TEXT[data.reason]) if data.reason is not None else None
    roll = await meeting_roll.mark(turn.session, record, data.member, data.mark, reason)
    if data.mark == Attendance.EXCUSED and reason is None:
        name = next(m.full_name for m in roll.roster if m.id == data.member)
        await _screen(
            turn,
            _(
                "Please type the reason comrade {name} was absent (at most {limit} characters)."
            ).format(name=esc(name), limit=REASON_MAX),
            inline([[(back_label(turn), Page.of(record.meeting, data.page).pack())]]),
            page=data.page,
            reason_for=data.member,
        )
        return
    await show_attendance(turn, record, data.page, roll=roll)


async def all_present(turn: Turn, data: AllPresent) -> None:
    record = await draft(turn, data)
    await meeting_roll.all_present(turn.session, record)
    await show_attendance(turn, record, 0)


async def page(turn: Turn, data: Page) -> None:
    await show_attendance(turn, await draft(turn, data), data.page)


async def quick_reason(turn: Turn, data: QuickReason) -> None:
    """A quick reason under the list of a screen sent before #15."""
    record = await draft(turn, data)
    reason = turn._(REASON_TEXT[data.reason])
    roll = await meeting_roll.give_reason(turn.session, record, data.member, reason)
    await show_attendance(turn, record, 0, roll=roll)


async def reason_text(turn: Turn, record: Record) -> None:
    """Typed text on the attendance step: the reason of the member whose "another reason"
    was pressed (or, on a screen from before #15, of the first excused one without one).
    Too long a reason is refused with a sentence, never cut (#15); the flow stays put."""
    _ = turn._
    reason = " ".join(normalize(turn.text).split())  # L5; control characters never stored
    if len(reason) > REASON_MAX:
        await turn.reply(
            _(
                "That reason is {length} characters long; a reason holds at most {limit}. "
                "Please shorten it and send it again."
            ).format(length=len(reason), limit=REASON_MAX)
        )
        return
    state = await turn.flow_for(FLOW)
    page = int(state.data.get("page") or 0)
    member = state.data.get("reason_for")
    roll: Roll | None
    if member is not None and reason:
        roll = await meeting_roll.give_reason(turn.session, record, int(member), reason)
    elif reason:
        roll = await meeting_roll.reason_for_first(turn.session, record, reason)
    else:
        roll = None
    if roll is None:
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    await show_attendance(turn, record, page, roll=roll)


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
    """✏️ Attendance on the confirmation: back to the list, at the page last shown."""
    record = await draft(turn, data)
    state = await turn.flow_for(FLOW)
    await show_attendance(turn, record, int(state.data.get("page") or 0))
