"""bot.services.memory (#6): freed memory goes back to the system after a big job."""

from __future__ import annotations

import sys

import pytest

from bot.services import memory


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_release_returns_freed_heap_pages() -> None:
    assert memory._TRIM is not None  # glibc: the production machines'
    # 60 MB of 600-byte objects (glibc's heap, not pymalloc's) with a few kept among them, as
    # a long-running bot's heap is: freed, the pages stay with malloc until trimmed.
    kept, junk = [], []
    for i in range(100_000):
        junk.append(bytes(600))
        if i % 50 == 0:
            kept.append(bytes(600))
    grown = rss_mb()
    del junk
    memory.gc.collect()
    assert rss_mb() > grown - 10  # not given back by freeing alone
    memory.release()
    assert rss_mb() < grown - 30
    assert len(kept) == 2_000


def test_tune_gc_freezes_start_up_and_scans_young_objects_less_often() -> None:
    before = memory.gc.get_threshold()
    try:
        memory.tune_gc()
        assert memory.gc.get_threshold() == memory.GC_THRESHOLD
        assert memory.gc.get_freeze_count() > 10_000  # the modules' objects, never scanned again
    finally:
        memory.gc.unfreeze()
        memory.gc.set_threshold(*before)
