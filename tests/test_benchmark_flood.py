"""The flood benchmark (benchmarks/flood.py), small: 200-update floods with no modelled round
trip, on both databases. It checks what the floods got (the stranger 40 answers and a notice,
the group 10, no users row) and that the report is printed; nothing here asserts on speed
(docs/benchmarks.md has the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.flood import run

from .auxil.db import Backend


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_small_floods(backend: Backend, tmp_path: Path) -> None:
    report = await run(
        backend.name,
        200,
        rounds=1,
        samples=2,
        latency_ms=0,
        unguarded=True,
        postgresql_url=backend.admin_url or "",
        workdir=tmp_path,
        # The limiter's pacing 20 times faster: the group's 10 answers wait out Telegram's 20
        # a minute in about 1 s instead of 20; what each flood gets is the same (#13).
        limiter_scale=20,
    )
    stranger, group, unguarded = report.floods
    assert stranger.answered == [71]  # his burst of 70, and the one notice
    assert group.answered == [10]  # the group's burst
    assert unguarded.answered == [200] and not unguarded.guarded  # before #12: every one
    assert report.rows_written == 0
    assert len(report.alone) == 2 and len(report.floor_first) == 1
    for flood in report.floods:
        assert len(flood.first) == 1 and flood.first[0] > 0
    printed = "\n".join(report.lines())
    assert "flood from one stranger" in printed and "reading the flood costs" in printed
