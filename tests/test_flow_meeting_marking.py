"""The meeting flow's marking screens as an older secretary uses them (#15 items 1-5, 8):
a tap is a choice, never a cycle (R3, R5); names whole on a phone; the page kept after a
typed reason; overlong text refused with a sentence; ⬅️ Quay lại and ✖️ Hủy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.model import MemberStatus
from bot.domain.roster import NewSpan
from storage import members
from storage.models import Meeting, MeetingMark

from .auxil.botenv import BotEnv
from .auxil.flows import cell_with_members, log_meeting


async def _marks(env: BotEnv) -> dict[int, tuple[str, str | None]]:
    async with env.db() as s:
        return {m.member_id: (m.mark, m.reason) for m in await s.scalars(select(MeetingMark))}


async def test_an_extra_tap_never_turns_an_excused_absence_into_an_unexcused_one(
    env: BotEnv,
) -> None:
    """R3/R5 (#15 item 1): before, a second tap on "🟡 name" made the absence unexcused
    silently; now a tap opens the choice and changes nothing."""
    sec, _tree, ids = await cell_with_members(env, 5)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    await sec.press("✅ Nguyễn Văn An")
    choice = sec.chat.last_bot_message
    assert "Nguyễn Văn An" in choice.text and "có mặt" in choice.text
    assert choice.labels == [
        "✅ Có mặt",
        "🟡 Vắng có lý do: ốm",
        "🟡 Vắng có lý do: đi công tác",
        "🟡 Vắng có lý do: việc gia đình",
        "🟡 Vắng có lý do khác (gõ lý do)",
        "❌ Vắng không có lý do",
        "⬅️ Quay lại",
    ]
    await sec.press("🟡 Vắng có lý do: ốm")
    assert await _marks(env) == {ids["Nguyễn Văn An"]: ("excused", "ốm")}
    await sec.press("🟡 Nguyễn Văn An")  # the extra tap: only the choice again
    assert "vắng có lý do (ốm)" in sec.chat.last_bot_message.text
    assert await _marks(env) == {ids["Nguyễn Văn An"]: ("excused", "ốm")}
    await sec.press("⬅️ Quay lại")
    assert "🟡 Nguyễn Văn An" in sec.chat.last_bot_message.labels
    assert await _marks(env) == {ids["Nguyễn Văn An"]: ("excused", "ốm")}
    await sec.press("🟡 Nguyễn Văn An")
    await sec.press("✅ Có mặt")
    assert await _marks(env) == {}


async def test_the_rows_not_counted_cannot_be_taken_for_the_eligible(env: BotEnv) -> None:
    """R2 (#15 item 1): below a header row, ➕ adds one who came; then "(có tham dự)"."""
    sec, _tree, ids = await cell_with_members(env, 3)
    await log_meeting(sec, save=False)
    await sec.press("✏️ Sửa điểm danh")
    labels = sec.chat.last_bot_message.labels
    header = labels.index("── Không tính tỷ lệ: bấm ➕ nếu có đến dự ──")
    assert labels[header + 1] == "➕ Phạm Thị Thuỷ"
    assert all(not label.startswith("➕") for label in labels[:header])
    await sec.press("── Không tính tỷ lệ: bấm ➕ nếu có đến dự ──")  # inert
    assert await _marks(env) == {}
    await sec.press("➕ Phạm Thị Thuỷ")
    assert "☑️ Phạm Thị Thuỷ (có tham dự)" in sec.chat.last_bot_message.labels
    assert await _marks(env) == {ids["Phạm Thị Thuỷ"]: ("voluntary", None)}


async def test_long_names_get_a_row_of_their_own_and_are_never_cut(env: BotEnv) -> None:
    """#15 item 2: two to a row only when both fit about 18 characters."""
    sec, tree, _ids = await cell_with_members(env, 2)
    long = "Nguyễn Thị Minh Khai"
    very_long = "Tôn Nữ Thị Hoàng Thanh Phương Thảo Nguyên Ngọc Khánh Linh"
    async with env.db() as s:
        for name in (long, very_long):
            await members.add_member(
                s,
                cell_id=tree["kp5"].id,
                full_name=name,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
                actor_id=None,
            )
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    rows = [[b.text for b in row] for row in sec.chat.last_bot_message.inline_keyboard]
    assert ["✅ Nguyễn Văn An", "✅ Nguyễn Văn Bình"] in rows  # short: two to a row
    assert [f"✅ {long}"] in rows  # whole, alone on its row
    cut = next(row[0] for row in rows if row[0].startswith("✅ Tôn"))
    assert [cut] in rows and cut.endswith(" Linh") and "…" in cut  # given name kept
    assert all(len(r) == 1 or all(len(t) <= 18 for t in r) for r in rows if "✅" in r[0])


async def test_a_reason_typed_on_page_4_stays_on_page_4_in_the_same_message(
    env: BotEnv,
) -> None:
    """#15 item 3: the screen is the same message, edited, at the page it was on; its
    buttons still work (no "Tin nhắn này đã cũ" for the current screen)."""
    sec, _tree, ids = await cell_with_members(env, 200)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    for _ in range(3):
        await sec.press("Trang sau »")
    screen = sec.chat.last_bot_message
    assert "Trang 4/5" in screen.text
    name = next(label[2:] for label in screen.labels if label.startswith("✅ Nguyễn"))
    await sec.press(f"✅ {name}")
    await sec.press("🟡 Vắng có lý do khác (gõ lý do)")
    assert "gõ lý do vắng của đồng chí" in sec.chat.last_bot_message.text
    sent_before = len(sec.chat.bot_messages())
    await sec.send("đi viện thăm cháu")
    assert len(sec.chat.bot_messages()) == sent_before  # edited, not a new message
    edited = sec.chat.find(screen.message_id)
    assert edited is not None and "Trang 4/5" in edited.text
    assert f"🟡 {name}" in edited.labels
    assert await _marks(env) == {ids[name]: ("excused", "đi viện thăm cháu")}
    await sec.press("Trang sau »", in_message=screen.message_id)  # still current
    assert sec.last_alert is None and "Trang 5/5" in sec.chat.find(screen.message_id).text


async def test_a_5000_character_reason_is_refused_with_a_sentence(env: BotEnv) -> None:
    """#15 item 4: before, it was cut to 200 silently; now refused, the flow stays."""
    sec, _tree, ids = await cell_with_members(env, 3)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    await sec.press("✅ Nguyễn Văn An")
    await sec.press("🟡 Vắng có lý do khác (gõ lý do)")
    await sec.send("x" * 5000)
    said = sec.chat.last_bot_message.text
    assert "5000 ký tự" in said and "tối đa 200" in said
    assert await _marks(env) == {ids["Nguyễn Văn An"]: ("excused", None)}
    await sec.send("ốm nằm viện")
    assert await _marks(env) == {ids["Nguyễn Văn An"]: ("excused", "ốm nằm viện")}


async def test_overlong_guest_note_and_upper_post_are_refused(env: BotEnv) -> None:
    """#15 item 4 across the flow's typed fields (the topic was refused already)."""
    sec, _tree, _ids = await cell_with_members(env, 3)
    await log_meeting(sec, save=False)
    await sec.press("➕ Thêm chi tiết")
    await sec.press("👥 Khách mời")
    await sec.send("Lê Văn Tám, " + "y" * 300)
    assert "300 ký tự" in sec.chat.last_bot_message.text
    await sec.press("✔️ Xong")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🎖 Cấp ủy cấp trên")
    await sec.send("Trần Văn Hải, " + "z" * 250)
    assert "250 ký tự" in sec.chat.last_bot_message.text
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None and meeting.upper_attendee is None
        from storage.models import MeetingGuest

        assert list(await s.scalars(select(MeetingGuest))) == []
    await sec.send("Trần Văn Hải, Đảng ủy viên")
    assert "Trần Văn Hải – Đảng ủy viên" in sec.chat.last_bot_message.text


async def test_the_confirmation_keeps_the_essentials_and_cancel_says_what_happened(
    env: BotEnv,
) -> None:
    """#15 items 5 and 8: four buttons; the details one tap further, with ⬅️ Quay lại;
    ✖️ Hủy asks, then drops the draft and says so; it is not offered again."""
    sec, _tree, _ids = await cell_with_members(env, 3)
    await log_meeting(sec, save=False)
    assert sec.chat.last_bot_message.labels == [
        "💾 Lưu",
        "✏️ Sửa điểm danh",
        "➕ Thêm chi tiết",
        "✖️ Hủy",
    ]
    await sec.press("➕ Thêm chi tiết")
    details = sec.chat.last_bot_message.labels
    assert "📝 Nội dung chính" in details
    assert details[-1] == "⬅️ Quay lại" and "🕐 Giờ, thời lượng" in details
    await sec.press("🕐 Giờ, thời lượng")
    await sec.press("⬅️ Quay lại")  # to the details' menu
    assert "🕐 Giờ, thời lượng" in sec.chat.last_bot_message.labels
    await sec.press("⬅️ Quay lại")  # to the confirmation
    assert "💾 Lưu" in sec.chat.last_bot_message.labels
    await sec.press("✖️ Hủy")
    assert "không có gì được lưu" in sec.chat.last_bot_message.text
    await sec.press("🗑 Đồng ý hủy")
    assert "Đã hủy bản ghi" in sec.chat.last_bot_message.text
    async with env.db() as s:
        assert list(await s.scalars(select(Meeting))) == []
    await sec.command("meeting")
    assert "Thường kỳ" in sec.chat.last_bot_message.labels  # no unfinished record offered


async def test_back_from_every_step_of_the_marking(env: BotEnv) -> None:
    """#15 item 5: list → date → type; the draft held only the type and is dropped."""
    sec, _tree, _ids = await cell_with_members(env, 3)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    await sec.press("✅ Nguyễn Văn An")
    await sec.press("⬅️ Quay lại")  # choice → list
    assert "➡️ Tiếp tục" in sec.chat.last_bot_message.labels
    await sec.press("⬅️ Quay lại")  # list → date
    assert "Hôm qua" in sec.chat.last_bot_message.labels
    await sec.press("📅 Ngày khác")
    await sec.press("⬅️ Quay lại")  # calendar → date
    await sec.press("⬅️ Quay lại")  # date → back to the list (a date was set)
    assert "➡️ Tiếp tục" in sec.chat.last_bot_message.labels
    await sec.command("meeting")
    await sec.press("🗑 Bỏ bản ghi này")
    await sec.press("Chuyên đề")
    await sec.press("⬅️ Quay lại")  # no date yet: back to the type
    assert "Chuyên đề" in sec.chat.last_bot_message.labels
    async with env.db() as s:
        assert list(await s.scalars(select(Meeting))) == []
