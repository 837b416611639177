"""Fan-out benchmark (#4): N reminders through the real sending path to a rate-limited fake.

    python -m benchmarks.fanout [--messages 10000] [--limit 30] [--scale 10]

The real application (``build_application`` with PTB's ``AIORateLimiter``) runs on the fake
Bot API (tests/fakeapi), which answers 429 with ``retry_after`` once more than
``limit × scale`` sends fall in a sliding second, on a temporary SQLite database migrated
with Alembic. N recipients (distinct private chats) get one reminder each: the deliveries
are claimed as the scheduler claims them (``storage.deliveries.claim_many``, one transaction),
sent with ``bot.services.outbox.send_all`` and recorded with ``bot.services.scheduler.record``.

Time scaling: the fake's limit and the limiter's rate (and burst) are both multiplied by
``scale``, so 10,000 messages take seconds rather than minutes; the throughput is reported
as a ratio to the scaled limit. A 429 still costs ``retry_after`` (at least one real
second), so scaling makes a 429 cheaper relative to the run, not dearer.

Baseline, in the same run: the same N messages sent by a bare PTB bot (an ``ExtBot`` with
the same ``AIORateLimiter`` settings and the same number in flight; no application, no
database) to a fresh fake with the same limit.

Reported: wall time and msg/s of the sending, the ratio to the limit, the 429s the fake
answered, lost messages (a claimed delivery whose chat got no message), duplicated ones
(a chat with more than one message) and the deliveries by final state.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import FloodLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Defaults, ExtBot

from bot.app.factory import build_application
from bot.app.settings import Settings
from bot.domain.model import CellType, OrgKind
from bot.domain.reminders import Due, Kind
from bot.render.i18n import translator
from bot.render.reminder_text import render
from bot.services.outbox import CONCURRENCY, Outgoing, send_all
from bot.services.scheduler import record
from storage import deliveries, orgs
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import User
from tests.fakeapi import FakeTelegram

TOKEN = "123456:BENCH-token-for-the-offline-fake-api"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 22, 7, 5, tzinfo=VN)  # the morning reminder of a meeting day
MEETING_AT = clock_time(19, 30)
PER_CELL = 2  # a secretary and a deputy
FIRST_CHAT = 10_000_001
from bot.app.factory import BURST_SHARE, MAX_RETRIES, RATE_SHARE  # noqa: E402  (as the bot runs)

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Limits:
    """The fake's limit and PTB's limiter, both scaled.

    aiolimiter (under AIORateLimiter) is a leaky bucket: ``overall_max_rate`` requests go
    through at once, then it refills at ``overall_max_rate / overall_time_period`` a
    second. ``rate`` and ``burst`` are fractions of the scaled limit L; the defaults are
    bot.app.factory's (RATE_SHARE, BURST_SHARE), what the bot runs with. ``--rate 1 --burst 1`` gives
    PTB's default ``AIORateLimiter(L, 1)`` for comparison."""

    limit: float = FloodLimit.MESSAGES_PER_SECOND
    scale: float = 10
    rate: float = RATE_SHARE
    burst: float = BURST_SHARE
    max_retries: int = MAX_RETRIES

    @property
    def scaled(self) -> float:
        return self.limit * self.scale

    @property
    def tokens(self) -> float:
        return max(1.0, self.burst * self.scaled)

    @property
    def period(self) -> float:
        return self.tokens / (self.rate * self.scaled)

    @property
    def group_max_rate(self) -> float:
        return FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP * self.scale

    def limiter(self) -> AIORateLimiter:
        """The group limit (not met here: the chats are private) is scaled alike."""
        return AIORateLimiter(
            overall_max_rate=self.tokens,
            overall_time_period=self.period,
            group_max_rate=self.group_max_rate,
            group_time_period=60,
            max_retries=self.max_retries,
        )

    def fake(self) -> FakeTelegram:
        """The scaled overall limit; Telegram's own per chat (not met: one message each)."""
        fake = FakeTelegram(TOKEN)
        fake.set_rate_limit(self.scaled)
        return fake

    def describe(self) -> list[str]:
        return [
            f"limit {self.limit:g} msg/s × scale {self.scale:g} = {self.scaled:g} msg/s "
            "(the fake answers 429 + retry_after above it, in a sliding second)",
            f"AIORateLimiter(overall_max_rate={self.tokens:g}, "
            f"overall_time_period={self.period:.4g}, group_max_rate={self.group_max_rate:g}, "
            f"group_time_period=60, max_retries={self.max_retries}); {CONCURRENCY} in flight",
        ]


