"""storage.tallies: each saved meeting's stored tally (R1, R2) stays in step with its marks
and with the status histories, on SQLite and PostgreSQL. The roll-ups of #5 sum these
columns, so a tally that lags behind a late status or a correction skews every report."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.domain.history import stored_tally
from bot.domain.model import CellType, MemberStatus, OrgKind
from bot.domain.roster import ImportPlan, NewSpan
from storage import meetings, members, orgs, tallies
from storage.models import Meeting, MeetingMark, Member, Org

USER = 200
JOINED = date(2010, 1, 1)
Sessions = async_sessionmaker[AsyncSession]
Counts = tuple[int | None, int | None, int | None, int | None]


async def new_cell(s: AsyncSession, name: str = "Chi bộ Khu phố 5") -> Org:
    ward = await orgs.create(
        s, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None, actor_id=None
    )
    return await orgs.create(
        s,
        name=name,
        kind=OrgKind.CELL,
        parent=ward,
        actor_id=None,
        cell_type=CellType.RESIDENTIAL,
    )


async def add(s: AsyncSession, cell: Org, name: str, *spans: NewSpan) -> Member:
    return await members.add_member(
        s,
        cell_id=cell.id,
        full_name=name,
        spans=list(spans) or [NewSpan(MemberStatus.OFFICIAL, JOINED)],
        actor_id=None,
    )


async def five(s: AsyncSession, cell: Org) -> list[int]:
    """Five official members since 2010."""
    names = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em")
    return [(await add(s, cell, n)).id for n in names]


async def save(
    s: AsyncSession, cell: Org, day: date, marks: dict[int, str] | None = None
) -> Meeting:
    """A saved regular meeting; members without a mark were present."""
    m = await meetings.create_draft(
        s, cell_id=cell.id, kind="regular", user_id=USER, start=time(19, 30), minutes=90
    )
    m.held_on = day
    for member_id, mark in (marks or {}).items():
        await meetings.set_mark(s, m, member_id, mark, "ốm" if mark == "excused" else None)
    await meetings.save(s, m, actor_id=USER)
    return m


async def stored(s: AsyncSession, meeting_id: int) -> Counts:
    """The columns as they are in the database, not as the session remembers them."""
    row = (
        await s.execute(
            select(Meeting.eligible, Meeting.present, Meeting.excused, Meeting.unexcused).where(
                Meeting.id == meeting_id
            )
        )
    ).one()
    return (row[0], row[1], row[2], row[3])


async def judged_now(s: AsyncSession, meeting_id: int) -> Counts:
    """The tally judged afresh from today's roster and marks (what the columns must equal)."""
    meeting = await s.get(Meeting, meeting_id)
    assert meeting is not None and meeting.held_on is not None
    roster = await s.scalars(
        select(Member)
        .where(Member.cell_id == meeting.cell_id)
        .options(selectinload(Member.statuses))
    )
    marks = await s.scalars(select(MeetingMark).where(MeetingMark.meeting_id == meeting_id))
    t = stored_tally(
        [(m.id, list(m.statuses)) for m in roster],
        meeting.held_on,
        {k.member_id: k.mark for k in marks},
    )
    return (t.eligible, t.present, t.excused, t.unexcused)


async def check(sessions: Sessions, meeting_id: int, expected: Counts) -> None:
    """In a fresh transaction: the stored tally is `expected` and agrees with the rules."""
    async with sessions.begin() as s:
        got = await stored(s, meeting_id)
        assert got == expected
        assert got == await judged_now(s, meeting_id)


