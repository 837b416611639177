"""The roll-up as an Excel workbook (#5), laid out like the committees' paper reports.

Sheet 1 holds the headline figures of the month (K1), quarter (K2) or year (K3) and the
breakdowns (K4); sheet 2 one row per cell, month by month. Shares are stored as fractions
with a percent format, so Excel shows them in the reader's own locale (L3) and they can
be summed; dates are real date cells shown dd/mm/yyyy (L2). Only cells are named, never a
person (S2). Every value goes through bot.render.xlsx, so a name is text, never a formula (#12).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from bot.domain.meeting_rules import Grade, RuleProfile
from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import (
    Breakdown,
    CellFacts,
    MonthFigures,
    Period,
    QuarterFigures,
    YearFigures,
    YearMonth,
    month_state,
)
from bot.domain.text import upfirst
from bot.render import labels
from bot.render.i18n import Translator
from bot.render.labels import CELL_TYPE
from bot.render.summary_text import period_title
from bot.render.xlsx import text_cell

# M9: the source strings of handlers/meeting_details.py, which bot/ may not import; the
# same msgids share one translation.
PERCENT = "0.0%"
DATE = "dd/mm/yyyy"  # L2
HELD, NOT_REPORTED = "✓", "—"
# Named styles, because setting a border or a format cell by cell hashes style objects
# each time: a province's 10,000 cells × 37 columns took 16 s that way, 6-8 s like this.
TEXT, MARK, PCT, HEAD = "chibo text", "chibo mark", "chibo percent", "chibo header"


def _add_styles(wb: Any) -> None:
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center")
    for style in (
        NamedStyle(TEXT, border=box),
        NamedStyle(MARK, border=box, alignment=center),
        NamedStyle(PCT, border=box, alignment=center, number_format=PERCENT),
        NamedStyle(
            HEAD,
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="E7E6E6"),
            border=box,
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        ),
    ):
        wb.add_named_style(style)


Value = str | int | float | date | None
Row = list[tuple[Value, str]]  # a row's values, each with its named style
# A headline: label, a count or a rate (Fraction), and the count's whole for a share.
Line = tuple[str, int | Fraction | None, int | None]


def report_workbook(report: Report, tr: Translator) -> bytes:
    """The report as .xlsx bytes: a summary sheet and a sheet of cells.

    Written in openpyxl's write-only mode, row by row: a normal sheet keeps every cell as an
    object, about 180 MB for a province's 10,000 cells × 37 columns, more than the whole bot
    may use (#6: memory). The small summary sheet is drawn on a _Grid first."""
    wb = Workbook(write_only=True)
    _add_styles(wb)
    summary = _Grid()
    _summary_sheet(summary, report, tr)
    summary.write(wb.create_sheet(tr.gettext("Summary")))
    _cells_sheet(wb.create_sheet(tr.gettext("Cell by cell")), report, tr)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class _Spec:
    """One cell of a _Grid: its value and how it looks."""

    value: Value
    style: str | None = None
    font: Font | None = None
    number_format: str | None = None


@dataclass
class _Grid:
    """A small sheet drawn cell by cell in any order, then written row by row."""

    cells: dict[int, dict[int, _Spec]] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)

    def cell(self, row: int, column: int, value: Value = None) -> _Spec:
        spec = _Spec(value)
        self.cells.setdefault(row, {})[column] = spec
        return spec

    def write(self, ws: Any) -> None:
        for col, width in self.widths.items():
            ws.column_dimensions[col].width = width
        ws.sheet_view.showGridLines = False
        for r in range(1, max(self.cells, default=0) + 1):
            row = self.cells.get(r, {})
            ws.append(
                [_cell(ws, row[c]) if c in row else None for c in range(1, max(row, default=0) + 1)]
            )


