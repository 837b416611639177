"""🏅 M9: the upper committee confirms or adjusts the grade a cell gave its meeting.

DOMAIN M9: a meeting is self-scored by the cell; "the upper committee confirms the grade".
So only an admin of a committee *above* the cell may confirm: not its secretary, deputy or
delegate, and not an admin whose grant is on the cell itself. Every function takes the acting
person's Access and checks it against the ids it is given (they come from buttons, which
anyone can forge).

A correction by the secretary after confirmation leaves the committee's grade standing (it
is the committee's word), but when the cell's own grade changed it is marked for a second
look (`Graded.recheck`) until an admin confirms again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.dates import last_day_of_month
from bot.domain.meeting_rules import Grade, MeetingType
from bot.domain.model import Role
from storage import grades
from storage.models import Meeting, Org

from . import orgs
from .refusals import Refused, Stale

NOTE_LIMIT = 200  # meetings.grade_note


def may_confirm(access: Access, cell_path: str) -> bool:
    """M9: an admin of a committee strictly above the cell (its own roles never suffice)."""
    return any(
        g.role == Role.ADMIN and cell_path.startswith(g.org_path) and g.org_path != cell_path
        for g in access.grants
    )


@dataclass(frozen=True)
class Graded:
    """A saved meeting as the committee sees it for grading."""

    meeting_id: int
    version: int
    cell_id: int
    cell_name: str
    held_on: date
    kind: MeetingType
    own: Grade | None  # the cell's own grade
    score: int | None
    confirmed: Grade | None  # the committee's
    confirmed_by: int | None
    confirmed_at: datetime | None
    note: str | None
    recheck: bool  # confirmed, then the cell's own grade changed by a correction


def graded(meeting: Meeting, cell: Org) -> Graded:
    assert meeting.held_on is not None  # saved meetings have a date
    confirmed = Grade(meeting.confirmed_grade) if meeting.confirmed_grade else None
    return Graded(
        meeting_id=meeting.id,
        version=meeting.version,
        cell_id=cell.id,
        cell_name=cell.name,
        held_on=meeting.held_on,
        kind=MeetingType(meeting.kind),
        own=Grade(meeting.grade) if meeting.grade else None,
        score=meeting.score,
        confirmed=confirmed,
        confirmed_by=meeting.confirmed_by,
        confirmed_at=meeting.confirmed_at,
        note=meeting.grade_note,
        recheck=confirmed is not None and meeting.grade != meeting.confirmed_of,
    )


async def month(
    session: AsyncSession, access: Access, org_id: int, year: int, month: int
) -> tuple[Org, list[Graded]]:
    """The committee (one the caller administers) and the saved meetings of its cells in
    the month, by cell name and date."""
    node = await orgs.admin_committee(session, access, org_id)
    first = date(year, month, 1)
    rows = await grades.month_meetings(session, node, first, last_day_of_month(year, month))
    return node, [graded(m, c) for m, c in rows if may_confirm(access, c.path)]


async def _meeting(
    session: AsyncSession, access: Access, org_id: int, meeting_id: int
) -> tuple[Org, Meeting, Org]:
    """(committee, meeting, cell): the committee is the caller's, the meeting a saved one
    of a cell beneath it, and the caller may confirm its grade; otherwise Refused."""
    node = await orgs.admin_committee(session, access, org_id)
    found = await grades.saved_meeting(session, meeting_id)
    if found is None:
        raise Refused
    meeting, cell = found
    if not cell.path.startswith(node.path) or not may_confirm(access, cell.path):
        raise Refused
    return node, meeting, cell


async def open_meeting(
    session: AsyncSession, access: Access, org_id: int, meeting_id: int
) -> tuple[Org, Graded]:
    node, meeting, cell = await _meeting(session, access, org_id, meeting_id)
    return node, graded(meeting, cell)


async def confirm(
    session: AsyncSession,
    access: Access,
    org_id: int,
    meeting_id: int,
    version: int,
    grade: Grade,
    now: datetime,
) -> tuple[Org, Graded]:
    """Confirm the cell's grade as is, or give another (M9; audited, S4). `version` is the
    meeting's as the admin saw it: a correction in between makes the screen Stale."""
    node, meeting, cell = await _meeting(session, access, org_id, meeting_id)
    if meeting.version != version:
        raise Stale
    await grades.confirm(session, meeting, grade.value, actor_id=access.user_id, now=now)
    return node, graded(meeting, cell)


async def set_note(
    session: AsyncSession, access: Access, org_id: int, meeting_id: int, note: str
) -> tuple[Org, Graded]:
    """The committee's short note on a grade it confirmed (empty removes it; audited)."""
    node, meeting, cell = await _meeting(session, access, org_id, meeting_id)
    if meeting.confirmed_grade is None:
        raise Stale  # a note belongs to a confirmation
    text = " ".join(note.split()) or None
    if text is not None and len(text) > NOTE_LIMIT:  # the face refuses it first (#15)
        raise ValueError(f"a note of {len(text)} characters (at most {NOTE_LIMIT})")
    await grades.set_note(session, meeting, text, actor_id=access.user_id)
    return node, graded(meeting, cell)
