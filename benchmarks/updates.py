"""Updates benchmark (#6): secretaries logging meetings through the real application.

    python -m benchmarks.updates [--secretaries 50] [--meetings-per-secretary 2]
                                 [--database sqlite|postgresql|both] [--postgresql-url URL]

Each simulated secretary is the secretary of a cell of their own with a 30-member roster
(seeded with storage/ functions before the clock starts). Through the real application
(``bot.app.factory.build_application``) on the fake Bot API (tests/fakeapi) each logs K regular
meetings exactly as a person does, one update per tap or typed message, waiting for the
bot's answer before the next: /start (the menu), 📝 Ghi sinh hoạt, Thường kỳ, the date
(Hôm nay for the first meeting, a typed date such as 15/10/2026 for the earlier months),
two members marked absent, each a tap on the name and one on the choice (#15: one excused
with the reason ốm, one unexcused: "all present but two"), ➡️ Tiếp tục, ➕ Thêm chi tiết,
🕐 Giờ, thời lượng, 120′, 💾 Lưu. That is 13 updates a meeting. All secretaries work at once.

Updates travel as in production (``chibo run`` polls): the fake queues each update for
getUpdates, PTB's Updater long-polls it into ``Application.update_queue`` and the
application processes it (one at a time, PTB's default, as chibo runs). The rate limiter is
off (``rate_limiter=None``), and so are the fake's flood limits: with them the run would
measure Telegram's 30 msg/s pacing, which the fan-out benchmark does. The reminder tick is
removed for the same reason.

Time per update is measured by the application's update processor around PTB's
``process_update`` (handler, transaction, and every reply sent to the fake); "wait +
processing" adds the time the update waited behind others, from when it was queued at the
fake. At the end every meeting is checked in the database (saved, date, length, the two
marks and the stored tallies); a wrong one stops the benchmark with an error.

Baseline, in the same run: a bare PTB ``Application`` (no database) with one handler that
answers every message with sendMessage and every button press with answerCallbackQuery,
fed the very same update JSON (callback query ids renewed), by the same number of users
at once, the same way (getUpdates polling), against a fresh fake.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    Defaults,
    TypeHandler,
)

from bot.app.factory import POSTGRESQL_UPDATE_WORKERS, ChatOrderedProcessor, build_application
from bot.app.settings import Settings
from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.services.memory import tune_gc
from storage import members, orgs, users
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Meeting, MeetingMark
from tests.fakeapi import FakeTelegram, TgUser

TOKEN = "123456:BENCH-token-for-the-offline-fake-api"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=VN)
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ROSTER = 30
UPDATES_PER_MEETING = 13
FIRST_USER = 700_000_001
LENGTH = 120  # minutes, pressed on the length screen
REASON = "ốm"
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]  # as `chibo run` polls

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Đạt", "Thị Giang"]

Script = list[dict[str, Any]]  # one user's updates, as sent


# --- PTB's side: the update processor that times each update --------------------------------


class Fake(FakeTelegram):
    """The fake Bot API, optionally answering each call (not getUpdates) after ``latency``
    seconds: the round trip to Telegram, which PTB waits out update by update."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(TOKEN, date_clock=lambda: NOW.timestamp())
        self.latency = latency
        # As the rate limiter (see the docstring): this measures the application, not
        # Telegram's pacing, so the fake's flood limits are off too.
        self.no_rate_limits()

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if self.latency and not url.endswith("/getUpdates"):
            await asyncio.sleep(self.latency)
        return await super().do_request(url, method, *args, **kwargs)


