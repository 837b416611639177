"""📚 The cell's meetings of a year, month by month (M1, M3, M4, M8), with rates (R2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.history import CellYear, MonthStatus, QuarterStatus, YearMeeting
from bot.domain.meetings import Tally
from bot.render.i18n import N_, roman
from bot.services import history

from ..base import Button, Turn, esc, inline
from ..meeting.buttons import OpenMeeting
from ..meeting.common import refusals
from .common import CellYearView, day, kind, year_nav

if TYPE_CHECKING:
    from storage.models import Org

MAX_MEETING_BUTTONS = 40  # the latest ones; Telegram allows ~100 buttons a message

MONTH_ICON = {
    MonthStatus.HELD: "✅",
    MonthStatus.ZERO_REPORT: "🚫",
    MonthStatus.NOT_REPORTED: "⏳",
}
QUARTER_TEXT = {
    QuarterStatus.MISSING: N_("⚠️ Q{quarter} · no thematic meeting"),
    QuarterStatus.OPEN: N_("⏳ Q{quarter} · no thematic meeting yet"),
}


def _rate(turn: Turn, t: Tally) -> str:
    counts = f"{turn.t.number(t.present)}/{turn.t.number(t.eligible)}"
    return counts if t.rate is None else f"{counts} ({turn.t.percent(t.rate)})"


async def cell_year_view(turn: Turn, data: CellYearView) -> None:
    """📚 the cell's meetings of a year."""
    turn.require(turn.is_private)
    with refusals():
        got = await history.of_cell(
            turn.session, turn.access, data.cell, data.year, today=turn.today
        )
    cell, summary = got.cell, got.year
    rows = _meeting_buttons(turn, summary.meetings)
    rows.append(year_nav(turn, got.first_year, summary.year, lambda y: CellYearView(cell.id, y)))
    await turn.show(_year_text(turn, cell, summary), inline(rows))


def _year_text(turn: Turn, cell: Org, y: CellYear) -> str:
    _ = turn._
    lines = [_("<b>Meetings of {year}</b> · {cell}").format(year=y.year, cell=esc(cell.name))]
    for m in y.months:
        if m.status == MonthStatus.FUTURE:
            continue
        head = f"{MONTH_ICON[m.status]} " + _("M{month}").format(month=m.month)
        if m.regular is not None:
            r = m.regular
            line = f"{head} · {day(r.held_on)} · {kind(turn, r.kind)} · {_rate(turn, r.tally)}"
        elif m.status == MonthStatus.ZERO_REPORT:
            line = f"{head} · " + _("did not meet: {reason}").format(reason=esc(m.reason or ""))
        else:
            line = f"{head} · " + _("not reported yet")
        if m.others:
            n = len(m.others)
            line += " · " + turn.n_("+{n} other meeting", "+{n} other meetings", n).format(n=n)
        lines.append(line)
    quarters = [q for q in y.quarters if q.status != QuarterStatus.FUTURE]
    if quarters:
        lines += ["", _("<b>Thematic meetings</b> (at least one a quarter)")]
    for q in quarters:
        if q.thematic:
            days = ", ".join(day(m.held_on) for m in q.thematic)
            lines.append(_("✅ Q{quarter} · {days}").format(quarter=roman(q.quarter), days=days))
        else:
            lines.append(_(QUARTER_TEXT[q.status]).format(quarter=roman(q.quarter)))
    lines += [
        "",
        _(
            "<b>Regular meetings</b>: {held}/{months} months · did not meet {zero} · not reported {missing}"
        ).format(
            held=y.regular_months,
            months=y.months_so_far,
            zero=y.zero_months,
            missing=y.not_reported,
        ),
    ]
    if y.mean_rate is not None:
        lines.append(
            _("Mean attendance at regular meetings: {rate}").format(
                rate=turn.t.percent(y.mean_rate)
            )
        )
    if len(y.meetings) > MAX_MEETING_BUTTONS:
        lines.append(_("The buttons open the latest {n} meetings.").format(n=MAX_MEETING_BUTTONS))
    return "\n".join(lines)


def _meeting_buttons(turn: Turn, meetings: Sequence[YearMeeting]) -> list[list[Button]]:
    """The latest meetings first, two a row; each opens the meeting card."""
    latest = list(reversed(meetings))[:MAX_MEETING_BUTTONS]
    buttons: list[Button] = []
    for m in latest:
        rate = f" {turn.t.percent(m.tally.rate)}" if m.tally.rate is not None else ""
        buttons.append((f"{day(m.held_on)} {kind(turn, m.kind)}{rate}", OpenMeeting(m.id).pack()))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
