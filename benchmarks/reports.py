"""Reports benchmark (#6): the roll-ups of a 10,000-cell province on PostgreSQL.

    python -m benchmarks.reports [--cells 10000 --members-per-cell 30 --months 12]
                                 [--database URL] [--reuse] [--repeat 11]

The database (default: ``chibo_bench`` beside ``TEST_DATABASE_URL``, or beside
postgresql+asyncpg://postgres@127.0.0.1:5432/test) is dropped, created, migrated and
filled with ``chibo demo-data``'s province (bot.services.demo.populate), then vacuumed and
analysed; ``--reuse`` keeps a province that is already there.

Timed, warm (one untimed run first), each repetition in a transaction of its own as the
bot opens one per update:

(a) the monthly summary of one commune (≈ 40 cells) for last month, and
(b) the yearly roll-up of the whole province for last month's year,

each through ``bot.services.report.build`` (what /baocao, the group summaries and ``chibo report``
call) for the figures, and ``bot.render.summary_text.report_texts`` for the text, separately.
Baseline: ONE hand-written SQL aggregate (``HEADLINE_SQL``) computing the same headline
figures (cells due, cell-months held / zero report / not reported, mean and lowest
attendance rate, the 12 / 9-11 / ≤ 8 buckets of the cells tracked all year) on the same database. The figures of both
must agree, or the run fails. Printed: median and p95 of each, the ratio code / SQL, the
targets (commune monthly < 100 ms, province yearly < 1 s, within 1.5× of the SQL), the
build time of the province and the database size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.demo.province import Spec
from bot.domain.model import OrgKind
from bot.domain.summary import Period, YearMonth, month_state
from bot.render.i18n import translator
from bot.render.summary_text import report_texts
from bot.services import demo
from bot.services.memory import tune_gc
from bot.services.report import Report, build
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Org

VN = ZoneInfo("Asia/Ho_Chi_Minh")  # L1
DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TARGETS = {"commune monthly": 0.100, "province yearly": 1.0}
MAX_RATIO = 1.5

# The same definitions as bot/domain/summary.py, in one statement: a cell is due for a month when
# tracked by its last day (#14: its founding day, else the first of the month it was created
# in, local time); held = a saved regular or combined meeting (M1, M4); zero = a
# standing zero report and no regular meeting (M8); a cell's rate = present / eligible
# summed over its regular meetings of the due months (R2); the mean is over cells.
HEADLINE_SQL = """
WITH cells AS (
    SELECT id, coalesce(founded_on,
                        date_trunc('month', created_at AT TIME ZONE :tz)::date) AS since
    FROM orgs
    WHERE kind = 'cell' AND archived_at IS NULL AND path LIKE :prefix
), months AS (
    SELECT m::date AS first, (m + interval '1 month' - interval '1 day')::date AS last
    FROM generate_series(CAST(:first AS date), CAST(:last_month AS date), interval '1 month') m
), due AS (
    SELECT c.id, mo.first FROM cells c
    JOIN months mo ON c.since <= mo.last
), met AS (
    SELECT m.cell_id, date_trunc('month', m.held_on)::date AS first,
           sum(coalesce(m.eligible, 0)) AS eligible, sum(coalesce(m.present, 0)) AS present
    FROM meetings m JOIN cells c ON c.id = m.cell_id
    WHERE m.state = 'saved' AND m.kind IN ('regular', 'combined')
      AND m.held_on BETWEEN :first AND :last_day
    GROUP BY 1, 2
), zero AS (
    SELECT DISTINCT z.cell_id, make_date(z.year, z.month, 1) AS first
    FROM zero_reports z JOIN cells c ON c.id = z.cell_id
    WHERE z.deleted_at IS NULL AND make_date(z.year, z.month, 1) BETWEEN :first AND :last_month
), per_cell AS (
    SELECT d.id, min(c.since) <= CAST(:first AS date) AS whole,
           count(*) FILTER (WHERE met.cell_id IS NOT NULL) AS held,
           count(*) FILTER (WHERE met.cell_id IS NULL AND z.cell_id IS NOT NULL) AS zero,
           count(*) FILTER (WHERE met.cell_id IS NULL) AS missed,
           CASE WHEN sum(met.eligible) > 0
                THEN sum(met.present)::numeric / sum(met.eligible) END AS rate
    FROM due d
    JOIN cells c ON c.id = d.id
    LEFT JOIN met ON met.cell_id = d.id AND met.first = d.first
    LEFT JOIN zero z ON z.cell_id = d.id AND z.first = d.first
    GROUP BY d.id
)
SELECT count(*) AS cells, sum(held) AS held, sum(zero) AS zero,
       sum(missed) - sum(zero) AS unreported, avg(rate) AS mean_rate, min(rate) AS lowest_rate,
       count(*) FILTER (WHERE whole) AS whole,
       count(*) FILTER (WHERE whole AND missed = 0) AS full_,
       count(*) FILTER (WHERE whole AND missed BETWEEN 1 AND 3) AS most,
       count(*) FILTER (WHERE whole AND missed >= 4) AS few
