"""📝 Log a meeting, steps 1-2: the cell, the type, the date (M1-M5, M8).

mt:cell:<cell> · mt:new:<cell>:<type> · mt:draft:<meeting>:go|drop
mt:d:<meeting>:<version>:today|yesterday|<yyyymmdd>  (or a typed date in any form, L3)
mt:cal:<meeting>:<version>:<yyyymm> calendar · mt:dback back from it · mt:chd change the date
mt:asx:<meeting>:<version>:<yyyymmdd> log as extraordinary when the month has its regular one
The draft lives in the meetings table (state "draft"); the flow state only points at it.
States: see meeting_log.mmd.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from bot.domain.dates import MIN_YEAR, parse_date
from bot.domain.meetings import (
    BEFORE_CELL,
    FUTURE,
    MeetingType,
    min_minutes_for,
    month_of,
    needs_regular_check,
    validate_meeting_date,
)
from bot.domain.orgtree import effective_meeting
from bot.render.i18n import N_
from bot.services import profiles
from storage import meetings, orgs
from storage.models import Meeting, Org

from .base import Button, Refused, Stale, Turn, esc, inline
from .calendar import WEEKDAYS, day_arg, month_grid

FLOW = "meeting"

TYPE_LABELS = {
    MeetingType.REGULAR: N_("Regular (thường kỳ)"),
    MeetingType.THEMATIC: N_("Thematic (chuyên đề)"),
    MeetingType.COMBINED: N_("Regular + thematic"),
    MeetingType.EXTRAORDINARY: N_("Extraordinary (bất thường)"),
}


async def log_cell(turn: Turn, cell_id: int) -> Org:
    """The cell, if the caller may log its meetings (ids in callbacks can be forged)."""
    org = await orgs.get(turn.session, cell_id)
    if org is None or not org.is_cell or not turn.access.can_log_meetings(org.id, org.path):
        raise Refused
    return org


async def flow_meeting(
    turn: Turn, meeting_id: int, version: int | None = None
) -> tuple[Meeting, Org]:
    """The draft this button or text belongs to: the caller's current one, same version."""
    state = await turn.flow_for(FLOW)
    meeting = await meetings.get(turn.session, meeting_id)
    if meeting is None or int(state.data["meeting_id"]) != meeting.id:
        raise Stale
    cell = await log_cell(turn, meeting.cell_id)
    if meeting.state != "draft" or (version is not None and version != meeting.version):
        raise Stale
    return meeting, cell


async def start(turn: Turn) -> None:
    """📝 Log a meeting / /meeting: pick the cell (when there are several)."""
    _ = turn._
    cells = [
        c for c in [await orgs.get(turn.session, i) for i in turn.access.cell_ids] if c is not None
    ]
    cells = [c for c in cells if c.is_cell and turn.access.can_log_meetings(c.id, c.path)]
    if not cells:
        await turn.reply(_("You do not log meetings for any cell."))
        return
    if len(cells) > 1:
        await turn.reply(_("Which cell?"), inline([[(c.name, f"mt:cell:{c.id}")] for c in cells]))
        return
    await ask_type(turn, cells[0])


async def picked_cell(turn: Turn) -> None:
    """mt:cell:<cell>"""
    await ask_type(turn, await log_cell(turn, turn.int_arg(2)))


async def ask_type(turn: Turn, cell: Org) -> None:
    _ = turn._
    draft = await meetings.draft_of(turn.session, cell.id, turn.user_id)
    if draft is not None:
        await turn.start_flow(FLOW, "resume", meeting_id=draft.id)
        what = _(TYPE_LABELS[MeetingType(draft.kind)])
        when = turn.t.date(draft.held_on) if draft.held_on else "…"
        await turn.reply(
            _("You have an unfinished meeting record ({what}, {when}). Continue it?").format(
                what=what, when=when
            ),
            inline(
                [
                    [
                        (_("▶️ Continue"), f"mt:draft:{draft.id}:go"),
                        (_("🗑 Discard it"), f"mt:draft:{draft.id}:drop"),
                    ]
                ]
            ),
        )
        return
    rows = [[(_(TYPE_LABELS[t]), f"mt:new:{cell.id}:{t.value}")] for t in MeetingType]
    rows.append(
        [
            (_("📚 This year"), f"mh:y:{cell.id}:{turn.today.year}"),
            (_("🚫 Did not meet"), f"zr:m:{cell.id}"),
        ]
    )
    if turn.access.can_set_schedule(cell.id, cell.path, is_cell=True):
        rows.append([(_("🗓 Meeting day and time"), f"sc:o:{cell.id}")])
    await turn.reply(_("<b>{cell}</b>: which meeting?").format(cell=esc(cell.name)), inline(rows))


