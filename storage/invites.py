"""Invites: deep-link codes for roles and for linking groups (only hashes are stored)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.invites import hash_code, new_code
from bot.domain.model import Role

from . import audit
from .models import Invite, Org


async def create(
    session: AsyncSession,
    *,
    org: Org,
    purpose: str,
    role: Role | None,
    actor_id: int | None,
    now: datetime,
    ttl: timedelta,
    source: str = "bot",
) -> tuple[str, Invite]:
    """Create an invite; returns the clear code (shown once) and the row."""
    code = new_code()
    invite = Invite(
        code_hash=hash_code(code),
        purpose=purpose,
        org_id=org.id,
        role=role,
        created_by=actor_id,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="invite.create",
        entity="invite",
        entity_id=invite.id,
        org_id=org.id,
        after={
            "purpose": purpose,
            "role": role.value if role else None,
            "expires_at": invite.expires_at.isoformat(),
        },
        source=source,
    )
    return code, invite


async def find(session: AsyncSession, code: str) -> Invite | None:
    """The invite for a code, locked for update so two people cannot both use it."""
    return await session.scalar(
        select(Invite).where(Invite.code_hash == hash_code(code)).with_for_update()
    )


async def mark_used(session: AsyncSession, invite: Invite, *, user_id: int, now: datetime) -> None:
    invite.used_at = now
    invite.used_by = user_id
    await audit.record(
        session,
        actor_id=user_id,
        action="invite.use",
        entity="invite",
        entity_id=invite.id,
        org_id=invite.org_id,
        after={"used_by": user_id},
    )


async def revoke(session: AsyncSession, invite: Invite, *, actor_id: int, now: datetime) -> None:
    invite.revoked_at = now
    invite.revoked_by = actor_id
    await audit.record(
        session,
        actor_id=actor_id,
        action="invite.revoke",
        entity="invite",
        entity_id=invite.id,
        org_id=invite.org_id,
    )


async def open_invites(session: AsyncSession, org_paths_prefix: str, now: datetime) -> list[Invite]:
    """Unused, unrevoked, unexpired invites for nodes under a path."""
    rows = await session.scalars(
        select(Invite)
        .join(Org, Org.id == Invite.org_id)
        .where(
            Org.path.startswith(org_paths_prefix, autoescape=True),
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .order_by(Invite.id)
    )
    return list(rows)


async def get(session: AsyncSession, invite_id: int) -> Invite | None:
    return await session.get(Invite, invite_id)
