"""The fan-out benchmark (benchmarks/fanout.py), small: it runs, and what it sends through
the real path arrives exactly once although the fake's limit was met. Not timed: nothing
here asserts on speed (docs/benchmarks.md has the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fanout import Limits, run


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize(
    ("rate", "burst", "meets_429"),
    [
        (1.0, 1.0, True),  # PTB's default bucket overshoots: 429s, waited out and retried
        (None, None, False),  # the limiter the bot runs with stays under the limit
    ],
)
async def test_fanout_small_run_loses_and_duplicates_nothing(
    tmp_path: Path, rate: float | None, burst: float | None, meets_429: bool
) -> None:
    # 90 msg/s: 200 messages cannot go out within one second, so the limit is met.
    limits = Limits(limit=30, scale=3)
    if rate is not None and burst is not None:
        limits = Limits(limit=30, scale=3, rate=rate, burst=burst)
    report = await run(200, limits, workdir=tmp_path)

    for sent in (report.chibo, report.bare):
        assert sent is not None
        assert sent.messages == 200
        assert sent.lost == 0
        assert sent.duplicated == 0
        assert (sent.answered_429 > 0) == meets_429, sent.answered_429
        assert sent.outcomes == {"sent": 200}
    assert report.states == {"sent": 200}
    assert any("ratio to the limit" in line for line in report.lines())
