"""The organisation tree's use cases (O2, S4): browse, add a cell, rename, move, link a group.

Every function takes the acting person's Access and checks it itself: ids come from button
data or a form, and anyone can forge those.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.model import CellType, OrgKind
from bot.domain.names import org_name_problem
from storage import orgs
from storage.models import Org

from .refusals import BadName, Refused, Stale


async def admin_node(session: AsyncSession, access: Access, org_id: int) -> Org:
    """The node, if the caller administers it (or an ancestor); otherwise Refused."""
    org = await orgs.get(session, org_id)
    if org is None or not access.is_admin_of(org.path):
        raise Refused
    return org


async def movable_node(session: AsyncSession, access: Access, org_id: int) -> Org:
    """The node, if the caller may take it from its current parent (Access.can_move)."""
    org = await admin_node(session, access, org_id)
    if not access.can_move(org.path):
        raise Refused
    return org


async def admin_committee(session: AsyncSession, access: Access, org_id: int) -> Org:
    """A committee (not a cell) the caller administers; otherwise Refused."""
    org = await admin_node(session, access, org_id)
    if org.is_cell:
        raise Refused
    return org


async def admin_nodes(session: AsyncSession, access: Access) -> list[Org]:
    """The nodes the caller administers (the top of each of their subtrees)."""
    found = [await orgs.get(session, g.org_id) for g in access.admin_grants]
    return [n for n in found if n is not None]


async def children(session: AsyncSession, org: Org) -> list[Org]:
    return await orgs.children(session, org)


def _checked(name: str) -> str:
    problem = org_name_problem(name)  # #12: no "=WEBSERVICE(…)" in the committee's workbook
    if problem is not None:
        raise BadName(problem)
    return name


async def parent_for_new_cell(session: AsyncSession, access: Access, parent_id: int) -> Org:
    """A node the caller administers that can hold cells (a cell cannot)."""
    parent = await admin_node(session, access, parent_id)
    if parent.is_cell:
        raise Stale
    return parent


async def name_taken(
    session: AsyncSession, access: Access, parent_id: int, name: str
) -> tuple[Org, bool]:
    """The parent, and whether it already has a unit of that name (BadName for a name that
    cannot be one)."""
    name = _checked(name)
    parent = await admin_node(session, access, parent_id)
    return parent, await orgs.find_child(session, parent, name) is not None


async def add_cell(
    session: AsyncSession, access: Access, parent_id: int, name: str, cell_type: CellType
) -> Org:
    parent = await admin_node(session, access, parent_id)
    return await orgs.create(
        session,
        name=_checked(name),
        kind=OrgKind.CELL,
        parent=parent,
        actor_id=access.user_id,
        cell_type=cell_type,
    )


async def rename(session: AsyncSession, access: Access, org_id: int, name: str) -> Org:
    name = _checked(name)
    org = await admin_node(session, access, org_id)
    await orgs.update_fields(session, org, actor_id=access.user_id, name=name)
    return org


async def move_targets(session: AsyncSession, access: Access, org_id: int) -> tuple[Org, list[Org]]:
    """The node and where it may go: committees the caller administers, not beneath it."""
    org = await movable_node(session, access, org_id)
    targets: list[Org] = []
    for top in await admin_nodes(session, access):
        for node in await orgs.subtree(session, top):
            if (
                node.kind != OrgKind.CELL
                and not node.path.startswith(org.path)
                and node.id != org.parent_id
                and node not in targets
            ):
                targets.append(node)
    return org, targets


async def move(
    session: AsyncSession, access: Access, org_id: int, target_id: int
) -> tuple[Org, Org]:
    """Move a node under another (both ends checked, Access.can_move); (node, new parent)."""
    org = await movable_node(session, access, org_id)
    target = await admin_node(session, access, target_id)
    if target.is_cell or target.path.startswith(org.path):
        raise Refused
    await orgs.move(session, org, target, actor_id=access.user_id)
    return org, target


async def linked_org(session: AsyncSession, chat_id: int) -> Org | None:
    """The node a group chat is linked to, if any."""
    return await orgs.by_group_chat(session, chat_id)


async def unlink_group(session: AsyncSession, access: Access, chat_id: int) -> Org | None:
    """Unlink a group from its node (an admin of that node only); None if it was not linked."""
    org = await orgs.by_group_chat(session, chat_id)
    if org is None:
        return None
    if not access.is_admin_of(org.path):
        raise Refused
    await orgs.update_fields(session, org, actor_id=access.user_id, group_chat_id=None)
    return org