def _cell(ws: Any, spec: _Spec) -> Any:
    cell = text_cell(ws, spec.value, spec.style)  # #12: names are text, never a formula
    if spec.font is not None:
        cell.font = spec.font
    if spec.number_format:
        cell.number_format = spec.number_format
    return cell


def _months(report: Report) -> list[YearMonth]:
    # A period that has not started has no months yet: show its months empty, as build() does.
    return report.months or report.period.months


def _ratio(part: int | Fraction | None, whole: int | None = None) -> float | None:
    """A share or a rate as the float Excel stores under a percent format; only display
    rounds it (R4 compared the exact fractions before this)."""
    if part is None or whole == 0:
        return None
    return float(part) / (whole or 1)


def _put(ws: _Grid, row: int, col: int, value: Value, style: str | None = None) -> _Spec:
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = style
    return cell


def _table(ws: _Grid, row: int, head: Sequence[str], rows: Sequence[Row]) -> int:
    """A bordered table under a bold header; returns the row after it and a blank one."""
    for col, text in enumerate(head, 1):
        _put(ws, row, col, text, HEAD)
    for r, values in enumerate(rows, row + 1):
        for col, (value, style) in enumerate(values, 1):
            _put(ws, r, col, value, style)
    return row + len(rows) + 2


# --- sheet 1: the headline figures ---------------------------------------------------------


def _month_lines(f: MonthFigures, profile: RuleProfile, tr: Translator) -> list[Line]:
    _ = tr.gettext
    below = _("Cells below the attendance threshold ({threshold})")
    return [
        (_("Cells due to meet"), f.cells, None),
        (_("Held the regular meeting"), f.held, f.cells),  # M1
        (_("Reported that they did not meet"), f.zero, f.cells),  # M8
        (_("Not reported yet"), len(f.unreported), f.cells),
        (_("Mean attendance rate"), f.mean_rate, None),  # R2
        (_("Lowest attendance rate"), f.lowest_rate, None),
        # R4: `below` was judged on the exact fractions; the label only shows the threshold.
        (below.format(threshold=tr.percent(profile.attendance_threshold)), len(f.below), f.cells),
        (_("Cells with unexcused absences"), f.with_unexcused, f.cells),
        (_("Unexcused absences"), f.unexcused, None),
        (_("Meetings shorter than the minimum length"), f.short, None),  # M5
    ]


def _quarter_lines(f: QuarterFigures, tr: Translator) -> list[Line]:
    _ = tr.gettext
    # K2: "93,76% chi bộ đã tổ chức sinh hoạt chuyên đề 1 lần/quý".
    lines: list[Line] = [
        (_("Cells"), f.cells, None),
        (_("Held a thematic meeting"), f.thematic, f.cells),
        (_("Held no thematic meeting"), len(f.without), f.cells),
    ]
    for ym, held, due in f.held_months:
        lines.append(
            (_("Held the regular meeting in {month}").format(month=tr.month(*ym)), held, due)
        )
    return lines


def _year_lines(f: YearFigures, profile: RuleProfile, tr: Translator) -> list[Line]:
    _ = tr.gettext
    n = f.months
    # K3: 12, 9-11 and 8 or fewer of 12; a running year is bucketed the same way by months
    # missed (none, 1-3, 4 or more), so the labels count from the months so far.
    lines: list[Line] = [
        (_("Cells"), f.cells, None),
        (_("Regular meeting in all {months} months").format(months=n), f.full, f.cells),
        (
            _("Regular meeting in {low}-{high} of {months} months").format(
                low=max(n - 3, 0), high=n - 1, months=n
            ),
            f.most,
            f.cells,
        ),
    ]
    if n >= 4:
        few = _("Regular meeting in {most} or fewer of {months} months")
        lines.append((few.format(most=n - 4, months=n), f.few, f.cells))
    lines += [
        (_("Mean attendance rate"), f.mean_rate, None),
        (_("Lowest attendance rate"), f.lowest_rate, None),
        (_("Meetings shorter than the minimum length"), f.short, None),  # M5
    ]
    for quarter, held, due in f.thematic_quarters:  # K2 within the year
        lines.append(
            (_("Thematic meeting in quarter {quarter}").format(quarter=quarter), held, due)
        )
    for grade in Grade:  # M9
        label = _("Meetings graded {grade}").format(grade=_(labels.GRADE[grade]))
        lines.append((label, f.grades.get(grade.value, 0), None))
    # R5/R6: counts only; the names go to the secretary in private chats (S2).
    warned = _("Members with unexcused absences in {months} months (warning)")
    flagged = _("Members with unexcused absences in {months} or more months")
    streak = _("Members excused more than {times} times in a row")
    return [
        *lines,
        (warned.format(months=profile.removal_warn_months), f.r5_warned, None),
        (flagged.format(months=profile.removal_flag_months), f.r5_flagged, None),
        (streak.format(times=profile.excused_streak), f.r6_flagged, None),
    ]


