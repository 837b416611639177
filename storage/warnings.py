"""What the early warnings (R5, R6) and the admins' monthly digest (K1) read (#4).

A fixed number of queries whatever the size of the tree: the yearly counters are
aggregated in SQL, and only the few members they single out are loaded in full and judged
by bot.history.member_year, the same rules as the member's attendance screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, distinct, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.history import MarkedMeeting, MemberYear, member_year
from bot.meetings_rules import MeetingType, RuleProfile
from bot.model import LEAVING_STATUSES
from bot.roster import status_on

from .models import Delivery, Meeting, MeetingMark, Member, MemberStatusChange, Org, ZeroReport
from .reminders import REGULAR_KINDS

CHUNK = 1000  # ids per IN (...): well under the drivers' parameter limits


@dataclass(frozen=True)
class MemberRecord:
    """A member whose year reaches R5's warning or R6, judged by their cell's profile."""

    member_id: int
    full_name: str
    cell_id: int
    year: MemberYear


def _candidates(year: int, min_months: int, min_excused: int) -> Select[Any]:
    """Members with at least `min_months` distinct months with an unexcused mark at a saved
    regular or combined meeting of their cell, or at least `min_excused` excused marks.

    A superset of the members over a threshold: a mark of a member who was not eligible
    that day (R1) still counts here; member_year drops it afterwards."""
    unexcused_month = case(
        (
            and_(MeetingMark.mark == "unexcused", Meeting.kind.in_(REGULAR_KINDS)),
            extract("month", Meeting.held_on),
        )
    )
    excused = func.sum(case((MeetingMark.mark == "excused", 1), else_=0))
    return (
        select(MeetingMark.member_id)
        .join(Meeting, Meeting.id == MeetingMark.meeting_id)
        .join(Member, Member.id == MeetingMark.member_id)
        .join(Org, Org.id == Member.cell_id)
        .where(
            Meeting.state == "saved",
            Meeting.held_on >= date(year, 1, 1),
            Meeting.held_on <= date(year, 12, 31),
            Meeting.cell_id == Member.cell_id,
            Org.archived_at.is_(None),
        )
        .group_by(MeetingMark.member_id)
        .having(or_(func.count(distinct(unexcused_month)) >= min_months, excused >= min_excused))
    )


async def year_records(
    session: AsyncSession, year: int, *, profiles: Mapping[int, RuleProfile], today: date
) -> list[MemberRecord]:
    """R5/R6 for `year`: the members of the cells in `profiles` whose record reaches the
    R5 warning (or flag) or R6 under their cell's profile. Members who have left the cell
    by `today` are left out: there is nothing left for the cell to consider. Four queries."""
    if not profiles:
        return []
    candidates = _candidates(
        year,
        min(p.removal_warn_months for p in profiles.values()),
        min(p.excused_streak for p in profiles.values()) + 1,  # R6: *more than* the limit
    ).subquery()
    people = list(
        await session.execute(
            select(Member.id, Member.full_name, Member.cell_id)
            .where(Member.id.in_(select(candidates.c.member_id)))
            .order_by(Member.cell_id, Member.sort_key, Member.id)
        )
    )
    people = [p for p in people if p.cell_id in profiles]
    if not people:
        return []
    ids = [p.id for p in people]
    cells = sorted({p.cell_id for p in people})
    history: dict[int, list[MemberStatusChange]] = {i: [] for i in ids}
    marks: dict[tuple[int, int], MeetingMark] = {}
    held: dict[int, list[Meeting]] = {c: [] for c in cells}
    for chunk in _chunks(ids):
        for entry in await session.scalars(
            select(MemberStatusChange).where(MemberStatusChange.member_id.in_(chunk))
        ):
            history[entry.member_id].append(entry)
        for mark in await session.scalars(
            select(MeetingMark)
            .join(Meeting, Meeting.id == MeetingMark.meeting_id)
            .where(
                MeetingMark.member_id.in_(chunk),
                Meeting.state == "saved",
                Meeting.held_on >= date(year, 1, 1),
                Meeting.held_on <= date(year, 12, 31),
            )
        ):
            marks[(mark.meeting_id, mark.member_id)] = mark
    for chunk in _chunks(cells):
        for meeting in await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id.in_(chunk),
                Meeting.state == "saved",
                Meeting.held_on >= date(year, 1, 1),
                Meeting.held_on <= date(year, 12, 31),
            )
            .order_by(Meeting.held_on, Meeting.id)
        ):
            held[meeting.cell_id].append(meeting)
    out: list[MemberRecord] = []
    for p in people:
        statuses = history[p.id]
        now = status_on(statuses, today)
        if now is None or now in LEAVING_STATUSES:
            continue
        meetings = []
        for m in held[p.cell_id]:
            if m.held_on is None:
                continue
            got = marks.get((m.id, p.id))
            meetings.append(
                MarkedMeeting(
                    m.id,
                    m.held_on,
                    MeetingType(m.kind),
                    got.mark if got else None,
                    got.reason if got else None,
                )
            )
        record = member_year(year, statuses, meetings, profiles[p.cell_id])
        if record.r5 != "none" or record.r6:
            out.append(MemberRecord(p.id, p.full_name, p.cell_id, record))
    return out


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


async def claimed(
    session: AsyncSession, chat_ids: Iterable[int], keys: Iterable[str]
) -> set[tuple[int, str]]:
    """The (chat, key) pairs among these that were ever claimed. A tick asks this first and
    only tries to claim the rest: INSERT … ON CONFLICT draws a new id even when it inserts
    nothing, and these messages would otherwise be tried every minute for a year."""
    chats, wanted = sorted(set(chat_ids)), sorted(set(keys))
    found: set[tuple[int, str]] = set()
    if not chats or not wanted:
        return found
    for i in range(0, len(wanted), CHUNK):
        rows = await session.execute(
            select(Delivery.chat_id, Delivery.key).where(
                Delivery.chat_id.in_(chats), Delivery.key.in_(wanted[i : i + CHUNK])
            )
        )
        found |= {(int(c), str(k)) for c, k in rows}
    return found


# --- the digest ----------------------------------------------------------------------------


async def nodes(session: AsyncSession) -> list[Org]:
    """Every node of the tree that is not archived (its settings are inherited in memory)."""
    return list(await session.scalars(select(Org).where(Org.archived_at.is_(None))))


async def reported_cells(session: AsyncSession, year: int, month: int) -> set[int]:
    """K1: the cells that reported the month, with a saved regular or combined meeting
    (M1, M4) or a standing "did not meet" report (M8). Two queries."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    held = await session.scalars(
        select(Meeting.cell_id)
        .where(
            Meeting.state == "saved",
            Meeting.kind.in_(REGULAR_KINDS),
            Meeting.held_on >= first,
            Meeting.held_on < after,
        )
        .distinct()
    )
    zero = await session.scalars(
        select(ZeroReport.cell_id).where(
            ZeroReport.deleted_at.is_(None), ZeroReport.year == year, ZeroReport.month == month
        )
    )
    return {int(c) for c in held} | {int(c) for c in zero}