FROM per_cell
"""


@dataclass(frozen=True)
class Headline:
    """The figures both sides compute: cells, cell-months, rates, buckets (K1, K3)."""

    cells: int
    held: int
    zero: int
    unreported: int
    mean_rate: Fraction | None
    lowest_rate: Fraction | None
    whole: int  # K3's buckets count the cells tracked in every month (#14)
    full: int
    most: int
    few: int

    def __str__(self) -> str:
        def pct(rate: Fraction | None) -> str:
            return "-" if rate is None else f"{float(rate) * 100:.4f}%"

        return (
            f"cells {self.cells}; cell-months held {self.held}, zero report {self.zero}, "
            f"not reported {self.unreported}; rate mean {pct(self.mean_rate)}, lowest "
            f"{pct(self.lowest_rate)}; of {self.whole} tracked all months: all held "
            f"{self.full}, missed 1-3 {self.most}, missed 4+ {self.few}"
        )

    def agrees(self, other: Headline) -> bool:
        def close(a: Fraction | None, b: Fraction | None) -> bool:
            return (a is None) == (b is None) and (a is None or abs(a - (b or 0)) < 1e-9)

        counts = ("cells", "held", "zero", "unreported", "whole", "full", "most", "few")
        return all(getattr(self, k) == getattr(other, k) for k in counts) and (
            close(self.mean_rate, other.mean_rate) and close(self.lowest_rate, other.lowest_rate)
        )


def judged_months(report: Report) -> list[YearMonth]:
    """The months bot.services.report judges: a month's own; a year's that have ended."""
    if report.period.kind == "month":
        return report.months
    now = (report.today.year, report.today.month)
    return [ym for ym in report.months if ym < now] or report.months


def from_report(report: Report) -> Headline:
    months = judged_months(report)
    counted = [c for c in report.cells if any(c.due(ym) for ym in months)]
    states = [month_state(c, ym) for c in counted for ym in months]
    start = date(*months[0], 1)
    whole = [c for c in counted if c.since is None or c.since <= start]
    missed = [sum(1 for ym in months if month_state(c, ym) in ("zero", "none")) for c in whole]
    if report.month is not None:
        mean, lowest = report.month.mean_rate, report.month.lowest_rate
    else:
        assert report.year is not None
        mean, lowest = report.year.mean_rate, report.year.lowest_rate
    return Headline(
        cells=len(counted),
        held=states.count("held"),
        zero=states.count("zero"),
        unreported=states.count("none"),
        mean_rate=mean,
        lowest_rate=lowest,
        whole=len(whole),
        full=sum(1 for m in missed if m == 0),
        most=sum(1 for m in missed if 1 <= m <= 3),
        few=sum(1 for m in missed if m >= 4),
    )


def _fraction(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


async def headline_sql(engine: AsyncEngine, node: Org, months: Sequence[YearMonth]) -> Headline:
    """HEADLINE_SQL over `months`, in the bot's default timezone (L1)."""
    first = date(months[0][0], months[0][1], 1)
    last_month = date(months[-1][0], months[-1][1], 1)
    last_day = (last_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(HEADLINE_SQL),
                {
                    "prefix": f"{node.path}%",
                    "first": first,
                    "last_month": last_month,
                    "last_day": last_day,
                    "tz": VN.key,
                },
            )
        ).one()
    return Headline(
        cells=int(row.cells),
        held=int(row.held or 0),
        zero=int(row.zero or 0),
        unreported=int(row.unreported or 0),
        mean_rate=_fraction(row.mean_rate),
        lowest_rate=_fraction(row.lowest_rate),
        whole=int(row.whole),
        full=int(row.full_),
        most=int(row.most),
        few=int(row.few),
    )


