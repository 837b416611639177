"""A cell's roster: the list in Vietnamese order (L4), one member's card, renaming.

RosterList (ros:l:<cell>:<page>) · MemberCard (ros:m:<member>) · RenameMember
(ros:rn:<member>) · RenameBack (ros:rb:<token>, ⬅️ Back from typing the name); the list and
the card also carry the buttons that start adding members (AddMembers; AddBack, ⬅️ Back on
its steps and the import preview: handlers/roster_add.py) and a status change (ChangeStatus,
handlers/member_status.py), defined here.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from bot.domain.model import MemberStatus
from bot.domain.names import person_name_refusal
from bot.domain.roster import RosterLine, roster_on, status_counts
from bot.domain.text import normalize
from bot.render import labels
from bot.render.callbacks import Callback, MemberYearView
from bot.render.callbacks import MemberCard as MemberCard  # defined there: notifications carry it
from bot.services import roster
from bot.services.refusals import BadName

from .base import Button, Turn, choice_pattern, esc, inline
from .markup import back

if TYPE_CHECKING:
    from telegram import InlineKeyboardMarkup

    from storage.models import Member, Org

PAGE_SIZE = 30  # a 200-member cell pages; Telegram allows ~100 buttons a message


@dataclasses.dataclass(frozen=True)
class RosterList(Callback):
    prefix: ClassVar[str] = "ros:l"
    cell: int
    page: int


@dataclasses.dataclass(frozen=True)
class RenameMember(Callback):
    prefix: ClassVar[str] = "ros:rn"
    member: int


@dataclasses.dataclass(frozen=True)
class RenameBack(Callback):
    """⬅️ Back from typing the corrected name (#15): ends the rename flow, the member's card.
    The token is the flow's: a button of a flow that has ended is out of date."""

    prefix: ClassVar[str] = "ros:rb"
    token: str


class AddHow(StrEnum):
    ONE = "one"
    PASTE = "paste"
    FILE = "file"


@dataclasses.dataclass(frozen=True)
class AddMembers(Callback):
    """➕ one, 📋 a pasted list, 📎 a file (add:one|paste|file:<cell>)."""

    prefix: ClassVar[str] = "add"
    how: AddHow
    cell: int

    @classmethod
    def pattern(cls) -> str:
        return choice_pattern(cls.prefix, AddHow)


class AddStep(StrEnum):
    """The step a ⬅️ Back was pressed on."""

    NAME = "name"
    STATUS = "status"
    DATE = "date"
    PASTE = "paste"
    FILE = "file"
    PREVIEW = "preview"


@dataclasses.dataclass(frozen=True)
class AddBack(Callback):
    """⬅️ Back one step of adding members (#15)."""

    prefix: ClassVar[str] = "add:b"
    token: str
    step: AddStep


@dataclasses.dataclass(frozen=True)
class ChangeStatus(Callback):
    """🔄 Change status (ms:s:<member>)."""

    prefix: ClassVar[str] = "ms:s"
    member: int


async def roster_cell(turn: Turn, cell_id: int) -> Org:
    """The cell, if the caller may keep its roster; otherwise Refused (ids can be forged)."""
    return await roster.roster_cell(turn.session, turn.access, cell_id)


async def roster_member(turn: Turn, member_id: int) -> tuple[Member, Org]:
    return await roster.roster_member(turn.session, turn.access, member_id)


def status_mark(turn: Turn, line: RosterLine) -> str:
    if line.status in (None, MemberStatus.OFFICIAL):
        return ""
    return f" <i>({turn._(labels.STATUS_SHORT[line.status])})</i>"


async def open_roster(turn: Turn) -> None:
    """👥 Members / /members: the roster of the caller's cell (or a choice of cells)."""
    _ = turn._
    cells = await roster.roster_cells(turn.session, turn.access)
    if len(cells) == 1:
        await render_list(turn, cells[0], 0)
        return
    if not cells:
        if turn.access.is_admin:
            await turn.reply(_("Open a cell from 🏛 Organisation to see its members."))
        else:
            await turn.reply(_("You do not keep the roster of any cell."))
        return
    rows = [[(c.name, RosterList(c.id, 0).pack())] for c in cells]
    await turn.reply(_("Which cell?"), inline(rows))


async def list_page(turn: Turn, data: RosterList) -> None:
    cell = await roster_cell(turn, data.cell)
    await render_list(turn, cell, max(data.page, 0))


async def render_list(turn: Turn, cell: Org, page: int, *, fresh: bool = False) -> None:
    """Show a page of the roster (edit the pressed message, or a new one if `fresh`)."""
    _ = turn._
    rows_db = await roster.members_of(turn.session, cell)
    current, left = roster_on(((m.id, m.full_name, m.statuses) for m in rows_db), turn.today)
    lines = current + left
    pages = max((len(lines) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages - 1)
    counts = status_counts(current)
    head = [f"<b>{esc(cell.name)}</b>"]
    if not lines:
        head.append(
            _("No members yet. Add them one by one, paste a list, or send an Excel/CSV file.")
        )
    else:
        summary = " · ".join(
            f"{_(labels.STATUS_SHORT[s])} {counts[s]}" for s in MemberStatus if counts.get(s)
        )
        head.append(
            turn.n_("{n} member on the roster", "{n} members on the roster", len(current)).format(
                n=len(current)
            )
            + (f": {summary}" if summary else "")
        )
    body = []
    start = page * PAGE_SIZE
    for number, line in enumerate(lines[start : start + PAGE_SIZE], start=start + 1):
        if number == len(current) + 1:
            body.append("\n" + _("<b>No longer in the cell:</b>"))
        body.append(f"{number}. {esc(line.full_name)}{status_mark(turn, line)}")
    text = "\n".join(head) + ("\n\n" + "\n".join(body) if body else "")
    if pages > 1:
        text += "\n\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages)
    buttons: list[list[Button]] = []
    page_lines = lines[start : start + PAGE_SIZE]
    for i in range(0, len(page_lines), 2):
        buttons.append(
            [(ln.full_name[:40], MemberCard(ln.member_id).pack()) for ln in page_lines[i : i + 2]]
        )
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), RosterList(cell.id, page - 1).pack()))
    if page < pages - 1:
        nav.append((_("Next") + " »", RosterList(cell.id, page + 1).pack()))
    buttons.append(nav)
    buttons.append(
        [
            (_("➕ Add one"), AddMembers(AddHow.ONE, cell.id).pack()),
            (_("📋 Paste a list"), AddMembers(AddHow.PASTE, cell.id).pack()),
        ]
    )
    buttons.append([(_("📎 Send an Excel/CSV file"), AddMembers(AddHow.FILE, cell.id).pack())])
    if fresh:
        await turn.reply(text, inline(buttons))
    else:
        await turn.show(text, inline(buttons))


