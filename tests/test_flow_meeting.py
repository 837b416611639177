"""Logging a meeting as a secretary would (issue #3): the ten-tap path, R1/R2 figures, drafts
that survive a restart, stale and forged buttons."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.model import Role
from storage.models import AuditEntry, Meeting, MeetingMark

from .auxil.botenv import BotEnv, start_env, stop_env
from .auxil.flows import cell_with_members, log_meeting
from .fakeapi import TgUser


async def test_all_present_but_two_in_nine_taps(env: BotEnv) -> None:
    """The README's claim, exactly: 9 taps (menu, type, day, two absences of two taps each
    — the name, then the choice —, Tiếp tục, Lưu). R3: the unexcused absence is named on
    the confirmation before saving (#15)."""
    sec, _tree, ids = await cell_with_members(env, 30)
    taps = 0

    async def press(label: str) -> None:
        nonlocal taps
        taps += 1
        await sec.press(label)

    taps += 1
    await sec.tap("📝 Ghi sinh hoạt")
    await press("Thường kỳ")
    await press("Hôm nay")
    await press("✅ Nguyễn Văn Bình")  # the choice for him
    await press("🟡 Vắng có lý do: ốm")
    await press("✅ Nguyễn Văn Cường")
    await press("❌ Vắng không có lý do")
    await press("➡️ Tiếp tục")
    screen = sec.chat.last_bot_message.text
    assert (
        "Có mặt 28/30 (93,3%) · vắng có lý do 1 · vắng không có lý do 1 · miễn sinh hoạt 1"
        in screen
    )
    assert "🟡 Vắng có lý do: Nguyễn Văn Bình (ốm)" in screen
    assert "❌ Vắng không có lý do: Nguyễn Văn Cường" in screen
    assert "⚠️" in screen  # R4: an unexcused absence is flagged
    await press("💾 Lưu")
    assert taps == 9, taps  # README.md: "takes **9 taps**"
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert (
            meeting is not None
            and meeting.state == "saved"
            and meeting.held_on == date(2026, 11, 21)
        )
        assert meeting.kind == "regular" and meeting.minutes == 90
        marks = {m.member_id: (m.mark, m.reason) for m in await s.scalars(select(MeetingMark))}
        assert marks == {
            ids["Nguyễn Văn Bình"]: ("excused", "ốm"),
            ids["Nguyễn Văn Cường"]: ("unexcused", None),
        }
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.save"))
        assert (
            audit is not None
            and audit.actor_id == 200
            and audit.after
            and audit.after["held_on"] == "2026-11-21"
        )
    # #15: no capital in the middle of a sentence (docs/glossary.md).
    assert sec.chat.last_bot_message.text.startswith(
        "Đã lưu: sinh hoạt thường kỳ ngày 21/11/2026, Chi bộ Khu phố 5."
    )


async def test_typed_dates_and_refusals(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 3)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.send("25/11/2026")  # future: refused politely, the flow waits
    assert "tương lai" in sec.chat.last_bot_message.text
    await sec.send("31/2")  # impossible
    assert "không đọc được" in sec.chat.last_bot_message.text.lower()
    await sec.send("3-11-26")
    assert "03/11/2026" in sec.chat.last_bot_message.text
    await sec.press("➡️ Tiếp tục")
    await sec.press("💾 Lưu")
    # A second regular meeting in November is refused; typed "3/11" means 03/11/2026.
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.send("5/11")
    assert (
        "đã được ghi" in sec.chat.last_bot_message.text
        or "03/11/2026" in sec.chat.last_bot_message.text
    )
    async with env.db() as s:
        saved = list(await s.scalars(select(Meeting).where(Meeting.state == "saved")))
    assert [m.held_on for m in saved] == [date(2026, 11, 3)]


async def test_a_restart_mid_flow_keeps_the_draft(env: BotEnv) -> None:
    sec, _tree, ids = await cell_with_members(env, 4)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm qua")
    await stop_env(env)
    env2 = await start_env(env.engine, env.clock, env.fake)
    sec2 = TgUser(env2.app, env2.fake, 200, "Hòa", "Trần", language_code="vi")
    await sec2.tap("📝 Ghi sinh hoạt")  # the menu offers to continue the stored draft
    await sec2.press("▶️ Tiếp tục")
    await sec2.press("✅ Nguyễn Văn An")
    await sec2.press("🟡 Vắng có lý do khác (gõ lý do)")
    await sec2.press("⬅️ Quay lại")
    assert "🟡 Nguyễn Văn An" in sec2.chat.last_bot_message.labels
    await sec2.press("➡️ Tiếp tục")
    await sec2.press("💾 Lưu")
    async with env2.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert (
            meeting is not None
            and meeting.state == "saved"
            and meeting.held_on == date(2026, 11, 20)
        )
        mark = await s.get(MeetingMark, (meeting.id, ids["Nguyễn Văn An"]))
        assert mark is not None and mark.mark == "excused"
    assert not env2.errors
    await stop_env(env2)


async def test_stale_and_forged_buttons(env: BotEnv) -> None:
    sec, tree, ids = await cell_with_members(env, 4)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    old = sec.chat.last_bot_message
    old_data = next(b.callback_data for b in old.buttons if b.text == "✅ Nguyễn Văn Bình")
    assert old_data is not None
    await sec.press("✅ Nguyễn Văn An")
    await sec.press("🟡 Vắng có lý do: ốm")  # the screen is redrawn with a newer version
    await sec.press_data(old_data, old.message_id)
    assert sec.last_alert and "cũ" in sec.last_alert
    # Another cell's secretary forges a tap on this meeting.
    other = env.user(300, "Bình")
    await env.grant(other, tree["tdp12"], Role.SECRETARY)
    await other.command("start")
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        version = meeting.version
    await other.press_data(
        f"mt:a:{meeting.id}:{version}:{ids['Nguyễn Văn Bình']}:0",
        other.chat.last_bot_message.message_id,
    )
    assert other.last_alert
    async with env.db() as s:
        marks = list(await s.scalars(select(MeetingMark)))
    assert [(m.member_id, m.mark) for m in marks] == [(ids["Nguyễn Văn An"], "excused")]


async def test_a_200_member_cell_pages_the_attendance(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 200)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    screen = sec.chat.last_bot_message
    assert "Trang 1/5" in screen.text and len(screen.labels) <= 100
    for _ in range(4):
        await sec.press("Trang sau »")
    assert "Trang 5/5" in sec.chat.last_bot_message.text
    assert "➕ Phạm Thị Thuỷ" in sec.chat.last_bot_message.labels  # exempted, listed apart (R2)
    await sec.press("➕ Phạm Thị Thuỷ")
    assert "☑️ Phạm Thị Thuỷ (có tham dự)" in sec.chat.last_bot_message.labels
    await sec.press("➡️ Tiếp tục")
    assert "Có mặt 200/200 (100%)" in sec.chat.last_bot_message.text


async def test_minutes_docx_after_saving(env: BotEnv) -> None:
    import io

    import docx

    sec, _tree, _ids = await cell_with_members(env, 5)
    await log_meeting(sec, excused={"Nguyễn Văn An": "ốm"})
    await sec.press("📄 Biên bản (DOCX)")
    sent = sec.chat.last_bot_message
    assert sent.document is not None and sent.document.file_name == "bien-ban-2026-11-21.docx"
    assert sent.caption and len(sent.caption) <= 1024
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(sent.document.content)).paragraphs)
    tables = "\n".join(
        c.text
        for t in docx.Document(io.BytesIO(sent.document.content)).tables
        for r in t.rows
        for c in r.cells
    )
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in tables and "Hòa Minh, ngày 21 tháng 11 năm 2026" in tables
    assert "CHI BỘ KHU PHỐ 5" in tables
    assert "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 11 NĂM 2026" in text
    assert "Nguyễn Văn An (ốm)" in text
    assert "Phạm Thị Thuỷ" in text  # exempted, listed by name


