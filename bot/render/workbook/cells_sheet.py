"""Sheet 2: one row per cell, month by month, then the period's totals."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.domain.report import Report
from bot.domain.summary import REPORT_WITHIN_DAYS, CellFacts, Period, YearMonth, month_state
from bot.domain.text import upfirst
from bot.render.i18n import Translator, roman
from bot.render.summary_text import group_label, period_title

from .grid import (
    HEAD,
    HELD,
    MARK,
    NOT_REPORTED,
    PCT,
    TEXT,
    Row,
    Spec,
    ratio,
    report_months,
    type_label,
    write_cell,
)


def _quarters(report: Report) -> list[tuple[int, int, list[YearMonth]]]:
    """(year, quarter, its months up to the report's last) for the thematic columns (M4):
    a month's report shows its quarter so far."""
    months = report_months(report)
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in months})
    return [
        (y, q, [ym for ym in Period(y, quarter=q).months if ym <= months[-1]]) for y, q in quarters
    ]


def _mark(state: str, tr: Translator) -> str:
    if state == "held":
        return HELD
    if state == "zero":  # M8: "did not meet" is a report, unlike "not reported" (K1)
        # TRANSLATORS: a short mark in the sheet of cells: the cell reported it did not meet.
        return tr.gettext("DNM")
    return NOT_REPORTED if state == "none" else ""  # "-": not founded yet


def _cell_row(
    report: Report,
    c: CellFacts,
    months: list[YearMonth],
    quarters: list[list[YearMonth]],
    tr: Translator,
) -> Row:
    due = [ym for ym in months if c.due(ym)]
    states = {ym: month_state(c, ym) for ym in months}
    # #14: "07/2026" for a cell tracked from inside the sheet's months.
    since = c.since
    inside = since is not None and date(*months[0], 1) < since <= report.period.last_day
    row: Row = [
        (c.name, TEXT),
        (group_label(report, tr, c.group, c.direct), TEXT),
        (type_label(c.cell_type, tr), TEXT),
        (tr.month(since.year, since.month) if since is not None and inside else "", MARK),
    ]
    for ym in months:
        # R2: the month's rate is that of its regular meetings; none without one.
        rate = c.rate([ym]) if states[ym] == "held" else None
        row += [(_mark(states[ym], tr), MARK), (ratio(rate), PCT)]
    for qm in quarters:
        thematic = HELD if c.totals(qm).thematic else NOT_REPORTED
        row.append((thematic if c.due(qm[-1]) else "", MARK))
    t = c.totals(months)
    return [
        *row,
        (sum(1 for ym in due if states[ym] == "zero"), MARK),
        (sum(1 for ym in due if states[ym] == "held"), MARK),  # months met, as K3 counts them
        (ratio(c.rate(due)), PCT),
        (t.unexcused, MARK),
        (t.short, MARK),  # M5
        (c.lag(months), MARK),  # M6: days from a meeting to its logging, the most
        (c.late(months), MARK),  # meetings logged more than REPORT_WITHIN_DAYS after
    ]


def write_cells(ws: Any, report: Report, tr: Translator) -> None:
    """Straight onto the write-only sheet: its layout first, then the rows in order."""
    _ = tr.gettext
    months = report_months(report)
    # Two header rows: a month's label over its "meeting" and "rate" columns.
    fixed = [_("No."), _("Cell"), _("Grassroots organisation"), _("Cell type"), _("Tracked from")]
    top, sub = list(fixed), [""] * len(fixed)
    for ym in months:
        top += [tr.month(*ym), ""]
        sub += [_("Meeting"), _("Rate")]
    for year, q, _qm in _quarters(report):
        top.append(_("Thematic Q{quarter}/{year}").format(quarter=roman(q), year=year))
    late = tr.ngettext(
        "Meetings logged more than {days} day after",
        "Meetings logged more than {days} days after",
        REPORT_WITHIN_DAYS,
    )
    tail = [
        _("Months reported as not met"),
        _("Months with the regular meeting"),
        _("Attendance rate"),
        _("Unexcused absences"),
        _("Short meetings"),
        _("Days to logging (most)"),
        late.format(days=REPORT_WITHIN_DAYS),
    ]
    top += tail
    sub += [""] * (len(top) - len(sub))
    first = 5
    widths = (
        [6, 30, 30, 18, 10]
        + [9] * (2 * len(months))
        + [12] * (len(top) - len(fixed) - 2 * len(months))
    )
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = f"{get_column_letter(len(fixed) + 1)}{first}"
    last_row = max(first + len(report.cells) - 1, 4)
    ws.auto_filter.ref = f"A4:{get_column_letter(len(top))}{last_row}"
    for col, (upper, lower) in enumerate(zip(top, sub, strict=True), 1):
        letter = get_column_letter(col)
        if not lower:  # one header over both rows
            ws.merged_cells.add(f"{letter}3:{letter}4")
        elif upper:  # a month over its two columns
            ws.merged_cells.add(f"{letter}3:{get_column_letter(col + 1)}3")
    title = f"{report.node_name} — {upfirst(period_title(tr, report.period))}"
    ws.append([write_cell(ws, Spec(title, font=Font(bold=True, size=12)))])
    legend = _(
        "{held} held the regular meeting; {zero} reported it did not meet; {none} not reported"
    )
    ws.append([write_cell(ws, Spec(legend.format(held=HELD, zero=_("DNM"), none=NOT_REPORTED)))])
    for header in (top, sub):
        ws.append([write_cell(ws, Spec(text or None, HEAD)) for text in header])
    quarters = [qm for _y, _q, qm in _quarters(report)]
    for number, cell in enumerate(report.cells, 1):
        row = [(number, MARK), *_cell_row(report, cell, months, quarters, tr)]
        ws.append([write_cell(ws, Spec(value, style)) for value, style in row])
