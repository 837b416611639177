"""📝 Log a meeting, the optional details reached from the confirmation screen: start time
and length (M5), type (M3/M4), topic line (S2), quality grade (M9). Each step returns to the
confirmation; guests and the upper-committee attendee are in people.py.
"""

from __future__ import annotations

from bot.domain.dates import parse_start_and_length
from bot.domain.meetings import Grade, MeetingType
from bot.domain.text import normalize
from bot.render import labels
from bot.services import meetings as service
from bot.services.meetings import Record

from ..base import Button, Stale, Turn, inline
from .buttons import (
    NO_GRADE,
    AskGrade,
    AskTime,
    AskTopic,
    ClearTopic,
    Confirm,
    Length,
    MoreDetails,
    SetGrade,
    SetType,
)
from .common import Step, back_label, draft, goto, kind_label
from .dates import regular_taken
from .summary import to_confirm

TOPIC_MAX = 200  # S2: a short line, never the minutes
LENGTHS = (60, 90, 120, 150, 180)


def back(turn: Turn, record: Record) -> Button:
    """⬅️ Back from a detail: to the details' menu it was picked from (#15)."""
    return (back_label(turn), MoreDetails.of(record.meeting).pack())


async def back_to_confirm(turn: Turn, data: Confirm) -> None:
    await to_confirm(turn, await draft(turn, data))


async def ask(turn: Turn, record: Record, step: Step, text: str, rows: list[list[Button]]) -> None:
    """A detail's question: typed text goes to `step`; ⬅️ Back under the buttons."""
    await goto(turn, step)
    await turn.show(text, inline([*rows, [back(turn, record)]]))


# --- start time and length (M5) ------------------------------------------------


async def ask_time(turn: Turn, data: AskTime) -> None:
    _ = turn._
    record = await draft(turn, data)
    meeting = record.meeting
    start = turn.t.time(meeting.start_time) if meeting.start_time else "…"
    text = _(
        "Started at {start}, {minutes} minutes. Press a length, or type the start time "
        "and/or the length in minutes, e.g. “19:30 120”."
    ).format(start=start, minutes=meeting.minutes or "…")
    await ask(
        turn, record, Step.TIME, text, [[(f"{n}′", Length.of(meeting, n).pack()) for n in LENGTHS]]
    )


async def length_button(turn: Turn, data: Length) -> None:
    record = await draft(turn, data)
    if data.minutes not in LENGTHS:
        raise Stale
    service.set_time(record, None, data.minutes)
    await to_confirm(turn, record)


async def time_text(turn: Turn, record: Record) -> None:
    parsed = parse_start_and_length(turn.text)
    if parsed is None:
        await turn.reply(
            turn._(
                "I could not read that. Type the start time like 19:30, the length in minutes "
                "like 120, or both: “19:30 120”."
            )
        )
        return
    service.set_time(record, *parsed)
    await to_confirm(turn, record)


# --- type (M3, M4) ---------------------------------------------------------------


async def set_type(turn: Turn, data: SetType) -> None:
    """The types (no type in the data), or change to the one pressed."""
    _ = turn._
    record = await draft(turn, data)
    if data.kind is None:
        rows = [[(kind_label(turn, t), SetType.of(record.meeting, t).pack())] for t in MeetingType]
        await turn.show(_("Which meeting was it?"), inline([*rows, [back(turn, record)]]))
        return
    held_on = record.meeting.held_on
    assert held_on is not None
    taken = await service.set_type(turn.session, record, data.kind)
    if taken is not None:
        await regular_taken(turn, record, taken, held_on)
        return
    await to_confirm(turn, record)


# --- topic line (S2) ---------------------------------------------------------------


async def ask_topic(turn: Turn, data: AskTopic) -> None:
    _ = turn._
    record = await draft(turn, data)
    rows = []
    if record.meeting.topic:
        rows.append([(_("🧹 Remove the topic"), ClearTopic.of(record.meeting).pack())])
    text = _(
        "Type the topic in one short line (at most {n} characters), e.g. “Triển khai "
        "Nghị quyết …”. Only a line: the minutes and documents belong on the official "
        "app (Sổ tay đảng viên), not here."
    ).format(n=TOPIC_MAX)
    await ask(turn, record, Step.TOPIC, text, rows)


async def clear_topic(turn: Turn, data: ClearTopic) -> None:
    record = await draft(turn, data)
    service.set_topic(record, None)
    await to_confirm(turn, record)


async def topic_text(turn: Turn, record: Record) -> None:
    topic = " ".join(normalize(turn.text).split())
    if len(topic) > TOPIC_MAX:
        await turn.reply(
            turn._(
                "That is {n} characters; the topic line holds at most {max}. Please shorten "
                "it: the full content belongs in the minutes on the official app."
            ).format(n=len(topic), max=TOPIC_MAX)
        )
        return
    service.set_topic(record, topic or None)
    await to_confirm(turn, record)


# --- quality grade (M9) ------------------------------------------------------------


async def ask_grade(turn: Turn, data: AskGrade) -> None:
    _ = turn._
    record = await draft(turn, data)

    def row(*grades: Grade) -> list[Button]:
        return [(_(labels.GRADE[g]), SetGrade.of(record.meeting, g.value).pack()) for g in grades]

    rows = [row(Grade.TOT, Grade.KHA), row(Grade.TRUNG_BINH, Grade.KEM)]
    rows.append([(_("No grade"), SetGrade.of(record.meeting, NO_GRADE).pack()), back(turn, record)])
    text = _(
        "The cell's own grade of the meeting (the upper committee confirms it). Press "
        "one, or type the score out of 100."
    )
    await goto(turn, Step.GRADE)
    await turn.show(text, inline(rows))


async def grade_button(turn: Turn, data: SetGrade) -> None:
    record = await draft(turn, data)
    try:
        grade = None if data.grade == NO_GRADE else Grade(data.grade)
    except ValueError:
        raise Stale from None
    await service.set_grade(turn.session, record, grade)
    await to_confirm(turn, record)


async def score_text(turn: Turn, record: Record) -> None:
    text = turn.text.strip().removesuffix("điểm").strip().removesuffix("/100").strip()
    if not text.isdecimal() or not 0 <= int(text) <= 100:
        await turn.reply(turn._("Please type a whole number from 0 to 100, or press a grade."))
        return
    await service.set_grade(turn.session, record, None, int(text))  # M9: the score sets the grade
    await to_confirm(turn, record)
