"""The sending path of the reminders (#4): retries after a server error, no retry after a
timeout-like failure, and one claim per (chat, key) whatever happens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.model import Role
from bot.scheduler import tick
from storage.models import Delivery

from .botenv import VN, BotEnv


async def test_a_server_error_is_retried_by_the_next_tick_and_sent_once(env: BotEnv) -> None:
    tree = await env.seed_tree()
    sec = env.user(201, "Hòa")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    await sec.command("start")
    before = len(sec.chat.messages)
    # 30/11, nothing logged for November: D+1 (after), the last day, and D-3 of 03/12.
    env.clock.set(datetime(2026, 11, 30, 8, 5, tzinfo=VN))
    env.fake.fail_next("sendMessage", chat_id=201, error="server_error", times=3)
    report = await tick(env.app.bot_data, env.app.bot)
    assert report.claimed == 3 and report.outcomes == {"retry": 3}
    async with env.db() as s:
        rows = list(await s.scalars(select(Delivery)))
        assert {(r.state, r.attempts) for r in rows} == {("retry", 1)}
    assert len(sec.chat.messages) == before
    env.clock.set(datetime(2026, 11, 30, 8, 6, tzinfo=VN))
    report = await tick(env.app.bot_data, env.app.bot)
    assert report.outcomes == {"sent": 3}
    new = sec.chat.messages[before:]
    assert len(new) == 3 and any("03/12/2026" in (m.text or "") for m in new)
    assert all("📝 Ghi sinh hoạt" in m.labels or "📅 Dời ngày sinh hoạt" in m.labels for m in new)
    env.clock.set(datetime(2026, 11, 30, 8, 7, tzinfo=VN))
    assert (await tick(env.app.bot_data, env.app.bot)).claimed == 0
    assert len(sec.chat.messages) == before + 3
    cell = tree["kp5"].id
    async with env.db() as s:
        rows = list(await s.scalars(select(Delivery).order_by(Delivery.key)))
    assert [(r.key, r.state, r.attempts) for r in rows] == [
        (f"after:{cell}:2026-11", "sent", 2),
        (f"before:{cell}:2026-12-03", "sent", 2),
        (f"mlast:{cell}:2026-11-30", "sent", 2),
    ]


async def test_quiet_hours_send_nothing_and_the_morning_catches_up(env: BotEnv) -> None:
    tree = await env.seed_tree()
    sec = env.user(201, "Hòa")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    await sec.command("start")
    before = len(sec.chat.messages)
    env.clock.set(datetime(2026, 11, 30, 22, 0, tzinfo=VN))
    assert (await tick(env.app.bot_data, env.app.bot)).claimed == 0
    env.clock.set(datetime(2026, 12, 1, 6, 59, tzinfo=VN))
    assert (await tick(env.app.bot_data, env.app.bot)).claimed == 0
    env.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=VN))
    # At 07:00 the D-3 of 03/12 (due since 30/11 08:00) goes out; November's D+1 and
    # last-day reminders are stale by now (the month is over) and are dropped.
    assert (await tick(env.app.bot_data, env.app.bot)).outcomes == {"sent": 1}
    texts = [m.text or "" for m in sec.chat.messages[before:]]
    assert len(texts) == 1 and "03/12/2026" in texts[0]
