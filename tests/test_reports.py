"""The upper committee's roll-ups (#5, K1-K4) on a synthetic ward whose figures are known
by construction, on SQLite and PostgreSQL; and the periods they are asked for.

The ward "Đảng ủy phường Hòa Minh" (as of 10/01/2027, all of 2026 is over):

    Đảng bộ Dân cư Hòa Minh (grassroots, residential cells)
      A  Chi bộ Khu phố 9       12 regular meetings, one combined a quarter; 8 official +
                                2 probationary; Hạnh excused in Jan-Apr (R6); a
                                probationary member excused in Oct (9/10: on the line)
      B  Chi bộ Khu phố 10      10 regular meetings (no Feb: zero report, no Jul); 19
                                official + 1 exempted who always comes voluntarily (R2);
                                Bình unexcused in Mar, May, Oct (R5 flag); Chi excused
                                in Oct (17/19: below R4); thematic in Q1, Q2, Q4
      C  Chi bộ Khu phố 11      7 regular meetings (Jan-Jun, Oct); 5 official + one who
                                transferred out on 01/7 (unexcused Apr-Jun, left: no
                                flag); Dung unexcused Feb, Apr (R5 warning); short
                                meetings in Jan, Jun (combined, 100′) and Oct
    Đảng bộ Cơ quan – Doanh nghiệp (grassroots)
      D  Chi bộ Văn phòng       agency; never reported (an October meeting deleted, a
                                November zero report withdrawn)
      E  Chi bộ Trường Tiểu học public service; Jan-Sep held, zero reports Oct-Dec (M8);
                                thematic in Feb, May, Aug
      F  Chi bộ Đông Á          private enterprise founded 15/7/2026: Jul-Dec held, all due
    directly under the ward
      H  Chi bộ Đồn Biên phòng  armed forces; every month but Oct (an extraordinary meeting
                                then, M3); combined in Mar only; Lan excused in Jan, Kim
                                unexcused in Nov (and at the extraordinary one)

Names sort as the committees read them (L4 folding, numbers by value): H, F, A, B, C, E, D.
"""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.model import CellType, MemberStatus, OrgKind
from bot.domain.roster import NewSpan
from bot.domain.summary import Breakdown, Period
from bot.render.charts import chart_caption, compliance_chart
from bot.render.i18n import translator
from bot.render.summary_text import report_texts
from bot.render.workbook import report_workbook
from bot.services.report import Report, TrendPoint, build
from storage import meetings, members, orgs, zero_reports
from storage.models import Meeting, Member, Org

F = Fraction
USER = 200
JOINED = date(2010, 1, 1)
# The ward's cells were entered into chibo long ago (#14: a cell without a founding date is
# tracked from the month it was created).
ENTERED = datetime(2020, 1, 1, tzinfo=UTC)
TODAY = date(2027, 1, 10)
Sessions = async_sessionmaker[AsyncSession]

WARD = "Đảng ủy phường Hòa Minh"
G1 = "Đảng bộ Dân cư Hòa Minh"
G2 = "Đảng bộ Cơ quan – Doanh nghiệp"
A = "Chi bộ Khu phố 9"
B = "Chi bộ Khu phố 10"
C = "Chi bộ Khu phố 11"
D = "Chi bộ Văn phòng"
E = "Chi bộ Trường Tiểu học"
FF = "Chi bộ Đông Á"
H = "Chi bộ Đồn Biên phòng"

MINUTES = {"regular": 90, "thematic": 90, "combined": 120, "extraordinary": 30}


async def crew(s: AsyncSession, cell: Org, tag: str, n: int, *spans: NewSpan) -> list[int]:
    """n members named after the cell; official since 2010 unless spans are given."""
    out = []
    for i in range(n):
        m = await members.add_member(
            s,
            cell_id=cell.id,
            full_name=f"Nguyễn Văn {tag}{i + 1:02d}",
            spans=list(spans) or [NewSpan(MemberStatus.OFFICIAL, JOINED)],
            actor_id=None,
        )
        out.append(m.id)
    return out


async def meet(
    s: AsyncSession,
    cell: Org,
    day: date,
    kind: str = "regular",
    *,
    minutes: int | None = None,
    marks: dict[int, str] | None = None,
    grade: str | None = None,
    logged: datetime | None = None,
) -> Meeting:
    """A saved meeting as the logging flow stores it (no mark: present), logged at 20:00
    local time on the day it was held unless `logged` says when (M6)."""
    m = await meetings.create_draft(
        s,
        cell_id=cell.id,
        kind=kind,
        user_id=USER,
        start=time(19, 30),
        minutes=minutes if minutes is not None else MINUTES[kind],
    )
    m.held_on, m.grade = day, grade
    for member_id, mark in (marks or {}).items():
        await meetings.set_mark(s, m, member_id, mark, "ốm" if mark == "excused" else None)
    await meetings.save(s, m, actor_id=USER)
    m.saved_at = logged or datetime.combine(day, time(13, 0), tzinfo=UTC)  # 20:00 in Vietnam
    return m


async def zero(s: AsyncSession, cell: Org, month: int, reason: str = "Nghỉ Tết") -> int:
    report = await zero_reports.create(
        s, cell_id=cell.id, year=2026, month=month, reason=reason, actor_id=USER
    )
    return report.id


