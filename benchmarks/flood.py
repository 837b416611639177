"""Flood benchmark (#12): how long a secretary waits for her answer while another chat floods.

    python -m benchmarks.flood [--flood 1500] [--rounds 3] [--samples 5] [--api-latency-ms 50]
                               [--database sqlite|postgresql|both] [--postgresql-url URL]
                               [--unguarded]

The real application (``bot.app.factory.build_application``: its update processor with the flood
guards at their default settings, PTB's rate limiter as ``chibo run`` builds it) polls the
fake Bot API (benchmarks/updates.py's ``Fake``), which answers every call after
``--api-latency-ms``, Telegram's round trip. One secretary (a 30-member cell, seeded as
benchmarks/updates.py seeds) sends /start: her answer time runs from her update being queued
at the fake to the bot's sendMessage with her menu coming back from it.

- **alone**: her /start with nothing else going on, ``--samples`` times: the baseline.
- **flood from one stranger**: ``--flood`` /start from one stranger's private chat are queued
  at once. His budget (bot.services.throttle) lets 40 through and one notice; the rest is dropped.
- **flood in one group**: ``--flood`` /start in one group from 200 strangers, each within
  their own budget: the group's budget (10 at once, 20 a minute) and the chat's cap hold.
- with ``--unguarded``, the stranger's flood again with the guards off (CHIBO_FLOOD_BURST=0
  and a cap of PTB's 1,024): the processor as it was before #12. Only her first answer is
  taken; then the fake stops sleeping so that the rest of the flood drains fast (and PTB's
  rate limiter is off in this run for the same reason).

During each flood she sends /start right after it is queued (behind all of it) and again
every half second until it is gone. Each flood runs ``--rounds`` times with new flooders.

Baseline, in the same run: bare PTB (an Application with one handler that answers her
/start and ignores everything else) on a fresh fake with the same round trip: her answer
alone, and queued behind the same stranger's flood. The difference is what merely reading
the flood costs any bot on PTB (getUpdates' JSON made into Update objects, 100 at a time,
each handed to the handlers), before chibo's guards can drop anything.

Targets: while a flood lasts, her worst answer is at most twice her median alone plus
100 ms; queued behind the whole flood, the same plus reading the flood. At the end, the
users rows the strangers left are counted (none). PostgreSQL runs in a throwaway database
beside ``--postgresql-url``, as benchmarks/updates.py does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext, TypeHandler

from benchmarks.updates import (
    DEFAULT_PG,
    FIRST_USER,
    NOW,
    TOKEN,
    Fake,
    _database,
    _polling,
    _seed,
    _stop,
    peak_rss_mb,
)
from bot.app.factory import build_application, telegram_rate_limiter, update_workers
from bot.app.processor import QUEUED_UPDATES
from bot.app.settings import Settings
from bot.services.memory import tune_gc
from storage.db import make_sessionmaker
from storage.models import User
from tests.fakeapi import FakeTelegram, TgUser

HER = FIRST_USER  # the secretary benchmarks/updates.py seeds first
FLOODER = 800_000_001  # ids of strangers: the first floods alone, the crowd in the group
CROWD = 200
GROUP = -100_800_000_001
TARGET_FACTOR, TARGET_MS = 2.0, 100.0
GAP = 0.5  # seconds between her tries while a flood lasts (2 a second: within her budget)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Watch(Fake):
    """The fake Bot API with its modelled round trip, telling a waiter when a sendMessage to
    a chat has come back (the moment Telegram would show it)."""

    def __init__(self, latency: float) -> None:
        super().__init__(latency)
        self.waiters: dict[int, asyncio.Future[float]] = {}

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, *args, **kwargs)
        data = kwargs.get("request_data")
        if data is not None and url.endswith("/sendMessage"):
            future = self.waiters.pop(int(data.parameters.get("chat_id", 0)), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())
        return answer


class Sender(TgUser):
    """A user whose updates are queued at the fake for getUpdates and not waited for."""

    async def _deliver(self, payload: Mapping[str, Any]) -> None:
        self.fake.queue_update({"update_id": self.fake.next_update_id(), **payload})


class Secretary(TgUser):
    """The victim: each update is queued at the fake; returns when the bot's message is back."""

    fake: Watch

    async def _deliver(self, payload: Mapping[str, Any]) -> None:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.fake.waiters[self.id] = future
        self.queued = time.perf_counter()
        self.fake.queue_update({"update_id": self.fake.next_update_id(), **payload})
        self.answered = await asyncio.wait_for(future, 300)

    async def start(self) -> float:
        """/start; the seconds until her menu came back."""
        await self.command("start")
        return self.answered - self.queued


