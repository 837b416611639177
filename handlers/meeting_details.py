"""📝 Log a meeting, the optional details reached from the confirmation screen: start time
and length (M5), type (M3/M4), topic line (S2), quality grade (M9), guests and the
upper-committee attendee (R1, R2). Each step returns to the confirmation.

mt:cf:<m>:<v> back to the confirmation · mt:tm / mt:len:<n> time and length
mt:ty / mt:ty:<type> type · mt:tp / mt:tpx topic · mt:gr / mt:g:<grade|none> grade
mt:gu / mt:gx:<guest> guests · mt:up / mt:upx upper-committee attendee
Typed text on these steps arrives through meeting_log.on_text (TEXT_STEPS).
"""

from __future__ import annotations

from bot.domain.dates import parse_start_and_length, parse_time
from bot.domain.meetings import (
    Grade,
    MeetingType,
    grade_for_score,
    min_minutes_for,
)
from bot.domain.text import normalize
from bot.render import labels
from bot.services import profiles
from storage import meetings
from storage.models import Meeting, Org

from .base import Button, Stale, Turn, esc, inline
from .meeting_log import FLOW, TYPE_LABELS, check_regular, flow_meeting
from .roster import name_problem

TOPIC_MAX = 200  # S2: a short line, never the minutes
NOTE_MAX = 200
GUESTS_SHOWN = 20
LENGTHS = (60, 90, 120, 150, 180)


def _key(meeting: Meeting) -> str:
    return f"{meeting.id}:{meeting.version}"


def _back(turn: Turn, meeting: Meeting) -> Button:
    return ("« " + turn._("Back"), f"mt:cf:{_key(meeting)}")


async def _step(turn: Turn) -> tuple[Meeting, Org]:
    return await flow_meeting(turn, turn.int_arg(2), turn.int_arg(3))


async def to_confirm(turn: Turn, meeting: Meeting, cell: Org) -> None:
    from .meeting_attendance import render_confirm

    await turn.advance(FLOW, "confirm")
    await render_confirm(turn, meeting, cell)


async def back_to_confirm(turn: Turn) -> None:
    """mt:cf:<m>:<v>"""
    meeting, cell = await _step(turn)
    await to_confirm(turn, meeting, cell)


# --- start time and length (M5) ------------------------------------------------


async def ask_time(turn: Turn) -> None:
    """mt:tm:<m>:<v>"""
    _ = turn._
    meeting, _cell = await _step(turn)
    await turn.advance(FLOW, "time")
    start = turn.t.time(meeting.start_time) if meeting.start_time else "…"
    rows: list[list[Button]] = [
        [(f"{n}′", f"mt:len:{_key(meeting)}:{n}") for n in LENGTHS],
        [_back(turn, meeting)],
    ]
    await turn.show(
        _(
            "Started at {start}, {minutes} minutes. Press a length, or type the start time "
            "and/or the length in minutes, e.g. “19:30 120”."
        ).format(start=start, minutes=meeting.minutes or "…"),
        inline(rows),
    )


async def length_button(turn: Turn) -> None:
    """mt:len:<m>:<v>:<minutes>"""
    meeting, cell = await _step(turn)
    minutes = turn.int_arg(4)
    if minutes not in LENGTHS:
        raise Stale
    meeting.minutes = minutes
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


async def time_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    parsed = parse_start_and_length(turn.text)
    if parsed is None:
        await turn.reply(
            turn._(
                "I could not read that. Type the start time like 19:30, the length in minutes "
                "like 120, or both: “19:30 120”."
            )
        )
        return
    start, minutes = parsed
    if start is not None:
        meeting.start_time = start
    if minutes is not None:
        meeting.minutes = minutes
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


# --- type (M3, M4) ---------------------------------------------------------------


