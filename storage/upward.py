"""What the admins' daily line of saved meetings reads and writes (M6, #14): the meetings
not yet reported at their current version, and the mark that they were."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Meeting, MeetingUpward, utcnow


@dataclass(frozen=True, slots=True)
class Pending:
    """A meeting to report: new (reported None), corrected or deleted since reported."""

    meeting_id: int
    cell_id: int
    kind: str
    held_on: date
    state: str  # saved | deleted
    version: int
    reported: int | None  # the version reported before, if any
    eligible: int | None
    present: int | None
    unexcused: int | None


async def pending(session: AsyncSession) -> list[Pending]:
    """Saved meetings never reported, and reported ones changed since (corrected or
    deleted: a newer version). Two indexed reads however large the province: the pending
    set is what was saved since the last tick that reported."""
    rows = await session.execute(
        select(
            Meeting.id,
            Meeting.cell_id,
            Meeting.kind,
            Meeting.held_on,
            Meeting.state,
            Meeting.version,
            MeetingUpward.version,
            Meeting.eligible,
            Meeting.present,
            Meeting.unexcused,
        )
        .outerjoin(MeetingUpward, MeetingUpward.meeting_id == Meeting.id)
        .where(
            Meeting.held_on.is_not(None),
            or_(
                (Meeting.state == "saved") & MeetingUpward.meeting_id.is_(None),
                (Meeting.state.in_(("saved", "deleted")))
                & (MeetingUpward.version < Meeting.version),
            ),
        )
        .order_by(Meeting.held_on, Meeting.id)
    )
    return [
        Pending(i, cell, kind, held, state, version, reported, eligible, present, unexcused)
        for i, cell, kind, held, state, version, reported, eligible, present, unexcused in rows
        if held is not None
    ]


async def mark(session: AsyncSession, reported: Sequence[tuple[int, int]]) -> None:
    """(meeting, version) reported: never lowers a version a concurrent tick wrote."""
    if not reported:
        return
    now = utcnow()
    known = set(
        await session.scalars(
            select(MeetingUpward.meeting_id).where(
                MeetingUpward.meeting_id.in_([m for m, _ in reported])
            )
        )
    )
    for meeting_id, version in reported:
        if meeting_id in known:
            await session.execute(
                update(MeetingUpward)
                .where(MeetingUpward.meeting_id == meeting_id, MeetingUpward.version < version)
                .values(version=version, reported_at=now)
            )
        else:
            session.add(MeetingUpward(meeting_id=meeting_id, version=version, reported_at=now))
    await session.flush()
