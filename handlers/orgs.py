"""Admins browse their subtree and add, rename and move cells (O2, S4).

OrgView (org:o:<node>:<page>) view a node · AddCell (org:add:<node>) add a cell ·
PickCellType (org:ct:<token>:<type>) · RenameOrg (org:rn:<node>) · OrgBack
(org:b:<token>:<step>) ⬅️ Back from typing a name or choosing the type · ChooseParent
(org:mv:<node>:<page>) a new parent · MoveTo (org:mt:<node>:<parent>). The node's screen also
carries the invites' buttons (defined here, answered in handlers/invites.py).
States: see orgs.mmd.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from bot.domain.model import CellType
from bot.domain.names import org_name_refusal
from bot.domain.text import normalize, upfirst
from bot.render import labels
from bot.render.callbacks import Callback, OpenSchedule, ScheduleFrom
from bot.render.i18n import N_
from bot.services import orgs
from bot.services.refusals import BadName

from .base import Button, Refused, Stale, Turn, esc, inline
from .grades import entry as grades_entry
from .markup import back
from .roster import RosterList

if TYPE_CHECKING:
    from telegram import InlineKeyboardMarkup

    from storage.models import Org

PAGE_SIZE = 20


@dataclasses.dataclass(frozen=True)
class OrgView(Callback):
    prefix: ClassVar[str] = "org:o"
    org: int
    page: int


@dataclasses.dataclass(frozen=True)
class AddCell(Callback):
    prefix: ClassVar[str] = "org:add"
    org: int


@dataclasses.dataclass(frozen=True)
class PickCellType(Callback):
    prefix: ClassVar[str] = "org:ct"
    token: str
    cell_type: CellType


@dataclasses.dataclass(frozen=True)
class RenameOrg(Callback):
    prefix: ClassVar[str] = "org:rn"
    org: int


class OrgStep(StrEnum):
    """The step a ⬅️ Back was pressed on (#15)."""

    NAME = "name"  # typing the new cell's name, or the new name
    TYPE = "type"  # the new cell's type


@dataclasses.dataclass(frozen=True)
class OrgBack(Callback):
    """⬅️ Back from a step of adding or renaming (#15). The token is the flow's, the step
    the one the button was shown on: a button of an ended or moved-on flow is Stale."""

    prefix: ClassVar[str] = "org:b"
    token: str
    step: OrgStep


@dataclasses.dataclass(frozen=True)
class ChooseParent(Callback):
    prefix: ClassVar[str] = "org:mv"
    org: int
    page: int


@dataclasses.dataclass(frozen=True)
class MoveTo(Callback):
    prefix: ClassVar[str] = "org:mt"
    org: int
    parent: int


# The invites' buttons on a node's screen (answered in handlers/invites.py).
@dataclasses.dataclass(frozen=True)
class InviteRoles(Callback):
    """✉️ Invite someone: choose the role."""

    prefix: ClassVar[str] = "inv:r"
    org: int


@dataclasses.dataclass(frozen=True)
class OpenInvites(Callback):
    prefix: ClassVar[str] = "inv:l"
    org: int


@dataclasses.dataclass(frozen=True)
class GroupCode(Callback):
    """🔗 Link a group: a one-time code."""

    prefix: ClassVar[str] = "inv:g"
    org: int


@dataclasses.dataclass(frozen=True)
class Holders(Callback):
    """👤 Roles: who holds one at the node."""

    prefix: ClassVar[str] = "inv:h"
    org: int


def back_button(turn: Turn, org: Org) -> list[Button]:
    """« Back to the node's screen."""
    return [back(turn._, OrgView(org.id, 0).pack())]


async def open_orgs(turn: Turn) -> None:
    """🏛 Organisation / /org: the node the caller administers (or a choice)."""
    _ = turn._
    nodes = await orgs.admin_nodes(turn.session, turn.access)
    if not nodes:
        raise Refused
    if len(nodes) == 1:
        await render_node(turn, nodes[0], 0)
        return
    await turn.reply(
        _("Which organisation?"), inline([[(n.name, OrgView(n.id, 0).pack())] for n in nodes])
    )


async def view(turn: Turn, data: OrgView) -> None:
    org = await orgs.admin_node(turn.session, turn.access, data.org)
    await render_node(turn, org, max(data.page, 0))


async def render_node(turn: Turn, org: Org, page: int, *, fresh: bool = False) -> None:
    _ = turn._
    kids = await orgs.children(turn.session, org)
    pages = max((len(kids) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages - 1)
    lines = [f"<b>{esc(org.name)}</b>", upfirst(_(labels.ORG_KIND[org.kind]))]
    if org.cell_type:
        lines[-1] += " · " + _(labels.CELL_TYPE[org.cell_type])
    lines.append(_("Linked group: yes") if org.group_chat_id else _("Linked group: none"))
    if kids:
        lines.append(
            turn.n_("{n} unit beneath", "{n} units beneath", len(kids)).format(n=len(kids))
        )
    rows: list[list[Button]] = []
    shown = kids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for i in range(0, len(shown), 2):
        rows.append([(k.name[:40], OrgView(k.id, 0).pack()) for k in shown[i : i + 2]])
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), OrgView(org.id, page - 1).pack()))
    if page < pages - 1:
        nav.append((_("Next") + " »", OrgView(org.id, page + 1).pack()))
    rows.append(nav)
    if org.is_cell:
        rows.append([(_("👥 Members"), RosterList(org.id, 0).pack())])
    else:
        rows.append(
            [
                (_("➕ Add a cell"), AddCell(org.id).pack()),
                (_("🏅 Grades"), grades_entry(org.id, turn.today).pack()),  # M9
            ]
        )
    can_move = turn.access.can_move(org.path)
    rows.append(
        [(_("✏️ Rename"), RenameOrg(org.id).pack())]
        + ([(_("↪️ Move"), ChooseParent(org.id, 0).pack())] if can_move else [])
    )
    rows.append(
        [
            (_("✉️ Invite someone"), InviteRoles(org.id).pack()),
            (_("📋 Open invites"), OpenInvites(org.id).pack()),
        ]
    )
    rows.append(
        [(_("🔗 Link a group"), GroupCode(org.id).pack()), (_("👤 Roles"), Holders(org.id).pack())]
    )
    rows.append([(_("🗓 Meeting day and time"), OpenSchedule(org.id, ScheduleFrom.ORG).pack())])
    if org.parent_id is not None and can_move:
        rows.append([("⬆️ " + _("Up"), OrgView(org.parent_id, 0).pack())])
    if fresh:
        await turn.reply("\n".join(lines), inline(rows))
    else:
        await turn.show("\n".join(lines), inline(rows))