async def ask_type(turn: Turn) -> None:
    """mt:ty:<m>:<v>[:<type>] — show the types, or change to the one pressed."""
    _ = turn._
    meeting, cell = await _step(turn)
    if len(turn.data) == 4:
        rows = [[(_(TYPE_LABELS[t]), f"mt:ty:{_key(meeting)}:{t.value}")] for t in MeetingType]
        await turn.show(_("Which meeting was it?"), inline([*rows, [_back(turn, meeting)]]))
        return
    try:
        kind = MeetingType(turn.arg(4))
    except ValueError:
        raise Stale from None
    assert meeting.held_on is not None
    if not await check_regular(turn, meeting, cell, kind, meeting.held_on):
        return
    profile = await profiles.rule_profile(turn.session, cell)
    old = MeetingType(meeting.kind)
    if meeting.minutes == (min_minutes_for(old, profile) or profile.min_minutes):
        # The length was still the old type's default: take the new one's (M5).
        meeting.minutes = min_minutes_for(kind, profile) or profile.min_minutes
    meeting.kind = kind.value
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


# --- topic line (S2) ---------------------------------------------------------------


async def ask_topic(turn: Turn) -> None:
    """mt:tp:<m>:<v>"""
    _ = turn._
    meeting, _cell = await _step(turn)
    await turn.advance(FLOW, "topic")
    rows: list[list[Button]] = []
    if meeting.topic:
        rows.append([(_("🧹 Remove the topic"), f"mt:tpx:{_key(meeting)}")])
    rows.append([_back(turn, meeting)])
    await turn.show(
        _(
            "Type the topic in one short line (at most {n} characters), e.g. “Triển khai "
            "Nghị quyết …”. Only a line: the minutes and documents belong on the official "
            "app (Sổ tay đảng viên), not here."
        ).format(n=TOPIC_MAX),
        inline(rows),
    )


async def clear_topic(turn: Turn) -> None:
    """mt:tpx:<m>:<v>"""
    meeting, cell = await _step(turn)
    meeting.topic = None
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


async def topic_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    topic = " ".join(normalize(turn.text).split())
    if len(topic) > TOPIC_MAX:
        await turn.reply(
            turn._(
                "That is {n} characters; the topic line holds at most {max}. Please shorten "
                "it: the full content belongs in the minutes on the official app."
            ).format(n=len(topic), max=TOPIC_MAX)
        )
        return
    meeting.topic = topic or None
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


# --- quality grade (M9) ------------------------------------------------------------


def grade_text(turn: Turn, meeting: Meeting) -> str | None:
    """ "Tốt (92 điểm)", "Khá", or None when not graded."""
    if meeting.grade is None:
        return None
    label = turn._(labels.GRADE[Grade(meeting.grade)])
    if meeting.score is None:
        return label
    return turn._("{grade}, {score}/100").format(grade=label, score=meeting.score)


async def ask_grade(turn: Turn) -> None:
    """mt:gr:<m>:<v>"""
    _ = turn._
    meeting, _cell = await _step(turn)
    await turn.advance(FLOW, "grade")
    key = _key(meeting)
    rows: list[list[Button]] = [
        [(_(labels.GRADE[g]), f"mt:g:{key}:{g.value}") for g in (Grade.TOT, Grade.KHA)],
        [(_(labels.GRADE[g]), f"mt:g:{key}:{g.value}") for g in (Grade.TRUNG_BINH, Grade.KEM)],
        [(_("No grade"), f"mt:g:{key}:none"), _back(turn, meeting)],
    ]
    await turn.show(
        _(
            "The cell's own grade of the meeting (the upper committee confirms it). Press "
            "one, or type the score out of 100."
        ),
        inline(rows),
    )


async def grade_button(turn: Turn) -> None:
    """mt:g:<m>:<v>:<grade|none>"""
    meeting, cell = await _step(turn)
    if turn.arg(4) == "none":
        meeting.grade = None
    else:
        try:
            meeting.grade = Grade(turn.arg(4)).value
        except ValueError:
            raise Stale from None
    meeting.score = None
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


async def score_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    text = turn.text.strip().removesuffix("điểm").strip().removesuffix("/100").strip()
    if not text.isdecimal() or not 0 <= int(text) <= 100:
        await turn.reply(turn._("Please type a whole number from 0 to 100, or press a grade."))
        return
    meeting.score = int(text)
    meeting.grade = grade_for_score(meeting.score).value  # M9
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


# --- guests and the upper-committee attendee (R1, R2) -------------------------------


