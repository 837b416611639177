"""Early warnings about a member's attendance (#4, R5, R6), planned by the reminder tick.

R5: a member absent without reason from the regular meeting in 2 months of the calendar
year gets a warning, in 3 months a flag for the cell to consider the case; R6: absent with
reason more than 3 times in a row. Each goes once per member, threshold and year, privately
to the cell's secretary and to the upper committee's admins only: not to the deputy, never
to a group (R5; R6 is flagged the same way; S2). The bot never says that anyone is removed:
that is the cell's decision.
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import RuleProfile
from bot.domain.member_history import MemberMeeting, Presence
from bot.domain.model import Role
from bot.domain.reminders import ReminderSettings, is_quiet
from bot.domain.year_flags import MemberRecord
from bot.render.callbacks import MemberYearView
from bot.render.i18n import Translator, resolve_locale, translator
from bot.services import outbox, year_flags
from bot.services.outbox import Outgoing
from storage import deliveries, reminders, warnings
from storage.reminders import Node, Recipient

log = logging.getLogger(__name__)

R5_WARN, R5_FLAG, R6 = "r5warn", "r5flag", "r6"

Buttons = list[list[tuple[str, str]]]


def kinds_due(record: MemberRecord) -> list[str]:
    """The warnings a record calls for: the highest R5 level reached (a member who reaches
    the flag at once gets the flag only), and R6."""
    out = []
    if record.year.r5 == "flag":
        out.append(R5_FLAG)
    elif record.year.r5 == "warn":
        out.append(R5_WARN)
    if record.year.r6:
        out.append(R6)
    return out


def excused_run(counted: Sequence[MemberMeeting]) -> tuple[date, date] | None:
    """R6: the first and last day of the latest longest run of excused absences."""
    best: tuple[int, date, date] | None = None
    start: date | None = None
    run = 0
    for m in counted:
        if m.presence != Presence.EXCUSED:
            run, start = 0, None
            continue
        run, start = run + 1, start or m.held_on
        if best is None or run >= best[0]:
            best = (run, start, m.held_on)
    return (best[1], best[2]) if best else None


def render(
    kind: str, record: MemberRecord, *, cell: str, profile: RuleProfile, tr: Translator
) -> tuple[str, Buttons]:
    """(HTML text, button rows) of one warning. `cell` is already HTML-escaped."""
    y = record.year
    fields: dict[str, Any] = {
        "cell": cell,
        "member": html.escape(record.full_name, quote=False),
        "year": y.year,
    }
    if kind == R6:
        first, last = excused_run(y.counted) or (None, None)
        text = tr.gettext(
            "🟡 <b>{cell}</b>\nComrade <b>{member}</b> has been absent with reason "
            "{n} times in a row ({first} to {last}), more than {limit}: the cell should "
            "consider the case (a meeting-quality criterion)."
        ).format(
            **fields,
            n=y.excused_streak,
            limit=profile.excused_streak,
            first=tr.date(first) if first else "",
            last=tr.date(last) if last else "",
        )
    else:
        n = len(y.unexcused_months)
        months = ", ".join(tr.gettext("M{month}").format(month=m) for m in y.unexcused_months)
        if kind == R5_FLAG:
            text = tr.ngettext(
                "🚩 <b>{cell}</b>\nComrade <b>{member}</b> was absent without reason from "
                "the regular meeting in {n} month of {year} ({months}). The cell should "
                "consider the case under the Party's rules.",
                "🚩 <b>{cell}</b>\nComrade <b>{member}</b> was absent without reason from "
                "the regular meeting in {n} months of {year} ({months}). The cell should "
                "consider the case under the Party's rules.",
                n,
            )
        else:
            text = tr.ngettext(
                "⚠️ <b>{cell}</b>\nComrade <b>{member}</b> was absent without reason from "
                "the regular meeting in {n} month of {year} ({months}). At {limit} months "
                "the cell must consider the case; please talk with the comrade.",
                "⚠️ <b>{cell}</b>\nComrade <b>{member}</b> was absent without reason from "
                "the regular meeting in {n} months of {year} ({months}). At {limit} months "
                "the cell must consider the case; please talk with the comrade.",
                n,
            )
        text = text.format(**fields, n=n, months=months, limit=profile.removal_flag_months)
    button = (
        tr.gettext("📋 Attendance {year}").format(year=y.year),
        MemberYearView(record.member_id, y.year).pack(),
    )
    return text, [[button]]


async def upper_admins(session: AsyncSession, cells: Iterable[Node]) -> dict[int, list[Recipient]]:
    """storage.reminders.upper_admins for many cells in one query: for each cell, the
    admins of its nearest ancestor that has any."""
    cells = list(cells)
    above = {a for c in cells for a in c.ancestor_ids[:-1]}
    admins = await reminders.recipients(session, above, (Role.ADMIN,))
    return {
        c.id: next((admins[a] for a in reversed(c.ancestor_ids[:-1]) if admins.get(a)), [])
        for c in cells
    }


def unique(people: Iterable[Recipient]) -> list[Recipient]:
    """One message per person, even one who is both the secretary and an admin."""
    seen: dict[int, Recipient] = {}
    for p in people:
        seen.setdefault(p.user_id, p)
    return list(seen.values())


BATCH_MEMBERS = 1000  # candidates judged, warned, claimed and sent at a time (#6: memory)


async def warning_batches(app_data: Any, now_utc: datetime) -> AsyncIterator[list[Outgoing]]:
    """Find, in one transaction, this year's candidates for R5/R6; then, BATCH_MEMBERS of
    them at a time, each slice in a transaction of its own: judge them, and claim a private
    message to each recipient that has not had it for each member over a threshold (a
    claim is at most once per (chat, key) whoever makes it). Yields the claimed items
    slice by slice; the caller sends one slice before the next is judged (#6: memory)."""
    settings = app_data.settings
    now = now_utc.astimezone(settings.timezone)  # L1
    async with app_data.sessions() as session, session.begin():
        cells = await reminders.active_cells(
            session,
            default_day=settings.default_meeting_day,
            default_time=settings.default_meeting_time,
        )
        awake: dict[int, Node] = {}
        profiles: dict[int, RuleProfile] = {}
        for info in cells:
            try:
                rs = ReminderSettings.from_settings(info.settings.get("reminders", {}))
                profile = RuleProfile.from_settings(info.settings)
            except ValueError:  # one cell's bad setting must not hold up the others
                log.warning("cell %s: unusable settings, no warnings", info.org.id, exc_info=True)
                continue
            if is_quiet(now, rs):
                continue
            awake[info.org.id] = info.org
            profiles[info.org.id] = profile
        del cells
        candidates = await year_flags.year_candidates(session, now.year, profiles)
    total = 0
    for start in range(0, len(candidates), BATCH_MEMBERS):
        drafts: list[Outgoing] = []
        claims: list[deliveries.Claim] = []
        async with app_data.sessions() as session, session.begin():
            found = await year_flags.year_records(
                session,
                now.year,
                profiles=profiles,
                today=now.date(),
                people=candidates[start : start + BATCH_MEMBERS],
            )
            if not found:
                continue
            ids = {r.cell_id for r in found}
            # R5 (and R6, "flag it the same way"): the secretary and the upper committee's
            # admins only, never the deputy.
            cell_people = await reminders.recipients(session, ids, (Role.SECRETARY,))
            admins = await upper_admins(session, (awake[i] for i in ids))
            people = {i: unique([*cell_people.get(i, []), *admins[i]]) for i in ids}
            done = await warnings.claimed(
                session,
                (p.user_id for group in people.values() for p in group),
                (f"{k}:{r.member_id}:{now.year}" for r in found for k in kinds_due(r)),
            )
            for record in found:
                cell = awake[record.cell_id]
                for kind in kinds_due(record):
                    key = f"{kind}:{record.member_id}:{now.year}"
                    for person in people[record.cell_id]:
                        if (person.user_id, key) in done:
                            continue
                        tr = translator(
                            resolve_locale(
                                person.locale, person.language_code, settings.default_locale
                            )
                        )
                        text, buttons = render(
                            kind,
                            record,
                            cell=html.escape(cell.name, quote=False),
                            profile=profiles[record.cell_id],
                            tr=tr,
                        )
                        draft = Outgoing(0, person.user_id, text, buttons)
                        drafts.append(draft)
                        claims.append(
                            deliveries.Claim(person.user_id, key, kind, cell.id, draft.payload)
                        )
            del found, people, done
            won = await deliveries.claim_many(session, claims)
        del claims
        out = outbox.won(drafts, won)
        del drafts
        if out:
            total += len(out)
            yield out
    if total:
        log.info("warnings: %s claimed", total)


async def plan_warnings(app_data: Any, now_utc: datetime) -> list[Outgoing]:
    """All of warning_batches at once: the claimed items."""
    out: list[Outgoing] = []
    async for batch in warning_batches(app_data, now_utc):
        out += batch
    return out