class TimedProcessor(ChatOrderedProcessor):
    """chibo's update processor (``workers`` at once, one chat's updates in order) timing
    each update's ``process_update`` (not its wait for a turn) and telling whoever waits for
    an update that it has been handled. The baseline gets the same processor."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.service: list[float] = []
        self.waiting: dict[int, asyncio.Future[float]] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        async def timed() -> None:
            started = time.perf_counter()
            try:
                await coroutine
            finally:
                done = time.perf_counter()
                self.service.append(done - started)
                if isinstance(update, Update):
                    future = self.waiting.pop(update.update_id, None)
                    if future is not None and not future.done():
                        future.set_result(done)

        await super().do_process_update(update, timed())


class Feed:
    """Queue an update at the fake for getUpdates and wait until the application handled it."""

    def __init__(self, fake: FakeTelegram, processor: TimedProcessor) -> None:
        self.fake, self.processor = fake, processor
        self.latency: list[float] = []

    async def __call__(self, payload: Mapping[str, Any]) -> None:
        update_id = self.fake.next_update_id()
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.processor.waiting[update_id] = future
        queued = time.perf_counter()
        self.fake.queue_update({"update_id": update_id, **payload})
        self.latency.append(await asyncio.wait_for(future, 60) - queued)


class Secretary(TgUser):
    """A user whose taps go through getUpdates; keeps what they sent for the baseline."""

    def __init__(self, app: Any, fake: FakeTelegram, user_id: int, feed: Feed) -> None:
        super().__init__(app, fake, user_id, "Bí thư", str(user_id), language_code="vi")
        self.feed = feed
        self.script: Script = []

    async def _deliver(self, payload: Mapping[str, Any]) -> None:
        self.script.append(dict(payload))
        await self.feed(payload)


async def _polling(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """As ``run_polling`` starts: the Updater long-polls getUpdates, the application runs."""
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES)
    await app.start()


async def _stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()


# --- figures --------------------------------------------------------------------------------


@dataclass
class Run:
    """One way of answering the updates, with what was measured."""

    updates: int
    seconds: float  # wall time from the first update queued to the last one handled
    service: list[float]  # PTB's process_update, each update
    latency: list[float]  # queued at the fake → handled
    api_calls: int

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank), 0 when there is nothing."""
    if not values:
        return 0.0
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(q / 100 * len(ranked) + 0.5) - 1))]


