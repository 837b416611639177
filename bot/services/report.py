"""One roll-up report (#5): the figures of a node's subtree for a period, gathered once and
rendered as text (bot/render/summary_text.py), a chart (bot/render/charts.py) or a workbook
(bot/render/workbook.py) by the group summaries, /baocao and `chibo report` alike.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import RuleProfile
from bot.domain.summary import (
    Breakdown,
    CellFacts,
    MonthFigures,
    Period,
    QuarterFigures,
    YearFigures,
    YearMonth,
    breakdowns,
    by_name,
    mean_of,
    month_figures,
    quarter_figures,
    year_figures,
)
from storage import orgs, reports
from storage.models import Org

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


async def build(session: AsyncSession, node: Org, period: Period, today: date) -> Report:
    """The figures of `node`'s subtree for `period`, as of `today` (local date, L1)."""
    profile = await orgs.rule_profile(session, node)
    now: YearMonth = (today.year, today.month)
    months = [ym for ym in period.months if ym <= now]
    last = months[-1] if months else period.months[-1]
    trend_months = [ym for ym in months_back(last, TREND_MONTHS) if ym <= now]
    first_ym = min([*trend_months, *period.months])
    # A year's R5/R6 counts on a second connection while this one reads the months.
    flags_job: asyncio.Task[tuple[int, int, int]] | None = None
    if period.kind == "year" and reports.runs_apart(session):
        flags_job = asyncio.create_task(
            reports.member_flags_apart(session, node, period.year, profile, today)
        )
    try:
        cells = by_name(
            await reports.cell_facts(
                session, node, date(first_ym[0], first_ym[1], 1), period.last_day, profile
            )
        )
    except BaseException:
        if flags_job is not None:
            flags_job.cancel()
        raise
    # A running year or quarter is judged on its months that have ended: the current month
    # still has time for its meeting, and must not count as missed (M1).
    ended = [ym for ym in months if ym < now] if period.kind != "month" else months
    month = quarter = year = None
    if period.kind == "month":
        month = month_figures(cells, period.months[0], profile)
    elif period.kind == "quarter":
        quarter = quarter_figures(cells, period)
        # A running quarter: its months still to come are not "0 of n cells held".
        held = [h for h in quarter.held_months if h[0] in months]
        quarter = replace(quarter, held_months=held)
    else:
        grades = await reports.grade_counts(session, node, period)
        if flags_job is not None:
            flags = await flags_job
        else:
            flags = await reports.member_flags(
                session, [c.id for c in cells], period.year, profile, today
            )
        year = year_figures(cells, ended or months or period.months, grades, flags)
    by_group, by_type = breakdowns(cells, ended or months or period.months)
    return Report(
        node_id=node.id,
        node_name=node.name,
        period=period,
        months=months,
        today=today,
        profile=profile,
        cells=cells,
        month=month,
        quarter=quarter,
        year=year,
        by_group=by_group,
        by_type=by_type,
        trend=trend(cells, trend_months, profile),
    )
