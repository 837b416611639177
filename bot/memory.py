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
