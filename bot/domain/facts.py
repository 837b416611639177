"""The facts the roll-ups are computed from (#5): a period, and one cell's figures for each
month as storage/reports.py sums them in SQL from the stored tallies (R1/R2). The
definitions they follow are in bot/domain/summary.py's docstring.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from fractions import Fraction

from bot.domain.dates import MAX_YEAR, MIN_YEAR, last_day_of_month
from bot.domain.text import fold

YearMonth = tuple[int, int]

# M6: a meeting's result reaches the upper committee within 2 days after it (local
# implementations of HD 42); a meeting logged later than this counts as reported late.
REPORT_WITHIN_DAYS = 2


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year (L1: local calendar)."""

    year: int
    month: int | None = None
    quarter: int | None = None

    @property
    def kind(self) -> str:
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def key(self) -> str:
        """ "2026-10", "2026-Q3" or "2026": the CLI's spelling and the delivery key's."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        return str(self.year)

    @property
    def months(self) -> list[YearMonth]:
        if self.month:
            return [(self.year, self.month)]
        if self.quarter:
            first = (self.quarter - 1) * 3 + 1
            return [(self.year, m) for m in range(first, first + 3)]
        return [(self.year, m) for m in range(1, 13)]

    @property
    def first_day(self) -> date:
        y, m = self.months[0]
        return date(y, m, 1)

    @property
    def last_day(self) -> date:
        y, m = self.months[-1]
        return last_day_of_month(y, m)

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-10", "2026-Q3", "2026" (the CLI and the buttons)."""
        text = text.strip().upper()
        period: Period | None = None
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            if 1 <= int(m[2]) <= 12:
                period = cls(int(m[1]), month=int(m[2]))
        elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            period = cls(int(m[1]), quarter=int(m[2]))
        elif re.fullmatch(r"\d{4}", text):
            period = cls(int(text))
        # A year outside bot.domain.dates' range is a typing mistake ("0000" would only fail later,
        # in date(), with a traceback instead of this message).
        if period is None or not MIN_YEAR <= period.year <= MAX_YEAR:
            raise ValueError(f"not a period: {text!r} (use 2026-10, 2026-Q3 or 2026)")
        return period

    @classmethod
    def of_month(cls, ym: YearMonth) -> Period:
        return cls(ym[0], month=ym[1])

    @classmethod
    def quarter_of(cls, ym: YearMonth) -> Period:
        return cls(ym[0], quarter=(ym[1] - 1) // 3 + 1)


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """One cell's month, as storage/reports.py sums it from the stored tallies."""

    regular: int = 0  # saved regular or combined meetings (M1)
    thematic: int = 0  # saved thematic or combined meetings (M4)
    zero: bool = False  # a standing "did not meet" report (M8)
    eligible: int = 0  # R2, summed over the month's regular meetings
    present: int = 0
    unexcused: int = 0  # unexcused absences at regular meetings (R3)
    short: int = 0  # meetings under the minimum length (M5)
    # M6: of the month's saved meetings (any kind), the most days from the meeting to its
    # logging (local dates, L1), and how many were logged more than REPORT_WITHIN_DAYS late.
    lag: int | None = None  # None: no saved meeting in the month
    late: int = 0
    reason: str | None = None  # #15: the "did not meet" report's reason (M8)


@dataclass(frozen=True)
class CellFacts:
    """A cell of the node's subtree and its months (absent months: nothing logged)."""

    id: int
    name: str
    cell_type: str | None  # bot.domain.model.CellType value (O3, K4)
    # K4: the cell's real grassroots level: its nearest grassroots organisation, or, for a
    # cell directly under a committee (a commune's, a province's), that committee, `direct`.
    group_id: int | None
    group: str | None
    # #14: the first day the cell counts (bot.domain.facts.tracked_since: its founding day,
    # else the first of the month it was entered into chibo); None: always.
    since: date | None
    months: Mapping[YearMonth, MonthFacts] = field(default_factory=dict)
    # totals() by months asked: a year's figures, breakdowns and rates ask the same months
    # of 10,000 cells several times. Not an init field, so replace() starts afresh.
    _totals: dict[tuple[YearMonth, ...], MonthFacts] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _missed: dict[tuple[YearMonth, ...], int] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    direct: bool = False  # K4: `group` is the committee the cell sits directly under
    # K4 in a province's report: the commune (or district) committee above the cell.
    area_id: int | None = None
    area: str | None = None
    # The month it is tracked from: tracked by a month's last day is due for that month.
    _from: YearMonth | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.since is not None:
            object.__setattr__(self, "_from", (self.since.year, self.since.month))

    def due(self, ym: YearMonth) -> bool:
        """Was the cell tracked for the month (#14: tracked since by its last day)?"""
        return self._from is None or self._from <= ym

    def lag(self, months: Iterable[YearMonth]) -> int | None:
        """M6: the most days any meeting of these months took to be logged; None: none."""
        found = [
            m.lag for ym in months if (m := self.months.get(ym)) is not None and m.lag is not None
        ]
        return max(found, default=None)

    def late(self, months: Iterable[YearMonth]) -> int:
        """M6: meetings of these months logged more than REPORT_WITHIN_DAYS after they were held."""
        return sum(m.late for ym in months if (m := self.months.get(ym)) is not None)

    def missed(self, months: Iterable[YearMonth]) -> int:
        """M1: the months among these that were due and had no regular meeting."""
        key = tuple(months)
        got = self._missed.get(key)
        if got is None:
            self._sum(key)
            got = self._missed[key]
        return got

    def month(self, ym: YearMonth) -> MonthFacts:
        return self.months.get(ym) or MonthFacts()

    def totals(self, months: Iterable[YearMonth]) -> MonthFacts:
        key = tuple(months)
        got = self._totals.get(key)
        if got is None:
            got = self._sum(key)
        return got

    def _sum(self, months: tuple[YearMonth, ...]) -> MonthFacts:
        """totals() and missed() of these months, in one loop, cached: a province's year
        asks both for 10,000 cells."""
        regular = thematic = eligible = present = unexcused = short = missed = 0
        zero = False
        start = self._from
        for ym in months:
            if start is not None and ym < start:
                continue  # not due
            m = self.months.get(ym)
            if m is None:
                missed += 1
                continue
            if not m.regular:
                missed += 1
            regular += m.regular
            thematic += m.thematic
            zero = zero or m.zero
            eligible += m.eligible
            present += m.present
            unexcused += m.unexcused
            short += m.short
        self._missed[months] = missed
        got = self._totals[months] = MonthFacts(
            regular, thematic, zero, eligible, present, unexcused, short
        )
        return got

    def rate(self, months: Iterable[YearMonth]) -> Fraction | None:
        t = self.totals(months)
        return Fraction(t.present, t.eligible) if t.eligible else None


def month_state(cell: CellFacts, ym: YearMonth) -> str:
    """ "held" | "zero" | "none" (not reported) | "-" (not founded yet)."""
    if not cell.due(ym):
        return "-"
    m = cell.month(ym)
    if m.regular:
        return "held"
    return "zero" if m.zero else "none"


def mean(rates: Sequence[Fraction]) -> Fraction | None:
    """The exact mean. Summed per denominator first: 10,000 rates have a few hundred
    denominators (eligible counts), and each Fraction addition costs a gcd."""
    if not rates:
        return None
    by_denominator: dict[int, int] = {}
    for r in rates:
        by_denominator[r.denominator] = by_denominator.get(r.denominator, 0) + r.numerator
    return mean_of(by_denominator, len(rates))


def mean_of(by_denominator: Mapping[int, int], n: int) -> Fraction:
    """Σ numerator/denominator over the mapping, divided by n: the mean of n rates."""
    total = sum((Fraction(p, e) for e, p in by_denominator.items()), Fraction(0))
    return total / n


@functools.lru_cache(maxsize=1 << 16)  # a province's 10,000 names, sorted for each report
def natural_key(name: str) -> tuple[object, ...]:
    """ "Khu phố 9" before "Khu phố 10", and "Đồn" with the D's, not after "Yên" (L4): the
    folded name (L5), as the digest and the tree order cells."""
    # re.split with a group alternates text and digit runs, so the tuples of two names
    # always compare str with str and int with int (parity, not str.isdigit: "²" passes
    # isdigit but is no \d run, and int() refuses it).
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", fold(name))))


def by_name(cells: Iterable[CellFacts]) -> list[CellFacts]:
    return sorted(cells, key=lambda c: (natural_key(c.name), c.id))


def tracked_since(founded_on: date | None, created_at: datetime, tz: tzinfo) -> date:
    """The first day a cell counts in reports, reminders and digests (#14): its founding day
    when known, else the first day of the month it was entered into chibo (local time, L1).
    No month before it is ever reported as missed or as not reported (M1, M8, K1)."""
    if founded_on is not None:
        return founded_on
    aware = created_at if created_at.tzinfo is not None else created_at.replace(tzinfo=UTC)
    local = aware.astimezone(tz).date()
    return local.replace(day=1)
