"""Invites and group linking: /start <code> in private, /link <code> in a group."""

from __future__ import annotations

from telegram import ChatMemberUpdated

from bot.services import invites, orgs, people
from bot.services.invites import Outcome

from .base import Turn, esc
from .menu import ROLE_TITLES, send_main_menu, stranger_text


def _payload(turn: Turn) -> str:
    args = turn.ctx.args or []
    return args[0].strip() if args else ""


async def start_with_code(turn: Turn) -> None:
    """/start <code> in private: accept an invite (a role at a node)."""
    _ = turn._
    code = _payload(turn)
    done = await invites.redeem(
        turn.session, turn.user_id, turn.profile, turn.user, code, now=turn.now
    )
    match done.outcome:
        case Outcome.NOT_FOUND:
            text = _("I could not find this invite. Please check the link, or ask for a new one.")
            if not turn.access.is_known:
                text += "\n\n" + stranger_text(turn)
            await turn.reply(text)
        case Outcome.GROUP_CODE:
            await turn.reply(
                _(
                    "This code links a group chat. Add me to the committee's group, then send "
                    "/link {code} in that group."
                ).format(code=esc(code))
            )
        case Outcome.ALREADY_YOURS:
            await send_main_menu(turn, _("You have already accepted this invite."))
        case Outcome.USED:
            await turn.reply(_("This invite has already been used. Invites work only once."))
        case Outcome.EXPIRED:
            await turn.reply(
                _("This invite has expired. Please ask your upper committee for a new one.")
            )
        case Outcome.REVOKED:
            await turn.reply(
                _("This invite was withdrawn. Please ask your upper committee for a new one.")
            )
        case Outcome.ACCEPTED:
            assert done.org is not None
            assert done.role is not None
            turn.user = done.user
            await turn.finish_flow()
            turn.access = await people.access_of(turn.session, turn.user_id)
            title = _(ROLE_TITLES[done.role]).format(org=f"<b>{esc(done.org.name)}</b>")
            await send_main_menu(
                turn, _("Welcome, comrade! You are now {title} on chibo.").format(title=title)
            )
        case _:
            await turn.reply(_("This invite is no longer valid. Please ask for a new one."))


async def link_group(turn: Turn) -> None:
    """/link <code> (or /start <code> from a startgroup link) in a group: link it to a node."""
    _ = turn._
    code = _payload(turn)
    if not code:
        await turn.reply(group_help_text(turn))
        return
    done = await invites.link_group(turn.session, turn.access, turn.chat_id, code, now=turn.now)
    match done.outcome:
        case Outcome.NOT_FOUND:
            await turn.reply(
                _(
                    "This code is not valid. Create a new one in chibo "
                    "(🏛 Organisation → Link a group)."
                )
            )
        case Outcome.EXPIRED:
            await turn.reply(
                _("This code has expired or was already used. Please create a new one.")
            )
        case Outcome.TAKEN:
            await turn.reply(
                _(
                    "This group already receives the summaries of another organisation. An admin "
                    "of that organisation must send /unlink here first."
                )
            )
        case _:
            assert done.org is not None
            await turn.reply(
                _(
                    "This group is now linked with <b>{org}</b>. Summaries for it and the cells "
                    "beneath it will be posted here. No member's name is ever posted to a group."
                ).format(org=esc(done.org.name))
            )


async def unlink_group(turn: Turn) -> None:
    """/unlink in a linked group, by an admin of the node."""
    _ = turn._
    if await orgs.unlink_group(turn.session, turn.access, turn.chat_id) is None:
        await turn.reply(group_help_text(turn))
        return
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
    org = await orgs.linked_org(turn.session, turn.chat_id)
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
        org = await orgs.linked_org(turn.session, change.chat.id)
        if org is None:
            await turn.reply(group_help_text(turn))
