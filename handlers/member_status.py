"""Change a member's status from a date (R1): history is kept, nothing is deleted.

ChangeStatus (ms:s:<member>, handlers/roster.py) → status buttons → PickStatus
(ms:p:<member>:<status>) → date (typed or StatusDate "ms:d:<token>:today") → [end date for
temporary statuses, "ms:d:<token>:none"] → SaveStatus (ms:ok:<token> / ms:no:<token>).
States: see member_status.mmd.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import StrEnum
from typing import ClassVar

from bot.domain.dates import parse_date
from bot.domain.model import LEAVING_STATUSES, TEMPORARY_STATUSES, MemberStatus
from bot.domain.roster import NewSpan
from bot.render import labels
from bot.render.callbacks import Callback
from bot.services import roster

from .base import Answer, Stale, Turn, choice_pattern, esc, inline
from .markup import back, cancel
from .roster import ChangeStatus, MemberCard, render_member, roster_member

FLOW = "status"


@dataclasses.dataclass(frozen=True)
class PickStatus(Callback):
    prefix: ClassVar[str] = "ms:p"
    member: int
    status: MemberStatus


class DateChoice(StrEnum):
    TODAY = "today"  # the start date
    NONE = "none"  # no end date


@dataclasses.dataclass(frozen=True)
class StatusDate(Callback):
    prefix: ClassVar[str] = "ms:d"
    token: str
    choice: DateChoice


@dataclasses.dataclass(frozen=True)
class SaveStatus(Callback):
    prefix: ClassVar[str] = "ms"
    answer: Answer
    token: str

    @classmethod
    def pattern(cls) -> str:
        return choice_pattern(cls.prefix, Answer)


async def choose_status(turn: Turn, data: ChangeStatus) -> None:
    """Which status?"""
    _ = turn._
    member, _cell = await roster_member(turn, data.member)
    statuses = list(MemberStatus)
    rows = [
        [(_(labels.STATUS_SHORT[s]), PickStatus(member.id, s).pack()) for s in statuses[i : i + 2]]
        for i in range(0, len(statuses), 2)
    ]
    rows.append([back(_, MemberCard(member.id).pack())])
    await turn.show(
        _("New status for comrade {name}:").format(name=esc(member.full_name)), inline(rows)
    )


async def picked_status(turn: Turn, data: PickStatus) -> None:
    """Ask from which date."""
    member, _cell = await roster_member(turn, data.member)
    state = await turn.start_flow(FLOW, "from", member_id=member.id, status=data.status.value)
    await ask_date(turn, state.token, "from")


async def ask_date(turn: Turn, token: str, which: str) -> None:
    _ = turn._
    if which == "from":
        text = _("From which date? Type it (e.g. 03/02/2026) or press Today.")
        rows = [[(_("Today"), StatusDate(token, DateChoice.TODAY).pack())]]
    else:
        text = _("Until which date (inclusive)? Type it, or press No end date.")
        rows = [[(_("No end date"), StatusDate(token, DateChoice.NONE).pack())]]
    await turn.reply(text, inline(rows))


async def date_button(turn: Turn, data: StatusDate) -> None:
    """Today (the start) or no end date."""
    state = await turn.flow_for(FLOW, data.token)
    if state.step == "from" and data.choice == DateChoice.TODAY:
        await _take_date(turn, turn.today)
    elif state.step == "until" and data.choice == DateChoice.NONE:
        await _take_date(turn, None)
    else:
        raise Stale


async def date_text(turn: Turn) -> None:
    """A typed date in the status flow."""
    _ = turn._
    state = await turn.flow_for(FLOW)
    if state.step not in ("from", "until"):
        await turn.reply(_("Please use the buttons above, or /cancel."))
        return
    day = parse_date(turn.text, today=turn.today)
    if day is None:
        await turn.reply(_("I could not read that date. Please type it like 03/02/2026."))
        return
    await _take_date(turn, day)


async def _take_date(turn: Turn, day: date | None) -> None:
    _ = turn._
    state = await turn.flow_for(FLOW)
    status = MemberStatus(state.data["status"])
    if state.step == "from":
        assert day is not None
        await turn.advance(
            FLOW, "until" if status in TEMPORARY_STATUSES else "confirm", start=day.isoformat()
        )
        if status in TEMPORARY_STATUSES:
            await ask_date(turn, state.token, "until")
            return
    else:
        start = date.fromisoformat(state.data["start"])
        if day is not None and day < start:
            await turn.reply(
                _("The end date cannot be before the start date ({date}).").format(
                    date=turn.t.date(start)
                )
            )
            return
        await turn.advance(FLOW, "confirm", until=day.isoformat() if day else None)
    await show_confirm(turn)


async def show_confirm(turn: Turn) -> None:
    _ = turn._
    state = await turn.flow_for(FLOW)
    member, _cell = await roster_member(turn, int(state.data["member_id"]))
    status = MemberStatus(state.data["status"])
    start = date.fromisoformat(state.data["start"])
    until = state.data.get("until")
    text = _("Comrade <b>{name}</b>: {status} from {start}").format(
        name=esc(member.full_name), status=_(labels.STATUS[status]), start=turn.t.date(start)
    )
    if until:
        text += " " + _("until {date}").format(date=turn.t.date(date.fromisoformat(until)))
    text += "."
    if status in LEAVING_STATUSES:
        text += "\n\n" + _(
            "From that date the comrade no longer counts in the cell's meetings. The history is kept."
        )
    rows = [
        [
            (_("✅ Save"), SaveStatus(Answer.OK, state.token).pack()),
            cancel(_, SaveStatus(Answer.NO, state.token).pack()),
        ]
    ]
    await turn.reply(text, inline(rows))


async def confirm(turn: Turn, data: SaveStatus) -> None:
    """✅ Save / ✖️ Cancel."""
    _ = turn._
    state = await turn.flow_for(FLOW, data.token)
    member_id = int(state.data["member_id"])
    await roster_member(turn, member_id)
    if data.answer == Answer.NO:
        await turn.finish_flow()
        await turn.show(_("Cancelled. Nothing was changed."))
        return
    if state.step != "confirm":
        raise Stale
    until = state.data.get("until")
    span = NewSpan(
        MemberStatus(state.data["status"]),
        date.fromisoformat(state.data["start"]),
        date.fromisoformat(until) if until else None,
    )
    member = await roster.change_status(turn.session, turn.access, member_id, span)
    await turn.finish_flow()

    async def confirm() -> None:
        await turn.show(_("Saved."))
        await render_member(turn, member, fresh=True)

    turn.after_commit(confirm)
