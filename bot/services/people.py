"""The person acting: who they are, what they may do, their language, the roles they hold.

A face identifies its caller once per request (`identify`: a stranger's request writes
nothing, #12), keeps a row only for what must be kept (`remember`), and reads the roles here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.given_name import given_name_of_member, given_name_of_telegram
from bot.domain.model import Role
from bot.render.i18n import SUPPORTED_LOCALES
from storage import members, orgs, users
from storage.models import Org, RoleAssignment, User
from storage.users import Profile as Profile  # what a face tells about its caller

from .orgs import admin_node
from .refusals import Refused, Stale


async def identify(
    session: AsyncSession, telegram_id: int, profile: Profile
) -> tuple[User | None, Access]:
    """Refresh the caller's row if we know them (a stranger has none: None) and load their
    roles."""
    user = await users.refresh_user(session, telegram_id, profile)
    access = await users.load_access(session, telegram_id) if user else Access(telegram_id)
    return user, access


async def remember(session: AsyncSession, telegram_id: int, profile: Profile) -> User:
    """The caller's first row (#12: strangers have none until they keep something)."""
    return await users.add_user(session, telegram_id, profile)


async def given_name(session: AsyncSession, user: User) -> str:
    """Whom to greet (L6, #15): the given name of the roster member linked to the user, else
    the given name read from their Telegram name ("Lan Phạm", "Phạm Thị Lan" → "Lan"); ""
    when neither holds a name."""
    linked = await members.linked_name(session, user.telegram_id)
    if linked:
        return given_name_of_member(linked)
    return given_name_of_telegram(user.first_name, user.last_name)


async def access_of(session: AsyncSession, user_id: int) -> Access:
    return await users.load_access(session, user_id)


async def choose_language(session: AsyncSession, user: User, locale: str) -> None:
    """STYLE 8: the stored choice wins over Telegram's language."""
    if locale not in SUPPORTED_LOCALES:
        raise Stale
    await users.set_locale(session, user, locale)


async def roles(session: AsyncSession, access: Access) -> list[tuple[Role, Org]]:
    """The caller's roles, each with its node (for the main menu)."""
    out = []
    for grant in access.grants:
        org = await orgs.get(session, grant.org_id)
        if org is not None:
            out.append((grant.role, org))
    return out


async def holders(
    session: AsyncSession, access: Access, org_id: int
) -> tuple[Org, list[tuple[RoleAssignment, User]]]:
    """Who holds roles at a node (its admins only, S4)."""
    org = await admin_node(session, access, org_id)
    return org, await users.grants_at(session, org.id)


async def revoke_role(
    session: AsyncSession, access: Access, grant_id: int, *, now: datetime
) -> Org:
    """S4: the person loses the role; the grant is kept, revoked. An admin of the node only,
    and never their own (an admin cannot lock themselves out by mistake)."""
    grant = await users.get_grant(session, grant_id)
    if grant is None:
        raise Refused
    org = await admin_node(session, access, grant.org_id)
    if grant.user_id == access.user_id:
        raise Refused
    if grant.revoked_at is None:
        await users.revoke_role(session, grant, actor_id=access.user_id, when=now)
    return org
