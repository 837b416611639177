"""Bootstrap, invites, group linking and refusals, played as users through the fake Bot API."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.model import Role
from storage.models import AuditEntry, Invite, Org, RoleAssignment

from .auxil.botenv import BotEnv
from .auxil.flows import admin_invite


async def test_stranger_sees_only_how_to_get_an_invite(env: BotEnv) -> None:
    await env.seed_tree()
    stranger = env.user(999, "Lạ")
    await stranger.command("start")
    text = stranger.chat.last_bot_message.text
    assert "đường dẫn mời" in text
    assert "Khu phố" not in text and stranger.chat.reply_keyboard is None
    await stranger.send("cho tôi xem danh sách")
    assert "đường dẫn mời" in stranger.chat.last_bot_message.text
    await stranger.command("members")
    assert "Khu phố" not in stranger.chat.last_bot_message.text


async def test_bootstrap_admin_then_invite_a_secretary(env: BotEnv) -> None:
    tree = await env.seed_tree()
    code = await admin_invite(env, tree["ward"])
    admin = env.user(100, "Lan", last_name="Nguyễn")
    await admin.command("start", code)
    seen = admin.chat.last_bot_message.text
    assert "quản trị" in seen and "Đảng ủy phường Hòa Minh" in seen
    assert ["🏛 Tổ chức", "📊 Báo cáo"] in admin.chat.reply_keyboard

    # The link works once: a second person cannot reuse it.
    other = env.user(101, "Minh")
    await other.command("start", code)
    assert "đã được sử dụng" in other.chat.last_bot_message.text
    assert await env.count(RoleAssignment, RoleAssignment.user_id == 101) == 0

    # The admin invites a secretary for Khu phố 5 from the Organisation menu.
    await admin.tap("🏛 Tổ chức")
    await admin.press("Chi bộ Khu phố 5")
    await admin.press("✉️ Gửi lời mời")
    await admin.press("Bí thư")
    invite_text = admin.chat.last_bot_message.text
    link = next(
        w for w in invite_text.split() if w.startswith("https://t.me/chibo_test_bot?start=")
    )
    secretary_code = link.split("=", 1)[1]

    secretary = env.user(200, "Hòa", last_name="Trần")
    await secretary.command("start", secretary_code)
    welcome = secretary.chat.last_bot_message.text
    assert "bí thư" in welcome and "Chi bộ Khu phố 5" in welcome
    assert ["👥 Đảng viên", "📊 Báo cáo"] in secretary.chat.reply_keyboard
    async with env.db() as s:
        grant = await s.scalar(select(RoleAssignment).where(RoleAssignment.user_id == 200))
        assert grant is not None and grant.role == Role.SECRETARY and grant.org_id == tree["kp5"].id
        actions = list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("invite.use") == 2 and "role.grant" in actions


async def test_expired_and_withdrawn_invites_are_refused(env: BotEnv) -> None:
    tree = await env.seed_tree()
    code = await admin_invite(env, tree["kp5"], Role.SECRETARY)
    env.clock.advance(days=8)
    late = env.user(300, "Muộn")
    await late.command("start", code)
    assert "hết hạn" in late.chat.last_bot_message.text
    assert await env.count(RoleAssignment, RoleAssignment.user_id == 300) == 0

    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    code = await admin_invite(env, tree["kp5"], Role.DEPUTY)
    await admin.command("org")
    await admin.press("Chi bộ Khu phố 5")
    await admin.press("📋 Lời mời còn hạn")
    await admin.press("🚫 Thu hồi #1")
    async with env.db() as s:
        assert (
            await s.scalar(select(Invite.revoked_at).where(Invite.role == Role.DEPUTY))
        ) is not None
    await late.command("start", code)
    assert "thu hồi" in late.chat.last_bot_message.text


async def test_group_is_linked_only_by_an_admin_with_a_code(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    outsider = env.user(500, "Khách")
    group = env.group(-1001, "Đảng ủy phường Hòa Minh - BCH")
    await group.add_bot(by=admin)
    assert "chưa liên kết" in group.chat.last_bot_message.text

    await admin.command("org")
    await admin.press("🔗 Liên kết nhóm")
    text = admin.chat.last_bot_message.text
    code = text.split("/link ", 1)[1].split()[0]
    assert "startgroup=" in text

    await outsider.send_in(group, f"/link {code}")  # a forwarded code is not enough
    async with env.db() as s:
        assert (await s.get(Org, tree["ward"].id)).group_chat_id is None  # type: ignore[union-attr]
    await admin.send_in(group, f"/link {code}")
    assert "đã được liên kết" in group.chat.last_bot_message.text
    async with env.db() as s:
        assert (await s.get(Org, tree["ward"].id)).group_chat_id == -1001  # type: ignore[union-attr]
    await admin.send_in(group, "/help")
    assert "Đảng ủy phường Hòa Minh" in group.chat.last_bot_message.text


async def test_unlinked_group_gets_no_data(env: BotEnv) -> None:
    tree = await env.seed_tree()
    secretary = env.user(200, "Hòa")
    await env.grant(secretary, tree["kp5"], Role.SECRETARY)
    group = env.group(-2002, "Nhóm lạ")
    await secretary.send_in(group, "/help")
    text = group.chat.last_bot_message.text
    assert "chưa liên kết" in text and "Khu phố 5" not in text


async def test_language_switch_and_localised_commands(env: BotEnv) -> None:
    tree = await env.seed_tree()
    secretary = env.user(200, "Hòa")
    await env.grant(secretary, tree["kp5"], Role.SECRETARY)
    await secretary.command("language")
    await secretary.press("🇬🇧 English")
    assert secretary.chat.last_bot_message.text == "From now on I will write to you in English."
    assert ["👥 Members", "📊 Reports"] in secretary.chat.reply_keyboard
    await secretary.command("help")
    assert "How to use chibo" in secretary.chat.last_bot_message.text
    await secretary.tap("🌐 Language")
    await secretary.press("🇻🇳 Tiếng Việt")
    assert ["👥 Đảng viên", "📊 Báo cáo"] in secretary.chat.reply_keyboard
    vi = dict(env.fake.visible_commands(200, language_code="vi"))
    en = dict(env.fake.visible_commands(200, language_code="en"))
    assert en["cancel"] == "Stop what you are doing"
    assert vi["cancel"] != en["cancel"] and vi == dict(env.fake.visible_commands(200))
    group = dict(env.fake.visible_commands(-5, language_code="vi"))
    assert "link" in group and "members" not in group
