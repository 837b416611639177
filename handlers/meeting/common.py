"""What the meeting flow's modules share: the flow's name and steps, the type labels, and
the loaders that turn a button or typed text into the record it acts on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.meetings import MeetingType
from bot.render.i18n import N_
from bot.services import meetings as service
from bot.services import refusals as errors
from bot.services.meetings import Record

from ..base import Refused, Stale, Turn
from ..markup import BACK
from .buttons import OnMeeting

if TYPE_CHECKING:
    from storage.models import Org

FLOW = "meeting"

TYPE_LABELS = {
    MeetingType.REGULAR: N_("Regular (thường kỳ)"),
    MeetingType.THEMATIC: N_("Thematic (chuyên đề)"),
    MeetingType.COMBINED: N_("Regular + thematic"),
    MeetingType.EXTRAORDINARY: N_("Extraordinary (bất thường)"),
}
# #15: the same inside a sentence, in lower case ("Đã lưu: sinh hoạt thường kỳ ngày …"); the
# words of the reports to the committee (bot/services/upward.py), one word for each thing.
TYPE_WORDS = {
    MeetingType.REGULAR: N_("regular meeting"),
    MeetingType.THEMATIC: N_("thematic meeting"),
    MeetingType.COMBINED: N_("regular + thematic meeting"),
    MeetingType.EXTRAORDINARY: N_("extraordinary meeting"),
}


class Step(StrEnum):
    """Where the flow state stands (meeting.mmd); typed text goes by it (text.py)."""

    RESUME = "resume"  # asked whether to continue an unfinished record
    DATE = "date"
    ATTENDANCE = "attendance"
    CONFIRM = "confirm"
    TIME = "time"
    TOPIC = "topic"
    GRADE = "grade"
    GUESTS = "guests"
    UPPER = "upper"


def back_label(turn: Turn) -> str:
    """⬅️ Back: one label on every step of the flow (#15)."""
    return turn._(BACK)


def kind_label(turn: Turn, kind: MeetingType | str) -> str:
    """The type as a label: a button, or the start of a line ("Thường kỳ")."""
    return turn._(TYPE_LABELS[MeetingType(kind)])


def kind_word(turn: Turn, kind: MeetingType | str) -> str:
    """The type inside a sentence ("… sinh hoạt thường kỳ ngày 21/11/2026", #15)."""
    return turn._(TYPE_WORDS[MeetingType(kind)])


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """The services' refusal as this face's (handlers.base answers it politely)."""
    try:
        yield
    except errors.Refused:
        raise Refused from None


async def goto(turn: Turn, step: Step, **changes: object) -> None:
    await turn.advance(FLOW, step.value, **changes)


async def start_flow(turn: Turn, step: Step, record: Record) -> None:
    await turn.start_flow(FLOW, step.value, meeting_id=record.meeting.id)


async def draft(turn: Turn, data: OnMeeting | None = None) -> Record:
    """The draft this button (or typed text) belongs to: the caller's current one, at the
    version the button's screen showed."""
    state = await turn.flow_for(FLOW)
    meeting_id = int(state.data["meeting_id"])
    if data is not None and data.meeting != meeting_id:
        raise Stale
    with refusals():
        return await service.open_draft(
            turn.session, turn.access, meeting_id, data.version if data else None
        )


async def draft_by_id(turn: Turn, meeting_id: int) -> Record:
    """mt:draft names its meeting without a version."""
    state = await turn.flow_for(FLOW)
    if int(state.data["meeting_id"]) != meeting_id:
        raise Stale
    with refusals():
        return await service.open_draft(turn.session, turn.access, meeting_id)


async def saved(turn: Turn, meeting_id: int, version: int | None = None) -> Record:
    with refusals():
        return await service.open_saved(turn.session, turn.access, meeting_id, version)


async def log_cell(turn: Turn, cell_id: int) -> Org:
    """The cell, if the caller may log its meetings (ids in callbacks can be forged)."""
    with refusals():
        return await service.cell(turn.session, turn.access, cell_id)
