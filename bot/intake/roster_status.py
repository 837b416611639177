"""The status words secretaries write in rosters ("Dự bị", "Miễn SH từ 01/2024" …) (R1).

Recognises R1 statuses with optional "từ …" (start) and "đến …" (end) dates in a status
cell, a notes cell or after a name in a pasted list. Matching is on the folded text
(L5), so case and diacritics do not matter. Pure; used by bot.intake.roster_import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.dates import last_day_of_month, parse_date, parse_month
from bot.domain.model import MemberStatus
from bot.domain.text import fold
from bot.domain.words import Problem

S = MemberStatus
_SH = r"(?:sinh\s+hoat|sh)"
_TEMP = _SH + r"\s+(?:dang\s+)?tam\s+thoi"  # "sinh hoạt (đảng) tạm thời"

# R1 vocabulary, most specific first: at one position the first alternative that
# matches wins ("chuyển sinh hoạt tạm thời" is not "chuyển sinh hoạt").
_VOCABULARY: list[tuple[str, MemberStatus | None]] = [
    # Sent temporarily to another cell.
    (r"(?:chuyen|di)\s+" + _TEMP, S.TEMP_ELSEWHERE),
    (_TEMP + r"\s+(?:(?:o|tai)\s+)?(?:noi|chi\s+bo|dang\s+bo|co\s+quan)\s+khac", S.TEMP_ELSEWHERE),
    (r"shtt\s+noi\s+khac", S.TEMP_ELSEWHERE),
    # A guest from another cell ("đảng viên sinh hoạt tạm thời" on this cell's list).
    # None: decided by what follows (see _temporary_kind).
    (_TEMP, None),
    (r"shtt|" + _SH + r"\s+ghep", S.GUEST),
    # Exempted from work and meetings ("miễn công tác và sinh hoạt đảng", "miễn SH").
    (
        r"mien\s+(?:(?:cong\s+tac|ct)\s*(?:va|&|,|-)?\s*)?" + _SH + r"(?:\s+dang)?"
        r"(?:\s*(?:va|&|,|-)?\s*(?:cong\s+tac|ct))?|mien\s+ctsh",
        S.EXEMPTED,
    ),
    (r"dinh\s+chi(?:\s+" + _SH + r"(?:\s+dang)?)?", S.SUSPENDED),
    # "Chuyển chính thức" is official recognition; "chuyển sinh hoạt" is a transfer.
    (
        r"(?:(?:da\s+)?(?:duoc\s+)?(?:chuyen|cong\s+nhan)\s+)?(?:dang\s+vien\s+)?chinh\s+thuc",
        S.OFFICIAL,
    ),
    (
        r"(?:da\s+)?chuyen\s+(?:di|noi\s+khac|dang\s+bo|chi\s+bo|" + _SH + r")"
        r"(?:\s+dang)?(?:\s+chinh\s+thuc)?",
        S.TRANSFERRED,
    ),
    (r"tu\s+tran|da\s+mat|qua\s+doi|hy\s+sinh", S.DECEASED),
    (r"xoa\s+ten", S.STRUCK_OFF),
    (r"khai\s+tru", S.EXPELLED),
    (r"(?:dang\s+vien\s+)?du\s+bi", S.PROBATIONARY),
]
_KEYWORDS = re.compile(
    "|".join(f"(?<![a-z0-9])(?P<k{i}>{p})(?![a-z0-9])" for i, (p, _) in enumerate(_VOCABULARY))
)

# Exact values a status column may also hold: abbreviations and the stored English values.
_CODES: dict[str, MemberStatus] = {
    "ct": S.OFFICIAL,
    "dvct": S.OFFICIAL,
    "db": S.PROBATIONARY,
    "dvdb": S.PROBATIONARY,
    **{s.value.replace("_", " "): s for s in MemberStatus},
}

# A date, month or year after "từ"/"đến" (or alone): "03/02/2026", "01/2024",
# "tháng 1/2024", "T1/2024", "năm 2024", "ngày 3 tháng 2 năm 2026".
_DATEISH = (
    r"(?:(?:ngay|mung)\s*)?\d{1,2}\s+thang\s+\d{1,2}(?:\s*,?\s*(?:nam\s*)?\d{2,4})?"
    r"|(?:(?:thang|t)\s*)\d{1,2}(?:\s*(?:[/.\-]|nam)\s*\d{2,4})?"
    r"|(?:nam\s+)?\d{4}(?:\s*-\s*\d{1,2}(?:\s*-\s*\d{1,2})?)?"
    r"|(?:ngay\s*)?\d{1,2}(?:\s*[/.\-]\s*\d{1,4}){1,2}"
)
_DATE_REF = re.compile(
    r"(?<![a-z0-9])(?:(?P<word>ke\s+tu|tu|den|toi|het)\s+(?:ngay\s+)?)?(?<![0-9/.\-])(?<!so\s)"
    r"(?P<value>" + _DATEISH + r")(?![0-9])"
)


@dataclass(frozen=True)
class StatusEvent:
    """A status found in text; dates are None when not given. `end` is inclusive."""

    status: MemberStatus
    start: date | None
    end: date | None
    phrase: str  # the folded words that were recognised, for messages


def _read_ref(value: str, *, today: date, as_end: bool) -> date | None:
    """A date, or the first/last day of a month or year, from a folded date token."""
    day = parse_date(value, today=today, require_year=True)
    if day is not None:
        return day
    month = parse_month(value, today=today)
    if month is not None:
        return last_day_of_month(*month) if as_end else date(month[0], month[1], 1)
    m = re.fullmatch(r"(?:nam\s+)?(\d{4})", value)
    if m and 1900 <= int(m[1]) <= 2100:
        return date(int(m[1]), 12, 31) if as_end else date(int(m[1]), 1, 1)
    return None


def _dates(clause: str, *, today: date) -> tuple[date | None, date | None, Problem | None]:
    """The start and end given in a clause; a date after "từ"/"đến" that cannot be
    read is an error, an unreadable number without such a word is just text."""
    start = end = None
    for m in _DATE_REF.finditer(clause):
        word, value = m["word"], m["value"]
        as_end = word in ("den", "toi", "het")
        day = _read_ref(value, today=today, as_end=as_end)
        if day is None:
            if word is not None:
                return None, None, Problem("bad_date", {"value": value})
            continue
        if as_end:
            end = end or day
        else:
            start = start or day
    return start, end, None


def _temporary_kind(before: str, after: str) -> MemberStatus:
    """Bare "sinh hoạt tạm thời": a guest here, unless the text names another place.

    R1 distinguishes a member sent elsewhere ("sinh hoạt tạm thời nơi khác") from a guest
    member of this cell ("sinh hoạt tạm thời tại chi bộ"); the common list heading
    "đảng viên sinh hoạt tạm thời" means guests.
    """
    rest = _DATE_REF.sub(" ", after).strip(" ,;:-.")
    place = re.match(r"(?:o|tai)\s+(.*)", rest)
    if place and place[1].strip() not in ("", "chi bo", "chi bo nay", "day"):
        return S.TEMP_ELSEWHERE
    if re.search(r"(?:^|\s)(?:di|chuyen)$", before.strip()):
        return S.TEMP_ELSEWHERE
    return S.GUEST


def parse_status_text(text: str, *, today: date) -> tuple[list[StatusEvent], Problem | None]:
    """All R1 statuses named in `text`, in the order written, with their dates.

    Each status takes the dates written after it, up to the next status word; dates
    written before the first status word ("Từ 01/2024 miễn SH") belong to it. Returns
    the events and a "bad_date" problem if a date after "từ"/"đến" cannot be read.
    """
    key = fold(text)
    matches = list(_KEYWORDS.finditer(key))
    events: list[StatusEvent] = []
    for i, m in enumerate(matches):
        index = int(next(name for name, v in m.groupdict().items() if v is not None)[1:])
        status = _VOCABULARY[index][1]
        clause_end = matches[i + 1].start() if i + 1 < len(matches) else len(key)
        clause = key[m.end() : clause_end]
        if i == 0:
            clause = clause + " ; " + key[: m.start()]
        if status is None:
            status = _temporary_kind(key[: m.start()], key[m.end() : clause_end])
        start, end, problem = _dates(clause, today=today)
        if problem is not None:
            return [], problem
        events.append(StatusEvent(status, start, end, m.group(0)))
    return events, None


def status_code(text: str) -> MemberStatus | None:
    """A status cell holding only an abbreviation or code: "CT", "Đ.V.D.B", "official"."""
    key = fold(text)
    return _CODES.get(key) or _CODES.get(re.sub(r"[^a-z]", "", key))
