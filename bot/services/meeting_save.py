"""📝 Saving, correcting and deleting a logged meeting (M1, M8, S4, the correction deadline),
as use cases any face can call; they take a `Record` from bot.services.meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.meetings import can_correct, correction_deadline, counts_as_regular, month_of
from bot.services import profiles
from storage import meetings, orgs, zero_reports
from storage.models import Meeting

from .meetings import Record, RegularTaken, draft_of, regular_taken
from .refusals import Stale


@dataclass(frozen=True)
class Closed:
    """The correction deadline of the meeting held on `held_on` has passed."""

    held_on: date
    deadline: date


@dataclass(frozen=True)
class Saved:
    meeting: Meeting
    corrected: bool
    zero_withdrawn: tuple[int, int] | None  # M8: (year, month) of a withdrawn zero report


# --- saving, correcting, deleting (M1, M8, the correction deadline) -----------------------


async def deadline(session: AsyncSession, access: Access, record: Record) -> date | None:
    """The last day this person may change the meeting; None for the upper committee's
    admins, who may always."""
    assert record.meeting.held_on is not None
    if access.is_admin_of(record.cell.path):
        return None
    profile = await profiles.rule_profile(session, record.cell)
    return correction_deadline(record.meeting.held_on, profile)


async def closed(
    session: AsyncSession, access: Access, record: Record, *, today: date
) -> Closed | None:
    """The deadline rule for this person: None while they may change the meeting."""
    held_on = record.meeting.held_on
    assert held_on is not None
    profile = await profiles.rule_profile(session, record.cell)
    is_admin = access.is_admin_of(record.cell.path)
    if can_correct(held_on, today, is_admin=is_admin, profile=profile):
        return None
    return Closed(held_on, correction_deadline(held_on, profile))


async def save(
    session: AsyncSession, access: Access, record: Record, *, today: date
) -> Saved | Closed | RegularTaken:
    """A new meeting is saved, a correction written onto the logged one; a regular meeting
    withdraws the month's zero report (M8)."""
    meeting, org = record.meeting, record.cell
    assert meeting.held_on is not None
    if meeting.amends_id is not None:
        original = await meetings.get(session, meeting.amends_id)
        if original is None or original.state != "saved":
            raise Stale  # deleted meanwhile
        # The deadline applies to the month it was in and the month it moves to.
        for held in (Record(original, org), record):
            if (refusal := await closed(session, access, held, today=today)) is not None:
                return refusal
        try:
            saved = await meetings.apply_correction(session, meeting, actor_id=access.user_id)
        except LookupError:
            raise Stale from None
    else:
        # M1 again at saving: another draft for the same month (the deputy's, say) may have
        # been saved since this one's date was chosen. The cell's row is held so that two
        # saves at once take turns.
        await orgs.lock(session, org.id)
        taken = await regular_taken(session, record, record.kind, meeting.held_on)
        if taken is not None:
            return taken
        await meetings.save(session, meeting, actor_id=access.user_id)
        saved = meeting
    withdrawn = None
    if counts_as_regular(record.kind):
        year, month = month_of(meeting.held_on)
        report = await zero_reports.active(session, org.id, year, month)
        if report is not None:  # M8: the month did have its meeting after all
            await zero_reports.withdraw(
                session, report, actor_id=access.user_id, why="regular meeting logged"
            )
            withdrawn = (year, month)
    return Saved(saved, meeting.amends_id is not None, withdrawn)


async def correct(
    session: AsyncSession, access: Access, record: Record, *, today: date
) -> Record | Closed | None:
    """A draft copy of a logged meeting to correct; None when the person has another record
    of the cell under way (one at a time: finish or discard it first)."""
    refusal = await closed(session, access, record, today=today)
    if refusal is not None:
        return refusal
    draft = await draft_of(session, access, record.cell)
    if draft is not None and draft.held_on is None:
        # Only a type was chosen (e.g. the second regular meeting that led here): drop it.
        await meetings.discard(session, draft)
        draft = None
    if draft is not None:
        return None
    copy = await meetings.start_correction(session, record.meeting, user_id=access.user_id)
    return Record(copy, record.cell)


async def delete(
    session: AsyncSession, access: Access, record: Record, *, today: date
) -> Closed | None:
    """Delete a logged meeting (kept, audited: S4) while the deadline allows."""
    refusal = await closed(session, access, record, today=today)
    if refusal is None:
        await meetings.delete_saved(session, record.meeting, actor_id=access.user_id)
    return refusal
