"""Every benchmark, one after another: ``python -m benchmarks`` (about 10 minutes).

    python -m benchmarks [fanout] [updates] [reports] [memory] [flood]

Each runs in a process of its own (so one's memory and collector settings do not colour the
next), prints its figures against the baseline it measures in the same run, and the summary
at the end says which targets each met (#6's; #12's for the flood). PostgreSQL:
TEST_DATABASE_URL's server (default postgresql+asyncpg://postgres@127.0.0.1:5432/test); the
10,000-cell provinces are built in databases of their own beside it on the first run and
reused afterwards.
See docs/benchmarks.md for what each measures and the latest figures.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime

RUNS: dict[str, list[str]] = {
    "fanout": ["benchmarks.fanout"],
    "updates": ["benchmarks.updates"],
    "reports": ["benchmarks.reports", "--reuse"],
    "memory": ["benchmarks.memory"],
    "flood": ["benchmarks.flood"],
}


def machine() -> str:
    cpus = os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {cpus} cores, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def main(argv: list[str]) -> int:
    names = argv or list(RUNS)
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(RUNS)}")
        return 2
    print(f"benchmarks on {machine()}", flush=True)
    results: dict[str, tuple[int, float]] = {}
    for name in names:
        print(f"\n=== {name} " + "=" * 60, flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", *RUNS[name]], check=False)
        results[name] = (done.returncode, time.monotonic() - started)
    print("\n=== summary")
    for name, (code, seconds) in results.items():
        verdict = "ran" if code == 0 else f"exit {code} (a target missed or a check failed)"
        print(f"{name:<8} {seconds:6.0f} s  {verdict}")
    return max(code for code, _seconds in results.values())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
