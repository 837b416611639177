"""What the scheduler reads and writes (#4): month facts per cell in a fixed number of
queries, recipients, meeting moves. The delivery claims are in storage/deliveries.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Integer, cast, extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import REGULAR_KINDS, THEMATIC_KINDS
from bot.domain.model import OrgKind, Role
from bot.domain.orgtree import effective_meeting, effective_settings

from . import audit
from .deliveries import (  # the scheduler's callers of before #13 read them here too
    CLAIM_CHUNK,
    Claim,
    Finish,
    blocked_context,
    claim,
    claim_many,
    count_by_state,
    finish,
    finish_many,
    mark_unreachable,
    migrate_chat,
    take_retries,
)
from .models import (
    Meeting,
    MeetingMove,
    Org,
    RoleAssignment,
    User,
    ZeroReport,
    utcnow,
)

REMINDED_ROLES = (Role.SECRETARY, Role.DEPUTY)

__all__ = [
    "CLAIM_CHUNK",
    "Claim",
    "Finish",
    "blocked_context",
    "claim",
    "claim_many",
    "count_by_state",
    "finish",
    "finish_many",
    "mark_unreachable",
    "migrate_chat",
    "take_retries",
]


@dataclass(slots=True)
class Node:
    """A node of the tree as the tick reads it: a plain row, not an ORM object (#6: a
    province's 10,000 cells as Org objects took 22 MB of the tick's peak)."""

    id: int
    parent_id: int | None
    kind: OrgKind
    name: str
    path: str
    meeting_day: int | None
    meeting_time: time | None
    founded_on: date | None
    settings: dict[str, Any] | None
    group_chat_id: int | None
    created_at: datetime  # with founded_on: bot.domain.facts.tracked_since (#14)

    @property
    def is_cell(self) -> bool:
        return self.kind == OrgKind.CELL

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


async def tree(session: AsyncSession) -> list[Node]:
    """Every node not archived, as plain rows."""
    rows = await session.execute(
        select(
            Org.id,
            Org.parent_id,
            Org.kind,
            Org.name,
            Org.path,
            Org.meeting_day,
            Org.meeting_time,
            Org.founded_on,
            Org.settings,
            Org.group_chat_id,
            Org.created_at,
        ).where(Org.archived_at.is_(None))
    )
    return [Node(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class CellInfo:
    """A cell with what it inherits from the tree (M7 day and time, settings)."""

    org: Node
    meeting_day: int  # 1-28 or -1 (last day)
    meeting_time: time
    settings: dict[str, Any]
    parent_name: str


@dataclass(frozen=True)
class MonthFacts:
    """Per (cell, year, month): M1 regular meeting, M8 zero report; per quarter: M4."""

    regular: set[tuple[int, int, int]]
    zero: set[tuple[int, int, int]]
    thematic: set[tuple[int, int, int]]  # (cell, year, quarter)
    moves: dict[tuple[int, int, int], date]


async def active_cells(
    session: AsyncSession, *, default_day: int, default_time: time
) -> list[CellInfo]:
    """Every cell not archived, with inherited meeting day/time and settings. One query
    for the whole tree: inheritance is resolved in memory from the materialised paths."""
    nodes = await tree(session)
    by_id = {o.id: o for o in nodes}
    out: list[CellInfo] = []
    for org in nodes:
        if org.kind != OrgKind.CELL:
            continue
        chain = [by_id[i] for i in org.ancestor_ids[:-1] if i in by_id]
        day, at = effective_meeting(org, chain, default_day, default_time)
        parent = by_id.get(org.parent_id) if org.parent_id else None
        out.append(
            CellInfo(
                org=org,
                meeting_day=day,
                meeting_time=at,
                settings=effective_settings(org, chain),
                parent_name=parent.name if parent else "",
            )
        )
    return out


async def month_facts(session: AsyncSession, first: date, last: date) -> MonthFacts:
    """Facts for all cells between two days (whole months), in four grouped queries."""
    year = extract("year", Meeting.held_on)
    month = extract("month", Meeting.held_on)
    saved = (Meeting.state == "saved", Meeting.held_on >= first, Meeting.held_on <= last)
    regular = {
        (int(c), int(y), int(m))
        for c, y, m in await session.execute(
            select(Meeting.cell_id, year, month)
            .where(*saved, Meeting.kind.in_(REGULAR_KINDS))
            .group_by(Meeting.cell_id, year, month)
        )
    }
    thematic = {
        (int(c), int(y), (int(m) - 1) // 3 + 1)
        for c, y, m in await session.execute(
            select(Meeting.cell_id, year, month)
            .where(*saved, Meeting.kind.in_(THEMATIC_KINDS))
            .group_by(Meeting.cell_id, year, month)
        )
    }
    months = _months(first, last)
    zero = {
        (int(c), int(y), int(m))
        for c, y, m in await session.execute(
            select(ZeroReport.cell_id, ZeroReport.year, ZeroReport.month).where(
                ZeroReport.deleted_at.is_(None),
                _ym(ZeroReport.year, ZeroReport.month) >= months[0],
                _ym(ZeroReport.year, ZeroReport.month) <= months[-1],
            )
        )
    }
    moves = {
        (int(c), int(y), int(m)): day
        for c, y, m, day in await session.execute(
            select(MeetingMove.cell_id, MeetingMove.year, MeetingMove.month, MeetingMove.day).where(
                _ym(MeetingMove.year, MeetingMove.month) >= months[0],
                _ym(MeetingMove.year, MeetingMove.month) <= months[-1],
            )
        )
    }
    return MonthFacts(regular, zero, thematic, moves)


def _ym(year: Any, month: Any) -> Any:
    """yyyymm as an integer expression (the columns are SMALLINT: widen before multiplying)."""
    return cast(year, Integer) * 100 + cast(month, Integer)


def _months(first: date, last: date) -> list[int]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class Recipient:
    user_id: int
    locale: str | None
    language_code: str | None


async def recipients(
    session: AsyncSession, org_ids: Iterable[int], roles: tuple[Role, ...] = REMINDED_ROLES
) -> dict[int, list[Recipient]]:
    """Holders of `roles` at each org who can be reached (not blocked), by org."""
    ids = list(org_ids)
    out: dict[int, list[Recipient]] = defaultdict(list)
    if not ids:
        return out
    rows = await session.execute(
        select(RoleAssignment.org_id, User.telegram_id, User.locale, User.language_code)
        .join(User, User.telegram_id == RoleAssignment.user_id)
        .where(
            RoleAssignment.org_id.in_(ids),
            RoleAssignment.role.in_(roles),
            RoleAssignment.revoked_at.is_(None),
            User.unreachable_since.is_(None),
        )
        .order_by(RoleAssignment.org_id, User.telegram_id)
    )
    for org_id, user_id, locale, code in rows:
        if all(r.user_id != user_id for r in out[org_id]):
            out[org_id].append(Recipient(user_id, locale, code))
    return out


async def upper_admins(session: AsyncSession, cell: Org) -> list[Recipient]:
    """The admins of the nearest ancestor that has any (the cell's upper committee)."""
    for org_id in reversed(cell.ancestor_ids[:-1]):
        found = (await recipients(session, [org_id], (Role.ADMIN,))).get(org_id)
        if found:
            return found
    return []


# --- meeting moves (M7) ---------------------------------------------------------------


async def move_meeting(
    session: AsyncSession, cell: Org, day: date, *, actor_id: int
) -> MeetingMove:
    row = await session.scalar(
        select(MeetingMove).where(
            MeetingMove.cell_id == cell.id,
            MeetingMove.year == day.year,
            MeetingMove.month == day.month,
        )
    )
    before = {"day": row.day.isoformat()} if row is not None else None
    if row is None:
        row = MeetingMove(cell_id=cell.id, year=day.year, month=day.month, day=day)
        session.add(row)
    row.day, row.moved_by, row.moved_at = day, actor_id, utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="meeting.move",
        entity="meeting_move",
        entity_id=row.id,
        org_id=cell.id,
        before=before,
        after={"day": day.isoformat()},
    )
    return row
