"""The meeting use cases without a face (#13), on SQLite and PostgreSQL: the zero report
(bot.services.zero_reports, M8), the history (bot.services.history) and, briefly, saving
(bot.services.meeting_save: M1 re-checked at saving, M8's withdrawal). Each checks the
acting person's access itself and answers with data or a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.access import Access, Grant
from bot.domain.history import MonthStatus
from bot.domain.meetings import BEFORE_CELL, FUTURE, Attendance, MeetingType
from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.services import history, meeting_roll, meeting_save, zero_reports
from bot.services import meetings as service
from bot.services.meetings import Record, RegularTaken
from bot.services.refusals import Refused, Stale
from storage import members, orgs
from storage import zero_reports as stored_reports
from storage.models import Org

Sessions = async_sessionmaker[AsyncSession]
TODAY = date(2026, 11, 21)
WARD_NAME = "Đảng ủy phường Hòa Minh"


@dataclass
class Tree:
    ward: Org
    cell: Org
    other: Org
    sec: Access  # the cell's secretary
    dep: Access  # its deputy
    delegate: Access  # logs its meetings, does not keep its roster
    admin: Access  # the ward's admin
    stranger: Access  # the other cell's secretary


def grant(user_id: int, role: Role, org: Org) -> Access:
    return Access(user_id, (Grant(role, org.id, org.path),))


async def tree(s: AsyncSession) -> Tree:
    ward = await orgs.create(s, name=WARD_NAME, kind=OrgKind.COMMUNE, parent=None, actor_id=None)
    cells = [
        await orgs.create(
            s,
            name=name,
            kind=OrgKind.CELL,
            parent=ward,
            actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )
        for name in ("Chi bộ Khu phố 5", "Chi bộ Tổ dân phố 12")
    ]
    cell, other = cells
    cell.founded_on = date(2020, 3, 10)
    return Tree(
        ward,
        cell,
        other,
        sec=grant(200, Role.SECRETARY, cell),
        dep=grant(201, Role.DEPUTY, cell),
        delegate=grant(202, Role.DELEGATE, cell),
        admin=grant(900, Role.ADMIN, ward),
        stranger=grant(203, Role.SECRETARY, other),
    )


async def draft(s: AsyncSession, access: Access, cell: Org, day: date) -> Record:
    """A regular meeting's draft with its date set (M1 checked at that moment)."""
    record = await service.start_draft(
        s, access, cell.id, MeetingType.REGULAR, default_day=5, default_time=time(19, 30)
    )
    assert await service.set_date(s, record, day, today=TODAY) is None
    return record


async def logged(s: AsyncSession, access: Access, cell: Org, day: date) -> int:
    saved = await meeting_save.save(s, access, await draft(s, access, cell, day), today=TODAY)
    assert isinstance(saved, meeting_save.Saved)
    return saved.meeting.id


# --- the zero report (M8) -----------------------------------------------------------------


