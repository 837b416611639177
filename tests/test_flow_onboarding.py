"""Bootstrap, invites, group linking and refusals, played as users through the fake Bot API."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.model import Role
from storage.models import AuditEntry, Invite, Org, RoleAssignment

from .auxil.botenv import BotEnv
from .auxil.flows import admin_invite, cell_with_members


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
    await secretary.press("🇻🇳 Tiếng Việt")  # #15: the language is on the help screen
    assert ["👥 Đảng viên", "📊 Báo cáo"] in secretary.chat.reply_keyboard
    vi = dict(env.fake.visible_commands(200, language_code="vi"))
    en = dict(env.fake.visible_commands(200, language_code="en"))
    assert en["cancel"] == "Stop what you are doing"
    assert vi["cancel"] != en["cancel"] and vi == dict(env.fake.visible_commands(200))
    group = dict(env.fake.visible_commands(-5, language_code="vi"))
    assert "link" in group and "members" not in group


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


async def test_help_per_role_main_jobs_first_and_no_language_on_the_keyboard(
    env: BotEnv,
) -> None:
    """#15 items 6 and 10: ❓ Trợ giúp says the main jobs of each role first; 🌐 Ngôn ngữ is
    on the help screen, no longer on the main keyboard."""
    tree = await env.seed_tree()
    sec = env.user(200, "Hòa")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    await sec.command("start")
    assert sec.chat.reply_keyboard is not None
    assert not any("🌐" in label for row in sec.chat.reply_keyboard for label in row)
    assert ["❓ Trợ giúp"] in sec.chat.reply_keyboard
    await sec.tap("❓ Trợ giúp")
    helped = sec.chat.last_bot_message
    jobs = paragraphs(helped.text or "")[1:]
    assert jobs[0].startswith("📝 Ghi sinh hoạt: sau mỗi buổi sinh hoạt")
    assert jobs[1].startswith("📊 Báo cáo:") and jobs[2].startswith("👥 Đảng viên:")
    assert jobs[3].startswith("🗓 Ngày giờ sinh hoạt")
    assert "🏛 Tổ chức" not in (helped.text or "")  # not a secretary's job
    assert helped.labels == ["🇻🇳 Tiếng Việt", "🇬🇧 English"]

    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("trogiup")
    jobs = paragraphs(admin.chat.last_bot_message.text or "")[1:]
    assert jobs[0].startswith("📊 Báo cáo:") and "📣 nhắc các chi bộ chưa báo cáo" in jobs[0]
    assert jobs[1].startswith("🏛 Tổ chức:") and "🏅 xếp loại" in jobs[1]
    assert "📝 Ghi sinh hoạt" not in (admin.chat.last_bot_message.text or "")
    await admin.press("🇬🇧 English")
    assert admin.chat.reply_keyboard is not None and ["🏛 Organisation", "📊 Reports"] in (
        admin.chat.reply_keyboard
    )
    async with env.db() as s:
        from storage.models import User

        row = await s.get(User, 100)
        assert row is not None and row.locale == "en"

    stranger = env.user(999, "Lạ")
    await stranger.command("trogiup")
    assert "đường dẫn mời" in (stranger.chat.last_bot_message.text or "")


async def test_vietnamese_commands_are_published_and_work(env: BotEnv) -> None:
    """#15 item 5: /huy = /cancel and /trogiup = /help, in the command menu of both
    languages, in private chats (and /trogiup in groups)."""
    tree = await env.seed_tree()
    sec = env.user(200, "Hòa")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    for lang in ("vi", "en"):
        names = [name for name, _desc in env.fake.visible_commands(200, language_code=lang)]
        assert {"huy", "trogiup", "cancel", "help", "baocao"} <= set(names)
        assert names.index("trogiup") < names.index("help")
    vi = dict(env.fake.visible_commands(200, language_code="vi"))
    assert vi["huy"] == "Hủy thao tác đang làm" and vi["trogiup"] == "Trợ giúp"
    assert "trogiup" in dict(env.fake.visible_commands(-5, language_code="vi"))
    await sec.command("huy")
    assert sec.chat.last_bot_message.text == "Không có thao tác nào để hủy."
    await sec.command("members")
    await sec.command("trogiup")
    assert "Hướng dẫn sử dụng chibo" in (sec.chat.last_bot_message.text or "")


async def test_cancel_says_the_meeting_draft_is_kept(env: BotEnv) -> None:
    """#15 item 5: after /huy in the meeting flow the draft stays (the meeting flow offers it
    again): the answer says so, with its date, instead of "Không có gì thay đổi"."""
    from storage.models import FlowState, Meeting

    sec, _tree, _ids = await cell_with_members(env, 4)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm qua")
    await sec.command("huy")
    said = sec.chat.last_bot_message.text or ""
    assert "Không có gì thay đổi" not in said
    assert said == (
        "Đã hủy.\nBản nháp buổi sinh hoạt ngày 20/11/2026 (Chi bộ Khu phố 5) vẫn được giữ; "
        "đồng chí mở 📝 Ghi sinh hoạt để tiếp tục hoặc bỏ bản nháp."
    )
    async with env.db() as s:
        [draft] = list(await s.scalars(select(Meeting)))
        assert draft.state == "draft" and await s.scalar(select(FlowState)) is None
    await sec.tap("📝 Ghi sinh hoạt")  # as the answer said: offered again
    assert "▶️ Tiếp tục" in sec.chat.last_bot_message.labels
