"""Admins invite people (one-time deep links), create codes that link a group, and take
roles back.

inv:r:<node> choose a role · inv:c:<node>:<role> create · inv:g:<node> group code
inv:l:<node> open invites · inv:x:<invite> withdraw
inv:h:<node> who holds roles here · inv:rv:<grant> take a role back
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.invites import deep_link
from bot.domain.model import Role
from bot.domain.text import upfirst
from bot.render import labels
from storage import invites, orgs, users
from storage.models import Invite, Org

from .base import Refused, Stale, Turn, esc, inline
from .orgs import admin_node

CELL_ROLES = (Role.SECRETARY, Role.DEPUTY, Role.DELEGATE, Role.ADMIN)


async def choose_role(turn: Turn) -> None:
    """inv:r:<node>"""
    _ = turn._
    org = await admin_node(turn, turn.int_arg(2))
    roles = CELL_ROLES if org.is_cell else (Role.ADMIN,)
    rows = [[(upfirst(_(labels.ROLE[r])), f"inv:c:{org.id}:{r.value}")] for r in roles]
    rows.append([("« " + _("Back"), f"org:o:{org.id}:0")])
    await turn.show(
        _("Invite someone to <b>{name}</b> as:").format(name=esc(org.name)), inline(rows)
    )


async def _issue(turn: Turn, org: Org, purpose: str, role: Role | None) -> tuple[str, str, Invite]:
    """Create a single-use code valid for the configured days; (code, expiry date, row)."""
    ttl = timedelta(days=turn.ctx.settings.invite_ttl_days)
    code, invite = await invites.create(
        turn.session,
        org=org,
        purpose=purpose,
        role=role,
        actor_id=turn.user_id,
        now=turn.now,
        ttl=ttl,
    )
    until = turn.t.date(invite.expires_at.astimezone(turn.ctx.settings.timezone))
    return code, until, invite


async def _send(turn: Turn, text: str, invite: Invite) -> None:
    await turn.reply(text, inline([[(turn._("🚫 Withdraw"), f"inv:x:{invite.id}")]]))


async def create(turn: Turn) -> None:
    """inv:c:<node>:<role> — a single-use link for a role."""
    _ = turn._
    org = await admin_node(turn, turn.int_arg(2))
    try:
        role = Role(turn.arg(3))
    except ValueError:
        raise Stale from None
    if role != Role.ADMIN and not org.is_cell:
        raise Stale
    code, until, invite = await _issue(turn, org, "role", role)
    text = _(
        "Invite for the {role} of <b>{org}</b>:\n{link}\n\n"
        "Send this link to that comrade only. It works once and expires on {date}."
    ).format(
        role=_(labels.ROLE[role]),
        org=esc(org.name),
        link=deep_link(turn.ctx.bot_data.bot_username, code),
        date=until,
    )
    await _send(turn, text, invite)


async def group_code(turn: Turn) -> None:
    """inv:g:<node> — a one-time code that links the committee's group chat."""
    _ = turn._
    org = await admin_node(turn, turn.int_arg(2))
    code, until, invite = await _issue(turn, org, "group", None)
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


async def open_list(turn: Turn) -> None:
    """inv:l:<node> — unused invites under the node, each with a withdraw button."""
    _ = turn._
    org = await admin_node(turn, turn.int_arg(2))
    pending = await invites.open_invites(turn.session, org.path, turn.now)
    if not pending:
        await turn.show(
            _("No open invites for {name}.").format(name=esc(org.name)),
            inline([[("« " + _("Back"), f"org:o:{org.id}:0")]]),
        )
        return
    lines = [_("<b>Open invites</b>")]
    rows = []
    for number, inv in enumerate(pending[:30], start=1):
        node = await orgs.get(turn.session, inv.org_id)
        what = _(labels.ROLE[inv.role]) if inv.role else _("group link")
        until = turn.t.date(inv.expires_at.astimezone(turn.ctx.settings.timezone))
        lines.append(
            f"{number}. {esc(node.name if node else '?')} — {what} "
            + _("(until {date})").format(date=until)
        )
        rows.append([(_("🚫 Withdraw #{n}").format(n=number), f"inv:x:{inv.id}")])
    rows.append([("« " + _("Back"), f"org:o:{org.id}:0")])
    await turn.show("\n".join(lines), inline(rows))


async def withdraw(turn: Turn) -> None:
    """inv:x:<invite>"""
    _ = turn._
    invite = await invites.get(turn.session, turn.int_arg(2))
    if invite is None:
        raise Refused
    await admin_node(turn, invite.org_id)
    if invite.used_at is not None or invite.revoked_at is not None:
        await turn.answer(_("This invite was already used or withdrawn."), alert=True)
        return
    await invites.revoke(turn.session, invite, actor_id=turn.user_id, now=turn.now)
    await turn.answer(_("Withdrawn. The link no longer works."), alert=True)
    await turn.show(_("This invite was withdrawn."))


async def holders(turn: Turn) -> None:
    """inv:h:<node> — the people holding roles at the node, each with a take-back button."""
    await _render_holders(turn, await admin_node(turn, turn.int_arg(2)))


async def revoke_role(turn: Turn) -> None:
    """inv:rv:<grant> — the person loses the role (the grant is kept, revoked, S4)."""
    _ = turn._
    grant = await users.get_grant(turn.session, turn.int_arg(2))
    if grant is None:
        raise Refused
    org = await admin_node(turn, grant.org_id)
    if grant.user_id == turn.user_id:
        raise Refused  # an admin cannot lock themselves out by mistake
    if grant.revoked_at is None:
        await users.revoke_role(turn.session, grant, actor_id=turn.user_id, when=turn.now)
    await turn.answer(_("The role was taken back."), alert=True)
    await _render_holders(turn, org)


async def _render_holders(turn: Turn, org: Org) -> None:
    _ = turn._
    grants = await users.grants_at(turn.session, org.id)
    lines = [_("<b>Roles at {name}</b>").format(name=esc(org.name))]
    rows = []
    for number, (grant, person) in enumerate(grants, start=1):
        lines.append(f"{number}. {esc(person.display_name)} — {_(labels.ROLE[grant.role])}")
        if grant.user_id != turn.user_id:
            rows.append([(_("➖ Take back #{n}").format(n=number), f"inv:rv:{grant.id}")])
    if not grants:
        lines.append(_("Nobody holds a role here yet."))
    rows.append([("« " + _("Back"), f"org:o:{org.id}:0")])
    await turn.show("\n".join(lines), inline(rows))
