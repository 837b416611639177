"""The main menu, /start without a code, /help (/trogiup), /cancel (/huy) and the hint for
stray text."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from telegram import ReplyKeyboardMarkup

from bot.domain.model import Role
from bot.render.callbacks import Callback
from bot.render.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LOCALES
from bot.services import meetings, people

from .base import Button, Stale, Turn, esc, inline

MENU_MEETING = N_("📝 Log a meeting")
MENU_ROSTER = N_("👥 Members")
MENU_ORGS = N_("🏛 Organisation")
MENU_REPORTS = N_("📊 Reports")
MENU_LANGUAGE = N_("🌐 Language")  # #15: on the help screen, no longer on the keyboard
MENU_HELP = N_("❓ Help")

# (command, description) — published per language with setMyCommands. The Vietnamese
# commands (#15) stand beside the English ones and do the same (handlers/__init__.py).
PRIVATE_COMMANDS = [
    ("start", N_("Main menu")),
    ("meeting", N_("Log a cell meeting")),
    ("baocao", N_("Reports: months, quarters, years")),
    ("members", N_("The cell's members")),
    ("org", N_("Organisation, invites, linked group")),
    ("trogiup", N_("Help (Vietnamese command)")),
    ("huy", N_("Cancel what you are doing (Vietnamese command)")),
    ("help", N_("How to use chibo")),
    ("cancel", N_("Stop what you are doing")),
    ("language", N_("Change language")),
]
GROUP_COMMANDS = [
    ("link", N_("Link this group with a code from chibo")),
    ("baocao", N_("The report of the linked organisation (admins)")),
    ("trogiup", N_("What chibo sends to this group")),
    ("help", N_("What chibo sends to this group")),
]
HELP_COMMANDS = ("help", "trogiup")
CANCEL_COMMANDS = ("cancel", "huy")

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
    # #15: 🌐 Language is on the help screen, out of reach of an accidental tap.
    rows.append([_(MENU_HELP)])
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


async def hello(turn: Turn) -> str:
    """L6, #15: "Xin chào đồng chí Lan.", by the given name alone."""
    _ = turn._
    name = await people.given_name(turn.session, turn.user) if turn.user else ""
    return _("Hello, comrade {name}.").format(name=esc(name)) if name else _("Hello, comrade.")


async def send_main_menu(turn: Turn, greeting: str | None = None) -> None:
    _ = turn._
    if not turn.access.is_known:
        await turn.reply(stranger_text(turn))
        return
    head = greeting or await hello(turn)
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


@dataclasses.dataclass(frozen=True)
class Language(Callback):
    """A language picked ("lang:<code>", handlers.language.choose)."""

    prefix: ClassVar[str] = "lang"
    locale: str


def language_buttons() -> list[Button]:
    """🌐 The language choice, on the help screen (#15) and after /language."""
    return [(LANGUAGE_NAMES[loc], Language(loc).pack()) for loc in SUPPORTED_LOCALES]


def role_help(turn: Turn) -> list[str]:
    """#15: short, per role, the main jobs first."""
    _ = turn._
    access = turn.access
    parts: list[str] = []
    if access.cell_ids:  # secretary, deputy, delegate: their cell's meetings first
        parts.append(
            _(
                "{meeting}: after each meeting, mark who came and save; or report a month in "
                "which the cell did not meet."
            ).format(meeting=_(MENU_MEETING))
        )
        if access.may_ask_reports:
            parts.append(
                _("{reports}: the cell's figures for a month, a quarter or a year.").format(
                    reports=_(MENU_REPORTS)
                )
            )
        parts.append(
            _(
                "{members}: the cell's members; add one, paste a list or send an Excel file, and "
                "change a member's status."
            ).format(members=_(MENU_ROSTER))
        )
        parts.append(_("🗓 Meeting day and time: under {meeting}.").format(
            meeting=_(MENU_MEETING)))  # fmt: skip
    if access.is_admin:  # an upper committee's admin: the reports and the nudge first
        parts.append(
            _(
                "{reports}: which cells met, which did not, and which have not reported; "
                "📣 remind the cells that have not reported."
            ).format(reports=_(MENU_REPORTS))
        )
        parts.append(
            _(
                "{orgs}: cells, invites for secretaries, the linked group, 🏅 meeting grades."
            ).format(orgs=_(MENU_ORGS))
        )
    return parts


async def help_command(turn: Turn) -> None:
    """/help, /trogiup, ❓: the main jobs of the person's roles, then the language."""
    _ = turn._
    if not turn.access.is_known:
        await turn.reply(stranger_text(turn), inline([language_buttons()]))
        return
    parts = [_("<b>How to use chibo</b>"), *role_help(turn)]
    parts.append(_("/huy (/cancel) stops whatever you are doing; nothing unconfirmed is saved."))
    parts.append(_("🌐 Language:"))
    await turn.reply("\n\n".join(parts), inline([language_buttons()]))


async def cancel(turn: Turn) -> None:
    """/cancel, /huy: leave any flow; nothing unconfirmed was written. A meeting's draft is
    kept by the meeting flow: say so, rather than "nothing changed" (#15)."""
    _ = turn._
    had_flow = await turn.flow() is not None
    await turn.finish_flow()
    kept: list[str] = []
    if turn.access.is_known:
        for cell in await meetings.cells(turn.session, turn.access):
            draft = await meetings.draft_of(turn.session, turn.access, cell)
            if draft is None:
                continue
            if draft.held_on is not None:
                line = _(
                    "The draft record of the meeting of {date} ({cell}) is kept; open {meeting} "
                    "to continue or discard it."
                ).format(
                    date=turn.t.date(draft.held_on), cell=esc(cell.name), meeting=_(MENU_MEETING)
                )
            else:
                line = _("The draft meeting record of {cell} is kept; open {meeting} to continue "
                         "or discard it.").format(cell=esc(cell.name), meeting=_(MENU_MEETING))  # fmt: skip
            kept.append(line)
    if kept:  # "nothing changed" would hide the draft that is offered again next time
        head = _("Cancelled.") if had_flow else _("There was nothing to cancel.")
    else:
        head = (
            _("Cancelled. Nothing was changed.") if had_flow else _("There was nothing to cancel.")
        )
    await turn.reply(
        "\n".join([head, *kept]), main_keyboard(turn) if turn.access.is_known else None
    )


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
