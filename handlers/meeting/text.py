"""📝 Typed text during the meeting flow, by the step the flow stands at (common.Step)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services.meetings import Record

from ..base import Turn
from .attendance import reason_text
from .common import FLOW, Step, draft
from .dates import date_text
from .details import score_text, time_text, topic_text
from .people import guests_text, upper_text

TEXT_STEPS: dict[str, Callable[[Turn, Record], Awaitable[None]]] = {
    Step.DATE: date_text,
    Step.ATTENDANCE: reason_text,
    Step.TIME: time_text,
    Step.TOPIC: topic_text,
    Step.GRADE: score_text,
    Step.GUESTS: guests_text,
    Step.UPPER: upper_text,
}


async def on_text(turn: Turn) -> None:
    """A date, an absence reason, a time and length, a topic, a score, guests, the
    upper-committee attendee; on the other steps, a hint to use the buttons."""
    state = await turn.flow_for(FLOW)
    record = await draft(turn)
    step = TEXT_STEPS.get(state.step)
    if step is None:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    await step(turn, record)
