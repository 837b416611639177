"""Invites (#2, S4): single-use codes that give a role or link a group chat; withdraw them,
redeem them.

An admin creates and withdraws invites under the nodes they administer; anyone holding a
code may redeem it once (a role), and only an admin of the node may link a group with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.invites import InviteFacts, InviteState, invite_state, looks_like_code
from bot.domain.model import Role
from storage import invites, orgs, users
from storage.models import Invite, Org, User
from storage.users import Profile

from .orgs import admin_node
from .refusals import Refused, Stale

CELL_ROLES = (Role.SECRETARY, Role.DEPUTY, Role.DELEGATE, Role.ADMIN)


def roles_for(org: Org) -> tuple[Role, ...]:
    """The roles one may be invited to: a cell's, or a committee's admin."""
    return CELL_ROLES if org.is_cell else (Role.ADMIN,)


async def create(
    session: AsyncSession,
    access: Access,
    org_id: int,
    role: Role | None,
    *,
    now: datetime,
    ttl: timedelta,
) -> tuple[Org, str, Invite]:
    """A single-use code for a role at the node, or (role None) one that links a group
    chat with it; (node, the clear code shown once, the row)."""
    org = await admin_node(session, access, org_id)
    if role is not None and role not in roles_for(org):
        raise Stale
    code, invite = await invites.create(
        session,
        org=org,
        purpose="group" if role is None else "role",
        role=role,
        actor_id=access.user_id,
        now=now,
        ttl=ttl,
    )
    return org, code, invite


async def open_list(
    session: AsyncSession, access: Access, org_id: int, *, now: datetime
) -> tuple[Org, list[tuple[Invite, Org | None]]]:
    """Unused invites under the node, each with its own node."""
    org = await admin_node(session, access, org_id)
    pending = await invites.open_invites(session, org.path, now)
    return org, [(inv, await orgs.get(session, inv.org_id)) for inv in pending]


async def withdraw(session: AsyncSession, access: Access, invite_id: int, *, now: datetime) -> bool:
    """Withdraw an invite (an admin of its node); False if it was already used or withdrawn."""
    invite = await invites.get(session, invite_id)
    if invite is None:
        raise Refused
    await admin_node(session, access, invite.org_id)
    if invite.used_at is not None or invite.revoked_at is not None:
        return False
    await invites.revoke(session, invite, actor_id=access.user_id, now=now)
    return True


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    NOT_FOUND = "not_found"
    GROUP_CODE = "group_code"  # a group's code opened in private
    ALREADY_YOURS = "already_yours"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"  # its node or role is gone
    LINKED = "linked"
    TAKEN = "taken"  # the group serves another node, whose admins decide


_REFUSED_STATES = {
    InviteState.USED: Outcome.USED,
    InviteState.EXPIRED: Outcome.EXPIRED,
    InviteState.REVOKED: Outcome.REVOKED,
}


@dataclass(frozen=True)
class Redeemed:
    outcome: Outcome
    org: Org | None = None
    role: Role | None = None
    user: User | None = None  # the caller's row, made when they accept


async def _find(session: AsyncSession, code: str) -> Invite | None:
    return await invites.find(session, code) if looks_like_code(code) else None


def _state(invite: Invite, now: datetime) -> InviteState:
    return invite_state(InviteFacts(invite.expires_at, invite.used_at, invite.revoked_at), now)


async def redeem(
    session: AsyncSession,
    user_id: int,
    profile: Profile,
    user: User | None,
    code: str,
    *,
    now: datetime,
) -> Redeemed:
    """Accept an invite: the caller gets its role at its node (once; the code is spent)."""
    invite = await _find(session, code)
    if invite is None:
        return Redeemed(Outcome.NOT_FOUND)
    if invite.purpose == "group":
        return Redeemed(Outcome.GROUP_CODE)
    state = _state(invite, now)
    if state == InviteState.USED and invite.used_by == user_id:
        return Redeemed(Outcome.ALREADY_YOURS)
    if state != InviteState.VALID:
        return Redeemed(_REFUSED_STATES[state])
    org = await orgs.get(session, invite.org_id)
    if org is None or invite.role is None:
        return Redeemed(Outcome.INVALID)
    if user is None:  # the caller's first row (#12: strangers have none until now)
        user = await users.add_user(session, user_id, profile)
    await invites.mark_used(session, invite, user_id=user_id, now=now)
    role = Role(invite.role)
    await users.grant_role(session, user_id=user_id, org=org, role=role, actor_id=user_id)
    return Redeemed(Outcome.ACCEPTED, org, role, user)


async def link_group(
    session: AsyncSession, access: Access, chat_id: int, code: str, *, now: datetime
) -> Redeemed:
    """Link a group chat with the node of a group code. Only an admin of the node may (a
    forwarded code is not enough), and a group that serves another node moves only if the
    caller administers that one too."""
    invite = await _find(session, code)
    if invite is None or invite.purpose != "group":
        return Redeemed(Outcome.NOT_FOUND)
    if _state(invite, now) != InviteState.VALID:
        return Redeemed(Outcome.EXPIRED)
    org = await orgs.get(session, invite.org_id)
    if org is None or not access.is_admin_of(org.path):
        raise Refused
    current = await orgs.by_group_chat(session, chat_id)
    if current is not None and current.id != org.id and not access.is_admin_of(current.path):
        return Redeemed(Outcome.TAKEN, org)
    await invites.mark_used(session, invite, user_id=access.user_id, now=now)
    await orgs.link_group(session, org, chat_id, actor_id=access.user_id)
    return Redeemed(Outcome.LINKED, org)