@dataclass(frozen=True)
class Timing:
    samples: list[float]  # seconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def timed(work: Callable[[], Awaitable[Any]], repeat: int) -> tuple[Timing, Any]:
    result = await work()  # warm-up: caches, prepared statements
    samples = []
    for _ in range(repeat):
        # The bot keeps no report once sent: the previous one is not kept alive while the
        # next is built (100,000 objects more for the garbage collector to walk each time).
        result = None
        started = time.perf_counter()
        result = await work()
        samples.append(time.perf_counter() - started)
    return Timing(samples), result


@dataclass(frozen=True)
class Case:
    name: str
    cells: int
    code: Timing  # bot.services.report.build
    text: Timing  # bot.render.summary_text.report_texts
    sql: Timing  # HEADLINE_SQL
    figures: Headline

    @property
    def ratio(self) -> float:
        return self.code.median / self.sql.median

    def lines(self) -> list[str]:
        target = TARGETS.get(self.name)
        ms = 1000
        ok_time = target is None or self.code.median < target
        return [
            f"{self.name}: {self.cells} cells",
            f"  bot.services.report.build     median {self.code.median * ms:8.1f} ms"
            f"   p95 {self.code.p95 * ms:8.1f} ms"
            + (
                f"   target < {target * ms:.0f} ms: {'met' if ok_time else 'MISSED'}"
                if target
                else ""
            ),
            f"  hand-written SQL     median {self.sql.median * ms:8.1f} ms"
            f"   p95 {self.sql.p95 * ms:8.1f} ms",
            f"  ratio code / SQL     {self.ratio:8.2f}"
            f"   target ≤ {MAX_RATIO}: {'met' if self.ratio <= MAX_RATIO else 'MISSED'}",
            f"  text rendering       median {self.text.median * ms:8.1f} ms"
            f"   p95 {self.text.p95 * ms:8.1f} ms",
            f"  figures agree: {self.figures}",
        ]


class Disagreement(Exception):
    """The code path and the hand-written SQL computed different figures."""


async def measure(
    engine: AsyncEngine, name: str, node: Org, period: Period, today: date, repeat: int
) -> Case:
    sessions = make_sessionmaker(engine)
    tr = translator("vi")

    async def code() -> Report:
        async with sessions() as session, session.begin():
            return await build(session, node, period, today)

    code_time, report = await timed(code, repeat)

    async def render() -> list[str]:
        return report_texts(report, tr)

    text_time, _texts = await timed(render, repeat)
    months = judged_months(report)

    async def sql() -> Headline:
        return await headline_sql(engine, node, months)

    sql_time, by_sql = await timed(sql, repeat)
    by_code = from_report(report)
    if not by_code.agrees(by_sql):
        raise Disagreement(f"{name}: bot.services.report gives {by_code}, the SQL gives {by_sql}")
    return Case(name, len(report.cells), code_time, text_time, sql_time, by_code)