def back_markup(turn: Turn, token: str, step: OrgStep) -> InlineKeyboardMarkup:
    return inline([[back(turn._, OrgBack(token, step).pack())]])


NEW_CELL_PROMPT = N_("Name of the new cell (e.g. Chi bộ Khu phố 6):")


async def ask_new_cell(turn: Turn, data: AddCell) -> None:
    org = await orgs.parent_for_new_cell(turn.session, turn.access, data.org)
    state = await turn.start_flow("orgadd", "name", parent_id=org.id)
    await turn.reply(turn._(NEW_CELL_PROMPT), back_markup(turn, state.token, OrgStep.NAME))


async def go_back(turn: Turn, data: OrgBack) -> None:
    """⬅️ Back (#15). From a name: the flow ends (a later line is no name) and the prompt
    becomes the node's screen (the parent for a new cell, the node for a rename). From the
    type: back to typing the name. The node is checked again through the services."""
    state = await turn.flow()
    if (
        state is None
        or state.flow not in ("orgadd", "orgrename")
        or state.token != data.token
        or state.step != data.step
    ):
        raise Stale
    if state.flow == "orgrename":
        org = await orgs.admin_node(turn.session, turn.access, int(state.data["org_id"]))
        await turn.finish_flow()
        await render_node(turn, org, 0)
        return
    parent = await orgs.parent_for_new_cell(turn.session, turn.access, int(state.data["parent_id"]))
    if data.step == OrgStep.TYPE:
        await turn.advance("orgadd", "name")
        await turn.show(turn._(NEW_CELL_PROMPT), back_markup(turn, state.token, OrgStep.NAME))
        return
    await turn.finish_flow()
    await render_node(turn, parent, 0)


