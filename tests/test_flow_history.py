"""📚 The meeting history as a secretary sees it (issue #3): the cell's year with its rates,
a member's record from the roster card, forged buttons refused (S2)."""

from __future__ import annotations

from datetime import date

from bot.domain.model import Role
from storage import zero_reports
from storage.models import Org

from .auxil.botenv import BotEnv
from .auxil.flows import cell_with_members
from .fakeapi import TgUser


async def cell(env: BotEnv) -> tuple[TgUser, dict[str, int], dict[str, Org]]:
    """Chi bộ Khu phố 5: 30 official members and one exempted (R1), and its secretary;
    members by given name."""
    sec, tree, by_name = await cell_with_members(env, 30)
    return sec, {name.rsplit(" ", 1)[1]: i for name, i in by_name.items()}, tree


async def saved(
    env: BotEnv, cell_id: int, day: date, kind: str, marks: dict[int, tuple[str, str | None]]
) -> int:
    return await env.save_meeting(cell_id, day, kind, marks)


async def the_year(env: BotEnv) -> tuple[TgUser, dict[str, int], dict[str, Org], dict[str, int]]:
    sec, ids, tree = await cell(env)
    kp5 = tree["kp5"].id
    got = {
        "thematic": await saved(env, kp5, date(2026, 3, 5), "thematic", {}),
        "combined": await saved(
            env, kp5, date(2026, 8, 12), "combined", {ids["Cường"]: ("unexcused", None)}
        ),
        "extra": await saved(
            env,
            kp5,
            date(2026, 8, 20),
            "extraordinary",
            {
                ids["Bình"]: ("excused", "đi công tác"),
                **{ids[g]: ("excused", "ốm") for g in ("Dũng", "Đạt", "Giang", "Hà")},
                ids["Thuỷ"]: ("voluntary", None),
            },
        ),
        "regular": await saved(
            env,
            kp5,
            date(2026, 11, 3),
            "regular",
            {ids["Bình"]: ("excused", "ốm"), ids["Cường"]: ("unexcused", None)},
        ),
        "last_year": await saved(env, kp5, date(2025, 12, 3), "regular", {}),
    }
    async with env.db() as s:
        await zero_reports.create(
            s, cell_id=kp5, year=2026, month=10, reason="bão lũ", actor_id=200
        )
    return sec, ids, tree, got


async def test_this_years_meetings_with_their_rates(env: BotEnv) -> None:
    sec, _ids, tree, got = await the_year(env)
    await sec.command("meeting")
    await sec.press("📚 Sổ năm nay")
    screen = sec.chat.last_bot_message
    not_reported = [f"⏳ T{m} · chưa báo cáo" for m in (1, 2)]
    assert screen.text == "\n".join(
        [
            "Sổ sinh hoạt năm 2026 · Chi bộ Khu phố 5",
            *not_reported,
            "⏳ T3 · chưa báo cáo · +1 buổi khác",  # M4: a thematic meeting is not the regular one
            *[f"⏳ T{m} · chưa báo cáo" for m in (4, 5, 6, 7)],
            # M4: a combined session is the month's regular meeting; M3: the extraordinary one is not
            "✅ T8 · 12/08 · Thường kỳ + chuyên đề · 29/30 (96,7%) · +1 buổi khác",
            "⏳ T9 · chưa báo cáo",
            "🚫 T10 · không sinh hoạt: bão lũ",  # M8
            "✅ T11 · 03/11 · Thường kỳ · 28/30 (93,3%)",  # R2: the exempted member is not counted
            "",
            "Sinh hoạt chuyên đề (ít nhất 1 lần/quý)",
            "✅ Quý I · 05/03",
            "⚠️ Quý II · không có sinh hoạt chuyên đề",
            "✅ Quý III · 12/08",
            "⏳ Quý IV · chưa sinh hoạt chuyên đề",
            "",
            "Sinh hoạt thường kỳ: 2/11 tháng · không sinh hoạt 1 · chưa báo cáo 8",
            # (29/30 + 28/30) / 2 = 57/60; the extraordinary 25/30 stays out
            "Tỷ lệ đảng viên dự sinh hoạt thường kỳ bình quân: 95%",
        ]
    )
    assert [(b.text, b.callback_data) for b in screen.buttons] == [
        ("03/11 Thường kỳ 93,3%", f"mt:open:{got['regular']}"),
        ("20/08 Bất thường 83,3%", f"mt:open:{got['extra']}"),
        ("12/08 Thường kỳ + chuyên đề 96,7%", f"mt:open:{got['combined']}"),
        ("05/03 Chuyên đề 100%", f"mt:open:{got['thematic']}"),
        ("« 2025", f"mh:y:{tree['kp5'].id}:2025"),  # no "2027 »": not beyond this year
    ]
    # Last year: twelve months, all quarters over (M4), and the way back to this year.
    await sec.press("« 2025")
    past = sec.chat.last_bot_message
    assert past.text.startswith("Sổ sinh hoạt năm 2025 · Chi bộ Khu phố 5\n⏳ T1 · chưa báo cáo")
    assert "✅ T12 · 03/12 · Thường kỳ · 30/30 (100%)" in past.text
    assert "⚠️ Quý IV · không có sinh hoạt chuyên đề" in past.text
    assert "Sinh hoạt thường kỳ: 1/12 tháng · không sinh hoạt 0 · chưa báo cáo 11" in past.text
    assert past.labels == ["03/12 Thường kỳ 100%", "2026 »"]


