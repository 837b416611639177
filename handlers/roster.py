"""A cell's roster: the list in Vietnamese order (L4), one member's card, renaming.

Callback data: ros:l:<cell>:<page> · ros:m:<member> · ros:rn:<member>
"""

from __future__ import annotations

from bot.domain.model import MemberStatus
from bot.domain.names import person_name_problem, person_name_refusal
from bot.domain.roster import RosterLine, roster_on, status_counts
from bot.domain.text import normalize
from bot.render import labels
from storage import members, orgs
from storage.models import Member, Org

from .base import Button, Refused, Turn, esc, inline

PAGE_SIZE = 30  # a 200-member cell pages; Telegram allows ~100 buttons a message


async def roster_cell(turn: Turn, cell_id: int) -> Org:
    """The cell, if the caller may keep its roster; otherwise Refused (ids can be forged)."""
    org = await orgs.get(turn.session, cell_id)
    if org is None or not org.is_cell or not turn.access.can_keep_roster(org.id, org.path):
        raise Refused
    return org


async def roster_member(turn: Turn, member_id: int) -> tuple[Member, Org]:
    member = await members.get(turn.session, member_id)
    if member is None:
        raise Refused
    return member, await roster_cell(turn, member.cell_id)


def status_mark(turn: Turn, line: RosterLine) -> str:
    if line.status in (None, MemberStatus.OFFICIAL):
        return ""
    return f" <i>({turn._(labels.STATUS_SHORT[line.status])})</i>"


async def open_roster(turn: Turn) -> None:
    """👥 Members / /members: the roster of the caller's cell (or a choice of cells)."""
    _ = turn._
    cells = [
        c for c in [await orgs.get(turn.session, i) for i in turn.access.cell_ids] if c is not None
    ]
    cells = [c for c in cells if c.is_cell and turn.access.can_keep_roster(c.id, c.path)]
    if len(cells) == 1:
        await render_list(turn, cells[0], 0)
        return
    if not cells:
        if turn.access.is_admin:
            await turn.reply(_("Open a cell from 🏛 Organisation to see its members."))
        else:
            await turn.reply(_("You do not keep the roster of any cell."))
        return
    rows = [[(c.name, f"ros:l:{c.id}:0")] for c in cells]
    await turn.reply(_("Which cell?"), inline(rows))


async def list_page(turn: Turn) -> None:
    """ros:l:<cell>:<page>"""
    cell = await roster_cell(turn, turn.int_arg(2))
    await render_list(turn, cell, max(turn.int_arg(3), 0))


async def render_list(turn: Turn, cell: Org, page: int, *, fresh: bool = False) -> None:
    """Show a page of the roster (edit the pressed message, or a new one if `fresh`)."""
    _ = turn._
    rows_db = await members.list_members(turn.session, cell.id)
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
            [(ln.full_name[:40], f"ros:m:{ln.member_id}") for ln in page_lines[i : i + 2]]
        )
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), f"ros:l:{cell.id}:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " »", f"ros:l:{cell.id}:{page + 1}"))
    buttons.append(nav)
    buttons.append(
        [(_("➕ Add one"), f"add:one:{cell.id}"), (_("📋 Paste a list"), f"add:paste:{cell.id}")]
    )
    buttons.append([(_("📎 Send an Excel/CSV file"), f"add:file:{cell.id}")])
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
            (_("🔄 Change status"), f"ms:s:{member.id}"),
            (_("✏️ Correct the name"), f"ros:rn:{member.id}"),
        ],
        [
            (
                _("📋 Attendance {year}").format(year=turn.today.year),
                f"mh:m:{member.id}:{turn.today.year}",
            )
        ],
        [("« " + _("Back to the list"), f"ros:l:{member.cell_id}:0")],
    ]
    if fresh:
        await turn.reply(text, inline(buttons))
    else:
        await turn.show(text, inline(buttons))


async def member_card(turn: Turn) -> None:
    """ros:m:<member>"""
    member, _cell = await roster_member(turn, turn.int_arg(2))
    await render_member(turn, member)


async def ask_rename(turn: Turn) -> None:
    """ros:rn:<member> — ask for the corrected name."""
    member, _cell = await roster_member(turn, turn.int_arg(2))
    await turn.start_flow("rename", "name", member_id=member.id)
    await turn.reply(
        turn._("Type the corrected full name of comrade {name}:").format(name=esc(member.full_name))
    )


async def rename_text(turn: Turn) -> None:
    """Text in the rename flow."""
    _ = turn._
    state = await turn.flow_for("rename")
    member, cell = await roster_member(turn, int(state.data["member_id"]))
    name = normalize(turn.text)
    problem = name_problem(turn, name)
    if problem:
        await turn.reply(problem)
        return
    clash = await members.find_by_name(turn.session, cell.id, name)
    if clash is not None and clash.id != member.id:
        await turn.reply(
            _("Comrade {name} is already on the roster.").format(name=esc(clash.full_name))
        )
        return
    await members.rename(turn.session, member, name, actor_id=turn.user_id)
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.reply(_("Saved."))
        await render_member(turn, member, fresh=True)

    turn.after_commit(confirm)


def name_problem(turn: Turn, name: str) -> str | None:
    """A polite sentence (HTML) if `name` (normalised) cannot be a person's full name: the
    rule of the roster import (bot.domain.names), for every name typed in the bot (#12)."""
    problem = person_name_problem(name)
    return None if problem is None else esc(person_name_refusal(problem, turn._))
