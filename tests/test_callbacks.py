"""Typed callback data (#13, bot/render/callbacks.py): pack and parse round trips, the 64-byte
limit, and Stale for anything forged."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import StrEnum
from typing import ClassVar

import pytest

from bot.render.callbacks import (
    Callback,
    Month,
    MoveMeeting,
    MoveMeetingTo,
    Nudge,
    Stale,
)


class Mark(StrEnum):
    PRESENT = "p"
    ABSENT = "a"


@dataclasses.dataclass(frozen=True)
class Tap(Callback):
    prefix: ClassVar[str] = "t:a"
    meeting: int
    mark: Mark
    done: bool
    note: str
    page: int | None = None


def test_round_trips_and_the_old_formats() -> None:
    assert Tap(12, Mark.ABSENT, True, "x").pack() == "t:a:12:a:1:x"
    assert Tap(12, Mark.ABSENT, True, "x", 3).pack() == "t:a:12:a:1:x:3"
    assert Tap.parse("t:a:12:a:1:x:3") == Tap(12, Mark.ABSENT, True, "x", 3)
    assert Tap.parse("t:a:12:p:0:") == Tap(12, Mark.PRESENT, False, "")
    # the formats of the buttons sent before #13, so old reminders keep working
    assert MoveMeeting(5, Month(2026, 12, 1)).pack() == "rm:mv:5:202612"
    assert MoveMeetingTo(5, date(2026, 12, 10)).pack() == "rm:to:5:20261210"
    assert Nudge.parse("rm:nudge:7:202611") == Nudge(7, Month(2026, 11, 1))
    assert Month.of(date(2026, 11, 30)) == date(2026, 11, 1)
    assert Tap.pattern() == "^t:a(:|$)"


@pytest.mark.parametrize(
    "data",
    [
        "t:b:12:a:1:x",  # another prefix
        "t:a",  # fields missing
        "t:a:12:a:1",
        "t:a:12:a:1:x:3:4",  # one too many
        "t:a:٣:a:1:x",  # not ASCII digits
        "t:a:2147483648:a:1:x",  # beyond 32 bits
        "t:a:99999999999:a:1:x",
        "t:a:12:z:1:x",  # not a Mark
        "t:a:12:a:2:x",  # not a bool
        "t:a:12:a:1:x:",  # an empty number
    ],
)
def test_forged_data_is_stale(data: str) -> None:
    with pytest.raises(Stale):
        Tap.parse(data)


@pytest.mark.parametrize(
    "data", ["rm:to:5:20261301", "rm:to:5:99991231", "rm:to:5:2026121", "rm:to:5:00000101"]
)
def test_impossible_or_far_dates_are_stale(data: str) -> None:
    with pytest.raises(Stale):
        MoveMeetingTo.parse(data)


def test_pack_refuses_what_telegram_would() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Tap(1, Mark.PRESENT, True, "đ" * 40).pack()
    with pytest.raises(ValueError, match="':'"):
        Tap(1, Mark.PRESENT, True, "a:b").pack()