async def ward(sessions: Sessions) -> dict[str, Org]:
    """The synthetic ward of the module docstring."""
    async with sessions.begin() as s:
        w = await orgs.create(s, name=WARD, kind=OrgKind.COMMUNE, parent=None, actor_id=None)

        async def grassroots(name: str) -> Org:
            return await orgs.create(s, name=name, kind=OrgKind.GRASSROOTS, parent=w, actor_id=None)

        g1, g2 = await grassroots(G1), await grassroots(G2)

        async def cell(name: str, parent: Org, cell_type: CellType) -> Org:
            made = await orgs.create(
                s, name=name, kind=OrgKind.CELL, parent=parent, actor_id=None, cell_type=cell_type
            )
            made.created_at = ENTERED
            return made

        # A: 12 months; combined (thematic too) in Mar, Jun, Sep, Dec; all graded "tốt".
        a = await cell(A, g1, CellType.RESIDENTIAL)
        hanh, *_ = await crew(s, a, "A", 8)
        p1, _p2 = await crew(s, a, "P", 2, NewSpan(MemberStatus.PROBATIONARY, date(2025, 9, 1)))
        for month in range(1, 13):
            marks = {hanh: "excused"} if month <= 4 else {}
            if month == 10:
                marks = {p1: "excused"}  # probationary members count (R2): 9/10
            kind = "combined" if month % 3 == 0 else "regular"
            # M6: November's logged on 07/11 at 23:00 local time, 2 days after: in time.
            logged = datetime(2026, 11, 7, 16, 0, tzinfo=UTC) if month == 11 else None
            await meet(s, a, date(2026, month, 5), kind, marks=marks, grade="tot", logged=logged)

        # B: 19 eligible + 1 exempted (always there, voluntarily); no Feb (zero), no Jul.
        b = await cell(B, g1, CellType.RESIDENTIAL)
        binh, chi, *_ = await crew(s, b, "B", 19)
        (exempt,) = await crew(
            s,
            b,
            "X",
            1,
            NewSpan(MemberStatus.OFFICIAL, JOINED),
            NewSpan(MemberStatus.EXEMPTED, date(2025, 1, 1)),
        )
        for month in (1, 3, 4, 5, 6, 8, 9, 10, 11, 12):
            marks = {exempt: "voluntary"}
            if month in (3, 5, 10):
                marks[binh] = "unexcused"
            if month == 10:
                marks[chi] = "excused"
            # M6: October's logged on 09/10, 4 days after it.
            logged = datetime(2026, 10, 9, 13, 0, tzinfo=UTC) if month == 10 else None
            await meet(s, b, date(2026, month, 5), marks=marks, grade="kha", logged=logged)
        for month in (3, 6, 12):
            await meet(s, b, date(2026, month, 20), "thematic", marks={exempt: "voluntary"})
        await zero(s, b, 2)

        # C: 7 months; a member transferred out on 01/7; three short meetings (M5).
        c = await cell(C, g1, CellType.RESIDENTIAL)
        dung, *_ = await crew(s, c, "C", 5)
        (leaver,) = await crew(
            s,
            c,
            "L",
            1,
            NewSpan(MemberStatus.OFFICIAL, JOINED),
            NewSpan(MemberStatus.TRANSFERRED, date(2026, 7, 1)),
        )
        for month in (1, 2, 3, 4, 5, 6, 10):
            marks = {}
            if month in (2, 4):
                marks[dung] = "unexcused"
            if month in (4, 5, 6):
                marks[leaver] = "unexcused"
            kind = "combined" if month == 6 else "regular"
            minutes = {1: 60, 6: 100, 10: 60}.get(month)
            grade = "kem" if month == 10 else "trung_binh"
            await meet(s, c, date(2026, month, 5), kind, minutes=minutes, marks=marks, grade=grade)

        # D: never reported. A meeting deleted and a zero report withdrawn leave no trace.
        d = await cell(D, g2, CellType.AGENCY)
        await crew(s, d, "D", 3)
        gone = await meet(s, d, date(2026, 10, 5), minutes=60, grade="tot")
        await meetings.delete_saved(s, gone, actor_id=USER)
        report = await zero_reports.get(s, await zero(s, d, 11, "Bí thư ốm"))
        assert report is not None
        await zero_reports.withdraw(s, report, actor_id=USER)

        # E: Jan-Sep held (no grade), thematic in Feb, May, Aug; zero reports Oct-Dec.
        e = await cell(E, g2, CellType.PUBLIC_SERVICE)
        await crew(s, e, "E", 4)
        for month in range(1, 10):
            await meet(s, e, date(2026, month, 5))
        for month in (2, 5, 8):
            await meet(s, e, date(2026, month, 20), "thematic")
        for month in (10, 11, 12):
            await zero(s, e, month, "Giải thể trường, chờ sáp nhập")

        # F: founded 15/7/2026; Jul-Dec held on the 20th, combined in Sep and Dec.
        f = await cell(FF, g2, CellType.PRIVATE_ENTERPRISE)
        f.founded_on = date(2026, 7, 15)
        await crew(s, f, "F", 3, NewSpan(MemberStatus.OFFICIAL, date(2026, 7, 15)))
        await crew(s, f, "Q", 1, NewSpan(MemberStatus.PROBATIONARY, date(2026, 7, 15)))
        for month in range(7, 13):
            kind = "combined" if month in (9, 12) else "regular"
            await meet(s, f, date(2026, month, 20), kind, grade="kha")

        # H: under the ward itself; all months but Oct; combined in Mar only.
        h = await cell(H, w, CellType.ARMED_FORCES)
        kim, lan, *_ = await crew(s, h, "H", 5)
        for month in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12):
            marks = {lan: "excused"} if month == 1 else {}
            if month == 11:
                marks = {kim: "unexcused"}
            kind = "combined" if month == 3 else "regular"
            # M6: November's logged at 00:30 on 08/11 in Vietnam (17:30 on 07/11 UTC, L1):
            # 3 days after, late, though only 2 by the UTC date.
            logged = datetime(2026, 11, 7, 17, 30, tzinfo=UTC) if month == 11 else None
            await meet(s, h, date(2026, month, 5), kind, marks=marks, logged=logged)
        # M3: no stand-in for the regular meeting; its unexcused mark is not R5's either.
        await meet(s, h, date(2026, 10, 15), "extraordinary", marks={kim: "unexcused"})
    return {"W": w, "G1": g1, "G2": g2, "A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "H": h}


async def report(sessions: Sessions, node: Org, period: str, today: date = TODAY) -> Report:
    async with sessions.begin() as s:
        fresh = await orgs.get(s, node.id)
        assert fresh is not None
        return await build(s, fresh, Period.parse(period), today)


# Each cell's rate in each month of 2026 it held the regular meeting (R2: present /
# eligible, by construction above).
RATES: dict[str, dict[int, Fraction]] = {
    A: {m: F(9, 10) if m in (1, 2, 3, 4, 10) else F(1) for m in range(1, 13)},
    B: {
        m: {3: F(18, 19), 5: F(18, 19), 10: F(17, 19)}.get(m, F(1))
        for m in (1, 3, 4, 5, 6, 8, 9, 10, 11, 12)
    },
    # C: 6 eligible until the transfer on 01/7, 5 after it.
    C: {1: F(1), 2: F(5, 6), 3: F(1), 4: F(4, 6), 5: F(5, 6), 6: F(5, 6), 10: F(5, 5)},
    E: dict.fromkeys(range(1, 10), F(1)),
    FF: dict.fromkeys(range(7, 13), F(1)),
    H: {m: F(4, 5) if m in (1, 11) else F(1) for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)},
}
DUE = {A: 1, B: 1, C: 1, D: 1, E: 1, FF: 7, H: 1}  # the first month of 2026 each is due for


# The year's rates: present / eligible summed over each cell's regular meetings.
YEAR_RATES = {
    A: F(10 * 12 - 4 - 1, 10 * 12),  # Hạnh 4 times, a probationary member once
    B: F(19 * 10 - 3 - 1, 19 * 10),  # Bình 3 times, Chi once
    C: F(6 + 5 + 6 + 4 + 5 + 5 + 5, 6 * 6 + 5),  # 6 eligible Jan-Jun, 5 in Oct
    E: F(4 * 9, 4 * 9),
    FF: F(4 * 6, 4 * 6),
    H: F(5 * 11 - 2, 5 * 11),  # Lan in Jan, Kim in Nov
}


def mean(rates: list[Fraction]) -> Fraction:
    return sum(rates, F(0)) / len(rates)


def month_by_hand(month: int) -> tuple[int, int, Fraction | None]:
    """(cells due, cells held, mean rate) of a month of 2026, straight from RATES."""
    held = [r[month] for r in RATES.values() if month in r]
    return (
        sum(1 for first in DUE.values() if first <= month),
        len(held),
        mean(held) if held else None,
    )


async def test_each_cell_s_months(sessions: Sessions) -> None:
    """The per-cell facts summed in SQL (what the workbook's rows show), month by month."""
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026")
    cells = {c.name: c for c in r.cells}
    assert {c.name: (c.group, c.cell_type) for c in r.cells} == {
        A: (G1, "residential"),
        B: (G1, "residential"),
        C: (G1, "residential"),
        D: (G2, "agency"),
        E: (G2, "public_service"),
        FF: (G2, "private_enterprise"),
        H: (WARD, "armed_forces"),  # K4: directly under the ward
    }
    assert [c.name for c in r.cells if c.direct] == [H]
    assert {c.area for c in r.cells} == {WARD}
    assert cells[FF].since == date(2026, 7, 15)
    assert cells[A].since == date(2020, 1, 1)  # no founding date: the month it was entered
    months = [(2026, m) for m in range(1, 13)]

    def by_month(name: str, what: str) -> dict[int, int]:
        got = {ym[1]: getattr(cells[name].month(ym), what) for ym in months}
        return {m: int(n) for m, n in got.items() if n}

    for name in (A, B, C, D, E, FF, H):
        assert by_month(name, "regular") == dict.fromkeys(RATES.get(name, {}), 1), name
        rates = {ym[1]: cells[name].rate([ym]) for ym in months}
        assert {m: r for m, r in rates.items() if r is not None} == RATES.get(name, {}), name
    assert {n: by_month(n, "zero") for n in (B, D, E)} == {
        B: {2: 1},
        D: {},
        E: dict.fromkeys((10, 11, 12), 1),
    }
    assert {n: by_month(n, "thematic") for n in (A, B, C, D, E, FF, H)} == {
        A: dict.fromkeys((3, 6, 9, 12), 1),
        B: dict.fromkeys((3, 6, 12), 1),
        C: {6: 1},
        D: {},
        E: dict.fromkeys((2, 5, 8), 1),
        FF: {9: 1, 12: 1},
        H: {3: 1},
    }
    # R3 at regular meetings only: Kim's at H's extraordinary meeting in Oct is not here.
    assert {n: by_month(n, "unexcused") for n in (B, C, H)} == {
        B: {3: 1, 5: 1, 10: 1},
        C: {2: 1, 4: 2, 5: 1, 6: 1},
        H: {11: 1},
    }
    assert {n: by_month(n, "short") for n in (A, C, D, H)} == {
        A: {},
        C: {1: 1, 6: 1, 10: 1},
        D: {},
        H: {},
    }
    # B's eligible set is 19 all year: the exempted member, there every time, is not in it.
    assert set(by_month(B, "eligible").values()) == {19}
    # The year's rate of a cell: the sums over its regular meetings, not the months' mean.
    assert {c.name: c.rate(months) for c in r.cells} == {**YEAR_RATES, D: None}


# --- K1: a month ---------------------------------------------------------------------------


