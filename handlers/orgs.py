"""Admins browse their subtree and add, rename and move cells (O2, S4).

org:o:<node>:<page> view a node · org:add:<node> add a cell · org:ct:<token>:<type>
org:rn:<node> rename · org:mv:<node>:<page> choose a new parent · org:mt:<node>:<parent>
States: see orgs.mmd.
"""

from __future__ import annotations

from bot.domain.model import CellType, OrgKind
from bot.domain.names import org_name_problem, org_name_refusal
from bot.domain.text import normalize, upfirst
from bot.render import labels
from storage import orgs
from storage.models import Org

from .base import Button, Refused, Stale, Turn, esc, inline

PAGE_SIZE = 20


async def admin_node(turn: Turn, org_id: int) -> Org:
    """The node, if the caller administers it (or an ancestor); otherwise Refused."""
    org = await orgs.get(turn.session, org_id)
    if org is None or not turn.access.is_admin_of(org.path):
        raise Refused
    return org


async def movable_node(turn: Turn, org_id: int) -> Org:
    """The node, if the caller may take it from its current parent (Access.can_move)."""
    org = await admin_node(turn, org_id)
    turn.require(turn.access.can_move(org.path))
    return org


async def open_orgs(turn: Turn) -> None:
    """🏛 Organisation / /org: the node the caller administers (or a choice)."""
    _ = turn._
    nodes = [
        n for n in [await orgs.get(turn.session, g.org_id) for g in turn.access.admin_grants] if n
    ]
    if not nodes:
        raise Refused
    if len(nodes) == 1:
        await render_node(turn, nodes[0], 0)
        return
    await turn.reply(
        _("Which organisation?"), inline([[(n.name, f"org:o:{n.id}:0")] for n in nodes])
    )


async def view(turn: Turn) -> None:
    """org:o:<node>:<page>"""
    await render_node(turn, await admin_node(turn, turn.int_arg(2)), max(turn.int_arg(3), 0))


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
        rows.append([(k.name[:40], f"org:o:{k.id}:0") for k in shown[i : i + 2]])
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), f"org:o:{org.id}:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " »", f"org:o:{org.id}:{page + 1}"))
    rows.append(nav)
    if org.is_cell:
        rows.append([(_("👥 Members"), f"ros:l:{org.id}:0")])
    else:
        rows.append([(_("➕ Add a cell"), f"org:add:{org.id}")])
    can_move = turn.access.can_move(org.path)
    rows.append(
        [(_("✏️ Rename"), f"org:rn:{org.id}")]
        + ([(_("↪️ Move"), f"org:mv:{org.id}:0")] if can_move else [])
    )
    rows.append(
        [(_("✉️ Invite someone"), f"inv:r:{org.id}"), (_("📋 Open invites"), f"inv:l:{org.id}")]
    )
    rows.append([(_("🔗 Link a group"), f"inv:g:{org.id}"), (_("👤 Roles"), f"inv:h:{org.id}")])
    rows.append([(_("🗓 Meeting day and time"), f"sc:o:{org.id}")])
    if org.parent_id is not None and can_move:
        rows.append([("⬆️ " + _("Up"), f"org:o:{org.parent_id}:0")])
    if fresh:
        await turn.reply("\n".join(lines), inline(rows))
    else:
        await turn.show("\n".join(lines), inline(rows))


async def ask_new_cell(turn: Turn) -> None:
    """org:add:<node>"""
    org = await admin_node(turn, turn.int_arg(2))
    if org.is_cell:
        raise Stale
    await turn.start_flow("orgadd", "name", parent_id=org.id)
    await turn.reply(turn._("Name of the new cell (e.g. Chi bộ Khu phố 6):"))


