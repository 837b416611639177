"""Rosters played as a secretary: add, paste, import CSV/XLSX, change status, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.domain.model import MemberStatus
from bot.domain.roster import NewSpan, status_on
from storage import members
from storage.models import AuditEntry, Member, MemberStatusChange

from .auxil.botenv import BotEnv, start_env, stop_env
from .auxil.flows import roster, secretary_of
from .fakeapi import TgUser

TODAY = date(2026, 11, 21)


async def test_add_one_member(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.tap("👥 Đảng viên")
    assert (
        "Chưa có đảng viên" in sec.chat.last_bot_message.text
        or "Chi bộ Khu phố 5" in sec.chat.last_bot_message.text
    )
    await sec.press("➕ Thêm một người")
    await sec.send("12345")  # not a name: a polite sentence, the flow goes on
    assert (
        "chỉ gồm chữ cái" in sec.chat.last_bot_message.text
        or "Nguyễn Thị Hòa" in sec.chat.last_bot_message.text
    )
    await sec.send("  Hoàng   Minh  Ðạt ")  # look-alike Ð (U+00D0), odd spaces (L5)
    await sec.press("dự bị")
    await sec.press("Hôm nay")
    assert "Đã thêm đồng chí Hoàng Minh Đạt: dự bị từ 21/11/2026." in sec.chat.bot_texts()
    members_now = await roster(env, tree["kp5"])
    assert list(members_now) == ["Hoàng Minh Đạt"]
    m = members_now["Hoàng Minh Đạt"]
    assert status_on(m.statuses, TODAY) == MemberStatus.PROBATIONARY
    async with env.db() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "member.add"))
    assert entry is not None and entry.actor_id == 200 and entry.org_id == tree["kp5"].id
    assert any("Hoàng Minh Đạt (dự bị)" in t for t in sec.chat.bot_texts())  # the updated list


async def test_duplicate_is_found_by_folded_name(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    async with env.db() as s:
        await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Trần Thị Hòa",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(1991, 5, 19))],
            actor_id=None,
        )
    await sec.command("members")
    await sec.press("➕ Thêm một người")
    await sec.send("Trần Thị Hoà")  # a different Unicode spelling of the same name
    assert "đã có trong danh sách" in sec.chat.last_bot_message.text


async def test_paste_a_list_preview_then_confirm(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("📋 Dán danh sách")
    await sec.send(
        "1. Nguyễn Văn An\n2. Trần Thị Hòa - dự bị\n3. Phạm Thị Thuỷ - miễn SH từ 01/2024\n4. 12345"
    )
    preview = sec.chat.last_bot_message.text
    assert "Mới: 3" in preview and "Bị loại: 1" in preview and "dòng 4" in preview
    assert await env.count(Member) == 0  # nothing is written before confirming
    await sec.press("✅ Lưu (3)")
    got = await roster(env, tree["kp5"])
    assert set(got) == {"Nguyễn Văn An", "Trần Thị Hòa", "Phạm Thị Thuỷ"}
    assert status_on(got["Trần Thị Hòa"].statuses, TODAY) == MemberStatus.PROBATIONARY
    assert status_on(got["Phạm Thị Thuỷ"].statuses, TODAY) == MemberStatus.EXEMPTED


async def test_import_sample_csv(env: BotEnv, samples: Path) -> None:
    sec, tree = await secretary_of(env)
    data = (samples / "danh-sach-dang-vien-khu-pho-5.csv").read_bytes()
    await sec.upload("danh-sach-dang-vien-khu-pho-5.csv", data, "text/csv")
    preview = sec.chat.last_bot_message.text
    assert "Mới: 18" in preview and "Bị loại: 0" in preview
    assert await env.count(Member) == 0
    await sec.press("✅ Lưu (18)")
    got = await roster(env, tree["kp5"])
    assert len(got) == 18 and "Lê Đức Thắng" in got  # double space cleaned (L5)
    assert status_on(got["Phạm Thị Thuỷ"].statuses, date(2023, 12, 31)) == MemberStatus.OFFICIAL
    assert status_on(got["Phạm Thị Thuỷ"].statuses, TODAY) == MemberStatus.EXEMPTED
    assert status_on(got["Hoàng Minh Đạt"].statuses, TODAY) == MemberStatus.PROBATIONARY
    assert status_on(got["Đặng Văn Dũng"].statuses, TODAY) == MemberStatus.TEMP_ELSEWHERE
    # L4: the list is sorted by given name, Vietnamese collation.
    names = [
        line.split(". ", 1)[1].split(" (")[0]
        for line in sec.chat.last_bot_message.text.splitlines()
        if line[:1].isdigit()
    ]
    assert names.index("Nguyễn Văn An") < names.index("Ngô Thị Ân") < names.index("Dương Văn Ẩn")
    assert names.index("Hoàng Minh Đạt") < names.index("Bùi Thị Yến")
    # The same file again changes nothing.
    await sec.upload("danh-sach-dang-vien-khu-pho-5.csv", data, "text/csv")
    assert (
        "Không thay đổi: 18" in sec.chat.last_bot_message.text
        or "Không có gì để lưu" in sec.chat.last_bot_message.text
    )
    assert await env.count(MemberStatusChange) == sum(len(m.statuses) for m in got.values())


async def test_import_sample_xlsx_with_warnings(env: BotEnv, samples: Path) -> None:
    sec, tree = await secretary_of(env, "tdp12")
    data = (samples / "danh-sach-dang-vien-to-dan-pho-12.xlsx").read_bytes()
    await sec.upload("danh-sach-dang-vien-to-dan-pho-12.xlsx", data)
    preview = sec.chat.last_bot_message.text
    assert "Mới: 24" in preview and "Cần kiểm tra" in preview
    assert len(preview) <= 4096
    await sec.press("✅ Lưu (24)")
    got = await roster(env, tree["tdp12"])
    assert len(got) == 24
    assert status_on(got["Phạm Thanh Dũng"].statuses, TODAY) == MemberStatus.EXEMPTED


async def test_change_status_keeps_history(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    async with env.db() as s:
        await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Nguyễn Văn An",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(1981, 2, 3))],
            actor_id=None,
        )
    await sec.command("members")
    await sec.press("Nguyễn Văn An")
    await sec.press("🔄 Đổi tình trạng")
    assert sec.chat.last_bot_message.labels[-1] == "⬅️ Quay lại"  # #15: one word for back
    await sec.press("⬅️ Quay lại")
    assert "🔄 Đổi tình trạng" in sec.chat.last_bot_message.labels  # the member's card again
    await sec.press("🔄 Đổi tình trạng")
    await sec.press("miễn sinh hoạt")
    await sec.send("31/2/2026")  # impossible date: asked again, nothing saved
    assert "không đọc được" in sec.chat.last_bot_message.text.lower()
    await sec.send("1/12/2026")
    await sec.send("30-11-26")  # before the start: refused politely
    assert (
        "không thể" in sec.chat.last_bot_message.text.lower()
        or "trước" in sec.chat.last_bot_message.text
    )
    await sec.send("31/12/2027")
    assert "miễn công tác và sinh hoạt đảng" in sec.chat.last_bot_message.text
    await sec.press("✅ Lưu")
    m = (await roster(env, tree["kp5"]))["Nguyễn Văn An"]
    assert len(m.statuses) == 2
    assert status_on(m.statuses, date(2026, 11, 30)) == MemberStatus.OFFICIAL
    assert status_on(m.statuses, date(2027, 6, 1)) == MemberStatus.EXEMPTED
    assert status_on(m.statuses, date(2028, 1, 1)) == MemberStatus.OFFICIAL
    assert "Lịch sử" in sec.chat.last_bot_message.text


async def test_forged_and_stale_buttons_change_nothing(env: BotEnv) -> None:
    sec, tree = await secretary_of(env, "tdp12")
    async with env.db() as s:
        other = await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Bùi Thị Yến",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(1999, 3, 8))],
            actor_id=None,
        )
    await sec.command("members")
    screen = sec.chat.last_bot_message
    # A modified client sends ids of another cell: refused, nothing shown.
    await sec.press_data(f"ros:l:{tree['kp5'].id}:0", screen.message_id)
    assert sec.last_alert and "không thể" in sec.last_alert
    await sec.press_data(f"ms:p:{other.id}:deceased", screen.message_id)
    await sec.press_data(f"ros:m:{other.id}", screen.message_id)
    assert all("Bùi Thị Yến" not in t for t in sec.chat.bot_texts())
    await sec.press_data("ros:l:not-a-number", screen.message_id)
    assert sec.last_alert and "cũ" in sec.last_alert
    assert await env.count(MemberStatusChange) == 1
    # A stale confirm button (a newer flow was started) does nothing.
    await sec.press("📋 Dán danh sách")
    await sec.send("Lê Thị Hương")
    old_preview = sec.chat.last_bot_message.message_id
    await sec.command("members")
    await sec.press("📋 Dán danh sách")
    await sec.send("Võ Hữu Phúc")
    await sec.press("✅ Lưu (1)", in_message=old_preview)
    assert sec.last_alert and "cũ" in sec.last_alert
    assert await env.count(Member, Member.full_name == "Lê Thị Hương") == 0


async def test_a_restart_in_mid_flow_loses_nothing(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("➕ Thêm một người")
    await sec.send("Võ Hữu Phúc")
    await stop_env(env)  # the bot process dies here …
    env2 = await start_env(env.engine, env.clock, env.fake)  # … and comes back
    sec2 = TgUser(env2.app, env2.fake, 200, "Hòa", "Trần", language_code="vi")
    await sec2.press("chính thức")  # a button on the message sent before the restart
    await sec2.press("Hôm nay")
    assert "Võ Hữu Phúc" in await roster(env2, tree["kp5"])
    assert not env2.errors
    await stop_env(env2)


async def test_a_200_member_cell_pages(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    given = ["An", "Ân", "Bình", "Cường", "Dũng", "Đạt", "Hòa", "Lan", "Yến", "Ánh"]
    async with env.db() as s:
        for i in range(200):
            await members.add_member(
                s,
                cell_id=tree["kp5"].id,
                full_name=f"Nguyễn Văn {given[i % 10]} {chr(65 + i // 10)}",
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
                actor_id=None,
            )
    await sec.command("members")
    page1 = sec.chat.last_bot_message
    assert "Trang 1/7" in page1.text and len(page1.labels) <= 100 and len(page1.text) <= 4096
    await sec.press("Trang sau »")
    assert "Trang 2/7" in sec.chat.last_bot_message.text
    for _ in range(5):
        await sec.press("Trang sau »")
    assert (
        "Trang 7/7" in sec.chat.last_bot_message.text
        and "Trang sau »" not in sec.chat.last_bot_message.labels
    )


async def test_cancel_works_in_every_flow(env: BotEnv) -> None:
    sec, _tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("📋 Dán danh sách")
    await sec.command("cancel")
    assert "Đã hủy" in sec.chat.last_bot_message.text
    await sec.send("Nguyễn Văn An")  # no longer in the paste flow: a hint, nothing saved
    assert await env.count(Member) == 0
