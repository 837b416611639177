"""The rows of the spreadsheets secretaries send, as the roster and organisation importers
read them: cells and their text (L5), header-cell matching, the first table of a workbook,
file-level errors with translatable problems, and the limits. No Telegram, no database.

A file is hostile until read (#12): the limits below bound the work it can cause;
bot.intake.sheets reads a CSV or XLSX file into rows within them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import TypeVar

from bot.domain.text import fold, normalize
from bot.domain.words import Problem
from bot.intake.legacy_fonts import convert

# A cell as read: CSV gives strings; XLSX also gives numbers and (date)times.
Cell = str | int | float | date | None
Row = list[Cell]
T = TypeVar("T")

# Hard limits, so that a huge or hostile file cannot hold the bot for long (#12). Measured
# on rosters of 2,000 members x 12 columns: 150 kB as XLSX (1.5 MB unpacked, packed 10:1),
# 310 kB as CSV; Excel templates with borders drawn down to row 10,000 unpack to ~3.5 MB.
MB = 1024 * 1024
MAX_BYTES = 5 * MB  # the file as sent (Telegram uploads are refused above 2 MB before this)
MAX_UNPACKED = 20 * MB  # all parts of an XLSX archive, unpacked
MAX_PARTS = 1_000  # parts of an XLSX archive (Excel writes 10-30)
MAX_RATIO = 100  # a part (or the whole archive) over RATIO_FLOOR unpacking more: a bomb
RATIO_FLOOR = 1 * MB
MAX_SHEETS = 20  # sheets read; later ones are ignored
MAX_SCAN_ROWS = 20_000  # physical rows read per sheet before giving up (blank rows included)
MAX_COLUMNS = 40
MAX_CELL_CHARS = 1_000  # a cell is cut to this before any other work on its text
SNIFF_CHARS = 64 * 1024  # of a CSV, for guessing its separator


class ImportFileError(Exception):
    """The whole file cannot be used; `problem` says why (see FILE_PROBLEM_CODES)."""

    def __init__(self, code: str, params: dict[str, str] | None = None) -> None:
        super().__init__(code, params or {})
        self.problem = Problem(code, params or {})

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def params(self) -> dict[str, str]:
        return self.problem.params


FILE_PROBLEM_CODES: dict[str, str] = {
    "empty_file": "The file (or pasted text) contains nothing to import.",
    "unsupported_file": "Only CSV, XLSX and XLS files can be read ({name}); save the sheet as XLSX.",
    "unreadable_file": "The file is damaged or not what its name says ({name}).",
    "file_too_large": "The file is larger than {limit} MB.",
    "file_too_large_unpacked": "Unpacked, the file holds more than {limit} MB.",
    "file_overpacked": "A part of the file unpacks to more than {ratio} times its size.",
    "cell_too_long": "A CSV cell is longer than {limit} kB (often an unclosed quotation mark).",
    "file_too_slow": "Reading the file took longer than {seconds} seconds.",
    "no_header": "No header row with a name column ('Họ và tên', 'Tên chi bộ' …) was found.",
    "no_data_rows": "The header was found (row {row}) but no data rows follow it.",
    "too_many_rows": "The file has more than {limit} data rows.",
}


class _Clean(str):
    """The text of a cell as read: already cut to MAX_CELL_CHARS and normalised (L5), so
    that cell_text, called many times per cell, need not redo the work."""

    __slots__ = ()


def cell_text(value: Cell) -> str:
    """The display text of a cell, normalised (L5)."""
    if value is None:
        return ""
    if isinstance(value, _Clean):
        return str.__str__(value)  # a plain str: the marker stays inside the rows
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize(str(value))


def raw_text(row: Row) -> str:
    """A row for an error message: its non-empty cells, " | "-separated, shortened."""
    texts: list[str] = []
    length = 0
    for value in row:
        if text := cell_text(value):
            texts.append(text)
            length += len(text) + 3
            if length > 200:
                break  # enough for the message: the rest of a wide row is not read
    text = " | ".join(texts)
    return text if len(text) <= 200 else text[:199] + "…"


class Texts:
    """Cuts (MAX_CELL_CHARS) and normalises each distinct cell text once per file: a
    shared string used by 100,000 cells costs one normalize(), not 100,000."""

    def __init__(self, encoding: str | None = None) -> None:
        self._seen: dict[str, _Clean | None] = {}
        self._encoding = encoding  # #15: a legacy Vietnamese encoding the file was read in

    def __call__(self, value: str) -> _Clean | None:
        if len(value) > MAX_CELL_CHARS:
            value = value[:MAX_CELL_CHARS]
        if value not in self._seen:
            # Before normalize(): TCVN3 writes ư as U+00AD, which normalize() drops.
            text = normalize(convert(value, self._encoding))
            self._seen[value] = _Clean(text) if text else None
        return self._seen[value]


def is_blank(row: Row) -> bool:
    return all(cell_text(c) == "" for c in row)


_PARENTHESIS = re.compile(r"\([^)]*\)")


def header_key(value: Cell) -> str:
    """A header cell reduced for matching: folded, "(…)" notes and stray marks removed.

    "Họ và tên (1)", "HỌ VÀ TÊN:" and "Họ và tên *" all become "ho va ten".
    """
    key = _PARENTHESIS.sub(" ", fold(cell_text(value)))
    key = re.sub(r"[^0-9a-z/ ]+", " ", key)
    return " ".join(key.split())


def first_table(
    sheets: list[list[Row]], find: Callable[[list[Row]], T | None]
) -> tuple[list[Row], T]:
    """The rows of the first sheet in which `find` recognises a header (a workbook may start
    with a cover sheet), and what it found. ImportFileError "empty_file" or "no_header"."""
    if all(is_blank(row) for rows in sheets for row in rows):
        raise ImportFileError("empty_file")
    found = next(((rows, h) for rows in sheets if (h := find(rows)) is not None), None)
    if found is None:
        raise ImportFileError("no_header")
    return found


def cell_at(row: Row, columns: Mapping[str, int], name: str) -> Cell:
    """The row's cell in the column found for `name`; None where there is none."""
    col = columns.get(name)
    return row[col] if col is not None and col < len(row) else None
