"""The reports benchmark (benchmarks/reports.py), small, on PostgreSQL: it builds a province,
times both paths and finds the same figures by bot.services.report and by the hand-written SQL (it
raises otherwise). Not timed: nothing here asserts on speed (docs/benchmarks.md has the
figures)."""

from __future__ import annotations

from datetime import date

from benchmarks.reports import HEADLINE_SQL, run
from bot.demo.province import Spec
from storage.db import make_engine

from .auxil.db import Backend, empty_tables


async def test_reports_benchmark_small_run(postgresql_backend: Backend) -> None:
    engine = make_engine(postgresql_backend.url)
    await empty_tables(engine, postgresql_backend)
    await engine.dispose()
    spec = Spec(cells=20, members_per_cell=5, months=14, seed=2, today=date(2026, 12, 3))

    result = await run(postgresql_backend.url, spec, repeat=2, reuse=False)

    assert result.build_seconds is not None and result.members >= 100
    commune, province = result.cases
    assert commune.name == "commune monthly" and commune.cells == 20
    assert province.name == "province yearly" and province.figures.cells == 20
    figures = province.figures
    assert figures.full + figures.most + figures.few == figures.whole <= 20  # K3 (#14)
    assert province.figures.held > 0 and province.figures.mean_rate is not None
    assert all(len(t.samples) == 2 for c in result.cases for t in (c.code, c.sql, c.text))
    assert any("ratio code / SQL" in line for line in result.lines())
    assert "generate_series" in HEADLINE_SQL  # one statement, months included

    # --reuse keeps the province: nothing is built again.
    again = await run(postgresql_backend.url, spec, repeat=1, reuse=True)
    assert again.build_seconds is None and again.members == result.members
