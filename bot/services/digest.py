"""The admins' monthly digest (#4, K1): the cells that have not reported last month, sent
privately to the upper committee's admins from a set day, with a button that nudges every
one of those cells once; and that nudge.

A cell has reported a month when it saved a regular (or combined) meeting in it (M1, M4)
or reported that it did not meet (M8). Only cell names are listed, never members (S2).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot

from bot.domain.dates import last_day_of_month
from bot.domain.facts import tracked_since
from bot.domain.model import OrgKind, Role
from bot.domain.orgtree import effective_settings
from bot.domain.reminders import ReminderSettings, is_quiet
from bot.render.callbacks import Month, Nudge, PickCell, ZeroStart
from bot.render.i18n import Translator, resolve_locale, translator
from bot.services.outbox import UNREACHABLE, Outgoing, claim, send_all
from storage import deliveries, orgs, reminders, warnings
from storage.models import Org

log = logging.getLogger(__name__)

TEXT_BUDGET = 3800  # UTF-16 units, safely under Telegram's 4096

Buttons = list[list[tuple[str, str]]]


def previous_month(day: date) -> tuple[int, int]:
    last = day.replace(day=1) - timedelta(days=1)
    return last.year, last.month


def period(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def _natural(text: str) -> tuple[Any, ...]:
    """ "Khu phố 5" before "Khu phố 12"."""
    return tuple(int(p) if p.isdecimal() else p for p in re.split(r"(\d+)", text))


def unreported(
    cells: Iterable[Org],
    reported: set[int],
    year: int,
    month: int,
    *,
    tz: tzinfo,
    within: str = "/",
) -> list[Org]:
    """K1: the cells under the node at path `within` that were tracked by the month's end
    (founded by then, or without a founding day entered into chibo by then: #14,
    bot.domain.facts.tracked_since) and have neither a regular meeting nor a "did not meet"
    report for it, in name order. A cell entered on 06/12 is never "not reported" for
    November."""
    end = last_day_of_month(year, month)
    late = [
        c
        for c in cells
        if c.is_cell
        and c.path.startswith(within)
        and c.id not in reported
        and tracked_since(c.founded_on, c.created_at, tz) <= end
    ]
    return sorted(late, key=lambda c: (_natural(c.name_key), c.id))


def _units(text: str) -> int:
    """Telegram measures a message in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def digest_text(tr: Translator, org: str, cells: Sequence[str], year: int, month: int) -> str:
    """The digest; `org` and `cells` are plain names. Cut under Telegram's limit with
    "… and N more", the count in the first line always whole."""
    n = len(cells)
    head = tr.ngettext(
        "📋 <b>{org}</b>: {n} cell has not reported {month} (no regular meeting and no “did "
        "not meet” report):",
        "📋 <b>{org}</b>: {n} cells have not reported {month} (no regular meeting and no “did "
        "not meet” report):",
        n,
    ).format(org=html.escape(org, quote=False), n=n, month=tr.month(year, month))
    foot = tr.gettext(
        "The 📣 button reminds the secretary and deputy of each of these cells, once."
    )
    lines = [head]
    used = _units(head) + 2 + _units(foot)
    reserve = _units(tr.gettext("… and {n} more cells").format(n=n)) + 1
    for i, name in enumerate(cells):
        line = "• " + html.escape(name, quote=False)
        last = i == n - 1
        if used + _units(line) + 1 + (0 if last else reserve) > TEXT_BUDGET:
            lines.append(tr.gettext("… and {n} more cells").format(n=n - i))
            break
        lines.append(line)
        used += _units(line) + 1
    return "\n".join([*lines, "", foot])


def digest_button(tr: Translator, org_id: int, year: int, month: int) -> Buttons:
    button = Nudge(org_id, Month(year, month, 1)).pack()
    return [[(tr.gettext("📣 Nudge them all"), button)]]


def nudge_message(
    tr: Translator, cell: Org, year: int, month: int, committee: str
) -> tuple[str, Buttons]:
    """#15: the nudge names the committee that asks (a plain name)."""
    text = tr.gettext(
        "📣 <b>{cell}</b>: {committee} asks for the report of {month}. Please log the "
        "regular meeting, or report that the cell did not meet."
    ).format(
        cell=html.escape(cell.name, quote=False),
        committee=html.escape(committee, quote=False),
        month=tr.month(year, month),
    )
    return text, [
        [
            (tr.gettext("📝 Log the meeting"), PickCell(cell.id).pack()),
            (tr.gettext("🚫 Did not meet"), ZeroStart(cell.id).pack()),
        ]
    ]


def _due(org: Org, by_id: dict[int, Org], now: datetime) -> str | None:
    """ "due" from digest_day at send_at for catch_up_days, outside the quiet hours;
    "stale" after that (#14: dropped, not sent weeks late); else None."""
    chain = [by_id[i] for i in org.ancestor_ids[:-1] if i in by_id]
    try:
        rs = ReminderSettings.from_settings(effective_settings(org, chain).get("reminders", {}))
    except ValueError:  # one node's bad setting must not hold up the others
        log.warning("org %s: unusable reminder settings, no digest", org.id, exc_info=True)
        return None
    start = datetime.combine(
        date(now.year, now.month, rs.digest_day), rs.send_at, tzinfo=now.tzinfo
    )
    if now >= start + timedelta(days=rs.catch_up_days):
        return "stale"
    return "due" if now >= start and not is_quiet(now, rs) else None


