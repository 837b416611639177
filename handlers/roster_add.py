"""Adding members: one at a time, a pasted list, or an Excel/CSV file.

A pasted list and a file go through the same preview (N new, M updated, K rejected with
the reason for each row) and nothing is written until the secretary confirms.

AddMembers (add:one:<cell>, handlers/roster.py) → name → status (AddStatus
"add:st:<token>:<status>") → date (AddToday "add:d:<token>:today") → saved
add:paste:<cell> → text → preview
add:file:<cell> → document → preview          (a document sent any time also works)
preview → SaveImport (imp:ok:<token> write / imp:no:<token>, handlers/import_preview.py)
⬅️ Back on every step (AddBack "add:b:<token>:<step>", #15): the name, the pasted list and
the file prompts go back to the roster, the status to the name, the date to the status, the
preview to the prompt the list came from.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from telegram import InlineKeyboardMarkup

from bot.domain.dates import parse_date
from bot.domain.model import MemberStatus
from bot.domain.text import normalize, upfirst
from bot.render import labels
from bot.render.callbacks import Callback
from bot.services import roster
from bot.services.refusals import BadName
from bot.services.roster import ADD_STATUSES, RosterFileError

from .base import Answer, Button, Stale, Turn, esc, inline
from .import_preview import SaveImport, render_preview
from .markup import back
from .roster import (
    AddBack,
    AddHow,
    AddMembers,
    AddStep,
    name_refusal,
    render_list,
    roster_cell,
)

if TYPE_CHECKING:
    from storage.models import FlowState, Member


# Each step's (flow, flow step): a Back from an older screen than the flow's is Stale.
STEP_FLOW = {
    AddStep.NAME: ("addone", "name"),
    AddStep.STATUS: ("addone", "status"),
    AddStep.DATE: ("addone", "date"),
    AddStep.PASTE: ("paste", "text"),
    AddStep.FILE: ("upload", "file"),
    AddStep.PREVIEW: ("import", "confirm"),
}


@dataclasses.dataclass(frozen=True)
class AddStatus(Callback):
    prefix: ClassVar[str] = "add:st"
    token: str
    status: MemberStatus


@dataclasses.dataclass(frozen=True)
class AddToday(Callback):
    prefix: ClassVar[str] = "add:d"
    token: str
    today: str  # always "today"


def back_row(turn: Turn, state: FlowState, step: AddStep) -> list[Button]:
    return [back(turn._, AddBack(state.token, step).pack())]


async def start_add(turn: Turn, data: AddMembers) -> None:
    """➕ one, 📋 a pasted list, 📎 a file."""
    _ = turn._
    cell = await roster_cell(turn, data.cell)
    await ask_first(turn, data.how, cell.id)


async def ask_first(turn: Turn, how: AddHow, cell_id: int, *, edit: bool = False) -> None:
    """The first step of each way of adding (a new message, or, going back, the screen
    the button was pressed on)."""
    _ = turn._
    if how == AddHow.ONE:
        state = await turn.start_flow("addone", "name", cell_id=cell_id)
        text, step = _("Type the full name of the new member (e.g. Nguyễn Thị Hòa):"), AddStep.NAME
    elif how == AddHow.PASTE:
        state = await turn.start_flow("paste", "text", cell_id=cell_id)
        text = _(
            "Paste the list, one name per line. You may add the status after a dash, e.g.\n"
            "<code>Nguyễn Văn An\nTrần Thị Hòa - dự bị\nPhạm Thị Thủy - miễn SH từ 01/2024</code>"
        )
        step = AddStep.PASTE
    else:
        state = await turn.start_flow("upload", "file", cell_id=cell_id)
        text = _(
            "Send the member list as an Excel (.xlsx, .xls) or CSV file, like the ones you keep. "
            "Title rows above the header are fine. I will show a preview before saving anything."
        )
        step = AddStep.FILE
    markup = inline([back_row(turn, state, step)])
    if edit:
        await turn.show(text, markup)
    else:
        await turn.reply(text, markup)


async def go_back(turn: Turn, data: AddBack) -> None:
    """⬅️ Back one step (#15); what was typed before that step is kept."""
    flow, step = STEP_FLOW[data.step]
    state = await turn.flow_for(flow, data.token)
    if state.step != step:
        raise Stale
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    if data.step == AddStep.STATUS:
        await turn.advance("addone", "name")
        await turn.show(
            turn._("Type the full name of the new member (e.g. Nguyễn Thị Hòa):"),
            inline([back_row(turn, state, AddStep.NAME)]),
        )
    elif data.step == AddStep.DATE:
        await turn.advance("addone", "status")
        name = str(state.data["name"])
        twin = await roster.namesake(turn.session, cell, name)
        await turn.show(*status_screen(turn, state, name, twin))
    elif data.step == AddStep.PREVIEW:
        how = AddHow.FILE if state.data.get("how") == AddHow.FILE else AddHow.PASTE
        await ask_first(turn, how, cell.id, edit=True)
    else:  # the first step: back to the roster, nothing kept
        await turn.finish_flow()
        await render_list(turn, cell, 0)


async def name_text(turn: Turn) -> None:
    """Text in the add-one flow: the name."""
    _ = turn._
    state = await turn.flow_for("addone")
    cell = await roster_cell(turn, int(state.data["cell_id"]))
    if state.step != "name":
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    name = normalize(turn.text)
    try:
        twin = await roster.namesake(turn.session, cell, name)
    except BadName as exc:
        await turn.reply(name_refusal(turn, exc))
        return
    await turn.advance("addone", "status", name=name)
    await turn.reply(*status_screen(turn, state, name, twin))


def status_screen(
    turn: Turn, state: FlowState, name: str, twin: Member | None
) -> tuple[str, InlineKeyboardMarkup]:
    _ = turn._
    rows = [
        [
            (_(labels.STATUS_SHORT[s]), AddStatus(state.token, s).pack())
            for s in ADD_STATUSES[i : i + 2]
        ]
        for i in range(0, len(ADD_STATUSES), 2)
    ]
    rows.append(back_row(turn, state, AddStep.STATUS))
    text = _("Status of comrade <b>{name}</b>?").format(name=esc(name))
    if twin is not None:
        text = (
            _(
                "Note: comrade {name} is already on the roster. Continue only if this is another person."
            ).format(name=esc(twin.full_name))
            + "\n\n"
            + text
        )
    return text, inline(rows)


async def picked_status(turn: Turn, data: AddStatus) -> None:
    _ = turn._
    state = await turn.flow_for("addone", data.token)
    status = data.status
    if state.step != "status" or status not in ADD_STATUSES:
        raise Stale
    await roster_cell(turn, int(state.data["cell_id"]))  # the role may have been taken back
    await turn.advance("addone", "date", status=status.value)
    await turn.show(
        _(
            "Since when does the comrade attend this cell with this status? Type a date or press Today."
        ),
        inline(
            [
                [(_("Today"), AddToday(state.token, "today").pack())],
                back_row(turn, state, AddStep.DATE),
            ]
        ),
    )


async def today_button(turn: Turn, data: AddToday) -> None:
    state = await turn.flow_for("addone", data.token)
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
    status = MemberStatus(state.data["status"])
    name = str(state.data["name"])
    cell = await roster.add_member(
        turn.session, turn.access, int(state.data["cell_id"]), name, status, day
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
        result = roster.parse_text(turn.text, today=turn.today)
    except RosterFileError as exc:
        await turn.reply(upfirst(labels.problem_text(turn._, exc.problem)) + ".")
        return
    await _preview(turn, cell.id, turn._("pasted list"), result, AddHow.PASTE)


async def _preview(
    turn: Turn, cell_id: int, source: str, result: roster.ParseResult, how: AddHow
) -> None:
    state = await turn.start_flow(
        "import",
        "confirm",
        cell_id=cell_id,
        how=how.value,  # where ⬅️ Back goes (#15)
        **roster.stored_import(source, result),
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
    if roster.file_too_large(doc.file_size):
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
            result = await roster.parse_file(name, data, today=turn.today)
    except RosterFileError as exc:
        # #15: the way that always works, in the same message.
        paste = AddMembers(AddHow.PASTE, cell.id).pack()
        await turn.reply(
            _("I could not read this file: {reason}").format(
                reason=labels.problem_text(_, exc.problem)
            )
            + "\n"
            + _("You can also paste the list as a message instead."),
            inline([[(_("📋 Paste a list"), paste)]]),
        )
        return
    await _preview(turn, cell.id, name, result, AddHow.FILE)


async def confirm_import(turn: Turn, data: SaveImport) -> None:
    """✅ Save (write the previewed import) / ✖️ Cancel."""
    _ = turn._
    state = await turn.flow_for("import", data.token)
    cell_id = int(state.data["cell_id"])
    await roster_cell(turn, cell_id)
    if data.answer == Answer.NO:
        await turn.finish_flow()
        await turn.show(_("Cancelled. Nothing was saved."))
        return
    cell, added, updated = await roster.commit(turn.session, turn.access, cell_id, state.data)
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.show(
            _("Saved: {added} added, {updated} updated.").format(added=added, updated=updated)
        )
        await render_list(turn, cell, 0, fresh=True)

    turn.after_commit(confirm)
