"""📝 Logging a meeting (M1-M9), as use cases any face can call.

Each takes the unit of work (the session), the acting person (their `Access`) and plain
values. A `Record` (a meeting and its cell) is made only by `open_draft`, `start_draft`,
`open_saved` and meeting_save.correct, which check that the person may log the cell's
meetings: the steps that change a record take one, so they act only on what was checked. Refusals are
`Refused` and `Stale` (bot.services.refusals); expected "no" answers (M1's regular meeting of
the month, the correction deadline) are returned as data for the face to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.meetings import (
    Grade,
    MeetingType,
    default_minutes,
    month_of,
    needs_regular_check,
    validate_meeting_date,
)
from bot.domain.orgtree import effective_meeting
from bot.services import profiles
from storage import meetings, orgs
from storage.models import Meeting, MeetingGuest, Org

from .refusals import Refused, Stale


@dataclass(frozen=True)
class Record:
    """A meeting (a draft, or a saved one) and its cell, the person's access checked."""

    meeting: Meeting
    cell: Org

    @property
    def kind(self) -> MeetingType:
        return MeetingType(self.meeting.kind)


@dataclass(frozen=True)
class RegularTaken:
    """M1: the month already has its regular meeting (`other`, held on `held_on`)."""

    other_id: int
    held_on: date


# --- the cell and the record --------------------------------------------------------------


async def cell(session: AsyncSession, access: Access, cell_id: int) -> Org:
    """The cell, if the person may log its meetings; otherwise Refused."""
    org = await orgs.get(session, cell_id)
    if org is None or not org.is_cell or not access.can_log_meetings(org.id, org.path):
        raise Refused
    return org


async def cells(session: AsyncSession, access: Access) -> list[Org]:
    """The cells whose meetings the person logs."""
    found = [c for c in [await orgs.get(session, i) for i in access.cell_ids] if c is not None]
    return [c for c in found if c.is_cell and access.can_log_meetings(c.id, c.path)]


async def draft_of(session: AsyncSession, access: Access, org: Org) -> Meeting | None:
    """The person's unfinished record for the cell, if any (one at a time)."""
    return await meetings.draft_of(session, org.id, access.user_id)


async def start_draft(
    session: AsyncSession,
    access: Access,
    cell_id: int,
    kind: MeetingType,
    *,
    default_day: int,
    default_time: time,
) -> Record:
    """A new draft with the cell's meeting time (M7) and the type's default length (M5)."""
    org = await cell(session, access, cell_id)
    if await draft_of(session, access, org) is not None:
        raise Stale  # a draft was started meanwhile
    chain = await orgs.ancestors(session, org)
    _day, at = effective_meeting(org, chain, default_day, default_time)
    profile = await profiles.rule_profile(session, org, chain)
    meeting = await meetings.create_draft(
        session,
        cell_id=org.id,
        kind=kind.value,
        user_id=access.user_id,
        start=at,
        minutes=default_minutes(kind, profile),
    )
    return Record(meeting, org)


async def open_draft(
    session: AsyncSession, access: Access, meeting_id: int, version: int | None = None
) -> Record:
    """A draft being entered; Stale once saved, discarded or changed (another version)."""
    return await _open(session, access, meeting_id, "draft", version)


async def open_saved(
    session: AsyncSession, access: Access, meeting_id: int, version: int | None = None
) -> Record:
    """A logged meeting; Refused for another cell's, Stale once deleted or changed."""
    return await _open(session, access, meeting_id, "saved", version)


async def _open(
    session: AsyncSession, access: Access, meeting_id: int, state: str, version: int | None
) -> Record:
    meeting = await meetings.get(session, meeting_id)
    if meeting is None:
        raise Stale
    org = await cell(session, access, meeting.cell_id)  # Refused: not the caller's cell
    if meeting.state != state or (version is not None and version != meeting.version):
        raise Stale
    return Record(meeting, org)


async def discard(session: AsyncSession, record: Record) -> None:
    await meetings.discard(session, record.meeting)


# --- the date (M1-M3) ---------------------------------------------------------------------


async def regular_taken(
    session: AsyncSession, record: Record, kind: MeetingType, day: date
) -> RegularTaken | None:
    """M1: one regular meeting a month; the other one of the month, if `kind` on `day`
    would be a second."""
    if not needs_regular_check(kind):
        return None
    year, month = month_of(day)
    meeting = record.meeting
    other = await meetings.regular_in_month(
        session, record.cell.id, year, month, besides=meeting.id, besides_also=meeting.amends_id
    )
    if other is None or other.held_on is None:
        return None
    return RegularTaken(other.id, other.held_on)


async def set_date(
    session: AsyncSession, record: Record, day: date, *, today: date, extraordinary: bool = False
) -> str | RegularTaken | None:
    """The day it was held, or why not: FUTURE, BEFORE_CELL (bot.domain.meetings) or the
    month's regular meeting. `extraordinary`: log it as such (M3, the month has its regular)."""
    meeting = record.meeting
    if extraordinary:
        meeting.kind = MeetingType.EXTRAORDINARY.value
    problem = validate_meeting_date(day, today=today, cell_founded=record.cell.founded_on)
    if problem is not None:
        return problem
    taken = await regular_taken(session, record, record.kind, day)
    if taken is not None:
        return taken
    meeting.held_on = day
    meetings.touch(meeting)
    return None


# --- the details (M3-M5, M9, R1) ----------------------------------------------------------


def set_time(record: Record, start: time | None, minutes: int | None) -> None:
    if start is not None:
        record.meeting.start_time = start
    if minutes is not None:
        record.meeting.minutes = minutes
    meetings.touch(record.meeting)


async def set_type(session: AsyncSession, record: Record, kind: MeetingType) -> RegularTaken | None:
    """Another type (M3, M4); a length still at the old type's default takes the new one's (M5)."""
    meeting = record.meeting
    assert meeting.held_on is not None
    taken = await regular_taken(session, record, kind, meeting.held_on)
    if taken is not None:
        return taken
    profile = await profiles.rule_profile(session, record.cell)
    if meeting.minutes == default_minutes(record.kind, profile):
        meeting.minutes = default_minutes(kind, profile)
    meeting.kind = kind.value
    meetings.touch(meeting)
    return None


def set_topic(record: Record, topic: str | None) -> None:
    record.meeting.topic = topic
    meetings.touch(record.meeting)


async def set_grade(
    session: AsyncSession, record: Record, grade: Grade | None, score: int | None = None
) -> None:
    """M9: a grade pressed (score None), or a score typed, which sets its grade by the
    thresholds of the cell's rule profile (its settings, inherited down the tree)."""
    meeting = record.meeting
    if score is not None:
        grade = (await profiles.rule_profile(session, record.cell)).grade_for(score)
    meeting.grade = grade.value if grade is not None else None
    meeting.score = score
    meetings.touch(meeting)


def set_upper(record: Record, attendee: str | None) -> None:
    record.meeting.upper_attendee = attendee[:200] if attendee else None
    meetings.touch(record.meeting)


async def guests(session: AsyncSession, record: Record) -> list[MeetingGuest]:
    return await meetings.guests(session, record.meeting.id)


async def add_guests(
    session: AsyncSession, record: Record, guests: list[tuple[str, str | None]]
) -> None:
    for name, note in guests:
        await meetings.add_guest(session, record.meeting, name, note)


async def remove_guest(session: AsyncSession, record: Record, guest_id: int) -> None:
    if not await meetings.remove_guest(session, record.meeting, guest_id):
        raise Stale