def _headline(report: Report, tr: Translator) -> list[Line]:
    if report.month:
        return _month_lines(report.month, report.profile, tr)
    if report.quarter:
        return _quarter_lines(report.quarter, tr)
    if report.year:
        return _year_lines(report.year, report.profile, tr)
    return []


def _type_label(value: str | None, tr: Translator) -> str:
    if value is None:
        return ""
    try:
        return tr.gettext(CELL_TYPE[CellType(value)])
    except ValueError:  # a type this version does not know: show it as stored
        return value


def _breakdown(
    ws: _Grid,
    row: int,
    title: str,
    lines: list[Breakdown],
    label: Callable[[str], str],
    tr: Translator,
) -> int:
    """A K4 table; summary.breakdowns() leaves a split of one group empty, so it is skipped."""
    if not lines:
        return row
    _ = tr.gettext
    head = [title, _("Cells"), _("Met every month"), _("% of cells"), _("Mean attendance rate")]
    rows: list[Row] = [
        [
            (label(b.label), TEXT),
            (b.cells, MARK),
            (b.held, MARK),
            (_ratio(b.held, b.cells), PCT),
            (_ratio(b.mean_rate), PCT),
        ]
        for b in lines
    ]
    return _table(ws, row, head, rows)


def _summary_sheet(ws: _Grid, report: Report, tr: Translator) -> None:
    _ = tr.gettext
    titles = (
        report.node_name,
        _("REPORT ON THE MEETINGS OF PARTY CELLS"),
        upfirst(period_title(tr, report.period)),
    )
    for row, (text, size) in enumerate(zip(titles, (12, 14, 12), strict=True), 1):
        _put(ws, row, 1, text).font = Font(bold=True, size=size)
    days = (
        (_("From"), report.period.first_day),
        (_("To"), report.period.last_day),
        (_("Figures as of"), report.today),
    )
    for row, (label, day) in enumerate(days, 4):
        _put(ws, row, 1, label)
        _put(ws, row, 2, day).number_format = DATE
    lines = _headline(report, tr)
    head = [_("Indicator"), _("Number"), _("% of cells")]
    rows: list[Row] = [
        [
            (label, TEXT),
            (_ratio(v), PCT) if isinstance(v, Fraction) else (v, MARK),  # a rate or a count
            (_ratio(v, whole) if whole is not None else None, PCT),
        ]
        for label, v, whole in lines
    ]
    row = _table(ws, 8, head, rows)
    # K1 names the cells that have not reported; K2 those without a thematic meeting.
    names: list[Value] = []
    if report.month and report.month.unreported:
        head, names = [_("Cells that have not reported yet")], [*report.month.unreported]
    elif report.quarter and report.quarter.without:
        head, names = [_("Cells without a thematic meeting")], [*report.quarter.without]
    if names:
        row = _table(ws, row, head, [[(n, TEXT)] for n in names])
    no_group = _("(directly under the committee)")
    by_group = _("By grassroots organisation")
    row = _breakdown(ws, row, by_group, report.by_group, lambda v: v or no_group, tr)
    # O3's order (residential first), not the alphabet of the stored values.
    order = {t.value: i for i, t in enumerate(CellType)}
    by_type = sorted(report.by_type, key=lambda b: order.get(b.label, len(order)))
    _breakdown(ws, row, _("By cell type"), by_type, lambda v: _type_label(v, tr), tr)
    ws.widths.update(zip("ABCDE", (56, 14, 14, 12, 16), strict=True))


