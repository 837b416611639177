"""The queries behind the meeting history (issue #3): a cell's year, a member's year.

A fixed number of queries per screen, whatever the number of meetings (no per-meeting loops).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Meeting, MeetingMark, ZeroReport


async def year_meetings(session: AsyncSession, cell_id: int, year: int) -> list[Meeting]:
    """The cell's saved meetings of `year`, in date order."""
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.cell_id == cell_id,
            Meeting.state == "saved",
            Meeting.held_on >= date(year, 1, 1),
            Meeting.held_on <= date(year, 12, 31),
        )
        .order_by(Meeting.held_on, Meeting.id)
    )
    return list(rows)


async def year_with_marks(
    session: AsyncSession, cell_id: int, year: int
) -> list[tuple[Meeting, dict[int, str]]]:
    """The cell's saved meetings of `year` in date order, each with its stored marks
    (member id → "excused" | "unexcused" | "voluntary"; no entry means present)."""
    held = await year_meetings(session, cell_id, year)
    by_meeting: dict[int, dict[int, str]] = {m.id: {} for m in held}
    if held:
        rows = await session.execute(
            select(MeetingMark.meeting_id, MeetingMark.member_id, MeetingMark.mark).where(
                MeetingMark.meeting_id.in_(list(by_meeting))
            )
        )
        for meeting_id, member_id, mark in rows:
            by_meeting[meeting_id][member_id] = mark
    return [(m, by_meeting[m.id]) for m in held]


async def member_year(
    session: AsyncSession, cell_id: int, member_id: int, year: int
) -> list[tuple[Meeting, MeetingMark | None]]:
    """Every saved meeting of the member's cell in `year`, with the member's mark if any."""
    held = await year_meetings(session, cell_id, year)
    marks: dict[int, MeetingMark] = {}
    if held:
        rows = await session.scalars(
            select(MeetingMark).where(
                MeetingMark.meeting_id.in_([m.id for m in held]),
                MeetingMark.member_id == member_id,
            )
        )
        marks = {mark.meeting_id: mark for mark in rows}
    return [(m, marks.get(m.id)) for m in held]


async def first_year(session: AsyncSession, cell_id: int) -> int | None:
    """The earliest year with a saved meeting or a standing zero report of the cell."""
    first_day = await session.scalar(
        select(func.min(Meeting.held_on)).where(
            Meeting.cell_id == cell_id, Meeting.state == "saved"
        )
    )
    first_zero = await session.scalar(
        select(func.min(ZeroReport.year)).where(
            ZeroReport.cell_id == cell_id, ZeroReport.deleted_at.is_(None)
        )
    )
    years = [y for y in (first_day.year if first_day else None, first_zero) if y is not None]
    return min(years) if years else None
