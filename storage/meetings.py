"""Meetings (M1-M9): drafts, attendance marks, saving, and the checks that need the table."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import delete, extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import audit, tallies
from .models import Meeting, MeetingGuest, MeetingMark, utcnow

REGULAR_KINDS = ("regular", "combined")  # M3/M4: what counts as the month's regular meeting


async def get(session: AsyncSession, meeting_id: int) -> Meeting | None:
    meeting = await session.get(Meeting, meeting_id)
    return meeting if meeting is not None and meeting.state != "deleted" else None


async def draft_of(session: AsyncSession, cell_id: int, user_id: int) -> Meeting | None:
    """The unfinished meeting this person was entering for the cell, if any."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.cell_id == cell_id, Meeting.created_by == user_id, Meeting.state == "draft")
        .order_by(Meeting.id.desc())
        .limit(1)
    )


async def create_draft(
    session: AsyncSession, *, cell_id: int, kind: str, user_id: int, start: time, minutes: int
) -> Meeting:
    meeting = Meeting(
        cell_id=cell_id,
        kind=kind,
        created_by=user_id,
        start_time=start,
        minutes=minutes,
        state="draft",
    )
    session.add(meeting)
    await session.flush()
    return meeting


def touch(meeting: Meeting) -> None:
    """Every change makes older screens of this meeting stale."""
    meeting.version += 1


async def marks(session: AsyncSession, meeting_id: int) -> dict[int, MeetingMark]:
    rows = await session.scalars(select(MeetingMark).where(MeetingMark.meeting_id == meeting_id))
    return {m.member_id: m for m in rows}


async def set_mark(
    session: AsyncSession,
    meeting: Meeting,
    member_id: int,
    mark: str | None,
    reason: str | None = None,
) -> None:
    """Record an absence or voluntary attendance; None means present (no row)."""
    row = await session.get(MeetingMark, (meeting.id, member_id))
    if mark is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(
            MeetingMark(meeting_id=meeting.id, member_id=member_id, mark=mark, reason=reason)
        )
    else:
        row.mark, row.reason = mark, reason
    touch(meeting)
    await session.flush()


async def clear_marks(session: AsyncSession, meeting: Meeting, member_ids: list[int]) -> None:
    """ "All present": drop the absences of these members."""
    if member_ids:
        await session.execute(
            delete(MeetingMark).where(
                MeetingMark.meeting_id == meeting.id,
                MeetingMark.member_id.in_(member_ids),
                MeetingMark.mark != "voluntary",
            )
        )
    touch(meeting)
    await session.flush()


async def guests(session: AsyncSession, meeting_id: int) -> list[MeetingGuest]:
    rows = await session.scalars(
        select(MeetingGuest).where(MeetingGuest.meeting_id == meeting_id).order_by(MeetingGuest.id)
    )
    return list(rows)


async def add_guest(session: AsyncSession, meeting: Meeting, name: str, note: str | None) -> None:
    session.add(MeetingGuest(meeting_id=meeting.id, name=name, note=note))
    touch(meeting)
    await session.flush()


async def regular_in_month(
    session: AsyncSession,
    cell_id: int,
    year: int,
    month: int,
    *,
    besides: int | None = None,
    besides_also: int | None = None,
) -> Meeting | None:
    """M1: the saved regular (or combined) meeting of that month, if one exists."""
    query = select(Meeting).where(
        Meeting.cell_id == cell_id,
        Meeting.state == "saved",
        Meeting.kind.in_(REGULAR_KINDS),
        extract("year", Meeting.held_on) == year,
        extract("month", Meeting.held_on) == month,
    )
    if besides is not None:
        query = query.where(Meeting.id != besides)
    if besides_also is not None:
        query = query.where(Meeting.id != besides_also)
    return await session.scalar(query.order_by(Meeting.held_on).limit(1))