async def org_text(turn: Turn) -> None:
    """Typed names in the add-cell and rename flows."""
    _ = turn._
    state = await turn.flow()
    assert state is not None
    name = normalize(turn.text)
    problem = org_name_problem(name)  # #12: no "=WEBSERVICE(…)" in the committee's workbook
    if problem is not None:
        await turn.reply(esc(org_name_refusal(problem, _)))
        return
    if state.flow == "orgrename":
        org = await admin_node(turn, int(state.data["org_id"]))
        await orgs.update_fields(turn.session, org, actor_id=turn.user_id, name=name)
        await turn.finish_flow()
        await turn.reply(_("Renamed."))
        await render_node(turn, org, 0, fresh=True)
        return
    parent = await admin_node(turn, int(state.data["parent_id"]))
    if state.step != "name":
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    if await orgs.find_child(turn.session, parent, name) is not None:
        await turn.reply(
            _("{parent} already has a unit with this name.").format(parent=esc(parent.name))
        )
        return
    await turn.advance("orgadd", "type", name=name)
    types = list(CellType)
    rows = [
        [(_(labels.CELL_TYPE[t]), f"org:ct:{state.token}:{t.value}") for t in types[i : i + 2]]
        for i in range(0, len(types), 2)
    ]
    await turn.reply(_("Type of <b>{name}</b>?").format(name=esc(name)), inline(rows))


async def picked_type(turn: Turn) -> None:
    """org:ct:<token>:<type> — create the cell."""
    _ = turn._
    state = await turn.flow_for("orgadd", turn.arg(2))
    try:
        cell_type = CellType(turn.arg(3))
    except ValueError:
        raise Stale from None
    if state.step != "type":
        raise Stale
    parent = await admin_node(turn, int(state.data["parent_id"]))
    cell = await orgs.create(
        turn.session,
        name=str(state.data["name"]),
        kind=OrgKind.CELL,
        parent=parent,
        actor_id=turn.user_id,
        cell_type=cell_type,
    )
    await turn.finish_flow()
    await turn.show(_("Created {name}.").format(name=esc(cell.name)))
    await render_node(turn, cell, 0, fresh=True)


async def ask_rename(turn: Turn) -> None:
    """org:rn:<node>"""
    org = await admin_node(turn, turn.int_arg(2))
    await turn.start_flow("orgrename", "name", org_id=org.id)
    await turn.reply(turn._("New name for <b>{name}</b>:").format(name=esc(org.name)))


async def choose_parent(turn: Turn) -> None:
    """org:mv:<node>:<page> — where to move it (nodes the caller administers)."""
    _ = turn._
    org = await movable_node(turn, turn.int_arg(2))
    page = max(turn.int_arg(3), 0)
    targets: list[Org] = []
    for grant in turn.access.admin_grants:
        top = await orgs.get(turn.session, grant.org_id)
        if top is None:
            continue
        for node in await orgs.subtree(turn.session, top):
            if (
                node.kind != OrgKind.CELL
                and not node.path.startswith(org.path)
                and node.id != org.parent_id
                and node not in targets
            ):
                targets.append(node)
    shown = targets[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[Button]] = [[(n.name[:60], f"org:mt:{org.id}:{n.id}")] for n in shown]
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), f"org:mv:{org.id}:{page - 1}"))
    if (page + 1) * PAGE_SIZE < len(targets):
        nav.append((_("Next") + " »", f"org:mv:{org.id}:{page + 1}"))
    rows.append(nav)
    rows.append([("« " + _("Back"), f"org:o:{org.id}:0")])
    text = (
        _("Move <b>{name}</b> under:").format(name=esc(org.name))
        if targets
        else _("There is nowhere else to move it.")
    )
    await turn.show(text, inline(rows))


async def move_to(turn: Turn) -> None:
    """org:mt:<node>:<parent>"""
    _ = turn._
    org = await movable_node(turn, turn.int_arg(2))
    target = await admin_node(turn, turn.int_arg(3))
    if target.is_cell or target.path.startswith(org.path):
        raise Refused
    await orgs.move(turn.session, org, target, actor_id=turn.user_id)
    await turn.show(
        _("Moved {name} under {parent}.").format(name=esc(org.name), parent=esc(target.name))
    )
    await render_node(turn, org, 0, fresh=True)
