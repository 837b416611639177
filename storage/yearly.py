"""What the early warnings (R5, R6) and the yearly roll-up (K3) read (#4, #6): rows only,
judged by bot/domain/year_flags.py (bot/services/year_flags.py puts the two together).

A fixed number of queries whatever the size of the tree: the yearly counters are
aggregated in SQL, and only the few members they single out are loaded in full.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import REGULAR_KINDS
from bot.domain.member_history import MarkedMeeting
from bot.domain.year_flags import KINDS

from .models import Meeting, MeetingMark, Member, MemberStatusChange, Org

CHUNK = 1000  # ids per IN (...): well under the drivers' parameter limits


def saved_in_year(year: int) -> list[ColumnElement[bool]]:
    """The saved meetings held in `year` (a WHERE over Meeting; storage/history.py and
    storage/meetings.py repeat it for one cell)."""
    return [
        Meeting.state == "saved",
        Meeting.held_on >= date(year, 1, 1),
        Meeting.held_on <= date(year, 12, 31),
    ]


def _candidates(year: int, min_months: int, min_excused: int) -> Select[Any]:
    """Members with at least `min_months` unexcused marks at saved regular or combined
    meetings of their cell, or at least `min_excused` excused marks.

    A superset of the members over a threshold: R5 counts distinct months, and a mark of
    a member who was not eligible that day (R1) still counts here; member_year drops them
    afterwards. Plain counts, not count(DISTINCT month): that needed a sort of every mark
    of the year (half a second on a 10,000-cell province), a count is a hash aggregate."""
    unexcused = func.count().filter(
        and_(MeetingMark.mark == "unexcused", Meeting.kind.in_(REGULAR_KINDS))
    )
    excused = func.count().filter(MeetingMark.mark == "excused")
    return (
        select(MeetingMark.member_id)
        .join(Meeting, Meeting.id == MeetingMark.meeting_id)
        .join(Member, Member.id == MeetingMark.member_id)
        .join(Org, Org.id == Member.cell_id)
        .where(
            *saved_in_year(year),
            Meeting.cell_id == Member.cell_id,
            Org.archived_at.is_(None),
        )
        .group_by(MeetingMark.member_id)
        .having(or_(unexcused >= min_months, excused >= min_excused))
    )


async def year_candidates(
    session: AsyncSession, year: int, cells: Container[int], min_months: int, min_excused: int
) -> list[Any]:
    """The candidates (see _candidates) in these cells: rows (id, full_name, cell_id) in the
    order of the cells and their rosters."""
    candidates = _candidates(year, min_months, min_excused).subquery()
    people = list(
        await session.execute(
            select(Member.id, Member.full_name, Member.cell_id)
            .where(Member.id.in_(select(candidates.c.member_id)))
            .order_by(Member.cell_id, Member.sort_key, Member.id)
        )
    )
    return [p for p in people if p.cell_id in cells]


async def absences(
    session: AsyncSession, year: int, cells: Sequence[int], min_months: int, min_excused: int
) -> list[Any]:
    """The candidates of _candidates (same thresholds), each with their absences: rows
    (member_id, cell_id, meeting_id, held_on, kind, place, mark), place being the meeting's
    among the cell's saved meetings of the year in (held_on, id) order, from 1. One
    statement (a province's year: 190,000 absences, 7,000 candidates, 42,000 rows
    returned); the caller keeps the rows of `cells`."""
    in_year = saved_in_year(year)
    if len(cells) <= CHUNK:  # a commune's year reads its own cells' absences only
        in_year.append(Meeting.cell_id.in_(sorted(cells)))
    # The cell's saved meetings of the year, numbered in date order (R6's runs).
    numbered = (
        select(
            Meeting.id,
            Meeting.cell_id,
            Meeting.held_on,
            Meeting.kind,
            func.row_number()
            .over(partition_by=Meeting.cell_id, order_by=(Meeting.held_on, Meeting.id))
            .label("place"),
        )
        .where(*in_year)
        .subquery("numbered")
    )
    absent = (
        select(
            MeetingMark.member_id,
            numbered.c.cell_id,
            numbered.c.id.label("meeting_id"),
            numbered.c.held_on,
            numbered.c.kind,
            numbered.c.place,
            MeetingMark.mark,
        )
        .join(numbered, numbered.c.id == MeetingMark.meeting_id)
        .where(MeetingMark.mark.in_(("excused", "unexcused")))
        .cte("absent")
    )
    unexcused = func.count().filter(
        and_(absent.c.mark == "unexcused", absent.c.kind.in_(REGULAR_KINDS))
    )
    excused = func.count().filter(absent.c.mark == "excused")
    counts = (
        select(absent.c.member_id, absent.c.cell_id)
        .group_by(absent.c.member_id, absent.c.cell_id)
        .having(or_(unexcused >= min_months, excused >= min_excused))
        .cte("counts")
    )
    rows = await session.execute(
        select(
            counts.c.member_id,
            counts.c.cell_id,
            absent.c.meeting_id,
            absent.c.held_on,
            absent.c.kind,
            absent.c.place,
            absent.c.mark,
        )
        .join(
            absent,
            and_(absent.c.member_id == counts.c.member_id, absent.c.cell_id == counts.c.cell_id),
        )
        # The member's own cell (its meetings are the ones judged), not archived.
        .join(Member, and_(Member.id == counts.c.member_id, Member.cell_id == counts.c.cell_id))
        .join(Org, Org.id == Member.cell_id)
        .where(Org.archived_at.is_(None))
    )
    return list(rows)


async def histories(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, list[Any]]:
    """Each member's status changes (R1), as plain rows with the attributes
    bot.domain.roster.status_on reads."""
    history: dict[int, list[Any]] = {i: [] for i in member_ids}
    for chunk in chunks(list(member_ids)):
        for entry in await session.execute(
            select(
                MemberStatusChange.id,
                MemberStatusChange.member_id,
                MemberStatusChange.status,
                MemberStatusChange.effective_from,
                MemberStatusChange.effective_until,
            ).where(MemberStatusChange.member_id.in_(chunk))
        ):
            history[entry.member_id].append(entry)
    return history


async def marks(
    session: AsyncSession, member_ids: Sequence[int], year: int
) -> dict[int, dict[int, tuple[str, str | None]]]:
    """Each member's marks at the saved meetings of `year`: meeting → (mark, reason)."""
    out: dict[int, dict[int, tuple[str, str | None]]] = {i: {} for i in member_ids}
    for chunk in chunks(list(member_ids)):
        rows = await session.execute(
            select(
                MeetingMark.meeting_id, MeetingMark.member_id, MeetingMark.mark, MeetingMark.reason
            )
            .join(Meeting, Meeting.id == MeetingMark.meeting_id)
            .where(MeetingMark.member_id.in_(chunk), *saved_in_year(year))
        )
        for meeting_id, member_id, mark, reason in rows:
            out[member_id][meeting_id] = (mark, reason)
    return out


async def cell_meetings(
    session: AsyncSession, cell_ids: Sequence[int], year: int
) -> dict[int, list[MarkedMeeting]]:
    """The cells' saved meetings of `year`, unmarked (shared by the cells' members), in date
    order."""
    held: dict[int, list[MarkedMeeting]] = {c: [] for c in cell_ids}
    for chunk in chunks(list(cell_ids)):
        for meeting in await session.execute(
            select(Meeting.id, Meeting.cell_id, Meeting.held_on, Meeting.kind)
            .where(Meeting.cell_id.in_(chunk), *saved_in_year(year))
            .order_by(Meeting.held_on, Meeting.id)
        ):
            if meeting.held_on is not None:
                held[meeting.cell_id].append(
                    MarkedMeeting(meeting.id, meeting.held_on, KINDS[meeting.kind], None, None)
                )
    return held


async def custom_plans(session: AsyncSession) -> None:
    """PostgreSQL: plan this transaction's statements with their values. asyncpg prepares
    and caches statements, and from the sixth run of one PostgreSQL may switch to a
    generic plan; for an `IN (1,000 ids)` chunk that is a scan testing every row against
    every id, 100× slower (a 10,000-cell province's year, docs/benchmarks.md)."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def chunks(values: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]
