"""The sending path of the reminders (#4): retries after a server error, no retry after a
timeout-like failure, and one claim per (chat, key) whatever happens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.domain.model import Role
from bot.services.scheduler import tick
from storage.models import Delivery, User

from .auxil.botenv import VN, BotEnv


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


async def test_claims_in_bulk_are_at_most_once_and_keep_their_order(env: BotEnv) -> None:
    """storage.reminders.claim_many (#6): several INSERT chunks, a (chat, key) claimed in an
    earlier call or twice in one call is won once, the ids come back in the callers' order,
    and finish_many records each outcome on its own row."""
    from storage import reminders

    first = [reminders.Claim(1000 + i, "k:1", "day", None, {"text": f"#{i}"}) for i in range(7)]
    async with env.db() as s:
        ids = await reminders.claim_many(s, first)
    assert all(i is not None for i in ids) and len(set(ids)) == 7
    chunk = reminders.CLAIM_CHUNK
    again = [
        *(reminders.Claim(1000 + i, "k:2", "day", None, {"text": f"@{i}"}) for i in range(chunk)),
        first[3],  # claimed by the first call
        reminders.Claim(5000, "k:2", "day", None, {"text": "once"}),
        reminders.Claim(5000, "k:2", "day", None, {"text": "twice"}),
    ]
    async with env.db() as s:
        won = await reminders.claim_many(s, again)
        assert won[chunk] is None and won[chunk + 1] is not None and won[chunk + 2] is None
        assert all(w is not None for w in won[:chunk])
        await reminders.finish_many(
            s,
            [
                reminders.Finish(ids[0], "sent", message_id=77),
                reminders.Finish(ids[1], "retry", error="x" * 500),
            ],
        )
    async with env.db() as s:
        rows = {(r.chat_id, r.key): r for r in await s.scalars(select(Delivery))}
    assert len(rows) == 7 + chunk + 1
    assert rows[(5000, "k:2")].payload == {"text": "once"}
    assert [rows[(1000 + i, "k:2")].id for i in range(chunk)] == won[:chunk]
    sent, retry = rows[(1000, "k:1")], rows[(1001, "k:1")]
    assert (sent.state, sent.attempts, sent.message_id) == ("sent", 1, 77)
    assert sent.sent_at is not None
    assert (retry.state, retry.attempts, retry.sent_at) == ("retry", 1, None)
    assert retry.error == "x" * 200
    assert rows[(1002, "k:1")].state == "claimed"


async def test_a_secretary_who_never_opened_the_bot_is_not_called_blocked(env: BotEnv) -> None:
    """#12 (found by the strict fake): Telegram refuses a message to someone who never
    opened the bot ("can't initiate conversation"); the ward's admin is told to ask them to
    open it, not that they blocked it, and they get nothing more until they do."""
    tree = await env.seed_tree()
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("start")
    sec = env.user(201, "Hòa", last_name="Trần")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)  # by `chibo admin add`: never wrote
    env.clock.set(datetime(2026, 11, 30, 8, 5, tzinfo=VN))
    report = await tick(env.app.bot_data, env.app.bot)
    # Her three reminders of the day (D+1, the last day, D-3 of 03/12) are all refused.
    assert report.outcomes.get("unstarted") == 3 and "blocked" not in report.outcomes
    notices = [t for t in admin.chat.bot_texts() if "201 (Chi bộ Khu phố 5)" in t]
    assert len(notices) == 1  # the admin is told once (her name is unknown: she never wrote)
    assert "chưa từng mở chibo" in notices[0] and "chặn" not in notices[0]
    async with env.db() as s:
        user = await s.get(User, 201)
        assert user is not None and user.unreachable_since is not None
    env.clock.set(datetime(2026, 11, 30, 8, 6, tzinfo=VN))
    assert (await tick(env.app.bot_data, env.app.bot)).claimed == 0
