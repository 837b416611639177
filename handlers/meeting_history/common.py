"""What the history screens share: their typed callback data, the short day, the type
label and the year navigation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from bot.domain.meetings import MeetingType
from bot.render.callbacks import Callback
from bot.render.callbacks import (
    MemberYearView as MemberYearView,  # defined there: notifications carry it
)

from ..base import Button, Turn
from ..meeting.common import TYPE_LABELS


@dataclasses.dataclass(frozen=True)
class CellYearView(Callback):
    """📚 The cell's meetings of a year."""

    prefix: ClassVar[str] = "mh:y"
    cell: int
    year: int


def day(day: date) -> str:
    return f"{day:%d/%m}"  # L2, the year is in the title


def kind(turn: Turn, kind: MeetingType) -> str:
    return turn._(TYPE_LABELS[kind])


def year_nav(
    turn: Turn, first: int | None, year: int, data: Callable[[int], Callback]
) -> list[Button]:
    """« year-1 back to the first year with data, year+1 » up to this year."""
    nav: list[Button] = []
    if first is not None and year - 1 >= first:
        nav.append((f"« {year - 1}", data(year - 1).pack()))
    if year + 1 <= turn.today.year:
        nav.append((f"{year + 1} »", data(year + 1).pack()))
    return nav
