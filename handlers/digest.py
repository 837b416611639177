"""The admins' monthly digest button (#4, K1): remind every cell that has not reported.

rm:nudge:<org>:<yyyymm>  one reminder to the secretary and deputy of each such cell under
                         the node, once per cell and month however often it is pressed
"""

from __future__ import annotations

from bot.services.digest import nudge_cells
from storage import orgs

from .base import Refused, Stale, Turn


def _month(text: str) -> tuple[int, int]:
    if len(text) != 6 or not text.isdecimal() or not 1 <= int(text[4:]) <= 12:
        raise Stale
    return int(text[:4]), int(text[4:])


async def nudge(turn: Turn) -> None:
    """rm:nudge:<org>:<yyyymm> — 📣 Nudge them all (admins of that node only)."""
    _ = turn._
    turn.require(turn.is_private)
    org = await orgs.get(turn.session, turn.int_arg(2))
    if org is None or org.is_cell or not turn.access.is_admin_of(org.path):
        raise Refused  # ids in callback data can be forged
    year, month = _month(turn.arg(3))
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
