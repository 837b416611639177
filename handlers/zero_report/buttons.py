"""🚫 The zero report's typed callback data and its buttons (formats in __init__.py)."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import ClassVar

from telegram import InlineKeyboardMarkup

from bot.domain.meetings import month_of
from bot.render.callbacks import Callback
from bot.render.callbacks import ZeroStart as ZeroStart  # defined there: notifications carry it
from bot.render.i18n import N_

from ..base import Turn, inline
from ..markup import back

# Only reasons that keep a cell from meeting for a whole month (M8). No "Tết holiday": a
# holiday moves the meeting, which must still happen within the month (M7).
QUICK_REASONS = (
    N_("Storm or flood"),
    N_("Epidemic"),
    N_("Most members are away"),
)


@dataclasses.dataclass(frozen=True)
class PickMonth(Callback):
    prefix: ClassVar[str] = "zr:mo"
    token: str
    year: int
    month: int


@dataclasses.dataclass(frozen=True)
class PickReason(Callback):
    prefix: ClassVar[str] = "zr:r"
    token: str
    index: int


class Answer(StrEnum):
    OK = "ok"
    NO = "no"


@dataclasses.dataclass(frozen=True)
class ZeroAnswer(Callback):
    """💾 Save / ✖️ Cancel: zr:ok|no:<token>:<year>:<month>."""

    prefix: ClassVar[str] = "zr"
    answer: Answer
    token: str
    year: int
    month: int

    @classmethod
    def pattern(cls) -> str:
        return "^zr:(ok|no)(:|$)"


@dataclasses.dataclass(frozen=True)
class Withdraw(Callback):
    """↩️ Withdraw the report: asks first (#15)."""

    prefix: ClassVar[str] = "zr:x"
    report: int


@dataclasses.dataclass(frozen=True)
class WithdrawAnswer(Callback):
    """The answer to "Withdraw the report …?": zr:w:ok|no:<report>."""

    prefix: ClassVar[str] = "zr:w"
    answer: Answer
    report: int


@dataclasses.dataclass(frozen=True)
class ZeroBack(Callback):
    """⬅️ Back one step (#15): zr:b:<token>:<step to go back to> (month or reason)."""

    prefix: ClassVar[str] = "zr:b"
    token: str
    step: str


def month_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    """The month that is over first (#15): a month is usually reported once it is over."""
    this = month_of(turn.today)
    last = (this[0] - 1, 12) if this[1] == 1 else (this[0], this[1] - 1)
    return inline(
        [
            [
                (
                    turn._("Last month ({month})").format(month=turn.t.month(*last)),
                    PickMonth(token, *last).pack(),
                ),
                (
                    turn._("This month ({month})").format(month=turn.t.month(*this)),
                    PickMonth(token, *this).pack(),
                ),
            ]
        ]
    )


def reason_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    """One reason a row (long Vietnamese labels), then ⬅️ Back to the month."""
    rows = [[(turn._(r), PickReason(token, i).pack())] for i, r in enumerate(QUICK_REASONS)]
    rows.append([back(turn._, ZeroBack(token, "month").pack())])
    return inline(rows)
