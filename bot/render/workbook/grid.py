"""The workbook's shared styles and helpers: named styles, the small-sheet grid, a share as a
fraction under a percent format (L3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import YearMonth
from bot.render.i18n import Translator
from bot.render.labels import CELL_TYPE
from bot.render.xlsx import text_cell

PERCENT = "0.0%"
DATE = "dd/mm/yyyy"  # L2
HELD, NOT_REPORTED = "✓", "—"
# Named styles, because setting a border or a format cell by cell hashes style objects
# each time: a province's 10,000 cells × 37 columns took 16 s that way, 6-8 s like this.
TEXT, MARK, PCT, HEAD = "chibo text", "chibo mark", "chibo percent", "chibo header"


def add_styles(wb: Any) -> None:
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


@dataclass
class Spec:
    """One cell of a Grid: its value and how it looks."""

    value: Value
    style: str | None = None
    font: Font | None = None
    number_format: str | None = None


@dataclass
class Grid:
    """A small sheet drawn cell by cell in any order, then written row by row."""

    cells: dict[int, dict[int, Spec]] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)

    def cell(self, row: int, column: int, value: Value = None) -> Spec:
        spec = Spec(value)
        self.cells.setdefault(row, {})[column] = spec
        return spec

    def write(self, ws: Any) -> None:
        for col, width in self.widths.items():
            ws.column_dimensions[col].width = width
        ws.sheet_view.showGridLines = False
        for r in range(1, max(self.cells, default=0) + 1):
            row = self.cells.get(r, {})
            ws.append(
                [
                    write_cell(ws, row[c]) if c in row else None
                    for c in range(1, max(row, default=0) + 1)
                ]
            )


def write_cell(ws: Any, spec: Spec) -> Any:
    cell = text_cell(ws, spec.value, spec.style)  # #12: names are text, never a formula
    if spec.font is not None:
        cell.font = spec.font
    if spec.number_format:
        cell.number_format = spec.number_format
    return cell


def report_months(report: Report) -> list[YearMonth]:
    # A period that has not started has no months yet: show its months empty, as build() does.
    return report.months or report.period.months


def ratio(part: int | Fraction | None, whole: int | None = None) -> float | None:
    """A share or a rate as the float Excel stores under a percent format; only display
    rounds it (R4 compared the exact fractions before this)."""
    if part is None or whole == 0:
        return None
    return float(part) / (whole or 1)


def put(ws: Grid, row: int, col: int, value: Value, style: str | None = None) -> Spec:
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = style
    return cell


def table(ws: Grid, row: int, head: Sequence[str], rows: Sequence[Row]) -> int:
    """A bordered table under a bold header; returns the row after it and a blank one."""
    for col, text in enumerate(head, 1):
        put(ws, row, col, text, HEAD)
    for r, values in enumerate(rows, row + 1):
        for col, (value, style) in enumerate(values, 1):
            put(ws, r, col, value, style)
    return row + len(rows) + 2


def type_label(value: str | None, tr: Translator) -> str:
    if value is None:
        return ""
    try:
        return tr.gettext(CELL_TYPE[CellType(value)])
    except ValueError:  # a type this version does not know: show it as stored
        return value
