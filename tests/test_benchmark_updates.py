"""The updates benchmark (benchmarks/updates.py), small: three secretaries log two meetings
each through the real application polled from the fake Bot API, every meeting is found
saved as logged, and the baselines answer the same number of updates. Not timed: nothing
here asserts on speed (docs/benchmarks.md has the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.updates import UPDATES_PER_MEETING, _seed, check, run

from .auxil.db import Backend


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_small_run_saves_every_meeting_and_compares(backend: Backend, tmp_path: Path) -> None:
    report = await run(
        backend.name,
        secretaries=3,
        meetings=2,
        postgresql_url=backend.admin_url or "",
        workdir=tmp_path,
    )
    updates = 3 * 2 * UPDATES_PER_MEETING
    assert report.meetings_checked == 6
    for answered in (report.chibo, report.bare, report.floor):
        assert answered.updates == updates
        assert len(answered.service) == updates  # every update went through PTB's processor
        assert len(answered.latency) == updates
        assert answered.seconds > 0
    # chibo edits the screen and answers the press; the echo only answers
    assert report.chibo.api_calls > report.bare.api_calls >= updates
    assert report.ratio > 0
    printed = "\n".join(report.lines())
    assert "chibo/bare updates/s" in printed and "6 of 6" in printed


async def test_the_check_fails_loudly_when_a_meeting_is_missing(engine: AsyncEngine) -> None:
    plans = await _seed(engine, 2)
    with pytest.raises(AssertionError, match="meetings"):
        await check(engine, plans, 1)
