"""🚫 Reporting a month: which month, why, confirm (zero_report.mmd)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.dates import MAX_YEAR, MIN_YEAR, parse_month
from bot.domain.meetings import BEFORE_CELL, FUTURE
from bot.domain.text import normalize
from bot.services import zero_reports as service
from bot.services.meetings import RegularTaken
from bot.services.zero_reports import MAX_REASON, Filed

from ..base import Stale, Turn, esc, inline
from ..markup import CANCEL, back
from ..meeting.common import log_cell, refusals
from .buttons import (
    QUICK_REASONS,
    Answer,
    PickMonth,
    PickReason,
    ZeroAnswer,
    ZeroBack,
    ZeroStart,
    month_buttons,
    reason_buttons,
)
from .standing import show_report

if TYPE_CHECKING:
    from storage.models import FlowState, Org

FLOW = "zero"


async def start(turn: Turn, data: ZeroStart) -> None:
    """🚫 Did not meet: which month?"""
    cell = await log_cell(turn, data.cell)
    state = await turn.start_flow(FLOW, "month", cell_id=cell.id)
    await ask_month(turn, cell, state.token)


async def ask_month(turn: Turn, cell: Org, token: str) -> None:
    await turn.show(
        turn._(
            "<b>{cell}</b>: in which month did the cell not meet? Press a button or type the "
            "month (e.g. 10/2026 or T10)."
        ).format(cell=esc(cell.name)),
        month_buttons(turn, token),
    )


async def _flow_cell(turn: Turn, token: str | None = None) -> tuple[FlowState, Org]:
    """The caller's zero-report flow (with this token) and its cell, access checked again."""
    state = await turn.flow_for(FLOW, token)
    return state, await log_cell(turn, int(state.data["cell_id"]))


async def month_button(turn: Turn, data: PickMonth) -> None:
    """This month or the last one."""
    state, cell = await _flow_cell(turn, data.token)
    year, month = data.year, data.month
    if state.step != "month" or not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise Stale  # our buttons offer this month and the last one: the data is forged
    await take_month(turn, cell, year, month)


async def month_text(turn: Turn, cell: Org) -> None:
    """A typed month: "10/2026", "T10", "tháng 10 năm 2026" (L3)."""
    found = parse_month(turn.text, today=turn.today)
    if found is None:
        token = (await turn.flow_for(FLOW)).token
        await turn.reply(
            turn._("I could not read that month. Please type it like 10/2026 or T10."),
            month_buttons(turn, token),  # the newest message always has the buttons
        )
        return
    await take_month(turn, cell, *found)


def _refusal_text(turn: Turn, cell: Org, year: int, month: int, why: str | RegularTaken) -> str:
    """Why this month cannot be reported as "did not meet" (bot.services.zero_reports.refusal)."""
    _ = turn._
    name = turn.t.month(year, month)
    if why == FUTURE:
        return _("{month} has not come yet. Please report a month that has begun.").format(
            month=name
        )
    if why == BEFORE_CELL:
        assert cell.founded_on is not None
        return _("{month} is before the cell existed ({founded}).").format(
            month=name, founded=turn.t.date(cell.founded_on)
        )
    assert isinstance(why, RegularTaken)
    return _(
        "The regular meeting of {month} was logged on {date}, so the cell did meet that "
        "month. Please choose another month, or /cancel."
    ).format(month=name, date=turn.t.date(why.held_on))


async def take_month(turn: Turn, cell: Org, year: int, month: int) -> None:
    with refusals():
        why = await service.refusal(
            turn.session, turn.access, cell.id, year, month, today=turn.today
        )
    if why is not None:  # the flow waits for another month, typed or pressed
        token = (await turn.flow_for(FLOW)).token
        await turn.reply(_refusal_text(turn, cell, year, month, why), month_buttons(turn, token))
        return
    with refusals():
        standing = await service.standing(turn.session, turn.access, cell.id, year, month)
    if standing is not None:
        await show_report(turn, standing)
        return
    state = await turn.advance(FLOW, "reason", year=year, month=month)
    await ask_reason(turn, cell, state)


