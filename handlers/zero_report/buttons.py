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

QUICK_REASONS = (
    N_("Tết holiday"),
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
    prefix: ClassVar[str] = "zr:x"
    report: int


def month_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    this = month_of(turn.today)
    last = (this[0] - 1, 12) if this[1] == 1 else (this[0], this[1] - 1)
    return inline(
        [
            [
                (
                    turn._("This month ({month})").format(month=turn.t.month(*this)),
                    PickMonth(token, *this).pack(),
                ),
                (
                    turn._("Last month ({month})").format(month=turn.t.month(*last)),
                    PickMonth(token, *last).pack(),
                ),
            ]
        ]
    )


def reason_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    reasons = [(turn._(r), PickReason(token, i).pack()) for i, r in enumerate(QUICK_REASONS)]
    return inline([reasons[:2], reasons[2:]])