async def snapshot(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """What the audit log keeps of a meeting (S4): metadata and marks, no minutes text (S2)."""
    got = await marks(session, meeting.id)
    return {
        "kind": meeting.kind,
        "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
        "start": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "minutes": meeting.minutes,
        "topic": meeting.topic,
        "grade": meeting.grade,
        "score": meeting.score,
        "marks": {str(k): [m.mark, m.reason] for k, m in sorted(got.items())},
        "guests": [g.name for g in await guests(session, meeting.id)],
    }


async def save(session: AsyncSession, meeting: Meeting, *, actor_id: int) -> None:
    """A draft becomes a logged meeting (a correction draft: see apply_correction)."""
    assert meeting.amends_id is None
    meeting.state = "saved"
    meeting.saved_at = utcnow()
    touch(meeting)
    await session.flush()
    await tallies.refresh(session, meeting.cell_id, meeting_ids=[meeting.id])
    await audit.record(
        session,
        actor_id=actor_id,
        action="meeting.save",
        entity="meeting",
        entity_id=meeting.id,
        org_id=meeting.cell_id,
        after=await snapshot(session, meeting),
    )


_COPIED = ("kind", "held_on", "start_time", "minutes", "topic", "grade", "score", "upper_attendee")


async def _copy_attendance(session: AsyncSession, source: Meeting, target: Meeting) -> None:
    """Replace target's marks and guests with source's."""
    await session.execute(delete(MeetingMark).where(MeetingMark.meeting_id == target.id))
    await session.execute(delete(MeetingGuest).where(MeetingGuest.meeting_id == target.id))
    for mark in (await marks(session, source.id)).values():
        session.add(
            MeetingMark(
                meeting_id=target.id, member_id=mark.member_id, mark=mark.mark, reason=mark.reason
            )
        )
    for guest in await guests(session, source.id):
        session.add(MeetingGuest(meeting_id=target.id, name=guest.name, note=guest.note))
    await session.flush()


async def start_correction(session: AsyncSession, meeting: Meeting, *, user_id: int) -> Meeting:
    """A draft copy of a saved meeting to correct; the saved one is untouched until the
    copy is saved, so reports never see a half-made correction."""
    assert meeting.state == "saved"
    draft = Meeting(
        cell_id=meeting.cell_id,
        state="draft",
        created_by=user_id,
        amends_id=meeting.id,
        **{name: getattr(meeting, name) for name in _COPIED},
    )
    session.add(draft)
    await session.flush()
    await _copy_attendance(session, meeting, draft)
    return draft


async def apply_correction(session: AsyncSession, draft: Meeting, *, actor_id: int) -> Meeting:
    """Write a correction draft back onto the saved meeting (same id), audited with the
    values before and after (S4), and drop the draft. Returns the corrected meeting."""
    assert draft.amends_id is not None
    meeting = await get(session, draft.amends_id)
    if meeting is None or meeting.state != "saved":
        raise LookupError("the meeting being corrected is gone")
    before = await snapshot(session, meeting)
    for name in _COPIED:
        setattr(meeting, name, getattr(draft, name))
    await _copy_attendance(session, draft, meeting)
    touch(meeting)
    await discard(session, draft)
    await tallies.refresh(session, meeting.cell_id, meeting_ids=[meeting.id])
    after = await snapshot(session, meeting)
    await audit.record(
        session,
        actor_id=actor_id,
        action="meeting.correct",
        entity="meeting",
        entity_id=meeting.id,
        org_id=meeting.cell_id,
        before=before,
        after=after,
    )
    return meeting


async def delete_saved(session: AsyncSession, meeting: Meeting, *, actor_id: int) -> None:
    """Delete a logged meeting: kept as state "deleted" with the audit entry (S4)."""
    assert meeting.state == "saved"
    before = await snapshot(session, meeting)
    meeting.state = "deleted"
    touch(meeting)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="meeting.delete",
        entity="meeting",
        entity_id=meeting.id,
        org_id=meeting.cell_id,
        before=before,
    )


async def remove_guest(session: AsyncSession, meeting: Meeting, guest_id: int) -> bool:
    row = await session.get(MeetingGuest, guest_id)
    if row is None or row.meeting_id != meeting.id:
        return False
    await session.delete(row)
    touch(meeting)
    await session.flush()
    return True


async def discard(session: AsyncSession, meeting: Meeting) -> None:
    """Drop a draft (never a saved meeting: those are deleted with an audit entry)."""
    assert meeting.state == "draft"
    await session.execute(delete(MeetingMark).where(MeetingMark.meeting_id == meeting.id))
    await session.execute(delete(MeetingGuest).where(MeetingGuest.meeting_id == meeting.id))
    await session.delete(meeting)
    await session.flush()