async def resume(turn: Turn) -> None:
    """mt:draft:<meeting>:go|drop — continue the stored draft after a break or a restart."""
    _ = turn._
    meeting, cell = await flow_meeting(turn, turn.int_arg(2))
    if turn.arg(3) == "drop":
        await meetings.discard(turn.session, meeting)
        await turn.finish_flow()
        await turn.show(_("The unfinished record was discarded."))
        await ask_type(turn, cell)
        return
    from .meeting_attendance import render_attendance, render_confirm

    if meeting.held_on is None:
        await turn.advance(FLOW, "date")
        await ask_date(turn, meeting)
    elif meeting.amends_id is not None:  # a correction: back to its summary
        await turn.advance(FLOW, "confirm")
        await render_confirm(turn, meeting, cell)
    else:
        await turn.advance(FLOW, "attendance")
        await render_attendance(turn, meeting, cell, 0)


async def new_meeting(turn: Turn) -> None:
    """mt:new:<cell>:<type> — a draft with the cell's default time and length (M5, M7)."""
    cell = await log_cell(turn, turn.int_arg(2))
    try:
        kind = MeetingType(turn.arg(3))
    except ValueError:
        raise Stale from None
    if await meetings.draft_of(turn.session, cell.id, turn.user_id) is not None:
        raise Stale  # a draft was started meanwhile: the resume question is the newer screen
    chain = await orgs.ancestors(turn.session, cell)
    settings = turn.ctx.settings
    _day, at = effective_meeting(
        cell, chain, settings.default_meeting_day, settings.default_meeting_time
    )
    # M5: the default length is the rule's minimum for this type (90, or 120 combined).
    profile = await profiles.rule_profile(turn.session, cell, chain)
    minutes = min_minutes_for(kind, profile) or profile.min_minutes
    meeting = await meetings.create_draft(
        turn.session,
        cell_id=cell.id,
        kind=kind.value,
        user_id=turn.user_id,
        start=at,
        minutes=minutes,
    )
    await turn.start_flow(FLOW, "date", meeting_id=meeting.id)
    await ask_date(turn, meeting)


async def ask_date(turn: Turn, meeting: Meeting) -> None:
    _ = turn._
    rows = [
        [
            (_("Today"), f"mt:d:{meeting.id}:{meeting.version}:today"),
            (_("Yesterday"), f"mt:d:{meeting.id}:{meeting.version}:yesterday"),
        ],
        [(_("📅 Another day"), f"mt:cal:{meeting.id}:{meeting.version}:{turn.today:%Y%m}")],
    ]
    await turn.show(
        _("{what}. On which day was it held? Press a button or type the date (e.g. 3/11).").format(
            what=_(TYPE_LABELS[MeetingType(meeting.kind)])
        ),
        inline(rows),
    )


async def date_button(turn: Turn) -> None:
    """mt:d:<meeting>:<version>:today|yesterday"""
    meeting, cell = await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))
    offsets = {"today": 0, "yesterday": 1}
    picked = turn.arg(4)
    # today / yesterday, or a day pressed on the calendar
    day = turn.today - timedelta(days=offsets[picked]) if picked in offsets else day_arg(picked)
    await take_date(turn, meeting, cell, day)


async def date_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    """A typed date: "3/2", "03/02/2026", "3-2-26", "hôm qua" … (L3)."""
    day = parse_date(turn.text, today=turn.today)
    if day is None:
        await turn.reply(turn._("I could not read that date. Please type it like 03/02/2026."))
        return
    await take_date(turn, meeting, cell, day)


async def take_date(turn: Turn, meeting: Meeting, cell: Org, day: date) -> None:
    _ = turn._
    founded = cell.founded_on or cell.created_at.astimezone(turn.ctx.settings.timezone).date()
    problem = validate_meeting_date(day, today=turn.today, cell_founded=cell.founded_on)
    if problem == FUTURE:
        await turn.reply(
            _("{date} is in the future. Please log a meeting once it has been held.").format(
                date=turn.t.date(day)
            )
        )
        return
    if problem == BEFORE_CELL:
        await turn.reply(
            _("{date} is before the cell existed ({founded}).").format(
                date=turn.t.date(day), founded=turn.t.date(founded)
            )
        )
        return
    if not await check_regular(turn, meeting, cell, MeetingType(meeting.kind), day):
        return
    meeting.held_on = day
    meetings.touch(meeting)
    from .meeting_attendance import render_attendance

    await turn.advance(FLOW, "attendance")
    await render_attendance(turn, meeting, cell, 0)


