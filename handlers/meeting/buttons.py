"""The meeting flow's buttons (typed callback data, bot/render/callbacks.py).

The formats are those of the buttons sent before #13 ("mt:a:<meeting>:<version>:<member>:
<page>"), so a button already in a chat keeps working after an upgrade. Most buttons act on a
draft or a logged meeting at one version (`OnMeeting`): any change to the meeting makes the
buttons of its older screens stale.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self

from bot.domain.meetings import Attendance, MeetingType
from bot.render.callbacks import Callback, Month
from bot.render.callbacks import PickCell as PickCell  # defined there: notifications carry it
from bot.render.i18n import N_

if TYPE_CHECKING:
    from storage.models import Meeting


class DraftAction(StrEnum):
    GO = "go"
    DROP = "drop"


class Reason(StrEnum):
    """The quick reasons of an excused absence."""

    SICK = "sick"
    TRIP = "trip"
    FAMILY = "family"


REASON_TEXT = {
    Reason.SICK: N_("sick"),
    Reason.TRIP: N_("on a work trip"),
    Reason.FAMILY: N_("family matters"),
}
NO_GRADE = "none"  # mt:g's value for "No grade"


@dataclasses.dataclass(frozen=True)
class NewMeeting(Callback):
    prefix: ClassVar[str] = "mt:new"
    cell: int
    kind: MeetingType


@dataclasses.dataclass(frozen=True)
class TypeBack(Callback):
    """⬅️ Back from the flow's first step, the type (#15): to the list of cells when the
    caller logs for several, else the screen is closed with a sentence."""

    prefix: ClassVar[str] = "mt:home"


@dataclasses.dataclass(frozen=True)
class ResumeDraft(Callback):
    prefix: ClassVar[str] = "mt:draft"
    meeting: int
    action: DraftAction


@dataclasses.dataclass(frozen=True)
class OpenMeeting(Callback):
    """📂 A logged meeting's card (also from the history and the M1 notice)."""

    prefix: ClassVar[str] = "mt:open"
    meeting: int


@dataclasses.dataclass(frozen=True)
class Minutes(Callback):
    prefix: ClassVar[str] = "mt:docx"
    meeting: int


@dataclasses.dataclass(frozen=True)
class OnMeeting(Callback):
    """A button acting on a meeting as its screen showed it: the meeting and its version."""

    meeting: int
    version: int

    @classmethod
    def of(cls, meeting: Meeting, *more: Any) -> Self:
        return cls(meeting.id, meeting.version, *more)


# --- the date (dates.py) -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PickDate(OnMeeting):
    """today | yesterday | a day pressed on the calendar (yyyymmdd)."""

    prefix: ClassVar[str] = "mt:d"
    day: str


@dataclasses.dataclass(frozen=True)
class ShowCalendar(OnMeeting):
    prefix: ClassVar[str] = "mt:cal"
    month: Month


@dataclasses.dataclass(frozen=True)
class DateBack(OnMeeting):
    prefix: ClassVar[str] = "mt:dback"


@dataclasses.dataclass(frozen=True)
class DateStepBack(OnMeeting):
    """⬅️ Back from the date question: to the type (no date yet), else where it came from."""

    prefix: ClassVar[str] = "mt:dq"


@dataclasses.dataclass(frozen=True)
class ChangeDate(OnMeeting):
    prefix: ClassVar[str] = "mt:chd"


@dataclasses.dataclass(frozen=True)
class AsExtraordinary(OnMeeting):
    prefix: ClassVar[str] = "mt:asx"
    day: date


# --- attendance (attendance.py) ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Tap(OnMeeting):
    """A member's name on the list: opens the choice for that member (changes nothing).
    Before #15 the same button cycled the mark; an old one now opens the choice."""

    prefix: ClassVar[str] = "mt:a"
    member: int
    page: int


@dataclasses.dataclass(frozen=True)
class Mark(OnMeeting):
    """The choice for one member (R3): present, excused with a quick reason or a typed
    one (no reason in the data), or unexcused."""

    prefix: ClassVar[str] = "mt:mk"
    member: int
    page: int
    mark: Attendance
    reason: Reason | None = None


