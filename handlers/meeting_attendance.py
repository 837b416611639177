"""📝 Log a meeting, steps 3-5: attendance, the confirmation screen with the figures, saving.

Everyone eligible starts present; a tap cycles present → excused → unexcused (R3).
mt:a:<m>:<v>:<member>:<page> tap · mt:all:<m>:<v> all present · mt:pg:<m>:<v>:<page>
mt:r:<m>:<v>:<member>:<reason> quick reason · mt:vol:<m>:<v>:<member>:<page> voluntary (R2)
mt:next:<m>:<v> to the confirmation · mt:save:<m>:<v> · mt:back:<m>:<v>
Figures come from bot.domain.meetings (R1, R2, R4, M5); handlers only show them.
"""

from __future__ import annotations

from bot.domain.meetings import (
    Attendance,
    Flag,
    MeetingType,
    counts_as_regular,
    flags,
    min_minutes_for,
    month_of,
    next_mark,
    split_roster,
    summary_line,
    tally,
)
from bot.domain.text import normalize
from bot.render.i18n import N_
from bot.services import profiles
from storage import meetings, members, orgs, zero_reports
from storage.models import Meeting, Member, Org

from .base import Button, Stale, Turn, esc, inline
from .meeting_details import detail_lines
from .meeting_log import FLOW, TYPE_LABELS, check_regular, flow_meeting

PAGE_SIZE = 40  # 20 rows of two: with controls well under Telegram's ~100 buttons
MARK_ICON = {Attendance.PRESENT: "✅", Attendance.EXCUSED: "🟡", Attendance.UNEXCUSED: "❌"}
REASONS = {"sick": N_("sick"), "trip": N_("on a work trip"), "family": N_("family matters")}
FLAG_TEXT = {
    Flag.BELOW_THRESHOLD: N_("⚠️ Attendance is below the required rate."),
    Flag.UNEXCUSED_ABSENCE: N_("⚠️ There is an unexcused absence."),
    Flag.TOO_SHORT: N_("⚠️ Shorter than the minimum of {minutes} minutes."),
    Flag.NO_ELIGIBLE: N_("⚠️ Nobody was eligible on that day."),
}


async def _context(
    turn: Turn, meeting: Meeting, roster: list[Member] | None = None
) -> tuple[list[Member], dict[int, Attendance], dict[int, str], set[int]]:
    """The roster (read unless the caller has it: a mark does not change it) and the marks."""
    assert meeting.held_on is not None
    if roster is None:
        roster = await members.list_members(turn.session, meeting.cell_id)
    got = await meetings.marks(turn.session, meeting.id)
    marks = {k: Attendance(m.mark) for k, m in got.items() if m.mark != "voluntary"}
    reasons = {k: m.reason for k, m in got.items() if m.reason}
    voluntary = {k for k, m in got.items() if m.mark == "voluntary"}
    return roster, marks, reasons, voluntary


