"""Reading a roster the secretary sends: a CSV/XLSX file or a pasted list (R1, L2-L5).

No database, no Telegram: the result is shown as a preview and written only after the
secretary confirms. Problems are codes with parameters (PROBLEM_CODES) that the bot
translates. S1: birth dates are read only to check the admission date, never returned.
Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.dates import parse_date, parse_month
from bot.domain.names import MAX_PERSON_NAME
from bot.domain.text import fold, normalize
from bot.domain.words import Problem, RowProblem
from bot.intake.roster_members import (
    Collector,
    ParsedMember,
    ParseResult,
    StatusSpan,
    name_problem,
)
from bot.intake.roster_members import HistoryError as _Rejected
from bot.intake.roster_status import StatusEvent, parse_status_text, status_code
from bot.intake.tabular import (
    FILE_PROBLEM_CODES,
    MAX_CELL_CHARS,
    MAX_SCAN_ROWS,
    Cell,
    ImportFileError,
    Row,
    cell_at,
    cell_text,
    first_table,
    header_key,
    is_blank,
    raw_text,
    read_sheets,
)

__all__ = [
    "PROBLEM_CODES",
    "ParseResult",
    "ParsedMember",
    "Problem",
    "RosterFileError",
    "RowProblem",
    "StatusSpan",
    "parse_pasted",
    "parse_roster_file",
]

# The file-level error of this module; the same class as bot.intake.tabular.ImportFileError.
RosterFileError = ImportFileError

MAX_DATA_ROWS = 2000
PARTY_FOUNDED = date(1930, 2, 3)  # an earlier admission date is a typing mistake

PROBLEM_CODES: dict[str, str] = {
    **FILE_PROBLEM_CODES,
    # Rejections (the row is not imported).
    "empty_name": "The row has data but no name.",
    "name_too_long": "The name is longer than {limit} characters.",
    "bad_name": "The name “{name}” contains digits or symbols.",
    "bad_date": "Cannot read the date “{value}” ({column}); write it like 03/02/2026.",
    "future_date": "The date {value} ({column}) is in the future.",
    "official_before_admission": "Official from {official}, before admission on {admitted}.",
    "status_before_admission": "{status} from {date}, before admission on {admitted}.",
    "end_before_start": "The status ends on {end}, before it starts on {start}.",
    "status_conflict": "Marked probationary but also official ({official}).",
    "unknown_status": "Unknown status “{value}”; use e.g. 'Chính thức' or 'Dự bị'.",
    "duplicate_in_file": "{name} is already on row {first_row} of this list.",
    # Warnings (the row is imported).
    "admitted_under_18": "Admitted on {admitted} at age {age}, under 18 (born {born}).",
    "admitted_before_birth": "Admitted on {admitted}, before the birth year/date {born}.",
    "bad_birth_date": "Cannot read the birth date “{value}”; it was not checked.",
    "probation_overdue": "Probationary since {admitted}: more than 12 months (due {due}).",
    "exempt_no_date": "Exempted without a start date: recorded from {date}.",
    "status_no_date": "{status} (a MemberStatus value) without a date: recorded from {date}.",
    "similar_name_in_file": "{name} on row {row} differs only in diacritics: check both.",
    "note_ignored": "Text after the name was not understood and was ignored: “{text}”.",
}


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
class _Layout:
    columns: dict[str, int]  # field → 0-based column
    titles: dict[str, str]  # field → header text as written, for messages
    header_row: int  # 0-based
    data_start: int  # 0-based


def _find_layout(rows: list[Row]) -> _Layout | None:
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
        layout = _Layout(columns, titles, i, i + 1)
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

_FOOTER = re.compile(
    r"(?:tong\s+cong|tong\s+so|cong\s*:|t/m|tm\s|thay\s+mat|bi\s+thu|pho\s+bi\s+thu|"
    r"nguoi\s+lap|xac\s+nhan|ky\s+ten|\(ky|chi\s+uy|luu\s+y|ghi\s+chu\s*:|danh\s+sach\s+(?:co|gom)"
    r"|.*ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
)
_SECTION_STT = re.compile(r"[ivxlc]+\.?|[a-e]\.?")
# A heading needs a qualifier, so that a member named "Đặng Viên Minh" is not one.
_SECTION_NAME = re.compile(
    r"(?:dang\s+vien|danh\s+sach)(?:\s+dang\s+vien)?\s+(?:chinh\s+thuc|du\s+bi|mien|"
    r"sinh\s+hoat|tam\s+thoi|da|chuyen|khac|co|gom)\b|(?:dang\s+vien|danh\s+sach)\b.*:$"
)
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def _is_number(value: Cell) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return bool(re.fullmatch(r"\d{1,5}\.?", cell_text(value)))


def _first_text(row: Row) -> str:
    return next((fold(cell_text(c)) for c in row if cell_text(c)), "")


# --- cells ----------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


def _read_date(value: Cell, *, today: date) -> tuple[date | None, bool]:
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


def _read_birth(value: Cell, *, today: date) -> tuple[date | int | None, bool]:
    """A birth date, or only its year (an int: "Năm sinh" columns)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return int(value), True
    text = cell_text(value)
    if re.fullmatch(r"\d{4}", text):
        return (int(text), True) if 1900 <= int(text) <= 2100 else (None, False)
    month = parse_month(text, today=today) if re.search(r"\d{4}", text) else None
    if month is not None and parse_date(text, today=today, require_year=True) is None:
        return month[0], True  # "03/1956": the year is all the check needs
    return _read_date(value, today=today)


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")  # L2


