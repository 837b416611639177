"""The per-person attendance sheet (#5): names and absences, for private chats only.

Admins get it for their subtree and secretaries for their own cell, never a group (S2).
Each member's meetings are judged by the status on the meeting day (R1) with the same
rules as the member's screen (bot.domain.member_history.member_year), so the sheet, the member's
record and the R5/R6 warnings agree. Every value goes through bot.render.xlsx, so a name is text,
never a formula (#12).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.domain.meeting_rules import MeetingType, RuleProfile, counts_as_regular
from bot.domain.member_history import MarkedMeeting, Presence, member_year
from bot.domain.roster import StatusEntry, status_on
from bot.domain.summary import Period
from bot.domain.text import upfirst
from bot.render import labels
from bot.render.i18n import Translator
from bot.render.summary_text import period_title
from bot.render.xlsx import put

# One letter per presence at the month's regular meeting(s); the legend explains them.
MARKS = {
    Presence.PRESENT: "✓",
    Presence.EXCUSED: "P",  # vắng có lý do (phép)
    Presence.UNEXCUSED: "K",  # vắng không lý do
    Presence.VOLUNTARY: "+",
    Presence.NOT_COUNTED: "–",
}


def person_workbook(
    *,
    node_name: str,
    period: Period,
    today: date,
    cells: Mapping[int, str],
    members: Sequence[tuple[int, int, str, Sequence[StatusEntry]]],
    meetings: Sequence[tuple[int, int, date, str]],
    marks: Mapping[tuple[int, int], tuple[str, str | None]],
    profile: RuleProfile,
    tr: Translator,
) -> bytes:
    """members: (id, cell id, full name, history) in cell then L4 order; meetings:
    (id, cell id, day, kind) from 1 January of the period's year to its end."""
    _ = tr.gettext
    months = [ym for ym in period.months if date(*ym, 1) <= today]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Members")
    put(ws, 1, 1, node_name).font = Font(bold=True, size=13)
    title = _("Attendance of members, {period}").format(period=period_title(tr, period))
    put(ws, 2, 1, upfirst(title))
    legend = _(
        "✓ present · P absent with reason · K absent without reason · + came while exempted "
        "· – not counted that day. Confidential: do not post in groups."
    )
    put(ws, 3, 1, legend)
    head = [_("No."), _("Cell"), _("Full name"), _("Status")]
    head += [tr.month(*ym) for ym in months]
    head += [
        _("Present"),
        _("Absent with reason"),
        _("Absent without reason"),
        _("Months absent without reason ({year})").format(year=period.year),
        _("Excused in a row ({year})").format(year=period.year),
        _("To consider (R5/R6)"),
    ]
    for col, heading in enumerate(head, 1):
        c = put(ws, 5, col, heading)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center")
    by_cell: dict[int, list[tuple[int, date, str]]] = {}
    for mid, cell_id, day, kind in meetings:
        by_cell.setdefault(cell_id, []).append((mid, day, kind))
    first, last = period.first_day, min(period.last_day, today)
    row = 6
    for n, (member_id, cell_id, name, history) in enumerate(members, 1):
        held = [
            MarkedMeeting(mid, day, MeetingType(kind), *marks.get((mid, member_id), (None, None)))
            for mid, day, kind in by_cell.get(cell_id, [])
        ]
        year = member_year(period.year, history, held, profile)
        in_period = [m for m in (*year.counted, *year.apart) if first <= m.held_on <= last]
        if not in_period and status_on(history, last) is None:
            continue  # joined after the period: nothing to show
        status = status_on(history, last)
        label = tr.gettext(labels.STATUS_SHORT[status]) if status else ""
        values: list[object] = [n, cells.get(cell_id, ""), name, label]
        for ym in months:
            at = [m for m in in_period if (m.held_on.year, m.held_on.month) == ym]
            regular = [m for m in at if counts_as_regular(m.kind)]
            values.append(" ".join(MARKS[m.presence] for m in regular))
        counted = [m for m in in_period if m.counted]
        values += [
            sum(1 for m in counted if m.presence == Presence.PRESENT),
            sum(1 for m in counted if m.presence == Presence.EXCUSED),
            sum(1 for m in counted if m.presence == Presence.UNEXCUSED),
            len(year.unexcused_months),
            year.excused_streak,
            _consider(year.r5, year.r6, tr),
        ]
        for col, value in enumerate(values, 1):
            put(ws, row, col, value)  # #12: a name is text, never a formula
        row += 1
    widths = [5, 28, 26, 14, *[9] * len(months), 9, 11, 11, 14, 12, 22]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "D6"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _consider(r5: str, r6: bool, tr: Translator) -> str:
    out = []
    if r5 == "flag":
        out.append(tr.gettext("R5: consider the case"))
    elif r5 == "warn":
        out.append(tr.gettext("R5: warning"))
    if r6:
        out.append(tr.gettext("R6: excused too often in a row"))
    return "; ".join(out)
