"""The meeting's optional details (M5, M9, S2, R2), the calendar, one regular meeting a month
(M1), and correcting or deleting a logged meeting within the deadline (S4), played as a
secretary and an admin would."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from bot.domain.model import Role
from storage import zero_reports
from storage.models import AuditEntry, Meeting, MeetingGuest, MeetingMark, ZeroReport

from .auxil.botenv import VN, BotEnv
from .auxil.flows import cell_with_members, log_meeting


async def test_details_from_the_confirmation_screen(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 3)
    await log_meeting(sec, save=False)
    # Time and length (M5): typed together; a 60-minute meeting is allowed but flagged.
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🕐 Giờ, thời lượng")
    await sec.send("sau bữa tối")
    assert "không đọc được" in sec.chat.last_bot_message.text
    await sec.send("19h30 120")
    assert "bắt đầu 19:30, 120 phút" in sec.chat.last_bot_message.text
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🕐 Giờ, thời lượng")
    await sec.press("60′")
    assert "ngắn hơn mức tối thiểu 90 phút" in sec.chat.last_bot_message.text
    # Topic (S2): the reminder about official channels, at most 200 characters.
    await sec.press("➕ Thêm chi tiết")
    await sec.press("📝 Nội dung chính")
    assert "Sổ tay đảng viên" in sec.chat.last_bot_message.text
    await sec.send("x" * 201)
    assert "201 ký tự" in sec.chat.last_bot_message.text
    await sec.send("Triển khai  Nghị quyết Đại hội")
    assert "Nội dung: Triển khai Nghị quyết Đại hội" in sec.chat.last_bot_message.text
    # Grade (M9): a typed score becomes its grade; a pressed grade has no score.
    await sec.press("➕ Thêm chi tiết")
    await sec.press("⭐ Xếp loại")
    await sec.send("101")
    assert "từ 0 đến 100" in sec.chat.last_bot_message.text
    await sec.send("89")
    assert "Xếp loại: Khá, 89/100 điểm" in sec.chat.last_bot_message.text
    # Guests, several at once; one removed.
    await sec.press("➕ Thêm chi tiết")
    await sec.press("👥 Khách mời")
    await sec.send("Lê Văn Tám, đảng viên chi bộ 3\nHồ Thị Mai")
    assert sec.chat.last_bot_message.labels[:2] == ["❌ Lê Văn Tám", "❌ Hồ Thị Mai"]
    await sec.press("❌ Hồ Thị Mai")
    await sec.press("✔️ Xong")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🎖 Cấp ủy cấp trên")
    await sec.send("Trần Văn Hải, Đảng ủy viên phụ trách")
    screen = sec.chat.last_bot_message.text
    assert "Khách mời: Lê Văn Tám" in screen and "Hồ Thị Mai" not in screen
    assert "Cấp ủy cấp trên: Trần Văn Hải – Đảng ủy viên phụ trách" in screen
    # Type: a combined session takes its own default length only if the length was the
    # old default; here it was set by hand (60), so it stays and is flagged against 120.
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🏷 Loại")
    await sec.press("Thường kỳ + chuyên đề")
    assert "ngắn hơn mức tối thiểu 120 phút" in sec.chat.last_bot_message.text
    await sec.press("💾 Lưu")
    async with env.db() as s:
        m = await s.scalar(select(Meeting))
        assert m is not None and m.state == "saved" and m.kind == "combined"
        assert (m.start_time, m.minutes) == (time(19, 30), 60)
        assert (m.topic, m.grade, m.score) == ("Triển khai Nghị quyết Đại hội", "kha", 89)
        assert m.upper_attendee == "Trần Văn Hải – Đảng ủy viên phụ trách"
        guests = [(g.name, g.note) for g in await s.scalars(select(MeetingGuest))]
        assert guests == [("Lê Văn Tám", "đảng viên chi bộ 3")]
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.save"))
        assert audit is not None and audit.after is not None
        assert audit.after["grade"] == "kha" and audit.after["guests"] == ["Lê Văn Tám"]
    assert not env.errors


async def test_type_change_takes_the_new_default_length(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 2)
    await log_meeting(sec, save=False)
    assert "90 phút" in sec.chat.last_bot_message.text
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🏷 Loại")
    await sec.press("Thường kỳ + chuyên đề")  # M5: 120 for a combined session
    assert "120 phút" in sec.chat.last_bot_message.text
    assert "ngắn hơn" not in sec.chat.last_bot_message.text


async def test_the_calendar_picks_past_days_only(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 2)
    await sec.command("meeting")
    await sec.press("Chuyên đề")
    await sec.press("📅 Ngày khác")
    cal = sec.chat.last_bot_message
    assert cal.text.startswith("Tháng 11/2026")
    assert cal.labels[:7] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert "21" in cal.labels and "22" not in cal.labels and "30" not in cal.labels
    assert "12/2026 »" not in cal.labels  # no future month
    await sec.press("·")  # a future day is inert
    assert sec.chat.last_bot_message.text.startswith("Tháng 11/2026")
    await sec.press("« 10/2026")
    await sec.press("15")
    assert "15/10/2026" in sec.chat.last_bot_message.text
    async with env.db() as s:
        m = await s.scalar(select(Meeting))
        assert m is not None and m.held_on == date(2026, 10, 15)


async def test_second_regular_meeting_opens_the_first_to_correct(env: BotEnv) -> None:
    sec, _tree, ids = await cell_with_members(env, 4)
    await log_meeting(sec, day="3/11", excused={"Nguyễn Văn An": "ốm"})
    async with env.db() as s:
        original = await s.scalar(select(Meeting))
        assert original is not None
        original_id = original.id
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.send("20/11")
    assert "03/11/2026" in sec.chat.last_bot_message.text  # M1: one regular meeting a month
    await sec.press("📂 Mở buổi đã ghi")
    card = sec.chat.last_bot_message.text
    assert "Có mặt 3/4 (75%)" in card and "Có thể sửa đến hết ngày 05/12/2026" in card
    await sec.press("✏️ Sửa")  # the 20/11 draft held only its type: it is dropped
    assert "Sửa buổi sinh hoạt đã ghi" in sec.chat.last_bot_message.text
    await sec.press("✏️ Sửa điểm danh")
    await sec.press("🟡 Nguyễn Văn An")
    await sec.press("❌ Vắng không có lý do")  # excused → unexcused, chosen (R3)
    await sec.press("➡️ Tiếp tục")
    await sec.press("💾 Lưu")
    assert "Đã sửa: sinh hoạt thường kỳ ngày" in sec.chat.last_bot_message.text  # #15: lower case
    async with env.db() as s:
        meetings = list(await s.scalars(select(Meeting)))
        assert [(m.id, m.state) for m in meetings] == [(original_id, "saved")]  # same id
        marks = {(m.member_id, m.mark) for m in await s.scalars(select(MeetingMark))}
        assert marks == {(ids["Nguyễn Văn An"], "unexcused")}
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.correct"))
        assert audit is not None and audit.before and audit.after and audit.actor_id == 200
        an = str(ids["Nguyễn Văn An"])
        assert audit.before["marks"][an][0] == "excused"
        assert audit.after["marks"][an][0] == "unexcused"


async def test_log_as_extraordinary_when_the_month_has_its_meeting(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 2)
    await log_meeting(sec, day="3/11")
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.send("20/11")
    await sec.press("Ghi là bất thường")
    await sec.press("➡️ Tiếp tục")
    assert "Bất thường" in sec.chat.last_bot_message.text
    await sec.press("💾 Lưu")
    async with env.db() as s:
        kinds = [(m.kind, m.held_on) for m in await s.scalars(select(Meeting).order_by(Meeting.id))]
    assert kinds == [("regular", date(2026, 11, 3)), ("extraordinary", date(2026, 11, 20))]


async def test_deadline_for_secretaries_admins_always(env: BotEnv) -> None:
    sec, tree, _ids = await cell_with_members(env, 2)
    await log_meeting(sec, day="3/11")
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        key = f"{meeting.id}:{meeting.version}"
    env.clock.set(datetime(2026, 12, 6, 8, 0, tzinfo=VN))  # past the 5th of December
    await sec.press_data(f"mt:open:{meeting.id}", sec.chat.last_bot_message.message_id)
    card = sec.chat.last_bot_message
    assert "Đã khóa từ ngày 05/12/2026" in card.text and "✏️ Sửa" not in card.labels
    await sec.press_data(f"mt:del:{key}", card.message_id)  # forged: refused with the reason
    assert sec.last_alert and "05/12/2026" in sec.last_alert
    admin = env.user(900, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("start")
    await admin.press_data(f"mt:open:{meeting.id}", admin.chat.last_bot_message.message_id)
    await admin.press("🗑 Xóa")
    assert admin.chat.last_bot_message.text.startswith("Xóa buổi sinh hoạt thường kỳ ngày")
    await admin.press("🗑 Đồng ý xóa")
    assert admin.chat.last_bot_message.text.startswith("Đã xóa: sinh hoạt thường kỳ ngày")
    async with env.db() as s:
        gone = await s.get(Meeting, meeting.id)
        assert gone is not None and gone.state == "deleted"
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.delete"))
        assert audit is not None and audit.actor_id == 900 and audit.before
        assert audit.before["held_on"] == "2026-11-03"


async def test_another_cells_secretary_cannot_open_or_correct(env: BotEnv) -> None:
    sec, tree, _ids = await cell_with_members(env, 2)
    await log_meeting(sec, day="3/11", excused={"Nguyễn Văn An": "ốm"})
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        key = f"{meeting.id}:{meeting.version}"
    other = env.user(300, "Bình")
    await env.grant(other, tree["tdp12"], Role.SECRETARY)
    await other.command("start")
    before = len(other.chat.messages)
    for data in (f"mt:open:{meeting.id}", f"mt:edit:{key}", f"mt:delok:{key}"):
        await other.press_data(data, other.chat.last_bot_message.message_id)
        assert other.last_alert and "không thể" in other.last_alert
    assert len(other.chat.messages) == before  # nothing shown
    assert all("Nguyễn Văn An" not in m.text for m in other.chat.messages)
    async with env.db() as s:
        again = await s.get(Meeting, meeting.id)
        assert again is not None and again.state == "saved" and again.version == meeting.version


async def test_a_regular_meeting_withdraws_the_months_zero_report(env: BotEnv) -> None:
    sec, tree, _ids = await cell_with_members(env, 2)
    async with env.db() as s:
        await zero_reports.create(
            s, cell_id=tree["kp5"].id, year=2026, month=11, reason="bão lũ", actor_id=200
        )
    await log_meeting(sec, day="20/11")
    assert "rút lại" in sec.chat.last_bot_message.text
    async with env.db() as s:
        report = await s.scalar(select(ZeroReport))
        assert report is not None and report.deleted_at is not None
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "zero.withdraw"))
        assert audit is not None and audit.after == {"why": "regular meeting logged"}
