"""Adding members: one at a time, a pasted list, or an Excel/CSV file.

A pasted list and a file go through the same preview (N new, M updated, K rejected with
the reason for each row) and nothing is written until the secretary confirms.

add:one:<cell> → name → status (add:st:<token>:<status>) → date (add:d:<token>:today) → saved
add:paste:<cell> → text → preview
add:file:<cell> → document → preview          (a document sent any time also works)
preview → imp:ok:<token> (write) / imp:no:<token>
States: see roster_add.mmd.
"""

from __future__ import annotations

from datetime import date

from bot.domain.dates import parse_date
from bot.domain.model import MemberStatus
from bot.domain.roster import NewSpan
from bot.domain.text import normalize, upfirst
from bot.intake import isolated
from bot.intake.roster_import import ParseResult, RosterFileError, parse_pasted
from bot.render import labels
from storage import members

from .base import Stale, Turn, esc, inline
from .import_preview import problem_text, render_preview, stored_import
from .roster import render_list, roster_cell

ADD_STATUSES = (
    MemberStatus.OFFICIAL,
    MemberStatus.PROBATIONARY,
    MemberStatus.EXEMPTED,
    MemberStatus.TEMP_ELSEWHERE,
    MemberStatus.GUEST,
)
MAX_FILE_BYTES = 2 * 1024 * 1024


async def start_add(turn: Turn) -> None:
    """add:one|paste|file:<cell>"""
    _ = turn._
    cell = await roster_cell(turn, turn.int_arg(2))
    how = turn.arg(1)
    if how == "one":
        await turn.start_flow("addone", "name", cell_id=cell.id)
        await turn.reply(_("Type the full name of the new member (e.g. Nguyễn Thị Hòa):"))
    elif how == "paste":
        await turn.start_flow("paste", "text", cell_id=cell.id)
        await turn.reply(
            _(
                "Paste the list, one name per line. You may add the status after a dash, e.g.\n"
                "<code>Nguyễn Văn An\nTrần Thị Hòa - dự bị\nPhạm Thị Thủy - miễn SH từ 01/2024</code>"
            )
        )
    elif how == "file":
        await turn.start_flow("upload", "file", cell_id=cell.id)
        await turn.reply(
            _(
                "Send the member list as an Excel (.xlsx) or CSV file, like the ones you keep. "
                "Title rows above the header are fine. I will show a preview before saving anything."
            )
        )
    else:
        raise Stale


async def name_text(turn: Turn) -> None:
    """Text in the add-one flow: the name."""
    from .roster import name_problem

    _ = turn._
    state = await turn.flow_for("addone")
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    if state.step != "name":
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    name = normalize(turn.text)
    problem = name_problem(turn, name)
    if problem:
        await turn.reply(problem)
        return
    twin = await members.find_by_name(turn.session, cell.id, name)
    await turn.advance("addone", "status", name=name)
    rows = [
        [
            (_(labels.STATUS_SHORT[s]), f"add:st:{state.token}:{s.value}")
            for s in ADD_STATUSES[i : i + 2]
        ]
        for i in range(0, len(ADD_STATUSES), 2)
    ]
    text = _("Status of comrade <b>{name}</b>?").format(name=esc(name))
    if twin is not None:
        text = (
            _(
                "Note: comrade {name} is already on the roster. Continue only if this is another person."
            ).format(name=esc(twin.full_name))
            + "\n\n"
            + text
        )
    await turn.reply(text, inline(rows))


async def picked_status(turn: Turn) -> None:
    """add:st:<token>:<status>"""
    _ = turn._
    state = await turn.flow_for("addone", turn.arg(2))
    try:
        status = MemberStatus(turn.arg(3))
    except ValueError:
        raise Stale from None
    if state.step != "status" or status not in ADD_STATUSES:
        raise Stale
    await roster_cell(turn, int(state.data["cell_id"]))  # the role may have been taken back
    await turn.advance("addone", "date", status=status.value)
    await turn.show(
        _(
            "Since when does the comrade attend this cell with this status? Type a date or press Today."
        ),
        inline([[(_("Today"), f"add:d:{state.token}:today")]]),
    )


