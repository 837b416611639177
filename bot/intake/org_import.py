"""Reading an organisation tree from a CSV (or XLSX) file, and guessing a node's level
from its name (O1-O3, M7). No database, no Telegram.

The file lists cells with their upper organisation:
"Tổ chức cấp trên", "Tên chi bộ", "Loại hình", "Ngày sinh hoạt hằng tháng", and optionally
"Giờ sinh hoạt", "Loại tổ chức" and a start date, "Ngày thành lập" or "Theo dõi từ" (#14:
stored as the founding date, so reports count the cell from then; without it, from the
month it is created). Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from bot.domain.dates import parse_date, parse_month, parse_time
from bot.domain.model import CellType, OrgKind
from bot.domain.names import org_name_problem
from bot.domain.text import fold
from bot.domain.words import Problem, RowProblem
from bot.intake.sheets import read_sheets
from bot.intake.tabular import (
    FILE_PROBLEM_CODES,
    Cell,
    ImportFileError,
    Row,
    cell_at,
    cell_text,
    first_table,
    header_key,
    is_blank,
    raw_text,
)

__all__ = [
    "PROBLEM_CODES",
    "OrgFileError",
    "OrgImport",
    "OrgRow",
    "Problem",
    "RowProblem",
    "guess_org_kind",
    "parse_cell_type",
    "parse_meeting_day",
    "parse_org_csv",
]

OrgFileError = ImportFileError  # raised for a file that cannot be used at all

MAX_DATA_ROWS = 2000
MAX_NAME_LENGTH = 200  # the width of orgs.name
LAST_DAY = -1  # M7: "cuối tháng", stored as -1

PROBLEM_CODES: dict[str, str] = {
    **FILE_PROBLEM_CODES,
    "empty_name": "The row has no organisation name.",
    "empty_parent": "The row does not say which organisation the cell belongs to.",
    "name_too_long": "The name is longer than {limit} characters.",
    "bad_org_name": "The name “{name}” may hold only letters, digits, spaces and "
    ". , - ( ) / & ' \" and must begin with a letter or a digit.",
    "unknown_cell_type": "Unknown type “{value}”: use dân cư, cơ quan, đơn vị sự nghiệp, "
    "doanh nghiệp nhà nước, doanh nghiệp ngoài nhà nước, học sinh/sinh viên, lực lượng vũ trang.",
    "unknown_org_kind": "Unknown kind of organisation “{value}” (chi bộ, tổ đảng, đảng bộ …).",
    "bad_meeting_day": "Meeting day “{value}” must be 1-28 or “cuối tháng”.",
    "bad_time": "Cannot read the time “{value}”; write it like 19:30.",
    "bad_start_date": "Cannot read the start date “{value}”; write it like 15/07/2026 or "
    "07/2026, not in the future.",
    "duplicate_in_file": "{name} under {parent} is already on row {first_row}.",
}


@dataclass(frozen=True)
class OrgRow:
    """One node to create or update under `parent_name` (matched by fold(), L5)."""

    row: int
    parent_name: str
    name: str
    cell_type: CellType
    meeting_day: int | None  # M7: 1-28, -1 = last day of the month, None = inherit
    meeting_time: time | None
    kind: OrgKind = OrgKind.CELL  # the "Loại tổ chức" column, else guessed from the name
    founded_on: date | None = None  # #14: "Ngày thành lập" / "Theo dõi từ", if given


@dataclass
class OrgImport:
    rows: list[OrgRow] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    header_row: int | None = None  # 1-based


# --- vocabularies (matched on folded text, so "Đảng uỷ" = "Đảng ủy" = "dang uy") -----

# O3: most specific first ("doanh nghiệp ngoài nhà nước" contains "nhà nước").
_CELL_TYPES: list[tuple[str, CellType]] = [
    (r"ngoai\s+nha\s+nuoc|tu\s+nhan|ngoai\s+quoc\s+doanh|dau\s+tu\s+nuoc\s+ngoai|fdi|"
     r"private", CellType.PRIVATE_ENTERPRISE),
    (r"doanh\s+nghiep\s+nha\s+nuoc|quoc\s+doanh|state\s+enterprise", CellType.STATE_ENTERPRISE),
    (r"don\s+vi\s+su\s+nghiep|su\s+nghiep|truong\s+hoc|benh\s+vien|tram\s+y\s+te|"
     r"public\s+service", CellType.PUBLIC_SERVICE),
    (r"hoc\s+sinh|sinh\s+vien|students?", CellType.STUDENTS),
    (r"luc\s+luong\s+vu\s+trang|quan\s+su|cong\s+an|quan\s+doi|bien\s+phong|armed",
     CellType.ARMED_FORCES),
    (r"co\s+quan|hanh\s+chinh|agency", CellType.AGENCY),
    (r"dan\s+cu|thon|khu\s+pho|to\s+dan\s+pho|khoi\s+pho|ap|ban|buon|lang|xom|khom|"
     r"residential", CellType.RESIDENTIAL),
    (r"khac|other", CellType.OTHER),
]  # fmt: skip

# O1/O2: a node's level from the start of its name.
_ORG_KINDS: list[tuple[str, OrgKind]] = [
    (r"tinh\s+uy|thanh\s+uy|dang\s+bo\s+tinh", OrgKind.PROVINCE),
    (r"huyen\s+uy|quan\s+uy|thi\s+uy|dang\s+bo\s+(?:huyen|quan|thi\s+xa)", OrgKind.DISTRICT),
    (r"dang\s+(?:uy|bo)\s+(?:xa|phuong|thi\s+tran|dac\s+khu)", OrgKind.COMMUNE),
    (r"(?:chi|dang)\s+bo\s+co\s+so|dang\s+(?:uy|bo)", OrgKind.GRASSROOTS),
    (r"chi\s+bo", OrgKind.CELL),
    (r"to\s+dang", OrgKind.PARTY_GROUP),
]


def _lookup(patterns: list[tuple[str, CellType]], key: str) -> CellType | None:
    for pattern, value in patterns:
        if re.search(rf"(?<![a-z])(?:{pattern})(?![a-z])", key):
            return value
    return None


def parse_cell_type(text: str) -> CellType | None:
    """O3: the cell type named in `text` ("dân cư", "Cơ quan hành chính", "residential")."""
    key = fold(text).replace("_", " ")
    return _lookup(_CELL_TYPES, key) if key else None


def _org_kind(text: str) -> OrgKind | None:
    key = fold(text).replace("_", " ")
    for kind in OrgKind:
        if key == kind.value.replace("_", " "):
            return kind
    for pattern, kind in _ORG_KINDS:
        if re.match(rf"(?:{pattern})(?![a-z])", key):
            return kind
    return None


def guess_org_kind(name: str) -> OrgKind:
    """O1/O2: the level of a node from its name: "Tỉnh ủy …"/"Thành ủy …" → province,
    "Huyện/Quận/Thị ủy …" → district, "Đảng ủy phường …" → commune, other "Đảng bộ/Đảng
    ủy …" and "Chi bộ cơ sở …" → grassroots, "Chi bộ …" → cell, "Tổ đảng …" → party group.
    A name that says nothing ("Khu phố 5") is taken to be a cell, the common case."""
    return _org_kind(name) or OrgKind.CELL


def parse_meeting_day(value: Cell) -> int | None:
    """M7: 1-28, LAST_DAY for "cuối tháng"; None if empty. Raises ValueError otherwise
    (29-31 do not exist in every month: the secretary must choose "cuối tháng")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = int(value) if float(value).is_integer() else 0
    else:
        key = fold(cell_text(value))
        if not key:
            return None
        if re.fullmatch(r"(?:ngay\s+)?cuoi\s+thang|last(?:\s+day)?|-1", key):
            return LAST_DAY
        m = re.fullmatch(r"(?:ngay|mung|mong)?\s*(\d{1,2})(?:\s+hang\s+thang)?", key)
        if m is None:
            raise ValueError(key)
        day = int(m[1])
    if not 1 <= day <= 28:
        raise ValueError(str(value))
    return day


