"""Telegram users and the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access, Grant
from bot.domain.model import Role

from . import audit
from .models import Org, RoleAssignment, User, utcnow

# last_seen_at is kept to this precision, so that most updates write nothing here (a tap that
# only reads takes no write lock; #6, benchmarks/updates.py). Assigning an unchanged name or
# language writes nothing either: the ORM updates only the columns whose value changed.
SEEN_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class Profile:
    """What Telegram tells about a person with each update."""

    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None

    def apply(self, user: User) -> None:
        user.first_name = self.first_name[:128]
        user.last_name = (self.last_name or None) and self.last_name[:128]
        user.username = self.username
        user.language_code = self.language_code


async def refresh_user(session: AsyncSession, telegram_id: int, seen: Profile) -> User | None:
    """Refresh the row of someone we know; for anybody else, nothing is written (#12: a
    stranger's updates, a flood of them included, leave no trace: the row is made only when
    they do something that must be kept, see `touch_user`)."""
    user = await session.get(User, telegram_id)
    if user is None:
        return None
    seen.apply(user)
    now = utcnow()
    if now - user.last_seen_at >= SEEN_EVERY:
        user.last_seen_at = now
    user.unreachable_since = None  # they wrote to us, so they can be reached again
    return user


async def touch_user(
    session: AsyncSession,
    telegram_id: int,
    *,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> User:
    """Create or refresh the row for the person behind an update."""
    profile = Profile(first_name, last_name, username, language_code)
    return await refresh_user(session, telegram_id, profile) or await add_user(
        session, telegram_id, profile
    )


async def add_user(session: AsyncSession, telegram_id: int, profile: Profile) -> User:
    """The row for someone who had none (see `refresh_user`)."""
    now = utcnow()
    user = User(telegram_id=telegram_id, created_at=now, last_seen_at=now)
    profile.apply(user)
    session.add(user)
    await session.flush()
    return user


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.get(User, telegram_id)


async def ensure_user(session: AsyncSession, telegram_id: int) -> User:
    """A user row for an id known only from the CLI (`chibo admin add`)."""
    user = await session.get(User, telegram_id)
    if user is None:
        user = User(telegram_id=telegram_id, first_name="")
        session.add(user)
        await session.flush()
    return user


async def set_locale(session: AsyncSession, user: User, locale: str) -> None:
    user.locale = locale


async def load_access(session: AsyncSession, user_id: int) -> Access:
    rows = await session.execute(
        select(RoleAssignment.role, RoleAssignment.org_id, Org.path)
        .join(Org, Org.id == RoleAssignment.org_id)
        .where(
            RoleAssignment.user_id == user_id,
            RoleAssignment.revoked_at.is_(None),
            Org.archived_at.is_(None),
        )
        .order_by(RoleAssignment.id)
    )
    grants = tuple(Grant(role=Role(r), org_id=o, org_path=p) for r, o, p in rows.all())
    return Access(user_id=user_id, grants=grants)


async def grant_role(
    session: AsyncSession,
    *,
    user_id: int,
    org: Org,
    role: Role,
    actor_id: int | None,
    source: str = "bot",
) -> RoleAssignment:
    """Give a role; holding it already is not an error (the existing grant is returned)."""
    existing = await session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user_id,
            RoleAssignment.org_id == org.id,
            RoleAssignment.role == role,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    await ensure_user(session, user_id)
    grant = RoleAssignment(user_id=user_id, org_id=org.id, role=role, granted_by=actor_id)
    session.add(grant)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="role.grant",
        entity="role",
        entity_id=grant.id,
        org_id=org.id,
        after={"user_id": user_id, "role": role.value},
        source=source,
    )
    return grant


async def revoke_role(
    session: AsyncSession, grant: RoleAssignment, *, actor_id: int | None, when: datetime
) -> None:
    grant.revoked_at = when
    grant.revoked_by = actor_id
    await audit.record(
        session,
        actor_id=actor_id,
        action="role.revoke",
        entity="role",
        entity_id=grant.id,
        org_id=grant.org_id,
        before={"user_id": grant.user_id, "role": grant.role.value},
    )


async def holders(session: AsyncSession, org_id: int, roles: frozenset[Role]) -> list[User]:
    """Users holding one of `roles` at the node (e.g. a cell's secretaries)."""
    rows = await session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.telegram_id)
        .where(
            RoleAssignment.org_id == org_id,
            RoleAssignment.role.in_(list(roles)),
            RoleAssignment.revoked_at.is_(None),
        )
        .order_by(RoleAssignment.id)
    )
    return list(rows.unique())


async def grants_at(session: AsyncSession, org_id: int) -> list[tuple[RoleAssignment, User]]:
    """Active role grants at one node, oldest first, with the people holding them."""
    rows = await session.execute(
        select(RoleAssignment, User)
        .join(User, User.telegram_id == RoleAssignment.user_id)
        .where(RoleAssignment.org_id == org_id, RoleAssignment.revoked_at.is_(None))
        .order_by(RoleAssignment.id)
    )
    return [(grant, user) for grant, user in rows.all()]


async def get_grant(session: AsyncSession, grant_id: int) -> RoleAssignment | None:
    return await session.get(RoleAssignment, grant_id)