# --- sheet 2: one row per cell -------------------------------------------------------------


def _quarters(report: Report) -> list[tuple[int, int, list[YearMonth]]]:
    """(year, quarter, its months up to the report's last) for the thematic columns (M4):
    a month's report shows its quarter so far."""
    months = _months(report)
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
    c: CellFacts, months: list[YearMonth], quarters: list[list[YearMonth]], tr: Translator
) -> Row:
    due = [ym for ym in months if c.due(ym)]
    states = {ym: month_state(c, ym) for ym in months}
    row: Row = [
        (c.name, TEXT),
        (c.group or "", TEXT),
        (_type_label(c.cell_type, tr), TEXT),
    ]
    for ym in months:
        # R2: the month's rate is that of its regular meetings; none without one.
        rate = c.rate([ym]) if states[ym] == "held" else None
        row += [(_mark(states[ym], tr), MARK), (_ratio(rate), PCT)]
    for qm in quarters:
        thematic = HELD if c.totals(qm).thematic else NOT_REPORTED
        row.append((thematic if c.due(qm[-1]) else "", MARK))
    t = c.totals(months)
    return [
        *row,
        (sum(1 for ym in due if states[ym] == "zero"), MARK),
        (sum(1 for ym in due if states[ym] == "held"), MARK),  # months met, as K3 counts them
        (_ratio(c.rate(due)), PCT),
        (t.unexcused, MARK),
        (t.short, MARK),  # M5
    ]


def _cells_sheet(ws: Any, report: Report, tr: Translator) -> None:
    """Straight onto the write-only sheet: its layout first, then the rows in order."""
    _ = tr.gettext
    months = _months(report)
    # Two header rows: a month's label over its "meeting" and "rate" columns.
    fixed = [_("No."), _("Cell"), _("Grassroots organisation"), _("Cell type")]
    top, sub = list(fixed), [""] * len(fixed)
    for ym in months:
        top += [tr.month(*ym), ""]
        sub += [_("Meeting"), _("Rate")]
    for year, q, _qm in _quarters(report):
        top.append(_("Thematic Q{quarter}/{year}").format(quarter=q, year=year))
    tail = [
        _("Months reported as not met"),
        _("Months with the regular meeting"),
        _("Attendance rate"),
        _("Unexcused absences"),
        _("Short meetings"),
    ]
    top += tail
    sub += [""] * (len(top) - len(sub))
    first = 5
    widths = (
        [6, 30, 30, 18] + [9] * (2 * len(months)) + [12] * (len(top) - len(fixed) - 2 * len(months))
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
    ws.append([_cell(ws, _Spec(title, font=Font(bold=True, size=12)))])
    legend = _(
        "{held} held the regular meeting; {zero} reported it did not meet; {none} not reported"
    )
    ws.append([_cell(ws, _Spec(legend.format(held=HELD, zero=_("DNM"), none=NOT_REPORTED)))])
    for header in (top, sub):
        ws.append([_cell(ws, _Spec(text or None, HEAD)) for text in header])
    quarters = [qm for _y, _q, qm in _quarters(report)]
    for number, cell in enumerate(report.cells, 1):
        row = [(number, MARK), *_cell_row(cell, months, quarters, tr)]
        ws.append([_cell(ws, _Spec(value, style)) for value, style in row])
