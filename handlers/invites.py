"""Admins invite people (one-time deep links), create codes that link a group, and take
roles back.

From a node's screen (kinds in handlers/orgs.py): InviteRoles (inv:r:<node>) choose a role ·
GroupCode (inv:g:<node>) · OpenInvites (inv:l:<node>) · Holders (inv:h:<node>) who holds
roles here. Here: CreateInvite (inv:c:<node>:<role>) · Withdraw (inv:x:<invite>) ·
TakeBack (inv:rv:<grant>) a role taken back.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from bot.domain.invites import deep_link
from bot.domain.model import Role
from bot.domain.text import upfirst
from bot.render import labels
from bot.render.callbacks import Callback
from bot.services import invites, orgs, people

from .base import Turn, esc, inline
from .orgs import GroupCode, Holders, InviteRoles, OpenInvites, back_button

if TYPE_CHECKING:
    from storage.models import Invite, Org


@dataclasses.dataclass(frozen=True)
class CreateInvite(Callback):
    prefix: ClassVar[str] = "inv:c"
    org: int
    role: Role


@dataclasses.dataclass(frozen=True)
class Withdraw(Callback):
    prefix: ClassVar[str] = "inv:x"
    invite: int


@dataclasses.dataclass(frozen=True)
class TakeBack(Callback):
    prefix: ClassVar[str] = "inv:rv"
    grant: int


async def choose_role(turn: Turn, data: InviteRoles) -> None:
    _ = turn._
    org = await orgs.admin_node(turn.session, turn.access, data.org)
    rows = [
        [(upfirst(_(labels.ROLE[r])), CreateInvite(org.id, r).pack())]
        for r in invites.roles_for(org)
    ]
    rows.append(back_button(turn, org))
    await turn.show(
        _("Invite someone to <b>{name}</b> as:").format(name=esc(org.name)), inline(rows)
    )


async def _issue(turn: Turn, org_id: int, role: Role | None) -> tuple[Org, str, str, Invite]:
    """A single-use code valid for the configured days; (node, code, expiry date, row)."""
    ttl = timedelta(days=turn.ctx.settings.invite_ttl_days)
    org, code, invite = await invites.create(
        turn.session, turn.access, org_id, role, now=turn.now, ttl=ttl
    )
    until = turn.t.date(invite.expires_at.astimezone(turn.ctx.settings.timezone))
    return org, code, until, invite


async def _send(turn: Turn, text: str, invite: Invite) -> None:
    await turn.reply(text, inline([[(turn._("🚫 Withdraw"), Withdraw(invite.id).pack())]]))


async def create(turn: Turn, data: CreateInvite) -> None:
    """A single-use link for a role."""
    _ = turn._
    org, code, until, invite = await _issue(turn, data.org, data.role)
    text = _(
        "Invite for the {role} of <b>{org}</b>:\n{link}\n\n"
        "Send this link to that comrade only. It works once and expires on {date}."
    ).format(
        role=_(labels.ROLE[data.role]),
        org=esc(org.name),
        link=deep_link(turn.ctx.bot_data.bot_username, code),
        date=until,
    )
    await _send(turn, text, invite)


async def group_code(turn: Turn, data: GroupCode) -> None:
    """A one-time code that links the committee's group chat."""
    _ = turn._
    org, code, until, invite = await _issue(turn, data.org, None)
    text = _(
        "To link a group chat with <b>{org}</b>, open this link and choose the group:\n{link}\n\n"
        "Or add me to the group yourself and send there:\n<code>/link {code}</code>\n\n"
        "Only linked groups ever receive summaries, and never members' names. "
        "The code works once and expires on {date}."
    ).format(
        org=esc(org.name),
        link=deep_link(turn.ctx.bot_data.bot_username, code, group=True),
        code=code,
        date=until,
    )
    await _send(turn, text, invite)


async def open_list(turn: Turn, data: OpenInvites) -> None:
    """Unused invites under the node, each with a withdraw button."""
    _ = turn._
    org, pending = await invites.open_list(turn.session, turn.access, data.org, now=turn.now)
    if not pending:
        await turn.show(
            _("No open invites for {name}.").format(name=esc(org.name)),
            inline([back_button(turn, org)]),
        )
        return
    lines = [_("<b>Open invites</b>")]
    rows = []
    for number, (inv, node) in enumerate(pending[:30], start=1):
        what = _(labels.ROLE[inv.role]) if inv.role else _("group link")
        until = turn.t.date(inv.expires_at.astimezone(turn.ctx.settings.timezone))
        lines.append(
            f"{number}. {esc(node.name if node else '?')} — {what} "
            + _("(until {date})").format(date=until)
        )
        rows.append([(_("🚫 Withdraw #{n}").format(n=number), Withdraw(inv.id).pack())])
    rows.append(back_button(turn, org))
    await turn.show("\n".join(lines), inline(rows))


async def withdraw(turn: Turn, data: Withdraw) -> None:
    _ = turn._
    if not await invites.withdraw(turn.session, turn.access, data.invite, now=turn.now):
        await turn.answer(_("This invite was already used or withdrawn."), alert=True)
        return
    await turn.answer(_("Withdrawn. The link no longer works."), alert=True)
    await turn.show(_("This invite was withdrawn."))


async def holders(turn: Turn, data: Holders) -> None:
    """The people holding roles at the node, each with a take-back button."""
    await _render_holders(turn, data.org)


async def revoke_role(turn: Turn, data: TakeBack) -> None:
    """The person loses the role (the grant is kept, revoked, S4)."""
    org = await people.revoke_role(turn.session, turn.access, data.grant, now=turn.now)
    await turn.answer(turn._("The role was taken back."), alert=True)
    await _render_holders(turn, org.id)


async def _render_holders(turn: Turn, org_id: int) -> None:
    _ = turn._
    org, grants = await people.holders(turn.session, turn.access, org_id)
    lines = [_("<b>Roles at {name}</b>").format(name=esc(org.name))]
    rows = []
    for number, (grant, person) in enumerate(grants, start=1):
        lines.append(f"{number}. {esc(person.display_name)} — {_(labels.ROLE[grant.role])}")
        if grant.user_id != turn.user_id:
            rows.append([(_("➖ Take back #{n}").format(n=number), TakeBack(grant.id).pack())])
    if not grants:
        lines.append(_("Nobody holds a role here yet."))
    rows.append(back_button(turn, org))
    await turn.show("\n".join(lines), inline(rows))
