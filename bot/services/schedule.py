"""The regular meeting's day and time (M7) and this month's move of it.

A cell's secretary or deputy sets their cell's day and time; an admin sets them for any node
beneath them (for a committee: the default of its cells); what a node does not set follows
the nearest node above it, then the instance's defaults. The reminders (#4) read it all from
the database at the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.orgtree import effective_meeting, effective_settings, inherited_meeting
from bot.domain.reminders import ReminderSettings
from storage import orgs, reminders
from storage.models import Org

from .refusals import Refused, Stale

LAST = -1  # M7: "the last day of the month" (bot.domain.reminders.planned_day)


async def schedule_node(session: AsyncSession, access: Access, org_id: int) -> Org:
    """The node, if the caller may set its meeting day (ids from a face can be forged)."""
    org = await orgs.get(session, org_id)
    if org is None or not access.can_set_schedule(org.id, org.path, is_cell=org.is_cell):
        raise Refused
    return org


@dataclass(frozen=True)
class Schedule:
    org: Org
    day: int  # in effect (LAST: the month's last day)
    at: time
    upper: str | None  # the name of the node above, whose values a node may follow
    upper_day: int  # what following it gives
    upper_at: time
    reminders: ReminderSettings
    can_move: bool  # a cell whose meetings the caller logs may move this month's (M7)


async def view(
    session: AsyncSession, access: Access, org_id: int, *, default_day: int, default_time: time
) -> Schedule:
    org = await schedule_node(session, access, org_id)
    chain = await orgs.ancestors(session, org)
    day, at = effective_meeting(org, chain, default_day, default_time)
    up_day, up_at = inherited_meeting(chain, default_day, default_time)
    try:
        rs = ReminderSettings.from_settings(effective_settings(org, chain).get("reminders", {}))
    except ValueError:  # a broken setting is logged by the tick; show the defaults here
        rs = ReminderSettings()
    return Schedule(
        org,
        day,
        at,
        chain[-1].name if chain else None,
        up_day,
        up_at,
        rs,
        org.is_cell and access.can_log_meetings(org.id, org.path),
    )


def valid_day(day: int) -> bool:
    return day == LAST or 1 <= day <= 28  # M7: 1-28, or the last day


async def set_meeting(
    session: AsyncSession,
    access: Access,
    org_id: int,
    *,
    day: int | None = None,
    at: time | None = None,
    follow_day: bool = False,
    follow_time: bool = False,
) -> Org:
    """Set the node's meeting day and/or time, or (follow_*) go back to the node above's."""
    org = await schedule_node(session, access, org_id)
    changes: dict[str, Any] = {}
    if (follow_day or follow_time) and org.parent_id is None:
        raise Stale  # the top of the tree has nothing above to follow
    if day is not None or follow_day:
        if day is not None and not valid_day(day):
            raise Stale
        changes["meeting_day"] = None if follow_day else day
    if at is not None or follow_time:
        changes["meeting_time"] = None if follow_time else at
    changes = {k: v for k, v in changes.items() if v != getattr(org, k)}
    if changes:
        await orgs.update_fields(session, org, actor_id=access.user_id, **changes)
    return org


# --- this month's meeting moved (M7) -----------------------------------------------------


class MoveProblem(StrEnum):
    OVER = "over"  # the month is over
    TOO_FAR = "too_far"  # beyond this month and the next
    PASSED = "passed"  # the day has passed


def within_reach(day: date, today: date) -> bool:
    """M7: this month's meeting (or, from a reminder sent at a month's end, the next
    month's) moves to another day of the same month; nothing further ahead."""
    months = (day.year - today.year) * 12 + day.month - today.month
    return 0 <= months <= 1


async def meeting_cell(session: AsyncSession, access: Access, cell_id: int) -> Org:
    """The cell, if the caller may log (and so move) its meetings."""
    org = await orgs.get(session, cell_id)
    if org is None or not org.is_cell or not access.can_log_meetings(org.id, org.path):
        raise Refused
    return org


def month_problem(first: date, today: date) -> MoveProblem | None:
    """Why the meeting of the month starting `first` cannot be moved, if it cannot."""
    if (first.year, first.month) < (today.year, today.month):
        return MoveProblem.OVER
    if not within_reach(first, today):
        return MoveProblem.TOO_FAR
    return None


async def move_meeting(
    session: AsyncSession, access: Access, cell_id: int, day: date, *, today: date
) -> MoveProblem | None:
    """Move the month's meeting to `day`; the reminders follow. A problem, and nothing
    moved, for a day past or out of reach (forged data, #12: the calendar offers none)."""
    cell = await meeting_cell(session, access, cell_id)
    if day < today:
        return MoveProblem.PASSED
    if not within_reach(day, today):
        return MoveProblem.TOO_FAR
    await reminders.move_meeting(session, cell, day, actor_id=access.user_id)
    return None