@dataclass
class Flood:
    """One kind of flood, every round of it."""

    name: str
    guarded: bool = True  # False: the guards were off, a comparison and not a target
    first: list[float] = field(default_factory=list)  # her answer queued behind it, seconds
    later: list[float] = field(default_factory=list)  # her answers while it lasted
    answered: list[int] = field(default_factory=list)  # the flood's updates answered
    drained: list[float] = field(default_factory=list)  # seconds until it was all gone


@dataclass
class Report:
    database: str
    workers: int
    latency_ms: float
    flood: int
    rounds: int
    alone: list[float]
    floods: list[Flood]
    rows_written: int  # users rows the strangers left (none)
    floor_alone: list[float]  # bare PTB: her answer alone
    floor_first: list[float]  # bare PTB: her answer queued behind the same flood

    @property
    def target(self) -> float:
        """While a flood lasts: twice her answer alone, plus 100 ms."""
        return TARGET_FACTOR * statistics.median(self.alone) + TARGET_MS / 1000

    @property
    def reading(self) -> float:
        """What reading the flood at all costs a bot on PTB (bare PTB, the same run)."""
        return max(0.0, statistics.median(self.floor_first) - statistics.median(self.floor_alone))

    @property
    def target_first(self) -> float:
        """Queued behind the whole flood: the same, plus PTB's time to read it."""
        return self.target + self.reading

    def met(self, flood: Flood) -> bool:
        later_ok = not flood.later or max(flood.later) <= self.target
        return later_ok and max(flood.first) <= self.target_first

    @property
    def all_met(self) -> bool:
        return all(self.met(f) for f in self.floods if f.guarded)

    def lines(self) -> list[str]:
        def ms(seconds: float) -> str:
            return f"{seconds * 1000:.0f}"

        def several(values: Sequence[float]) -> str:
            return ", ".join(ms(v) for v in values)

        out = [
            f"flood on {self.database}: {self.flood} updates from another chat, "
            f"{self.rounds} round(s) each; updates handled at once: {self.workers}",
            f"Bot API round trip: {self.latency_ms:g} ms (slept by the fake); PTB's rate "
            "limiter as chibo builds it",
            "",
            f"her /start alone: median {ms(statistics.median(self.alone))} ms, "
            f"max {ms(max(self.alone))} ms ({len(self.alone)} samples)",
            f"bare PTB (reads every update, answers only her): alone "
            f"{ms(statistics.median(self.floor_alone))} ms, behind the flood "
            f"{several(self.floor_first)} ms: reading the flood costs {ms(self.reading)} ms",
            f"targets: while a flood lasts ≤ {TARGET_FACTOR:g} × alone + {TARGET_MS:g} ms = "
            f"{ms(self.target)} ms; queued behind all of it, plus reading it = "
            f"{ms(self.target_first)} ms",
        ]
        for f in self.floods:
            verdict = "met" if self.met(f) else "missed"
            if not f.guarded:
                verdict = "for comparison, not a target"
            later = (
                f"; while it lasted median {ms(statistics.median(f.later))}, worst "
                f"{ms(max(f.later))} ms over {len(f.later)} tries"
                if f.later
                else ""
            )
            out += [
                f"{f.name}: her /start behind it {several(f.first)} ms{later}: {verdict}",
                f"    flood updates answered {', '.join(map(str, f.answered))} of {self.flood} "
                f"(per round); flood gone after {', '.join(f'{d:.1f}' for d in f.drained)} s",
            ]
        out.append(f"users rows written by the floods: {self.rows_written}")
        return out


async def _queue_flood(senders: Sequence[Sender], size: int, group: Any) -> None:
    for k in range(size):
        sender = senders[k % len(senders)]
        await (sender.send_in(group, "/start") if group is not None else sender.command("start"))


