"""S4: every roster and organisation change is attributable."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from .models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    org_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    source: str = "bot",
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        source=source if actor_id is not None or source != "bot" else "system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        org_id=org_id,
        before=before,
        after=after,
    )
    session.add(entry)
    await session.flush()
    return entry
