"""Rosters: members and their status histories (R1). Nothing is ever hard-deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.domain.model import MemberStatus
from bot.domain.roster import ImportPlan, NewSpan
from bot.domain.text import fold, normalize, sort_key

from . import audit, tallies
from .models import Member, MemberStatusChange


def _sort_key(full_name: str) -> str:
    """L4's key, cut to the column: a letter of another script takes seven characters of it,
    so a long foreign name would not fit (the order of such names past 400 is immaterial)."""
    return sort_key(full_name)[:400]


def _span_json(status: MemberStatus, start: date, end: date | None) -> dict[str, Any]:
    return {
        "status": status.value,
        "from": start.isoformat(),
        "until": end.isoformat() if end else None,
    }


async def list_members(session: AsyncSession, cell_id: int) -> list[Member]:
    """Every member ever on the cell's roster, in Vietnamese order (L4), with history."""
    rows = await session.scalars(
        select(Member)
        .where(Member.cell_id == cell_id)
        .options(selectinload(Member.statuses))
        .order_by(Member.sort_key, Member.id)
    )
    return list(rows)


async def get(session: AsyncSession, member_id: int) -> Member | None:
    return await session.scalar(
        select(Member).where(Member.id == member_id).options(selectinload(Member.statuses))
    )


async def linked_name(session: AsyncSession, telegram_id: int) -> str | None:
    """The roster name of the member linked to a Telegram user (the latest linked), or None.

    Read only when the main menu greets someone (#15), so no index of its own."""
    return await session.scalar(
        select(Member.full_name)
        .where(Member.telegram_user_id == telegram_id)
        .order_by(Member.id.desc())
        .limit(1)
    )


async def find_by_name(session: AsyncSession, cell_id: int, name: str) -> Member | None:
    """L5: "Hoà" finds "Hòa"."""
    return await session.scalar(
        select(Member)
        .where(Member.cell_id == cell_id, Member.name_key == fold(name))
        .options(selectinload(Member.statuses))
        .limit(1)
    )


async def add_member(
    session: AsyncSession,
    *,
    cell_id: int,
    full_name: str,
    spans: Sequence[NewSpan],
    actor_id: int | None,
    source: str = "bot",
    refresh_tallies: bool = True,
) -> Member:
    """A new member with their status history; past meetings' tallies follow (R1)."""
    full_name = normalize(full_name)
    member = Member(
        cell_id=cell_id,
        full_name=full_name,
        name_key=fold(full_name),
        sort_key=_sort_key(full_name),
        created_by=actor_id,
    )
    session.add(member)
    await session.flush()
    for span in spans:
        session.add(
            MemberStatusChange(
                member_id=member.id,
                status=span.status,
                effective_from=span.start,
                effective_until=span.end,
                recorded_by=actor_id,
            )
        )
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="member.add",
        entity="member",
        entity_id=member.id,
        org_id=cell_id,
        after={
            "full_name": full_name,
            "statuses": [_span_json(s.status, s.start, s.end) for s in spans],
        },
        source=source,
    )
    if refresh_tallies and spans:
        await tallies.refresh(session, cell_id, since=min(s.start for s in spans))
    return member


async def add_status(
    session: AsyncSession,
    member: Member,
    span: NewSpan,
    *,
    actor_id: int | None,
    note: str | None = None,
    source: str = "bot",
    refresh_tallies: bool = True,
) -> MemberStatusChange:
    """R1: a new entry in the history; earlier entries stay as they were. The tallies of
    the cell's meetings from its start on follow."""
    entry = MemberStatusChange(
        member_id=member.id,
        status=span.status,
        effective_from=span.start,
        effective_until=span.end,
        note=note,
        recorded_by=actor_id,
    )
    session.add(entry)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="member.status",
        entity="member",
        entity_id=member.id,
        org_id=member.cell_id,
        after=_span_json(span.status, span.start, span.end) | {"note": note},
        source=source,
    )
    if refresh_tallies:
        await tallies.refresh(session, member.cell_id, since=span.start)
    return entry


async def rename(session: AsyncSession, member: Member, new_name: str, *, actor_id: int) -> None:
    before = {"full_name": member.full_name}
    member.full_name = normalize(new_name)
    member.name_key = fold(member.full_name)
    member.sort_key = _sort_key(member.full_name)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="member.rename",
        entity="member",
        entity_id=member.id,
        org_id=member.cell_id,
        before=before,
        after={"full_name": member.full_name},
    )


async def existing_index(
    session: AsyncSession, cell_id: int
) -> dict[str, tuple[int, list[MemberStatusChange]]]:
    """Folded name → (member id, history), the input of bot.domain.roster.plan_import."""
    return {m.name_key: (m.id, list(m.statuses)) for m in await list_members(session, cell_id)}


async def apply_import(
    session: AsyncSession,
    cell_id: int,
    plan: ImportPlan,
    *,
    actor_id: int | None,
    source: str = "bot",
) -> tuple[int, int]:
    """Write a confirmed import plan; returns (added, updated). The meetings' tallies are
    refreshed once at the end, not per row."""
    starts: list[date] = []
    for full_name, spans in plan.new:
        await add_member(
            session,
            cell_id=cell_id,
            full_name=full_name,
            spans=spans,
            actor_id=actor_id,
            source=source,
            refresh_tallies=False,
        )
        starts += [s.start for s in spans]
    updated = 0
    for member_id, _name, spans in plan.updated:
        member = await get(session, member_id)
        if member is None or member.cell_id != cell_id:
            continue  # removed from under us; never write into another cell
        for span in spans:
            await add_status(
                session, member, span, actor_id=actor_id, source=source, refresh_tallies=False
            )
            starts.append(span.start)
        updated += 1
    if starts:
        await tallies.refresh(session, cell_id, since=min(starts))
    return len(plan.new), updated
