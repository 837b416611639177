"""M6 (#14): each saved meeting's result reaches the upper committee's admins within 2
days: one private message a day per admin (from send_at, 08:00, outside the quiet hours)
listing the meetings saved since the last one, planned by the reminder tick.

An admin with 40 cells wants one message a day, not 40: so the line is daily, and a
meeting saved in the evening is in the next morning's message. Each line gives the cell,
the type, the date, present/eligible with the rate and the unexcused absences: counts,
never a member's name (S2). A meeting corrected or deleted after it was reported comes
again, marked so ("đã sửa", "đã xóa").

Exactly once: the message is claimed under (admin, "up:<node>:<yyyy-mm-dd>") and the
meetings it lists are marked reported (storage/upward.py) in the same transaction, so a
restart, a tick run twice or a second instance neither repeats a meeting nor loses one
(a process killed between the claim and the send loses that message, as for every
claimed message). Meetings held before last month (history typed in late) are marked
without a line; so are those under a committee that turned the line off
(`{"reminders": {"upward": false}}`).
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Role
from bot.domain.orgtree import effective_settings
from bot.domain.reminders import ReminderSettings, is_quiet
from bot.render.i18n import N_, Translator, resolve_locale, translator
from bot.services.outbox import Outgoing, won
from storage import deliveries, reminders, upward, warnings
from storage.reminders import Node

log = logging.getLogger(__name__)

TEXT_BUDGET = 3800  # UTF-16 units, safely under Telegram's 4096

KINDS = {
    "regular": N_("regular meeting"),
    "thematic": N_("thematic meeting"),
    "combined": N_("regular + thematic meeting"),
    "extraordinary": N_("extraordinary meeting"),
}


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def line(tr: Translator, cell: str, p: upward.Pending) -> str:
    """One meeting, `cell` a plain name: "• KP5: regular meeting 03/12/2026, present 17/18
    (94,4%), unexcused 1"; "(corrected)" or "(deleted)" when reported before."""
    head = tr.gettext("{cell}: {kind} {day}").format(
        cell=html.escape(cell, quote=False),
        kind=tr.gettext(KINDS.get(p.kind, KINDS["regular"])),
        day=tr.date(p.held_on),
    )
    if p.state == "deleted":
        return "• " + tr.gettext("{meeting}: deleted").format(meeting=head)
    parts = [head]
    if p.eligible:
        parts.append(
            tr.gettext("present {present}/{eligible} ({rate})").format(
                present=p.present or 0,
                eligible=p.eligible,
                rate=tr.percent(Fraction(p.present or 0, p.eligible)),
            )
        )
    parts.append(tr.gettext("unexcused {n}").format(n=p.unexcused or 0))
    text = ", ".join(parts)
    if p.reported is not None:
        text += " " + tr.gettext("(corrected)")
    return "• " + text


def message(tr: Translator, node: str, items: list[tuple[str, upward.Pending]]) -> tuple[str, int]:
    """The day's message and how many meetings it lists (cut under Telegram's limit; the
    rest wait for the next day)."""
    head = tr.ngettext(
        "📨 <b>{node}</b>: {n} meeting logged since the last report:",
        "📨 <b>{node}</b>: {n} meetings logged since the last report:",
        len(items),
    ).format(node=html.escape(node, quote=False), n=len(items))
    lines = [head]
    used = _units(head)
    for cell, p in items:
        text = line(tr, cell, p)
        if used + 1 + _units(text) > TEXT_BUDGET:
            break
        lines.append(text)
        used += 1 + _units(text)
    return "\n".join(lines), len(lines) - 1


def _settings(node: Node, by_id: dict[int, Node]) -> ReminderSettings | None:
    chain = [by_id[i] for i in node.ancestor_ids[:-1] if i in by_id]
    try:
        return ReminderSettings.from_settings(effective_settings(node, chain).get("reminders", {}))
    except ValueError:  # one node's bad setting must not hold up the others
        log.warning("org %s: unusable reminder settings, no upward line", node.id, exc_info=True)
        return None


async def plan_upward(app_data: Any, now_utc: datetime) -> list[Outgoing]:
    """In one transaction: the meetings still to report, grouped by the upper committee
    whose admins get them (the nearest ancestor with reachable admins); for each committee
    whose admins had no line today and whose time has come, one message per admin, claimed,
    and its meetings marked reported. Returns the claimed items."""
    settings = app_data.settings
    now = now_utc.astimezone(settings.timezone)  # L1
    today = now.date()
    oldest = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month's 1st
    out: list[Outgoing] = []
    async with app_data.sessions() as session, session.begin():
        found = await upward.pending(session)
        if not found:
            return out
        tree = {o.id: o for o in await reminders.tree(session)}
        silent = [(p.meeting_id, p.version) for p in found if p.held_on < oldest]
        found = [p for p in found if p.held_on >= oldest and p.cell_id in tree]
        above = {a for p in found for a in tree[p.cell_id].ancestor_ids[:-1]}
        admins = await reminders.recipients(session, above, (Role.ADMIN,))
        by_node: dict[int, list[upward.Pending]] = defaultdict(list)
        for p in found:
            upper = next(
                (a for a in reversed(tree[p.cell_id].ancestor_ids[:-1]) if admins.get(a)), None
            )
            if upper is not None and upper in tree:  # else: wait for an admin to be named
                by_node[upper].append(p)
        key = {n: f"up:{n}:{today.isoformat()}" for n in by_node}
        done = await deliveries_claimed(session, admins, key)
        claims: list[deliveries.Claim] = []
        drafts: list[Outgoing] = []
        reported: list[tuple[int, int]] = []
        for node_id, items in by_node.items():
            committee = tree[node_id]
            rs = _settings(committee, tree)
            if rs is None:
                continue
            if not rs.upward:
                silent += [(p.meeting_id, p.version) for p in items]
                continue
            start = datetime.combine(today, rs.send_at, tzinfo=now.tzinfo)
            if now < start or is_quiet(now, rs) or node_id in done:
                continue  # tomorrow's line, or later today's
            named = [(tree[p.cell_id].name, p) for p in items]
            listed = 0
            for person in admins[node_id]:
                tr = translator(
                    resolve_locale(person.locale, person.language_code, settings.default_locale)
                )
                text, listed = message(tr, committee.name, named)
                draft = Outgoing(0, person.user_id, text)
                drafts.append(draft)
                claims.append(
                    deliveries.Claim(person.user_id, key[node_id], "upward", node_id, draft.payload)
                )
            reported += [(p.meeting_id, p.version) for _, p in named[:listed]]
        out = won(drafts, await deliveries.claim_many(session, claims))
        await upward.mark(session, [*silent, *reported])
    if out:
        log.info("upward: %s line(s) claimed, %s meeting(s)", len(out), len(reported))
    return out


async def deliveries_claimed(
    session: AsyncSession, admins: dict[int, list[reminders.Recipient]], key: dict[int, str]
) -> set[int]:
    """The committees whose line of today was claimed already, for any of their admins: the
    meetings saved since wait for tomorrow's."""
    pairs = await warnings.claimed(
        session, (a.user_id for n in key for a in admins.get(n, [])), key.values()
    )
    return {n for n, k in key.items() for a in admins.get(n, []) if (a.user_id, k) in pairs}