async def test_a_month_saved_meanwhile_by_the_deputy_is_not_saved_twice(env: BotEnv) -> None:
    """M1 at saving (#6): the secretary's draft passed the date step, then the deputy logged
    the same month's regular meeting; the secretary's 💾 Lưu saves nothing and offers the
    logged one or an extraordinary meeting (M3), keeping the marks entered."""
    sec, tree, ids = await cell_with_members(env, 5)
    dep = env.user(201, "Lan", last_name="Lê")
    await env.enrol(dep, tree["kp5"], Role.DEPUTY)
    await log_meeting(sec, menu=True, excused=["Nguyễn Văn Bình"], save=False)
    await dep.tap("📝 Ghi sinh hoạt")
    await dep.press("Thường kỳ")
    await dep.press("Hôm qua")
    await dep.press("➡️ Tiếp tục")
    await dep.press("💾 Lưu")
    assert "Đã lưu" in dep.chat.last_bot_message.text
    await sec.press("💾 Lưu")
    said = sec.chat.last_bot_message
    assert "tháng 11/2026 đã được ghi (họp ngày 20/11/2026)" in said.text, said.text
    async with env.db() as s:
        rows = list(await s.scalars(select(Meeting).order_by(Meeting.id)))
        assert [(m.created_by, m.state) for m in rows] == [(200, "draft"), (201, "saved")]
        marks = list(
            await s.scalars(select(MeetingMark).where(MeetingMark.meeting_id == rows[0].id))
        )
        assert [(m.member_id, m.mark) for m in marks] == [(ids["Nguyễn Văn Bình"], "excused")]
    await sec.press("Ghi là bất thường")
    await sec.press("➡️ Tiếp tục")
    await sec.press("💾 Lưu")
    assert "Đã lưu" in sec.chat.last_bot_message.text
    async with env.db() as s:
        rows = list(await s.scalars(select(Meeting).order_by(Meeting.id)))
        assert [(m.kind, m.state) for m in rows] == [
            ("extraordinary", "saved"),
            ("regular", "saved"),
        ]
