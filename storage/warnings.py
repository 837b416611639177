"""What the early warnings (R5, R6) and the admins' monthly digest (K1) read (#4).

A fixed number of queries whatever the size of the tree: the yearly counters are
aggregated in SQL, and only the few members they single out are loaded in full and judged
by bot.domain.history.member_year, the same rules as the member's attendance screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.history import (
    MarkedMeeting,
    MemberYear,
    eligible_all_year,
    levels_all_year,
    member_year,
)
from bot.domain.history import year_levels as year_levels_of
from bot.domain.meeting_rules import MeetingType, RuleProfile
from bot.domain.model import LEAVING_STATUSES
from bot.domain.roster import status_on

from .models import Delivery, Meeting, MeetingMark, Member, MemberStatusChange, Org, ZeroReport
from .reminders import REGULAR_KINDS

CHUNK = 1000  # ids per IN (...): well under the drivers' parameter limits


@dataclass(frozen=True)
class MemberRecord:
    """A member whose year reaches R5's warning or R6, judged by their cell's profile."""

    member_id: int
    full_name: str
    cell_id: int
    year: MemberYear


def _candidates(year: int, min_months: int, min_excused: int) -> Select[Any]:
    """Members with at least `min_months` unexcused marks at saved regular or combined
    meetings of their cell, or at least `min_excused` excused marks.

    A superset of the members over a threshold: R5 counts distinct months, and a mark of
    a member who was not eligible that day (R1) still counts here; member_year drops them
    afterwards. Plain counts, not count(DISTINCT month): that needed a sort of every mark
    of the year (half a second on a 10,000-cell province), a count is a hash aggregate."""
    unexcused = func.count().filter(
        and_(MeetingMark.mark == "unexcused", Meeting.kind.in_(REGULAR_KINDS))
    )
    excused = func.count().filter(MeetingMark.mark == "excused")
    return (
        select(MeetingMark.member_id)
        .join(Meeting, Meeting.id == MeetingMark.meeting_id)
        .join(Member, Member.id == MeetingMark.member_id)
        .join(Org, Org.id == Member.cell_id)
        .where(
            Meeting.state == "saved",
            Meeting.held_on >= date(year, 1, 1),
            Meeting.held_on <= date(year, 12, 31),
            Meeting.cell_id == Member.cell_id,
            Org.archived_at.is_(None),
        )
        .group_by(MeetingMark.member_id)
        .having(or_(unexcused >= min_months, excused >= min_excused))
    )


async def year_records(
    session: AsyncSession,
    year: int,
    *,
    profiles: Mapping[int, RuleProfile],
    today: date,
    people: Sequence[Any] | None = None,
) -> list[MemberRecord]:
    """R5/R6 for `year`: the members of the cells in `profiles` whose record reaches the
    R5 warning (or flag) or R6 under their cell's profile. Members who have left the cell
    by `today` are left out: there is nothing left for the cell to consider. Four queries.
    `people`: only these of year_candidates (a caller judging a province a slice at a
    time, #6: memory)."""
    out: list[MemberRecord] = []
    for p, statuses, held, own in await _year_data(session, year, profiles, today, people):
        meetings = [
            replace(m, mark=own[m.id][0], reason=own[m.id][1]) if m.id in own else m for m in held
        ]
        record = member_year(year, statuses, meetings, profiles[p.cell_id])
        if record.r5 != "none" or record.r6:
            out.append(MemberRecord(p.id, p.full_name, p.cell_id, record))
    return out


async def year_levels(
    session: AsyncSession, year: int, *, profiles: Mapping[int, RuleProfile], today: date
) -> list[tuple[int, int, str, bool]]:
    """(member, cell, R5 level, R6) of the same members as year_records, for counting (the yearly
    roll-up, K3): bot.domain.history.year_levels judges them without building their records.

    Lighter than year_records' reads: one statement gives the candidates with their
    absences and the absences' places among the cell's meetings of the year (_absences).
    For a member who counted at every meeting of the year, that is all the judgement
    needs: R5 counts the months of unexcused absences, and a run of excused absences (R6)
    is absences at consecutive places, since any meeting between was attended or missed
    without reason. For the others, R5 needs their own absences too, and R6 can be reached
    only with more excused absences than its limit (a run is at most all of them); only
    then are the cell's meetings read and judged one by one."""
    if not profiles:
        return []
    await custom_plans(session)  # IN (ids) below, and in _absences for up to CHUNK cells
    absences = await _absences(session, year, profiles)
    if not absences:
        return []
    history: dict[int, list[Any]] = {i: [] for i in absences}
    for chunk in _chunks(sorted(absences)):
        await _add_histories(session, chunk, history)
    # How each member is judged: "steady" counted at every meeting of the year, so their
    # own absences and places decide (bot.domain.history.levels_all_year); "own" cannot reach R6,
    # their own absences decide R5; "meetings" over the cell's meetings, one by one.
    judged: list[tuple[int, _Absences, RuleProfile, str]] = []
    for member_id, a in sorted(absences.items()):
        statuses = history[member_id]
        now = status_on(statuses, today)
        if now is None or now in LEAVING_STATUSES:
            continue  # left the cell: nothing left for it to consider (as year_records)
        profile = profiles[a.cell_id]
        if eligible_all_year(statuses, year):
            how = "steady"
        else:
            how = "own" if len(a.excused_places) <= profile.excused_streak else "meetings"
        judged.append((member_id, a, profile, how))
    uneven = sorted({a.cell_id for _m, a, _p, how in judged if how == "meetings"})
    held: dict[int, list[MarkedMeeting]] = {c: [] for c in uneven}
    for chunk in _chunks(uneven):
        for meeting in await session.execute(
            select(Meeting.id, Meeting.cell_id, Meeting.held_on, Meeting.kind).where(
                Meeting.cell_id.in_(chunk),
                Meeting.state == "saved",
                Meeting.held_on >= date(year, 1, 1),
                Meeting.held_on <= date(year, 12, 31),
            )
        ):
            if meeting.held_on is not None:  # the cell's meetings, as if unmarked
                held[meeting.cell_id].append(
                    MarkedMeeting(meeting.id, meeting.held_on, _KINDS[meeting.kind], None, None)
                )
    out: list[tuple[int, int, str, bool]] = []
    for member_id, a, profile, how in judged:
        if how == "steady":
            r5, r6 = levels_all_year(a.unexcused_regular, a.excused_places, profile)
        else:
            own = [
                MarkedMeeting(r.meeting_id, r.held_on, _KINDS[r.kind], r.mark, None) for r in a.rows
            ]
            if how == "meetings":
                marks = {m.id: m.mark for m in own}
                r5, r6 = year_levels_of(year, history[member_id], held[a.cell_id], marks, profile)
            else:
                r5, r6 = year_levels_of(year, history[member_id], own, {}, profile)
        if r5 != "none" or r6:
            out.append((member_id, a.cell_id, r5, r6))
    return out


_KINDS = {t.value: t for t in MeetingType}  # meetings.kind → MeetingType, without Enum's call


@dataclass
class _Absences:
    """A candidate's excused and unexcused absences of the year at the cell's saved meetings:
    _absences' rows (member_id, cell_id, meeting_id, held_on, kind, place, mark), place
    being the meeting's among the cell's saved meetings of the year in (held_on, id) order,
    from 1; and the same sorted for R5 and R6."""

    cell_id: int
    rows: list[Any]
    unexcused_regular: list[date] = field(default_factory=list)  # their days (R5)
    excused_places: list[int] = field(default_factory=list)  # R6


async def _absences(
    session: AsyncSession, year: int, profiles: Mapping[int, RuleProfile]
) -> dict[int, _Absences]:
    """The candidates of _candidates (same thresholds) in the cells of `profiles`, each with
    their absences: one statement, grouped once (a province's year: 190,000 absences,
    7,000 candidates, 42,000 rows returned)."""
    min_months = min(p.removal_warn_months for p in profiles.values())
    min_excused = min(p.excused_streak for p in profiles.values()) + 1  # R6: *more than*
    in_year = [
        Meeting.state == "saved",
        Meeting.held_on >= date(year, 1, 1),
        Meeting.held_on <= date(year, 12, 31),
    ]
    if len(profiles) <= CHUNK:  # a commune's year reads its own cells' absences only
        in_year.append(Meeting.cell_id.in_(sorted(profiles)))
    # The cell's saved meetings of the year, numbered in date order (R6's runs).
    numbered = (
        select(
            Meeting.id,
            Meeting.cell_id,
            Meeting.held_on,
            Meeting.kind,
            func.row_number()
            .over(partition_by=Meeting.cell_id, order_by=(Meeting.held_on, Meeting.id))
            .label("place"),
        )
        .where(*in_year)
        .subquery("numbered")
    )
    absent = (
        select(
            MeetingMark.member_id,
            numbered.c.cell_id,
            numbered.c.id.label("meeting_id"),
            numbered.c.held_on,
            numbered.c.kind,
            numbered.c.place,
            MeetingMark.mark,
        )
        .join(numbered, numbered.c.id == MeetingMark.meeting_id)
        .where(MeetingMark.mark.in_(("excused", "unexcused")))
        .cte("absent")
    )
    unexcused = func.count().filter(
        and_(absent.c.mark == "unexcused", absent.c.kind.in_(REGULAR_KINDS))
    )
    excused = func.count().filter(absent.c.mark == "excused")
    counts = (
        select(absent.c.member_id, absent.c.cell_id)
        .group_by(absent.c.member_id, absent.c.cell_id)
        .having(or_(unexcused >= min_months, excused >= min_excused))
        .cte("counts")
    )
    rows = await session.execute(
        select(
            counts.c.member_id,
            counts.c.cell_id,
            absent.c.meeting_id,
            absent.c.held_on,
            absent.c.kind,
            absent.c.place,
            absent.c.mark,
        )
        .join(
            absent,
            and_(absent.c.member_id == counts.c.member_id, absent.c.cell_id == counts.c.cell_id),
        )
        # The member's own cell (its meetings are the ones judged), not archived.
        .join(Member, and_(Member.id == counts.c.member_id, Member.cell_id == counts.c.cell_id))
        .join(Org, Org.id == Member.cell_id)
        .where(Org.archived_at.is_(None))
    )
    out: dict[int, _Absences] = {}
    regular = frozenset(REGULAR_KINDS)
    for row in rows:
        member_id, cell_id, _meeting_id, held_on, kind, place, mark = row
        if cell_id not in profiles or held_on is None:
            continue
        a = out.get(member_id)
        if a is None:
            a = out[member_id] = _Absences(cell_id, [])
        a.rows.append(row)
        if mark == "excused":
            a.excused_places.append(place)
        elif kind in regular:
            a.unexcused_regular.append(held_on)
    return out


# A candidate (id, full_name, cell_id), the status history, the cell's meetings of the year
# (unmarked, shared by the cell's candidates) and the member's marks: meeting → (mark, reason).
_YearData = tuple[Any, list[Any], list[MarkedMeeting], dict[int, tuple[str, str | None]]]


async def year_candidates(
    session: AsyncSession, year: int, profiles: Mapping[int, RuleProfile]
) -> list[Any]:
    """The candidates (see _candidates) in the cells of `profiles`: rows (id, full_name,
    cell_id) in the order of the cells and their rosters."""
    if not profiles:
        return []
    candidates = _candidates(
        year,
        min(p.removal_warn_months for p in profiles.values()),
        min(p.excused_streak for p in profiles.values()) + 1,  # R6: *more than* the limit
    ).subquery()
    people = list(
        await session.execute(
            select(Member.id, Member.full_name, Member.cell_id)
            .where(Member.id.in_(select(candidates.c.member_id)))
            .order_by(Member.cell_id, Member.sort_key, Member.id)
        )
    )
    return [p for p in people if p.cell_id in profiles]


async def _year_data(
    session: AsyncSession,
    year: int,
    profiles: Mapping[int, RuleProfile],
    today: date,
    people: Sequence[Any] | None = None,
) -> list[_YearData]:
    """The candidates (see _candidates; or `people`, some of them) who have not left by
    `today`, each with the status history, the cell's meetings of the year and the
    member's marks."""
    if not profiles:
        return []
    if people is None:
        people = await year_candidates(session, year, profiles)
    if not people:
        return []

    ids = [p.id for p in people]
    cells = sorted({p.cell_id for p in people})
    await custom_plans(session)
    # Plain rows, not ORM objects: a province's year singles out thousands of members and
    # reads the meetings of most of its cells. Rows have the attributes status_on needs.
    history: dict[int, list[Any]] = {i: [] for i in ids}
    marks: dict[int, dict[int, tuple[str, str | None]]] = {i: {} for i in ids}
    held: dict[int, list[MarkedMeeting]] = {c: [] for c in cells}
    in_year = (
        Meeting.state == "saved",
        Meeting.held_on >= date(year, 1, 1),
        Meeting.held_on <= date(year, 12, 31),
    )
    for chunk in _chunks(ids):
        await _add_histories(session, chunk, history)
        rows = await session.execute(
            select(
                MeetingMark.meeting_id, MeetingMark.member_id, MeetingMark.mark, MeetingMark.reason
            )
            .join(Meeting, Meeting.id == MeetingMark.meeting_id)
            .where(MeetingMark.member_id.in_(chunk), *in_year)
        )
        for meeting_id, member_id, mark, reason in rows:
            marks[member_id][meeting_id] = (mark, reason)
    for chunk in _chunks(cells):
        for meeting in await session.execute(
            select(Meeting.id, Meeting.cell_id, Meeting.held_on, Meeting.kind)
            .where(Meeting.cell_id.in_(chunk), *in_year)
            .order_by(Meeting.held_on, Meeting.id)
        ):
            if meeting.held_on is not None:  # the cell's meetings, as if unmarked
                held[meeting.cell_id].append(
                    MarkedMeeting(
                        meeting.id, meeting.held_on, MeetingType(meeting.kind), None, None
                    )
                )
    out: list[_YearData] = []
    for p in people:
        statuses = history[p.id]
        now = status_on(statuses, today)
        if now is None or now in LEAVING_STATUSES:
            continue
        out.append((p, statuses, held[p.cell_id], marks[p.id]))
    return out


async def custom_plans(session: AsyncSession) -> None:
    """PostgreSQL: plan this transaction's statements with their values. asyncpg prepares
    and caches statements, and from the sixth run of one PostgreSQL may switch to a
    generic plan; for an `IN (1,000 ids)` chunk that is a scan testing every row against
    every id, 100× slower (a 10,000-cell province's year, docs/benchmarks.md)."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


async def _add_histories(
    session: AsyncSession, member_ids: Sequence[int], history: dict[int, list[Any]]
) -> None:
    """Append these members' status changes (R1) to `history`, as plain rows with the
    attributes bot.domain.roster.status_on reads."""
    for entry in await session.execute(
        select(
            MemberStatusChange.id,
            MemberStatusChange.member_id,
            MemberStatusChange.status,
            MemberStatusChange.effective_from,
            MemberStatusChange.effective_until,
        ).where(MemberStatusChange.member_id.in_(member_ids))
    ):
        history[entry.member_id].append(entry)


async def claimed(
    session: AsyncSession, chat_ids: Iterable[int], keys: Iterable[str]
) -> set[tuple[int, str]]:
    """The (chat, key) pairs among these that were ever claimed. A tick asks this first and
    only tries to claim the rest: INSERT … ON CONFLICT draws a new id even when it inserts
    nothing, and these messages would otherwise be tried every minute for a year."""
    chats, wanted = sorted(set(chat_ids)), sorted(set(keys))
    found: set[tuple[int, str]] = set()
    if not chats or not wanted:
        return found
    for i in range(0, len(wanted), CHUNK):
        rows = await session.execute(
            select(Delivery.chat_id, Delivery.key).where(
                Delivery.chat_id.in_(chats), Delivery.key.in_(wanted[i : i + CHUNK])
            )
        )
        found |= {(int(c), str(k)) for c, k in rows}
    return found


# --- the digest ----------------------------------------------------------------------------


async def nodes(session: AsyncSession) -> list[Org]:
    """Every node of the tree that is not archived (its settings are inherited in memory)."""
    return list(await session.scalars(select(Org).where(Org.archived_at.is_(None))))


async def reported_cells(session: AsyncSession, year: int, month: int) -> set[int]:
    """K1: the cells that reported the month, with a saved regular or combined meeting
    (M1, M4) or a standing "did not meet" report (M8). Two queries."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    held = await session.scalars(
        select(Meeting.cell_id)
        .where(
            Meeting.state == "saved",
            Meeting.kind.in_(REGULAR_KINDS),
            Meeting.held_on >= first,
            Meeting.held_on < after,
        )
        .distinct()
    )
    zero = await session.scalars(
        select(ZeroReport.cell_id).where(
            ZeroReport.deleted_at.is_(None), ZeroReport.year == year, ZeroReport.month == month
        )
    )
    return {int(c) for c in held} | {int(c) for c in zero}