async def org_text(turn: Turn) -> None:
    """Typed names in the add-cell and rename flows."""
    _ = turn._
    state = await turn.flow()
    assert state is not None
    name = normalize(turn.text)
    try:
        if state.flow == "orgrename":
            org = await orgs.rename(turn.session, turn.access, int(state.data["org_id"]), name)
            await turn.finish_flow()
            await turn.reply(_("Renamed."))
            await render_node(turn, org, 0, fresh=True)
            return
        parent, taken = await orgs.name_taken(
            turn.session, turn.access, int(state.data["parent_id"]), name
        )
    except BadName as exc:
        await turn.reply(
            esc(org_name_refusal(exc.problem, _)),
            back_markup(turn, state.token, OrgStep(state.step)),
        )
        return
    if state.step != "name":
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    if taken:
        await turn.reply(
            _("{parent} already has a unit with this name.").format(parent=esc(parent.name)),
            back_markup(turn, state.token, OrgStep.NAME),
        )
        return
    await turn.advance("orgadd", "type", name=name)
    types = list(CellType)
    rows = [
        [(_(labels.CELL_TYPE[t]), PickCellType(state.token, t).pack()) for t in types[i : i + 2]]
        for i in range(0, len(types), 2)
    ]
    rows.append([back(_, OrgBack(state.token, OrgStep.TYPE).pack())])  # #15
    await turn.reply(_("Type of <b>{name}</b>?").format(name=esc(name)), inline(rows))


async def picked_type(turn: Turn, data: PickCellType) -> None:
    """Create the cell."""
    _ = turn._
    state = await turn.flow_for("orgadd", data.token)
    if state.step != "type":
        raise Stale
    cell = await orgs.add_cell(
        turn.session,
        turn.access,
        int(state.data["parent_id"]),
        str(state.data["name"]),
        data.cell_type,
    )
    await turn.finish_flow()
    await turn.show(_("Created {name}.").format(name=esc(cell.name)))
    await render_node(turn, cell, 0, fresh=True)


async def ask_rename(turn: Turn, data: RenameOrg) -> None:
    org = await orgs.admin_node(turn.session, turn.access, data.org)
    state = await turn.start_flow("orgrename", "name", org_id=org.id)
    await turn.reply(
        turn._("New name for <b>{name}</b>:").format(name=esc(org.name)),
        back_markup(turn, state.token, OrgStep.NAME),
    )


async def choose_parent(turn: Turn, data: ChooseParent) -> None:
    """Where to move it (nodes the caller administers)."""
    _ = turn._
    org, targets = await orgs.move_targets(turn.session, turn.access, data.org)
    page = max(data.page, 0)
    shown = targets[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[Button]] = [[(n.name[:60], MoveTo(org.id, n.id).pack())] for n in shown]
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), ChooseParent(org.id, page - 1).pack()))
    if (page + 1) * PAGE_SIZE < len(targets):
        nav.append((_("Next") + " »", ChooseParent(org.id, page + 1).pack()))
    rows.append(nav)
    rows.append([back(_, OrgView(org.id, 0).pack())])
    text = (
        _("Move <b>{name}</b> under:").format(name=esc(org.name))
        if targets
        else _("There is nowhere else to move it.")
    )
    await turn.show(text, inline(rows))


async def move_to(turn: Turn, data: MoveTo) -> None:
    _ = turn._
    org, target = await orgs.move(turn.session, turn.access, data.org, data.parent)
    await turn.show(
        _("Moved {name} under {parent}.").format(name=esc(org.name), parent=esc(target.name))
    )
    await render_node(turn, org, 0, fresh=True)