async def test_which_months_may_be_reported(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        meeting_id = await logged(s, t.sec, t.cell, date(2026, 10, 12))

        async def why(year: int, month: int) -> str | RegularTaken | None:
            return await zero_reports.refusal(s, t.sec, t.cell.id, year, month, today=TODAY)

        assert await why(2026, 12) == FUTURE
        assert await why(2020, 2) == BEFORE_CELL
        assert await why(2020, 3) is None  # the month it was founded
        assert await why(2026, 11) is None  # the month under way
        assert await why(2026, 10) == RegularTaken(meeting_id, date(2026, 10, 12))
        with pytest.raises(Refused):
            await zero_reports.refusal(s, t.stranger, t.cell.id, 2026, 9, today=TODAY)


async def test_report_and_what_stands(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        await logged(s, t.sec, t.cell, date(2026, 10, 12))
        assert await zero_reports.standing(s, t.sec, t.cell.id, 2026, 9) is None
        made = await zero_reports.report(s, t.dep, t.cell.id, 2026, 9, "Bão", today=TODAY)
        assert isinstance(made, zero_reports.Filed) and made.new
        assert (made.report.reason, made.report.created_by) == ("Bão", t.dep.user_id)
        again = await zero_reports.report(s, t.sec, t.cell.id, 2026, 9, "Lũ", today=TODAY)
        assert isinstance(again, zero_reports.Filed) and not again.new
        assert again.report.id == made.report.id and again.report.reason == "Bão"
        found = await zero_reports.standing(s, t.admin, t.cell.id, 2026, 9)
        assert found is not None and found.report.id == made.report.id
        met = await zero_reports.report(s, t.sec, t.cell.id, 2026, 10, "Bão", today=TODAY)
        assert isinstance(met, RegularTaken)
        assert await zero_reports.report(s, t.sec, t.cell.id, 2027, 1, "x", today=TODAY) == FUTURE
        with pytest.raises(Refused):
            await zero_reports.standing(s, t.stranger, t.cell.id, 2026, 9)
        with pytest.raises(Refused):
            await zero_reports.report(s, t.stranger, t.cell.id, 2026, 8, "Bão", today=TODAY)
        with pytest.raises(ValueError, match="reason"):
            await zero_reports.report(s, t.sec, t.cell.id, 2026, 8, "x" * 201, today=TODAY)


async def test_withdraw_within_the_deadline(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        for month in (9, 10):
            await zero_reports.report(s, t.sec, t.cell.id, 2026, month, "Bão", today=TODAY)
        october = await zero_reports.standing(s, t.sec, t.cell.id, 2026, 10)
        assert october is not None
        with pytest.raises(Refused):
            await zero_reports.open_report(s, t.stranger, october.report.id)
        filed = await zero_reports.open_report(s, t.sec, october.report.id)
        # October's report could be changed by the cell until 5 November.
        late = await zero_reports.withdraw(s, t.sec, filed, today=date(2026, 11, 6))
        assert late == zero_reports.TooLate(date(2026, 11, 5), WARD_NAME)
        assert await zero_reports.withdraw(s, t.sec, filed, today=date(2026, 11, 5)) is None
        assert await zero_reports.standing(s, t.sec, t.cell.id, 2026, 10) is None
        with pytest.raises(Stale):
            await zero_reports.open_report(s, t.sec, october.report.id)
        # The ward's admin may withdraw September's long after the deadline.
        september = await zero_reports.standing(s, t.admin, t.cell.id, 2026, 9)
        assert september is not None
        assert await zero_reports.withdraw(s, t.admin, september, today=TODAY) is None
        assert await stored_reports.for_year(s, t.cell.id, 2026) == []


# --- saving (M1 again at saving, M8) ------------------------------------------------------


async def test_save_rechecks_m1_and_withdraws_the_zero_report(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        await zero_reports.report(s, t.sec, t.cell.id, 2026, 10, "Bão", today=TODAY)
        # Secretary and deputy both enter October's regular meeting; neither is saved yet.
        mine = await draft(s, t.sec, t.cell, date(2026, 10, 12))
        theirs = await draft(s, t.dep, t.cell, date(2026, 10, 20))
        saved = await meeting_save.save(s, t.sec, mine, today=TODAY)
        assert isinstance(saved, meeting_save.Saved)
        assert saved.zero_withdrawn == (2026, 10) and not saved.corrected
        assert await stored_reports.active(s, t.cell.id, 2026, 10) is None
        second = await meeting_save.save(s, t.dep, theirs, today=TODAY)
        assert second == RegularTaken(mine.meeting.id, date(2026, 10, 12))
        assert theirs.meeting.state == "draft"


# --- the history --------------------------------------------------------------------------


async def test_the_cells_year(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        await logged(s, t.sec, t.cell, date(2026, 3, 14))
        await zero_reports.report(s, t.sec, t.cell.id, 2026, 4, "Dịch bệnh", today=TODAY)
        got = await history.of_cell(s, t.delegate, t.cell.id, 2026, today=TODAY)
        assert got.cell.id == t.cell.id and got.first_year == 2026
        statuses = [m.status for m in got.year.months]
        assert statuses[2:4] == [MonthStatus.HELD, MonthStatus.ZERO_REPORT]
        assert statuses[11] == MonthStatus.FUTURE and got.year.regular_months == 1
        assert [m.held_on for m in got.year.meetings] == [date(2026, 3, 14)]
        for year in (2027, history.FIRST_YEAR - 1):
            with pytest.raises(Stale):
                await history.of_cell(s, t.sec, t.cell.id, year, today=TODAY)
        with pytest.raises(Refused):
            await history.of_cell(s, t.stranger, t.cell.id, 2026, today=TODAY)


async def test_a_members_year(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        t = await tree(s)
        person = await members.add_member(
            s,
            cell_id=t.cell.id,
            full_name="Nguyễn Văn An",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            actor_id=None,
        )
        march = await draft(s, t.sec, t.cell, date(2026, 3, 14))
        await meeting_roll.mark(s, march, person.id, Attendance.EXCUSED, "ốm")  # R3
        await meeting_save.save(s, t.sec, march, today=TODAY)
        await logged(s, t.sec, t.cell, date(2026, 4, 11))
        got = await history.of_member(s, t.dep, person.id, 2026, today=TODAY)
        assert (got.member.id, got.cell.id, got.first_year) == (person.id, t.cell.id, 2026)
        assert (got.year.present, got.year.excused, len(got.year.counted)) == (1, 1, 2)
        assert got.year.counted[0].reason == "ốm"
        assert (await history.of_member(s, t.admin, person.id, 2026, today=TODAY)).year == got.year
        # The member's record is the roster keepers': a delegate only logs meetings.
        for access in (t.delegate, t.stranger):
            with pytest.raises(Refused):
                await history.of_member(s, access, person.id, 2026, today=TODAY)
        with pytest.raises(Refused):
            await history.of_member(s, t.sec, person.id + 1000, 2026, today=TODAY)
        with pytest.raises(Stale):
            await history.of_member(s, t.sec, person.id, 2027, today=TODAY)
