"""R5/R6 over a year for many members (#4, #6): the early warnings' records and the yearly
roll-up's counts. storage/yearly.py reads the rows, bot/domain/year_flags.py judges them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import RuleProfile
from bot.domain.year_flags import (
    Absences,
    Level,
    MemberRecord,
    by_member,
    how_judged,
    levels,
    record,
    still_in_cell,
    thresholds,
)
from storage import reports, yearly
from storage.models import Org


async def year_candidates(
    session: AsyncSession, year: int, profiles: Mapping[int, RuleProfile]
) -> list[Any]:
    """The members of the cells of `profiles` who may reach R5's warning or R6 (a superset):
    rows (id, full_name, cell_id) in the order of the cells and their rosters."""
    if not profiles:
        return []
    return await yearly.year_candidates(session, year, profiles, *thresholds(profiles.values()))


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
    if not profiles:
        return []
    if people is None:
        people = await year_candidates(session, year, profiles)
    if not people:
        return []
    ids = [p.id for p in people]
    await yearly.custom_plans(session)
    history = await yearly.histories(session, ids)
    own = await yearly.marks(session, ids, year)
    held = await yearly.cell_meetings(session, sorted({p.cell_id for p in people}), year)
    out: list[MemberRecord] = []
    for p in people:
        if not still_in_cell(history[p.id], today):
            continue
        found = record(year, p, history[p.id], held[p.cell_id], own[p.id], profiles[p.cell_id])
        if found is not None:
            out.append(found)
    return out


async def year_levels(
    session: AsyncSession, year: int, *, profiles: Mapping[int, RuleProfile], today: date
) -> list[tuple[int, int, Level, bool]]:
    """(member, cell, R5 level, R6) of the same members as year_records, for counting (the
    yearly roll-up, K3), without building their records: one statement gives the candidates
    with their absences and the absences' places among the cell's meetings of the year;
    the cells' meetings are read only for members judged one meeting at a time
    (bot.domain.year_flags.how_judged)."""
    if not profiles:
        return []
    await yearly.custom_plans(session)  # IN (ids) below, and in absences for up to CHUNK cells
    rows = await yearly.absences(session, year, sorted(profiles), *thresholds(profiles.values()))
    absences = by_member(rows, profiles)
    if not absences:
        return []
    history = await yearly.histories(session, sorted(absences))
    judged: list[tuple[int, Absences, RuleProfile, Any]] = []
    for member_id, a in sorted(absences.items()):
        if not still_in_cell(history[member_id], today):
            continue  # as year_records
        profile = profiles[a.cell_id]
        judged.append((member_id, a, profile, how_judged(year, history[member_id], a, profile)))
    uneven = sorted({a.cell_id for _m, a, _p, how in judged if how == "meetings"})
    held = await yearly.cell_meetings(session, uneven, year)
    out: list[tuple[int, int, Level, bool]] = []
    for member_id, a, profile, how in judged:
        r5, r6 = levels(year, history[member_id], a, profile, how, held.get(a.cell_id, ()))
        if r5 != "none" or r6:
            out.append((member_id, a.cell_id, r5, r6))
    return out


async def member_flags(
    session: AsyncSession, cell_ids: list[int], year: int, profile: RuleProfile, today: date
) -> tuple[int, int, int]:
    """(R5 warned, R5 flagged, R6 flagged) members of these cells in `year`, judged by the
    node's profile: counts only (S2)."""
    found = await year_levels(session, year, profiles=dict.fromkeys(cell_ids, profile), today=today)
    return (
        sum(1 for _member, _cell, r5, _r6 in found if r5 == "warn"),
        sum(1 for _member, _cell, r5, _r6 in found if r5 == "flag"),
        sum(1 for _member, _cell, _r5, r6 in found if r6),
    )


async def member_flags_apart(
    session: AsyncSession, node: Org, year: int, profile: RuleProfile, today: date
) -> tuple[int, int, int]:
    """member_flags for every cell under `node` (those cell_facts reads), in a session of
    its own on another connection: on PostgreSQL the R5/R6 statement then runs while the
    caller's connection reads the month sums (#6: a province's year, 1.3 s → about 1 s)."""
    async with AsyncSession(session.bind, expire_on_commit=False) as other, other.begin():
        ids = await reports.cell_ids(other, node)
        return await member_flags(other, ids, year, profile, today)
