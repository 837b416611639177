"""Deliveries (#4): each message is claimed before it is sent, at most once per (chat, key),
ever, so restarts and a second instance neither lose nor repeat one; then its outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Delivery, Org, User, utcnow


async def claim(
    session: AsyncSession,
    *,
    chat_id: int,
    key: str,
    kind: str,
    org_id: int | None,
    payload: dict[str, Any],
) -> int | None:
    """Insert the claim; None when (chat, key) was claimed before, by anyone, ever."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Delivery)
        .values(
            chat_id=chat_id,
            key=key,
            kind=kind,
            org_id=org_id,
            state="claimed",
            claimed_at=utcnow(),
            attempts=0,
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=["chat_id", "key"])
        .returning(Delivery.id)
    )
    return await session.scalar(stmt)


@dataclass(frozen=True)
class Claim:
    """One delivery to claim: at most once per (chat, key), ever."""

    chat_id: int
    key: str
    kind: str
    org_id: int | None
    payload: dict[str, Any]


CLAIM_CHUNK = 500  # rows per INSERT: 8 parameters a row stays far below SQLite's 32,766


async def claim_many(session: AsyncSession, claims: Sequence[Claim]) -> list[int | None]:
    """Claim many deliveries with a few multi-row INSERTs (one per CLAIM_CHUNK); returns
    the new delivery id for each claim in order, None where (chat, key) was claimed before.
    The same semantics as `claim`, without one round trip per message (#6: 10,000
    reminders took 12 s of write lock claimed one by one)."""
    if not claims:
        return []
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    won: dict[tuple[int, str], int] = {}
    for start in range(0, len(claims), CLAIM_CHUNK):
        chunk = claims[start : start + CLAIM_CHUNK]
        stmt = (
            insert(Delivery)
            .values(
                [
                    {
                        "chat_id": c.chat_id,
                        "key": c.key,
                        "kind": c.kind,
                        "org_id": c.org_id,
                        "state": "claimed",
                        "claimed_at": now,
                        "attempts": 0,
                        "payload": c.payload,
                    }
                    for c in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=["chat_id", "key"])
            .returning(Delivery.id, Delivery.chat_id, Delivery.key)
        )
        for delivery_id, chat_id, key in (await session.execute(stmt)).all():
            won[(chat_id, key)] = delivery_id
    # A (chat, key) listed twice in one call is claimed once: the first wins.
    out: list[int | None] = []
    for c in claims:
        out.append(won.pop((c.chat_id, c.key), None))
    return out


async def drop_many(session: AsyncSession, claims: Sequence[Claim]) -> int:
    """Record messages that were due but are too old to send (#14: a catch-up after
    downtime): claimed like any other, in state "stale", so they are never sent or tried
    again and an operator sees them. Returns how many were recorded now (not before)."""
    ids = [i for i in await claim_many(session, claims) if i is not None]
    if ids:
        await session.execute(
            update(Delivery).where(Delivery.id.in_(ids)).values(state="stale", payload=None)
        )
    return len(ids)


async def finish(
    session: AsyncSession,
    delivery_id: int,
    state: str,
    *,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            state=state,
            attempts=Delivery.attempts + 1,
            message_id=message_id,
            error=(error or None) and error[:200],
            sent_at=utcnow() if state == "sent" else None,
        )
    )


@dataclass(frozen=True)
class Finish:
    delivery_id: int
    state: str
    message_id: int | None = None
    error: str | None = None


async def finish_many(session: AsyncSession, results: Sequence[Finish]) -> None:
    """`finish` for many deliveries in one executemany per outcome shape."""
    now = utcnow()
    rows = [
        {
            "b_id": r.delivery_id,
            "b_state": r.state,
            "b_message_id": r.message_id,
            "b_error": (r.error or None) and r.error[:200],
            "b_sent_at": now if r.state == "sent" else None,
        }
        for r in results
    ]
    if not rows:
        return
    stmt = (
        update(Delivery)
        .where(Delivery.id == bindparam("b_id"))
        .values(
            state=bindparam("b_state"),
            attempts=Delivery.attempts + 1,
            message_id=bindparam("b_message_id"),
            error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
        )
    )
    conn = await session.connection()  # Core executemany: no ORM objects are involved
    await conn.execute(stmt, rows)


async def take_retries(session: AsyncSession, *, max_attempts: int) -> list[Delivery]:
    """Deliveries that failed before reaching Telegram, claimed again for this tick (the
    conditional update makes two instances never take the same one)."""
    rows = list(
        await session.scalars(
            select(Delivery).where(Delivery.state == "retry", Delivery.attempts < max_attempts)
        )
    )
    taken = []
    for row in rows:
        done = await session.execute(
            update(Delivery)
            .where(Delivery.id == row.id, Delivery.state == "retry")
            .values(state="claimed")
        )
        if getattr(done, "rowcount", 0) == 1:
            taken.append(row)
    return taken


async def mark_unreachable(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """The user blocked the bot; True the first time (so admins are told once)."""
    done = await session.execute(
        update(User)
        .where(User.telegram_id == user_id, User.unreachable_since.is_(None))
        .values(unreachable_since=now)
    )
    return getattr(done, "rowcount", 0) == 1


async def blocked_context(session: AsyncSession, delivery_id: int) -> tuple[Org, str] | None:
    """The cell a failed delivery was about and the recipient's name, for the admins."""
    row = await session.get(Delivery, delivery_id)
    if row is None or row.org_id is None:
        return None
    cell = await session.get(Org, row.org_id)
    user = await session.get(User, row.chat_id)
    if cell is None:
        return None
    return cell, user.display_name if user is not None else str(row.chat_id)


async def migrate_chat(session: AsyncSession, old: int, new: int) -> None:
    """ChatMigrated: a group became a supergroup; keep its link (groups get summaries)."""
    await session.execute(update(Org).where(Org.group_chat_id == old).values(group_chat_id=new))


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
    return {state: int(n) for state, n in rows}
