"""Building one roll-up report (#5, bot/domain/report.py): the figures of a node's subtree for
a period, gathered once and rendered as text, a chart or a workbook by the group summaries,
/baocao and `chibo report` alike.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report import TREND_MONTHS, Report, TrendPoint, months_back, trend
from bot.domain.summary import (
    Period,
    YearMonth,
    breakdowns,
    by_name,
    month_figures,
    quarter_figures,
    year_figures,
)
from bot.services import profiles, year_flags
from storage import reports
from storage.models import Org

__all__ = ["Report", "TrendPoint", "build", "months_back", "trend"]  # the report in one import


async def build(
    session: AsyncSession,
    node: Org,
    period: Period,
    today: date,
    tz: tzinfo = reports.LOCAL,
    *,
    with_trend: bool = True,
) -> Report:
    """The figures of `node`'s subtree for `period`, as of `today` (local date in `tz`, L1:
    the settings' timezone, which also dates the month a cell was entered in, #14). Without
    `with_trend` the 12 months of the chart are not read (#16: a month's text reads one month,
    not twelve) and `Report.trend` is empty."""
    profile = await profiles.rule_profile(session, node)
    now: YearMonth = (today.year, today.month)
    months = [ym for ym in period.months if ym <= now]
    last = months[-1] if months else period.months[-1]
    trend_months = [ym for ym in months_back(last, TREND_MONTHS) if ym <= now] if with_trend else []
    first_ym = min([*trend_months, *period.months])
    # A year's R5/R6 counts on a second connection while this one reads the months.
    flags_job: asyncio.Task[tuple[int, int, int]] | None = None
    if period.kind == "year" and reports.runs_apart(session):
        flags_job = asyncio.create_task(
            year_flags.member_flags_apart(session, node, period.year, profile, today)
        )
    try:
        cells = by_name(
            await reports.cell_facts(
                session, node, date(first_ym[0], first_ym[1], 1), period.last_day, profile, tz
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
            flags = await year_flags.member_flags(
                session, [c.id for c in cells], period.year, profile, today
            )
        year = year_figures(
            cells, ended or months or period.months, grades.confirmed, flags, grades.pending
        )
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
