"""The organisation tree (O1-O3): nodes, subtrees, linked group chats."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import CellType, OrgKind
from bot.domain.text import fold, normalize

from . import audit
from .models import Org


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind.value,
        "parent_id": org.parent_id,
        "cell_type": org.cell_type.value if org.cell_type else None,
        "meeting_day": org.meeting_day,
        "meeting_time": org.meeting_time.strftime("%H:%M") if org.meeting_time else None,
        "group_chat_id": org.group_chat_id,
        "founded_on": org.founded_on.isoformat() if org.founded_on else None,
    }


async def get(session: AsyncSession, org_id: int) -> Org | None:
    org = await session.get(Org, org_id)
    return org if org is not None and org.archived_at is None else None


async def lock(session: AsyncSession, org_id: int) -> None:
    """Hold the node's row until the transaction ends (PostgreSQL: SELECT … FOR UPDATE), so
    that two updates deciding about the same cell at once take turns (#6, concurrent updates).
    SQLite has one writer and handles one update at a time: nothing to do there."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(Org.id).where(Org.id == org_id).with_for_update())


async def create(
    session: AsyncSession,
    *,
    name: str,
    kind: OrgKind,
    parent: Org | None,
    actor_id: int | None,
    cell_type: CellType | None = None,
    meeting_day: int | None = None,
    meeting_time: time | None = None,
    founded_on: date | None = None,
    source: str = "bot",
) -> Org:
    name = normalize(name)
    org = Org(
        name=name,
        name_key=fold(name),
        kind=kind,
        parent_id=parent.id if parent else None,
        cell_type=cell_type,
        meeting_day=meeting_day,
        meeting_time=meeting_time,
        founded_on=founded_on,
        settings={},
    )
    session.add(org)
    await session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="org.create",
        entity="org",
        entity_id=org.id,
        org_id=org.id,
        after=_snapshot(org),
        source=source,
    )
    return org


async def update_fields(
    session: AsyncSession, org: Org, *, actor_id: int | None, source: str = "bot", **fields: Any
) -> None:
    """Change plain fields (name, cell type, meeting day/time) with an audit entry."""
    before = _snapshot(org)
    for key, value in fields.items():
        if key == "name":
            value = normalize(value)
            org.name_key = fold(value)
        setattr(org, key, value)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="org.update",
        entity="org",
        entity_id=org.id,
        org_id=org.id,
        before=before,
        after=_snapshot(org),
        source=source,
    )


async def move(session: AsyncSession, org: Org, new_parent: Org, *, actor_id: int | None) -> None:
    """Re-parent a node and rewrite the paths of its whole subtree in one statement."""
    if new_parent.path.startswith(org.path):
        raise ValueError("cannot move a node under itself")
    before = _snapshot(org)
    old_prefix = org.path
    new_prefix = f"{new_parent.path}{org.id}/"
    await session.execute(
        update(Org)
        .where(Org.path.startswith(old_prefix, autoescape=True))
        .values(path=literal(new_prefix) + func.substr(Org.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    org.parent_id = new_parent.id
    await session.flush()
    await session.refresh(org)
    await audit.record(
        session,
        actor_id=actor_id,
        action="org.move",
        entity="org",
        entity_id=org.id,
        org_id=org.id,
        before=before,
        after=_snapshot(org),
    )


async def children(session: AsyncSession, org: Org) -> list[Org]:
    rows = await session.scalars(
        select(Org).where(Org.parent_id == org.id, Org.archived_at.is_(None)).order_by(Org.name_key)
    )
    return list(rows)


async def subtree(session: AsyncSession, org: Org, *, kind: OrgKind | None = None) -> list[Org]:
    """The node and everything beneath it (optionally one kind), by name."""
    query = select(Org).where(
        Org.path.startswith(org.path, autoescape=True), Org.archived_at.is_(None)
    )
    if kind is not None:
        query = query.where(Org.kind == kind)
    rows = await session.scalars(query.order_by(Org.path))
    return list(rows)


async def ancestors(session: AsyncSession, org: Org) -> list[Org]:
    """From the root down to the parent of `org`."""
    ids = org.ancestor_ids[:-1]
    if not ids:
        return []
    rows = await session.scalars(select(Org).where(Org.id.in_(ids)))
    by_id = {o.id: o for o in rows}
    return [by_id[i] for i in ids if i in by_id]


async def find_by_name(session: AsyncSession, name: str, *, within: Org | None = None) -> list[Org]:
    """Nodes whose folded name equals `name` folded (L5: "Hoà" finds "Hòa")."""
    query = select(Org).where(Org.name_key == fold(name), Org.archived_at.is_(None))
    if within is not None:
        query = query.where(Org.path.startswith(within.path, autoescape=True))
    rows = await session.scalars(query.order_by(Org.id))
    return list(rows)


async def find_child(session: AsyncSession, parent: Org | None, name: str) -> Org | None:
    query = select(Org).where(Org.name_key == fold(name), Org.archived_at.is_(None))
    query = query.where(Org.parent_id.is_(None) if parent is None else Org.parent_id == parent.id)
    return await session.scalar(query.limit(1))


async def by_group_chat(session: AsyncSession, chat_id: int) -> Org | None:
    return await session.scalar(
        select(Org).where(Org.group_chat_id == chat_id, Org.archived_at.is_(None))
    )


async def link_group(
    session: AsyncSession, org: Org, chat_id: int, *, actor_id: int | None
) -> None:
    """Link a group chat to a node; a group serves one node, so any older link is removed."""
    previous = await by_group_chat(session, chat_id)
    if previous is not None and previous.id != org.id:
        await update_fields(session, previous, actor_id=actor_id, group_chat_id=None)
    await update_fields(session, org, actor_id=actor_id, group_chat_id=chat_id)
