"""The upper committee's roll-ups (#5): monthly (K1), quarterly (K2) and yearly (K3) figures
with breakdowns by grassroots organisation and cell type (K4).

Pure functions over per-cell, per-month facts that storage/reports.py sums in SQL from the
stored meeting tallies (R1/R2): no attendance row is looked at here, so a province of
10,000 cells costs one pass over 10,000 × 12 small records. Rates are exact Fractions;
only the texts round them (R4). Nothing here carries a person's name (S2).

Definitions, kept in one place so that the text, the chart and the workbook agree:
- a cell counts in a period's reports from the day it is tracked since (#14,
  bot.domain.facts.tracked_since: its founding day, else the first of the month it was
  entered into chibo); a month is due from the cell when it was tracked by the month's
  last day, and a month before that is never "not reported" (M8, K1);
- "held" (M1): at least one saved regular or combined meeting in the month; "did not meet"
  (M8): a standing zero report and no regular meeting; otherwise "not reported";
- a cell's rate for a month is present / eligible over its regular meetings of the month
  (R2); for a longer period, the sums over its regular meetings of the period. The mean
  rate is the mean of the cells' rates (each cell weighs the same, as the committees'
  reports count cells), the lowest is the lowest cell's;
- below the threshold (R4): a cell whose rate is under the profile's threshold, compared
  exactly; with unexcused absences: a cell with at least one at a regular meeting;
- short (M5): a regular meeting under the minimum length, a combined one under the
  combined minimum;
- K3 buckets count regular meetings held (months with a regular or combined meeting, M1)
  by the cells tracked since the first day of the judged months (existing the whole
  period): all of them, 1-3 months short (9-11 of a
  finished year), 4 or more short (8 or fewer); cells tracked from inside the period are
  counted apart, with how many of them held every month they were due;
- K4 groups a cell under its real grassroots level: its nearest grassroots organisation,
  else the committee it sits directly under ("chi bộ trực thuộc Đảng ủy xã …");
- late (M6): a meeting logged more than REPORT_WITHIN_DAYS after the day it was held
  (saved_at's local date against held_on).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from bot.domain.attendance import meets_threshold
from bot.domain.facts import (
    REPORT_WITHIN_DAYS,
    CellFacts,
    MonthFacts,
    Period,
    YearMonth,
    by_name,
    mean,
    mean_of,
    month_state,
    natural_key,
)
from bot.domain.meeting_rules import Grade, RuleProfile

# The facts are read from here too (storage, renderers, tests): one import for the roll-ups.
__all__ = [
    "REPORT_WITHIN_DAYS",
    "Breakdown",
    "CellFacts",
    "MonthFacts",
    "MonthFigures",
    "Period",
    "QuarterFigures",
    "YearFigures",
    "YearMonth",
    "breakdowns",
    "by_name",
    "mean_of",
    "month_figures",
    "month_state",
    "quarter_figures",
    "tracked_within",
    "year_figures",
]


# --- K1: the month ---------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    cells: int  # cells due for the month
    held: int
    zero: int
    unreported: list[str]  # cell names (K1 names them; cells, never persons: S2)
    mean_rate: Fraction | None
    lowest_rate: Fraction | None
    below: list[str]  # cells under the R4 threshold
    with_unexcused: int  # cells with at least one unexcused absence
    unexcused: int  # unexcused absences in all
    short: int  # meetings under the minimum length (M5)
    # M6: cells with a meeting of the month logged more than REPORT_WITHIN_DAYS after it
    # was held, with the most days it took (cells only, never persons: S2).
    late: list[tuple[str, int]] = field(default_factory=list)
    # #15: (cell, reason) of the "did not meet" reports; the cells with the lowest rate and
    # with unexcused absences, by name (cells only, never a member: S2).
    zero_cells: list[tuple[str, str | None]] = field(default_factory=list)
    lowest: list[str] = field(default_factory=list)
    unexcused_cells: list[str] = field(default_factory=list)


def late_cells(cells: Iterable[CellFacts], months: Sequence[YearMonth]) -> list[tuple[str, int]]:
    """M6: (name, most days to logging) of the cells that logged a meeting of these months
    late, in the order given."""
    return [(c.name, c.lag(months) or 0) for c in cells if c.late(months)]


def tracked_within(cells: Iterable[CellFacts], period: Period) -> list[CellFacts]:
    """#14: the cells tracked from a day inside the period (after its first day, by its
    last): reports say "tracked from 07/2026" for them."""
    return [
        c for c in cells if c.since is not None and period.first_day < c.since <= period.last_day
    ]


def month_figures(cells: Sequence[CellFacts], ym: YearMonth, profile: RuleProfile) -> MonthFigures:
    due = by_name(c for c in cells if c.due(ym))
    states = {c.id: month_state(c, ym) for c in due}
    rated = [(c, c.rate([ym])) for c in due if states[c.id] == "held"]
    rates = [r for _c, r in rated if r is not None]
    lowest = min(rates, default=None)
    return MonthFigures(
        cells=len(due),
        held=sum(s == "held" for s in states.values()),
        zero=sum(s == "zero" for s in states.values()),
        unreported=[c.name for c in due if states[c.id] == "none"],
        mean_rate=mean(rates),
        lowest_rate=lowest,
        below=[c.name for c, r in rated if r is not None and not meets_threshold(r, profile)],
        with_unexcused=sum(1 for c in due if c.month(ym).unexcused),
        unexcused=sum(c.month(ym).unexcused for c in due),
        short=sum(c.month(ym).short for c in due),
        late=late_cells(due, [ym]),
        zero_cells=[(c.name, c.month(ym).reason) for c in due if states[c.id] == "zero"],
        lowest=[c.name for c, r in rated if rates and r == lowest],
        unexcused_cells=[c.name for c in due if c.month(ym).unexcused],
    )


# --- K2: the quarter -------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterFigures:
    cells: int  # cells due for the quarter's last month
    thematic: int  # of them, with a thematic meeting in the quarter (M4)
    without: list[str]  # cells with none
    held_months: list[tuple[YearMonth, int, int]]  # (month, cells held, cells due): M1


def quarter_figures(cells: Sequence[CellFacts], period: Period) -> QuarterFigures:
    months = period.months
    due = by_name(c for c in cells if c.due(months[-1]))
    # By id: `c in a_list` would compare whole CellFacts, cell by cell, for every cell.
    with_thematic = {c.id for c in due if c.totals(months).thematic}
    return QuarterFigures(
        cells=len(due),
        thematic=len(with_thematic),
        without=[c.name for c in due if c.id not in with_thematic],
        held_months=[
            (
                ym,
                sum(1 for c in cells if c.due(ym) and c.month(ym).regular),
                sum(1 for c in cells if c.due(ym)),
            )
            for ym in months
        ],
    )


# --- K3: the year ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    cells: int  # cells tracked for at least one judged month: whole + new
    months: int  # months judged (12 for a finished year; the ended months of a running one)
    # K3 over the `whole` cells, those tracked for every judged month, by the months they
    # held the regular meeting (M1): all `months`; 1-3 fewer (9-11 of 12); 4 or more fewer
    # (8 or fewer of 12).
    whole: int
    full: int
    most: int
    few: int
    new: int  # cells tracked from inside the judged months (#14: founded or entered then)
    new_full: int  # of them, held the regular meeting every month they were due
    mean_rate: Fraction | None
    lowest_rate: Fraction | None
    short: int  # meetings under the minimum length (M5)
    # M9: meetings per grade the upper committee confirmed {grade value: n}, every grade a
    # key (storage.reports.GradeCounts.confirmed); those the cells graded and no committee
    # has confirmed yet are only counted ("chưa xác nhận: n").
    grades: dict[str, int]
    thematic_quarters: list[tuple[int, int, int]]  # (quarter, cells with one, cells due)
    r5_warned: int  # members at R5's warning, counts only (S2)
    r5_flagged: int
    r6_flagged: int
    grades_unconfirmed: int = 0
    late: int = 0  # M6: cells with a meeting logged more than REPORT_WITHIN_DAYS late


def year_figures(
    cells: Sequence[CellFacts],
    months: Sequence[YearMonth],
    grades: Mapping[str, int],
    flags: tuple[int, int, int] = (0, 0, 0),
    grades_unconfirmed: int = 0,
) -> YearFigures:
    """K3 over `months` (a year's, or the ended months of this year so far); `grades` are
    the confirmed ones (M9), `grades_unconfirmed` how many await the committee."""
    full = most = few = new = new_full = late = 0
    rates: list[Fraction] = []
    counted = [c for c in cells if months and c.due(max(months))]  # due rises with the month
    # Tracked the whole period: since its first day (a cell founded on 15/01 did not exist
    # the whole year, though January was due for it).
    start = date(*min(months), 1) if months else None
    n = len(months)
    for c in counted:
        missed = c.missed(months)
        if start is not None and c.since is not None and c.since > start:
            new += 1  # #14: reported apart, not in a bucket it could not fill
            new_full += missed == 0
        elif missed == 0:  # held = n - missed: the due months are all n
            full += 1
        elif missed <= 3:
            most += 1
        else:
            few += 1
        if c.late(months):
            late += 1
        rate = c.rate(months)  # the due months' sums: totals() skips the others
        if rate is not None:
            rates.append(rate)
    thematic = []
    for year, q in sorted({(ym[0], (ym[1] - 1) // 3 + 1) for ym in months}):
        qm = [ym for ym in Period(year, quarter=q).months if ym in months]
        due_q = [c for c in cells if c.due(qm[-1])]
        # M4: a thematic meeting in a due month of the quarter (c.totals(qm).thematic > 0).
        held_q = 0
        for c in due_q:  # plain loops: 10,000 cells × 3 months for a province, 4 times
            for ym in qm:
                m = c.months.get(ym)
                if m is not None and m.thematic and c.due(ym):
                    held_q += 1
                    break
        thematic.append((q, held_q, len(due_q)))
    return YearFigures(
        cells=len(counted),
        months=n,
        whole=len(counted) - new,
        full=full,
        most=most,
        few=few,
        new=new,
        new_full=new_full,
        mean_rate=mean(rates),
        lowest_rate=min(rates, default=None),
        short=sum(c.totals(months).short for c in cells),
        grades={g.value: int(grades.get(g.value, 0)) for g in Grade},
        thematic_quarters=thematic,
        r5_warned=flags[0],
        r5_flagged=flags[1],
        r6_flagged=flags[2],
        grades_unconfirmed=grades_unconfirmed,
        late=late,
    )


# --- K4: breakdowns --------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    # A grassroots organisation's name, or with `direct` the committee whose own cells
    # these are ("chi bộ trực thuộc Đảng ủy xã …"), "" for cells without any; or a cell
    # type value.
    label: str
    cells: int
    held: int  # cells that held every month of the period that was due
    mean_rate: Fraction | None
    direct: bool = False
    area: str = ""  # the commune (or district) committee the line belongs to; "" if none


def breakdowns(
    cells: Sequence[CellFacts], months: Sequence[YearMonth]
) -> tuple[list[Breakdown], list[Breakdown]]:
    """(by grassroots organisation, by cell type); each list is empty when the node has
    only one such group, since a breakdown of one line says nothing."""

    def line(key: _Key, group: list[CellFacts]) -> Breakdown:
        due = [c for c in group if months and c.due(max(months))]  # due rises with the month
        held = [c for c in due if not c.missed(months)]
        rates = [r for c in due if (r := c.rate(months)) is not None]
        return Breakdown(key.label, len(due), len(held), mean(rates), key.direct, key.area)

    def split(keyed: Iterable[tuple[_Key, CellFacts]]) -> list[Breakdown]:
        groups: dict[_Key, list[CellFacts]] = {}
        for key, c in keyed:
            groups.setdefault(key, []).append(c)
        if len(groups) < 2:
            return []
        return [line(key, groups[key]) for key in sorted(groups, key=_Key.order)]

    # By id: two grassroots organisations of one name under a province are two lines, not
    # one with both's cells. Per commune (K4): its grassroots organisations, then its own
    # cells ("chi bộ trực thuộc"), so a province's lines come commune by commune.
    return (
        split(
            (_Key(c.area or "", c.area_id, c.direct, c.group or "", c.group_id), c) for c in cells
        ),
        split((_Key("", None, False, c.cell_type or "other", None), c) for c in cells),
    )


@dataclass(frozen=True)
class _Key:
    area: str
    area_id: int | None
    direct: bool
    label: str
    ident: int | None

    def order(self) -> tuple[object, ...]:
        return (
            natural_key(self.area),
            self.area_id or 0,
            self.direct,
            natural_key(self.label),
            self.ident or 0,
        )
