"""The scheduled roll-ups (#5), planned by the reminder tick and claimed like reminders.

- To every linked group (O2), from the day after the secretaries' correction deadline
  (K1, #14: RuleProfile.correction_deadline_day, the 5th by default; `summary_day` if
  later, default the 6th) at `summary_at` (08:00) to the month's end: last month's
  summary of the node's subtree (K1) with the chart;
  after a quarter's last month the quarter's (K2); in January the year's (K3). Cells and
  counts only, never a person's name (S2).
- To every cell's secretary and deputy, privately, at the same time: a recap of their
  cell's last month and year so far.

Each message is claimed under (chat, "sum:<node>:<period>:<part>") or
(chat, "recap:<cell>:<yyyy-mm>") before it is sent, so restarts, a second instance or a
tick run twice never send one twice, and a tick after downtime still sends it, for
`catch_up_days` (7 by default; a recap for 3): after that a group's summary is dropped and
recorded as a "stale" delivery, logged once (#14). A cell entered into chibo after the
month (bot.domain.facts.tracked_since) gets no recap of it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.facts import tracked_since
from bot.domain.meeting_rules import RuleProfile
from bot.domain.orgtree import effective_settings
from bot.domain.reminders import ReminderSettings, is_quiet, summary_day
from bot.domain.summary import Period, YearMonth
from bot.render.i18n import resolve_locale, translator
from bot.render.summary_text import recap_text, report_texts
from bot.services import outbox
from bot.services.outbox import Outgoing
from bot.services.profiles import rule_profile
from bot.services.report import build
from storage import deliveries, reminders, reports, warnings
from storage.deliveries import Claim
from storage.models import Org
from storage.reminders import Node

log = logging.getLogger(__name__)


@dataclass
class Planned:
    """What a tick claimed: the groups' parts go out in order, the recaps in any order."""

    ordered: list[Outgoing]
    unordered: list[Outgoing]


def due_periods(today: date) -> list[Period]:
    """What is reported this month: last month, last quarter after its end, last year in
    January."""
    last = today.replace(day=1) - timedelta(days=1)
    ym: YearMonth = (last.year, last.month)
    periods = [Period.of_month(ym)]
    if last.month % 3 == 0:
        periods.append(Period.quarter_of(ym))
    if last.month == 12:
        periods.append(Period(last.year))
    return periods


@dataclass(frozen=True)
class Timing:
    """When a node's roll-ups of last month go out: its reminder settings and the day."""

    rs: ReminderSettings
    day: int  # summary_day(): after the correction deadline (K1, #14)


def _settings(org: Node, by_id: dict[int, Node]) -> Timing | None:
    chain = [by_id[i] for i in org.ancestor_ids[:-1] if i in by_id]
    try:
        merged = effective_settings(org, chain)
        rs = ReminderSettings.from_settings(merged.get("reminders", {}))
        deadline = RuleProfile.from_settings(merged).correction_deadline_day
    except ValueError:  # one node's bad setting must not hold up the others
        log.warning("org %s: unusable reminder settings, no summary", org.id, exc_info=True)
        return None
    return Timing(rs, summary_day(rs, deadline))


RECAP_DAYS = 3  # a recap of last month is news for a few days, not for the whole month


def _start(t: Timing, now: datetime) -> datetime:
    return datetime.combine(date(now.year, now.month, t.day), t.rs.summary_at, tzinfo=now.tzinfo)


def is_due(t: Timing, now: datetime, days: int | None = None) -> bool:
    """From the summary day (after the correction deadline, K1) at summary_at for
    `catch_up_days` (or `days`, if fewer), outside the quiet hours (#14: no longer until
    the month's end: November's summary on 31/12 is stale)."""
    start = _start(t, now)
    limit = min(t.rs.catch_up_days, days or t.rs.catch_up_days)
    if now >= start + timedelta(days=limit):
        return False
    return now >= start and not is_quiet(now, t.rs)


def is_stale(t: Timing, now: datetime) -> bool:
    """Past the catch-up limit of this month's roll-ups (#14): what was not sent by then is
    dropped."""
    return now >= _start(t, now) + timedelta(days=t.rs.catch_up_days)


def part_keys(node_id: int, period: Period, n: int) -> list[str]:
    return [f"sum:{node_id}:{period.key}:{i}" for i in range(1, n + 1)]


async def _group_summaries(
    session: AsyncSession, tree: Sequence[Node], by_id: dict[int, Node], now: datetime, locale: str
) -> list[Outgoing]:
    today = now.date()
    timed = [(o, t) for o in tree if o.group_chat_id is not None and (t := _settings(o, by_id))]
    linked = [o for o, t in timed if is_due(t, now)]
    stale = [o for o, t in timed if is_stale(t, now)]
    periods = due_periods(today)
    wanted = [(o, p) for o in linked for p in periods]
    done = await warnings.claimed(
        session,
        (o.group_chat_id for o in [*linked, *stale] if o.group_chat_id is not None),
        (part_keys(o.id, p, 1)[0] for o in [*linked, *stale] for p in periods),
    )
    await _drop(
        session,
        [
            Claim(chat, key, "summary", o.id, {})
            for o in stale
            for p in periods
            if (chat := o.group_chat_id) is not None
            and (chat, key := part_keys(o.id, p, 1)[0]) not in done
        ],
    )
    out: list[Outgoing] = []
    tr = translator(locale)  # a group has no language of its own: the deployment's
    for row, period in wanted:
        chat = row.group_chat_id
        assert chat is not None
        if (chat, part_keys(row.id, period, 1)[0]) in done:
            continue
        node = await session.get(Org, row.id)
        assert node is not None
        report = await build(session, node, period, today, now.tzinfo or reports.LOCAL)
        if not report.cells:
            continue
        texts = report_texts(report, tr)
        items: list[Outgoing | None] = []
        for text, key in zip(texts, part_keys(node.id, period, len(texts)), strict=True):
            items.append(
                await outbox.claim(session, Outgoing(0, chat, text), key, "summary", node.id)
            )
        if items[0] is None:  # another instance claimed it meanwhile
            continue
        if period.kind == "month":
            from bot.render.charts import chart_caption, compliance_chart  # matplotlib: when needed

            chart = Outgoing(0, chat, chart_caption(report, tr), photo=compliance_chart(report, tr))
            items.append(
                await outbox.claim(
                    session, chart, f"sum:{node.id}:{period.key}:png", "chart", node.id
                )
            )
        out += [i for i in items if i is not None]
    return out


