"""The upper committee's roll-ups (#5): monthly (K1), quarterly (K2) and yearly (K3) figures
with breakdowns by grassroots organisation and cell type (K4).

Pure functions over per-cell, per-month facts that storage/reports.py sums in SQL from the
stored meeting tallies (R1/R2): no attendance row is looked at here, so a province of
10,000 cells costs one pass over 10,000 × 12 small records. Rates are exact Fractions;
only the texts round them (R4). Nothing here carries a person's name (S2).

Definitions, kept in one place so that the text, the chart and the workbook agree:
- a cell counts in a period's reports from its founding day on; a month is due from
  the cell when it had been founded by the month's last day;
- "held" (M1): at least one saved regular or combined meeting in the month; "did not meet"
  (M8): a standing zero report and no regular meeting; otherwise "not reported";
- a cell's rate for a month is present / eligible over its regular meetings of the month
  (R2); for a longer period, the sums over its regular meetings of the period. The mean
  rate is the mean of the cells' rates (each cell weighs the same, as the committees'
  reports count cells), the lowest is the lowest cell's;
- below the threshold (R4): a cell whose rate is under the profile's threshold, compared
  exactly; with unexcused absences: a cell with at least one at a regular meeting;
- short (M5): a regular meeting under the minimum length, a combined one under the
  combined minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bot.domain.attendance import meets_threshold
from bot.domain.facts import (
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


def month_figures(cells: Sequence[CellFacts], ym: YearMonth, profile: RuleProfile) -> MonthFigures:
    due = by_name(c for c in cells if c.due(ym))
    states = {c.id: month_state(c, ym) for c in due}
    rated = [(c, c.rate([ym])) for c in due if states[c.id] == "held"]
    rates = [r for _c, r in rated if r is not None]
    return MonthFigures(
        cells=len(due),
        held=sum(s == "held" for s in states.values()),
        zero=sum(s == "zero" for s in states.values()),
        unreported=[c.name for c in due if states[c.id] == "none"],
        mean_rate=mean(rates),
        lowest_rate=min(rates, default=None),
        below=[c.name for c, r in rated if r is not None and not meets_threshold(r, profile)],
        with_unexcused=sum(1 for c in due if c.month(ym).unexcused),
        unexcused=sum(c.month(ym).unexcused for c in due),
        short=sum(c.month(ym).short for c in due),
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
    cells: int  # cells due for at least one month of the period
    months: int  # months in the period (12 for a whole year)
    full: int  # cells that held the regular meeting every month due (12/12)
    most: int  # missed 1-3 months (9-11 of 12)
    few: int  # missed 4 or more (8 or fewer of 12)
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


def year_figures(
    cells: Sequence[CellFacts],
    months: Sequence[YearMonth],
    grades: Mapping[str, int],
    flags: tuple[int, int, int] = (0, 0, 0),
    grades_unconfirmed: int = 0,
) -> YearFigures:
    """K3 over `months` (a year's, or the months of this year so far); `grades` are the
    confirmed ones (M9), `grades_unconfirmed` how many await the committee."""
    full = most = few = 0
    rates: list[Fraction] = []
    counted = [c for c in cells if months and c.due(max(months))]  # due rises with the month
    for c in counted:
        missed = c.missed(months)
        if missed == 0:
            full += 1
        elif missed <= 3:
            most += 1
        else:
            few += 1
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
        months=len(months),
        full=full,
        most=most,
        few=few,
        mean_rate=mean(rates),
        lowest_rate=min(rates, default=None),
        short=sum(c.totals(months).short for c in cells),
        grades={g.value: int(grades.get(g.value, 0)) for g in Grade},
        thematic_quarters=thematic,
        r5_warned=flags[0],
        r5_flagged=flags[1],
        r6_flagged=flags[2],
        grades_unconfirmed=grades_unconfirmed,
    )


# --- K4: breakdowns --------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    # A grassroots organisation's name ("" for the cells directly under the node), or a
    # cell type value.
    label: str
    cells: int
    held: int  # cells that held every month of the period that was due
    mean_rate: Fraction | None


def breakdowns(
    cells: Sequence[CellFacts], months: Sequence[YearMonth]
) -> tuple[list[Breakdown], list[Breakdown]]:
    """(by grassroots organisation, by cell type); each list is empty when the node has
    only one such group, since a breakdown of one line says nothing."""

    def line(label: str, group: list[CellFacts]) -> Breakdown:
        due = [c for c in group if months and c.due(max(months))]  # due rises with the month
        held = [c for c in due if not c.missed(months)]
        rates = [r for c in due if (r := c.rate(months)) is not None]
        return Breakdown(label, len(due), len(held), mean(rates))

    def split(keyed: Iterable[tuple[tuple[str, int | None], CellFacts]]) -> list[Breakdown]:
        groups: dict[tuple[str, int | None], list[CellFacts]] = {}
        for key, c in keyed:
            groups.setdefault(key, []).append(c)
        if len(groups) < 2:
            return []
        order = sorted(groups, key=lambda k: (natural_key(k[0]), k[1] or 0))
        return [line(label, groups[(label, ident)]) for label, ident in order]

    # Grassroots organisations by id: two of one name under a province are two lines, not
    # one with both's cells. Cells directly under the node have no group (label "").
    return (
        split(((c.group or "", c.group_id), c) for c in cells),
        split(((c.cell_type or "other", None), c) for c in cells),
    )