# --- files ----------------------------------------------------------------------------


def parse_roster_file(file_name: str, data: bytes, *, today: date) -> ParseResult:
    """A roster from a CSV or XLSX file: title rows, blank rows and footers are skipped,
    each other row becomes a member or a rejected row. Raises RosterFileError."""
    kind, sheets = read_sheets(file_name, data)
    rows, layout = first_table(sheets, _find_layout)
    body = [(i, row) for i, row in enumerate(rows[layout.data_start :], layout.data_start)]
    body = [(i, row) for i, row in body if not is_blank(row)]
    if not body:
        raise RosterFileError("no_data_rows", {"row": str(layout.header_row + 1)})
    if len(body) > MAX_DATA_ROWS:
        raise RosterFileError("too_many_rows", {"limit": str(MAX_DATA_ROWS)})
    out = Collector(today)
    in_footer = False
    for i, row in body:
        in_footer = _read_row(out, i + 1, row, layout, in_footer)
    return out.result(layout.header_row + 1, kind)


def _read_row(out: Collector, number: int, row: Row, layout: _Layout, in_footer: bool) -> bool:
    """Read one non-blank data row into `out`; returns whether the footer has started."""
    cols, titles = layout.columns, layout.titles

    def get(name: str) -> Cell:
        return cell_at(row, cols, name)

    stt, name = get("stt"), cell_text(get("name"))
    if "family" in cols and cols["family"] != cols["name"]:
        name = normalize(cell_text(get("family")) + " " + name)
    numbered = _is_number(stt)
    if all(_COLUMN_NUMBER.fullmatch(cell_text(c)) for c in row if cell_text(c)):
        # The "(1) (2) (3)…" row under a form's header, or a template row numbered in
        # advance and never filled in.
        return in_footer
    # Footers ("Tổng cộng", "T/M CHI BỘ", "Hòa Minh, ngày … tháng … năm …", the signer)
    # end the list; a later numbered row still counts (a subtotal in the middle).
    if not numbered and (in_footer or _FOOTER.match(_first_text(row))):
        return True
    if not numbered and (
        _SECTION_STT.fullmatch(fold(cell_text(stt))) or _SECTION_NAME.match(fold(name))
    ):
        return in_footer  # "I. Đảng viên chính thức", "ĐẢNG VIÊN DỰ BỊ"
    raw = raw_text(row)
    today = out.today
    try:
        admitted = _dated(get("admitted"), titles.get("admitted", ""), today=today)
        official = _dated(get("official"), titles.get("official", ""), today=today)
        events = _status_cell(get("status"), today=today)
        notes, problem = parse_status_text(cell_text(get("notes")), today=today)
        if problem is not None:
            raise _Rejected(Problem("bad_date", {**problem.params, "column": titles["notes"]}))
    except _Rejected as exc:
        if name_problem(name) is not None:  # the name is the first thing to fix
            out.add(number, raw, name, [])
        else:
            out.rejected.append(RowProblem(number, raw, exc.problem))
        return in_footer
    warnings: list[Problem] = []
    born: date | int | None = None
    if get("birth") is not None and cell_text(get("birth")):
        born, readable = _read_birth(get("birth"), today=today)
        if not readable or (isinstance(born, date) and born > today):
            born = None
            warnings.append(Problem("bad_birth_date", {"value": cell_text(get("birth"))}))
    out.add(number, raw, name, events + notes, admitted=admitted, official=official,
            born=born, warnings=warnings)  # fmt: skip
    return in_footer


