"""The stored tally of saved meetings (R1, R2), kept in step with marks and status histories.

A meeting's eligible set depends on each member's status on the meeting day (R1), so the
tally changes when a mark changes (save, correction) and when a status history changes
(a status recorded late, a member added with an earlier start). Every such write calls
`refresh` in the same transaction; the roll-ups of #5 then sum columns in SQL instead of
judging attendance rows one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.history import stored_tally

from .models import Meeting, MeetingMark, Member, MemberStatusChange


async def refresh(
    session: AsyncSession,
    cell_id: int,
    *,
    since: date | None = None,
    meeting_ids: Iterable[int] | None = None,
) -> int:
    """Recompute the tally of the cell's saved meetings (all, those held on or after
    `since`, or the given ones). Returns how many were computed."""
    query = select(Meeting).where(Meeting.cell_id == cell_id, Meeting.state == "saved")
    if since is not None:
        query = query.where(Meeting.held_on >= since)
    if meeting_ids is not None:
        query = query.where(Meeting.id.in_(list(meeting_ids)))
    held = [m for m in await session.scalars(query) if m.held_on is not None]
    if not held:
        return 0
    # The histories are read from their table, not through Member.statuses: a member
    # already in the session keeps the collection it was loaded with, without the entry
    # add_status has just added, and the tally would miss the very change it follows.
    in_cell = select(Member.id).where(Member.cell_id == cell_id)
    histories: dict[int, list[MemberStatusChange]] = {i: [] for i in await session.scalars(in_cell)}
    for entry in await session.scalars(
        select(MemberStatusChange).where(MemberStatusChange.member_id.in_(in_cell))
    ):
        histories[entry.member_id].append(entry)
    roster = list(histories.items())
    stored: dict[int, dict[int, str]] = {m.id: {} for m in held}
    rows = await session.execute(
        select(MeetingMark.meeting_id, MeetingMark.member_id, MeetingMark.mark).where(
            MeetingMark.meeting_id.in_(list(stored))
        )
    )
    for meeting_id, member_id, mark in rows:
        stored[meeting_id][member_id] = mark
    for meeting in held:
        assert meeting.held_on is not None
        t = stored_tally(roster, meeting.held_on, stored[meeting.id])
        meeting.eligible, meeting.present = t.eligible, t.present
        meeting.excused, meeting.unexcused = t.excused, t.unexcused
    await session.flush()
    return len(held)


async def backfill(session: AsyncSession) -> int:
    """Fill the tally of saved meetings that have none (after migration 0005)."""
    cells = await session.scalars(
        select(Meeting.cell_id)
        .where(Meeting.state == "saved", Meeting.eligible.is_(None))
        .distinct()
    )
    return sum([await refresh(session, cell_id) for cell_id in list(cells)])