async def show_guests(turn: Turn, meeting: Meeting, *, fresh: bool = False) -> None:
    _ = turn._
    await turn.advance(FLOW, "guests")
    listed = await meetings.guests(turn.session, meeting.id)
    lines = [
        _(
            "Guests (not counted in the rate): type one per line, “name, note”, e.g. "
            "“Lê Văn Tám, đảng viên chi bộ 3”. Tap a guest to remove them."
        )
    ]
    rows: list[list[Button]] = [
        [("❌ " + g.name[:50], f"mt:gx:{_key(meeting)}:{g.id}")] for g in listed[:GUESTS_SHOWN]
    ]
    if len(listed) > GUESTS_SHOWN:
        lines.append(_("… and {n} more").format(n=len(listed) - GUESTS_SHOWN))
    rows.append([(_("✔️ Done"), f"mt:cf:{_key(meeting)}")])
    if fresh:
        await turn.reply("\n".join(lines), inline(rows))
    else:
        await turn.show("\n".join(lines), inline(rows))


async def ask_guests(turn: Turn) -> None:
    """mt:gu:<m>:<v>"""
    meeting, _cell = await _step(turn)
    await show_guests(turn, meeting)


def _name_and_note(line: str) -> tuple[str, str | None]:
    name, _sep, note = normalize(line).partition(",")
    return " ".join(name.split()), (" ".join(note.split())[:NOTE_MAX] or None)


async def _refuse_name(turn: Turn, name: str) -> bool:
    """#12: a guest's or attendee's name follows the roster's rule (it goes into the
    minutes); if it does not, say why and return True. Nothing of the message is kept."""
    problem = name_problem(turn, name)
    if problem is None:
        return False
    await turn.reply(
        turn._("“{name}” was not recorded. {problem}").format(name=esc(name[:60]), problem=problem)
    )
    return True


async def guests_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    guests = [g for g in map(_name_and_note, turn.text.splitlines()) if g[0]]
    if not guests:
        await turn.reply(turn._("Please type a guest's name, then a comma and a note."))
        return
    for name, _note in guests:
        if await _refuse_name(turn, name):
            return
    for name, note in guests:
        await meetings.add_guest(turn.session, meeting, name, note)
    await show_guests(turn, meeting, fresh=True)


async def remove_guest(turn: Turn) -> None:
    """mt:gx:<m>:<v>:<guest>"""
    meeting, _cell = await _step(turn)
    if not await meetings.remove_guest(turn.session, meeting, turn.int_arg(4)):
        raise Stale
    await show_guests(turn, meeting)


async def ask_upper(turn: Turn) -> None:
    """mt:up:<m>:<v>"""
    _ = turn._
    meeting, _cell = await _step(turn)
    await turn.advance(FLOW, "upper")
    rows: list[list[Button]] = []
    if meeting.upper_attendee:
        rows.append([(_("🧹 Nobody came"), f"mt:upx:{_key(meeting)}")])
    rows.append([_back(turn, meeting)])
    await turn.show(
        _(
            "Who attended for the upper committee? Type “name, post”, e.g. “Trần Văn Hải, "
            "Đảng ủy viên phụ trách”."
        ),
        inline(rows),
    )


async def clear_upper(turn: Turn) -> None:
    """mt:upx:<m>:<v>"""
    meeting, cell = await _step(turn)
    meeting.upper_attendee = None
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


async def upper_text(turn: Turn, meeting: Meeting, cell: Org) -> None:
    name, post = _name_and_note(turn.text)
    if not name or parse_time(name) is not None:
        await turn.reply(turn._("Please type the name, then a comma and the post."))
        return
    if await _refuse_name(turn, name):
        return
    meeting.upper_attendee = (f"{name} – {post}" if post else name)[:200]
    meetings.touch(meeting)
    await to_confirm(turn, meeting, cell)


def detail_lines(turn: Turn, meeting: Meeting, guest_names: list[str]) -> list[str]:
    """The optional details on the confirmation screen and the meeting card."""
    _ = turn._
    lines = []
    if meeting.topic:
        lines.append(_("Topic: {topic}").format(topic=esc(meeting.topic)))
    if (grade := grade_text(turn, meeting)) is not None:
        lines.append(_("Grade: {grade}").format(grade=grade))
    if guest_names:
        lines.append(_("Guests: {names}").format(names=esc(", ".join(guest_names))))
    if meeting.upper_attendee:
        lines.append(_("Upper committee: {who}").format(who=esc(meeting.upper_attendee)))
    return lines
