"""📝 A meeting's attendance (R1-R3) and what its screens and minutes show, as use cases.

They take a `Record` (bot.services.meetings), which only the access-checked loaders make.
Everyone eligible starts present (no row); a mark is an absence or a voluntary presence (R2).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.meetings import (
    Attendance,
    RosterSplit,
    RuleProfile,
    Tally,
    default_minutes,
    split_roster,
    tally,
)
from bot.domain.model import Role
from bot.render.minutes import MinutesData
from bot.render.minutes_data import minutes_data
from bot.services import profiles
from storage import meetings, members, orgs, users
from storage.models import Member

from .meetings import Record, open_saved
from .refusals import Stale

VOLUNTARY = "voluntary"  # how a voluntary presence is stored (bot.domain.history)


@dataclass(frozen=True)
class Roll:
    """The roster on the meeting's day (R1, R2) and its marks (R3)."""

    roster: list[Member]
    split: RosterSplit
    marks: dict[int, Attendance]
    reasons: dict[int, str]
    voluntary: set[int]

    @property
    def tally(self) -> Tally:
        return tally(self.split, self.marks, self.voluntary)

    @property
    def apart(self) -> list[int]:
        """Exempted, attending elsewhere, guest members: not counted (R2)."""
        return self.split.exempted + self.split.elsewhere + self.split.guests


@dataclass(frozen=True)
class Summary:
    """What the confirmation screen and the meeting card show."""

    roll: Roll
    profile: RuleProfile
    guests: list[str]


async def roll(session: AsyncSession, record: Record, roster: list[Member] | None = None) -> Roll:
    """The roll (the roster is read unless given: a mark does not change it)."""
    meeting = record.meeting
    assert meeting.held_on is not None
    if roster is None:
        roster = await members.list_members(session, meeting.cell_id)
    got = await meetings.marks(session, meeting.id)
    return Roll(
        roster,
        split_roster(((m.id, m.statuses) for m in roster), meeting.held_on),
        {k: Attendance(m.mark) for k, m in got.items() if m.mark != VOLUNTARY},
        {k: m.reason for k, m in got.items() if m.reason},
        {k for k, m in got.items() if m.mark == VOLUNTARY},
    )


REASON_MAX = 200  # L5: a reason is a short phrase; longer text is refused, never cut (#15)


async def mark(
    session: AsyncSession,
    record: Record,
    member_id: int,
    attendance: Attendance,
    reason: str | None = None,
) -> Roll:
    """Set an eligible member's mark as chosen (R3): present, excused (with its reason, or
    none yet when it is to be typed) or unexcused. A choice, never a cycle: one tap too
    many cannot turn an excused absence into an unexcused one (#15)."""
    before = await roll(session, record)
    if member_id not in before.split.eligible:
        raise Stale  # not on this meeting's list (forged, or the roster changed)
    if reason is not None and (attendance != Attendance.EXCUSED or len(reason) > REASON_MAX):
        raise Stale
    value = None if attendance == Attendance.PRESENT else attendance.value
    await meetings.set_mark(session, record.meeting, member_id, value, reason)
    return await roll(session, record, before.roster)


async def all_present(session: AsyncSession, record: Record) -> None:
    got = await meetings.marks(session, record.meeting.id)
    await meetings.clear_marks(session, record.meeting, list(got))


async def give_reason(session: AsyncSession, record: Record, member_id: int, reason: str) -> Roll:
    """The reason of an excused absence (a quick one pressed on an old screen, or typed)."""
    got = await meetings.marks(session, record.meeting.id)
    if member_id not in got or got[member_id].mark != Attendance.EXCUSED.value:
        raise Stale
    if len(reason) > REASON_MAX:
        raise Stale  # the face refuses it with a sentence first
    await meetings.set_mark(session, record.meeting, member_id, Attendance.EXCUSED.value, reason)
    return await roll(session, record)


async def reason_for_first(session: AsyncSession, record: Record, reason: str) -> Roll | None:
    """A typed reason: for the first excused member (roster order) without one; None when
    nobody waits for one."""
    got = await meetings.marks(session, record.meeting.id)
    waiting = [k for k, m in got.items() if m.mark == Attendance.EXCUSED.value and not m.reason]
    if not waiting:
        return None
    listed = await members.list_members(session, record.meeting.cell_id)
    by_id = {m.id: m for m in listed}
    first = min(waiting, key=lambda k: by_id[k].sort_key if k in by_id else "")
    await meetings.set_mark(session, record.meeting, first, Attendance.EXCUSED.value, reason)
    return await roll(session, record, listed)


async def toggle_voluntary(session: AsyncSession, record: Record, member_id: int) -> Roll:
    """R2: a member who is not counted came anyway (or, pressed again, did not)."""
    before = await roll(session, record)
    if member_id not in before.apart:
        raise Stale
    value = None if member_id in before.voluntary else VOLUNTARY
    await meetings.set_mark(session, record.meeting, member_id, value)
    return await roll(session, record, before.roster)


async def summary(session: AsyncSession, record: Record) -> Summary:
    return Summary(
        await roll(session, record),
        await profiles.rule_profile(session, record.cell),
        [g.name for g in await meetings.guests(session, record.meeting.id)],
    )


async def minutes(session: AsyncSession, access: Access, meeting_id: int) -> MinutesData:
    """A draft of a logged meeting's minutes in the usual layout (S2: only the secretary,
    in a private chat, asks for it, so it names members)."""
    meeting = await meetings.get(session, meeting_id)
    if meeting is None or meeting.state != "saved":
        raise Stale
    record = await open_saved(session, access, meeting_id)
    meeting, cell = record.meeting, record.cell
    assert meeting.held_on is not None
    chain = await orgs.ancestors(session, cell)  # from the root down to the parent
    profile = await profiles.rule_profile(session, cell, chain)
    # M5: a new meeting starts with its type's default length; a length still at the default
    # may never have been entered, so the closing time is left to fill in rather than made up.
    length = None if meeting.minutes == default_minutes(record.kind, profile) else meeting.minutes
    secretaries = await users.holders(session, cell.id, frozenset({Role.SECRETARY}))
    got = await roll(session, record)
    return minutes_data(
        chain=[o.name for o in reversed(chain)],
        cell=cell.name,
        kind=record.kind,
        day=meeting.held_on,
        start=meeting.start_time,
        length=length,
        roster=[(m.id, m.full_name, m.statuses) for m in got.roster],
        marks=got.marks,
        reasons=got.reasons,
        voluntary=got.voluntary,
        guests=[(g.name, g.note) for g in await meetings.guests(session, meeting.id)],
        topic=meeting.topic,
        upper_attendee=meeting.upper_attendee,
        secretaries=[u.display_name for u in secretaries],
        grade=meeting.grade,
        score=meeting.score,
    )
