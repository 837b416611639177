"""M9: the saved meetings an upper committee grades, and the confirmation written on one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import audit
from .models import Meeting, Org


def _under(node: Org) -> ColumnElement[bool]:
    return and_(Org.path.startswith(node.path, autoescape=True), Org.archived_at.is_(None))


async def month_meetings(
    session: AsyncSession, node: Org, first: date, last: date
) -> list[tuple[Meeting, Org]]:
    """The saved meetings of the cells beneath `node` held from `first` to `last`, with their
    cell, by cell name then date (ix_meetings_state_held_on)."""
    rows = await session.execute(
        select(Meeting, Org)
        .join(Org, Org.id == Meeting.cell_id)
        .where(
            _under(node),
            Org.path != node.path,
            Meeting.state == "saved",
            Meeting.held_on >= first,
            Meeting.held_on <= last,
        )
        .order_by(Org.name_key, Org.id, Meeting.held_on, Meeting.id)
    )
    return [(m, o) for m, o in rows]


async def saved_meeting(session: AsyncSession, meeting_id: int) -> tuple[Meeting, Org] | None:
    """A saved meeting and its (not archived) cell."""
    row = (
        await session.execute(
            select(Meeting, Org)
            .join(Org, Org.id == Meeting.cell_id)
            .where(Meeting.id == meeting_id, Meeting.state == "saved", Org.archived_at.is_(None))
        )
    ).first()
    return None if row is None else (row[0], row[1])


def _grading(m: Meeting) -> dict[str, object]:
    return {
        "grade": m.grade,
        "score": m.score,
        "confirmed_grade": m.confirmed_grade,
        "confirmed_of": m.confirmed_of,
        "confirmed_by": m.confirmed_by,
        "note": m.grade_note,
    }


async def confirm(
    session: AsyncSession, meeting: Meeting, grade: str, *, actor_id: int, now: datetime
) -> None:
    """Write the committee's grade over the cell's own one as it stands now (S4: audited,
    old → new). The meeting's version is left alone: the secretary's screens stay valid."""
    before = _grading(meeting)
    meeting.confirmed_grade = grade
    meeting.confirmed_of = meeting.grade
    meeting.confirmed_by = actor_id
    meeting.confirmed_at = now
    await _audited(session, meeting, "meeting.grade_confirm", actor_id, before)


async def set_note(
    session: AsyncSession, meeting: Meeting, note: str | None, *, actor_id: int
) -> None:
    """The committee's short note on its grade (S4: audited)."""
    before = _grading(meeting)
    meeting.grade_note = note
    await _audited(session, meeting, "meeting.grade_note", actor_id, before)


async def _audited(
    session: AsyncSession, meeting: Meeting, action: str, actor_id: int, before: dict[str, object]
) -> None:
    """S4: who changed the committee's grading of a meeting, when, and from what to what."""
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        org_id=meeting.cell_id,
        before=before,
        after=_grading(meeting),
    )
