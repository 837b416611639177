"""Reading dates, months and numbers as Vietnamese users type them (L2, L3). Pure functions.

Everything is matched on the folded text (bot.domain.text.fold), so "Tháng", "THÁNG" and
"thang" are the same word. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from bot.domain.text import fold, normalize

# Years outside this range are typing mistakes in this domain (and keep date() happy).
MIN_YEAR = 1900
MAX_YEAR = 2100

_DAY_WORD = r"(?:(?:ngay|mung|mong)\s*)?"  # "ngày 3/2", "mùng 3 tháng 2"
# L2/L3: "3/2", "03/02/2026", "3-2-26", "3.2.2026" – one separator used throughout.
_DMY = re.compile(_DAY_WORD + r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# L2: "ngày 03 tháng 02 năm 2026", "3 tháng 2", "3 tháng 2, 2026".
_WORDS = re.compile(
    _DAY_WORD + r"(\d{1,2})\s*thang\s*(\d{1,2})(?:\s*,?\s*(?:nam\s*)?(\d{4}|\d{2}))?"
)
_RELATIVE = {
    "hom nay": 0,
    "today": 0,
    "hom qua": -1,
    "yesterday": -1,
    "hom kia": -2,
    "ngay mai": 1,
    "tomorrow": 1,
}

# Months: "tháng 1/2024", "T1/2024", "tháng 1 năm 2024", "tháng 1"; "01/2024"; "2024-01".
_MONTH_WORD = re.compile(
    r"(?:thang|t)\s*(\d{1,2})(?:\s*(?:[/.\-,]|nam)\s*(?:nam\s*)?(\d{4}|\d{2}))?"
)
_MONTH_NUM = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")
_MONTH_ISO = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})")


def expand_year(digits: str, *, today: date) -> int:
    """Two-digit years are 20yy unless that is more than a year ahead: then 19yy."""
    year = int(digits)
    if len(digits) > 2:
        return year
    year += 2000
    return year if year <= today.year + 1 else year - 100


def _make_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 31/2, month 13, …
        return None


def parse_date(text: str, *, today: date, require_year: bool = False) -> date | None:
    """L2/L3: a date as typed ("3/2", "03/02/2026", "3-2-26", "ngày 3 tháng 2 năm 2026",
    "hôm nay", "2026-02-03"), day first; None if it is not a real date.

    A missing year is today's year, unless `require_year` (rosters, where a date without
    a year is a mistake). Never raises.
    """
    key = fold(text)
    if key in _RELATIVE:
        if require_year:
            return None
        try:
            return today + timedelta(days=_RELATIVE[key])
        except OverflowError:
            return None
    if m := _ISO.fullmatch(key):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    m = _DMY.fullmatch(key)
    if m is not None:
        day, month, year = m[1], m[3], m[4]
    elif m := _WORDS.fullmatch(key):
        day, month, year = m[1], m[2], m[3]
    else:
        return None
    if year is None and require_year:
        return None
    full_year = today.year if year is None else expand_year(year, today=today)
    return _make_date(full_year, int(month), int(day))


def parse_month(text: str, *, today: date) -> tuple[int, int] | None:
    """A calendar month as (year, month): "01/2024", "1/2024", "tháng 1/2024", "T1/2024",
    "tháng 1 năm 2024", "2024-01"; "tháng 1" alone is in today's year. Never raises.

    A bare "1/24" is refused: it reads as a day and month just as well.
    """
    key = fold(text)
    if m := _MONTH_WORD.fullmatch(key):
        month = int(m[1])
        year = today.year if m[2] is None else expand_year(m[2], today=today)
    elif m := _MONTH_NUM.fullmatch(key):
        month, year = int(m[1]), int(m[2])
    elif m := _MONTH_ISO.fullmatch(key):
        year, month = int(m[1]), int(m[2])
    else:
        return None
    if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
        return None
    return (year, month)


def last_day_of_month(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


_SIGN = re.compile(r"([+\-\u2212]?)(.*?)(%?)")
_GROUPED_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")  # "1 234,5" (thin-space grouping)


def parse_number(text: str) -> Decimal | None:
    """L3: "96,5", "96.5", "1.234,5", "1,234.5", "1.234", "96,5%" → Decimal; else None.

    Vietnamese writes a decimal comma and a thousands dot. When only one kind of
    separator appears: a single comma is decimal; a single dot is decimal too ("96.5",
    phones often only offer a dot) except in the Vietnamese grouping shape "1.234"
    (1-3 digits not starting with 0, a dot, exactly 3 digits), which is 1234. Repeated
    separators are thousands groups. A trailing "%" is allowed and dropped.
    """
    compact = _GROUPED_SPACE.sub("", normalize(text))
    m = _SIGN.fullmatch(compact)
    if m is None:  # pragma: no cover - the pattern matches any string
        return None
    sign = "-" if m[1] in ("-", "\u2212") else ""
    body = m[2]
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", body):
        return None
    if "." in body and "," in body:
        decimal_sep = "." if body.rfind(".") > body.rfind(",") else ","
        group_sep = "," if decimal_sep == "." else "."
    elif body.count(",") == 1:
        decimal_sep, group_sep = ",", "."
    elif body.count(".") == 1:
        vietnamese_grouping = re.fullmatch(r"[1-9][0-9]{0,2}\.[0-9]{3}", body)
        decimal_sep, group_sep = (",", ".") if vietnamese_grouping else (".", ",")
    else:  # no separator, or only repeated ones (thousands groups)
        decimal_sep, group_sep = ("," if "." in body else "."), ("." if "." in body else ",")
    g, d = re.escape(group_sep), re.escape(decimal_sep)
    if not re.fullmatch(rf"(?:[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]*)(?:{d}[0-9]+)?", body):
        return None
    plain = body.replace(group_sep, "").replace(decimal_sep, ".")
    try:
        return Decimal(sign + (plain if not plain.startswith(".") else "0" + plain))
    except InvalidOperation:  # pragma: no cover - guarded by the pattern above
        return None


# L2: 24-hour times as typed: "19:30", "19h30", "19h", "19 giờ 30", "7:30 tối".
_TIME = re.compile(
    r"(\d{1,2})\s*(?:[:.h]|g|gio)\s*(?:(\d{2})\s*(?:p|phut)?)?(?::\d{2})?"
    r"(?:\s*(sang|trua|chieu|toi|dem|am|pm))?"
)


def parse_time(text: str) -> time | None:
    """L2: a time of day; "chiều"/"tối"/"pm" move 1-11 o'clock to the afternoon."""
    m = _TIME.fullmatch(fold(text))
    if m is None:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] in ("chieu", "toi", "pm") and 1 <= hour <= 11:
        hour += 12
    if m[3] in ("dem", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# A meeting length as typed: "120", "120 phút", "90p", "90'" (minutes, 1-600).
_LENGTH = re.compile(r"(\d{1,3})\s*(?:phut|ph|p|')?")
MAX_MEETING_MINUTES = 600


def _length(text: str) -> int | None:
    m = _LENGTH.fullmatch(text.strip())
    if m is None or not 1 <= int(m[1]) <= MAX_MEETING_MINUTES:
        return None
    return int(m[1])


def parse_start_and_length(text: str) -> tuple[time | None, int | None] | None:
    """L2: a start time, a length in minutes, or both, as typed on the meeting's time step:
    "19:30", "120", "19h30 120", "120 phút 19:30", "7:30 tối, 150p". A bare number is a
    length (the prompt says so); a time needs ":", "h" or "giờ". None when unreadable."""
    folded = " ".join(fold(text).replace(",", " ").replace(";", " ").split())
    if not folded:
        return None
    if (start := parse_time(folded)) is not None:
        return (start, None)
    if (minutes := _length(folded)) is not None:
        return (None, minutes)
    words = folded.split(" ")
    for cut in range(1, len(words)):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        for time_part, length_part in ((left, right), (right, left)):
            start, minutes = parse_time(time_part), _length(length_part)
            if start is not None and minutes is not None:
                return (start, minutes)
    return None
