"""Give freed memory back to the system after a big job (#6: memory).

A tick that sends a province's 28,000 messages, or a 10,000-cell report, frees its objects
when done, but glibc's malloc keeps the freed pages for later use, so the process's resident
size stays at its high-water mark and the next big job stacks on top of it. `release()`
collects cyclic garbage and asks glibc to return free heap pages (malloc_trim); elsewhere
(another libc, another system) it only collects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _load_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_TRIM = _load_trim()


def release() -> None:
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


# Python collects its youngest objects every 700 allocations by default; a report of 10,000
# cells makes millions, and the collector then took about 200 ms of a province's 1.3 s yearly
# roll-up scanning objects that live on. 10,000 keeps cyclic garbage short-lived all the same.
GC_THRESHOLD = (10_000, 10, 10)


def tune_gc() -> None:
    """For a long-running bot, once its modules are loaded: what was made at start-up is
    never collected again (gc.freeze), and young objects are scanned less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