async def render_attendance(
    turn: Turn,
    meeting: Meeting,
    cell: Org,
    page: int,
    *,
    fresh: bool = False,
    roster: list[Member] | None = None,
) -> None:
    _ = turn._
    assert meeting.held_on is not None
    roster, marks, reasons, voluntary = await _context(turn, meeting, roster)
    split = split_roster(((m.id, m.statuses) for m in roster), meeting.held_on)
    by_id = {m.id: m for m in roster}
    eligible = [by_id[i] for i in split.eligible]
    apart = [by_id[i] for i in split.exempted + split.elsewhere + split.guests]
    pages = max((len(eligible) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    t = tally(split, marks, voluntary)
    key = f"{meeting.id}:{meeting.version}"
    lines = [
        f"<b>{esc(cell.name)}</b> · {_(TYPE_LABELS[MeetingType(meeting.kind)])} · {turn.t.date(meeting.held_on)}",
        summary_line(t, turn.t),
        _("Tap the absent: ✅ present → 🟡 excused → ❌ unexcused."),
    ]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[list[Button]] = [[(_("✅ All present"), f"mt:all:{key}")]]
    shown = eligible[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for i in range(0, len(shown), 2):
        rows.append(
            [
                (
                    f"{MARK_ICON[marks.get(m.id, Attendance.PRESENT)]} {m.full_name}"[:60],
                    f"mt:a:{key}:{m.id}:{page}",
                )
                for m in shown[i : i + 2]
            ]
        )
    pending = [m for m in shown if marks.get(m.id) == Attendance.EXCUSED and m.id not in reasons]
    if pending:
        who = pending[0]
        lines.append(
            _("Reason for comrade {name}? Press one or type it.").format(name=esc(who.full_name))
        )
        rows.append([(_(label), f"mt:r:{key}:{who.id}:{code}") for code, label in REASONS.items()])
    if apart and page == pages - 1:
        lines.append(
            _("Exempted, attending elsewhere or guest members (not counted); tap those who came:")
        )
        rows += [
            [
                (
                    ("☑️ " if m.id in voluntary else "☐ ") + m.full_name[:50],
                    f"mt:vol:{key}:{m.id}:{page}",
                )
            ]
            for m in apart
        ]
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), f"mt:pg:{key}:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " »", f"mt:pg:{key}:{page + 1}"))
    rows.append(nav)
    rows.append([(_("➡️ Continue"), f"mt:next:{key}")])
    text = "\n".join(lines)
    if fresh:
        await turn.reply(text, inline(rows))
    else:
        await turn.show(text, inline(rows))


async def _step(turn: Turn) -> tuple[Meeting, Org]:
    return await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))


async def tap(turn: Turn) -> None:
    """mt:a:<m>:<v>:<member>:<page> — cycle one member's mark."""
    meeting, cell = await _step(turn)
    member_id = turn.int_arg(4)
    assert meeting.held_on is not None
    roster, marks, _reasons, _vol = await _context(turn, meeting)
    split = split_roster(((m.id, m.statuses) for m in roster), meeting.held_on)
    if member_id not in split.eligible:
        raise Stale  # not on this meeting's list (forged, or the roster changed)
    mark = next_mark(marks.get(member_id, Attendance.PRESENT))
    await meetings.set_mark(
        turn.session, meeting, member_id, None if mark == Attendance.PRESENT else mark.value
    )
    await render_attendance(turn, meeting, cell, turn.int_arg(5), roster=roster)


async def all_present(turn: Turn) -> None:
    """mt:all:<m>:<v>"""
    meeting, cell = await _step(turn)
    got = await meetings.marks(turn.session, meeting.id)
    await meetings.clear_marks(turn.session, meeting, list(got))
    await render_attendance(turn, meeting, cell, 0)


async def page(turn: Turn) -> None:
    """mt:pg:<m>:<v>:<page>"""
    meeting, cell = await _step(turn)
    await render_attendance(turn, meeting, cell, turn.int_arg(4))


async def quick_reason(turn: Turn) -> None:
    """mt:r:<m>:<v>:<member>:<reason>"""
    meeting, cell = await _step(turn)
    member_id, code = turn.int_arg(4), turn.arg(5)
    got = await meetings.marks(turn.session, meeting.id)
    if (
        code not in REASONS
        or member_id not in got
        or got[member_id].mark != Attendance.EXCUSED.value
    ):
        raise Stale
    await meetings.set_mark(
        turn.session, meeting, member_id, Attendance.EXCUSED.value, turn._(REASONS[code])
    )
    await render_attendance(turn, meeting, cell, 0)


async def reason_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    """Typed text on the attendance screen: the reason of the first excused member without one."""
    got = await meetings.marks(turn.session, meeting.id)
    waiting = [k for k, m in got.items() if m.mark == Attendance.EXCUSED.value and not m.reason]
    if not waiting:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    listed = await members.list_members(turn.session, meeting.cell_id)
    roster = {m.id: m for m in listed}
    first = min(waiting, key=lambda k: roster[k].sort_key if k in roster else "")
    reason = normalize(turn.text)[:200]  # L5; control characters (NUL) never reach the database
    await meetings.set_mark(turn.session, meeting, first, Attendance.EXCUSED.value, reason)
    await render_attendance(turn, meeting, cell, 0, fresh=True, roster=listed)


