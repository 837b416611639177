"""📚 The meeting history (issue #3) as use cases any face can call: the cell's year (M1,
M3, M4, M8, R2) and one member's attendance record (R1-R3, R5, R6).

Each takes the unit of work (the session), the acting person (their `Access`) and plain
values, checks authorization itself (the cell's year: those who log its meetings; a member's
record: those who keep the cell's roster) and returns the figures of bot.domain.history and
bot.domain.member_history.
A year outside FIRST_YEAR..this year is `Stale` (no screen offers it), another cell's
`Refused` (bot.services.refusals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.history import CellYear, YearMeeting, cell_year, stored_tally
from bot.domain.meetings import MeetingType, RuleProfile, ZeroReport
from bot.domain.member_history import MarkedMeeting, MemberYear, member_year
from bot.services import profiles
from storage import history, members, orgs, zero_reports
from storage.models import Member, Org

from .meetings import cell
from .refusals import Refused, Stale

FIRST_YEAR = 1930  # the Party's founding: no cell has meetings before it


@dataclass(frozen=True)
class CellHistory:
    """The cell's year; `first_year`: the earliest year with a meeting or a zero report."""

    cell: Org
    year: CellYear
    first_year: int | None


@dataclass(frozen=True)
class MemberHistory:
    """One member's year, judged by the cell's rule profile (R5, R6)."""

    member: Member
    cell: Org
    year: MemberYear
    profile: RuleProfile
    first_year: int | None


def _year(year: int, today: date) -> int:
    if not FIRST_YEAR <= year <= today.year:
        raise Stale  # navigation never goes past this year: the data is forged or old
    return year


async def member(session: AsyncSession, access: Access, member_id: int) -> tuple[Member, Org]:
    """The member and their cell, if the person may keep the cell's roster; else Refused."""
    found = await members.get(session, member_id)
    if found is None:
        raise Refused
    org = await orgs.get(session, found.cell_id)
    if org is None or not org.is_cell or not access.can_keep_roster(org.id, org.path):
        raise Refused
    return found, org


async def of_cell(
    session: AsyncSession, access: Access, cell_id: int, year: int, *, today: date
) -> CellHistory:
    """The cell's meetings of a year, month by month and quarter by quarter."""
    org = await cell(session, access, cell_id)
    year = _year(year, today)
    roster = [(m.id, m.statuses) for m in await members.list_members(session, org.id)]
    held = [
        YearMeeting(m.id, m.held_on, MeetingType(m.kind), stored_tally(roster, m.held_on, marks))
        for m, marks in await history.year_with_marks(session, org.id, year)
        if m.held_on is not None
    ]
    zero = [
        ZeroReport(z.year, z.month, z.reason)
        for z in await zero_reports.for_year(session, org.id, year)
    ]
    summary = cell_year(year, held, zero, today)
    return CellHistory(org, summary, await history.first_year(session, org.id))


async def of_member(
    session: AsyncSession, access: Access, member_id: int, year: int, *, today: date
) -> MemberHistory:
    """One member's attendance record of a year."""
    person, org = await member(session, access, member_id)
    year = _year(year, today)
    got = await history.member_year(session, org.id, person.id, year)
    profile = await profiles.rule_profile(session, org)
    marked = [
        MarkedMeeting(
            m.id,
            m.held_on,
            MeetingType(m.kind),
            mark.mark if mark else None,
            mark.reason if mark else None,
        )
        for m, mark in got
        if m.held_on is not None
    ]
    record = member_year(year, person.statuses, marked, profile)
    return MemberHistory(person, org, record, profile, await history.first_year(session, org.id))
