"""🗓 The regular meeting's day and time (M7): a cell's own, or an upper committee's default
for the cells beneath it. The reminders (#4) read it from the database at the next tick.

OpenSchedule (sc:o:<org>[:<from>]) the screen · SetSchedule (sc:d:<org>:<1-28|last|up>[:<from>]
the day, sc:t:<org>:<HHMM|up>[:<from>] the time) · TypeTime (sc:tt:<org>[:<from>]) type another
time (flow "schedule", step "time") · MoveMeeting: only this month's meeting
(handlers/reminders.py). <from> (ScheduleFrom, #15) is the screen the schedule was opened
from, where ⬅️ Back goes: o the node's screen, m the meeting flow's type screen; the buttons
carry it along so the screen keeps its way back after each change.
States: see schedule.mmd.
"""

from __future__ import annotations

import dataclasses
from datetime import time
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from bot.domain.dates import parse_time
from bot.render.callbacks import Callback, Month, MoveMeeting, PickCell, ScheduleFrom
from bot.render.callbacks import (
    OpenSchedule as OpenSchedule,  # defined there: notifications carry it
)
from bot.render.i18n import N_
from bot.services import schedule
from bot.services.schedule import LAST

from .base import Button, Stale, Turn, choice_pattern, esc, inline
from .markup import back
from .orgs import OrgView

if TYPE_CHECKING:
    from storage.models import Org

FLOW = "schedule"
TIMES = (time(7, 30), time(14, 0), time(19, 30), time(20, 0))
DAY_TEXT = N_("day {day} of every month")
LAST_TEXT = N_("the last day of every month")
UP = "up"  # follow the node above (M7)


class Field(StrEnum):
    DAY = "d"
    TIME = "t"


@dataclasses.dataclass(frozen=True)
class SetSchedule(Callback):
    """sc:d:<org>:<1-28|last|up> the day · sc:t:<org>:<HHMM|up> the time"""

    prefix: ClassVar[str] = "sc"
    field: Field
    org: int
    value: str
    origin: ScheduleFrom | None = None

    @classmethod
    def pattern(cls) -> str:
        return choice_pattern(cls.prefix, Field)


@dataclasses.dataclass(frozen=True)
class TypeTime(Callback):
    """⌨️ Other: type a time."""

    prefix: ClassVar[str] = "sc:tt"
    org: int
    origin: ScheduleFrom | None = None


def day_text(turn: Turn, day: int) -> str:
    return turn._(LAST_TEXT) if day == LAST else turn._(DAY_TEXT).format(day=day)


async def open_schedule(turn: Turn, data: OpenSchedule) -> None:
    """The screen; also ⬅️ Back from typing a time, which ends that step."""
    state = await turn.flow()
    if state is not None and state.flow == FLOW:
        await turn.finish_flow()
    await render(turn, data.org, data.origin)


def back_to(turn: Turn, org: Org, origin: ScheduleFrom | None) -> str:
    """⬅️ Back (#15): to the screen the schedule was opened from; for a button sent before
    #15, to the natural parent (a cell the caller holds a role in: its meeting menu; else
    the node's screen). Either handler checks the caller's rights again."""
    if origin is None:
        mine = org.is_cell and org.id in turn.access.cell_ids
        origin = ScheduleFrom.MEETING if mine else ScheduleFrom.ORG
    if origin == ScheduleFrom.MEETING and org.is_cell:
        return PickCell(org.id, True).pack()
    return OrgView(org.id, 0).pack()


