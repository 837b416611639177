"""The reminder tick (#4): one repeating JobQueue job computes from the database what is
due, claims each message under a unique key, then sends the claimed ones.

There are no per-chat jobs: the database is the source of truth for schedules (STYLE),
so a moved meeting, a new cell or a restart needs nothing rebuilt. Claim first, send
second: a tick run twice, a restart or a second instance never sends a message twice; a
process killed between the claim and the send loses those few messages (at most once).
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from telegram import Bot
from telegram.ext import Application

from bot.domain.dates import last_day_of_month
from bot.domain.facts import tracked_since
from bot.domain.meeting_rules import RuleProfile
from bot.domain.reminders import CellMonth, ReminderSettings, due, is_quiet, planned_day
from bot.render.i18n import N_, resolve_locale, translator
from bot.render.reminder_text import render
from bot.services import outbox
from bot.services.digest import plan_digest
from bot.services.memory import release
from bot.services.outbox import Outcome, Outgoing, send_all, send_in_order
from bot.services.summaries import summary_batches
from bot.services.upward import plan_upward
from bot.services.warnings import warning_batches
from storage import deliveries, reminders

log = logging.getLogger(__name__)

TICK_SECONDS = 60
MISFIRE_GRACE_SECONDS = 30  # a tick later than this is skipped: the next one catches up
MAX_ATTEMPTS = 5


@dataclass
class TickReport:
    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _previous_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _cell_month(
    info: reminders.CellInfo, facts: reminders.MonthFacts, year: int, month: int, tz: tzinfo
) -> CellMonth:
    cell_id = info.org.id
    planned = facts.moves.get((cell_id, year, month)) or planned_day(year, month, info.meeting_day)
    return CellMonth(
        cell_id=cell_id,
        meeting_on=planned,
        meeting_at=info.meeting_time,
        has_regular=(cell_id, year, month) in facts.regular,
        has_zero_report=(cell_id, year, month) in facts.zero,
        has_thematic_in_quarter=(cell_id, year, (month - 1) // 3 + 1) in facts.thematic,
        # #14: a cell entered on 06/12 without a founding day is not chased for November.
        founded_on=tracked_since(info.org.founded_on, info.org.created_at, tz),
    )


BATCH_CELLS = 500  # cells planned, claimed and sent at a time (#6: memory)


async def plan_batches(app_data: Any, now_utc: datetime) -> AsyncIterator[list[Outgoing]]:
    """Read the facts in one transaction, then compute what is due and claim it
    BATCH_CELLS cells at a time, each batch in a transaction of its own; yields what this
    caller won the claims for: first the retries it took, then batch by batch. The claims are
    at most once per (chat, key), so a batch claimed twice (two instances, a tick run
    again) sends nothing twice; the caller sends one batch before the next is rendered,
    so a province's tick holds a batch's messages, not 9,000 (#6: memory)."""
    settings = app_data.settings
    now = now_utc.astimezone(settings.timezone)  # L1
    today = now.date()
    prev = _previous_month(today)
    quarter_start = date(prev.year, ((prev.month - 1) // 3) * 3 + 1, 1)
    following = last_day_of_month(today.year, today.month) + timedelta(days=1)
    async with app_data.sessions() as session, session.begin():
        cells = await reminders.active_cells(
            session,
            default_day=settings.default_meeting_day,
            default_time=settings.default_meeting_time,
        )
        facts = await reminders.month_facts(
            session, quarter_start, last_day_of_month(following.year, following.month)
        )
        people = await reminders.recipients(session, [c.org.id for c in cells])
        retries = [
            Outgoing.from_payload(row.id, row.chat_id, row.payload)
            for row in await deliveries.take_retries(session, max_attempts=MAX_ATTEMPTS)
            if row.payload
        ]
    if retries:  # taken before this tick sends anything: a failure now waits for the next
        yield retries
    del retries
    cells = [c for c in cells if people.get(c.org.id)]
    for start in range(0, len(cells), BATCH_CELLS):
        batch = outbox.Batch()
        for info in cells[start : start + BATCH_CELLS]:
            rs = ReminderSettings.from_settings(info.settings.get("reminders", {}))
            if is_quiet(now, rs):
                continue
            profile = RuleProfile.from_settings(info.settings)  # #15: the correction deadline
            committee = html.escape(info.parent_name, quote=False)
            this = _cell_month(info, facts, today.year, today.month, settings.timezone)
            last = _cell_month(info, facts, prev.year, prev.month, settings.timezone)
            after = _cell_month(info, facts, following.year, following.month, settings.timezone)
            items = due(replace(this, previous=last, following=after), now, rs)
            for item in items:
                for person in people[info.org.id]:
                    tr = translator(
                        resolve_locale(person.locale, person.language_code, settings.default_locale)
                    )
                    text, buttons = render(
                        item,
                        cell_id=info.org.id,
                        cell=html.escape(info.org.name, quote=False),
                        at=info.meeting_time,
                        tr=tr,
                        today=today,
                        committee=committee,
                        profile=profile,
                    )
                    draft = Outgoing(0, person.user_id, text, buttons)
                    batch.add(draft, item.key, item.kind.value, info.org.id)
        out = await batch.claim(app_data.sessions)
        del batch
        if out:
            yield out


_UNREACHABLE_NOTICE = {
    "blocked": N_(
        "⚠️ {who} ({cell}) has blocked the bot and no longer gets reminders. "
        "Please contact them; the reminders start again when they send /start."
    ),
    "unstarted": N_(
        "⚠️ {who} ({cell}) has never opened chibo, so gets no reminders. "
        "Please ask them to open the bot and press Start (/start)."
    ),
}


async def record(app_data: Any, outcomes: list[Outcome], now_utc: datetime) -> list[Outgoing]:
    """Write each delivery's outcome. A recipient who blocked the bot (or never opened it)
    becomes unreachable (no more reminders) and, the first time, the upper committee's admins are told; the
    notices are claimed here and returned for sending."""
    notices: list[Outgoing] = []
    settings = app_data.settings
    async with app_data.sessions() as session, session.begin():
        finished: list[deliveries.Finish] = []
        for o in outcomes:
            state = o.state
            if o.state == "migrated" and o.new_chat_id is not None:
                await deliveries.migrate_chat(session, o.item.chat_id, o.new_chat_id)
                state = "retry"
            finished.append(deliveries.Finish(o.item.delivery_id, state, o.message_id, o.error))
        await deliveries.finish_many(session, finished)
        for o in outcomes:
            if o.state not in outbox.UNREACHABLE:
                continue
            if not await deliveries.mark_unreachable(session, o.item.chat_id, now_utc):
                continue
            found = await deliveries.blocked_context(session, o.item.delivery_id)
            if found is None:
                continue
            cell, who = found
            for admin in await reminders.upper_admins(session, cell):
                tr = translator(
                    resolve_locale(admin.locale, admin.language_code, settings.default_locale)
                )
                text = tr.gettext(_UNREACHABLE_NOTICE[o.state]).format(
                    who=html.escape(who, quote=False), cell=html.escape(cell.name, quote=False)
                )
                draft = Outgoing(0, admin.user_id, text)
                key = f"blocked:{o.item.chat_id}:{now_utc:%Y%m%d%H%M}"
                claimed = await outbox.claim(session, draft, key, "blocked", cell.id)
                if claimed is not None:
                    notices.append(claimed)
    return notices


async def tick(app_data: Any, bot: Bot) -> TickReport:
    """Plan, claim, send and record, one kind after another: the reminders, the R5/R6 early
    warnings, the admins' digest of cells that did not report, their daily line of the
    meetings saved (M6, #14), then the roll-ups (#5: the
    groups' parts in order, the secretaries' recaps with the rest). One kind is sent before
    the next is planned, so a province's tick holds one kind's messages at a time, not all
    28,000 (#6: memory)."""
    async with app_data.tick_lock:
        return await _tick(app_data, bot)


async def _tick(app_data: Any, bot: Bot) -> TickReport:
    now = app_data.now()
    report = TickReport()
    for batches in (plan_batches(app_data, now), warning_batches(app_data, now)):
        before = report.claimed
        async for batch in batches:
            await _deliver(app_data, bot, batch, [], now, report)
        if report.claimed > before:
            release()  # what planning this kind left behind, before the next is planned
    await _deliver(app_data, bot, await plan_digest(app_data, now), [], now, report)
    await _deliver(app_data, bot, await plan_upward(app_data, now), [], now, report)
    async for planned in summary_batches(app_data, now):
        await _deliver(app_data, bot, planned.unordered, planned.ordered, now, report)
    if report.claimed:
        log.info("tick: %s claimed, %s", report.claimed, report.outcomes)
        release()  # a big tick's memory back to the system before the next job
    return report


async def _deliver(
    app_data: Any,
    bot: Bot,
    items: list[Outgoing],
    ordered: list[Outgoing],
    now: datetime,
    report: TickReport,
) -> None:
    report.claimed += len(items) + len(ordered)
    for _round in range(2):  # the messages, then any notices about blocked recipients
        if not items and not ordered:
            break
        outcomes = await send_all(bot, items) + await send_in_order(bot, ordered)
        ordered = []
        for o in outcomes:
            report.outcomes[o.state] = report.outcomes.get(o.state, 0) + 1
        items = await record(app_data, outcomes, now)
        report.claimed += len(items)


async def _job(context: Any) -> None:
    await tick(context.bot_data, context.bot)


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """One repeating job; APScheduler's misfire grace and coalescing set explicitly."""
    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    app.job_queue.run_repeating(
        _job,
        interval=TICK_SECONDS,
        first=5,
        name="reminders",
        job_kwargs={
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "coalesce": True,
            "max_instances": 1,
        },
    )
