"""The pieces a demo province (#6) is made of: people's names (L4), a commune's cells (O3),
the months and the meeting days (M7, moved off Tết and the holidays, L7).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from bot.demo import names as vocab
from bot.demo.rows import YearMonth
from bot.domain.dates import last_day_of_month
from bot.domain.holidays import holiday_name
from bot.domain.model import CellType


class _Pick:
    """Weighted choice by bisection over cumulative weights (random.choices re-sums)."""

    def __init__(self, items: Sequence[tuple[str, int]]) -> None:
        self.names = [n for n, _ in items]
        self.cum = list(accumulate(w for _, w in items))

    def __call__(self, rng: random.Random) -> str:
        return self.names[bisect(self.cum, rng.random() * self.cum[-1])]


_FAMILY, _GIVEN_M, _GIVEN_F = (
    _Pick(vocab.FAMILY),
    _Pick(vocab.GIVEN_MALE),
    _Pick(vocab.GIVEN_FEMALE),
)
_MIDDLE_M, _MIDDLE_F = _Pick(vocab.MIDDLE_MALE), _Pick(vocab.MIDDLE_FEMALE)


def person_name(rng: random.Random) -> str:
    """L4: family + middle + given, with full diacritics."""
    family = _FAMILY(rng)
    if rng.random() < 0.55:
        return f"{family} {_MIDDLE_M(rng)} {_GIVEN_M(rng)}"
    if family == "Tôn Thất":
        family = "Tôn Nữ"
    return f"{family} {_MIDDLE_F(rng)} {_GIVEN_F(rng)}"


def months_ending_last_month(today: date, n: int) -> list[YearMonth]:
    index = today.year * 12 + today.month - 2  # last month, zero-based
    return [(i // 12, i % 12 + 1) for i in range(index - n + 1, index + 1)]


def meeting_date(ym: YearMonth, day: int, shift: int = 0) -> date:
    """M7: the cell's day (−1: the last), moved by `shift` days and off Tết and the
    holidays (L7), always inside the month."""
    last = last_day_of_month(*ym)
    d = min(last.day, day) if day > 0 else last.day
    d = max(1, min(last.day, d + shift))
    target = date(ym[0], ym[1], d)
    for distance in range(0, 31):
        for candidate in (target + timedelta(days=distance), target - timedelta(days=distance)):
            if candidate.month == ym[1] and holiday_name(candidate) is None:
                return candidate
    return target


def utc(day: date, at: time = time(13, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


def cell_templates(rng: random.Random, n: int, ward: bool) -> list[tuple[str, CellType]]:
    """A commune's cells: a few agencies, schools, the military and police, firms; the rest
    residential (O3)."""
    special: list[tuple[str, CellType]] = [
        ("Chi bộ Cơ quan Đảng ủy – HĐND – UBND", CellType.AGENCY),
        ("Chi bộ Quân sự", CellType.ARMED_FORCES),
        ("Chi bộ Công an", CellType.ARMED_FORCES),
        ("Chi bộ Trường Trung học cơ sở", CellType.PUBLIC_SERVICE),
        ("Chi bộ Trường Tiểu học", CellType.PUBLIC_SERVICE),
        ("Chi bộ Trường Mầm non", CellType.PUBLIC_SERVICE),
        ("Chi bộ Trạm Y tế", CellType.PUBLIC_SERVICE),
        ("Chi bộ Khối Mặt trận – Đoàn thể", CellType.AGENCY),
        (f"Chi bộ {rng.choice(vocab.COMPANIES)}", CellType.PRIVATE_ENTERPRISE),
        (f"Chi bộ {rng.choice(vocab.STATE_ENTERPRISES)}", CellType.STATE_ENTERPRISE),
    ]
    if rng.random() < 0.15:
        special.append(("Chi bộ Sinh viên Trường Cao đẳng Kỹ thuật", CellType.STUDENTS))
    rng.shuffle(special)
    chosen = special[: round(n * 0.28)]
    out = list(chosen)
    hamlets = list(vocab.HAMLETS)
    rng.shuffle(hamlets)
    for i in range(n - len(chosen)):
        if ward:
            label = "Khu phố" if i % 3 else "Tổ dân phố"
            out.append((f"Chi bộ {label} {i + 1}", CellType.RESIDENTIAL))
        elif i < len(hamlets):
            out.append((f"Chi bộ Thôn {hamlets[i]}", CellType.RESIDENTIAL))
        else:
            out.append((f"Chi bộ Ấp {i + 1 - len(hamlets)}", CellType.RESIDENTIAL))
    return out