def history_text(turn: Turn, member: Member) -> str:
    _ = turn._
    out = []
    for entry in sorted(member.statuses, key=lambda e: (e.effective_from, e.id)):
        line = f"• {turn.t.date(entry.effective_from)}: {_(labels.STATUS[entry.status])}"
        if entry.effective_until:
            line += " " + _("until {date}").format(date=turn.t.date(entry.effective_until))
        out.append(line)
    return "\n".join(out)


async def render_member(turn: Turn, member: Member, *, fresh: bool = False) -> None:
    _ = turn._
    current, left = roster_on([(member.id, member.full_name, member.statuses)], turn.today)
    line = (current or left)[0]
    status = _(labels.STATUS[line.status]) if line.status else _("no status")
    text = (
        f"<b>{esc(member.full_name)}</b>\n"
        + _("Status: {status}").format(status=status)
        + (" " + _("(since {date})").format(date=turn.t.date(line.since)) if line.since else "")
        + "\n\n"
        + _("<b>History</b>")
        + "\n"
        + history_text(turn, member)
    )
    buttons = [
        [
            (_("🔄 Change status"), ChangeStatus(member.id).pack()),
            (_("✏️ Correct the name"), RenameMember(member.id).pack()),
        ],
        [
            (
                _("📋 Attendance {year}").format(year=turn.today.year),
                MemberYearView(member.id, turn.today.year).pack(),
            )
        ],
        [back(_, RosterList(member.cell_id, 0).pack())],  # #15: one label
    ]
    if fresh:
        await turn.reply(text, inline(buttons))
    else:
        await turn.show(text, inline(buttons))


async def member_card(turn: Turn, data: MemberCard) -> None:
    member, _cell = await roster_member(turn, data.member)
    await render_member(turn, member)


async def ask_rename(turn: Turn, data: RenameMember) -> None:
    """Ask for the corrected name."""
    member, _cell = await roster_member(turn, data.member)
    state = await turn.start_flow("rename", "name", member_id=member.id)
    await turn.reply(
        turn._("Type the corrected full name of comrade {name}:").format(
            name=esc(member.full_name)
        ),
        rename_back(turn, state.token),
    )


def rename_back(turn: Turn, token: str) -> InlineKeyboardMarkup:
    """The ⬅️ Back under the rename prompt and its refusals (#15)."""
    return inline([[back(turn._, RenameBack(token).pack())]])


async def rename_back_button(turn: Turn, data: RenameBack) -> None:
    """⬅️ Back from typing the name (#15): the flow ends (a later line is no name), and the
    prompt becomes the member's card. The card is checked again (the member may be gone
    from the caller's rights); a button of an ended flow is Stale."""
    state = await turn.flow_for("rename", data.token)
    member, _cell = await roster_member(turn, int(state.data["member_id"]))
    await turn.finish_flow()
    await render_member(turn, member)


async def rename_text(turn: Turn) -> None:
    """Text in the rename flow."""
    _ = turn._
    state = await turn.flow_for("rename")
    name = normalize(turn.text)
    try:
        member, clash = await roster.rename(
            turn.session, turn.access, int(state.data["member_id"]), name
        )
    except BadName as exc:
        await turn.reply(name_refusal(turn, exc), rename_back(turn, state.token))
        return
    if clash is not None:
        await turn.reply(
            _("Comrade {name} is already on the roster.").format(name=esc(clash.full_name)),
            rename_back(turn, state.token),
        )
        return
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.reply(_("Saved."))
        await render_member(turn, member, fresh=True)

    turn.after_commit(confirm)


def name_refusal(turn: Turn, exc: BadName) -> str:
    """Why a typed name cannot be a person's full name, politely (HTML; #12)."""
    return esc(person_name_refusal(exc.problem, turn._))


def name_problem(turn: Turn, name: str) -> str | None:
    """A polite sentence (HTML) if `name` (normalised) cannot be a person's full name: the
    rule of the roster import (bot.domain.names), for every name typed in the bot (#12)."""
    try:
        roster.checked_name(name)
    except BadName as exc:
        return name_refusal(turn, exc)
    return None
