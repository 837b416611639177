"""The queries behind the roll-ups (#5, K1-K4): sums over the stored meeting tallies.

A fixed number of queries per report whatever the size of the subtree: the cells, their
meetings summed per cell and month, the standing zero reports, the grades. No attendance
row is read (storage.tallies keeps each meeting's counts), so a province-wide year costs
one grouped scan of its meetings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, and_, case, cast, extract, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.domain.facts import tracked_since
from bot.domain.meeting_rules import REGULAR_KINDS, RuleProfile
from bot.domain.model import OrgKind
from bot.domain.summary import REPORT_WITHIN_DAYS, CellFacts, MonthFacts, Period, YearMonth

from .models import Meeting, MeetingMark, Member, Org, ZeroReport

THEMATIC_KINDS = ("thematic", "combined")  # M4
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")  # L1: the default of Settings.timezone
# The levels a cell directly under which is "chi bộ trực thuộc" that committee (K4, O2).
COMMITTEES = (OrgKind.COMMUNE, OrgKind.DISTRICT)


def _under(node: Org) -> Any:
    """The node and everything beneath it (materialised paths, O2)."""
    return and_(Org.path.startswith(node.path, autoescape=True), Org.archived_at.is_(None))


async def cells_under(session: AsyncSession, node: Org) -> list[Org]:
    rows = await session.scalars(
        select(Org).where(_under(node), Org.kind == OrgKind.CELL).order_by(Org.id)
    )
    return list(rows)


def _lag_days(session: AsyncSession, tz: tzinfo) -> Any:
    """M6: the days from a meeting to its logging, local calendar days (L1): saved_at's
    local date minus held_on, in SQL so that the report stays one aggregate."""
    if session.get_bind().dialect.name == "postgresql" and isinstance(tz, ZoneInfo):
        local_day = cast(func.timezone(tz.key, Meeting.saved_at), Date)
        return type_coerce(local_day - Meeting.held_on, Integer)  # date - date: days
    # SQLite has no zone database: the zone's offset now (Asia/Ho_Chi_Minh has no summer
    # time, L1). saved_at is stored there as UTC text.
    offset = (datetime.now(UTC).astimezone(tz).utcoffset() or UTC.utcoffset(None)).total_seconds()
    julian = func.julianday(func.date(Meeting.saved_at, f"{int(offset):+d} seconds"))
    return cast(julian - func.julianday(Meeting.held_on), Integer)


async def month_sums(
    session: AsyncSession,
    node: Org,
    first: date,
    last: date,
    profile: RuleProfile,
    tz: tzinfo = LOCAL,
) -> dict[int, dict[YearMonth, MonthFacts]]:
    """cell → (year, month) → the month's counts, from one grouped query over meetings and
    one over zero reports."""
    lag = func.coalesce(_lag_days(session, tz), 0)
    regular = Meeting.kind.in_(REGULAR_KINDS)
    # As integers: PostgreSQL's EXTRACT gives numeric, a Decimal for each of 100,000 rows.
    year = cast(extract("year", Meeting.held_on), Integer)
    month = cast(extract("month", Meeting.held_on), Integer)

    def on_regular(column: Any) -> Any:
        return func.sum(case((regular, func.coalesce(column, 0)), else_=0))

    short = or_(  # M5, with the profile of the node the report is for
        and_(Meeting.kind.in_(("regular", "thematic")), Meeting.minutes < profile.min_minutes),
        and_(Meeting.kind == "combined", Meeting.minutes < profile.min_minutes_combined),
    )
    rows = await session.execute(
        select(
            Meeting.cell_id,
            year,
            month,
            func.sum(case((regular, 1), else_=0)),
            func.sum(case((Meeting.kind.in_(THEMATIC_KINDS), 1), else_=0)),
            on_regular(Meeting.eligible),
            on_regular(Meeting.present),
            on_regular(Meeting.unexcused),
            func.sum(case((short, 1), else_=0)),
            func.max(lag),  # M6
            func.sum(case((lag > REPORT_WITHIN_DAYS, 1), else_=0)),
        )
        .join(Org, Org.id == Meeting.cell_id)
        .where(
            _under(node),
            Meeting.state == "saved",
            Meeting.held_on >= first,
            Meeting.held_on <= last,
        )
        .group_by(Meeting.cell_id, year, month)
    )
    out: dict[int, dict[YearMonth, MonthFacts]] = defaultdict(dict)
    # MonthFacts are frozen: equal months share one object (a province's 100,000 cell-months
    # have a few thousand distinct sums), and so do equal (year, month) keys: fewer objects
    # to build, and fewer for the garbage collector to walk.
    shared: dict[tuple[int, ...], MonthFacts] = {}
    yms: dict[int, YearMonth] = {}
    for row in rows:
        counts = row[3:]
        facts = shared.get(counts)
        if facts is None:
            n_regular, n_thematic, eligible, present, unexcused, n_short, lag_days, late = map(
                int, counts
            )
            facts = shared[counts] = MonthFacts(
                regular=n_regular,
                thematic=n_thematic,
                eligible=eligible,
                present=present,
                unexcused=unexcused,
                short=n_short,
                lag=lag_days,
                late=late,
            )
        y, m = row[1], row[2]
        ym = yms.get(y * 16 + m)
        if ym is None:
            ym = yms[y * 16 + m] = (int(y), int(m))
        out[row[0]][ym] = facts
    # (year, month) compared column by column: year * 100 + month would be computed in
    # SMALLINT on PostgreSQL (the columns' type) and overflow at 202,600.
    from_first = or_(
        ZeroReport.year > first.year,
        and_(ZeroReport.year == first.year, ZeroReport.month >= first.month),
    )
    to_last = or_(
        ZeroReport.year < last.year,
        and_(ZeroReport.year == last.year, ZeroReport.month <= last.month),
    )
    zero = await session.execute(
        select(ZeroReport.cell_id, ZeroReport.year, ZeroReport.month, ZeroReport.reason)
        .join(Org, Org.id == ZeroReport.cell_id)
        .where(_under(node), ZeroReport.deleted_at.is_(None), from_first, to_last)
    )
    for cell_id, y, m, reason in zero:  # #15: with the reason, in the same query
        ym = (int(y), int(m))
        months = out[cell_id]
        months[ym] = replace(months.get(ym, MonthFacts()), zero=True, reason=reason or None)
    return out


async def cell_facts(
    session: AsyncSession,
    node: Org,
    first: date,
    last: date,
    profile: RuleProfile,
    tz: tzinfo = LOCAL,
) -> list[CellFacts]:
    """Every cell under `node` (or the node itself, if a cell) with its months, tracked
    since its founding day or the month it was created in `tz` (#14)."""
    # Rows, not ORM objects: a province has 10,000 cells.
    cells = list(
        await session.execute(
            select(Org.id, Org.name, Org.cell_type, Org.founded_on, Org.created_at, Org.path)
            .where(_under(node), Org.kind == OrgKind.CELL)
            .order_by(Org.id)
        )
    )
    ancestors = {c.id: [int(p) for p in c.path.strip("/").split("/") if p][:-1] for c in cells}
    above_ids = {a for ids in ancestors.values() for a in ids}
    above = {}
    if above_ids:
        above = {
            o.id: o
            for o in await session.execute(
                select(Org.id, Org.name, Org.kind).where(Org.id.in_(above_ids))
            )
        }
    months = await month_sums(session, node, first, last, profile, tz)
    out = []
    for c in cells:
        line = [above[a] for a in reversed(ancestors[c.id]) if a in above]  # nearest first
        # K4: the nearest grassroots organisation; else the committee right above the cell.
        group = next((o for o in line if o.kind == OrgKind.GRASSROOTS), None)
        direct = group is None and bool(line)
        if direct:
            group = line[0]
        area = next((o for o in line if o.kind in COMMITTEES), None)
        out.append(
            CellFacts(
                id=c.id,
                name=c.name,
                cell_type=c.cell_type.value if c.cell_type else None,
                group_id=group.id if group else None,
                group=group.name if group else None,
                since=tracked_since(c.founded_on, c.created_at, tz),
                months=months.get(c.id, {}),
                direct=direct,
                area_id=area.id if area else None,
                area=area.name if area else None,
            )
        )
    return out


@dataclass(frozen=True)
class GradeCounts:
    """M9: a period's graded meetings. `confirmed`: {grade value: n} by the upper committee's
    grade (a confirmation stands after a correction of the cell's own grade); `unconfirmed`:
    {grade value: n} by the cell's own grade, for those no committee has confirmed yet."""

    confirmed: dict[str, int]
    unconfirmed: dict[str, int]

    @property
    def pending(self) -> int:
        """ "chưa xác nhận: n" — graded by the cell, not yet by the committee."""
        return sum(self.unconfirmed.values())


async def grade_counts(session: AsyncSession, node: Org, period: Period) -> GradeCounts:
    """M9: saved meetings of the period by confirmed grade, and the unconfirmed ones by their
    own grade: one grouped aggregate (at most 5 × 5 rows)."""
    rows = await session.execute(
        select(Meeting.confirmed_grade, Meeting.grade, func.count())
        .join(Org, Org.id == Meeting.cell_id)
        .where(
            _under(node),
            Meeting.state == "saved",
            or_(Meeting.grade.is_not(None), Meeting.confirmed_grade.is_not(None)),
            Meeting.held_on >= period.first_day,
            Meeting.held_on <= period.last_day,
        )
        .group_by(Meeting.confirmed_grade, Meeting.grade)
    )
    confirmed: dict[str, int] = defaultdict(int)
    unconfirmed: dict[str, int] = defaultdict(int)
    for by_committee, own, n in rows:
        if by_committee is not None:
            confirmed[str(by_committee)] += int(n)
        else:
            unconfirmed[str(own)] += int(n)
    return GradeCounts(dict(confirmed), dict(unconfirmed))


async def cell_ids(session: AsyncSession, node: Org) -> list[int]:
    """The cells under `node` (those cell_facts reads), by id."""
    return list(
        await session.scalars(
            select(Org.id).where(_under(node), Org.kind == OrgKind.CELL).order_by(Org.id)
        )
    )


def runs_apart(session: AsyncSession) -> bool:
    """Whether a second connection can work beside this one (PostgreSQL; SQLite has one
    writer and gains nothing)."""
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True)
class PeopleData:
    """What the per-person sheet needs: members with their histories, meetings, marks."""

    members: list[Member]  # with .statuses loaded, in cell then L4 order
    meetings: list[Meeting]  # saved, in date order
    marks: dict[tuple[int, int], tuple[str, str | None]]  # (meeting, member) → (mark, reason)