@dataclasses.dataclass(frozen=True)
class AttendanceBack(OnMeeting):
    """⬅️ Back from the list to the date question."""

    prefix: ClassVar[str] = "mt:aback"


@dataclasses.dataclass(frozen=True)
class AllPresent(OnMeeting):
    prefix: ClassVar[str] = "mt:all"


@dataclasses.dataclass(frozen=True)
class Page(OnMeeting):
    prefix: ClassVar[str] = "mt:pg"
    page: int


@dataclasses.dataclass(frozen=True)
class QuickReason(OnMeeting):
    prefix: ClassVar[str] = "mt:r"
    member: int
    reason: Reason


@dataclasses.dataclass(frozen=True)
class Voluntary(OnMeeting):
    prefix: ClassVar[str] = "mt:vol"
    member: int
    page: int


@dataclasses.dataclass(frozen=True)
class ToConfirm(OnMeeting):
    prefix: ClassVar[str] = "mt:next"


@dataclasses.dataclass(frozen=True)
class BackToAttendance(OnMeeting):
    prefix: ClassVar[str] = "mt:back"


@dataclasses.dataclass(frozen=True)
class Save(OnMeeting):
    prefix: ClassVar[str] = "mt:save"


@dataclasses.dataclass(frozen=True)
class AskCancel(OnMeeting):
    """✖️ Cancel on the confirmation: asks before the draft is dropped."""

    prefix: ClassVar[str] = "mt:cx"


@dataclasses.dataclass(frozen=True)
class CancelDraft(OnMeeting):
    prefix: ClassVar[str] = "mt:cxok"


# --- the details (details.py, people.py) ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Confirm(OnMeeting):
    """✔️ Done / ⬅️ Back from the details: to the confirmation screen."""

    prefix: ClassVar[str] = "mt:cf"


@dataclasses.dataclass(frozen=True)
class MoreDetails(OnMeeting):
    """➕ Add details: the optional details' menu (item 8 of #15)."""

    prefix: ClassVar[str] = "mt:more"


@dataclasses.dataclass(frozen=True)
class AskTime(OnMeeting):
    prefix: ClassVar[str] = "mt:tm"


@dataclasses.dataclass(frozen=True)
class Length(OnMeeting):
    prefix: ClassVar[str] = "mt:len"
    minutes: int


@dataclasses.dataclass(frozen=True)
class SetType(OnMeeting):
    """Without a type: the question; with one: the answer."""

    prefix: ClassVar[str] = "mt:ty"
    kind: MeetingType | None = None


@dataclasses.dataclass(frozen=True)
class AskTopic(OnMeeting):
    prefix: ClassVar[str] = "mt:tp"


@dataclasses.dataclass(frozen=True)
class ClearTopic(OnMeeting):
    prefix: ClassVar[str] = "mt:tpx"


@dataclasses.dataclass(frozen=True)
class AskGrade(OnMeeting):
    prefix: ClassVar[str] = "mt:gr"


@dataclasses.dataclass(frozen=True)
class SetGrade(OnMeeting):
    """A Grade's value, or NO_GRADE."""

    prefix: ClassVar[str] = "mt:g"
    grade: str


@dataclasses.dataclass(frozen=True)
class AskGuests(OnMeeting):
    prefix: ClassVar[str] = "mt:gu"


@dataclasses.dataclass(frozen=True)
class RemoveGuest(OnMeeting):
    prefix: ClassVar[str] = "mt:gx"
    guest: int


@dataclasses.dataclass(frozen=True)
class AskUpper(OnMeeting):
    prefix: ClassVar[str] = "mt:up"


@dataclasses.dataclass(frozen=True)
class ClearUpper(OnMeeting):
    prefix: ClassVar[str] = "mt:upx"


# --- a logged meeting (card.py) ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Correct(OnMeeting):
    prefix: ClassVar[str] = "mt:edit"


@dataclasses.dataclass(frozen=True)
class AskDelete(OnMeeting):
    prefix: ClassVar[str] = "mt:del"


@dataclasses.dataclass(frozen=True)
class Delete(OnMeeting):
    prefix: ClassVar[str] = "mt:delok"
