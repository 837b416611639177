"""🚫 A standing zero report: shown with its reason, ↩️ withdrawn within the deadline."""

from __future__ import annotations

from bot.render.i18n import N_
from bot.services import zero_reports as service
from bot.services.zero_reports import Filed, TooLate

from ..base import Turn, esc, inline
from ..meeting.common import refusals
from .buttons import Answer, Withdraw, WithdrawAnswer

WITHDRAW = N_("↩️ Withdraw the report")


async def show_report(turn: Turn, filed: Filed) -> None:
    """A standing zero report with its reason and the ↩️ Withdraw button."""
    _ = turn._
    report, already = filed.report, not filed.new
    month = turn.t.month(report.year, report.month)
    if already:
        head = _("<b>{cell}</b> has already reported that it did not meet in {month}.")
    else:
        head = _("Saved: <b>{cell}</b> did not meet in {month}.")
    lines = [
        head.format(cell=esc(filed.cell.name), month=month),
        _("Reason: {reason}").format(reason=esc(report.reason)),
    ]
    if already:
        lines.append(_("To change the reason, withdraw this report and report the month again."))
    await turn.show("\n".join(lines), inline([[(_(WITHDRAW), Withdraw(report.id).pack())]]))


async def withdraw(turn: Turn, data: Withdraw) -> None:
    """↩️ Withdraw: ask first (#15), one tap must not undo a report."""
    _ = turn._
    with refusals():
        filed = await service.open_report(turn.session, turn.access, data.report)
    report = filed.report
    too_late = await service.too_late(turn.session, turn.access, filed, today=turn.today)
    if too_late is not None:
        await _refuse(turn, turn.t.month(report.year, report.month), too_late)
        return
    ok, no = (WithdrawAnswer(a, report.id).pack() for a in Answer)
    await turn.show(
        _("Withdraw the report that <b>{cell}</b> did not meet in {month}?").format(
            cell=esc(filed.cell.name), month=turn.t.month(report.year, report.month)
        ),
        inline([[(_("Yes, withdraw"), ok), (_("✖️ No"), no)]]),
    )


async def withdraw_answer(turn: Turn, data: WithdrawAnswer) -> None:
    """The answer: withdraw (secretaries until the correction deadline, upper admins
    always), or keep the report and show it again."""
    _ = turn._
    with refusals():
        filed = await service.open_report(turn.session, turn.access, data.report)
    if data.answer == Answer.NO:
        await show_report(turn, filed)  # as it stands, with ↩️ again
        return
    report, cell = filed.report, filed.cell
    month = turn.t.month(report.year, report.month)
    too_late = await service.withdraw(turn.session, turn.access, filed, today=turn.today)
    if too_late is not None:  # the deadline passed while the question was on screen
        await _refuse(turn, month, too_late)
        return
    await turn.show(
        _(
            "Withdrawn: the report that <b>{cell}</b> did not meet in {month}. Until a meeting "
            "or a new report is logged, {month} counts as not reported yet."
        ).format(cell=esc(cell.name), month=month)
    )


async def _refuse(turn: Turn, month: str, too_late: TooLate) -> None:
    """Past the correction deadline: who can still withdraw it (the report stays shown)."""
    _ = turn._
    await turn.reply(
        _(
            "The cell could change its report of {month} until {deadline}. Now only "
            "{upper} can withdraw it: please contact them."
        ).format(
            month=month,
            deadline=turn.t.date(too_late.deadline),
            upper=esc(too_late.upper) if too_late.upper else _("the upper committee"),
        )
    )