async def people(session: AsyncSession, node: Org, first: date, last: date) -> PeopleData:
    """Three queries whatever the number of cells: members, meetings, marks."""
    cell_ids = select(Org.id).where(_under(node), Org.kind == OrgKind.CELL)
    members = list(
        await session.scalars(
            select(Member)
            .where(Member.cell_id.in_(cell_ids))
            .options(selectinload(Member.statuses))
            .order_by(Member.cell_id, Member.sort_key, Member.id)
        )
    )
    held = list(
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id.in_(cell_ids),
                Meeting.state == "saved",
                Meeting.held_on >= first,
                Meeting.held_on <= last,
            )
            .order_by(Meeting.held_on, Meeting.id)
        )
    )
    marks: dict[tuple[int, int], tuple[str, str | None]] = {}
    if held:
        rows = await session.execute(
            select(
                MeetingMark.meeting_id, MeetingMark.member_id, MeetingMark.mark, MeetingMark.reason
            )
            .join(Meeting, Meeting.id == MeetingMark.meeting_id)
            .where(
                Meeting.cell_id.in_(cell_ids),
                Meeting.state == "saved",
                Meeting.held_on >= first,
                Meeting.held_on <= last,
            )
        )
        marks = {(m, p): (mark, reason) for m, p, mark, reason in rows}
    return PeopleData(members, held, marks)
