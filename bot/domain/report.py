"""One roll-up report (#5) as the renderers read it: the figures of a node's subtree for a
period, and the 12-month trend of the chart. bot/services/report.py gathers it; the text
(bot/render/summary_text.py), the chart (bot/render/charts.py) and the workbook
(bot/render/workbook/) render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from bot.domain.meeting_rules import RuleProfile
from bot.domain.summary import (
    Breakdown,
    CellFacts,
    MonthFigures,
    Period,
    QuarterFigures,
    YearFigures,
    YearMonth,
    mean_of,
)

TREND_MONTHS = 12


@dataclass(frozen=True)
class TrendPoint:
    """One month of the chart: cells due, cells that held the regular meeting, mean rate."""

    ym: YearMonth
    cells: int
    held: int
    mean_rate: Fraction | None


@dataclass(frozen=True)
class Report:
    node_id: int
    node_name: str
    period: Period
    months: list[YearMonth]  # the period's months up to today's (a period may be running)
    today: date
    profile: RuleProfile
    cells: list[CellFacts]  # in name order, with the facts of the trend's months too
    month: MonthFigures | None  # a month's report (K1)
    quarter: QuarterFigures | None  # a quarter's (K2)
    year: YearFigures | None  # a year's (K3)
    by_group: list[Breakdown]  # K4
    by_type: list[Breakdown]
    trend: list[TrendPoint]  # the 12 months to the period's last month (the chart)

    @property
    def complete(self) -> bool:
        """Is the period over (not a running month, quarter or year)?"""
        return self.period.last_day < self.today


def months_back(ym: YearMonth, n: int) -> list[YearMonth]:
    """The n months ending with ym, oldest first."""
    index = ym[0] * 12 + ym[1] - 1
    return [(i // 12, i % 12 + 1) for i in range(index - n + 1, index + 1)]


def trend(
    cells: list[CellFacts], months: list[YearMonth], profile: RuleProfile
) -> list[TrendPoint]:
    """month_figures' cells, held and mean rate for each month, without the rest of the
    month's figures (names, sorting): a province's chart is 12 passes over 10,000 cells."""
    out = []
    for ym in months:
        due = held = rated = 0
        present: dict[int, int] = {}  # eligible → present summed: the rates' mean, exact
        for c in cells:
            if not c.due(ym):
                continue
            due += 1
            m = c.months.get(ym)
            if m is not None and m.regular:  # M1: held
                held += 1
                if m.eligible:
                    rated += 1
                    present[m.eligible] = present.get(m.eligible, 0) + m.present
        out.append(TrendPoint(ym, due, held, mean_of(present, rated) if rated else None))
    return out
