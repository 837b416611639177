"""M8: "this month the cell did not meet", with a reason — distinct from "not reported yet".

At most one active report per cell and month (a partial unique index); a withdrawn report
keeps its row with deleted_at set, and both steps are in the audit log (S4).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from . import audit
from .models import ZeroReport, utcnow


def _snapshot(report: ZeroReport) -> dict[str, Any]:
    return {"year": report.year, "month": report.month, "reason": report.reason}


async def get(session: AsyncSession, report_id: int) -> ZeroReport | None:
    report = await session.get(ZeroReport, report_id)
    return report if report is not None and report.deleted_at is None else None


async def active(session: AsyncSession, cell_id: int, year: int, month: int) -> ZeroReport | None:
    """The cell's standing zero report for that month, if any."""
    return await session.scalar(
        select(ZeroReport).where(
            ZeroReport.cell_id == cell_id,
            ZeroReport.year == year,
            ZeroReport.month == month,
            ZeroReport.deleted_at.is_(None),
        )
    )


async def for_year(session: AsyncSession, cell_id: int, year: int) -> list[ZeroReport]:
    """The cell's standing zero reports of a year, by month."""
    rows = await session.scalars(
        select(ZeroReport)
        .where(
            ZeroReport.cell_id == cell_id,
            ZeroReport.year == year,
            ZeroReport.deleted_at.is_(None),
        )
        .order_by(ZeroReport.month)
    )
    return list(rows)


async def create(
    session: AsyncSession, *, cell_id: int, year: int, month: int, reason: str, actor_id: int | None
) -> ZeroReport:
    """Record that the cell did not meet in that month. The caller checks first that the
    month has no regular meeting and no standing report (the index refuses a second one)."""
    report = ZeroReport(cell_id=cell_id, year=year, month=month, reason=reason, created_by=actor_id)
    session.add(report)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="zero.save",
        entity="zero_report",
        entity_id=report.id,
        org_id=cell_id,
        after=_snapshot(report),
    )
    return report


async def withdraw(
    session: AsyncSession, report: ZeroReport, *, actor_id: int | None, why: str = "withdrawn"
) -> None:
    """Withdraw a zero report (by hand, or because a regular meeting of that month was
    logged after all); `why` is kept in the audit entry."""
    before = _snapshot(report)
    report.deleted_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="zero.withdraw",
        entity="zero_report",
        entity_id=report.id,
        org_id=report.cell_id,
        before=before,
        after={"why": why},
    )