# --- the file -------------------------------------------------------------------------

_COLUMNS: dict[str, frozenset[str]] = {
    "parent": frozenset(
        {"to chuc cap tren", "cap tren", "truc thuoc", "don vi cap tren", "dang bo", "dang uy"}
    ),
    "name": frozenset({"ten chi bo", "ten to chuc", "ten don vi", "chi bo", "to chuc", "ten"}),
    "cell_type": frozenset({"loai hinh", "loai hinh chi bo", "loai chi bo", "loai hinh to chuc"}),
    "meeting_day": frozenset(
        {"ngay sinh hoat hang thang", "ngay sinh hoat", "ngay sinh hoat dinh ky", "ngay sh"}
    ),
    "meeting_time": frozenset({"gio sinh hoat", "gio sh", "gio hop", "gio"}),
    "kind": frozenset({"loai to chuc", "cap to chuc", "cap"}),
    # #14: when the cell starts to count in reports (bot.domain.facts.tracked_since).
    "founded": frozenset(
        {
            "ngay thanh lap",
            "thanh lap",
            "ngay thanh lap chi bo",
            "theo doi tu",
            "ngay theo doi",
            "bat dau theo doi",
            "ngay bat dau theo doi",
            "ngay bat dau",
            "founded",
            "founded on",
            "date founded",
            "tracked from",
            "tracked since",
            "start date",
        }
    ),
}


