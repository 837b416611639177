"""🚫 The zero report (M8): "this month the cell did not meet", with a reason, as use cases
any face can call.

Each takes the unit of work (the session), the acting person (their `Access`) and plain
values, and checks that the person may log the cell's meetings (bot.services.meetings.cell).
A `Filed` (a standing report and its cell) is made only by `open_report` and `report`, so
`withdraw` acts only on what was checked. Refusals are `Refused` and `Stale`
(bot.services.refusals); expected "no" answers (a month that cannot be reported, the
correction deadline) are returned as data for the face to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.dates import last_day_of_month
from bot.domain.meetings import BEFORE_CELL, FUTURE, can_correct, correction_deadline, month_of
from bot.services import profiles
from storage import meetings, orgs, zero_reports
from storage.models import Org, ZeroReport

from .meetings import RegularTaken, cell
from .refusals import Stale

MAX_REASON = 200  # the reason column's length


@dataclass(frozen=True)
class Filed:
    """A standing zero report and its cell, the person's access checked; `new`: saved just
    now (otherwise it was found standing)."""

    report: ZeroReport
    cell: Org
    new: bool = False


@dataclass(frozen=True)
class TooLate:
    """The cell's own officers could withdraw the report until `deadline`; now only the
    admins of `upper` (the parent's name, None for a cell without one) can."""

    deadline: date
    upper: str | None


async def refusal(
    session: AsyncSession, access: Access, cell_id: int, year: int, month: int, *, today: date
) -> str | RegularTaken | None:
    """Why the month cannot be reported as "did not meet" (FUTURE, BEFORE_CELL of
    bot.domain.meetings, or the month's regular meeting), or None."""
    org = await cell(session, access, cell_id)
    if (year, month) > month_of(today):
        return FUTURE
    if org.founded_on is not None and (year, month) < month_of(org.founded_on):
        return BEFORE_CELL
    # M1/M8: a month with its regular meeting was met; it cannot also be a zero month.
    meeting = await meetings.regular_in_month(session, org.id, year, month)
    if meeting is not None and meeting.held_on is not None:
        return RegularTaken(meeting.id, meeting.held_on)
    return None


async def standing(
    session: AsyncSession, access: Access, cell_id: int, year: int, month: int
) -> Filed | None:
    """The report that stands for the cell's month, if any."""
    org = await cell(session, access, cell_id)
    report = await zero_reports.active(session, org.id, year, month)
    return None if report is None else Filed(report, org)


async def report(
    session: AsyncSession,
    access: Access,
    cell_id: int,
    year: int,
    month: int,
    reason: str,
    *,
    today: date,
) -> Filed | str | RegularTaken:
    """Report that the cell did not meet in the month, or why not; a report that already
    stands is returned as it is (`new` False): a meeting or another report may have been
    saved since the month was chosen."""
    if not reason or len(reason) > MAX_REASON:
        raise ValueError("the face checks the reason's length first")
    problem = await refusal(session, access, cell_id, year, month, today=today)
    if problem is not None:
        return problem
    found = await standing(session, access, cell_id, year, month)
    if found is not None:
        return found
    org = await cell(session, access, cell_id)
    made = await zero_reports.create(
        session, cell_id=org.id, year=year, month=month, reason=reason, actor_id=access.user_id
    )
    return Filed(made, org, new=True)


async def open_report(session: AsyncSession, access: Access, report_id: int) -> Filed:
    """A standing report; Stale once withdrawn, Refused for another cell's."""
    found = await zero_reports.get(session, report_id)
    if found is None:
        raise Stale  # withdrawn already (or never existed)
    return Filed(found, await cell(session, access, found.cell_id))


async def withdraw(
    session: AsyncSession, access: Access, filed: Filed, *, today: date
) -> TooLate | None:
    """Withdraw the report: the cell's officers until the correction deadline, the admins
    of an ancestor always. The report stands for its whole month: its last day is the
    "meeting day" of the deadline rule."""
    late = await too_late(session, access, filed, today=today)
    if late is None:
        await zero_reports.withdraw(session, filed.report, actor_id=access.user_id)
    return late


async def too_late(
    session: AsyncSession, access: Access, filed: Filed, *, today: date
) -> TooLate | None:
    """Why the person may no longer withdraw the report (`withdraw`'s rule), or None: the
    face asks "withdraw?" only when the answer can be carried out (#15)."""
    org = filed.cell
    profile = await profiles.rule_profile(session, org)
    day = last_day_of_month(filed.report.year, filed.report.month)
    if not can_correct(day, today, is_admin=access.is_admin_of(org.path), profile=profile):
        parent = await orgs.get(session, org.parent_id) if org.parent_id else None
        return TooLate(correction_deadline(day, profile), parent.name if parent else None)
    return None


async def committee(session: AsyncSession, access: Access, cell_id: int) -> str | None:
    """The name of the committee the cell reports to (its parent), None for a cell without
    one: the confirmation says whom the report goes to (#15)."""
    org = await cell(session, access, cell_id)
    parent = await orgs.get(session, org.parent_id) if org.parent_id else None
    return parent.name if parent else None
