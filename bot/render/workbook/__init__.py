"""The roll-up as an Excel workbook (#5), laid out like the committees' paper reports.

Sheet 1 holds the headline figures of the month (K1), quarter (K2) or year (K3) and the
breakdowns (K4); sheet 2 one row per cell, month by month. Shares are stored as fractions
with a percent format, so Excel shows them in the reader's own locale (L3) and they can
be summed; dates are real date cells shown dd/mm/yyyy (L2). Only cells are named, never a
person (S2). Every value goes through bot.render.xlsx, so a name is text, never a formula (#12).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from bot.domain.report import Report
from bot.render.i18n import Translator

from .cells_sheet import write_cells
from .grid import Grid, add_styles
from .summary_sheet import draw_summary


def report_workbook(report: Report, tr: Translator) -> bytes:
    """The report as .xlsx bytes: a summary sheet and a sheet of cells.

    Written in openpyxl's write-only mode, row by row: a normal sheet keeps every cell as an
    object, about 180 MB for a province's 10,000 cells × 37 columns, more than the whole bot
    may use (#6: memory). The small summary sheet is drawn on a Grid first."""
    wb = Workbook(write_only=True)
    add_styles(wb)
    summary = Grid()
    draw_summary(summary, report, tr)
    summary.write(wb.create_sheet(tr.gettext("Summary")))
    write_cells(wb.create_sheet(tr.gettext("Cell by cell")), report, tr)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
