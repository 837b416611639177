"""🏅 Grades (M9): an upper committee's admin confirms or adjusts the grades its cells gave
their meetings. Business rules and authorization are in bot/services/grades.py.

GradeList (gr:l:<node>:<yyyymm>:<page>) the month's saved meetings of the cells beneath ·
GradeOpen (gr:m:<node>:<meeting>) one meeting · GradeSet (gr:s:<node>:<meeting>:<version>:
<grade>) confirm as is or give another · GradeNote (gr:n:<node>:<meeting>) type a short note ·
NoteBack (gr:b:<token>) ⬅️ Back from typing it.
States: see grades.mmd.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import ClassVar

from bot.domain.meeting_rules import Grade
from bot.domain.text import normalize
from bot.render import labels
from bot.render.callbacks import Callback, Month
from bot.render.i18n import N_
from bot.services import grades
from bot.services.grades import Graded

from .base import Button, Stale, Turn, esc, inline
from .markup import back
from .meeting.common import TYPE_LABELS

FLOW = "gradenote"
PAGE_SIZE = 10

# Short grade names for buttons and the list (the long labels are bot/render/labels.GRADE).
SHORT = {
    Grade.TOT: N_("Good"),
    Grade.KHA: N_("Fair"),
    Grade.TRUNG_BINH: N_("Average"),
    Grade.KEM: N_("Poor"),
}


@dataclasses.dataclass(frozen=True)
class GradeList(Callback):
    prefix: ClassVar[str] = "gr:l"
    org: int
    month: Month
    page: int


@dataclasses.dataclass(frozen=True)
class GradeOpen(Callback):
    prefix: ClassVar[str] = "gr:m"
    org: int
    meeting: int


@dataclasses.dataclass(frozen=True)
class GradeSet(Callback):
    prefix: ClassVar[str] = "gr:s"
    org: int
    meeting: int
    version: int
    grade: Grade


@dataclasses.dataclass(frozen=True)
class GradeNote(Callback):
    prefix: ClassVar[str] = "gr:n"
    org: int
    meeting: int


@dataclasses.dataclass(frozen=True)
class NoteBack(Callback):
    """⬅️ Back from typing the note (#15): ends the note flow, the meeting's screen. The
    token is the flow's: a button of a flow that has ended is out of date."""

    prefix: ClassVar[str] = "gr:b"
    token: str


def entry(org_id: int, today: date) -> GradeList:
    """🏅 Grades from a committee's screen: last month's meetings (the month just closed)."""
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return GradeList(org_id, Month.of(last), 0)


def _mark(g: Graded) -> str:
    """⏳ not confirmed · ✅ confirmed · ⚠️ confirmed, then the cell changed its own grade."""
    if g.confirmed is None:
        return "⏳"
    return "⚠️" if g.recheck else "✅"


def _grade(turn: Turn, grade: Grade | None) -> str:
    return turn._(SHORT[grade]) if grade is not None else "—"


async def list_month(turn: Turn, data: GradeList) -> None:
    """The month's saved meetings of the cells beneath the committee."""
    _ = turn._
    first = data.month
    node, rows = await grades.month(turn.session, turn.access, data.org, first.year, first.month)
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(data.page, 0), pages - 1)
    done = sum(1 for g in rows if g.confirmed is not None and not g.recheck)
    lines = [
        _("🏅 <b>Meeting grades, {month}</b>").format(month=turn.t.month(first.year, first.month)),
        esc(node.name),
        _("The cell grades its own meeting; the upper committee confirms the grade (M9)."),
    ]
    if rows:
        lines.append(_("Confirmed: {done} of {total}").format(done=done, total=len(rows)))
        lines.append(_("⏳ not confirmed · ✅ confirmed · ⚠️ to look at again"))
    else:
        lines.append(_("No meeting of its cells is saved for this month."))
    buttons: list[list[Button]] = []
    for g in rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        grade = _grade(turn, g.own)
        if g.confirmed is not None and g.confirmed != g.own:
            grade += " → " + _grade(turn, g.confirmed)
        label = f"{_mark(g)} {g.cell_name[:28]} · {g.held_on:%d/%m} · {grade}"
        buttons.append([(label, GradeOpen(node.id, g.meeting_id).pack())])
    nav: list[Button] = []
    if page > 0:
        nav.append(("« " + _("Previous"), GradeList(node.id, first, page - 1).pack()))
    if page < pages - 1:
        nav.append((_("Next") + " »", GradeList(node.id, first, page + 1).pack()))
    buttons.append(nav)
    before = Month(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    months = [("‹ " + turn.t.month(before.year, before.month), GradeList(node.id, before, 0))]
    after = Month(first.year + (first.month == 12), first.month % 12 + 1, 1)
    if after <= turn.today:
        months.append((turn.t.month(after.year, after.month) + " ›", GradeList(node.id, after, 0)))
    buttons.append([(text, cb.pack()) for text, cb in months])
    await turn.show("\n".join(lines), inline(buttons))


def meeting_text(turn: Turn, g: Graded) -> str:
    _ = turn._
    lines = [
        f"<b>{esc(g.cell_name)}</b>",
        _("{kind}, {day}").format(kind=_(TYPE_LABELS[g.kind]), day=turn.t.date(g.held_on)),
    ]
    own = _(labels.GRADE[g.own]) if g.own is not None else _("not graded")
    if g.score is not None:
        own = _("{grade}, {score}/100").format(grade=own, score=g.score)
    lines.append(_("The cell's own grade: {grade}").format(grade=own))
    if g.confirmed is None:
        lines.append(_("The upper committee's grade: not confirmed yet"))
    else:
        assert g.confirmed_at is not None
        lines.append(
            _("The upper committee's grade: {grade} (confirmed on {day})").format(
                grade=_(labels.GRADE[g.confirmed]), day=turn.t.date(g.confirmed_at)
            )
        )
        if g.recheck:
            lines.append(
                _("⚠️ The cell corrected its own grade after the confirmation: please look again.")
            )
        if g.note:
            lines.append(_("Note: {note}").format(note=esc(g.note)))
    lines.append(_("Confirm the cell's grade, or press another one."))
    return "\n".join(lines)


def meeting_buttons(turn: Turn, org_id: int, g: Graded) -> list[list[Button]]:
    _ = turn._

    def set_(grade: Grade) -> str:
        return GradeSet(org_id, g.meeting_id, g.version, grade).pack()

    rows: list[list[Button]] = []
    if g.own is not None and (g.confirmed != g.own or g.recheck):
        rows.append([(_("✅ Confirm: {grade}").format(grade=_(SHORT[g.own])), set_(g.own))])
    others = [gr for gr in Grade if gr != g.own]
    rows.append([(_(SHORT[gr]), set_(gr)) for gr in others])
    if g.confirmed is not None:
        rows.append([(_("📝 Note"), GradeNote(org_id, g.meeting_id).pack())])
    month = Month.of(g.held_on)
    rows.append([back(_, GradeList(org_id, month, 0).pack())])  # #15: one label
    return rows


async def open_meeting(turn: Turn, data: GradeOpen) -> None:
    node, g = await grades.open_meeting(turn.session, turn.access, data.org, data.meeting)
    await turn.show(meeting_text(turn, g), inline(meeting_buttons(turn, node.id, g)))


async def set_grade(turn: Turn, data: GradeSet) -> None:
    """Confirm as is, or adjust (audited in the service)."""
    node, g = await grades.confirm(
        turn.session, turn.access, data.org, data.meeting, data.version, data.grade, turn.now
    )
    await turn.answer(turn._("Saved."))
    await turn.show(meeting_text(turn, g), inline(meeting_buttons(turn, node.id, g)))


async def ask_note(turn: Turn, data: GradeNote) -> None:
    node, g = await grades.open_meeting(turn.session, turn.access, data.org, data.meeting)
    if g.confirmed is None:
        raise Stale
    state = await turn.start_flow(FLOW, "note", org_id=node.id, meeting_id=g.meeting_id)
    await turn.reply(
        turn._(
            "A short note on the grade of {cell} (up to 200 characters; a dash removes it):"
        ).format(cell=f"<b>{esc(g.cell_name)}</b>"),
        inline([[back(turn._, NoteBack(state.token).pack())]]),  # #15
    )


async def note_back(turn: Turn, data: NoteBack) -> None:
    """⬅️ Back from typing the note (#15): the flow ends (a later line is no note) and the
    prompt becomes the meeting's screen, read again through the service (M9 rights)."""
    state = await turn.flow_for(FLOW, data.token)
    node, g = await grades.open_meeting(
        turn.session, turn.access, int(state.data["org_id"]), int(state.data["meeting_id"])
    )
    await turn.finish_flow()
    await turn.show(meeting_text(turn, g), inline(meeting_buttons(turn, node.id, g)))


async def note_text(turn: Turn) -> None:
    """The typed note."""
    state = await turn.flow_for(FLOW)
    text = " ".join(normalize(turn.text).split())
    if len(text) > grades.NOTE_LIMIT:  # refused with a sentence, never cut (#15)
        await turn.reply(
            turn._(
                "That note is {length} characters long; a note holds at most {limit}. "
                "Please shorten it and send it again."
            ).format(length=len(text), limit=grades.NOTE_LIMIT),
            inline([[back(turn._, NoteBack(state.token).pack())]]),
        )
        return
    node, g = await grades.set_note(
        turn.session,
        turn.access,
        int(state.data["org_id"]),
        int(state.data["meeting_id"]),
        "" if text in ("-", "—", "–") else text,
    )
    await turn.finish_flow()
    await turn.reply(meeting_text(turn, g), inline(meeting_buttons(turn, node.id, g)))