async def test_a_busy_year_stays_within_telegrams_limits(env: BotEnv) -> None:
    sec, ids, tree, _got = await the_year(env)
    kp5 = tree["kp5"].id
    for month in range(1, 12):
        if month not in (8, 10, 11):
            await saved(env, kp5, date(2026, month, 3), "regular", {})
    for n in range(60):  # many extraordinary meetings, all with a long reason
        await saved(
            env,
            kp5,
            date(2026, 1 + n % 10, 10 + n // 10),
            "extraordinary",
            {ids["An"]: ("excused", "công tác dài ngày ở tỉnh ngoài " * 6)},
        )
    await sec.command("meeting")
    await sec.press("📚 Sổ năm nay")
    screen = sec.chat.last_bot_message
    assert len(screen.text) < 4096 and len(screen.buttons) <= 100
    assert "Sinh hoạt thường kỳ: 10/11 tháng · không sinh hoạt 1 · chưa báo cáo 0" in screen.text
    assert "Các nút bên dưới mở 40 buổi sinh hoạt gần nhất." in screen.text
    assert len([b for b in screen.buttons if b.callback_data.startswith("mt:open:")]) == 40
    assert screen.labels[0] == "03/11 Thường kỳ 93,3%"  # the latest first
    # The member with 60 long reasons: the record keeps the totals and drops early lines.
    await sec.press_data(f"mh:m:{ids['An']}:2026", screen.message_id)
    record = sec.chat.last_bot_message.text
    assert len(record) < 4096 and "buổi trước đó không hiển thị" in record
    assert "Có mặt 12/72 buổi (16,7%) · vắng có lý do 60" in record
    # R6 counts every meeting: 10-15/09 and 10-15/10 run on (no meeting between), 03/11 ends it.
    assert "🚩 Vắng có lý do 12 lần liên tiếp (quá 3 lần)" in record


async def test_a_members_record_from_the_roster_card(env: BotEnv) -> None:
    sec, ids, _tree, got = await the_year(env)
    await sec.command("members")
    await sec.press("Nguyễn Văn Cường")
    await sec.press("📋 Dự sinh hoạt 2026")
    assert sec.chat.last_bot_message.text == "\n".join(
        [
            "Đ/c Nguyễn Văn Cường · dự sinh hoạt năm 2026",
            "Chi bộ Khu phố 5",
            "Có mặt 2/4 buổi (50%) · vắng không có lý do 2",
            "",
            "✅ 05/03 · Chuyên đề",
            "❌ 12/08 · Thường kỳ + chuyên đề · vắng không có lý do",
            "✅ 20/08 · Bất thường",
            "❌ 03/11 · Thường kỳ · vắng không có lý do",
            "",
            # R5: two months (a combined session counts as the regular one): a warning only
            "⚠️ Vắng sinh hoạt không lý do 2 tháng (T8, T11): cảnh báo; đến 3 tháng chi bộ phải xem xét.",
            "✅ Không vắng có lý do quá 3 lần liên tiếp.",
        ]
    )
    assert sec.chat.last_bot_message.labels == ["« 2025", "⬅️ Quay lại"]  # #15: one label for back
    await sec.press("⬅️ Quay lại")
    # The exempted member: nothing counted, the voluntary attendance apart (R1, R2).
    await sec.press_data(f"mh:m:{ids['Thuỷ']}:2026", sec.chat.last_bot_message.message_id)
    assert sec.chat.last_bot_message.text == "\n".join(
        [
            "Đ/c Phạm Thị Thuỷ · dự sinh hoạt năm 2026",
            "Chi bộ Khu phố 5",
            "Trong năm chưa có buổi sinh hoạt nào tính cho đồng chí.",
            "",
            "Không tính vào tỷ lệ",
            "▫️ 05/03 · Chuyên đề · miễn sinh hoạt",
            "▫️ 12/08 · Thường kỳ + chuyên đề · miễn sinh hoạt",
            "☑️ 20/08 · Bất thường · miễn sinh hoạt, vẫn dự",
            "▫️ 03/11 · Thường kỳ · miễn sinh hoạt",
            "",
            "Vẫn dự 1 buổi khi không thuộc diện tính tỷ lệ.",
            "✅ Không có tháng nào vắng sinh hoạt không lý do.",
            "✅ Không vắng có lý do quá 3 lần liên tiếp.",
        ]
    )
    assert got  # the meetings exist; nothing here opened them


async def test_r5_and_r6_flags_in_plain_words(env: BotEnv) -> None:
    sec, ids, tree = await cell(env)
    for month in range(1, 11):
        mark = ("unexcused", None) if month <= 3 else ("excused", "ốm") if month <= 7 else None
        await saved(
            env, tree["kp5"].id, date(2026, month, 3), "regular", {ids["An"]: mark} if mark else {}
        )
    await sec.command("members")
    await sec.press("Nguyễn Văn An")
    await sec.press("📋 Dự sinh hoạt 2026")
    text = sec.chat.last_bot_message.text
    assert "🟡 03/04 · Thường kỳ · vắng có lý do: ốm" in text
    assert text.endswith(
        "🚩 Vắng sinh hoạt không lý do 3 tháng trong năm (T1, T2, T3): chi bộ cần xem xét theo quy định.\n"
        "🚩 Vắng có lý do 4 lần liên tiếp (quá 3 lần): không đạt tiêu chí chất lượng sinh hoạt."
    )
    assert "xóa tên" not in text.lower()  # R5: the bot never says the member is removed


async def test_forged_history_buttons_are_refused(env: BotEnv) -> None:
    sec, ids, tree, _got = await the_year(env)
    kp5 = tree["kp5"].id
    stranger = env.user(300, "Lạ")
    await stranger.command("start")
    other = env.user(400, "Bình")
    await env.grant(other, tree["tdp12"], Role.SECRETARY)
    await other.command("start")
    for user in (stranger, other):
        before = [(m.message_id, m.text) for m in user.chat.messages]
        for data in (f"mh:y:{kp5}:2026", f"mh:m:{ids['Cường']}:2026"):
            await user.press_data(data, user.chat.last_bot_message.message_id)
            assert user.last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
        assert [(m.message_id, m.text) for m in user.chat.messages] == before  # nothing shown
    # A delegate logs meetings and sees the year, but not a member's record (roster roles).
    delegate = env.user(500, "Mai")
    await env.grant(delegate, tree["kp5"], Role.DELEGATE)
    await delegate.command("start")
    msg = delegate.chat.last_bot_message.message_id
    await delegate.press_data(f"mh:y:{kp5}:2026", msg)
    assert delegate.chat.last_bot_message.text.startswith("Sổ sinh hoạt năm 2026")
    await delegate.press_data(f"mh:m:{ids['Cường']}:2026", msg)
    assert delegate.last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
    assert "Cường" not in delegate.chat.last_bot_message.text
    # The secretary's own data: a future year or garbage is out of date, not an error.
    msg = sec.chat.last_bot_message.message_id
    for data in (f"mh:y:{kp5}:2027", f"mh:m:{ids['An']}:x", "mh:y"):
        await sec.press_data(data, msg)
        assert sec.last_alert and "cũ" in sec.last_alert
    # S2: a member's record is never shown in a group, even to the secretary.
    group = env.group(-1001, "Chi bộ Khu phố 5")
    await sec.send_in(group, "/help")
    shown = group.chat.last_bot_message
    assert shown is not None
    before = len(group.chat.messages)
    await sec.press_data(f"mh:m:{ids['Cường']}:2026", shown.message_id, group=group)
    assert sec.last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
    await sec.press_data(f"mh:y:{kp5}:2026", shown.message_id, group=group)
    assert sec.last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
    assert len(group.chat.messages) == before and "Cường" not in (
        group.chat.last_bot_message.text or ""
    )
