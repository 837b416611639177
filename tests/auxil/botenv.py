"""The real chibo Application on a fake Telegram, with a clock tests can move.

As in production, the application has chibo's rate limiter (``bot.app.factory.telegram_rate_limiter``:
PTB's AIORateLimiter, 30 messages a second overall, 20 a minute per group, a RetryAfter waited
out and the request retried) and the fake enforces Telegram's flood limits
(tests/fakeapi/limits.py) and answers 403 to users who never started the bot.

Time scale: the limiter and the fake's limits share one clock that runs :data:`TIME_SCALE`
times faster than real time (the limiter's periods are divided by it, the fake's clock is
multiplied by it), so a flow test pays a few milliseconds for the limiter's pacing instead of
35 ms a request, and a minute of a group's limit passes in 60 / TIME_SCALE real seconds. What
is sent, in what order, and whether a limit is met are as in real time. ``CHIBO_TEST_TIME_SCALE=1``
runs the flow tests in Telegram's own time, with build_application's default limiter.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.app.factory import ChiboApp, build_application, telegram_rate_limiter
from bot.app.settings import Settings
from bot.domain.model import CellType, OrgKind, Role
from handlers.context import BotContext
from storage import meetings, orgs, users
from storage.db import make_sessionmaker
from storage.models import Org

from ..fakeapi import FakeTelegram, TgGroup, TgUser

TOKEN = "123456:TEST-token-for-the-offline-fake-api"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# When seed_tree's organisations were entered into chibo: a cell without a founding day counts
# from then (bot.domain.facts.tracked_since, #14), and tests play months long before the
# machine's today.
ENTERED = datetime(2020, 1, 1, tzinfo=UTC)


class Clock:
    """Injectable time: `clock()` is "now" in UTC; tests move it."""

    def __init__(self, local: datetime) -> None:
        self.now = local.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, local: datetime) -> None:
        self.now = local.astimezone(UTC)


@dataclass
class BotEnv:
    app: ChiboApp
    fake: FakeTelegram
    engine: AsyncEngine
    clock: Clock
    errors: list[BaseException] = field(default_factory=list)
    _users: dict[int, TgUser] = field(default_factory=dict)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return make_sessionmaker(self.engine)

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions.begin() as session:
            yield session

    def user(
        self,
        user_id: int,
        first_name: str = "Hòa",
        *,
        last_name: str | None = None,
        language_code: str | None = "vi",
    ) -> TgUser:
        if user_id not in self._users:
            self._users[user_id] = TgUser(
                self.app, self.fake, user_id, first_name, last_name, language_code=language_code
            )
        return self._users[user_id]

    def group(self, chat_id: int, title: str) -> TgGroup:
        return TgGroup(self.app, self.fake, chat_id, title)

    async def count(self, model: Any, *where: Any) -> int:
        async with self.db() as s:
            return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    async def seed_tree(self) -> dict[str, Org]:
        """A ward committee with two cells (ids are stable within a test)."""
        async with self.db() as s:
            ward = await orgs.create(
                s, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None, actor_id=None
            )
            kp5 = await orgs.create(
                s,
                name="Chi bộ Khu phố 5",
                kind=OrgKind.CELL,
                parent=ward,
                actor_id=None,
                cell_type=CellType.RESIDENTIAL,
            )
            tdp12 = await orgs.create(
                s,
                name="Chi bộ Tổ dân phố 12",
                kind=OrgKind.CELL,
                parent=ward,
                actor_id=None,
                cell_type=CellType.RESIDENTIAL,
            )
            # #14: entered long ago, so every month a test plays counts for the cells
            # (bot.domain.facts.tracked_since; created_at is real time, not the test clock).
            for org in (ward, kp5, tdp12):
                org.created_at = ENTERED
        return {"ward": ward, "kp5": kp5, "tdp12": tdp12}

    async def save_meeting(
        self,
        cell_id: int,
        day: date,
        kind: str = "regular",
        marks: dict[int, tuple[str, str | None]] | None = None,
        *,
        by: int = 200,
    ) -> int:
        """A saved meeting, stored as the logging flow stores it (no mark: present)."""
        async with self.db() as s:
            m = await meetings.create_draft(
                s, cell_id=cell_id, kind=kind, user_id=by, start=time(19, 30), minutes=90
            )
            m.held_on = day
            for member_id, (mark, reason) in (marks or {}).items():
                await meetings.set_mark(s, m, member_id, mark, reason)
            await meetings.save(s, m, actor_id=by)
            return m.id

    async def enrol(self, user: TgUser, org: Org, role: Role) -> TgUser:
        """Grant the role, then /start: a bot may only write to people who started it."""
        await self.grant(user, org, role)
        await user.command("start")
        return user

    async def grant(self, user: TgUser, org: Org, role: Role) -> None:
        async with self.db() as s:
            await users.grant_role(
                s, user_id=user.id, org=org, role=role, actor_id=None, source="cli"
            )


TIME_SCALE = float(os.environ.get("CHIBO_TEST_TIME_SCALE", "20"))


def on_time_scale(limiter: AIORateLimiter, scale: float) -> AIORateLimiter:
    """``limiter`` with every period divided by ``scale``: the same bursts and the same
    retries, its buckets refilled ``scale`` times faster (its retry waits are in real seconds,
    as the fake's retry_after is)."""
    base = limiter._base_limiter  # PTB keeps its settings private; read, never changed
    return AIORateLimiter(
        overall_max_rate=base.max_rate if base is not None else 0,
        overall_time_period=base.time_period / scale if base is not None else 0,
        group_max_rate=limiter._group_max_rate,
        group_time_period=limiter._group_time_period / scale,
        max_retries=limiter._max_retries,
    )


def limiter_for(fake: FakeTelegram) -> AIORateLimiter:
    """chibo's own limiter (bot.app.factory.telegram_rate_limiter) on the fake's time scale."""
    limiter = telegram_rate_limiter()
    return limiter if fake.time_scale == 1 else on_time_scale(limiter, fake.time_scale)


def fake_for(clock: Clock, **options: Any) -> FakeTelegram:
    """The fake a flow test talks to: dates from ``clock``, limits on :data:`TIME_SCALE`."""
    return FakeTelegram(date_clock=lambda: clock().timestamp(), time_scale=TIME_SCALE, **options)


_PRODUCTION: Any = object()  # chibo's own limiter, on the fake's time scale


async def start_env(
    engine: AsyncEngine,
    clock: Clock,
    fake: FakeTelegram | None = None,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = _PRODUCTION,
) -> BotEnv:
    """Build and initialise the application, as `chibo run` does (without polling), with
    chibo's own rate limiter on the fake's time scale, unless a test passes another (and says
    why)."""
    fake = fake or fake_for(clock)
    settings = Settings(token=TOKEN, database_url=str(engine.url))
    limiter: dict[str, Any] = {}  # build_application's default: telegram_rate_limiter()
    if rate_limiter is not _PRODUCTION:
        limiter["rate_limiter"] = rate_limiter
    elif fake.time_scale != 1:
        limiter["rate_limiter"] = limiter_for(fake)
    app = build_application(settings, request=fake, engine=engine, clock=clock, **limiter)
    env = BotEnv(app, fake, engine, clock)

    async def record(_update: object, ctx: BotContext) -> None:
        if ctx.error is not None:
            env.errors.append(ctx.error)

    app.add_error_handler(record)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    return env


async def stop_env(env: BotEnv) -> None:
    await env.app.shutdown()
