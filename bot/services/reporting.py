"""The reports' entry points for a face (#5, K1-K4, S2): who may have which node's report,
where, for which period; who issues the committee's report (DOCX); the per-person sheet's
data.

Admins get any node they administer; a cell's secretary or deputy gets their cell. In a
group chat, only the node the group is linked to, and only for its admins. The per-person
sheet names members: private chats only, and a commune's size at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.meetings import RuleProfile
from bot.domain.model import ROSTER_ROLES
from bot.domain.report import Report
from bot.domain.summary import Period
from bot.render.committee_report import Issuer
from bot.services import profiles
from storage import orgs, reports
from storage.models import Org
from storage.reports import PeopleData

from .refusals import Refused, Stale

PEOPLE_MAX_CELLS = 300  # the per-person sheet is for a commune, not a province


def may_report(access: Access, org: Org) -> bool:
    """Admins of the node or above; a cell's secretary or deputy for their cell."""
    if access.is_admin_of(org.path):
        return True
    return org.is_cell and access.holds(org.id, ROSTER_ROLES)


async def report_nodes(session: AsyncSession, access: Access) -> list[Org]:
    """The nodes whose report the caller may have, in the order of their roles."""
    nodes: list[Org] = []
    for grant in access.grants:
        org = await orgs.get(session, grant.org_id)
        if org is not None and may_report(access, org) and org not in nodes:
            nodes.append(org)
    return nodes


async def report_node(
    session: AsyncSession, access: Access, org_id: int, *, group_chat: int | None = None
) -> Org:
    """The node, if the caller may have its report here: in a group chat (`group_chat`),
    only the node the group is linked to and only for its admins (S2)."""
    org = await orgs.get(session, org_id)
    if org is None or not may_report(access, org):
        raise Refused
    if group_chat is not None:
        linked = await orgs.by_group_chat(session, group_chat)
        if linked is None or linked.id != org.id or not may_report_in_group(access, org):
            raise Refused
    return org


def may_nudge_from(access: Access, org: Org, report: Report) -> bool:
    """#15: 📣 under a committee's report: its admins, for a month that is over with cells
    that have not reported (K1); the nudge itself is the digest's (same claims)."""
    figures = report.month
    if figures is None or not figures.unreported or not report.complete:
        return False
    return not org.is_cell and access.is_admin_of(org.path)


def may_report_in_group(access: Access, org: Org) -> bool:
    """In the group linked to a node, only that node's admins ask for its report (S2)."""
    return access.is_admin_of(org.path)


def period(key: str, today: date) -> Period:
    """A period from its key ("2026-11", "2026-Q4", "2026"), begun by `today`; else Stale."""
    try:
        found = Period.parse(key)
    except ValueError:
        raise Stale from None
    if found.first_day > today:
        raise Stale
    return found


async def issuer(session: AsyncSession, node: Org) -> Issuer:
    """Who issues the node's committee report (#14, HD 36-HD/VPTW): the node and, above it
    in the header, its parent node's party organisation (none at the tree's top)."""
    parent = await orgs.get(session, node.parent_id) if node.parent_id is not None else None
    return Issuer(committee=node.name, parent=parent.name if parent is not None else None)


@dataclass(frozen=True)
class PeopleSheet:
    cells: list[Org]
    data: PeopleData
    profile: RuleProfile


async def people_sheet(
    session: AsyncSession, node: Org, period: Period, *, today: date, private: bool
) -> PeopleSheet | None:
    """The per-person sheet's data (S2: private chats only); None when the node has more
    than PEOPLE_MAX_CELLS cells."""
    if not private:
        raise Refused
    cells = await reports.cells_under(session, node)
    if len(cells) > PEOPLE_MAX_CELLS:
        return None
    data = await reports.people(session, node, date(period.year, 1, 1), min(period.last_day, today))
    return PeopleSheet(cells, data, await profiles.rule_profile(session, node))