async def voluntary(turn: Turn) -> None:
    """mt:vol:<m>:<v>:<member>:<page> — an exempted / elsewhere member came anyway (R2)."""
    meeting, cell = await _step(turn)
    member_id = turn.int_arg(4)
    assert meeting.held_on is not None
    roster, _marks, _reasons, came = await _context(turn, meeting)
    split = split_roster(((m.id, m.statuses) for m in roster), meeting.held_on)
    if member_id not in split.exempted + split.elsewhere + split.guests:
        raise Stale
    await meetings.set_mark(
        turn.session, meeting, member_id, None if member_id in came else "voluntary"
    )
    await render_attendance(turn, meeting, cell, turn.int_arg(5), roster=roster)


async def to_confirm(turn: Turn) -> None:
    """mt:next:<m>:<v>"""
    meeting, cell = await _step(turn)
    await turn.advance(FLOW, "confirm")
    await render_confirm(turn, meeting, cell)


async def back(turn: Turn) -> None:
    """mt:back:<m>:<v> — back to the attendance from the confirmation."""
    meeting, cell = await _step(turn)
    await turn.advance(FLOW, "attendance")
    await render_attendance(turn, meeting, cell, 0)


async def render_confirm(turn: Turn, meeting: Meeting, cell: Org) -> None:
    _ = turn._
    assert meeting.held_on is not None
    lines = [
        _("<b>Correcting the logged meeting: check, then save</b>")
        if meeting.amends_id
        else _("<b>Please check before saving</b>"),
        *await meeting_lines(turn, meeting, cell),
    ]
    key = f"{meeting.id}:{meeting.version}"
    rows = [
        [(_("💾 Save"), f"mt:save:{key}")],
        [(_("✏️ Attendance"), f"mt:back:{key}"), (_("📅 Date"), f"mt:chd:{key}")],
        [(_("🕐 Time, length"), f"mt:tm:{key}"), (_("🏷 Type"), f"mt:ty:{key}")],
        [(_("📝 Topic"), f"mt:tp:{key}"), (_("⭐ Grade"), f"mt:gr:{key}")],
        [(_("👥 Guests"), f"mt:gu:{key}"), (_("🎖 Upper committee"), f"mt:up:{key}")],
    ]
    await turn.show("\n".join(lines), inline(rows))


async def meeting_lines(turn: Turn, meeting: Meeting, cell: Org) -> list[str]:
    """A meeting as the confirmation screen and the meeting card show it: what, when, the
    figures from the rules (R1, R2, R4, M5), absences by name (private chats only), details."""
    _ = turn._
    assert meeting.held_on is not None
    roster, marks, reasons, came = await _context(turn, meeting)
    split = split_roster(((m.id, m.statuses) for m in roster), meeting.held_on)
    t = tally(split, marks, came)
    profile = await profiles.rule_profile(turn.session, cell)
    kind = MeetingType(meeting.kind)
    names = {m.id: m.full_name for m in roster}
    lines = [
        f"{esc(cell.name)} · {_(TYPE_LABELS[kind])}",
        _("{date}, from {start}, {minutes} minutes").format(
            date=turn.t.date(meeting.held_on),
            start=turn.t.time(meeting.start_time) if meeting.start_time else "…",
            minutes=meeting.minutes or "…",
        ),
        summary_line(t, turn.t),
    ]
    for member_id in split.eligible:
        if marks.get(member_id) == Attendance.EXCUSED:
            lines.append(
                "🟡 "
                + esc(names[member_id])
                + (f" ({esc(reasons[member_id])})" if member_id in reasons else "")
            )
        elif marks.get(member_id) == Attendance.UNEXCUSED:
            lines.append("❌ " + esc(names[member_id]))
    if t.exempted_present or t.guests_present:
        lines.append(
            _("Came though not counted: {n}").format(n=t.exempted_present + t.guests_present)
        )
    for flag in flags(t, kind, meeting.minutes or 0, profile):
        minimum = min_minutes_for(kind, profile)  # M5
        lines.append(_(FLAG_TEXT[flag]).format(minutes=minimum))
    guest_names = [g.name for g in await meetings.guests(turn.session, meeting.id)]
    lines += detail_lines(turn, meeting, guest_names)
    return lines