async def nodes(engine: AsyncEngine) -> tuple[Org, Org] | None:
    """The first province and its first commune, if a province is there."""
    async with make_sessionmaker(engine)() as session:
        province = await session.scalar(
            select(Org).where(Org.kind == OrgKind.PROVINCE).order_by(Org.id).limit(1)
        )
        if province is None:
            return None
        commune = await session.scalar(
            select(Org)
            .where(Org.kind == OrgKind.COMMUNE, Org.path.startswith(province.path))
            .order_by(Org.id)
            .limit(1)
        )
    return (province, commune) if commune is not None else None


@dataclass
class Result:
    build_seconds: float | None  # None: reused
    database_bytes: int
    members: int
    cases: list[Case]

    def lines(self) -> list[str]:
        built = "reused" if self.build_seconds is None else f"built in {self.build_seconds:.1f} s"
        out = [
            f"province: {built}; {self.members} members; database "
            f"{self.database_bytes / 2**20:.0f} MB (pg_database_size)"
        ]
        for case in self.cases:
            out += case.lines()
        return out


async def run(url: str, spec: Spec, *, repeat: int, reuse: bool) -> Result:
    """Fill the (existing, migrated or empty) database unless reusing, then measure."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        build_seconds = None
        if not reuse or await nodes(engine) is None:
            started = time.perf_counter()
            async with make_sessionmaker(engine).begin() as session:
                await demo.populate(session, spec)
            build_seconds = time.perf_counter() - started
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as conn:
            await conn.execute(text("VACUUM ANALYZE"))  # the steady state: visibility maps too
        async with engine.connect() as conn:
            size = int(await conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
            members = int(await conn.scalar(text("SELECT count(*) FROM members")) or 0)
        found = await nodes(engine)
        assert found is not None
        province, commune = found
        last = spec.today.replace(day=1) - timedelta(days=1)
        cases = [
            await measure(
                engine, "commune monthly", commune, Period(last.year, month=last.month),
                spec.today, repeat,
            ),
            await measure(engine, "province yearly", province, Period(last.year), spec.today, repeat),
        ]  # fmt: skip
        return Result(build_seconds, size, members, cases)
    finally:
        await engine.dispose()


async def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the benchmark's database if the server does not have it yet; with `fresh`,
    drop it first (connected through the server's `postgres` database)."""
    target = make_url(url)
    admin = create_async_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with admin.connect() as conn:
            if fresh:
                await conn.execute(
                    text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
                )
            found = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not found:
                await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


def default_url() -> str:
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or DEFAULT_SERVER
    return make_url(server).set(database="chibo_bench").render_as_string(hide_password=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__)
    arg = parser.add_argument
    arg("--cells", type=int, default=10_000)
    arg("--members-per-cell", type=int, default=30)
    arg("--months", type=int, default=12)
    arg("--seed", type=int, default=1)
    arg("--repeat", type=int, default=11, help="timed repetitions of each measurement")
    arg("--database", default=None, help="PostgreSQL URL (default: chibo_bench on the test server)")
    arg("--reuse", action="store_true", help="keep the province already in the database")
    args = parser.parse_args(argv)
    url = args.database or default_url()
    if make_url(url).get_backend_name() != "postgresql":
        print("The reports benchmark runs on PostgreSQL.", file=sys.stderr)
        return 2
    today = datetime.now(VN).date()
    spec = Spec(args.cells, args.members_per_cell, args.months, seed=args.seed, today=today)
    asyncio.run(ensure_database(url, fresh=not args.reuse))
    print(
        f"reports: {args.cells} cells × {args.members_per_cell} members × {args.months} months "
        f"on {make_url(url).render_as_string(hide_password=True)}; today {today:%d/%m/%Y}; "
        f"{args.repeat} timed runs each, after one warm-up"
    )
    try:
        tune_gc()  # the collector set as `chibo run` sets it (bot.services.memory)
        result = asyncio.run(run(url, spec, repeat=args.repeat, reuse=args.reuse))
    except Disagreement as exc:
        print(f"FIGURES DISAGREE: {exc}", file=sys.stderr)
        return 1
    print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