@dataclass
class Report:
    database: str
    secretaries: int
    meetings_per_secretary: int
    latency_ms: float
    chibo: Run
    bare: Run
    floor: Run  # bare PTB whose handler also reads one row in a transaction of its own
    meetings_checked: int
    seed_seconds: float
    workers: int = 1  # updates handled at once (chibo's processor, the same for the baselines)

    @property
    def ratio(self) -> float:
        return self.chibo.rate / self.bare.rate if self.bare.rate else 0.0

    def lines(self) -> list[str]:
        runs = [self.chibo, self.bare, self.floor]

        def row(label: str, fmt: Callable[[Run], str]) -> list[str]:
            return [label, *(fmt(r) for r in runs)]

        def ms(values: list[float], q: float) -> str:
            return f"{percentile(values, q) * 1000:.2f}"

        rows = [
            ["", "chibo", "bare PTB", "bare + 1 read"],
            row("updates", lambda r: str(r.updates)),
            row("wall time, s", lambda r: f"{r.seconds:.2f}"),
            row("updates/s", lambda r: f"{r.rate:.1f}"),
            row("time per update p50, ms", lambda r: ms(r.service, 50)),
            row("time per update p99, ms", lambda r: ms(r.service, 99)),
            row("mean, ms", lambda r: f"{statistics.fmean(r.service) * 1000:.2f}"),
            row("wait + processing p50, ms", lambda r: ms(r.latency, 50)),
            row("wait + processing p99, ms", lambda r: ms(r.latency, 99)),
            row("Bot API calls (not getUpdates)", lambda r: str(r.api_calls)),
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        meetings = self.secretaries * self.meetings_per_secretary
        out = [
            f"updates on {self.database}: {self.secretaries} secretaries × "
            f"{self.meetings_per_secretary} meetings × {UPDATES_PER_MEETING} updates = "
            f"{self.chibo.updates} updates, {ROSTER}-member rosters, all secretaries at once",
            f"Bot API round trip: {self.latency_ms:g} ms"
            + (" (the fake answers at once)" if not self.latency_ms else " (slept by the fake)"),
            f"updates handled at once: {self.workers} (one chat's in order; the same for all three)",
            "",
        ]
        for first, *rest in rows:
            out.append(
                f"{first:<{widths[0]}}"
                + "".join(f"  {c:>{max(w, 10)}}" for c, w in zip(rest, widths[1:], strict=True))
            )
        out += [
            "",
            f"chibo/bare updates/s: {self.ratio:.3f} (target ≥ 0.5 on SQLite)",
            f"bare + 1 read/bare updates/s: {self.floor.rate / self.bare.rate:.3f} "
            "(one transaction reading one row, on the same database, then the echo)",
            f"meetings saved and checked: {self.meetings_checked} of {meetings} "
            f"(28/30 present, 1 excused '{REASON}', 1 unexcused, {LENGTH} minutes)",
            f"seeding {self.secretaries} cells × {ROSTER} members (not timed): "
            f"{self.seed_seconds:.2f} s",
        ]
        return out


# --- chibo ----------------------------------------------------------------------------------


def member_names() -> list[str]:
    names = [f"{f} {g}" for g in GIVEN for f in FAMILY][:ROSTER]
    assert len(set(names)) == ROSTER
    return sorted(names)


@dataclass(frozen=True)
class Plan:
    """What one secretary logs: meeting k is in the k-th month before NOW's; two absent."""

    user_id: int
    cell_id: int
    names: list[str]

    def day(self, k: int) -> date:
        if k == 0:
            return NOW.date()
        months = NOW.year * 12 + NOW.month - 1 - k
        return date(months // 12, months % 12 + 1, 15)

    def absent(self, k: int) -> tuple[str, str]:
        """(excused, unexcused), different pairs from meeting to meeting."""
        i = (2 * k + self.user_id) % ROSTER
        return self.names[i], self.names[(i + 1) % ROSTER]


async def _seed(engine: AsyncEngine, secretaries: int) -> list[Plan]:
    sessions = make_sessionmaker(engine)
    names = member_names()
    plans: list[Plan] = []
    async with sessions() as session, session.begin():
        ward = await orgs.create(
            session, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None,
            actor_id=None, source="cli",
        )  # fmt: skip
        for number in range(secretaries):
            cell = await orgs.create(
                session, name=f"Chi bộ Khu phố {number + 1}", kind=OrgKind.CELL, parent=ward,
                actor_id=None, cell_type=CellType.RESIDENTIAL, source="cli",
            )  # fmt: skip
            for name in names:
                await members.add_member(
                    session, cell_id=cell.id, full_name=name,
                    spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
                    actor_id=None, source="cli", refresh_tallies=False,
                )  # fmt: skip
            user_id = FIRST_USER + number
            await users.touch_user(
                session, user_id, first_name="Bí thư", last_name=str(user_id), username=None,
                language_code="vi",
            )  # fmt: skip
            await users.grant_role(
                session, user_id=user_id, org=cell, role=Role.SECRETARY, actor_id=None,
                source="cli",
            )  # fmt: skip
            plans.append(Plan(user_id, cell.id, names))
    return plans


async def log_meetings(sec: Secretary, plan: Plan, meetings: int) -> None:
    """Taps and typed messages of one secretary, each answered before the next."""
    for k in range(meetings):
        excused, unexcused = plan.absent(k)
        await sec.command("start")  # the menu
        await sec.tap("📝 Ghi sinh hoạt")
        await sec.press("Thường kỳ")
        if k == 0:
            await sec.press("Hôm nay")
        else:
            await sec.send(f"{plan.day(k):%d/%m/%Y}")  # a typed date
        await sec.press(f"✅ {excused}")  # the choice (#15)
        await sec.press(f"🟡 Vắng có lý do: {REASON}")  # → excused, with the reason
        await sec.press(f"✅ {unexcused}")
        await sec.press("❌ Vắng không có lý do")  # → unexcused
        await sec.press("➡️ Tiếp tục")
        await sec.press("➕ Thêm chi tiết")
        await sec.press("🕐 Giờ, thời lượng")
        await sec.press(f"{LENGTH}′")
        await sec.press("💾 Lưu")
        shown = sec.chat.last_bot_message
        if shown is None or "Đã lưu" not in (shown.text or ""):
            raise AssertionError(f"secretary {sec.id}: meeting {k} not saved on screen")


async def check(engine: AsyncEngine, plans: Sequence[Plan], meetings: int) -> int:
    """Every meeting saved as logged; raises on the first one that is not."""
    sessions = make_sessionmaker(engine)
    checked = 0
    async with sessions() as s:
        by_cell: dict[int, dict[str, int]] = {}
        for member_id, name, cell_id in (
            await s.execute(text("SELECT id, full_name, cell_id FROM members"))
        ).all():
            by_cell.setdefault(cell_id, {})[name] = member_id
        for plan in plans:
            saved = list(
                await s.scalars(
                    select(Meeting)
                    .where(Meeting.cell_id == plan.cell_id, Meeting.state != "deleted")
                    .order_by(Meeting.held_on.desc())
                )
            )
            expected = [plan.day(k) for k in range(meetings)]
            got = [(m.state, m.held_on) for m in saved]
            if got != [("saved", d) for d in expected]:
                raise AssertionError(f"cell {plan.cell_id}: meetings {got}, expected {expected}")
            for k, meeting in enumerate(saved):
                excused, unexcused = plan.absent(k)
                marks = {
                    m.member_id: (m.mark, m.reason)
                    for m in await s.scalars(
                        select(MeetingMark).where(MeetingMark.meeting_id == meeting.id)
                    )
                }
                want = {
                    by_cell[plan.cell_id][excused]: ("excused", REASON),
                    by_cell[plan.cell_id][unexcused]: ("unexcused", None),
                }
                figures = (
                    meeting.kind, meeting.minutes, meeting.eligible, meeting.present,
                    meeting.excused, meeting.unexcused,
                )  # fmt: skip
                if marks != want or figures != ("regular", LENGTH, ROSTER, ROSTER - 2, 1, 1):
                    raise AssertionError(
                        f"meeting {meeting.id} of cell {plan.cell_id}: marks {marks}, "
                        f"expected {want}; kind/minutes/tallies {figures}"
                    )
                checked += 1
    return checked


async def run_chibo(
    engine: AsyncEngine,
    url: str,
    plans: Sequence[Plan],
    meetings: int,
    latency: float = 0.0,
    workers: int = 1,
) -> tuple[Run, list[Script], list[str]]:
    fake = Fake(latency)
    app = build_application(
        Settings(token=TOKEN, database_url=url, update_workers=workers),
        request=fake,
        engine=engine,
        clock=lambda: NOW,
        rate_limiter=None,  # the limiter would pace replies at 30 msg/s: see the docstring
    )
    processor = TimedProcessor(workers)
    # The application's own processor (bot.app.factory.ChatOrderedProcessor) with a stopwatch.
    app._update_processor = processor
    assert app.job_queue is not None
    for job in app.job_queue.jobs():
        job.schedule_removal()  # the reminder tick: the fan-out benchmark measures it
    errors: list[str] = []

    async def record(_update: object, ctx: CallbackContext[Any, Any, Any, Any]) -> None:
        errors.append(repr(ctx.error))

    app.add_error_handler(record)
    feed = Feed(fake, processor)
    secretaries = [Secretary(app, fake, p.user_id, feed) for p in plans]
    await app.initialize()
    if app.post_init:
        await app.post_init(app)  # getMe, the database check, the command menus
    try:
        await _polling(app)
        try:
            assert not app.job_queue.jobs(), "the reminder tick still runs"
            fake.clear_calls()
            processor.service.clear()
            started = time.perf_counter()
            await asyncio.gather(
                *(log_meetings(s, p, meetings) for s, p in zip(secretaries, plans, strict=True))
            )
            seconds = time.perf_counter() - started
            calls = sum(1 for c in fake.calls if c.method != "getUpdates")
        finally:
            await _stop(app)  # also when a secretary's screen was wrong: that error shows
    finally:
        await app.shutdown()  # post_shutdown disposes of the engine; it reconnects on use
    scripts = [s.script for s in secretaries]
    chibo = Run(sum(map(len, scripts)), seconds, processor.service, feed.latency, calls)
    return chibo, scripts, errors


# --- the baseline: bare PTB -----------------------------------------------------------------


async def _echo(update: Update, ctx: CallbackContext[Any, Any, Any, Any]) -> None:
    """Every message gets a sendMessage, every button press an answerCallbackQuery."""
    sessions = ctx.bot_data.get("sessions")
    if sessions is not None and update.effective_user is not None:
        async with sessions.begin() as session:  # the floor of a handler with a database
            await users.get_user(session, update.effective_user.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.effective_chat is not None:
        msg = update.effective_message
        await ctx.bot.send_message(update.effective_chat.id, (msg.text if msg else None) or "…")


async def run_bare(
    scripts: Sequence[Script],
    latency: float = 0.0,
    engine: AsyncEngine | None = None,
    workers: int = 1,
) -> Run:
    """The same update JSON, user by user, through a bare Application polling a fresh fake;
    with ``engine``, the handler first reads the user's row in a transaction of its own."""
    fake = Fake(latency)
    processor = TimedProcessor(workers)
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(fake)
        .get_updates_request(fake)
        .concurrent_updates(processor)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=VN,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .build()
    )
    app.add_handler(TypeHandler(Update, _echo))
    if engine is not None:
        app.bot_data["sessions"] = make_sessionmaker(engine)
    feed = Feed(fake, processor)

    async def replay(script: Script) -> None:
        for payload in script:
            if "callback_query" in payload:
                query = dict(payload["callback_query"])
                query["id"] = fake.new_callback_query(query["from"]["id"])
                payload = {"callback_query": query}
            await feed(payload)

    async with app:
        await _polling(app)
        try:
            fake.clear_calls()
            started = time.perf_counter()
            await asyncio.gather(*(replay(s) for s in scripts))
            seconds = time.perf_counter() - started
            calls = sum(1 for c in fake.calls if c.method != "getUpdates")
        finally:
            await _stop(app)
    return Run(sum(map(len, scripts)), seconds, processor.service, feed.latency, calls)


# --- the run --------------------------------------------------------------------------------


async def run(
    database: str = "sqlite",
    secretaries: int = 50,
    meetings: int = 2,
    *,
    postgresql_url: str = DEFAULT_PG,
    latency_ms: float = 0.0,
    workers: int | None = None,
    workdir: Path | None = None,
) -> Report:
    """Seed, log the meetings through chibo, check them, then the bare baseline."""
    if not 1 <= meetings <= 120:
        raise ValueError("1 to 120 meetings per secretary (one regular meeting a month)")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        if database == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'updates.sqlite3'}"
            label = "SQLite"
            async with _database(url, None) as engine:
                return await _run(
                    engine, url, label, secretaries, meetings, latency_ms, workers or 1
                )
        if database == "postgresql":
            name = f"chibo_bench_{os.getpid()}"
            url = make_url(postgresql_url).set(database=name).render_as_string(hide_password=False)
            async with _database(url, postgresql_url) as engine:
                return await _run(
                    engine,
                    url,
                    "PostgreSQL",
                    secretaries,
                    meetings,
                    latency_ms,
                    workers or POSTGRESQL_UPDATE_WORKERS,
                )
    raise ValueError(f"unknown database {database!r}")


class _database:
    """A migrated database for the run: a file for SQLite, a throwaway PostgreSQL database
    created beside ``admin_url`` (and dropped afterwards)."""

    def __init__(self, url: str, admin_url: str | None) -> None:
        self.url, self.admin_url = url, admin_url
        self.name = make_url(url).database

    async def _admin(self, statement: str) -> None:
        assert self.admin_url is not None
        admin = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(statement))
        finally:
            await admin.dispose()

    async def __aenter__(self) -> AsyncEngine:
        if self.admin_url is not None:
            await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await self._admin(f'CREATE DATABASE "{self.name}"')
        self.engine = make_engine(self.url)
        await upgrade(self.engine)
        return self.engine

    async def __aexit__(self, *exc: object) -> None:
        await self.engine.dispose()
        if self.admin_url is not None:
            await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