async def test_saving_stores_the_tally(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        an, binh, *_ = await five(s, cell)
        m = await save(s, cell, date(2026, 10, 5), {an: "excused", binh: "unexcused"})
        draft = await meetings.create_draft(
            s, cell_id=cell.id, kind="regular", user_id=USER, start=time(19, 30), minutes=90
        )
    # 5 eligible: An excused, Bình unexcused, the other 3 present (no mark: present).
    await check(sessions, m.id, (5, 3, 1, 1))
    async with sessions.begin() as s:
        assert await stored(s, draft.id) == (None, None, None, None)  # drafts carry none


async def test_exempted_member_is_not_eligible_even_when_attending(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        an, *_ = await five(s, cell)
        exempt = await add(
            s,
            cell,
            "Đỗ Văn Phúc",
            NewSpan(MemberStatus.OFFICIAL, JOINED),
            NewSpan(MemberStatus.EXEMPTED, date(2025, 1, 1)),
        )
        probationary = await add(
            s, cell, "Vũ Thị Giang", NewSpan(MemberStatus.PROBATIONARY, date(2026, 3, 1))
        )
        m = await save(s, cell, date(2026, 10, 5), {an: "unexcused", exempt.id: "voluntary"})
    # R1: 5 official + 1 probationary = 6 eligible; the exempted member is outside the set
    # and his voluntary attendance is not in the numerator (R2): present = 6 - An = 5.
    await check(sessions, m.id, (6, 5, 0, 1))
    async with sessions.begin() as s:
        # R1/R2: a stray absence mark of the exempted member changes nothing either.
        meeting = await s.get(Meeting, m.id)
        assert meeting is not None
        draft = await meetings.start_correction(s, meeting, user_id=USER)
        await meetings.set_mark(s, draft, exempt.id, "unexcused")
        await meetings.set_mark(s, draft, probationary.id, "excused", "đi công tác")
        await meetings.apply_correction(s, draft, actor_id=USER)
    # The probationary member's absence counts (R2); the exempted one's does not.
    await check(sessions, m.id, (6, 4, 1, 1))


async def test_a_status_recorded_late_changes_the_past_meetings_it_covers(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        an, binh, *_ = await five(s, cell)
        august = await save(s, cell, date(2026, 8, 5), {an: "unexcused"})
        october = await save(s, cell, date(2026, 10, 5), {an: "unexcused", binh: "excused"})
    await check(sessions, august.id, (5, 4, 0, 1))
    await check(sessions, october.id, (5, 3, 1, 1))
    async with sessions.begin() as s:
        member = await members.get(s, an)
        assert member is not None
        # Recorded in November: An has been exempted since 01/9 (a cell resolution).
        await members.add_status(
            s, member, NewSpan(MemberStatus.EXEMPTED, date(2026, 9, 1)), actor_id=USER
        )
    # October: An is no longer eligible, and his unexcused mark goes with him (R1, R2).
    await check(sessions, october.id, (4, 3, 1, 0))
    # August was before the exemption: unchanged.
    await check(sessions, august.id, (5, 4, 0, 1))
    async with sessions.begin() as s:
        member = await members.get(s, binh)
        assert member is not None
        # Bình transferred out from 01/10 (R1: not eligible from the effective date).
        await members.add_status(
            s, member, NewSpan(MemberStatus.TRANSFERRED, date(2026, 10, 1)), actor_id=USER
        )
    await check(sessions, october.id, (3, 3, 0, 0))
    await check(sessions, august.id, (5, 4, 0, 1))


async def test_a_member_added_later_counts_only_from_the_start_date(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        await five(s, cell)
        august = await save(s, cell, date(2026, 8, 5))
        october = await save(s, cell, date(2026, 10, 5))
    await check(sessions, august.id, (5, 5, 0, 0))
    await check(sessions, october.id, (5, 5, 0, 0))
    async with sessions.begin() as s:
        # Admitted on 15/10, after both meetings: neither changes.
        await add(s, cell, "Vũ Thị Giang", NewSpan(MemberStatus.PROBATIONARY, date(2026, 10, 15)))
    await check(sessions, august.id, (5, 5, 0, 0))
    await check(sessions, october.id, (5, 5, 0, 0))
    async with sessions.begin() as s:
        # Forgotten when the roster was entered: official since 01/9. October counts him
        # (no mark: present), August does not.
        await add(s, cell, "Đinh Văn Hải", NewSpan(MemberStatus.OFFICIAL, date(2026, 9, 1)))
    await check(sessions, august.id, (5, 5, 0, 0))
    await check(sessions, october.id, (6, 6, 0, 0))


async def test_an_import_refreshes_the_tallies_once(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        an, *_ = await five(s, cell)
        october = await save(s, cell, date(2026, 10, 5))
    async with sessions.begin() as s:
        plan = ImportPlan(
            new=[("Đinh Văn Hải", [NewSpan(MemberStatus.OFFICIAL, date(2020, 5, 1))])],
            updated=[(an, "Nguyễn Văn An", [NewSpan(MemberStatus.SUSPENDED, date(2026, 9, 1))])],
        )
        assert await members.apply_import(s, cell.id, plan, actor_id=USER) == (1, 1)
    # +1 (Hải, official since 2020), -1 (An suspended since 01/9): still 5, all present.
    await check(sessions, october.id, (5, 5, 0, 0))
    async with sessions.begin() as s:
        an_row = await members.get(s, an)
        assert an_row is not None
        assert [e.status for e in an_row.statuses][-1] == MemberStatus.SUSPENDED


async def test_a_correction_refreshes_the_tally(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        an, binh, cuong, *_ = await five(s, cell)
        m = await save(s, cell, date(2026, 10, 5), {an: "excused"})
    await check(sessions, m.id, (5, 4, 1, 0))
    async with sessions.begin() as s:
        meeting = await s.get(Meeting, m.id)
        assert meeting is not None
        draft = await meetings.start_correction(s, meeting, user_id=USER)
        await meetings.set_mark(s, draft, an, None)  # An was there after all
        await meetings.set_mark(s, draft, binh, "unexcused")
        await meetings.set_mark(s, draft, cuong, "excused", "ốm")
        # Until the correction is saved the meeting keeps its tally (the draft has none).
        assert await stored(s, m.id) == (5, 4, 1, 0)
        assert await stored(s, draft.id) == (None, None, None, None)
        corrected = await meetings.apply_correction(s, draft, actor_id=USER)
        assert corrected.id == m.id
    await check(sessions, m.id, (5, 3, 1, 1))
    async with sessions.begin() as s:
        # A correction that moves the meeting to a day when a member had not joined yet.
        await add(s, cell, "Vũ Thị Giang", NewSpan(MemberStatus.OFFICIAL, date(2026, 10, 1)))
    await check(sessions, m.id, (6, 4, 1, 1))
    async with sessions.begin() as s:
        meeting = await s.get(Meeting, m.id)
        assert meeting is not None
        draft = await meetings.start_correction(s, meeting, user_id=USER)
        draft.held_on = date(2026, 9, 28)
        await meetings.apply_correction(s, draft, actor_id=USER)
    await check(sessions, m.id, (5, 3, 1, 1))


async def test_backfill_fills_the_missing_tallies(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        cell = await new_cell(s)
        other = await new_cell(s, "Chi bộ Tổ dân phố 12")
        an, binh, *_ = await five(s, cell)
        (dung,) = [(await add(s, other, "Phạm Thị Dung")).id]
        first = await save(s, cell, date(2026, 9, 5), {an: "excused"})
        second = await save(s, cell, date(2026, 10, 5), {binh: "unexcused"})
        third = await save(s, other, date(2026, 10, 7), {dung: "excused"})
        draft = await meetings.create_draft(
            s, cell_id=cell.id, kind="regular", user_id=USER, start=time(19, 30), minutes=90
        )
        draft.held_on = date(2026, 11, 5)
    async with sessions.begin() as s:
        # As after migration 0005: saved meetings without a tally.
        await s.execute(
            update(Meeting).values(eligible=None, present=None, excused=None, unexcused=None)
        )
    async with sessions.begin() as s:
        assert await stored(s, first.id) == (None, None, None, None)
        assert await tallies.backfill(s) == 3  # the three saved meetings, not the draft
    await check(sessions, first.id, (5, 4, 1, 0))
    await check(sessions, second.id, (5, 4, 0, 1))
    await check(sessions, third.id, (1, 0, 1, 0))
    async with sessions.begin() as s:
        assert await stored(s, draft.id) == (None, None, None, None)
        assert await tallies.backfill(s) == 0  # nothing left to fill
