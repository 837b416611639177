"""The main menu, /start without a code, /help, /cancel and the hint for stray text."""

from __future__ import annotations

from telegram import ReplyKeyboardMarkup

from bot.domain.model import Role
from bot.render.i18n import N_
from bot.services import people

from .base import Stale, Turn, esc

MENU_MEETING = N_("📝 Log a meeting")
MENU_ROSTER = N_("👥 Members")
MENU_ORGS = N_("🏛 Organisation")
MENU_REPORTS = N_("📊 Reports")
MENU_LANGUAGE = N_("🌐 Language")
MENU_HELP = N_("❓ Help")

# (command, description) — published per language with setMyCommands.
PRIVATE_COMMANDS = [
    ("start", N_("Main menu")),
    ("meeting", N_("Log a cell meeting")),
    ("members", N_("The cell's members")),
    ("org", N_("Organisation, invites, linked group")),
    ("baocao", N_("Reports: months, quarters, years")),
    ("language", N_("Change language")),
    ("help", N_("How to use chibo")),
    ("cancel", N_("Stop what you are doing")),
]
GROUP_COMMANDS = [
    ("link", N_("Link this group with a code from chibo")),
    ("baocao", N_("The report of the linked organisation (admins)")),
    ("help", N_("What chibo sends to this group")),
]

ROLE_TITLES = {
    Role.ADMIN: N_("admin of {org}"),
    Role.SECRETARY: N_("secretary of {org}"),
    Role.DEPUTY: N_("deputy secretary of {org}"),
    Role.DELEGATE: N_("delegate for meetings of {org}"),
}


def main_keyboard(turn: Turn) -> ReplyKeyboardMarkup:
    """Big buttons, always on screen (secretaries past fifty on small phones)."""
    _ = turn._
    rows: list[list[str]] = []
    if turn.access.cell_ids:
        rows.append([_(MENU_MEETING)])
        rows.append([_(MENU_ROSTER)])
    if turn.access.is_admin:
        rows.append([_(MENU_ORGS)])
    if turn.access.may_ask_reports:
        rows[-1].append(_(MENU_REPORTS))  # #5: beside the last big button
    rows.append([_(MENU_LANGUAGE), _(MENU_HELP)])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def stranger_text(turn: Turn) -> str:
    _ = turn._
    return _(
        "Hello! I am chibo, the assistant of Party cell secretaries: members, meetings, "
        "reminders and reports.\n\n"
        "To use me you need an invite link from your upper committee. Please ask the comrade "
        "who manages chibo there to send you one, then open it."
    )


async def roles_text(turn: Turn) -> str:
    _ = turn._
    return "\n".join(
        "• " + _(ROLE_TITLES[role]).format(org=f"<b>{esc(org.name)}</b>")
        for role, org in await people.roles(turn.session, turn.access)
    )


async def send_main_menu(turn: Turn, greeting: str | None = None) -> None:
    _ = turn._
    if not turn.access.is_known:
        await turn.reply(stranger_text(turn))
        return
    name = esc(turn.user.display_name) if turn.user else ""
    head = greeting or _("Hello, comrade {name}.").format(name=name)
    text = (
        f"{head}\n\n"
        + _("Your roles:")
        + "\n"
        + await roles_text(turn)
        + "\n\n"
        + _("Choose what to do with the buttons below.")
    )
    await turn.reply(text, main_keyboard(turn))


async def start(turn: Turn) -> None:
    """/start without a code: the main menu, or how to get an invite."""
    await turn.finish_flow()
    await send_main_menu(turn)


async def help_command(turn: Turn) -> None:
    """/help: what the buttons do."""
    _ = turn._
    if not turn.access.is_known:
        await turn.reply(stranger_text(turn))
        return
    parts = [_("<b>How to use chibo</b>")]
    if turn.access.cell_ids:
        parts.append(
            _(
                "{members}: see the cell's members sorted by given name, add one, paste a list "
                "or send an Excel/CSV file, and change a member's status from a date."
            ).format(members=_(MENU_ROSTER))
        )
    if turn.access.is_admin:
        parts.append(
            _(
                "{orgs}: add, rename and move cells, invite secretaries with a one-time link, "
                "and link the committee's group chat."
            ).format(orgs=_(MENU_ORGS))
        )
    parts.append(_("{lang}: Tiếng Việt or English.").format(lang=_(MENU_LANGUAGE)))
    parts.append(_("/cancel stops whatever you are doing; nothing unconfirmed is saved."))
    await turn.reply("\n\n".join(parts), main_keyboard(turn))


async def cancel(turn: Turn) -> None:
    """/cancel: leave any flow; nothing unconfirmed was written."""
    _ = turn._
    had_flow = await turn.flow() is not None
    await turn.finish_flow()
    text = _("Cancelled. Nothing was changed.") if had_flow else _("There was nothing to cancel.")
    await turn.reply(text, main_keyboard(turn) if turn.access.is_known else None)


async def hint(turn: Turn) -> None:
    """Unexpected text: a short hint, never silence."""
    _ = turn._
    if not turn.access.is_known:
        await turn.reply(stranger_text(turn))
        return
    await turn.reply(
        _("I did not understand that. Please use the buttons below, or /help."), main_keyboard(turn)
    )


async def unknown_command(turn: Turn) -> None:
    """A command we do not have."""
    await hint(turn)


async def unknown_button(turn: Turn) -> None:
    """Callback data no handler knows: an old or forged button."""
    raise Stale
