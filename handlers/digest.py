"""The admins' monthly digest button (#4, K1): remind every cell that has not reported.

Nudge (bot/render/callbacks.py): one reminder to the secretary and deputy of each such cell under
                         the node, once per cell and month however often it is pressed
"""

from __future__ import annotations

from bot.render.callbacks import Nudge
from bot.services import orgs
from bot.services.digest import nudge_cells

from .base import Stale, Turn


async def nudge(turn: Turn, data: Nudge) -> None:
    """📣 Nudge them all (admins of that node only)."""
    _ = turn._
    turn.require(turn.is_private)
    org = await orgs.admin_committee(turn.session, turn.access, data.org)
    year, month = data.month.year, data.month.month
    today = turn.today
    if (year, month) >= (today.year, today.month):
        raise Stale  # the digest only ever offers a month that is over
    await turn.answer()  # sending may take a few seconds: stop the spinner now
    done = await nudge_cells(
        turn.session,
        turn.ctx.bot,
        org,
        year,
        month,
        default_locale=turn.ctx.bot_data.settings.default_locale,
        now=turn.now,
        tz=turn.ctx.bot_data.settings.timezone,  # L1: when a cell began to count (#14)
    )
    month_text = turn.t.month(year, month)
    if not done.late:
        await turn.reply(_("Every cell has reported {month}.").format(month=month_text))
        return
    lines = [
        turn.n_(
            "📣 Sent to {n} cell ({m} had already been nudged).",
            "📣 Sent to {n} cells ({m} had already been nudged).",
            done.sent,
        ).format(n=done.sent, m=done.before)
    ]
    if done.nobody:
        lines.append(
            turn.n_(
                "{n} cell has no secretary or deputy the bot can reach.",
                "{n} cells have no secretary or deputy the bot can reach.",
                done.nobody,
            ).format(n=done.nobody)
        )
    await turn.reply("\n".join(lines))
