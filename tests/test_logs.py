"""Logs never hold the bot token nor a member's name (#6).

A realistic day runs through the real application talking real HTTP (PTB's HTTPXRequest) to
the fake Bot API, with logging set up exactly as `chibo run` does (bot.app.logs.setup_logging
with the token, at INFO); the test reads what the production handler FORMATS, tracebacks
included. httpx is turned up to INFO on top of that, the worst case: its "HTTP Request: POST
…/bot<token>/…" lines must come out redacted.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import build_application
from bot.app.logs import setup_logging
from bot.app.settings import Settings
from bot.domain.text import fold
from bot.services.scheduler import tick
from handlers.context import BotContext
from storage.models import Member

from .auxil.botenv import TOKEN, VN, BotEnv, Clock, fake_for, limiter_for
from .auxil.db import Backend
from .auxil.flows import admin_invite, log_meeting
from .fakeapi.http import FakeBotApiServer

SHAPED_LIKE_A_TOKEN = re.compile(r"\d{5,}(:|%3A)[A-Za-z0-9_-]{20,}", re.IGNORECASE)
QUIETED = ("httpx", "httpcore", "alembic", "apscheduler")


@pytest.fixture
def production_log() -> Iterator[io.StringIO]:
    """Logging as `chibo run` sets it up; what its handler writes is collected."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIETED}
    setup_logging("INFO", TOKEN)
    (handler,) = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    out = io.StringIO()
    handler.setStream(out)
    yield out
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def http_env(engine: AsyncEngine, clock: Clock) -> AsyncIterator[BotEnv]:
    """The application over real HTTP: httpx writes its request lines."""
    server = FakeBotApiServer(fake_for(clock)).start()
    settings = Settings(token=TOKEN, database_url=str(engine.url), api_root=server.url)
    limiter = limiter_for(server.fake)  # as start_env: chibo's own, on the fake's time scale
    app = build_application(settings, engine=engine, clock=clock, rate_limiter=limiter)
    env = BotEnv(app, server.fake, engine, clock)

    async def record(_update: object, ctx: BotContext) -> None:
        if ctx.error is not None:
            env.errors.append(ctx.error)

    app.add_error_handler(record)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    yield env
    await app.shutdown()
    server.stop()


async def _refuse_new_members(env: BotEnv, backend: Backend, on: bool) -> None:
    """A database that refuses to store a member. On PostgreSQL a CHECK constraint: its
    error's DETAIL ("Failing row contains (…)") holds the row, the name in it."""
    async with env.engine.begin() as conn:
        if backend.name == "sqlite":
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON members "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
                if on
                else text("DROP TRIGGER refuse")
            )
        else:
            await conn.execute(
                text(
                    "ALTER TABLE members ADD CONSTRAINT refused_by_the_test CHECK (false) NOT VALID"
                )
                if on
                else text("ALTER TABLE members DROP CONSTRAINT refused_by_the_test")
            )


async def test_a_day_of_logs_has_no_token_and_no_names(
    production_log: io.StringIO, http_env: BotEnv, backend: Backend
) -> None:
    env = http_env
    logging.getLogger("httpx").setLevel(logging.INFO)  # the worst case, on purpose
    tree = await env.seed_tree()

    # Onboarding: the ward's admin opens their link and invites a secretary.
    admin = env.user(100, "Lan", last_name="Nguyễn Thị")
    await admin.command("start", await admin_invite(env, tree["ward"]))
    await admin.tap("🏛 Tổ chức")
    await admin.press("Chi bộ Khu phố 5")
    await admin.press("✉️ Gửi lời mời")
    await admin.press("Bí thư")
    link = next(w for w in admin.chat.last_bot_message.text.split() if "?start=" in w)
    sec = env.user(200, "Hòa", last_name="Trần Văn")
    await sec.command("start", link.split("=", 1)[1])
    assert "bí thư" in sec.chat.last_bot_message.text

    # The roster: one member typed, three pasted.
    await sec.tap("👥 Đảng viên")
    await sec.press("➕ Thêm một người")
    await sec.send("Lê Thị Ngọc Ánh")
    await sec.press("dự bị")
    await sec.press("Hôm nay")
    await sec.command("members")
    await sec.press("📋 Dán danh sách")
    await sec.send("1. Nguyễn Văn Toản\n2. Đỗ Thị Huyền - dự bị\n3. Phạm Quốc Khánh")
    await sec.press("✅ Lưu (3)")

    # A reminder tick (the 1st of the month), then back to the 21st.
    env.clock.set(datetime(2026, 11, 1, 8, 5, tzinfo=VN))
    assert (await tick(env.app.bot_data, env.app.bot)).claimed > 0
    env.clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=VN))

    # The month's meeting, with two absences.
    await log_meeting(
        sec, menu=True, excused={"Nguyễn Văn Toản": "ốm"}, unexcused=["Phạm Quốc Khánh"]
    )
    assert any("Đã lưu" in t for t in sec.chat.bot_texts())

    # A report, by the secretary and by the admin.
    await sec.command("baocao")
    await sec.send("11/2026")
    assert "Chi bộ Khu phố 5: sinh hoạt chi bộ tháng 11/2026" in sec.chat.last_bot_message.text
    await admin.command("baocao")
    await admin.press("tháng 11/2026")

    # An error in a handler: the database refuses the new member; the traceback is logged.
    await _refuse_new_members(env, backend, on=True)
    await sec.command("members")
    await sec.press("➕ Thêm một người")
    await sec.send("Võ Thị Xuân Hương")
    await sec.press("dự bị")
    await sec.press("Hôm nay")
    await _refuse_new_members(env, backend, on=False)
    assert "Xin lỗi" in (sec.last_alert or "")
    assert env.errors and all(isinstance(e, DBAPIError) for e in env.errors)
    env.errors.clear()

    async with env.db() as s:
        names = list(await s.scalars(select(Member.full_name)))
    assert len(names) == 4
    names += [
        "Võ Thị Xuân Hương",
        "Nguyễn Thị Lan",
        "Lan Nguyễn Thị",
        "Trần Văn Hòa",
        "Hòa Trần Văn",
    ]

    log = production_log.getvalue()
    # The test saw what it meant to: requests, the tick, the traceback.
    assert "HTTP Request: POST http://127.0.0.1:" in log and "/bot***/sendMessage" in log
    assert "tick: " in log and "Traceback (most recent call last)" in log
    if backend.name == "postgresql":  # the row was quoted by the server, and hidden
        assert "refused_by_the_test" in log and "DETAIL: (hidden" in log
    else:
        assert "refused by the test" in log
    assert "[SQL parameters hidden due to hide_parameters=True]" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert not SHAPED_LIKE_A_TOKEN.search(log)
    folded_log = fold(log)
    for name in names:
        for form in {name, name.casefold(), fold(name)}:
            assert form not in log, f"{form!r} is in the log"
        assert fold(name) not in folded_log, f"{name!r} (folded) is in the log"
    assert not env.errors