async def _run(
    engine: AsyncEngine,
    url: str,
    label: str,
    secretaries: int,
    meetings: int,
    latency_ms: float,
    workers: int,
) -> Report:
    started = time.perf_counter()
    plans = await _seed(engine, secretaries)
    seed_seconds = time.perf_counter() - started
    latency = latency_ms / 1000
    chibo, scripts, errors = await run_chibo(engine, url, plans, meetings, latency, workers)
    if errors:
        raise AssertionError(f"{len(errors)} updates raised in a handler; first: {errors[0]}")
    checked = await check(engine, plans, meetings)
    bare = await run_bare(scripts, latency, workers=workers)
    floor = await run_bare(scripts, latency, engine, workers=workers)
    return Report(
        label,
        secretaries,
        meetings,
        latency_ms,
        chibo,
        bare,
        floor,
        checked,
        seed_seconds,
        workers,
    )


def peak_rss_mb() -> float:
    """The process's peak resident memory (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.updates",
        description="Secretaries logging meetings through chibo on the fake Bot API, against "
        "bare PTB answering the same updates; see docs/benchmarks.md.",
    )
    arg = parser.add_argument
    arg("--secretaries", type=int, default=50, help="cells, one secretary each (50)")
    arg("--meetings-per-secretary", type=int, default=2, help="meetings each logs (2)")
    arg("--database", choices=["sqlite", "postgresql", "both"], default="both")
    arg("--postgresql-url", default=DEFAULT_PG, help="a throwaway database is made beside it")
    arg("--api-latency-ms", type=float, default=0, help="Bot API round trip to model (0)")
    arg(
        "--workers",
        type=int,
        default=None,
        help="updates at once (chibo's default: 1 on SQLite, 8 on PostgreSQL)",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # PTB's notes about coming changes
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    tune_gc()  # the collector set as `chibo run` sets it (bot.services.memory), for all three runs
    reports = []
    for database in databases:
        report = asyncio.run(
            run(
                database,
                args.secretaries,
                args.meetings_per_secretary,
                postgresql_url=args.postgresql_url,
                latency_ms=args.api_latency_ms,
                workers=args.workers,
            )
        )
        reports.append(report)
        print("\n".join(report.lines()), end="\n\n", flush=True)
    if len(reports) > 1:
        print("summary: " + "; ".join(f"{r.database} chibo/bare {r.ratio:.3f}" for r in reports))
    print(f"peak RSS of the process: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