@dataclass
class Run:
    """One way of sending the N messages, with what the fake saw."""

    messages: int
    seconds: float  # wall time of the sending alone
    sent: int  # sends the fake accepted
    answered_429: int
    lost: int
    duplicated: int
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Report:
    limits: Limits
    chibo: Run
    bare: Run | None
    claim_seconds: float
    record_seconds: float
    states: dict[str, int]

    def ratio(self, run: Run) -> float:
        return run.rate / self.limits.scaled

    def lines(self) -> list[str]:
        runs = [self.chibo] if self.bare is None else [self.chibo, self.bare]

        def row(label: str, fmt: Callable[[Run], str]) -> list[str]:
            return [label, *(fmt(r) for r in runs)]

        rows = [
            ["", "chibo", "bare PTB bot"][: len(runs) + 1],
            row("messages", lambda r: str(r.messages)),
            row("wall time of the sending, s", lambda r: f"{r.seconds:.2f}"),
            row("achieved msg/s", lambda r: f"{r.rate:.1f}"),
            row("ratio to the limit", lambda r: f"{self.ratio(r):.3f}"),
            row("429s answered by the fake", lambda r: str(r.answered_429)),
            row("lost", lambda r: str(r.lost)),
            row("duplicated", lambda r: str(r.duplicated)),
            row("send outcomes", lambda r: _counts(r.outcomes)),
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        out = [f"fan-out: {self.chibo.messages} messages", *self.limits.describe(), ""]
        for cells in rows:
            first, *rest = cells
            line = f"{first:<{widths[0]}}" + "".join(
                f"  {c:>{max(w, 12)}}" for c, w in zip(rest, widths[1:], strict=True)
            )
            out.append(line)
        out.append("")
        if self.bare is not None and self.bare.rate:
            out.append(f"chibo/bare msg/s: {self.chibo.rate / self.bare.rate:.3f}")
        out += [
            f"chibo, around the sending: claim {self.chibo.messages} deliveries "
            f"{self.claim_seconds:.2f} s, record the outcomes {self.record_seconds:.2f} s",
            f"deliveries by final state: {_counts(self.states)}",
        ]
        return out


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"


def open_chats(fake: FakeTelegram, chat_ids: Sequence[int]) -> FakeTelegram:
    """The recipients have started the bot, as secretaries have (else Telegram answers 403)."""
    for chat_id in chat_ids:
        fake.start_chat({"id": chat_id, "is_bot": False, "first_name": f"Bí thư {chat_id}"})
    return fake


def check(fake: FakeTelegram, chat_ids: Sequence[int]) -> tuple[int, int]:
    """(lost, duplicated): chats that should show one message and show none, or more."""
    lost = sum(1 for c in chat_ids if not fake.chat(c).messages)
    duplicated = sum(1 for c in chat_ids if len(fake.chat(c).messages) > 1)
    return lost, duplicated


def _run(fake: FakeTelegram, items: Sequence[Outgoing], seconds: float, outcomes: Any) -> Run:
    lost, duplicated = check(fake, [i.chat_id for i in items])
    return Run(
        messages=len(items),
        seconds=seconds,
        sent=fake.stats.accepted,
        answered_429=fake.stats.rejected_by_code.get(429, 0),
        lost=lost,
        duplicated=duplicated,
        outcomes=dict(outcomes),
    )


# --- chibo: the application, the database, the scheduler's claim / send / record ------------


async def _seed(sessions: Sessions, messages: int) -> list[tuple[int, str, list[int]]]:
    """A ward with cells of PER_CELL recipients each: (cell id, name, chat ids)."""
    cells: list[tuple[int, str, list[int]]] = []
    async with sessions() as session, session.begin():
        ward = await orgs.create(
            session, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None,
            actor_id=None, source="cli",
        )  # fmt: skip
        chat = FIRST_CHAT
        for number in range((messages + PER_CELL - 1) // PER_CELL):
            cell = await orgs.create(
                session, name=f"Chi bộ Khu phố {number + 1}", kind=OrgKind.CELL, parent=ward,
                actor_id=None, cell_type=CellType.RESIDENTIAL, source="cli",
            )  # fmt: skip
            ids = list(range(chat, min(chat + PER_CELL, FIRST_CHAT + messages)))
            chat += len(ids)
            session.add_all(
                User(telegram_id=i, first_name=f"Bí thư {i}", language_code="vi") for i in ids
            )
            cells.append((cell.id, cell.name, ids))
    return cells


async def _claim(sessions: Sessions, cells: list[tuple[int, str, list[int]]]) -> list[Outgoing]:
    """As bot.services.scheduler.plan_batches does: render, claim, keep what was won."""
    tr = translator("vi")
    today: date = NOW.date()
    until = datetime.combine(today, MEETING_AT, VN)
    drafts: list[Outgoing] = []
    claims: list[deliveries.Claim] = []
    async with sessions() as session, session.begin():
        for cell_id, name, chat_ids in cells:
            item = Due(Kind.DAY, cell_id, f"{today:%Y%m}", today, until)
            text, buttons = render(
                item,
                cell_id=cell_id,
                cell=html.escape(name, quote=False),
                at=MEETING_AT,
                tr=tr,
                today=today,
            )
            for chat_id in chat_ids:
                drafts.append(Outgoing(0, chat_id, text, buttons))
                claims.append(
                    deliveries.Claim(
                        chat_id, item.key, item.kind.value, cell_id, drafts[-1].payload
                    )
                )
        won = await deliveries.claim_many(session, claims)
        out = [replace(d, delivery_id=i) for d, i in zip(drafts, won, strict=True) if i is not None]
    return out


# --- the baseline: a bare PTB bot -----------------------------------------------------------


async def send_bare(items: Sequence[Outgoing], limits: Limits) -> Run:
    """The same messages from an ExtBot with the same limiter, CONCURRENCY in flight."""
    fake = open_chats(limits.fake(), [i.chat_id for i in items])
    bot: ExtBot[int] = ExtBot(
        TOKEN,
        request=fake,
        get_updates_request=fake,
        rate_limiter=limits.limiter(),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
    )
    outcomes: dict[str, int] = {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(item: Outgoing) -> None:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in item.buttons]
        )
        async with gate:
            try:
                await bot.send_message(item.chat_id, item.text, reply_markup=markup)
                state = "sent"
            except TelegramError as exc:
                state = type(exc).__name__
        outcomes[state] = outcomes.get(state, 0) + 1

    async with bot:
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in items))
        seconds = time.perf_counter() - started
    return _run(fake, items, seconds, outcomes)