def _find_header(rows: list[Row]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        for col, value in enumerate(row):
            key = header_key(value)
            for name, aliases in _COLUMNS.items():
                if key in aliases:
                    columns.setdefault(name, col)
                    break
        if "name" in columns:
            return i, columns
    return None


def parse_start_date(value: Cell, *, today: date) -> date | None:
    """#14: a cell's start date: a day (L2/L3: "15/07/2026", "15-7-26", an Excel date) or
    a month ("07/2026": its first day); None if empty. Raises ValueError for anything
    else, and for a day after `today` (a cell cannot be tracked from the future)."""
    text = cell_text(value)
    if not text:
        return None
    day = parse_date(text, today=today, require_year=True)
    if day is None and (month := parse_month(text, today=today)) is not None:
        day = date(month[0], month[1], 1)
    if day is None or day > today:
        raise ValueError(text)
    return day


def parse_org_csv(data: bytes, *, today: date | None = None) -> OrgImport:
    """The organisation file (CSV with "," or ";", or XLSX). Raises OrgFileError.
    `today` (default: today in UTC, a day off at most) bounds the start dates."""
    today = today or datetime.now(UTC).date()
    _, sheets = read_sheets("", data)
    rows, (header, columns) = first_table(sheets, _find_header)
    body = [(i + 1, row) for i, row in enumerate(rows) if i > header and not is_blank(row)]
    if len(body) > MAX_DATA_ROWS:
        raise OrgFileError("too_many_rows", {"limit": str(MAX_DATA_ROWS)})
    out = OrgImport(header_row=header + 1)
    seen: dict[tuple[str, str], int] = {}
    for number, row in body:
        try:
            org = _read_row(number, row, columns, today)
            key = (fold(org.parent_name), fold(org.name))
            if key in seen:
                params = {"name": org.name, "parent": org.parent_name, "first_row": str(seen[key])}
                raise _Rejected(Problem("duplicate_in_file", params))
        except _Rejected as exc:
            out.rejected.append(RowProblem(number, raw_text(row), exc.problem))
            continue
        seen[key] = number
        out.rows.append(org)
    return out


class _Rejected(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _read_row(number: int, row: Row, columns: dict[str, int], today: date) -> OrgRow:
    def get(name: str) -> Cell:
        return cell_at(row, columns, name)

    name, parent = cell_text(get("name")), cell_text(get("parent"))
    if not name:
        raise _Rejected(Problem("empty_name"))
    if not parent:
        raise _Rejected(Problem("empty_parent"))
    for text in (name, parent):
        if (problem := org_name_problem(text)) is not None:  # #12: the bot's rule, bot.domain.names
            raise _Rejected(problem)
    kind_text = cell_text(get("kind"))
    kind = _org_kind(kind_text) if kind_text else guess_org_kind(name)
    if kind is None:
        raise _Rejected(Problem("unknown_org_kind", {"value": kind_text}))
    type_text = cell_text(get("cell_type"))
    cell_type = parse_cell_type(type_text)
    if cell_type is None:
        raise _Rejected(Problem("unknown_cell_type", {"value": type_text}))
    try:
        day = parse_meeting_day(get("meeting_day"))
    except ValueError:
        raise _Rejected(
            Problem("bad_meeting_day", {"value": cell_text(get("meeting_day"))})
        ) from None
    time_text = cell_text(get("meeting_time"))
    at = parse_time(time_text) if time_text else None
    if time_text and at is None:
        raise _Rejected(Problem("bad_time", {"value": time_text}))
    try:
        founded = parse_start_date(get("founded"), today=today)
    except ValueError:
        raise _Rejected(Problem("bad_start_date", {"value": cell_text(get("founded"))})) from None
    return OrgRow(number, parent, name, cell_type, day, at, kind, founded)
