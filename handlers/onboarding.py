"""Invites and group linking: /start <code> in private, /link <code> in a group."""

from __future__ import annotations

from telegram import ChatMemberUpdated

from bot.domain.invites import InviteFacts, InviteState, invite_state, looks_like_code
from bot.domain.model import Role
from storage import invites, orgs, users

from .base import Turn, esc
from .menu import ROLE_TITLES, send_main_menu, stranger_text


def _payload(turn: Turn) -> str:
    args = turn.ctx.args or []
    return args[0].strip() if args else ""


async def start_with_code(turn: Turn) -> None:
    """/start <code> in private: accept an invite (a role at a node)."""
    _ = turn._
    code = _payload(turn)
    invite = await invites.find(turn.session, code) if looks_like_code(code) else None
    if invite is None:
        text = _("I could not find this invite. Please check the link, or ask for a new one.")
        if not turn.access.is_known:
            text += "\n\n" + stranger_text(turn)
        await turn.reply(text)
        return
    if invite.purpose == "group":
        await turn.reply(
            _(
                "This code links a group chat. Add me to the committee's group, then send "
                "/link {code} in that group."
            ).format(code=esc(code))
        )
        return
    state = invite_state(
        InviteFacts(invite.expires_at, invite.used_at, invite.revoked_at), turn.now
    )
    if state == InviteState.USED and invite.used_by == turn.user_id:
        await send_main_menu(turn, _("You have already accepted this invite."))
        return
    if state != InviteState.VALID:
        messages = {
            InviteState.USED: _("This invite has already been used. Invites work only once."),
            InviteState.EXPIRED: _(
                "This invite has expired. Please ask your upper committee for a new one."
            ),
            InviteState.REVOKED: _(
                "This invite was withdrawn. Please ask your upper committee for a new one."
            ),
        }
        await turn.reply(messages[state])
        return
    org = await orgs.get(turn.session, invite.org_id)
    if org is None or invite.role is None:
        await turn.reply(_("This invite is no longer valid. Please ask for a new one."))
        return
    await turn.remember()  # the caller's first row (#12: strangers have none until now)
    await invites.mark_used(turn.session, invite, user_id=turn.user_id, now=turn.now)
    await users.grant_role(
        turn.session, user_id=turn.user_id, org=org, role=invite.role, actor_id=turn.user_id
    )
    await turn.finish_flow()
    turn.access = await users.load_access(turn.session, turn.user_id)
    title = _(ROLE_TITLES[Role(invite.role)]).format(org=f"<b>{esc(org.name)}</b>")
    await send_main_menu(
        turn, _("Welcome, comrade! You are now {title} on chibo.").format(title=title)
    )


async def link_group(turn: Turn) -> None:
    """/link <code> (or /start <code> from a startgroup link) in a group: link it to a node."""
    _ = turn._
    code = _payload(turn)
    if not code:
        await turn.reply(group_help_text(turn))
        return
    invite = await invites.find(turn.session, code) if looks_like_code(code) else None
    if invite is None or invite.purpose != "group":
        await turn.reply(
            _("This code is not valid. Create a new one in chibo (🏛 Organisation → Link a group).")
        )
        return
    state = invite_state(
        InviteFacts(invite.expires_at, invite.used_at, invite.revoked_at), turn.now
    )
    if state != InviteState.VALID:
        await turn.reply(_("This code has expired or was already used. Please create a new one."))
        return
    org = await orgs.get(turn.session, invite.org_id)
    # Only an admin of the node may link it: a forwarded code is not enough.
    turn.require(org is not None and turn.access.is_admin_of(org.path))
    assert org is not None
    # Linking moves the group away from the node it serves now: that node's admins decide.
    current = await orgs.by_group_chat(turn.session, turn.chat_id)
    if current is not None and current.id != org.id and not turn.access.is_admin_of(current.path):
        await turn.reply(
            _(
                "This group already receives the summaries of another organisation. An admin "
                "of that organisation must send /unlink here first."
            )
        )
        return
    await invites.mark_used(turn.session, invite, user_id=turn.user_id, now=turn.now)
    await orgs.link_group(turn.session, org, turn.chat_id, actor_id=turn.user_id)
    await turn.reply(
        _(
            "This group is now linked with <b>{org}</b>. Summaries for it and the cells beneath "
            "it will be posted here. No member's name is ever posted to a group."
        ).format(org=esc(org.name))
    )


async def unlink_group(turn: Turn) -> None:
    """/unlink in a linked group, by an admin of the node."""
    _ = turn._
    org = await orgs.by_group_chat(turn.session, turn.chat_id)
    if org is None:
        await turn.reply(group_help_text(turn))
        return
    turn.require(turn.access.is_admin_of(org.path))
    await orgs.update_fields(turn.session, org, actor_id=turn.user_id, group_chat_id=None)
    await turn.reply(_("This group is no longer linked. Nothing more will be posted here."))


def group_help_text(turn: Turn) -> str:
    _ = turn._
    return _(
        "This group is not linked with any organisation, so I post nothing here.\n\n"
        "An admin can create a link code in a private chat with me (🏛 Organisation → Link a "
        "group) and send {command} here."
    ).format(command="<code>/link …</code>")


async def group_help(turn: Turn) -> None:
    """/help or /start in a group: what this group receives (nothing if unlinked)."""
    _ = turn._
    org = await orgs.by_group_chat(turn.session, turn.chat_id)
    if org is None:
        await turn.reply(group_help_text(turn))
        return
    await turn.reply(
        _("This group receives the summaries of <b>{org}</b> and the cells beneath it.").format(
            org=esc(org.name)
        )
    )


async def bot_membership(turn: Turn) -> None:
    """The bot was added to (or removed from) a group."""
    change: ChatMemberUpdated | None = turn.update.my_chat_member
    if change is None or change.chat.type == "private":
        return
    if change.new_chat_member.status in ("member", "administrator"):
        org = await orgs.by_group_chat(turn.session, change.chat.id)
        if org is None:
            await turn.reply(group_help_text(turn))
