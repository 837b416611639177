"""What the admins' monthly digest (K1) and the tick's group messages read (#4): the nodes,
the cells that reported a month, the deliveries already claimed. The yearly R5/R6 rows are
in storage/yearly.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import REGULAR_KINDS

from .models import Delivery, Meeting, Org, ZeroReport
from .yearly import CHUNK


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
