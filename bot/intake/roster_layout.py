"""A roster sheet's layout (L5): the header row found by its Vietnamese titles, the rows that
are not members (section headings, column numbers, footers), and the date cells (L2).
Pure; used by bot.intake.roster_import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.dates import parse_date, parse_month
from bot.domain.text import fold
from bot.intake.tabular import Cell, Row, cell_text, header_key

# --- header detection -----------------------------------------------------------------

# Header cells after bot.intake.tabular.header_key (folded, "(…)" removed).
_COLUMNS: dict[str, frozenset[str]] = {
    "stt": frozenset({"stt", "tt", "so tt", "so thu tu"}),
    "name": frozenset(
        {"ho va ten", "ho ten", "ten", "ho va ten dang vien", "ho ten dang vien", "ten dang vien"}
    ),
    # Some templates split the name: "Họ và đệm" | "Tên".
    "family": frozenset({"ho", "ho dem", "ho va dem", "ho va ten dem", "ho va chu dem", "ho lot"}),
    "birth": frozenset({"ngay sinh", "nam sinh", "ngay thang nam sinh", "sinh ngay", "sinh nam"}),
    "admitted": frozenset(
        {"ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay ket nap vao dang"}
    ),
    "official": frozenset(
        {"ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay chuyen chinh thuc"}
    ),
    "status": frozenset(
        {"dang vien", "trang thai", "loai", "loai dang vien", "tinh trang", "doi tuong"}
    ),
    "notes": frozenset({"ghi chu", "chu thich"}),
}
# A second header row under a merged "Ngày vào Đảng" cell, as in the official forms.
_SUBHEADER = {"du bi": "admitted", "chinh thuc": "official"}
HEADER_SEARCH_ROWS = 30


@dataclass
class Layout:
    columns: dict[str, int]  # field → 0-based column
    titles: dict[str, str]  # field → header text as written, for messages
    header_row: int  # 0-based
    data_start: int  # 0-based


def find_layout(rows: list[Row]) -> Layout | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        for col, value in enumerate(row):
            key = header_key(value)
            for name, aliases in _COLUMNS.items():
                if key in aliases and name not in columns:
                    columns[name], titles[name] = col, cell_text(value)
                    break
        if "name" not in columns:
            continue
        if "family" in columns and columns["name"] != columns["family"]:
            titles["name"] = titles["family"] + " + " + titles["name"]
        layout = Layout(columns, titles, i, i + 1)
        below = rows[i + 1] if i + 1 < len(rows) else []
        keys = {col: header_key(v) for col, v in enumerate(below) if cell_text(v)}
        # Only a row made of nothing but "Dự bị"/"Chính thức" is a sub-header; a data
        # row has a name.
        if keys and all(k in _SUBHEADER for k in keys.values()):
            for col, key in keys.items():
                columns.setdefault(_SUBHEADER[key], col)
                titles.setdefault(_SUBHEADER[key], cell_text(below[col]))
            layout.data_start = i + 2
        return layout
    return None


# --- rows that are not members --------------------------------------------------------

FOOTER = re.compile(
    r"(?:tong\s+cong|tong\s+so|cong\s*:|t/m|tm\s|thay\s+mat|bi\s+thu|pho\s+bi\s+thu|"
    r"nguoi\s+lap|xac\s+nhan|ky\s+ten|\(ky|chi\s+uy|luu\s+y|ghi\s+chu\s*:|danh\s+sach\s+(?:co|gom)"
    r"|.*ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
)
SECTION_STT = re.compile(r"[ivxlc]+\.?|[a-e]\.?")
# A heading needs a qualifier, so that a member named "Đặng Viên Minh" is not one.
SECTION_NAME = re.compile(
    r"(?:dang\s+vien|danh\s+sach)(?:\s+dang\s+vien)?\s+(?:chinh\s+thuc|du\s+bi|mien|"
    r"sinh\s+hoat|tam\s+thoi|da|chuyen|khac|co|gom)\b|(?:dang\s+vien|danh\s+sach)\b.*:$"
)
COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def is_number(value: Cell) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return bool(re.fullmatch(r"\d{1,5}\.?", cell_text(value)))


def first_text(row: Row) -> str:
    return next((fold(cell_text(c)) for c in row if cell_text(c)), "")


# --- cells ----------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


def read_date(value: Cell, *, today: date) -> tuple[date | None, bool]:
    """(date or None, readable?) for a date cell: real dates, Excel serials, text."""
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An unformatted Excel date is a day count: 20000 ≈ 1954, 80000 ≈ 2119.
        if 20000 <= value <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value)), True
        return None, False
    text = cell_text(value)
    if not text:
        return None, True
    day = parse_date(text, today=today, require_year=True)
    return day, day is not None


def read_birth(value: Cell, *, today: date) -> tuple[date | int | None, bool]:
    """A birth date, or only its year (an int: "Năm sinh" columns)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return int(value), True
    text = cell_text(value)
    if re.fullmatch(r"\d{4}", text):
        return (int(text), True) if 1900 <= int(text) <= 2100 else (None, False)
    month = parse_month(text, today=today) if re.search(r"\d{4}", text) else None
    if month is not None and parse_date(text, today=today, require_year=True) is None:
        return month[0], True  # "03/1956": the year is all the check needs
    return read_date(value, today=today)
