"""🗓 The regular meeting's day and time (M7): a cell's own, or an upper committee's default
for the cells beneath it. The reminders (#4) read it from the database at the next tick.

sc:o:<org> the screen · sc:d:<org>:<1-28|last|up> the day · sc:t:<org>:<HHMM|up> the time
sc:tt:<org> type another time (flow "schedule", step "time") · MoveMeeting: only
this month's meeting (handlers/reminders.py). States: see schedule.mmd.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from bot.domain.dates import parse_time
from bot.domain.orgtree import effective_meeting, effective_settings, inherited_meeting
from bot.domain.reminders import ReminderSettings
from bot.render.callbacks import Month, MoveMeeting
from bot.render.i18n import N_
from storage import orgs
from storage.models import Org

from .base import Button, Refused, Stale, Turn, esc, inline

FLOW = "schedule"
LAST = -1  # M7: "the last day of the month" (bot.domain.reminders.planned_day)
TIMES = (time(7, 30), time(14, 0), time(19, 30), time(20, 0))
DAY_TEXT = N_("day {day} of every month")
LAST_TEXT = N_("the last day of every month")


async def schedule_node(turn: Turn, org_id: int) -> Org:
    """The node, if the caller may set its meeting day (ids in callbacks can be forged)."""
    org = await orgs.get(turn.session, org_id)
    if org is None or not turn.access.can_set_schedule(org.id, org.path, is_cell=org.is_cell):
        raise Refused
    return org


def day_text(turn: Turn, day: int) -> str:
    return turn._(LAST_TEXT) if day == LAST else turn._(DAY_TEXT).format(day=day)


async def open_schedule(turn: Turn) -> None:
    """sc:o:<org>"""
    await render(turn, await schedule_node(turn, turn.int_arg(2)))


async def render(turn: Turn, org: Org, *, fresh: bool = False) -> None:
    _ = turn._
    settings = turn.ctx.settings
    chain = await orgs.ancestors(turn.session, org)
    day, at = effective_meeting(
        org, chain, settings.default_meeting_day, settings.default_meeting_time
    )
    up_day, up_at = inherited_meeting(
        chain, settings.default_meeting_day, settings.default_meeting_time
    )
    upper = chain[-1].name if chain else None
    try:
        rs = ReminderSettings.from_settings(effective_settings(org, chain).get("reminders", {}))
    except ValueError:  # a broken setting is logged by the tick; show the defaults here
        rs = ReminderSettings()
    if org.is_cell:
        head = _("🗓 <b>{org}</b> holds its regular meeting on {day} at {time}.")
    else:
        head = _(
            "🗓 Cells of <b>{org}</b> hold their regular meeting on {day} at {time}, unless a cell sets its own."
        )
    lines = [head.format(org=esc(org.name), day=day_text(turn, day), time=turn.t.time(at))]
    if upper is not None and (org.meeting_day is None or org.meeting_time is None):
        lines.append(_("(What is not set here follows {upper}.)").format(upper=esc(upper)))
    lines += [
        "",
        _(
            "Reminders go out {before} and {docs} days before the day at {send_at}, on its "
            "morning at {morning_at}, and {after} days after if nothing is logged; never "
            "between {quiet_start} and {quiet_end}. If the day is a holiday, the reminder "
            "offers the nearest working days."
        ).format(
            before=rs.before_days,
            docs=rs.documents_days,
            after=rs.after_days,
            send_at=turn.t.time(rs.send_at),
            morning_at=turn.t.time(rs.morning_at),
            quiet_start=turn.t.time(rs.quiet_start),
            quiet_end=turn.t.time(rs.quiet_end),
        ),
        _("Choose another day or time:"),
    ]

    def mark(label: str, chosen: bool) -> str:
        return f"✅ {label}" if chosen else label

    rows: list[list[Button]] = [
        [
            (mark(str(d), org.meeting_day == d), f"sc:d:{org.id}:{d}")
            for d in range(first, first + 7)
        ]
        for first in (1, 8, 15, 22)
    ]
    rows.append(
        [(mark(_("Last day of the month"), org.meeting_day == LAST), f"sc:d:{org.id}:last")]
    )
    times: list[Button] = [
        (mark(turn.t.time(t), org.meeting_time == t), f"sc:t:{org.id}:{t:%H%M}") for t in TIMES
    ]
    rows.append([*times, (_("⌨️ Other"), f"sc:tt:{org.id}")])
    if upper is not None:  # M7: back to the upper committee's default
        rows.append(
            [
                (
                    mark(
                        _("↩️ Day as above ({day})").format(day=_day_short(turn, up_day)),
                        org.meeting_day is None,
                    ),
                    f"sc:d:{org.id}:up",
                ),
                (
                    mark(
                        _("↩️ Time as above ({time})").format(time=turn.t.time(up_at)),
                        org.meeting_time is None,
                    ),
                    f"sc:t:{org.id}:up",
                ),
            ]
        )
    if org.is_cell and turn.access.can_log_meetings(org.id, org.path):
        today = turn.today
        rows.append(
            [(_("📅 Move only this month's meeting"), MoveMeeting(org.id, Month.of(today)).pack())]
        )
    markup = inline(rows)
    if fresh:
        await turn.reply("\n".join(lines), markup)
    else:
        await turn.show("\n".join(lines), markup)


def _day_short(turn: Turn, day: int) -> str:
    return turn._("last day") if day == LAST else turn._("day {day}").format(day=day)


def _day(value: str) -> int:
    if value == "last":
        return LAST
    if value.isdecimal() and 1 <= int(value) <= 28:  # M7: 1-28, or the last day
        return int(value)
    raise Stale


def _time(value: str) -> time:
    try:
        return time(int(value[:2]), int(value[2:]))
    except ValueError:
        raise Stale from None


FIELDS: dict[str, tuple[str, Callable[[str], int | time]]] = {
    "d": ("meeting_day", _day),
    "t": ("meeting_time", _time),
}


async def set_value(turn: Turn) -> None:
    """sc:d:<org>:<1-28|last|up> the day · sc:t:<org>:<HHMM|up> the time ("up": inherit)"""
    org = await schedule_node(turn, turn.int_arg(2))
    field, parse = FIELDS[turn.arg(1)]
    value = turn.arg(3)
    if value == "up" and org.parent_id is None:
        raise Stale  # the top of the tree has nothing above to follow
    await _save(turn, org, field, None if value == "up" else parse(value))
    await turn.answer(turn._("Saved."))
    await render(turn, org)


async def _save(turn: Turn, org: Org, field: str, value: int | time | None) -> None:
    if value != getattr(org, field):
        changes: dict[str, Any] = {field: value}
        await orgs.update_fields(turn.session, org, actor_id=turn.user_id, **changes)


async def ask_time(turn: Turn) -> None:
    """sc:tt:<org>"""
    org = await schedule_node(turn, turn.int_arg(2))
    await turn.start_flow(FLOW, "time", org_id=org.id)
    await turn.reply(turn._("Type the time of the meeting, e.g. 19:30, 7h30 or 14h."))


async def time_text(turn: Turn) -> None:
    """A typed time in the schedule flow."""
    state = await turn.flow_for(FLOW)
    org = await schedule_node(turn, int(state.data["org_id"]))
    at = parse_time(turn.text)
    if at is None:
        await turn.reply(
            turn._("I could not read “{text}” as a time. Please type it like 19:30.").format(
                text=esc(turn.text[:40])
            )
        )
        return
    await _save(turn, org, "meeting_time", at)
    await turn.finish_flow()
    await render(turn, org, fresh=True)
