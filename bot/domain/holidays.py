"""Vietnam's public holidays and the Tết break (L7), from the `holidays` package.

The package lists the official Tết days (16-20/02/2026); people are off from the weekend
before to the weekend after (14-22/02/2026), so weekend days touching a run of Tết days
count as the break too. Pure functions; the package computes the lunar dates offline.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

# The package's Vietnamese names of the Tết days all contain this.
_TET = "Tết Nguyên Đán"
_TET_EN = "Lunar New Year"


@functools.lru_cache(maxsize=16)
def _year(year: int, language: str) -> dict[date, str]:
    lang = "vi" if language == "vi" else "en_US"
    found = holidays.country_holidays("VN", years=[year], language=lang)
    days: dict[date, str] = dict(found.items())
    tet = sorted(d for d, name in days.items() if _TET in name or _TET_EN in name)
    if tet:
        label = "Tết Nguyên Đán" if lang == "vi" else "Lunar New Year (Tết)"
        # Extend the run to the weekends that touch it (the break as people take it).
        day = tet[0] - timedelta(days=1)
        while day.weekday() >= 5:
            days.setdefault(day, label)
            day -= timedelta(days=1)
        day = tet[-1] + timedelta(days=1)
        while day.weekday() >= 5:
            days.setdefault(day, label)
            day += timedelta(days=1)
    return days


def holiday_name(day: date, language: str = "vi") -> str | None:
    """The holiday or Tết break on `day`, named in the language, or None (L7)."""
    return _year(day.year, language).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a holiday or part of the Tết break."""
    return day.weekday() < 5 and holiday_name(day) is None


def nearest_working_days(day: date, *, not_before: date, count: int = 2) -> list[date]:
    """M7: where a meeting on a holiday could move, nearest first, within the same month and
    not before `not_before` (today): the meeting must still happen in its month."""
    found: list[date] = []
    for distance in range(1, 31):
        for candidate in (day - timedelta(days=distance), day + timedelta(days=distance)):
            if (
                candidate.month == day.month
                and candidate >= not_before
                and is_working_day(candidate)
                and candidate not in found
            ):
                found.append(candidate)
        if len(found) >= count:
            break
    return found[:count]
