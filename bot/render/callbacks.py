"""Typed callback data (#13): one small frozen dataclass per kind of button.

A button's data is what Telegram sends back when it is pressed: at most 64 bytes that anyone
can forge. Each kind of button is a dataclass with a `prefix`; its fields, in order, follow
the prefix, separated by ":" ("mt:a:12:3:45:0"). `pack()` writes it (and refuses what would
not fit in 64 bytes); `parse()` reads it back and raises `Stale` on anything malformed: a
wrong prefix, a missing or extra field, a number that is not plain ASCII digits or does not
fit the database's 32-bit integers, a value outside an enum. Telegram's handlers receive the
parsed object (handlers.base.button), never the string; the few kinds that notifications
carry (bot/render, bot/services build them) are defined here, the rest beside their handlers.

The data lives in the button itself, not in memory: a restart loses nothing (PTB's arbitrary
callback data would keep the objects in the process and break old buttons after a restart).

Field types: `int`, `str` (no ":"; may be empty), a `StrEnum`, `bool` ("1"/"0"), `date`
("yyyymmdd") and `Month` ("yyyymm"); dates within bot.domain.dates' years. The formats are
those the buttons already used before #13, so buttons sent before an upgrade still work.
Trailing fields may be optional (`int | None = None`): left out when None.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from datetime import date
from typing import Any, ClassVar, Self

from bot.domain.dates import MAX_YEAR, MIN_YEAR


class Stale(Exception):
    """A button from an older message, or callback data that does not parse."""


MAX_BYTES = 64  # Telegram's limit on callback_data
_INT = re.compile(r"-?[0-9]{1,10}")
_DATE = re.compile(r"[0-9]{8}")
_MONTH = re.compile(r"[0-9]{6}")


class Month(date):
    """A month in button data ("yyyymm"): the date of its first day."""

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month, 1)


_INT_RANGE = range(-(2**31), 2**31)


@dataclasses.dataclass(frozen=True)
class Callback:
    """The base of every kind of button data; subclasses set `prefix` and add fields."""

    prefix: ClassVar[str] = ""

    def pack(self) -> str:
        parts = [self.prefix]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                break  # optional trailing fields
            parts.append(_write(value))
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def parse(cls, data: str) -> Self:
        head = cls.prefix + ":"
        if data == cls.prefix:
            values: list[str] = []
        elif data.startswith(head):
            values = data[len(head) :].split(":")
        else:
            raise Stale
        kinds = _field_kinds(cls)
        required = sum(1 for _, _, optional in kinds if not optional)
        if not required <= len(values) <= len(kinds):
            raise Stale
        read = {
            name: _read(kind, text) for (name, kind, _), text in zip(kinds, values, strict=False)
        }
        return cls(**read)

    @classmethod
    def pattern(cls) -> str:
        """The CallbackQueryHandler pattern that routes this kind's data."""
        return f"^{re.escape(cls.prefix)}(:|$)"


def _write(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Month):
        return f"{value:%Y%m}"
    if isinstance(value, date):
        return f"{value:%Y%m%d}"
    text = str(value)
    if ":" in text:
        raise ValueError(f"':' in a callback field: {text!r}")
    return text


def _read(kind: type, text: str) -> object:
    if kind is bool:
        if text not in ("0", "1"):
            raise Stale
        return text == "1"
    if kind is int:
        if not _INT.fullmatch(text) or int(text) not in _INT_RANGE:
            raise Stale
        return int(text)
    if kind is date or kind is Month:
        if not (_MONTH if kind is Month else _DATE).fullmatch(text):
            raise Stale
        try:
            day = kind(int(text[:4]), int(text[4:6]), int(text[6:]) if kind is date else 1)
        except ValueError:
            raise Stale from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise Stale  # forged (and year 9999's calendar would overflow)
        return day
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(text)
        except ValueError:
            raise Stale from None
    return text


_KINDS: dict[type, list[tuple[str, type, bool]]] = {}


def _field_kinds(cls: type[Callback]) -> list[tuple[str, type, bool]]:
    """(name, type, optional) of each field, from the annotations."""
    if cls in _KINDS:
        return _KINDS[cls]
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        optional = False
        if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
            args = [a for a in typing.get_args(kind) if a is not type(None)]
            kind, optional = args[0], True
        out.append((f.name, kind, optional))
    _KINDS[cls] = out
    return out


def prefixes(module: Any) -> dict[str, type[Callback]]:
    """Every kind of button data defined in `module`, by prefix (for tests)."""
    return {
        value.prefix: value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Callback) and value.prefix
    }


# --- the kinds that notifications carry (built in bot/render and bot/services) -------------


@dataclasses.dataclass(frozen=True)
class MoveMeeting(Callback):
    """📅 Move the meeting: the month's calendar for a cell (a reminder's button, M7)."""

    prefix: ClassVar[str] = "rm:mv"
    cell: int
    month: Month


@dataclasses.dataclass(frozen=True)
class MoveMeetingTo(Callback):
    """A day picked on that calendar."""

    prefix: ClassVar[str] = "rm:to"
    cell: int
    day: date


@dataclasses.dataclass(frozen=True)
class Nudge(Callback):
    """📣 Nudge them all: the cells under a node that have not reported a month (the digest)."""

    prefix: ClassVar[str] = "rm:nudge"
    org: int
    month: Month


@dataclasses.dataclass(frozen=True)
class PickCell(Callback):
    """📝 Log the meeting, for a cell (the meeting flow's first step; reminders carry it).
    `edit`: pressed on the list of cells, whose message becomes the type screen (#15); a
    reminder's button leaves the reminder readable and answers with a new message."""

    prefix: ClassVar[str] = "mt:cell"
    cell: int
    edit: bool | None = None


@dataclasses.dataclass(frozen=True)
class ZeroStart(Callback):
    """🚫 Did not meet: the zero report for a cell (M8; reminders and the digest carry it)."""

    prefix: ClassVar[str] = "zr:m"
    cell: int


@dataclasses.dataclass(frozen=True)
class MemberYearView(Callback):
    """📋 One member's attendance record of a year (the R5/R6 warnings carry it)."""

    prefix: ClassVar[str] = "mh:m"
    member: int
    year: int


@dataclasses.dataclass(frozen=True)
class MemberCard(Callback):
    """A member's card in the roster (the member's year links back to it)."""

    prefix: ClassVar[str] = "ros:m"
    member: int


class ScheduleFrom(enum.StrEnum):
    """The screen the schedule was opened from, where its ⬅️ Back goes (#15)."""

    ORG = "o"  # 🏛 the node's screen
    MEETING = "m"  # 📝 the meeting flow's type screen (cells only)


@dataclasses.dataclass(frozen=True)
class OpenSchedule(Callback):
    """🗓 Meeting day and time of a node (the meeting menu and the node's screen link to
    it). Buttons sent before #15 have no `origin`: ⬅️ Back then goes to the natural parent."""

    prefix: ClassVar[str] = "sc:o"
    org: int
    origin: ScheduleFrom | None = None