async def _flood_round(
    app: AnyApp, fake: Watch, sec: Secretary, senders: Sequence[Sender], size: int, group: Any
) -> tuple[list[float], int, float]:
    """Queue the flood, then her /start at once and again every GAP until the flood is gone;
    her answer times (the first behind all of it), the flood's updates answered, and how long
    the flood took to go."""
    chats = {group.chat_id} if group is not None else {s.id for s in senders}
    before = sum(len(fake.sent_to(c)) for c in chats)
    started = time.perf_counter()
    await _queue_flood(senders, size, group)
    # Her update is queued last: once it is answered, the Updater has put every flood update
    # on the application's queue, and the queue's join() returns when each is handled or
    # dropped (hers included, so she pauses between tries to let it).
    victim = [await sec.start()]
    drained = asyncio.create_task(app.update_queue.join())
    while not drained.done():
        await asyncio.sleep(GAP)
        if not drained.done():
            victim.append(await sec.start())
    seconds = time.perf_counter() - started
    answered = sum(len(fake.sent_to(c)) for c in chats) - before
    return victim, answered, seconds


async def _floor(latency: float, size: int, rounds: int, samples: int) -> tuple[list[float], ...]:
    """Bare PTB on a fresh fake: one handler that answers her /start and nothing else, PTB's
    default processing; her answer alone, then behind each round of the stranger's flood."""

    async def answer_her(update: Update, ctx: CallbackContext[Any, Any, Any, Any]) -> None:
        if update.effective_user is not None and update.effective_user.id == HER:
            await ctx.bot.send_message(HER, "menu")

    fake = Watch(latency)
    app = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).build()
    app.add_handler(TypeHandler(Update, answer_her))
    async with app:
        await _polling(app)
        try:
            sec = Secretary(app, fake, HER, "Bí thư")
            alone = [await sec.start() for _ in range(samples)]
            first = []
            for r in range(rounds):
                await _queue_flood([Sender(app, fake, FLOODER + r, "Lạ")], size, None)
                first.append(await sec.start())
        finally:
            await _stop(app)
    return alone, first


async def run(
    database: str = "sqlite",
    flood: int = 1500,
    *,
    rounds: int = 3,
    samples: int = 5,
    latency_ms: float = 50.0,
    unguarded: bool = False,
    postgresql_url: str = DEFAULT_PG,
    workdir: Path | None = None,
    limiter_scale: float = 1.0,
) -> Report:
    """`limiter_scale` > 1 runs the rate limiter's pacing that many times faster (the smoke
    test: the group's answers wait out Telegram's 20 a minute in 1/20 of the time)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        if database == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'flood.sqlite3'}"
            async with _database(url, None) as engine:
                return await _run(
                    engine, url, "SQLite", flood, rounds, samples, latency_ms, unguarded,
                    limiter_scale,
                )  # fmt: skip
        if database == "postgresql":
            name = f"chibo_flood_{os.getpid()}"
            url = make_url(postgresql_url).set(database=name).render_as_string(hide_password=False)
            async with _database(url, postgresql_url) as engine:
                return await _run(
                    engine, url, "PostgreSQL", flood, rounds, samples, latency_ms, unguarded,
                    limiter_scale,
                )  # fmt: skip
    raise ValueError(f"unknown database {database!r}")


async def _run(
    engine: AsyncEngine,
    url: str,
    label: str,
    size: int,
    rounds: int,
    samples: int,
    latency_ms: float,
    unguarded: bool,
    limiter_scale: float = 1.0,
) -> Report:
    (plan,) = await _seed(engine, 1)
    settings = Settings(token=TOKEN, database_url=url)
    floods = [Flood("flood from one stranger"), Flood("flood in one group")]
    alone: list[float] = []
    async with _app(settings, engine, latency_ms / 1000, scale=limiter_scale) as (app, fake):
        sec = Secretary(app, fake, plan.user_id, "Bí thư", str(plan.user_id))
        for _ in range(samples):
            alone.append(await sec.start())
        for r in range(rounds):
            flooder = [Sender(app, fake, FLOODER + r, "Lạ")]
            got = await _flood_round(app, fake, sec, flooder, size, None)
            _record(floods[0], got)
            crowd = [Sender(app, fake, FLOODER + 1000 * (r + 1) + i, "Lạ") for i in range(CROWD)]
            group = _Group(fake, GROUP - r)
            _record(floods[1], await _flood_round(app, fake, sec, crowd, size, group))
    if unguarded:
        floods.append(Flood("the same flood, guards off (before #12)", guarded=False))
        off = settings.with_(flood_burst=0, chat_queue=QUEUED_UPDATES)
        # No rate limiter here: once she is answered, the rest of the flood (over a thousand
        # answers) drains in seconds instead of a minute at 30 a second. Her own wait is no
        # longer for it: each of the updates ahead of her takes a 50 ms round trip anyway.
        async with _app(off, engine, latency_ms / 1000, limiter=False) as (app, fake):
            sec = Secretary(app, fake, plan.user_id, "Bí thư", str(plan.user_id))
            flooder = [Sender(app, fake, FLOODER + 999, "Lạ")]
            started = time.perf_counter()
            for _ in range(size):
                await flooder[0].command("start")
            victim = await sec.start()
            fake.latency = 0.0  # let the rest of the flood go quickly
            await app.update_queue.join()
            seconds = time.perf_counter() - started
            _record(floods[2], ([victim], len(fake.sent_to(FLOODER + 999)), seconds))
    async with make_sessionmaker(engine)() as session:
        strangers = await session.scalar(
            select(func.count()).select_from(User).where(User.telegram_id >= FLOODER)
        )
    floor_alone, floor_first = await _floor(latency_ms / 1000, size, rounds, samples)
    return Report(
        label,
        update_workers(settings, engine.dialect.name),
        latency_ms,
        size,
        rounds,
        alone,
        floods,
        int(strangers or 0),
        floor_alone,
        floor_first,
    )


def _record(flood: Flood, got: tuple[list[float], int, float]) -> None:
    victim, answered, drained = got
    flood.first.append(victim[0])
    flood.later.extend(victim[1:])
    flood.answered.append(answered)
    flood.drained.append(drained)


class _Group:
    """A group chat at the fake (what TgUser.send_in needs of a tests.fakeapi TgGroup)."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self.chat_id = chat_id
        fake.register_chat(chat_id, "supergroup", title="Nhóm lạ")
        self.chat = fake.chat(chat_id)


