"""A month as an inline keyboard: a day picker for phones where typing a date is a chore.

Rows of seven from Monday (Vietnamese calendars start the week on Thứ Hai); days that may
not be picked, the weekday header and the padding are inert buttons (callback "nop").
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from bot.domain.dates import MAX_YEAR, MIN_YEAR
from bot.render.callbacks import Callback
from bot.render.i18n import N_

from .base import Button, Stale, Turn


@dataclasses.dataclass(frozen=True)
class Nop(Callback):
    """An inert button: its press only stops the spinner."""

    prefix: ClassVar[str] = "nop"


NOP = Nop().pack()
WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))


def month_grid(
    year: int,
    month: int,
    *,
    pick: Callable[[date], str],
    allowed: Callable[[date], bool],
    weekdays: Sequence[str],
) -> list[list[Button]]:
    """At most 7 + 6 × 7 = 49 buttons, well under Telegram's limit of about 100."""
    rows: list[list[Button]] = [[(w, NOP) for w in weekdays]]
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row: list[Button] = []
        for day in week:
            if day.month != month:
                row.append((" ", NOP))
            elif allowed(day):
                row.append((str(day.day), pick(day)))
            else:
                row.append(("·", NOP))
        rows.append(row)
    return rows


def day_arg(text: str) -> date:
    """A day from callback data: "yyyymmdd", or "yyyymm" for the month's first day; a
    year outside bot.domain.dates' range is forged (and year 9999's calendar would overflow)."""
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]) if len(text) >= 8 else 1)
    except ValueError:
        raise Stale from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Stale
    return day


async def noop(turn: Turn, _data: Nop) -> None:
    """A calendar's inert button: just stop the spinner."""
    await turn.answer()