async def save(turn: Turn) -> None:
    """mt:save:<m>:<v> — a new meeting is saved; a correction is written onto the logged one."""
    _ = turn._
    meeting, cell = await _step(turn)
    if (await turn.flow_for(FLOW)).step != "confirm":
        raise Stale
    assert meeting.held_on is not None
    kind = MeetingType(meeting.kind)
    if meeting.amends_id is not None:
        from .meeting_edit import may_correct

        original = await meetings.get(turn.session, meeting.amends_id)
        if original is None or original.state != "saved":
            raise Stale  # deleted meanwhile
        # The deadline applies to the month it was in and the month it moves to.
        if not (await may_correct(turn, original, cell) and await may_correct(turn, meeting, cell)):
            return
        try:
            saved = await meetings.apply_correction(turn.session, meeting, actor_id=turn.user_id)
        except LookupError:
            raise Stale from None
        done = _("Corrected: {what} of {date}, {cell}.")
    else:
        # M1 again at saving: another draft for the same month (the deputy's, say) may have
        # been saved since this one's date was chosen. The cell's row is held so that two
        # saves at once take turns.
        await orgs.lock(turn.session, cell.id)
        if not await check_regular(turn, meeting, cell, kind, meeting.held_on):
            await turn.advance(FLOW, "date")
            return
        await meetings.save(turn.session, meeting, actor_id=turn.user_id)
        saved = meeting
        done = _("Saved: {what} of {date}, {cell}.")
    await turn.finish_flow()
    lines = [
        done.format(
            what=_(TYPE_LABELS[kind]), date=turn.t.date(meeting.held_on), cell=esc(cell.name)
        )
    ]
    if counts_as_regular(kind):
        year, month = month_of(meeting.held_on)
        report = await zero_reports.active(turn.session, cell.id, year, month)
        if report is not None:  # M8: the month did have its meeting after all
            await zero_reports.withdraw(
                turn.session, report, actor_id=turn.user_id, why="regular meeting logged"
            )
            lines.append(
                _("The report that the cell did not meet in {month} was withdrawn.").format(
                    month=turn.t.month(year, month)
                )
            )
    turn.show_after_commit(
        "\n".join(lines),
        inline([[(_("📄 Minutes (DOCX)"), f"mt:docx:{saved.id}")]]),
    )


async def minutes_docx(turn: Turn) -> None:
    """mt:docx:<meeting> — a draft of the minutes in the usual layout, to finish by hand."""
    from telegram import InputFile

    from bot.render.minutes import build_minutes
    from bot.render.minutes_data import minutes_data
    from storage import orgs

    from .meeting_log import log_cell

    meeting = await meetings.get(turn.session, turn.int_arg(2))
    if meeting is None or meeting.state != "saved" or meeting.held_on is None:
        raise Stale
    cell = await log_cell(turn, meeting.cell_id)
    parent = await orgs.get(turn.session, cell.parent_id) if cell.parent_id else None
    roster, marks, reasons, came = await _context(turn, meeting)
    data = minutes_data(
        upper_committee=parent.name if parent else "",
        cell=cell.name,
        kind=MeetingType(meeting.kind),
        day=meeting.held_on,
        start=meeting.start_time,
        length=meeting.minutes,
        roster=[(m.id, m.full_name, m.statuses) for m in roster],
        marks=marks,
        reasons=reasons,
        voluntary=came,
        guests=[(g.name, g.note) for g in await meetings.guests(turn.session, meeting.id)],
        topic=meeting.topic,
    )
    name = f"bien-ban-{meeting.held_on:%Y-%m-%d}.docx"
    await turn.ctx.bot.send_document(
        turn.chat_id,
        InputFile(build_minutes(data), filename=name),
        caption=turn._("Draft minutes: fill in the content, then post them on the official app."),
    )