class _app:
    """The application as `chibo run` builds it, polling a Watch fake, without the tick."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        latency: float,
        *,
        limiter: bool = True,
        scale: float = 1.0,
    ) -> None:
        self.fake = Watch(latency)
        off: dict[str, Any] = {} if limiter else {"rate_limiter": None}
        if limiter and scale != 1.0:
            off["rate_limiter"] = telegram_rate_limiter(time_scale=scale)
        self.app: AnyApp = build_application(
            settings, request=self.fake, engine=engine, clock=lambda: NOW, **off
        )
        assert self.app.job_queue is not None
        for job in self.app.job_queue.jobs():
            job.schedule_removal()  # the reminder tick: not what is measured

    async def __aenter__(self) -> tuple[AnyApp, Watch]:
        await self.app.initialize()
        if self.app.post_init:
            await self.app.post_init(self.app)
        await _polling(self.app)
        return self.app, self.fake

    async def __aexit__(self, *exc: object) -> None:
        try:
            await _stop(self.app)
        finally:
            await self.app.shutdown()  # post_shutdown disposes of the engine; it reconnects


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.flood",
        description="A secretary's answer time alone and while another chat floods the bot; "
        "see docs/benchmarks.md.",
    )
    arg = parser.add_argument
    arg("--flood", type=int, default=1500, help="updates in each flood (1500)")
    arg("--rounds", type=int, default=3, help="each flood this often (3)")
    arg("--samples", type=int, default=5, help="her /start alone this often (5)")
    arg("--api-latency-ms", type=float, default=50, help="Bot API round trip to model (50)")
    arg("--database", choices=["sqlite", "postgresql", "both"], default="both")
    arg("--postgresql-url", default=DEFAULT_PG, help="a throwaway database is made beside it")
    arg("--unguarded", action="store_true", help="also the stranger's flood with no guards")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # PTB's notes about coming changes
    tune_gc()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    reports = []
    for database in databases:
        report = asyncio.run(
            run(
                database,
                args.flood,
                rounds=args.rounds,
                samples=args.samples,
                latency_ms=args.api_latency_ms,
                unguarded=args.unguarded,
                postgresql_url=args.postgresql_url,
            )
        )
        reports.append(report)
        print("\n".join(report.lines()), end="\n\n", flush=True)
    print(
        "summary: " + "; ".join(f"{r.database} {'met' if r.all_met else 'missed'}" for r in reports)
    )
    print(f"peak RSS of the process: {peak_rss_mb():.0f} MB")
    return 0 if all(r.all_met for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
