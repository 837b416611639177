"""M6 (#14): each saved meeting's result reaches the upper committee's admins within 2
days, in one private line a day, once across restarts, corrections marked, no member's
name (S2); on/off per committee. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import NewSpan
from bot.services.scheduler import tick
from storage import meetings, members
from storage.models import Delivery, MeetingUpward, Org

from .auxil.botenv import VN, BotEnv, start_env, stop_env
from .fakeapi import TgUser

SEC, SEC_B, ADMIN = 200, 203, 900
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")


async def setup(env: BotEnv) -> tuple[dict[str, Org], dict[str, int], TgUser]:
    tree = await env.seed_tree()
    ids = {}
    async with env.db() as s:
        for name in NAMES:
            m = await members.add_member(
                s, cell_id=tree["kp5"].id, full_name=name, actor_id=None,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            )  # fmt: skip
            ids[name] = m.id
    await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY)
    await env.enrol(env.user(SEC_B, "Tâm"), tree["tdp12"], Role.SECRETARY)
    admin = await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN)
    return tree, ids, admin


def lines(admin: TgUser) -> list[str]:
    return [m.text for m in admin.chat.messages if m.from_bot and (m.text or "").startswith("📨")]


async def run(env: BotEnv, at: datetime) -> None:
    env.clock.set(at)
    await tick(env.app.bot_data, env.app.bot)


async def test_one_line_a_day_once_across_a_restart_corrections_marked(env: BotEnv) -> None:
    tree, ids, admin = await setup(env)
    kp5 = await env.save_meeting(
        tree["kp5"].id, date(2026, 12, 3), marks={ids["Trần Thị Bình"]: ("unexcused", None)}
    )
    await run(env, datetime(2026, 12, 3, 22, 0, tzinfo=VN))  # quiet hours
    await run(env, datetime(2026, 12, 4, 7, 30, tzinfo=VN))  # before send_at (08:00)
    assert lines(admin) == []
    await run(env, datetime(2026, 12, 4, 8, 5, tzinfo=VN))
    assert lines(admin) == [
        "📨 Đảng ủy phường Hòa Minh: 1 buổi sinh hoạt được ghi từ lần báo cáo trước:\n"
        "• Chi bộ Khu phố 5: sinh hoạt thường kỳ 03/12/2026, dự 2/3 (66,7%), "
        "vắng không có lý do 1"
    ]
    assert not any(n in lines(admin)[0] for n in NAMES)  # S2
    # TDP12 saves later that day: one line a day, so it waits for tomorrow's.
    await env.save_meeting(tree["tdp12"].id, date(2026, 12, 4), "thematic")
    await run(env, datetime(2026, 12, 4, 10, 0, tzinfo=VN))
    assert len(lines(admin)) == 1
    await stop_env(env)  # a restart: the claims and the marks are in the database
    env = await start_env(env.engine, env.clock, env.fake)
    await run(env, datetime(2026, 12, 5, 8, 5, tzinfo=VN))
    await run(env, datetime(2026, 12, 5, 8, 6, tzinfo=VN))
    assert len(lines(admin)) == 2
    assert lines(admin)[1].splitlines()[1:] == [
        "• Chi bộ Tổ dân phố 12: sinh hoạt chuyên đề 04/12/2026, vắng không có lý do 0"
    ]
    # The secretary corrects KP5's meeting (Bình excused after all): "đã sửa" next day.
    async with env.db() as s:
        saved = await meetings.get(s, kp5)
        assert saved is not None
        draft = await meetings.start_correction(s, saved, user_id=SEC)
        await meetings.set_mark(s, draft, ids["Trần Thị Bình"], "excused", "ốm")
        await meetings.apply_correction(s, draft, actor_id=SEC)
    await run(env, datetime(2026, 12, 6, 8, 5, tzinfo=VN))
    assert lines(admin)[2].splitlines()[1:] == [
        "• Chi bộ Khu phố 5: sinh hoạt thường kỳ 03/12/2026, dự 2/3 (66,7%), "
        "vắng không có lý do 0 (đã sửa)"
    ]
    await run(env, datetime(2026, 12, 7, 8, 5, tzinfo=VN))
    assert len(lines(admin)) == 3  # nothing new: no line
    # Only the admins, privately: the secretaries hear nothing of it.
    assert not [m for uid in (SEC, SEC_B) for m in env.fake.chat(uid).messages
                if (m.text or "").startswith("📨")]  # fmt: skip
    async with env.db() as s:
        sent = [
            (d.key, d.state)
            for d in await s.scalars(select(Delivery).where(Delivery.kind == "upward"))
        ]
    ward = tree["ward"].id
    assert sorted(sent) == [(f"up:{ward}:2026-12-0{d}", "sent") for d in (4, 5, 6)]
    assert not env.errors
    await stop_env(env)


async def test_off_for_a_committee_and_old_history_is_not_news(env: BotEnv) -> None:
    """`{"reminders": {"upward": false}}` on the ward: no line, the meetings marked so that
    turning it on later does not bring them all; a meeting typed in for last year is never
    listed."""
    tree, _ids, admin = await setup(env)
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        ward.settings = {"reminders": {"upward": False}}
    await env.save_meeting(tree["kp5"].id, date(2026, 12, 3))
    await run(env, datetime(2026, 12, 4, 8, 5, tzinfo=VN))
    assert lines(admin) == []
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        ward.settings = {}
    await env.save_meeting(tree["kp5"].id, date(2025, 12, 3))  # history, typed in late
    await env.save_meeting(tree["tdp12"].id, date(2026, 11, 20))
    await run(env, datetime(2026, 12, 5, 8, 5, tzinfo=VN))
    [text] = lines(admin)
    assert text.splitlines()[1:] == [
        "• Chi bộ Tổ dân phố 12: sinh hoạt thường kỳ 20/11/2026, vắng không có lý do 0"
    ]
    assert await env.count(MeetingUpward) == 3