async def plan_digest(app_data: Any, now_utc: datetime) -> list[Outgoing]:
    """In one transaction: for each node above the cells whose admins are due a digest of
    last month, claim one message per admin (if some cells did not report). Returns the
    claimed items."""
    settings = app_data.settings
    now = now_utc.astimezone(settings.timezone)  # L1
    year, month = previous_month(now.date())
    out: list[Outgoing] = []
    async with app_data.sessions() as session, session.begin():
        tree = await warnings.nodes(session)
        by_id = {o.id: o for o in tree}
        when = {o.id: w for o in tree if not o.is_cell and (w := _due(o, by_id, now))}
        if not when:
            return out
        nodes = [by_id[i] for i in when]
        admins = await reminders.recipients(session, list(when), (Role.ADMIN,))
        key = {o.id: f"digest:{o.id}:{period(year, month)}" for o in nodes}
        done = await warnings.claimed(
            session, (a.user_id for o in nodes for a in admins.get(o.id, [])), key.values()
        )
        waiting = {
            o.id: [a for a in admins.get(o.id, []) if (a.user_id, key[o.id]) not in done]
            for o in nodes
        }
        # #14: a digest not sent within catch_up_days (the bot was down) is recorded as
        # "stale", once, and logged; never sent late.
        stale = [
            deliveries.Claim(a.user_id, key[o.id], "digest", o.id, {})
            for o in nodes
            if when[o.id] == "stale"
            for a in waiting[o.id]
        ]
        if stale and (n := await deliveries.drop_many(session, stale)):
            log.warning(
                "%s digest(s) of %s past the catch-up limit dropped", n, period(year, month)
            )
        due = [o for o in nodes if when[o.id] == "due" and waiting[o.id]]
        if not due:
            return out
        reported = await warnings.reported_cells(session, year, month)
        for org in due:
            late = unreported(tree, reported, year, month, tz=settings.timezone, within=org.path)
            if not late:
                continue
            for person in waiting[org.id]:
                tr = translator(
                    resolve_locale(person.locale, person.language_code, settings.default_locale)
                )
                text = digest_text(tr, org.name, [c.name for c in late], year, month)
                buttons = digest_button(tr, org.id, year, month)
                draft = Outgoing(0, person.user_id, text, buttons)
                claimed = await claim(session, draft, key[org.id], "digest", org.id)
                if claimed is not None:
                    out.append(claimed)
    return out


@dataclass(frozen=True)
class Nudged:
    late: int  # cells that had not reported the month
    sent: int  # cells nudged now
    before: int  # cells nudged before (each is nudged once)
    nobody: int  # cells whose secretary and deputy the bot cannot reach (none, or blocked)


async def nudge_cells(
    session: AsyncSession,
    bot: Bot,
    org: Org,
    year: int,
    month: int,
    *,
    default_locale: str,
    now: datetime,
    tz: tzinfo,
) -> Nudged:
    """Remind the secretary and deputy of every cell under `org` that has not reported the
    month, once per cell and month whoever asks: the claims are made in the caller's
    transaction, the messages sent, and the outcomes written in it too."""
    cells = await orgs.subtree(session, org, kind=OrgKind.CELL)
    late = unreported(
        cells,
        await warnings.reported_cells(session, year, month),
        year,
        month,
        tz=tz,
        within=org.path,
    )
    people = await reminders.recipients(session, [c.id for c in late])
    items: list[Outgoing] = []
    cell_of: dict[int, int] = {}  # delivery → cell
    before = 0
    for cell in late:
        won = False
        for person in people.get(cell.id, []):
            tr = translator(resolve_locale(person.locale, person.language_code, default_locale))
            text, buttons = nudge_message(tr, cell, year, month, org.name)
            draft = Outgoing(0, person.user_id, text, buttons)
            claimed = await claim(
                session, draft, f"nudge:{cell.id}:{period(year, month)}", "nudge", cell.id
            )
            if claimed is not None:
                items.append(claimed)
                cell_of[claimed.delivery_id] = cell.id
                won = True
        if people.get(cell.id) and not won:
            before += 1
    reached: set[int] = set()
    for o in await send_all(bot, items):
        await deliveries.finish(
            session, o.item.delivery_id, o.state, message_id=o.message_id, error=o.error
        )
        if o.state in UNREACHABLE:
            await deliveries.mark_unreachable(session, o.item.chat_id, now)
        if o.state in ("sent", "retry"):  # "retry": the next tick sends it again
            reached.add(cell_of[o.item.delivery_id])
    return Nudged(len(late), len(reached), before, len(late) - len(reached) - before)