async def render(
    turn: Turn, org_id: int, origin: ScheduleFrom | None = None, *, fresh: bool = False
) -> None:
    _ = turn._
    settings = turn.ctx.settings
    sc = await schedule.view(
        turn.session,
        turn.access,
        org_id,
        default_day=settings.default_meeting_day,
        default_time=settings.default_meeting_time,
    )
    org, rs, upper = sc.org, sc.reminders, sc.upper
    if org.is_cell:
        head = _("🗓 <b>{org}</b> holds its regular meeting on {day} at {time}.")
    else:
        head = _(
            "🗓 Cells of <b>{org}</b> hold their regular meeting on {day} at {time}, unless a cell sets its own."
        )
    lines = [head.format(org=esc(org.name), day=day_text(turn, sc.day), time=turn.t.time(sc.at))]
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
            (
                mark(str(d), org.meeting_day == d),
                SetSchedule(Field.DAY, org.id, str(d), origin).pack(),
            )
            for d in range(first, first + 7)
        ]
        for first in (1, 8, 15, 22)
    ]
    rows.append(
        [
            (
                mark(_("Last day of the month"), org.meeting_day == LAST),
                SetSchedule(Field.DAY, org.id, "last", origin).pack(),
            )
        ]
    )
    times: list[Button] = [
        (
            mark(turn.t.time(t), org.meeting_time == t),
            SetSchedule(Field.TIME, org.id, f"{t:%H%M}", origin).pack(),
        )
        for t in TIMES
    ]
    rows.append([*times, (_("⌨️ Other"), TypeTime(org.id, origin).pack())])
    if upper is not None:  # M7: back to the upper committee's default
        rows.append(
            [
                (
                    mark(
                        _("↩️ Day as above ({day})").format(day=_day_short(turn, sc.upper_day)),
                        org.meeting_day is None,
                    ),
                    SetSchedule(Field.DAY, org.id, UP, origin).pack(),
                ),
                (
                    mark(
                        _("↩️ Time as above ({time})").format(time=turn.t.time(sc.upper_at)),
                        org.meeting_time is None,
                    ),
                    SetSchedule(Field.TIME, org.id, UP, origin).pack(),
                ),
            ]
        )
    if sc.can_move:
        today = turn.today
        rows.append(
            [(_("📅 Move only this month's meeting"), MoveMeeting(org.id, Month.of(today)).pack())]
        )
    rows.append([back(_, back_to(turn, org, origin))])
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
    if value.isdecimal() and schedule.valid_day(int(value)):
        return int(value)
    raise Stale


def _time(value: str) -> time:
    try:
        return time(int(value[:2]), int(value[2:]))
    except ValueError:
        raise Stale from None


async def set_value(turn: Turn, data: SetSchedule) -> None:
    """The day or the time picked ("up": follow the node above)."""
    follow = data.value == UP
    if data.field == Field.DAY:
        day = None if follow else _day(data.value)
        await schedule.set_meeting(turn.session, turn.access, data.org, day=day, follow_day=follow)
    else:
        at = None if follow else _time(data.value)
        await schedule.set_meeting(turn.session, turn.access, data.org, at=at, follow_time=follow)
    await turn.answer(turn._("Saved."))
    await render(turn, data.org, data.origin)


async def ask_time(turn: Turn, data: TypeTime) -> None:
    org = await schedule.schedule_node(turn.session, turn.access, data.org)
    origin = data.origin.value if data.origin else None
    await turn.start_flow(FLOW, "time", org_id=org.id, origin=origin)
    await turn.reply(
        turn._("Type the time of the meeting, e.g. 19:30, 7h30 or 14h."),
        inline([[back(turn._, OpenSchedule(org.id, data.origin).pack())]]),  # #15
    )


async def time_text(turn: Turn) -> None:
    """A typed time in the schedule flow."""
    state = await turn.flow_for(FLOW)
    org_id = int(state.data["org_id"])
    await schedule.schedule_node(turn.session, turn.access, org_id)
    at = parse_time(turn.text)
    if at is None:
        await turn.reply(
            turn._("I could not read “{text}” as a time. Please type it like 19:30.").format(
                text=esc(turn.text[:40])
            )
        )
        return
    await schedule.set_meeting(turn.session, turn.access, org_id, at=at)
    await turn.finish_flow()
    origin = state.data.get("origin")
    await render(turn, org_id, ScheduleFrom(origin) if origin else None, fresh=True)
