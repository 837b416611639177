"""🗓 The meeting day and time (M7, #4): a secretary sets the cell's own, an admin sets the
upper committee's default, the reminders follow at the next tick; typed times, a restart in
the middle, and refusals for anyone else. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select

from bot.domain.model import Role
from bot.services.scheduler import tick
from storage.models import AuditEntry, MeetingMove, Org

from .auxil.botenv import VN, BotEnv, start_env, stop_env
from .fakeapi import TgUser

SEC, OTHER_SEC, DELEGATE, ADMIN, STRANGER = 200, 203, 204, 900, 950
NOT_ALLOWED = "không thể thực hiện"


def text(user: TgUser) -> str:
    msg = user.chat.last_bot_message
    assert msg is not None and msg.text is not None
    return msg.text


async def org_row(env: BotEnv, org_id: int) -> tuple[int | None, time | None]:
    async with env.db() as s:
        org = await s.get(Org, org_id)
        assert org is not None
        return org.meeting_day, org.meeting_time


async def people(env: BotEnv) -> tuple[dict[str, Org], dict[str, TgUser]]:
    tree = await env.seed_tree()
    users = {
        "sec": await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY),
        "other": await env.enrol(env.user(OTHER_SEC, "Tâm"), tree["tdp12"], Role.SECRETARY),
        "delegate": await env.enrol(env.user(DELEGATE, "Bình"), tree["kp5"], Role.DELEGATE),
        "admin": await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN),
    }
    return tree, users


async def open_schedule(sec: TgUser) -> None:
    await sec.command("meeting")
    await sec.press("🗓 Ngày giờ sinh hoạt")


async def test_secretary_sets_day_and_time_and_goes_back_to_the_default(env: BotEnv) -> None:
    tree, u = await people(env)
    sec, kp5 = u["sec"], tree["kp5"]
    await open_schedule(sec)
    screen = text(sec)
    assert "Chi bộ Khu phố 5 sinh hoạt thường kỳ vào ngày 3 hằng tháng, lúc 19:30." in screen
    assert "theo lịch của Đảng ủy phường Hòa Minh" in screen
    assert "trước 3 ngày và 1 ngày lúc 08:00" in screen and "từ 21:30 đến 07:00" in screen
    labels = sec.chat.last_bot_message.labels
    assert [str(d) for d in range(1, 29)] == labels[:28]  # M7: 1-28, then "the last day"
    assert labels[28] == "Ngày cuối tháng" and "29" not in labels
    assert "↩️ Ngày theo cấp trên (ngày 3)" not in labels  # already inherited: ticked
    assert "✅ ↩️ Ngày theo cấp trên (ngày 3)" in labels
    assert "📅 Chỉ dời buổi tháng này" in labels

    await sec.press("17")
    assert await org_row(env, kp5.id) == (17, None)
    assert "vào ngày 17 hằng tháng, lúc 19:30" in text(sec)
    assert "✅ 17" in sec.chat.last_bot_message.labels  # the same message, edited
    await sec.press("20:00")
    assert await org_row(env, kp5.id) == (17, time(20, 0))
    assert "ngày 17 hằng tháng, lúc 20:00" in text(sec)
    assert "theo lịch của" not in text(sec)  # both set here now
    await sec.press("Ngày cuối tháng")
    assert await org_row(env, kp5.id) == (-1, time(20, 0))
    assert "vào ngày cuối cùng hằng tháng, lúc 20:00" in text(sec)

    await sec.press("↩️ Ngày theo cấp trên (ngày 3)")
    await sec.press("↩️ Giờ theo cấp trên (19:30)")
    assert await org_row(env, kp5.id) == (None, None)
    async with env.db() as s:
        entries = list(
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "org.update", AuditEntry.entity_id == kp5.id)
                .order_by(AuditEntry.id)
            )
        )
    # S4: every change attributable, before and after.
    assert [(e.actor_id, e.before["meeting_day"], e.after["meeting_day"]) for e in entries] == [
        (SEC, None, 17),
        (SEC, 17, 17),
        (SEC, 17, -1),
        (SEC, -1, None),
        (SEC, None, None),
    ]
    assert entries[1].after["meeting_time"] == "20:00"


async def test_typed_time_survives_a_restart_and_bad_input_is_answered(env: BotEnv) -> None:
    tree, u = await people(env)
    sec = u["sec"]
    await open_schedule(sec)
    await sec.press("⌨️ Giờ khác")
    assert "nhập giờ sinh hoạt" in text(sec)
    await sec.send("chiều nay")
    assert "Chưa đọc được “chiều nay” là giờ" in text(sec)
    await sec.send("25:00")
    assert "Chưa đọc được “25:00” là giờ" in text(sec)
    assert await org_row(env, tree["kp5"].id) == (None, None)  # nothing written
    await stop_env(env)  # the bot process dies here …
    env2 = await start_env(env.engine, env.clock, env.fake)  # … the flow is in the database
    sec2 = env2.user(SEC, "Hòa")
    await sec2.send("7h30 tối")
    assert await org_row(env2, tree["kp5"].id) == (None, time(19, 30))
    assert "lúc 19:30" in text(sec2)
    await sec2.send("8h")  # the flow is over: a hint, nothing changed
    assert await org_row(env2, tree["kp5"].id) == (None, time(19, 30))
    assert not env2.errors
    await stop_env(env2)


async def test_reminders_follow_the_new_day_at_the_next_tick(env: BotEnv) -> None:
    _tree, u = await people(env)
    sec = u["sec"]
    await open_schedule(sec)
    await sec.press("17")
    await sec.press("20:00")
    env.clock.set(datetime(2026, 12, 1, 8, 5, tzinfo=VN))  # D-3 of the default 03/12: none
    await tick(env.app.bot_data, env.app.bot)
    before = [m.text for m in sec.chat.messages if m.from_bot and m.text.startswith("📅")]
    assert before == []
    env.clock.set(datetime(2026, 12, 14, 8, 5, tzinfo=VN))
    await tick(env.app.bot_data, env.app.bot)
    [d3] = [m.text for m in sec.chat.messages if m.from_bot and m.text.startswith("📅")]
    assert "17/12/2026" in d3 and "20:00" in d3


async def test_admin_sets_the_default_of_the_cells_beneath(env: BotEnv) -> None:
    tree, u = await people(env)
    admin, sec = u["admin"], u["sec"]
    await admin.command("org")
    await admin.press("🗓 Ngày giờ sinh hoạt")
    screen = text(admin)
    assert "Các chi bộ thuộc Đảng ủy phường Hòa Minh sinh hoạt" in screen
    labels = admin.chat.last_bot_message.labels
    assert not [x for x in labels if x.startswith(("↩️", "✅ ↩️"))]  # the top has nothing above
    assert "📅 Chỉ dời buổi tháng này" not in labels  # not a cell
    await admin.press("Ngày cuối tháng")
    assert await org_row(env, tree["ward"].id) == (-1, None)
    await open_schedule(sec)  # KP5 sets nothing itself: it follows the ward
    assert "vào ngày cuối cùng hằng tháng, lúc 19:30" in text(sec)
    assert "✅ ↩️ Ngày theo cấp trên (cuối tháng)" in sec.chat.last_bot_message.labels
    # The admin may also set one cell's own day, from the cell's card.
    await admin.command("org")
    await admin.press("Chi bộ Tổ dân phố 12")
    await admin.press("🗓 Ngày giờ sinh hoạt")
    await admin.press("5")
    assert await org_row(env, tree["tdp12"].id) == (5, None)


async def test_others_are_refused_and_nothing_changes(env: BotEnv) -> None:
    tree, u = await people(env)
    kp5, ward = tree["kp5"], tree["ward"]
    await u["delegate"].command("meeting")  # a delegate logs meetings, sets no schedule
    assert "🗓 Ngày giờ sinh hoạt" not in u["delegate"].chat.last_bot_message.labels
    stranger = env.user(STRANGER, "Lạ")
    await stranger.command("start")
    other = u["other"]
    await other.command("meeting")
    msg = other.chat.last_bot_message.message_id
    for user, data in (
        (other, f"sc:d:{kp5.id}:9"),  # another cell's secretary
        (other, f"sc:o:{kp5.id}"),
        (other, f"sc:d:{ward.id}:9"),  # a secretary cannot set the committee's default
        (u["delegate"], f"sc:t:{kp5.id}:0800"),
        (u["sec"], f"sc:tt:{ward.id}"),
    ):
        before = len(user.chat.messages)
        await user.press_data(data, msg if user is other else user.chat.messages[-1].message_id)
        assert NOT_ALLOWED in (user.last_alert or ""), data
        assert len(user.chat.messages) == before  # nothing shown
    await stranger.press_data(f"sc:d:{kp5.id}:9", stranger.chat.messages[-1].message_id)
    assert NOT_ALLOWED in (stranger.last_alert or "")
    assert await org_row(env, kp5.id) == (None, None)
    assert await org_row(env, ward.id) == (None, None)
    # Forged values for one's own cell are out of date, not applied.
    sec = u["sec"]
    await open_schedule(sec)
    for data in (f"sc:d:{kp5.id}:29", f"sc:d:{kp5.id}:0", f"sc:t:{kp5.id}:2561"):
        await sec.press_data(data, sec.chat.messages[-1].message_id)
        assert "cũ" in (sec.last_alert or ""), data
    assert await org_row(env, kp5.id) == (None, None)


async def test_a_forged_move_far_ahead_is_refused(env: BotEnv) -> None:
    """#12: the calendar offers the days of this month (M7); forged data for a day in 2100
    or next year moves nothing."""
    tree, u = await people(env)
    sec = u["sec"]
    await open_schedule(sec)
    screen = sec.chat.last_bot_message
    for data in (f"rm:to:{tree['kp5'].id}:21000115", f"rm:mv:{tree['kp5'].id}:202803"):
        await sec.press_data(data, screen.message_id)
        assert sec.last_alert and "tháng này hoặc tháng sau" in sec.last_alert, data
    async with env.db() as s:
        assert await s.scalar(select(func.count()).select_from(MeetingMove)) == 0
