"""Reading a roster the secretary sends: a CSV/XLSX file or a pasted list (R1, L2-L5).

No database, no Telegram: the result is shown as a preview and written only after the
secretary confirms. Problems are codes with parameters (PROBLEM_CODES) that the bot
translates. S1: birth dates are read only to check the admission date, never returned.
Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import re
from datetime import date

from bot.domain.names import MAX_PERSON_NAME
from bot.domain.text import fold, normalize
from bot.domain.words import Problem, RowProblem
from bot.intake.roster_layout import (
    COLUMN_NUMBER,
    FOOTER,
    SECTION_NAME,
    SECTION_STT,
    Layout,
    find_layout,
    first_text,
    is_number,
    read_birth,
    read_date,
)
from bot.intake.roster_members import (
    Collector,
    ParsedMember,
    ParseResult,
    StatusSpan,
    fmt_date,
    name_problem,
)
from bot.intake.roster_members import HistoryError as _Rejected
from bot.intake.roster_status import StatusEvent, parse_status_text, status_code
from bot.intake.sheets import read_workbook
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
    is_blank,
    raw_text,
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
    "foreign_letters": "The name “{name}” has letters Vietnamese does not have ({letters}).",
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


# --- files ----------------------------------------------------------------------------


def parse_roster_file(file_name: str, data: bytes, *, today: date) -> ParseResult:
    """A roster from a CSV, XLSX or XLS file: title rows, blank rows and footers are
    skipped, each other row becomes a member or a rejected row; text in the legacy TCVN3
    or VNI encodings is turned into Unicode (#15). Raises RosterFileError."""
    book = read_workbook(file_name, data)
    rows, layout = first_table(book.sheets, find_layout)
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
    return out.result(layout.header_row + 1, book.kind, book.encoding)


def _read_row(out: Collector, number: int, row: Row, layout: Layout, in_footer: bool) -> bool:
    """Read one non-blank data row into `out`; returns whether the footer has started."""
    cols, titles = layout.columns, layout.titles

    def get(name: str) -> Cell:
        return cell_at(row, cols, name)

    stt, name = get("stt"), cell_text(get("name"))
    if "family" in cols and cols["family"] != cols["name"]:
        name = normalize(cell_text(get("family")) + " " + name)
    numbered = is_number(stt)
    if all(COLUMN_NUMBER.fullmatch(cell_text(c)) for c in row if cell_text(c)):
        # The "(1) (2) (3)…" row under a form's header, or a template row numbered in
        # advance and never filled in.
        return in_footer
    # Footers ("Tổng cộng", "T/M CHI BỘ", "Hòa Minh, ngày … tháng … năm …", the signer)
    # end the list; a later numbered row still counts (a subtotal in the middle).
    if not numbered and (in_footer or FOOTER.match(first_text(row))):
        return True
    if not numbered and (
        SECTION_STT.fullmatch(fold(cell_text(stt))) or SECTION_NAME.match(fold(name))
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
        born, readable = read_birth(get("birth"), today=today)
        if not readable or (isinstance(born, date) and born > today):
            born = None
            warnings.append(Problem("bad_birth_date", {"value": cell_text(get("birth"))}))
    out.add(number, raw, name, events + notes, admitted=admitted, official=official,
            born=born, warnings=warnings)  # fmt: skip
    return in_footer


def _dated(value: Cell, column: str, *, today: date) -> date | None:
    """An admission or official date, or a rejection (unreadable, impossible, future)."""
    day, readable = read_date(value, today=today)
    if not readable or (day is not None and day < PARTY_FOUNDED):
        raise _Rejected(Problem("bad_date", {"value": cell_text(value), "column": column}))
    if day is not None and day > today:
        raise _Rejected(Problem("future_date", {"value": fmt_date(day), "column": column}))
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
        if not body or (SECTION_NAME.match(fold(body)) and body.endswith(":")):
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