async def _drop(session: AsyncSession, claims: list[Claim]) -> None:
    """#14: record the roll-ups that were never sent in time as "stale", once, and log them."""
    if claims and (n := await deliveries.drop_many(session, claims)):
        log.warning(
            "%s %s message(s) past the catch-up limit dropped, not sent: %s",
            n,
            claims[0].kind,
            ", ".join(c.key for c in claims[:5]) + (" …" if len(claims) > 5 else ""),
        )


RECAP_BATCH = 500  # cells whose recaps are rendered, claimed and sent at a time (#6: memory)


async def _recaps(app_data: Any, now: datetime, locale: str) -> AsyncIterator[list[Outgoing]]:
    """The secretaries' recaps: who is due read in one transaction; then, a branch of the
    tree at a time, the cells' facts read, and the recaps rendered and claimed RECAP_BATCH
    cells at a time, each batch in a transaction of its own."""
    today, tz = now.date(), app_data.settings.timezone
    last = today.replace(day=1) - timedelta(days=1)
    ym: YearMonth = (last.year, last.month)
    so_far = Period(ym[0]).months[: ym[1]]
    async with app_data.sessions() as session, session.begin():
        tree = await reminders.tree(session)
        by_id = {o.id: o for o in tree}
        # #14: a cell entered after last month (tracked_since) has no recap of it.
        cells = [
            o for o in tree if o.is_cell and tracked_since(o.founded_on, o.created_at, tz) <= last
        ]
        cells = [
            c
            for c in cells
            if (rs := _settings(c, by_id)) is not None and is_due(rs, now, RECAP_DAYS)
        ]
        if not cells:
            return
        key = {c.id: f"recap:{c.id}:{ym[0]}-{ym[1]:02d}" for c in cells}
        people = await reminders.recipients(session, list(key))
        done = await warnings.claimed(
            session, (p.user_id for group in people.values() for p in group), key.values()
        )
        waiting = {
            c.id: [p for p in people.get(c.id, []) if (p.user_id, key[c.id]) not in done]
            for c in cells
        }
        del people, done
        cells = [c for c in cells if waiting[c.id]]
        if not cells:
            return
        # A root's cells are read a branch (a child of the root) at a time, not the whole
        # province's 10,000 at once; judged by the root's profile all the same.
        branches: dict[tuple[int, int], set[int]] = {}
        for c in cells:
            path = c.ancestor_ids
            branches.setdefault((path[0], path[1] if len(path) > 2 else path[0]), set()).add(c.id)
        del tree, by_id, cells
    profiles: dict[int, RuleProfile] = {}
    for (root_id, branch_id), wanted in sorted(branches.items()):
        async with app_data.sessions() as session, session.begin():
            if root_id not in profiles:
                root = await session.get(Org, root_id)
                assert root is not None
                profiles[root_id] = await rule_profile(session, root)
            branch = await session.get(Org, branch_id)
            assert branch is not None
            found = await reports.cell_facts(
                session, branch, date(ym[0], 1, 1), last, profiles[root_id], tz
            )
            facts = [f for f in found if f.id in wanted and f.due(ym)]
            del found
        for start in range(0, len(facts), RECAP_BATCH):
            batch = outbox.Batch()
            for cell in facts[start : start + RECAP_BATCH]:
                for person in waiting[cell.id]:
                    tr = translator(resolve_locale(person.locale, person.language_code, locale))
                    draft = Outgoing(0, person.user_id, recap_text(cell, ym, so_far, tr))
                    batch.add(draft, key[cell.id], "recap", cell.id)
            out = await batch.claim(app_data.sessions)
            del batch
            if out:
                yield out
        del facts


async def summary_batches(app_data: Any, now_utc: datetime) -> AsyncIterator[Planned]:
    """The groups' summaries that are due and not yet claimed, claimed in one transaction
    (reports are only built for what is still to send); then the secretaries' recaps,
    batch by batch (_recaps). Yields what was claimed, to send before the next batch."""
    settings = app_data.settings
    now = now_utc.astimezone(settings.timezone)  # L1
    async with app_data.sessions() as session, session.begin():
        tree = await reminders.tree(session)
        by_id = {o.id: o for o in tree}
        ordered = await _group_summaries(session, tree, by_id, now, settings.default_locale)
        del tree, by_id
    if ordered:
        yield Planned(ordered, [])
    recaps = 0
    async for batch in _recaps(app_data, now, settings.default_locale):
        recaps += len(batch)
        yield Planned([], batch)
    if ordered or recaps:
        log.info("summaries: %s group messages, %s recaps claimed", len(ordered), recaps)