async def check_regular(
    turn: Turn, meeting: Meeting, cell: Org, kind: MeetingType, day: date
) -> bool:
    """M1: one regular meeting a month. When the month already has one, offer to open it
    (to correct it) or to log this session as an extraordinary one (M3); False then."""
    if not needs_regular_check(kind):
        return True
    _ = turn._
    year, month = month_of(day)
    other = await meetings.regular_in_month(
        turn.session, cell.id, year, month, besides=meeting.id, besides_also=meeting.amends_id
    )
    if other is None or other.held_on is None:
        return True
    key = f"{meeting.id}:{meeting.version}"
    await turn.reply(
        _(
            "The regular meeting of {month} is already logged (held on {date}). A cell holds "
            "one regular meeting a month: open that one to correct it, log this session as an "
            "extraordinary meeting, or type another date."
        ).format(month=turn.t.month(year, month), date=turn.t.date(other.held_on)),
        inline(
            [
                [(_("📂 Open the logged meeting"), f"mt:open:{other.id}")],
                [(_("Log as extraordinary"), f"mt:asx:{key}:{day:%Y%m%d}")],
            ]
        ),
    )
    return False


async def as_extraordinary(turn: Turn) -> None:
    """mt:asx:<m>:<v>:<yyyymmdd> — the month has its regular meeting: log this one as
    extraordinary (M3) on the date that was chosen."""
    meeting, cell = await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))
    meeting.kind = MeetingType.EXTRAORDINARY.value
    await take_date(turn, meeting, cell, day_arg(turn.arg(4)))


async def calendar(turn: Turn) -> None:
    """mt:cal:<m>:<v>:<yyyymm> — pick another day from a month's calendar."""
    _ = turn._
    meeting, cell = await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))
    shown = day_arg(turn.arg(4))
    key = f"{meeting.id}:{meeting.version}"
    first_allowed = cell.founded_on or date(MIN_YEAR, 1, 1)
    rows = month_grid(
        shown.year,
        shown.month,
        pick=lambda d: f"mt:d:{key}:{d:%Y%m%d}",
        allowed=lambda d: first_allowed <= d <= turn.today,
        weekdays=[_(w) for w in WEEKDAYS],
    )
    nav: list[Button] = []
    prev = shown - timedelta(days=1)
    if prev >= first_allowed.replace(day=1):
        nav.append(("« " + turn.t.month(prev.year, prev.month), f"mt:cal:{key}:{prev:%Y%m}"))
    nxt = (shown + timedelta(days=31)).replace(day=1)
    if nxt <= turn.today:
        nav.append((turn.t.month(nxt.year, nxt.month) + " »", f"mt:cal:{key}:{nxt:%Y%m}"))
    rows += [nav, [("« " + _("Back"), f"mt:dback:{key}")]]
    await turn.show(
        _("{month}: press the day of the meeting.").format(
            month=turn.t.month(shown.year, shown.month)
        ),
        inline(rows),
    )


async def date_back(turn: Turn) -> None:
    """mt:dback:<m>:<v> — from the calendar back to the date question."""
    meeting, _cell = await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))
    await ask_date(turn, meeting)


async def change_date(turn: Turn) -> None:
    """mt:chd:<m>:<v> — from the confirmation back to the date (the eligible set follows)."""
    meeting, _cell = await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))
    await turn.advance(FLOW, "date")
    await ask_date(turn, meeting)


async def on_text(turn: Turn) -> None:
    """Typed text during the meeting flow, by step: a date, an absence reason, a time and
    length, a topic, a score, guests, the upper-committee attendee."""
    from . import meeting_details as d
    from .meeting_attendance import reason_text

    steps: dict[str, Callable[[Turn, Meeting, Org], Awaitable[None]]] = {
        "date": date_text,
        "attendance": reason_text,
        "time": d.time_text,
        "topic": d.topic_text,
        "grade": d.score_text,
        "guests": d.guests_text,
        "upper": d.upper_text,
    }
    state = await turn.flow_for(FLOW)
    meeting, cell = await flow_meeting(turn, int(state.data["meeting_id"]))
    step = steps.get(state.step)
    if step is None:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    await step(turn, meeting, cell)
