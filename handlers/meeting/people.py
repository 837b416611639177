"""📝 Log a meeting, the people beside the roster (reached from the confirmation screen):
guests (not counted, R2) and the upper committee's attendee (R1). Names follow the roster's
rule (#12: they go into the minutes)."""

from __future__ import annotations

from bot.domain.dates import parse_time
from bot.domain.names import person_name_problem, person_name_refusal
from bot.domain.text import normalize
from bot.services import meetings as service
from bot.services.meetings import Record

from ..base import Button, Turn, esc, inline
from .buttons import AskGuests, AskUpper, ClearUpper, Confirm, RemoveGuest
from .common import Step, draft, goto
from .details import ask
from .summary import to_confirm

NOTE_MAX = 200
GUESTS_SHOWN = 20


def _name_and_note(line: str) -> tuple[str, str | None]:
    name, _sep, note = normalize(line).partition(",")
    return " ".join(name.split()), (" ".join(note.split()) or None)


async def _refuse_note(turn: Turn, name: str, note: str | None) -> bool:
    """A note (a guest's) or a post (the attendee's) longer than NOTE_MAX is refused with a
    sentence, never cut (#15); nothing of the message is kept."""
    if note is None or len(note) <= NOTE_MAX:
        return False
    await turn.reply(
        turn._(
            "“{name}” was not recorded: what follows the comma is {length} characters long, "
            "at most {limit}. Please shorten it and send it again."
        ).format(name=esc(name[:60]), length=len(note), limit=NOTE_MAX)
    )
    return True


async def _refuse_name(turn: Turn, name: str) -> bool:
    """#12: a guest's or attendee's name follows the roster's rule (bot.domain.names); if it
    does not, say why and return True. Nothing of the message is kept."""
    problem = person_name_problem(name)
    if problem is None:
        return False
    await turn.reply(
        turn._("“{name}” was not recorded. {problem}").format(
            name=esc(name[:60]), problem=esc(person_name_refusal(problem, turn._))
        )
    )
    return True


# --- guests (R2) -----------------------------------------------------------------------


async def show_guests(turn: Turn, record: Record, *, fresh: bool = False) -> None:
    _ = turn._
    meeting = record.meeting
    await goto(turn, Step.GUESTS)
    listed = await service.guests(turn.session, record)
    lines = [
        _(
            "Guests (not counted in the rate): type one per line, “name, note”, e.g. "
            "“Lê Văn Tám, đảng viên chi bộ 3”. Tap a guest to remove them."
        )
    ]
    rows: list[list[Button]] = [
        [("❌ " + g.name[:50], RemoveGuest.of(meeting, g.id).pack())] for g in listed[:GUESTS_SHOWN]
    ]
    if len(listed) > GUESTS_SHOWN:
        lines.append(_("… and {n} more").format(n=len(listed) - GUESTS_SHOWN))
    rows.append([(_("✔️ Done"), Confirm.of(meeting).pack())])
    if fresh:
        await turn.reply("\n".join(lines), inline(rows))
    else:
        await turn.show("\n".join(lines), inline(rows))


async def ask_guests(turn: Turn, data: AskGuests) -> None:
    await show_guests(turn, await draft(turn, data))


async def guests_text(turn: Turn, record: Record) -> None:
    guests = [g for g in map(_name_and_note, turn.text.splitlines()) if g[0]]
    if not guests:
        await turn.reply(turn._("Please type a guest's name, then a comma and a note."))
        return
    for name, note in guests:
        if await _refuse_name(turn, name) or await _refuse_note(turn, name, note):
            return
    await service.add_guests(turn.session, record, guests)
    await show_guests(turn, record, fresh=True)


async def remove_guest(turn: Turn, data: RemoveGuest) -> None:
    record = await draft(turn, data)
    await service.remove_guest(turn.session, record, data.guest)
    await show_guests(turn, record)


# --- the upper committee's attendee (R1) ------------------------------------------------


async def ask_upper(turn: Turn, data: AskUpper) -> None:
    _ = turn._
    record = await draft(turn, data)
    rows: list[list[Button]] = []
    if record.meeting.upper_attendee:
        rows.append([(_("🧹 Nobody came"), ClearUpper.of(record.meeting).pack())])
    text = _(
        "Who attended for the upper committee? Type “name, post”, e.g. “Trần Văn Hải, "
        "Đảng ủy viên phụ trách”."
    )
    await ask(turn, record, Step.UPPER, text, rows)


async def clear_upper(turn: Turn, data: ClearUpper) -> None:
    record = await draft(turn, data)
    service.set_upper(record, None)
    await to_confirm(turn, record)


async def upper_text(turn: Turn, record: Record) -> None:
    name, post = _name_and_note(turn.text)
    if not name or parse_time(name) is not None:
        await turn.reply(turn._("Please type the name, then a comma and the post."))
        return
    if await _refuse_name(turn, name) or await _refuse_note(turn, name, post):
        return
    service.set_upper(record, f"{name} – {post}" if post else name)
    await to_confirm(turn, record)