async def today_button(turn: Turn) -> None:
    """add:d:<token>:today"""
    state = await turn.flow_for("addone", turn.arg(2))
    if state.step != "date":
        raise Stale
    await _save_one(turn, turn.today)


async def addone_text(turn: Turn) -> None:
    """Typed text in the add-one flow: the name, then the date."""
    _ = turn._
    state = await turn.flow_for("addone")
    if state.step == "name":
        await name_text(turn)
        return
    if state.step != "date":
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    day = parse_date(turn.text, today=turn.today)
    if day is None:
        await turn.reply(_("I could not read that date. Please type it like 03/02/2026."))
        return
    await _save_one(turn, day)


async def _save_one(turn: Turn, day: date) -> None:
    _ = turn._
    state = await turn.flow_for("addone")
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    status = MemberStatus(state.data["status"])
    name = str(state.data["name"])
    await members.add_member(
        turn.session,
        cell_id=cell.id,
        full_name=name,
        spans=[NewSpan(status, day)],
        actor_id=turn.user_id,
    )
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.reply(
            _("Added comrade <b>{name}</b>: {status} from {date}.").format(
                name=esc(name), status=_(labels.STATUS[status]), date=turn.t.date(day)
            )
        )
        await render_list(turn, cell, 0, fresh=True)

    turn.after_commit(confirm)


async def paste_text(turn: Turn) -> None:
    """Text in the paste flow: the list itself."""
    state = await turn.flow_for("paste")
    if state.step != "text":
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    try:
        result = parse_pasted(turn.text, today=turn.today)
    except RosterFileError as exc:
        await turn.reply(upfirst(problem_text(turn, exc.problem)) + ".")
        return
    await _preview(turn, cell.id, turn._("pasted list"), result)


async def _preview(turn: Turn, cell_id: int, source: str, result: ParseResult) -> None:
    state = await turn.start_flow(
        "import", "confirm", cell_id=cell_id, **stored_import(source, result)
    )
    await render_preview(turn, state)


async def document(turn: Turn) -> None:
    """A file sent in private: a roster to import (into the cell being edited, or the only one)."""
    _ = turn._
    msg = turn.update.effective_message
    assert msg is not None
    assert msg.document is not None
    state = await turn.flow()
    cell_id: int | None = None
    if state is not None and state.flow == "upload":
        cell_id = int(state.data["cell_id"])
    else:
        if len(turn.access.cell_ids) == 1:
            cell_id = turn.access.cell_ids[0]
    if cell_id is None:
        await turn.reply(
            _(
                "Which cell is this list for? Open 👥 Members, choose the cell, then press “Send an Excel/CSV file”."
            )
            if turn.access.is_known
            else _("Sorry, you cannot do that here.")
        )
        return
    cell = await roster_cell(turn, cell_id)
    doc = msg.document
    if doc.file_size and doc.file_size > MAX_FILE_BYTES:
        await turn.reply(
            _("This file is too large (at most 2 MB). Please send only the member list.")
        )
        return
    name = doc.file_name or "roster"
    try:
        # #12: the download, then the parse in a fresh process with a time limit; neither
        # needs the database, so the update's worker goes to other users meanwhile.
        async with turn.aside():
            file = await doc.get_file()
            data = bytes(await file.download_as_bytearray())
            result = await isolated.parse_roster(name, data, today=turn.today)
    except RosterFileError as exc:
        await turn.reply(
            _("I could not read this file: {reason}").format(reason=problem_text(turn, exc.problem))
        )
        return
    await _preview(turn, cell.id, name, result)


async def confirm_import(turn: Turn) -> None:
    """imp:ok:<token> / imp:no:<token>"""
    from .import_preview import apply_stored

    _ = turn._
    state = await turn.flow_for("import", turn.arg(2))
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    if turn.arg(1) == "no":
        await turn.finish_flow()
        await turn.show(_("Cancelled. Nothing was saved."))
        return
    added, updated = await apply_stored(turn, cell.id, state.data)
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.show(
            _("Saved: {added} added, {updated} updated.").format(added=added, updated=updated)
        )
        await render_list(turn, cell, 0, fresh=True)

    turn.after_commit(confirm)