def _dated(value: Cell, column: str, *, today: date) -> date | None:
    """An admission or official date, or a rejection (unreadable, impossible, future)."""
    day, readable = _read_date(value, today=today)
    if not readable or (day is not None and day < PARTY_FOUNDED):
        raise _Rejected(Problem("bad_date", {"value": cell_text(value), "column": column}))
    if day is not None and day > today:
        raise _Rejected(Problem("future_date", {"value": _fmt(day), "column": column}))
    return day


def _status_cell(value: Cell, *, today: date) -> list[StatusEvent]:
    """The explicit status column: "Chính thức", "Dự bị", "CT", "Miễn SH từ 01/2024"…"""
    text = cell_text(value)
    if not text:
        return []
    code = status_code(text)
    if code is not None:
        return [StatusEvent(code, None, None, fold(text))]
    events, problem = parse_status_text(text, today=today)
    if problem is not None:
        raise _Rejected(problem)
    if not events:
        raise _Rejected(Problem("unknown_status", {"value": text}))
    return events


# --- pasted lists ---------------------------------------------------------------------

_NUMBERING = re.compile(r"^(?:\d{1,4}\s*[.)/:\-]+|[-–—•*+·])\s*")
_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[,;:(\[|]\s*")


def parse_pasted(text: str, *, today: date) -> ParseResult:
    """A list typed or pasted in a message: one member per line, optionally numbered
    ("1.", "1)", "- "), optionally followed by status words after a separator
    ("Trần Thị Hòa - dự bị", "…, miễn SH từ 01/2024", "… (dự bị)")."""
    lines = text.splitlines()
    if len(lines) > MAX_SCAN_ROWS:
        raise RosterFileError("too_many_rows", {"limit": str(MAX_DATA_ROWS)})
    # #12: a line is cut like a cell before any work on its characters.
    lines = [line[:MAX_CELL_CHARS] for line in lines]
    if not any(normalize(line) for line in lines):
        raise RosterFileError("empty_file")
    if sum(1 for line in lines if normalize(line)) > MAX_DATA_ROWS:
        raise RosterFileError("too_many_rows", {"limit": str(MAX_DATA_ROWS)})
    out = Collector(today)
    for number, line in enumerate(lines, 1):
        raw = normalize(line.replace("\t", " - "))  # a tab (pasted from Excel) separates
        body = _NUMBERING.sub("", raw)
        if not body or (_SECTION_NAME.match(fold(body)) and body.endswith(":")):
            continue  # blank, or a heading such as "Danh sách đảng viên:"
        name, rest = _split_line(body)
        warnings: list[Problem] = []
        code = status_code(rest) if rest else None
        if code is not None:
            events = [StatusEvent(code, None, None, fold(rest))]
        else:
            events, problem = parse_status_text(rest, today=today)
            if problem is not None:
                out.rejected.append(
                    RowProblem(number, raw, Problem("bad_date", {**problem.params, "column": ""}))
                )
                continue
            if rest and not events:
                warnings.append(Problem("note_ignored", {"text": rest}))
        out.add(number, raw, name, events, warnings=warnings)
    return out.result(None, "text")


def _split_line(body: str) -> tuple[str, str]:
    """(name, status text): at the first separator, else before trailing status words
    ("Nguyễn Văn An dự bị")."""
    m = _SEPARATOR.search(body)
    if m is not None:
        return body[: m.start()].strip(), body[m.end() :].strip(" -–—()[]|.")
    words = body.split(" ")
    # A name is at most MAX_PERSON_NAME characters, so the status cannot start later: one
    # line of 2,000 one-letter words no longer costs 2,000 parses of the rest (#12).
    for i in range(1, len(words)):
        if len(" ".join(words[:i])) > MAX_PERSON_NAME:
            break
        events, _ = parse_status_text(" ".join(words[i:]), today=date(2000, 1, 1))
        if events and fold(" ".join(words[i:])).startswith(events[0].phrase):
            return " ".join(words[:i]), " ".join(words[i:])
    return body, ""
