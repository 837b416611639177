"""Moved to tests/auxil/botenv.py; kept for benchmarks/memory.py, which imports it from here
(the benchmarks are not the tests' to change)."""

from .auxil.botenv import TOKEN, Clock, start_env, stop_env

__all__ = ["TOKEN", "Clock", "start_env", "stop_env"]
