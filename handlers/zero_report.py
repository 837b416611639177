"""🚫 The zero report (M8): "this month the cell did not meet", with a reason.

zr:m:<cell>                       which month (buttons, or typed: "10/2026", "T10")
zr:mo:<token>:<year>:<month>      a month button
zr:r:<token>:<i>                  a quick reason (or typed text, at most 200 characters)
zr:ok|no:<token>:<year>:<month>   save / cancel on the confirmation
zr:x:<report>                     withdraw a standing report (secretaries until the deadline)
The cell, month and reason live in the flow state, so a restart loses nothing; the flow
token and the month in the buttons make those of an older run stale. States: zero_report.mmd.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import ClassVar

from telegram import InlineKeyboardMarkup

from bot.domain.dates import MAX_YEAR, MIN_YEAR, last_day_of_month, parse_month
from bot.domain.meeting_rules import can_correct, correction_deadline, month_of
from bot.domain.text import normalize
from bot.render.callbacks import Callback
from bot.render.i18n import N_
from storage import meetings, orgs, zero_reports
from storage.models import FlowState, Org, ZeroReport

from .base import Stale, Turn, esc, inline
from .meeting.common import log_cell

FLOW = "zero"
MAX_REASON = 200  # the reason column's length

QUICK_REASONS = (
    N_("Tết holiday"),
    N_("Storm or flood"),
    N_("Epidemic"),
    N_("Most members are away"),
)


@dataclasses.dataclass(frozen=True)
class ZeroStart(Callback):
    """🚫 Did not meet (on the type question of handlers/meeting/start.py)."""

    prefix: ClassVar[str] = "zr:m"
    cell: int


@dataclasses.dataclass(frozen=True)
class PickMonth(Callback):
    prefix: ClassVar[str] = "zr:mo"
    token: str
    year: int
    month: int


@dataclasses.dataclass(frozen=True)
class PickReason(Callback):
    prefix: ClassVar[str] = "zr:r"
    token: str
    index: int


class Answer(StrEnum):
    OK = "ok"
    NO = "no"


@dataclasses.dataclass(frozen=True)
class ZeroAnswer(Callback):
    """💾 Save / ✖️ Cancel: zr:ok|no:<token>:<year>:<month>."""

    prefix: ClassVar[str] = "zr"
    answer: Answer
    token: str
    year: int
    month: int

    @classmethod
    def pattern(cls) -> str:
        return "^zr:(ok|no)(:|$)"


@dataclasses.dataclass(frozen=True)
class Withdraw(Callback):
    prefix: ClassVar[str] = "zr:x"
    report: int


async def start(turn: Turn, data: ZeroStart) -> None:
    """🚫 Did not meet: which month?"""
    cell = await log_cell(turn, data.cell)
    state = await turn.start_flow(FLOW, "month", cell_id=cell.id)
    await turn.show(
        turn._(
            "<b>{cell}</b>: in which month did the cell not meet? Press a button or type the "
            "month (e.g. 10/2026 or T10)."
        ).format(cell=esc(cell.name)),
        _month_buttons(turn, state.token),
    )


def _month_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    this = month_of(turn.today)
    last = (this[0] - 1, 12) if this[1] == 1 else (this[0], this[1] - 1)
    return inline(
        [
            [
                (
                    turn._("This month ({month})").format(month=turn.t.month(*this)),
                    PickMonth(token, *this).pack(),
                ),
                (
                    turn._("Last month ({month})").format(month=turn.t.month(*last)),
                    PickMonth(token, *last).pack(),
                ),
            ]
        ]
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
            _month_buttons(turn, token),  # the newest message always has the buttons
        )
        return
    await take_month(turn, cell, *found)


async def _refusal(turn: Turn, cell: Org, year: int, month: int) -> str | None:
    """Why this month cannot be reported as "did not meet", or None."""
    _ = turn._
    name = turn.t.month(year, month)
    if (year, month) > month_of(turn.today):
        return _("{month} has not come yet. Please report a month that has begun.").format(
            month=name
        )
    if cell.founded_on is not None and (year, month) < month_of(cell.founded_on):
        return _("{month} is before the cell existed ({founded}).").format(
            month=name, founded=turn.t.date(cell.founded_on)
        )
    # M1/M8: a month with its regular meeting was met; it cannot also be a zero month.
    meeting = await meetings.regular_in_month(turn.session, cell.id, year, month)
    if meeting is not None and meeting.held_on is not None:
        return _(
            "The regular meeting of {month} was logged on {date}, so the cell did meet that "
            "month. Please choose another month, or /cancel."
        ).format(month=name, date=turn.t.date(meeting.held_on))
    return None


async def take_month(turn: Turn, cell: Org, year: int, month: int) -> None:
    refusal = await _refusal(turn, cell, year, month)
    if refusal is not None:  # the flow waits for another month, typed or pressed
        token = (await turn.flow_for(FLOW)).token
        await turn.reply(refusal, _month_buttons(turn, token))
        return
    standing = await zero_reports.active(turn.session, cell.id, year, month)
    if standing is not None:
        await show_report(turn, cell, standing, already=True)
        return
    state = await turn.advance(FLOW, "reason", year=year, month=month)
    await turn.show(
        turn._(
            "<b>{cell}</b>, {month}: why did the cell not meet? Press a reason or type it "
            "(at most {limit} characters)."
        ).format(cell=esc(cell.name), month=turn.t.month(year, month), limit=MAX_REASON),
        _reason_buttons(turn, state.token),
    )


def _reason_buttons(turn: Turn, token: str) -> InlineKeyboardMarkup:
    reasons = [(turn._(r), PickReason(token, i).pack()) for i, r in enumerate(QUICK_REASONS)]
    return inline([reasons[:2], reasons[2:]])


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
            _reason_buttons(turn, (await turn.flow_for(FLOW)).token),
        )
        return
    await take_reason(turn, cell, reason)


async def take_reason(turn: Turn, cell: Org, reason: str) -> None:
    _ = turn._
    state = await turn.advance(FLOW, "confirm", reason=reason)
    year, month = int(state.data["year"]), int(state.data["month"])
    ok, no = (ZeroAnswer(a, state.token, year, month).pack() for a in Answer)
    await turn.show(
        "\n".join(
            [
                _("<b>Please check before saving</b>"),
                _("<b>{cell}</b> reports: in {month} the cell did not meet.").format(
                    cell=esc(cell.name), month=turn.t.month(year, month)
                ),
                _("Reason: {reason}").format(reason=esc(reason)),
            ]
        ),
        inline([[(_("💾 Save"), ok), (_("✖️ Cancel"), no)]]),
    )


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
    # A meeting or another report may have been saved since the month was chosen.
    refusal = await _refusal(turn, cell, year, month)
    if refusal is not None:
        await turn.show(refusal)
        return
    standing = await zero_reports.active(turn.session, cell.id, year, month)
    if standing is not None:
        await show_report(turn, cell, standing, already=True)
        return
    report = await zero_reports.create(
        turn.session,
        cell_id=cell.id,
        year=year,
        month=month,
        reason=str(state.data["reason"]),
        actor_id=turn.user_id,
    )
    turn.after_commit(lambda: show_report(turn, cell, report, already=False))


async def show_report(turn: Turn, cell: Org, report: ZeroReport, *, already: bool) -> None:
    """A standing zero report with its reason and the ↩️ Withdraw button."""
    _ = turn._
    month = turn.t.month(report.year, report.month)
    if already:
        head = _("<b>{cell}</b> has already reported that it did not meet in {month}.")
    else:
        head = _("Saved: <b>{cell}</b> did not meet in {month}.")
    lines = [
        head.format(cell=esc(cell.name), month=month),
        _("Reason: {reason}").format(reason=esc(report.reason)),
    ]
    if already:
        lines.append(_("To change the reason, withdraw this report and report the month again."))
    await turn.show("\n".join(lines), inline([[(_("↩️ Withdraw"), Withdraw(report.id).pack())]]))


async def withdraw(turn: Turn, data: Withdraw) -> None:
    """↩️ Withdraw: secretaries until the correction deadline, upper admins always."""
    _ = turn._
    report = await zero_reports.get(turn.session, data.report)
    if report is None:
        raise Stale  # withdrawn already (or never existed)
    cell = await log_cell(turn, report.cell_id)
    profile = await orgs.rule_profile(turn.session, cell)
    # The report stands for its whole month: its last day is the "meeting day".
    day = last_day_of_month(report.year, report.month)
    month = turn.t.month(report.year, report.month)
    if not can_correct(
        day, turn.today, is_admin=turn.access.is_admin_of(cell.path), profile=profile
    ):
        parent = await orgs.get(turn.session, cell.parent_id) if cell.parent_id else None
        await turn.reply(
            _(
                "The cell could change its report of {month} until {deadline}. Now only "
                "{upper} can withdraw it: please contact them."
            ).format(
                month=month,
                deadline=turn.t.date(correction_deadline(day, profile)),
                upper=esc(parent.name) if parent else _("the upper committee"),
            )
        )
        return
    await zero_reports.withdraw(turn.session, report, actor_id=turn.user_id)
    await turn.show(
        _(
            "Withdrawn: the report that <b>{cell}</b> did not meet in {month}. Until a meeting "
            "or a new report is logged, {month} counts as not reported yet."
        ).format(cell=esc(cell.name), month=month)
    )


async def on_text(turn: Turn) -> None:
    """Typed text during the zero report: a month, or a reason."""
    state, cell = await _flow_cell(turn)
    if state.step == "month":
        await month_text(turn, cell)
    elif state.step == "reason":
        await reason_text(turn, cell)
    else:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