async def test_october(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026-10")
    assert (r.node_name, r.period, r.months, r.complete) == (
        WARD,
        Period(2026, month=10),
        [(2026, 10)],
        True,
    )
    assert [c.name for c in r.cells] == [H, FF, A, B, C, E, D]  # Đ with D, 9 before 10 (L4)
    m = r.month
    assert m is not None and r.quarter is None and r.year is None
    # Due: all seven (F was founded in July). Held: A, B, C, F. Zero: E. H only met
    # extraordinarily (M3) and D's meeting was deleted: both not reported.
    assert (m.cells, m.held, m.zero) == (7, 4, 1)
    assert m.unreported == [H, D]
    # A 9/10, B 17/19, C 5/5 (the transferred member is gone), F 4/4.
    assert m.mean_rate == (F(9, 10) + F(17, 19) + 1 + 1) / 4 == F(721, 760)
    assert m.lowest_rate == F(17, 19)
    # R4, exactly: 17/19 = 89,47% is below; A's 9/10 is on the line, so not below.
    assert m.below == [B]
    # Bình at B's regular meeting; Kim's at H's extraordinary one does not count.
    assert (m.with_unexcused, m.unexcused) == (1, 1)
    assert m.short == 1  # C's 60′ (D's 60′ was deleted)


async def test_november_and_the_trend_to_october(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026-11")
    m = r.month
    assert m is not None
    # Held: A, B, F, H. Zero: E. C did not meet; D's zero report was withdrawn.
    assert (m.cells, m.held, m.zero, m.unreported) == (7, 4, 1, [C, D])
    assert m.mean_rate == (1 + 1 + 1 + F(4, 5)) / 4 == F(19, 20)
    assert m.lowest_rate == F(4, 5)
    assert m.below == [H]
    assert (m.with_unexcused, m.unexcused, m.short) == (1, 1, 0)

    october = await report(sessions, t["W"], "2026-10")
    # The chart's 12 months end with the period's: Nov 2025 … Oct 2026. Cells without a
    # founding date are due in 2025 too; nothing was logged then.
    months = [(2025, 11), (2025, 12), *((2026, m) for m in range(1, 11))]
    assert [p.ym for p in october.trend] == months
    assert october.trend[:2] == [
        TrendPoint((2025, 11), 6, 0, None),
        TrendPoint((2025, 12), 6, 0, None),
    ]
    assert october.trend[2:] == [TrendPoint((2026, m), *month_by_hand(m)) for m in range(1, 11)]
    assert october.trend[-1] == TrendPoint((2026, 10), 7, 4, F(721, 760))


async def test_a_running_month_has_everyone_unreported(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2027-01")
    assert r.complete is False and r.months == [(2027, 1)]
    m = r.month
    assert m is not None
    assert (m.cells, m.held, m.zero, m.mean_rate, m.lowest_rate) == (7, 0, 0, None, None)
    assert m.unreported == [H, FF, A, B, C, E, D]
    # The trend ends with this month: Feb 2026 … Jan 2027.
    assert [p.ym for p in r.trend] == [(2026, m) for m in range(2, 13)] + [(2027, 1)]
    # No future month of a running year is looked at.
    running = await report(sessions, t["W"], "2027")
    assert running.months == [(2027, 1)] and running.complete is False
    assert running.year is not None and (running.year.months, running.year.cells) == (1, 7)


# --- K2: quarters ----------------------------------------------------------------------------


async def test_quarters(sessions: Sessions) -> None:
    t = await ward(sessions)
    q3 = await report(sessions, t["W"], "2026-Q3")
    q = q3.quarter
    assert q is not None and q3.month is None and q3.year is None
    assert q3.months == [(2026, 7), (2026, 8), (2026, 9)]
    # Due in September: all seven. Thematic: A (combined 05/9), E (20/8), F (combined 20/9).
    assert (q.cells, q.thematic) == (7, 3)
    assert q.without == [H, B, C, D]
    # Jul: A, E, F (founded 15/7: due), H; B and C did not meet. Aug, Sep: A, B, E, F, H.
    assert q.held_months == [((2026, 7), 4, 7), ((2026, 8), 5, 7), ((2026, 9), 5, 7)]

    q1 = (await report(sessions, t["W"], "2026-Q1")).quarter
    assert q1 is not None
    # F is not due yet. A (combined), B (20/3), E (20/2), H (combined); C met only
    # for regular meetings, D never.
    assert (q1.cells, q1.thematic, q1.without) == (6, 4, [C, D])
    # Feb: B reported "did not meet" (M8), which is not holding the meeting.
    assert q1.held_months == [((2026, 1), 5, 6), ((2026, 2), 4, 6), ((2026, 3), 5, 6)]

    q2 = (await report(sessions, t["W"], "2026-Q2")).quarter
    assert q2 is not None
    # A, B, C (a combined session, if a short one), E (20/5); H had its only one in Q1.
    assert (q2.cells, q2.thematic, q2.without) == (6, 4, [H, D])

    q4 = (await report(sessions, t["W"], "2026-Q4")).quarter
    assert q4 is not None
    # A, B (20/12), F; E stopped meeting (zero reports), H's was in Q1.
    assert (q4.cells, q4.thematic, q4.without) == (7, 3, [H, C, E, D])
    # Oct: A, B, C, F; Nov, Dec: A, B, F, H.
    assert q4.held_months == [((2026, 10), 4, 7), ((2026, 11), 4, 7), ((2026, 12), 4, 7)]

    # Asked on 21/11/2026, the quarter is running: December is not "0 of 7 held" yet.
    running = await report(sessions, t["W"], "2026-Q4", today=date(2026, 11, 21))
    assert running.months == [(2026, 10), (2026, 11)] and not running.complete
    assert running.quarter is not None
    assert running.quarter.held_months == [((2026, 10), 4, 7), ((2026, 11), 4, 7)]


# --- K3: the year --------------------------------------------------------------------------


async def test_the_year(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026")
    y = r.year
    assert y is not None and r.month is None and r.quarter is None
    assert r.months == [(2026, m) for m in range(1, 13)] and r.complete
    assert (y.cells, y.months) == (7, 12)
    # K3 (#14) over the 6 cells tracked all year, by regular meetings held: 12: A. 9-11: B
    # (10), E (9, zero reports are not meetings), H (11). 8 or fewer: C (7), D (0). F,
    # founded on 15/7, apart: it held all 6 months it was due for.
    assert (y.whole, y.full, y.most, y.few) == (6, 1, 3, 2)
    assert (y.new, y.new_full) == (1, 1)
    # Each cell's rate over its year's regular meetings (the sums, not the months' mean);
    # D has none. The mean weighs each cell the same.
    assert y.mean_rate == mean(list(YEAR_RATES.values()))
    assert y.lowest_rate == YEAR_RATES[C] == F(36, 41)
    assert y.short == 3  # C: 60′ in Jan and Oct, the 100′ combined session in Jun
    # M9: A 12 × tốt, B 10 + F 6 × khá, C 6 × trung bình + 1 × kém; D's deleted "tốt",
    # B's thematic and E's and H's meetings have no grade. No committee has confirmed one
    # (test_grades.py confirms some): the report counts confirmed grades only.
    assert y.grades == {"tot": 0, "kha": 0, "trung_binh": 0, "kem": 0}
    assert y.grades_unconfirmed == 12 + 16 + 6 + 1
    assert y.thematic_quarters == [(1, 4, 6), (2, 4, 6), (3, 3, 7), (4, 3, 7)]
    # R5: Dung (Feb, Apr) warned, Bình (Mar, May, Oct) flagged; the transferred member
    # (Apr-Jun) has left, Kim has one regular month (the extraordinary one is not R5's).
    # R6: Hạnh, excused at 4 meetings in a row.
    assert (y.r5_warned, y.r5_flagged, y.r6_flagged) == (1, 1, 1)
    # The chart: the 12 months of the year, each as the month's own report has it.
    assert r.trend == [TrendPoint((2026, m), *month_by_hand(m)) for m in range(1, 13)]
    assert r.trend[0] == TrendPoint((2026, 1), 6, 5, F(47, 50))  # A 9/10, H 4/5, 3 × 1
    assert r.trend[1] == TrendPoint((2026, 2), 6, 4, F(14, 15))  # A 9/10, C 5/6, 2 × 1
    assert r.trend[6] == TrendPoint((2026, 7), 7, 4, F(1))


async def test_breakdowns(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026")
    # K4 by grassroots organisation: H sits directly under the ward (label ""); "held"
    # means every due month of the period, so only A and F.
    residential = mean([YEAR_RATES[A], YEAR_RATES[B], YEAR_RATES[C]])
    assert r.by_group == [
        Breakdown(G2, 3, 1, F(1), False, WARD),  # D, E, F: D has no rate
        Breakdown(G1, 3, 1, residential, False, WARD),
        Breakdown(WARD, 1, 0, F(53, 55), True, WARD),  # H: "chi bộ trực thuộc" the ward
    ]
    assert r.by_type == [
        Breakdown(CellType.AGENCY.value, 1, 0, None),
        Breakdown(CellType.ARMED_FORCES.value, 1, 0, F(53, 55)),
        Breakdown(CellType.PRIVATE_ENTERPRISE.value, 1, 1, F(1)),
        Breakdown(CellType.PUBLIC_SERVICE.value, 1, 0, F(1)),
        Breakdown(CellType.RESIDENTIAL.value, 3, 1, residential),
    ]
    october = await report(sessions, t["W"], "2026-10")
    # For a month: held that month; the rate is the month's.
    assert october.by_group == [
        Breakdown(G2, 3, 1, F(1), False, WARD),  # F held; D did not, E reported zero
        Breakdown(G1, 3, 3, (F(9, 10) + F(17, 19) + 1) / 3, False, WARD),
        Breakdown(WARD, 1, 0, None, True, WARD),
    ]


# --- subtrees, deletions ---------------------------------------------------------------------


async def test_a_grassroots_organisation_sees_only_its_cells(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["G1"], "2026-10")
    assert (r.node_id, r.node_name) == (t["G1"].id, G1)
    assert [c.name for c in r.cells] == [A, B, C]
    m = r.month
    assert m is not None
    assert (m.cells, m.held, m.zero, m.unreported) == (3, 3, 0, [])
    assert m.mean_rate == (F(9, 10) + F(17, 19) + 1) / 3
    assert (m.lowest_rate, m.below) == (F(17, 19), [B])
    assert (m.with_unexcused, m.unexcused, m.short) == (1, 1, 1)
    assert (r.by_group, r.by_type) == ([], [])  # one group, one type: nothing to break down

    y = (await report(sessions, t["G2"], "2026")).year
    assert y is not None
    # D (0), E (9); F (6 of 6) apart; rates: E 1, F 1; the deleted 60′ "tốt" meeting is gone.
    assert (y.cells, y.whole, y.full, y.most, y.few, y.new, y.new_full) == (3, 2, 0, 1, 1, 1, 1)
    assert (y.mean_rate, y.lowest_rate, y.short) == (F(1), F(1), 0)
    assert y.grades == {"tot": 0, "kha": 0, "trung_binh": 0, "kem": 0}
    assert y.grades_unconfirmed == 6  # F's 6 × khá, none confirmed (M9)
    assert (y.r5_warned, y.r5_flagged, y.r6_flagged) == (0, 0, 0)
    # Q1, Q2: D and E due, E with one; Q3: F due too and has one; Q4: only F.
    assert y.thematic_quarters == [(1, 1, 2), (2, 1, 2), (3, 2, 3), (4, 1, 3)]

    one = await report(sessions, t["B"], "2026")  # a cell's own report
    assert [c.name for c in one.cells] == [B]
    assert one.year is not None and (one.year.cells, one.year.most) == (1, 1)
    assert one.year.mean_rate == F(93, 95) and one.year.r5_flagged == 1
    assert one.year.grades["kha"] == 0 and one.year.grades_unconfirmed == 10


async def test_deleted_meetings_and_withdrawn_zero_reports_do_not_count(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as s:
        w = await orgs.create(s, name=WARD, kind=OrgKind.COMMUNE, parent=None, actor_id=None)
        cell = await orgs.create(
            s, name=A, kind=OrgKind.CELL, parent=w, actor_id=None, cell_type=CellType.RESIDENTIAL
        )
        cell.created_at = ENTERED
        (absent, *_) = await crew(s, cell, "A", 4)
        october = await meet(s, cell, date(2026, 10, 5), minutes=60, marks={absent: "unexcused"})
        november = await zero(s, cell, 11, "Lũ lụt")
    r = await report(sessions, w, "2026-10")
    assert r.month is not None
    assert (r.month.held, r.month.mean_rate, r.month.unexcused, r.month.short) == (1, F(3, 4), 1, 1)
    before = (await report(sessions, w, "2026-11")).month
    assert before is not None and (before.zero, before.unreported) == (1, [])
    async with sessions.begin() as s:
        meeting = await meetings.get(s, october.id)
        report_row = await zero_reports.get(s, november)
        assert meeting is not None and report_row is not None
        await meetings.delete_saved(s, meeting, actor_id=USER)
        await zero_reports.withdraw(s, report_row, actor_id=USER)
    after = await report(sessions, w, "2026-10")
    assert after.month is not None
    assert (after.month.held, after.month.unreported) == (0, [A])
    assert (after.month.mean_rate, after.month.unexcused, after.month.short) == (None, 0, 0)
    nov = (await report(sessions, w, "2026-11")).month
    assert nov is not None and (nov.zero, nov.unreported) == (0, [A])


async def test_the_node_s_rule_profile_judges_its_cells(sessions: Sessions) -> None:
    t = await ward(sessions)
    async with sessions.begin() as s:
        w = await orgs.get(s, t["W"].id)
        assert w is not None
        # HD 12-2018's "> 85%" and a locally shorter meeting (M5: small cells).
        settings = {"attendance_threshold": "17/20", "threshold_inclusive": False}
        await orgs.update_fields(s, w, actor_id=None, settings=settings | {"min_minutes": 60})
    october = (await report(sessions, t["W"], "2026-10")).month
    assert october is not None
    assert october.below == []  # 17/19 = 89,5% > 85%
    assert october.short == 0  # C's 60′ is long enough now
    year = (await report(sessions, t["W"], "2026")).year
    assert year is not None and year.short == 1  # only C's 100′ combined session (< 120)


async def test_namesakes_under_a_province_are_two_lines(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        province = await orgs.create(
            s, name="Tỉnh ủy Lạng Sơn", kind=OrgKind.PROVINCE, parent=None, actor_id=None
        )
        cells: list[Org] = []
        for commune, size in (("Đảng ủy xã Tân Thành", 3), ("Đảng ủy xã Hòa Bình", 2)):
            c = await orgs.create(
                s, name=commune, kind=OrgKind.COMMUNE, parent=province, actor_id=None
            )
            g = await orgs.create(
                s, name="Đảng bộ Trường THPT", kind=OrgKind.GRASSROOTS, parent=c, actor_id=None
            )
            for i in range(size):
                cell = await orgs.create(
                    s,
                    name=f"Chi bộ giáo viên {commune[-4:]} {i + 1}",
                    kind=OrgKind.CELL,
                    parent=g,
                    actor_id=None,
                    cell_type=CellType.PUBLIC_SERVICE,
                )
                cell.created_at = ENTERED
                await crew(s, cell, f"{len(cells)}", 2)
                cells.append(cell)
        # The first commune's three cells met in October, the second's two did not.
        for cell in cells[:3]:
            await meet(s, cell, date(2026, 10, 5))
    r = await report(sessions, province, "2026-10")
    # K4 commune by commune (their names in order), each with its own organisation.
    assert r.by_group == [
        Breakdown("Đảng bộ Trường THPT", 2, 0, None, False, "Đảng ủy xã Hòa Bình"),
        Breakdown("Đảng bộ Trường THPT", 3, 3, F(1), False, "Đảng ủy xã Tân Thành"),
    ]
    assert r.by_type == []  # one type


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "key", "months", "first", "last"),
    [
        (
            "2026-10",
            Period(2026, month=10),
            "2026-10",
            [(2026, 10)],
            date(2026, 10, 1),
            date(2026, 10, 31),
        ),
        (
            " 2026-2 ",
            Period(2026, month=2),
            "2026-02",
            [(2026, 2)],
            date(2026, 2, 1),
            date(2026, 2, 28),
        ),
        (
            "2028-02",
            Period(2028, month=2),
            "2028-02",
            [(2028, 2)],
            date(2028, 2, 1),
            date(2028, 2, 29),
        ),
        (
            "2026-Q3",
            Period(2026, quarter=3),
            "2026-Q3",
            [(2026, 7), (2026, 8), (2026, 9)],
            date(2026, 7, 1),
            date(2026, 9, 30),
        ),
        (
            "2026-q4",
            Period(2026, quarter=4),
            "2026-Q4",
            [(2026, 10), (2026, 11), (2026, 12)],
            date(2026, 10, 1),
            date(2026, 12, 31),
        ),
        (
            "2026",
            Period(2026),
            "2026",
            [(2026, m) for m in range(1, 13)],
            date(2026, 1, 1),
            date(2026, 12, 31),
        ),
    ],
)
def test_period_parse(
    text: str,
    period: Period,
    key: str,
    months: list[tuple[int, int]],
    first: date,
    last: date,
) -> None:
    got = Period.parse(text)
    assert got == period
    assert (got.key, got.months, got.first_day, got.last_day) == (key, months, first, last)
    assert Period.parse(got.key) == got  # the key is what the CLI and the buttons send back


def test_period_kinds() -> None:
    assert [Period.parse(t).kind for t in ("2026-10", "2026-Q3", "2026")] == [
        "month",
        "quarter",
        "year",
    ]
    assert Period.of_month((2026, 12)) == Period(2026, month=12)
    assert [Period.quarter_of((2026, m)).quarter for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-13",
        "2026-00",
        "2026-0",
        "2026-Q0",
        "2026-Q5",
        "2026Q3",
        "26-10",
        "2026/10",
        "10-2026",
        "2026-10-01",
        "tháng 10",
        "Q3-2026",
        "0000",
        "0000-05",
        "9999-Q1",
    ],
)
def test_period_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        Period.parse(text)


async def test_a_running_year_is_judged_on_the_months_that_have_ended(sessions: Sessions) -> None:
    """As of 15/10/2026, October still has time for its meeting (M1): the year's buckets
    count January-September, held of the 9: A, E, H held every one of them; B missed
    February and July, C July-September; D never met. F (due from July, all held) apart."""
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026", today=date(2026, 10, 15))
    assert r.complete is False and r.months[-1] == (2026, 10)
    y = r.year
    assert y is not None
    assert (y.months, y.cells, y.whole, y.full, y.most, y.few) == (9, 7, 6, 3, 2, 1)
    assert (y.new, y.new_full) == (1, 1)


# --- the renderers on the ward (#5's "done when"): text, workbook, chart ------------------
#
# Every figure below follows from the ward's construction and the figures asserted above;
# percentages are Babel's vi with one decimal (L3), e.g. 4/7 = 57,142…% → "57,1%".

VI = translator("vi")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNDER = f"chi bộ trực thuộc {WARD}"  # the K4 line of H, which sits directly under the ward
EVERY = "sinh hoạt đủ các tháng · dự bình quân"
HELD_EVERY = "sinh hoạt đủ các tháng"  # a line with no rate has no "—" (#15)


async def member_names(sessions: Sessions) -> list[str]:
    async with sessions.begin() as s:
        names = list((await s.scalars(select(Member.full_name))).all())
    assert len(names) == 52  # A 10, B 20, C 6, D 3, E 4, F 4, H 5
    return names


def no_person(texts: list[str], names: list[str]) -> None:
    """S2: a roll-up names cells, never a member."""
    for text in texts:
        assert "Nguyễn Văn" not in text
        for name in names:
            assert name not in text


def lines_of(report_: Report) -> list[str]:
    texts = report_texts(report_, VI)
    assert len(texts) == 1  # a ward's report fits one message
    return texts[0].split("\n")


async def test_october_as_text(sessions: Sessions) -> None:
    t = await ward(sessions)
    lines = lines_of(await report(sessions, t["W"], "2026-10"))
    assert lines == [
        f"📊 <b>{WARD}</b>: sinh hoạt chi bộ tháng 10/2026",
        "Đã sinh hoạt thường kỳ: 4/7 (57,1%) chi bộ",  # A, B, C, F
        "Báo cáo không sinh hoạt: 1",  # E, with its reason (#15)
        f"• {E} (Giải thể trường, chờ sáp nhập)",
        "Chưa báo cáo: 2",
        f"• {H}",
        f"• {D}",
        # 721/760 = 94,87%; B's 17/19 = 89,47%, named (#15)
        f"Tỷ lệ đảng viên dự sinh hoạt bình quân: 94,9% (thấp nhất 89,5%: {B})",
        "Dưới 90%: 1 chi bộ",  # A's 9/10 is on the line (R4)
        f"• {B}",
        "Chi bộ có đảng viên vắng không có lý do: 1 (1 lượt)",
        f"• {B}",  # #15: the cell, never the member (S2)
        "Buổi sinh hoạt chưa đủ thời lượng: 1",
        "Báo cáo chậm quá 2 ngày sau buổi sinh hoạt: 1 chi bộ",  # M6
        f"• {B} (4 ngày)",
        "",
        "<b>Theo đảng bộ, chi bộ cơ sở:</b>",
        f"• {G2}: 1/3 (33,3%) {EVERY} 100%",
        f"• {G1}: 3/3 (100%) {EVERY} 93,2%",  # (9/10 + 17/19 + 1) / 3 = 177/190
        f"• {UNDER}: 0/1 (0%) {HELD_EVERY}",  # K4: H's own line, the ward's
        "",
        "<b>Theo loại hình chi bộ:</b>",
        f"• cơ quan hành chính: 0/1 (0%) {HELD_EVERY}",
        f"• lực lượng vũ trang: 0/1 (0%) {HELD_EVERY}",
        f"• doanh nghiệp ngoài nhà nước: 1/1 (100%) {EVERY} 100%",
        f"• đơn vị sự nghiệp: 0/1 (0%) {HELD_EVERY}",
        f"• dân cư: 3/3 (100%) {EVERY} 93,2%",
        "",  # #15: the deadline for the cells not reported yet, last
        "Hạn báo cáo (ngày 05/11/2026) đã qua: đề nghị các chi bộ chưa báo cáo liên hệ cấp ủy "
        "cấp trên để ghi bổ sung.",
    ]
    no_person(lines, await member_names(sessions))


async def test_quarters_as_text(sessions: Sessions) -> None:
    t = await ward(sessions)
    q3 = lines_of(await report(sessions, t["W"], "2026-Q3"))
    assert q3 == [
        f"📘 <b>{WARD}</b>: sinh hoạt chi bộ quý III/2026",
        "3/7 (42,9%) chi bộ đã sinh hoạt chuyên đề trong quý",  # A, E, F
        "Chưa sinh hoạt chuyên đề:",
        f"• {H}",
        f"• {B}",
        f"• {C}",
        f"• {D}",
        "Sinh hoạt thường kỳ:",
        "• 07/2026: 4/7 (57,1%)",
        "• 08/2026: 5/7 (71,4%)",
        "• 09/2026: 5/7 (71,4%)",
        "Chi bộ bắt đầu theo dõi trong kỳ: 1",  # #14: F, founded on 15/7
        f"• {FF} (theo dõi từ 07/2026)",
        "",
        "<b>Theo đảng bộ, chi bộ cơ sở:</b>",
        # H met in Jul-Sep; E and F (due from July) did, D did not; A did, B missed July,
        # C met in none. Every rate of the quarter is 1.
        f"• {G2}: 2/3 (66,7%) {EVERY} 100%",
        f"• {G1}: 1/3 (33,3%) {EVERY} 100%",
        f"• {UNDER}: 1/1 (100%) {EVERY} 100%",
        "",
        "<b>Theo loại hình chi bộ:</b>",
        f"• cơ quan hành chính: 0/1 (0%) {HELD_EVERY}",
        f"• lực lượng vũ trang: 1/1 (100%) {EVERY} 100%",
        f"• doanh nghiệp ngoài nhà nước: 1/1 (100%) {EVERY} 100%",
        f"• đơn vị sự nghiệp: 1/1 (100%) {EVERY} 100%",
        f"• dân cư: 1/3 (33,3%) {EVERY} 100%",
    ]
    q4 = lines_of(await report(sessions, t["W"], "2026-Q4"))
    # Residential in Q4: A 29/30, B 55/57, C 5/5 → (551 + 550 + 570) / 570 / 3 = 97,72%.
    residential = f"2/3 (66,7%) {EVERY} 97,7%"
    assert q4 == [
        f"📘 <b>{WARD}</b>: sinh hoạt chi bộ quý IV/2026",
        "3/7 (42,9%) chi bộ đã sinh hoạt chuyên đề trong quý",  # A, B, F
        "Chưa sinh hoạt chuyên đề:",
        f"• {H}",
        f"• {C}",
        f"• {E}",
        f"• {D}",
        "Sinh hoạt thường kỳ:",
        "• 10/2026: 4/7 (57,1%)",
        "• 11/2026: 4/7 (57,1%)",
        "• 12/2026: 4/7 (57,1%)",
        "",
        "<b>Theo đảng bộ, chi bộ cơ sở:</b>",
        f"• {G2}: 1/3 (33,3%) {EVERY} 100%",  # F; E only reported zero, D nothing
        f"• {G1}: {residential}",
        f"• {UNDER}: 0/1 (0%) {EVERY} 90%",  # H: Nov 4/5, Dec 5/5
        "",
        "<b>Theo loại hình chi bộ:</b>",
        f"• cơ quan hành chính: 0/1 (0%) {HELD_EVERY}",
        f"• lực lượng vũ trang: 0/1 (0%) {EVERY} 90%",
        f"• doanh nghiệp ngoài nhà nước: 1/1 (100%) {EVERY} 100%",
        f"• đơn vị sự nghiệp: 0/1 (0%) {HELD_EVERY}",
        f"• dân cư: {residential}",
    ]
    no_person(q3 + q4, await member_names(sessions))


async def test_the_year_as_text(sessions: Sessions) -> None:
    t = await ward(sessions)
    lines = lines_of(await report(sessions, t["W"], "2026"))
    # The mean of the six cells' rates (23/24, 93/95, 36/41, 1, 1, 53/55) is 96,32%;
    # residential (23/24 + 93/95 + 36/41) / 3 = 93,84%; H 53/55 = 96,36%.
    assert lines == [
        f"📗 <b>{WARD}</b>: sinh hoạt chi bộ năm 2026",
        # K3 by regular meetings held, over the cells tracked all year (#14).
        "Sinh hoạt thường kỳ của 6 chi bộ được theo dõi cả năm:",
        "• sinh hoạt thường kỳ đủ 12 tháng: 1/6 (16,7%)",  # A
        "• sinh hoạt thường kỳ 9-11 tháng: 3/6 (50%)",  # B, E, H
        "• sinh hoạt thường kỳ từ 8 tháng trở xuống: 2/6 (33,3%)",  # C, D
        "Thành lập (hoặc bắt đầu theo dõi) trong năm: 1, đã sinh hoạt đủ các tháng: 1",
        f"• {FF} (theo dõi từ 07/2026)",
        "Tỷ lệ đảng viên dự sinh hoạt bình quân: 96,3% (thấp nhất 87,8%)",  # C's 36/41
        "Buổi sinh hoạt chưa đủ thời lượng: 3",
        "Báo cáo chậm quá 2 ngày sau buổi sinh hoạt: 2 chi bộ",  # M6: B in Oct, H in Nov
        # M9: none confirmed yet (test_grades.py confirms some)
        "Xếp loại buổi sinh hoạt (cấp ủy cấp trên đã xác nhận): Tốt 0 · Khá 0 · Trung bình 0 · Kém 0",
        "Chi bộ tự xếp loại, chưa xác nhận: 35",
        "Sinh hoạt chuyên đề theo quý:",
        "• Quý I: 4/6 (66,7%)",
        "• Quý II: 4/6 (66,7%)",
        "• Quý III: 3/7 (42,9%)",
        "• Quý IV: 3/7 (42,9%)",
        "Đảng viên cần xem xét: vắng không có lý do 2 tháng: 1, từ 3 tháng trở lên: 1; "
        "vắng có lý do quá 3 lần liên tiếp: 1",
        "",
        "<b>Theo đảng bộ, chi bộ cơ sở:</b>",
        f"• {G2}: 1/3 (33,3%) {EVERY} 100%",
        f"• {G1}: 1/3 (33,3%) {EVERY} 93,8%",
        f"• {UNDER}: 0/1 (0%) {EVERY} 96,4%",
        "",
        "<b>Theo loại hình chi bộ:</b>",
        f"• cơ quan hành chính: 0/1 (0%) {HELD_EVERY}",
        f"• lực lượng vũ trang: 0/1 (0%) {EVERY} 96,4%",
        f"• doanh nghiệp ngoài nhà nước: 1/1 (100%) {EVERY} 100%",
        f"• đơn vị sự nghiệp: 0/1 (0%) {EVERY} 100%",
        f"• dân cư: 1/3 (33,3%) {EVERY} 93,8%",
    ]
    no_person(lines, await member_names(sessions))


def sheets(report_: Report) -> tuple[Any, Any]:
    wb = openpyxl.load_workbook(io.BytesIO(report_workbook(report_, VI)))
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết từng chi bộ"]
    return wb["Tổng hợp"], wb["Chi tiết từng chi bộ"]


def by_label(ws: Any) -> dict[str, tuple[Any, ...]]:
    """Sheet 1's rows from the table's header on, by their label in column A."""
    out: dict[str, tuple[Any, ...]] = {}
    for row in ws.iter_rows(min_row=8, values_only=True):
        if isinstance(row[0], str):
            assert row[0] not in out, row[0]
            out[row[0]] = tuple(row[1:5])
    return out


def all_text(*worksheets: Any) -> list[str]:
    return [
        v
        for ws in worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]


def approx(value: float | Fraction | None) -> Any:
    return None if value is None else pytest.approx(float(value))


async def test_october_as_a_workbook(sessions: Sessions) -> None:
    t = await ward(sessions)
    summary, cells = sheets(await report(sessions, t["W"], "2026-10"))
    rows = by_label(summary)
    assert summary["A1"].value == WARD and summary["A3"].value == "Tháng 10/2026"
    assert rows["Chỉ tiêu"] == ("Số lượng", "Tỷ lệ so với số chi bộ", None, None)
    # Counts in column B, their share of the due cells in C; rates in B.
    assert rows["Số chi bộ phải sinh hoạt"] == (7, None, None, None)
    assert rows["Đã sinh hoạt thường kỳ"] == (4, approx(F(4, 7)), None, None)
    assert rows["Báo cáo không sinh hoạt"] == (1, approx(F(1, 7)), None, None)
    assert rows["Chưa báo cáo"] == (2, approx(F(2, 7)), None, None)
    assert rows["Tỷ lệ đảng viên dự sinh hoạt bình quân"] == (approx(F(721, 760)), None, None, None)
    assert rows["Tỷ lệ đảng viên dự sinh hoạt thấp nhất"] == (approx(F(17, 19)), None, None, None)
    assert rows["Chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới mức yêu cầu (90%)"] == (
        1,
        approx(F(1, 7)),
        None,
        None,
    )
    assert rows["Chi bộ có đảng viên vắng không có lý do"] == (1, approx(F(1, 7)), None, None)
    assert rows["Lượt vắng không có lý do"] == (1, None, None, None)
    assert rows["Buổi sinh hoạt không đủ thời lượng tối thiểu"] == (1, None, None, None)
    late = "Chi bộ báo cáo chậm quá 2 ngày sau buổi sinh hoạt"  # M6
    assert rows[late] == (1, approx(F(1, 7)), None, None)
    # The unreported cells by name (K1), the late ones with their days (M6), then K4 with
    # O3's order of types.
    labels_ = list(rows)
    at = labels_.index("Chi bộ chưa báo cáo")
    assert labels_[at + 1 : at + 3] == [H, D]
    assert rows["Chi bộ báo cáo chậm"][0] == "Số ngày từ khi sinh hoạt đến khi báo cáo (lâu nhất)"
    assert rows[B] == (4, None, None, None)
    group = (
        "Số chi bộ",
        "Sinh hoạt đủ các tháng",
        "Tỷ lệ so với số chi bộ",
        "Tỷ lệ đảng viên dự sinh hoạt bình quân",
    )
    assert rows["Theo tổ chức cơ sở đảng"] == group
    assert rows[UNDER] == (1, 0, 0, None)
    assert rows[G2] == (3, 1, approx(F(1, 3)), 1)
    assert rows[G1] == (3, 3, 1, approx(F(177, 190)))
    assert rows["Theo loại hình chi bộ"] == group
    types = labels_[labels_.index("Theo loại hình chi bộ") + 1 :]
    assert types == [
        "dân cư",
        "cơ quan hành chính",
        "đơn vị sự nghiệp",
        "doanh nghiệp ngoài nhà nước",
        "lực lượng vũ trang",
    ]
    assert rows["dân cư"] == (3, 3, 1, approx(F(177, 190)))
    assert rows["doanh nghiệp ngoài nhà nước"] == (1, 1, 1, 1)
    assert rows["lực lượng vũ trang"] == (1, 0, 0, None)

    # Sheet 2: No., cell, group, type, tracked from; October's mark and rate; thematic Q4
    # (October so far); months not met, months met, rate, unexcused, short; days to
    # logging (the most), meetings logged late (M6).
    assert [c.value for c in cells[3]] == [
        "STT", "Chi bộ", "Tổ chức cơ sở đảng", "Loại hình", "Theo dõi từ", "10/2026", None,
        "Chuyên đề quý IV/2026", "Số tháng báo cáo không sinh hoạt",
        "Số tháng có sinh hoạt thường kỳ", "Tỷ lệ đảng viên dự sinh hoạt", "Lượt vắng không có lý do",
        "Buổi không đủ thời lượng", "Số ngày từ khi sinh hoạt đến khi báo cáo (lâu nhất)",
        "Số buổi báo cáo chậm quá 2 ngày",
    ]  # fmt: skip
    assert [c.value for c in cells[4]][5:7] == ["Sinh hoạt", "Tỷ lệ dự"]
    got = [tuple(r) for r in cells.iter_rows(min_row=5, values_only=True)]
    # H's extraordinary meeting was logged the day it was held (0 days); E and D logged none.
    assert got == [
        (1, H, UNDER, "lực lượng vũ trang", None, "—", None, "—", 0, 0, None, 0, 0, 0, 0),
        (2, FF, G2, "doanh nghiệp ngoài nhà nước", None, "✓", 1, "—", 0, 1, 1, 0, 0, 0, 0),
        (3, A, G1, "dân cư", None, "✓", approx(F(9, 10)), "—", 0, 1, approx(F(9, 10)), 0, 0, 0, 0),
        (4, B, G1, "dân cư", None, "✓", approx(F(17, 19)), "—", 0, 1, approx(F(17, 19)), 1, 0,
         4, 1),
        (5, C, G1, "dân cư", None, "✓", 1, "—", 0, 1, 1, 0, 1, 0, 0),
        (6, E, G2, "đơn vị sự nghiệp", None, "KSH", None, "—", 1, 0, None, 0, 0, None, 0),
        (7, D, G2, "cơ quan hành chính", None, "—", None, "—", 0, 0, None, 0, 0, None, 0),
    ]  # fmt: skip
    no_person(all_text(summary, cells), await member_names(sessions))


# A cell's months in the year's sheet: ✓ held, K "did not meet" (KSH), — not reported,
# blank: not founded yet; then its thematic meeting per quarter the same way.
YEAR_MARKS = {
    H: ("✓✓✓✓✓✓✓✓✓—✓✓", "✓———"),
    FF: ("      ✓✓✓✓✓✓", "  ✓✓"),
    A: ("✓✓✓✓✓✓✓✓✓✓✓✓", "✓✓✓✓"),
    B: ("✓K✓✓✓✓—✓✓✓✓✓", "✓✓—✓"),
    C: ("✓✓✓✓✓✓———✓——", "—✓——"),
    E: ("✓✓✓✓✓✓✓✓✓KKK", "✓✓✓—"),
    D: ("————————————", "————"),
}
# Months reported as not met, months met, the year's rate, unexcused absences, short ones,
# the most days to logging a meeting and the meetings logged more than 2 days after (M6):
# H's November 3 days (local time), A's November 2, B's October 4.
YEAR_TAIL = {
    H: (0, 11, YEAR_RATES[H], 1, 0, 3, 1),
    FF: (0, 6, YEAR_RATES[FF], 0, 0, 0, 0),
    A: (0, 12, YEAR_RATES[A], 0, 0, 2, 0),
    B: (1, 10, YEAR_RATES[B], 3, 0, 4, 1),
    C: (0, 7, YEAR_RATES[C], 5, 3, 0, 0),
    E: (3, 9, YEAR_RATES[E], 0, 0, 0, 0),
    D: (0, 0, None, 0, 0, None, 0),
}


def mark(code: str) -> str | None:
    return {"✓": "✓", "—": "—", "K": "KSH", " ": None}[code]


async def test_the_year_as_a_workbook(sessions: Sessions) -> None:
    t = await ward(sessions)
    summary, cells = sheets(await report(sessions, t["W"], "2026"))
    rows = by_label(summary)
    assert rows["Số chi bộ"][0] == 7
    # K3 as the text has it: shares of the 6 cells tracked all year; F apart (#14).
    assert rows["Chi bộ được theo dõi cả năm"][:2] == (6, approx(F(6, 7)))
    assert rows["Sinh hoạt thường kỳ đủ 12 tháng"][:2] == (1, approx(F(1, 6)))
    assert rows["Sinh hoạt thường kỳ 9-11 tháng"][:2] == (3, approx(F(3, 6)))
    assert rows["Sinh hoạt thường kỳ từ 8 tháng trở xuống"][:2] == (2, approx(F(2, 6)))
    assert rows["Chi bộ thành lập (hoặc bắt đầu theo dõi) trong năm"][:2] == (1, approx(F(1, 7)))
    assert rows["trong đó, đã sinh hoạt thường kỳ đủ các tháng"][:2] == (1, 1)
    assert rows["Chi bộ báo cáo chậm quá 2 ngày sau buổi sinh hoạt"][:2] == (2, approx(F(2, 7)))
    assert f"{FF} (theo dõi từ 07/2026)" in rows
    assert rows["Tỷ lệ đảng viên dự sinh hoạt bình quân"][:2] == (
        approx(mean(list(YEAR_RATES.values()))),
        None,
    )
    assert rows["Tỷ lệ đảng viên dự sinh hoạt thấp nhất"][:2] == (approx(F(36, 41)), None)
    assert rows["Buổi sinh hoạt không đủ thời lượng tối thiểu"][:2] == (3, None)
    assert [rows[f"Sinh hoạt chuyên đề quý {q}"][:2] for q in ("I", "II", "III", "IV")] == [
        (4, approx(F(4, 6))),
        (4, approx(F(4, 6))),
        (3, approx(F(3, 7))),
        (3, approx(F(3, 7))),
    ]
    graded = "Số buổi sinh hoạt xếp loại {} (đã xác nhận)"
    assert [rows[graded.format(g)][0] for g in ("Tốt", "Khá", "Trung bình", "Kém")] == [0] * 4
    assert rows["Số buổi chi bộ tự xếp loại, chưa xác nhận"][0] == 35  # M9
    assert rows["Đảng viên vắng không có lý do 2 tháng (cần nhắc nhở)"][0] == 1
    assert rows["Đảng viên vắng không có lý do từ 3 tháng trở lên"][0] == 1
    assert rows["Đảng viên vắng có lý do quá 3 lần liên tiếp"][0] == 1

    head = [c.value for c in cells[3]]
    assert head[4] == "Theo dõi từ"
    assert head[5:29:2] == [f"{m:02d}/2026" for m in range(1, 13)]
    assert head[29:33] == [f"Chuyên đề quý {q}/2026" for q in ("I", "II", "III", "IV")]
    got = [tuple(r) for r in cells.iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[1]) for r in got] == list(enumerate([H, FF, A, B, C, E, D], 1))
    # #14: only F is tracked from inside the year.
    assert [r[4] for r in got] == [None, "07/2026", None, None, None, None, None]
    for row in got:
        name = row[1]
        months, quarters = YEAR_MARKS[name]
        assert len(row) == 5 + 2 * 12 + 4 + 7, name
        assert list(row[5:29:2]) == [mark(c) for c in months], name
        rates = RATES.get(name, {})
        assert list(row[6:29:2]) == [approx(rates.get(m)) for m in range(1, 13)], name
        assert list(row[29:33]) == [mark(c) for c in quarters], name
        zero_, held, rate, unexcused, short, lag, late = YEAR_TAIL[name]
        assert row[33:] == (zero_, held, approx(rate), unexcused, short, lag, late), name
    # Some months spelled out: A's October 9/10, B's October 17/19, C's April 4/6.
    a, b, c = got[2], got[3], got[4]
    assert (a[23], a[24]) == ("✓", pytest.approx(0.9))
    assert (b[23], b[24]) == ("✓", pytest.approx(17 / 19))
    assert (c[11], c[12]) == ("✓", pytest.approx(4 / 6))
    no_person(all_text(summary, cells), await member_names(sessions))


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"  # the first chunk, after its 4-byte length
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("period", ["2026-10", "2026-Q4", "2026"])
async def test_the_ward_s_chart(sessions: Sessions, period: str) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], period)
    png = compliance_chart(r, VI)
    assert png_size(png) == (1000, 560)
    assert len(png) < 150_000
    caption = chart_caption(r, VI)
    assert len(caption) < 1024
    no_person([caption], await member_names(sessions))
    # October's 12 months run Nov 2025 - Oct 2026; the quarter's and the year's end in Dec.
    last = {"2026-10": "10/2026", "2026-Q4": "12/2026", "2026": "12/2026"}[period]
    first = {"2026-10": "11/2025", "2026-Q4": "01/2026", "2026": "01/2026"}[period]
    # Oct: 4/7, mean 721/760; Dec: A, B, F, H held, all present (mean 1).
    share, rate = {"10/2026": ("57,1%", "94,9%"), "12/2026": ("57,1%", "100%")}[last]
    assert caption == (
        f"{WARD}: sinh hoạt thường kỳ và tỷ lệ đảng viên dự sinh hoạt bình quân, từ {first} đến {last}.\n"
        f"Tháng {last}: 4/7 chi bộ đã sinh hoạt thường kỳ ({share}); "
        f"tỷ lệ đảng viên dự sinh hoạt bình quân {rate}, yêu cầu 90%."
    )


# --- #14: running years, cells tracked since their entry, a province's communes ------------


async def test_a_running_year_as_text_says_what_it_counts(sessions: Sessions) -> None:
    """K3 as of 15/10/2026: after 9 ended months, held of 9 for the 6 cells tracked all
    year; every label says what it counts (A, E, H: 9/9; B, C: 1-3 short; D: 4 or more),
    F apart."""
    t = await ward(sessions)
    lines = report_texts(await report(sessions, t["W"], "2026", today=date(2026, 10, 15)), VI)
    text = lines[0].split("\n")
    at = text.index("Sau 9 tháng, sinh hoạt thường kỳ của 6 chi bộ được theo dõi đủ 9 tháng:")
    assert text[at + 1 : at + 6] == [
        "• sinh hoạt thường kỳ đủ 9/9 tháng: 3/6 (50%)",
        "• thiếu 1-3 tháng (6-8/9 tháng): 2/6 (33,3%)",
        "• thiếu từ 4 tháng trở lên (từ 5/9 tháng trở xuống): 1/6 (16,7%)",
        "Thành lập (hoặc bắt đầu theo dõi) trong năm: 1, đã sinh hoạt đủ các tháng: 1",
        f"• {FF} (theo dõi từ 07/2026)",
    ]
    assert not any("12 tháng" in line for line in text)


async def test_a_cell_entered_this_month_is_not_missing_earlier_months(
    sessions: Sessions,
) -> None:
    """#14: a cell without a founding date, created on 06/12/2026 (local time, L1), counts
    from December: not "not reported" for November, nor a missed month of the year; the
    reports say "theo dõi từ 12/2026"."""
    t = await ward(sessions)
    async with sessions.begin() as s:
        ward_ = await orgs.get(s, t["W"].id)
        assert ward_ is not None
        new = await orgs.create(
            s, name="Chi bộ Khu phố 12", kind=OrgKind.CELL, parent=ward_, actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )  # fmt: skip
        # 30/11 at 18:00 UTC is already 01/12 in Vietnam.
        new.created_at = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
        assert new.founded_on is None
    today = date(2026, 12, 6)
    november = await report(sessions, t["W"], "2026-11", today=today)
    assert november.month is not None
    assert "Chi bộ Khu phố 12" not in november.month.unreported
    assert november.month.cells == 7  # the ward's seven, not the newcomer
    december = await report(sessions, t["W"], "2026-12", today=today)
    assert december.month is not None and december.month.cells == 8
    assert "Chi bộ Khu phố 12" in december.month.unreported  # December is due
    year = await report(sessions, t["W"], "2026", today=today)
    assert year.year is not None
    # Judged on January-November: not due in any of them, so in no bucket and not "new".
    assert (year.year.cells, year.year.whole, year.year.new) == (7, 6, 1)
    q4 = report_texts(await report(sessions, t["W"], "2026-Q4", today=today), VI)[0]
    assert "• Chi bộ Khu phố 12 (theo dõi từ 12/2026)" in q4.split("\n")
    assert "Chi bộ bắt đầu theo dõi trong kỳ: 1" in q4


async def test_a_province_s_breakdown_goes_commune_by_commune(sessions: Sessions) -> None:
    """K4 (#14): a province's cells directly under a commune are "chi bộ trực thuộc Đảng ủy
    xã …", one line per commune under its name, never "trực thuộc Tỉnh ủy"."""
    async with sessions.begin() as s:
        province = await orgs.create(
            s, name="Tỉnh ủy Minh Hòa", kind=OrgKind.PROVINCE, parent=None, actor_id=None
        )
        made: dict[str, Org] = {}
        for commune in ("Đảng ủy xã An Hòa", "Đảng ủy phường Bình Minh"):
            c = await orgs.create(
                s, name=commune, kind=OrgKind.COMMUNE, parent=province, actor_id=None
            )
            office = await orgs.create(
                s, name=f"Đảng bộ Khối cơ quan {commune[8:]}", kind=OrgKind.GRASSROOTS, parent=c,
                actor_id=None,
            )  # fmt: skip
            for parent, name in ((c, "Thôn 1"), (c, "Thôn 2"), (office, "UBND")):
                cell = await orgs.create(
                    s, name=f"Chi bộ {name} {commune[8:]}", kind=OrgKind.CELL, parent=parent,
                    actor_id=None, cell_type=CellType.RESIDENTIAL,
                )  # fmt: skip
                cell.created_at = ENTERED
                await crew(s, cell, name[:2], 3)
                made[cell.name] = cell
        await meet(s, made["Chi bộ Thôn 1 xã An Hòa"], date(2026, 10, 5))
        await meet(s, made["Chi bộ UBND phường Bình Minh"], date(2026, 10, 5))
    r = await report(sessions, province, "2026-10")
    lines = report_texts(r, VI)[0].split("\n")
    at = lines.index("<b>Theo đảng bộ, chi bộ cơ sở:</b>")
    every = f"{EVERY} 100%"
    assert lines[at + 1 : at + 7] == [
        "<i>Đảng ủy phường Bình Minh</i>",
        f"• Đảng bộ Khối cơ quan phường Bình Minh: 1/1 (100%) {every}",
        f"• chi bộ trực thuộc Đảng ủy phường Bình Minh: 0/2 (0%) {HELD_EVERY}",
        "<i>Đảng ủy xã An Hòa</i>",
        f"• Đảng bộ Khối cơ quan xã An Hòa: 0/1 (0%) {HELD_EVERY}",
        f"• chi bộ trực thuộc Đảng ủy xã An Hòa: 1/2 (50%) {every}",
    ]
    assert not any("Tỉnh ủy" in line for line in lines[at:])
    summary, _cells = sheets(r)
    rows = by_label(summary)
    assert rows["Đảng ủy xã An Hòa"] == (None, None, None, None)  # the commune's heading
    assert rows["    chi bộ trực thuộc Đảng ủy xã An Hòa"] == (2, 1, 0.5, 1)
    # The committee's Word report groups its table 2 the same way (#14, K4).
    import docx  # here: the one test of this file that opens a document

    from bot.render.committee_report import Issuer, committee_report

    doc = docx.Document(io.BytesIO(committee_report(r, Issuer("Tỉnh ủy Minh Hòa", None))))
    units = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert [u[1:3] for u in units[1:8]] == [
        ["Theo tổ chức cơ sở đảng", ""],
        ["Đảng ủy phường Bình Minh", ""],
        ["Đảng bộ Khối cơ quan phường Bình Minh", "1/1"],
        ["Chi bộ trực thuộc Đảng ủy phường Bình Minh", "0/2"],
        ["Đảng ủy xã An Hòa", ""],
        ["Đảng bộ Khối cơ quan xã An Hòa", "0/1"],
        ["Chi bộ trực thuộc Đảng ủy xã An Hòa", "1/2"],
    ]


async def test_without_the_trend_the_figures_are_the_same(sessions: Sessions) -> None:
    """#16: a text, workbook or document reads only its period's months (the chart's 12 are
    read for the chart alone); every figure is the same as with them."""
    t = await ward(sessions)
    for period in ("2026-10", "2026-Q3", "2026"):
        full = await report(sessions, t["W"], period)
        async with sessions.begin() as s:
            fresh = await orgs.get(s, t["W"].id)
            assert fresh is not None
            lean = await build(s, fresh, Period.parse(period), TODAY, with_trend=False)
        assert lean.trend == [] and len(full.trend) == 12
        assert (lean.month, lean.quarter, lean.year) == (full.month, full.quarter, full.year)
        assert (lean.by_group, lean.by_type) == (full.by_group, full.by_type)
        assert report_texts(lean, VI) == report_texts(full, VI)
