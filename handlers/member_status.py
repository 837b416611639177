"""Change a member's status from a date (R1): history is kept, nothing is deleted.

ms:s:<member> → status buttons → ms:p:<member>:<status> → date (typed or "today")
→ [end date for temporary statuses] → confirm ms:ok:<token> / ms:no:<token>.
States: see member_status.mmd.
"""

from __future__ import annotations

from datetime import date

from bot.domain.dates import parse_date
from bot.domain.model import LEAVING_STATUSES, TEMPORARY_STATUSES, MemberStatus
from bot.domain.roster import NewSpan
from bot.render import labels
from storage import members

from .base import Stale, Turn, esc, inline
from .roster import render_member, roster_member

FLOW = "status"


async def choose_status(turn: Turn) -> None:
    """ms:s:<member> — which status?"""
    _ = turn._
    member, _cell = await roster_member(turn, turn.int_arg(2))
    statuses = list(MemberStatus)
    rows = [
        [(_(labels.STATUS_SHORT[s]), f"ms:p:{member.id}:{s.value}") for s in statuses[i : i + 2]]
        for i in range(0, len(statuses), 2)
    ]
    rows.append([("« " + _("Back"), f"ros:m:{member.id}")])
    await turn.show(
        _("New status for comrade {name}:").format(name=esc(member.full_name)), inline(rows)
    )


async def picked_status(turn: Turn) -> None:
    """ms:p:<member>:<status> — ask from which date."""
    member, _cell = await roster_member(turn, turn.int_arg(2))
    try:
        status = MemberStatus(turn.arg(3))
    except ValueError:
        raise Stale from None
    state = await turn.start_flow(FLOW, "from", member_id=member.id, status=status.value)
    await ask_date(turn, state.token, "from")


async def ask_date(turn: Turn, token: str, which: str) -> None:
    _ = turn._
    if which == "from":
        text = _("From which date? Type it (e.g. 03/02/2026) or press Today.")
        rows = [[(_("Today"), f"ms:d:{token}:today")]]
    else:
        text = _("Until which date (inclusive)? Type it, or press No end date.")
        rows = [[(_("No end date"), f"ms:d:{token}:none")]]
    await turn.reply(text, inline(rows))


async def date_button(turn: Turn) -> None:
    """ms:d:<token>:today|none"""
    state = await turn.flow_for(FLOW, turn.arg(2))
    choice = turn.arg(3)
    if state.step == "from" and choice == "today":
        await _take_date(turn, turn.today)
    elif state.step == "until" and choice == "none":
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
    rows = [[(_("✅ Save"), f"ms:ok:{state.token}"), (_("✖️ Cancel"), f"ms:no:{state.token}")]]
    await turn.reply(text, inline(rows))


async def confirm(turn: Turn) -> None:
    """ms:ok:<token> / ms:no:<token>"""
    _ = turn._
    state = await turn.flow_for(FLOW, turn.arg(2))
    member, _cell = await roster_member(turn, int(state.data["member_id"]))
    if turn.arg(1) == "no":
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
    await members.add_status(turn.session, member, span, actor_id=turn.user_id)
    await turn.finish_flow()
    await turn.session.refresh(member, ["statuses"])

    async def confirm() -> None:
        await turn.show(_("Saved."))
        await render_member(turn, member, fresh=True)

    turn.after_commit(confirm)