# --- the run --------------------------------------------------------------------------------


async def run(
    messages: int = 10_000,
    limits: Limits | None = None,
    *,
    baseline: bool = True,
    workdir: Path | None = None,
) -> Report:
    """Set up, claim, send the baseline (if asked), send through chibo, record."""
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'fanout.sqlite3'}"
        engine = make_engine(url)
        try:
            await upgrade(engine)
            fake = limits.fake()
            app = build_application(
                Settings(token=TOKEN, database_url=url),
                request=fake,
                engine=engine,
                clock=lambda: NOW,
                rate_limiter=limits.limiter(),
            )
            await app.initialize()  # getMe; the application is not started: no tick runs
            try:
                sessions = make_sessionmaker(engine)
                cells = await _seed(sessions, messages)
                open_chats(fake, [chat_id for _cell, _name, ids in cells for chat_id in ids])

                started = time.perf_counter()
                items = await _claim(sessions, cells)
                claim_seconds = time.perf_counter() - started

                # The baseline first, on a fake of its own, with the same messages.
                bare = await send_bare(items, limits) if baseline else None

                started = time.perf_counter()
                outcomes = await send_all(app.bot, items)
                send_seconds = time.perf_counter() - started

                started = time.perf_counter()
                await record(app.bot_data, outcomes, NOW)
                record_seconds = time.perf_counter() - started

                counted: dict[str, int] = {}
                for o in outcomes:
                    counted[o.state] = counted.get(o.state, 0) + 1
                chibo = _run(fake, items, send_seconds, counted)
                async with sessions() as session:
                    states = await deliveries.count_by_state(session)
            finally:
                await app.shutdown()
        finally:
            await engine.dispose()
    return Report(limits, chibo, bare, claim_seconds, record_seconds, states)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fanout",
        description="Fan out reminders through chibo's sending path to a rate-limited fake "
        "Bot API; see docs/benchmarks.md.",
    )
    arg = parser.add_argument
    arg("--messages", type=int, default=10_000, help="recipients, one message each (10000)")
    arg("--limit", type=float, default=FloodLimit.MESSAGES_PER_SECOND, help="msg/s (30)")
    arg("--scale", type=float, default=10, help="the limit and the limiter × this (10)")
    arg("--rate", type=float, default=RATE_SHARE, help="limiter rate, a fraction of the limit")
    arg("--burst", type=float, default=BURST_SHARE, help="limiter burst, a fraction of the limit")
    arg("--max-retries", type=int, default=MAX_RETRIES, help="AIORateLimiter max_retries (3)")
    arg("--no-baseline", action="store_true", help="skip the bare PTB bot")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(
        logging.CRITICAL
    )  # exhausted retries show in the outcomes
    warnings.simplefilter("ignore")  # PTB's notes that retry_after will become a timedelta
    limits = Limits(args.limit, args.scale, args.rate, args.burst, args.max_retries)
    report = asyncio.run(run(args.messages, limits, baseline=not args.no_baseline))
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main()