async def ask_reason(turn: Turn, cell: Org, state: FlowState) -> None:
    year, month = int(state.data["year"]), int(state.data["month"])
    await turn.show(
        turn._(
            "<b>{cell}</b>, {month}: why did the cell not meet? Press a reason or type it "
            "(at most {limit} characters)."
        ).format(cell=esc(cell.name), month=turn.t.month(year, month), limit=MAX_REASON),
        reason_buttons(turn, state.token),
    )


async def reason_button(turn: Turn, data: PickReason) -> None:
    """A quick reason."""
    state, cell = await _flow_cell(turn, data.token)
    index = data.index
    if state.step != "reason" or not 0 <= index < len(QUICK_REASONS):
        raise Stale
    await take_reason(turn, cell, turn._(QUICK_REASONS[index]))


async def reason_text(turn: Turn, cell: Org) -> None:
    """A typed reason, kept as entered (NFC, L5)."""
    _ = turn._
    reason = normalize(turn.text)
    if not reason:
        await turn.reply(_("Please type the reason why the cell did not meet."))
        return
    if len(reason) > MAX_REASON:
        await turn.reply(
            _(
                "That reason is {length} characters long. Please shorten it to at most "
                "{limit} characters and send it again."
            ).format(length=len(reason), limit=MAX_REASON),
            reason_buttons(turn, (await turn.flow_for(FLOW)).token),
        )
        return
    await take_reason(turn, cell, reason)


async def take_reason(turn: Turn, cell: Org, reason: str) -> None:
    _ = turn._
    state = await turn.advance(FLOW, "confirm", reason=reason)
    year, month = int(state.data["year"]), int(state.data["month"])
    ok, no = (ZeroAnswer(a, state.token, year, month).pack() for a in Answer)
    upper = await service.committee(turn.session, turn.access, cell.id)
    lines = [
        _("<b>Please check before saving</b>"),
        _("<b>{cell}</b> reports: in {month} the cell did not meet.").format(
            cell=esc(cell.name), month=turn.t.month(year, month)
        ),
        _("Reason: {reason}").format(reason=esc(reason)),
    ]
    if upper is not None:  # #15: whom the report goes to, by name
        lines.append(_("The report will go to {upper}.").format(upper=esc(upper)))
    await turn.show(
        "\n".join(lines),
        inline(
            [
                [(_("💾 Save"), ok), (_(CANCEL), no)],
                [back(_, ZeroBack(state.token, "reason").pack())],
            ]
        ),
    )


async def go_back(turn: Turn, data: ZeroBack) -> None:
    """⬅️ Back: from the reasons to the months, from the confirmation to the reasons; what
    was entered stays in the flow until it is chosen again."""
    state, cell = await _flow_cell(turn, data.token)
    if (state.step, data.step) == ("reason", "month"):
        await turn.advance(FLOW, "month")
        await ask_month(turn, cell, state.token)
    elif (state.step, data.step) == ("confirm", "reason"):
        await ask_reason(turn, cell, await turn.advance(FLOW, "reason"))
    else:
        raise Stale  # a button of another step: out of date


async def confirm(turn: Turn, data: ZeroAnswer) -> None:
    """Save or cancel; the month in the data ties the button to its screen."""
    _ = turn._
    state, cell = await _flow_cell(turn, data.token)
    year, month = int(state.data.get("year", 0)), int(state.data.get("month", 0))
    if state.step != "confirm" or (data.year, data.month) != (year, month):
        raise Stale
    await turn.finish_flow()
    if data.answer == Answer.NO:
        await turn.show(_("Cancelled. Nothing was saved."))
        return
    with refusals():
        got = await service.report(
            turn.session,
            turn.access,
            cell.id,
            year,
            month,
            str(state.data["reason"]),
            today=turn.today,
        )
    if not isinstance(got, Filed):
        await turn.show(_refusal_text(turn, cell, year, month, got))
    elif got.new:
        turn.after_commit(lambda: show_report(turn, got))
    else:
        await show_report(turn, got)


async def on_text(turn: Turn) -> None:
    """Typed text during the zero report: a month, or a reason."""
    state, cell = await _flow_cell(turn)
    if state.step == "month":
        await month_text(turn, cell)
    elif state.step == "reason":
        await reason_text(turn, cell)
    else:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
