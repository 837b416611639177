"""Uploaded files parsed in the test's own process, for tests that upload many of them.

chibo parses each uploaded file in a fresh Python process (bot.intake.isolated: a hard time
and memory limit), which costs 0.1-0.3 s a file. The fuzz test uploads hundreds: there the
parse runs in-process, the same job table, the same functions, the same refusals
(ImportFileError). What only the child adds (the limits, the kill, the pickled answer) is
tested by tests/test_hostile_files.py, and every other flow test uploads through the child.
"""

from __future__ import annotations

import importlib
from typing import Any

from bot.intake import isolated


async def run_in_process(
    job: str,
    *args: Any,
    seconds: float | None = None,
    memory: int | None = None,
    **kwargs: Any,
) -> Any:
    """A stand-in for isolated.run: the job's function, called here."""
    del seconds, memory  # the child's limits: tests/test_hostile_files.py
    module, function = isolated._JOBS[job]
    return getattr(importlib.import_module(module), function)(*args, **kwargs)
