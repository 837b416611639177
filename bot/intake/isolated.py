"""Reading an uploaded file in a fresh process, with a hard time and memory limit (#12).

bot.intake.tabular bounds what a file can cost (size, unpacked size, packing ratio, sheets, rows,
columns, characters per cell), but those bounds rest on openpyxl's internals. This module
makes the guarantee independent of them: the parse runs in a new Python process that is
killed after PARSE_SECONDS and cannot grow by more than PARSE_MEMORY, so one user's file never
holds the bot, and the memory a big parse takes is given back when the process ends.

Why a fresh process per file (measured on the 2-core test machine, 2026-12-06):

- on the event loop (the old code): every other user waited the whole parse, 21.7 s for
  a 31 kB XLSX holding one 30 MB cell (417 MB peak);
- a thread (asyncio.to_thread): the loop stays responsive (16-26 ms lag during a parse of
  2,000 rows) but a thread cannot be stopped: a file that slips past the bounds keeps a
  core and its memory inside the bot until it is done (92 s and 982 MB for rows of 16,384
  cells before this issue's bounds);
- a multiprocessing forkserver: 0.1 s per file, but the server and its resource tracker
  stay resident after the first file: +46 MB and +13 MB RSS for a bot of ~75 MB;
- fork() of the bot itself: fast and nothing resident, but the bot has threads
  (aiosqlite, the default executor) and forking a threaded process can deadlock the child
  (deprecated since Python 3.12);
- a fresh interpreter (this module): 0.1-0.3 s per small file, start-up included (the
  sample CSV 0.09-0.14 s, the sample XLSX 0.18-0.27 s), 24-56 MB in the child while it
  runs, nothing resident between files. Rosters are sent a few times a year, so the
  latency does not matter and the memory does.

The request goes to the child on stdin and the answer comes back on stdout, both
pickled: the child runs this project's own code (a fixed table of jobs), as the same user.
Nothing secret is passed to it (its environment has no TELEGRAM_*/CHIBO_*/DATABASE_*).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import subprocess
import sys
import traceback
import weakref
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.intake.tabular import MB, ImportFileError

if TYPE_CHECKING:
    from bot.intake.org_import import OrgImport
    from bot.intake.roster_import import ParseResult

PARSE_SECONDS = 8  # a 2,000-row XLSX takes 0.6-1.1 s here, start-up included
PARSE_MEMORY = 256 * MB  # address space a parse may add; 2,000 rows take < 30 MB
PARSES_AT_ONCE = 2  # more uploads at once wait for a slot (the machine has 2 cores)

# The jobs a child can run: module, function.
_JOBS = {
    "roster": ("bot.intake.roster_import", "parse_roster_file"),
    "org": ("bot.intake.org_import", "parse_org_csv"),
}
_ROOT = Path(__file__).resolve().parents[1]  # where the `bot` package lives
log = logging.getLogger("chibo.isolated")
_SECRETS = ("TELEGRAM_", "CHIBO_", "DATABASE_")
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


async def parse_roster(file_name: str, data: bytes, *, today: date) -> ParseResult:
    """bot.intake.roster_import.parse_roster_file in a child process. Raises ImportFileError,
    also "file_too_slow"."""
    result: ParseResult = await run("roster", file_name, data, today=today)
    return result


def parse_org(data: bytes) -> OrgImport:
    """bot.intake.org_import.parse_org_csv in a child process (for the CLI, which has no loop)."""
    result: OrgImport = run_sync("org", data)
    return result


async def run(
    job: str,
    *args: Any,
    seconds: float | None = None,
    memory: int | None = None,
    **kwargs: Any,
) -> Any:
    """Run a job in a fresh process without blocking the event loop; ImportFileError
    "file_too_slow" once `seconds` (PARSE_SECONDS) have passed: the process is killed."""
    seconds = seconds or PARSE_SECONDS
    loop = asyncio.get_running_loop()
    slots = _slots.setdefault(loop, asyncio.Semaphore(PARSES_AT_ONCE))
    async with slots:
        proc = await asyncio.create_subprocess_exec(
            *_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_environment(),
            cwd=_ROOT,
        )
        try:
            request = _request(job, args, kwargs, seconds, memory or PARSE_MEMORY)
            out, err = await asyncio.wait_for(proc.communicate(request), seconds)
        except TimeoutError:
            raise _too_slow(seconds) from None
        finally:  # also when the update is cancelled (shutdown)
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    proc.kill()
                await proc.wait()
    return _answer(out, err, proc.returncode)


def run_sync(
    job: str,
    *args: Any,
    seconds: float | None = None,
    memory: int | None = None,
    **kwargs: Any,
) -> Any:
    """The same without an event loop (the CLI)."""
    seconds = seconds or PARSE_SECONDS
    try:
        done = subprocess.run(
            _command(),
            input=_request(job, args, kwargs, seconds, memory or PARSE_MEMORY),
            capture_output=True,
            timeout=seconds,
            env=_environment(),
            cwd=_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        raise _too_slow(seconds) from None
    return _answer(done.stdout, done.stderr, done.returncode)


def _command() -> list[str]:
    return [sys.executable, "-m", "bot.intake.isolated"]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SECRETS)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _request(
    job: str, args: tuple[Any, ...], kwargs: dict[str, Any], timeout: float, memory: int
) -> bytes:
    if job not in _JOBS:
        raise ValueError(f"unknown job {job!r}")
    return pickle.dumps((job, args, kwargs, timeout, memory))


def _too_slow(timeout: float) -> ImportFileError:
    log.warning("a file parse was stopped after %g s", timeout)  # the operator sees attacks
    return ImportFileError("file_too_slow", {"seconds": f"{timeout:g}"})


def _too_large() -> ImportFileError:
    from bot.intake.tabular import MAX_UNPACKED

    log.warning("a file parse ran out of its memory")
    return ImportFileError("file_too_large_unpacked", {"limit": str(MAX_UNPACKED // MB)})


def _answer(out: bytes, err: bytes, returncode: int | None) -> Any:
    try:
        kind, *rest = pickle.loads(out)
    except Exception:
        # No answer: the child died. Out of memory (the limit) is the file's fault.
        if b"MemoryError" in err:
            raise _too_large() from None
        tail = err[-2000:].decode("utf-8", "replace")
        raise RuntimeError(f"the file parser died (exit {returncode}): {tail}") from None
    if kind == "ok":
        return rest[0]
    if kind == "refused":
        raise ImportFileError(rest[0], rest[1])
    if kind == "memory":
        raise _too_large()
    raise RuntimeError(f"the file parser failed:\n{rest[0]}")  # a bug: the error handler logs it


# --- the child ------------------------------------------------------------------------


def _limit_child(timeout: float, memory: int) -> None:
    """Once the code is loaded: `memory` more bytes of address space, a CPU-time limit."""
    import math
    import resource

    try:  # Linux; elsewhere (macOS ignores RLIMIT_AS anyway) only the time limits hold
        loaded = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except OSError:
        loaded = memory = 0
    cpu = math.ceil(timeout) + 2  # the parent kills it first; this ends it if the parent died
    for kind, value in ((resource.RLIMIT_AS, loaded + memory), (resource.RLIMIT_CPU, cpu)):
        hard = resource.getrlimit(kind)[1]
        if value and (hard == resource.RLIM_INFINITY or value < hard):  # never above hard
            resource.setrlimit(kind, (value, value))
    os.nice(5)  # the bot's own process goes first on a busy machine


def _out_of_memory(exc: BaseException | None) -> bool:
    while exc is not None:  # a MemoryError may surface as the cause of another error
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def main() -> None:
    """The child: read a request on stdin, write the answer on stdout."""
    import importlib
    import warnings

    warnings.simplefilter("ignore")  # openpyxl warns about odd files on stderr
    out, sys.stdout = sys.stdout.buffer, sys.stderr  # stray prints cannot spoil the answer
    job, args, kwargs, timeout, memory = pickle.loads(sys.stdin.buffer.read())
    module, function = _JOBS[job]
    # openpyxl imports numpy when it is installed (matplotlib brings it) only to write
    # numpy numbers: 0.1-0.3 s and 13 MB per file for nothing.
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
    parse = getattr(importlib.import_module(module), function)
    _limit_child(timeout, memory)
    answer: tuple[Any, ...]
    try:
        answer = ("ok", parse(*args, **kwargs))
    except ImportFileError as exc:
        answer = ("refused", exc.code, exc.params)
    except Exception as exc:
        answer = ("memory",) if _out_of_memory(exc) else ("crash", traceback.format_exc())
    try:
        reply = pickle.dumps(answer)
    except MemoryError:
        reply = pickle.dumps(("memory",))
    out.write(reply)
    out.flush()


if __name__ == "__main__":
    main()
