"""The roll-ups in Telegram (#5): the linked group's monthly summary with its chart, the
quarter's and the year's in January, the secretaries' recaps, once each across a restart;
/baocao in the group and in private with its refusals; no member's name in any group
(S2). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.model import MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.services.scheduler import tick
from storage import members, orgs
from storage.models import Org

from .auxil.botenv import ENTERED, VN, BotEnv, start_env, stop_env
from .fakeapi import TgGroup, TgUser

SEC, SEC_B, ADMIN, STRANGER = 200, 203, 900, 950
GROUP = -100_777
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
NOT_ALLOWED = "không thể thực hiện"


async def setup(env: BotEnv) -> tuple[dict[str, Org], dict[str, TgUser], TgGroup, dict[str, int]]:
    """The ward (linked to a group) with KP5 (three members; 03/11: Bình absent without
    reason, so 2/3) and TDP12 (nothing logged for November)."""
    tree = await env.seed_tree()
    group = env.group(GROUP, "Đảng ủy phường Hòa Minh")
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        await orgs.link_group(s, ward, GROUP, actor_id=None)
        ids = {}
        for name in NAMES:
            m = await members.add_member(
                s, cell_id=tree["kp5"].id, full_name=name, actor_id=None,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            )  # fmt: skip
            ids[name] = m.id
    users = {
        "sec": await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY),
        "sec_b": await env.enrol(env.user(SEC_B, "Tâm"), tree["tdp12"], Role.SECRETARY),
        "admin": await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN),
    }
    await env.save_meeting(
        tree["kp5"].id, date(2026, 11, 3), "regular", {ids["Trần Thị Bình"]: ("unexcused", None)}
    )
    return tree, users, group, ids


def group_texts(group: TgGroup) -> list[str]:
    return [m.text or m.caption or "" for m in group.chat.messages if m.from_bot]


def no_member_names_in_groups(env: BotEnv) -> None:
    """S2: nothing sent to a group carries a member's name."""
    for call in env.fake.calls:
        if call.chat_id is not None and call.chat_id < 0:
            assert not any(n in str(call.params) for n in NAMES), call


async def run(env: BotEnv, at: datetime) -> None:
    env.clock.set(at)
    await tick(env.app.bot_data, env.app.bot)


async def test_monthly_summary_chart_and_recaps_once_across_a_restart(env: BotEnv) -> None:
    _tree, users, group, _ids = await setup(env)
    # K1 (#14): secretaries may correct November until the end of 05/12, so nothing goes
    # out on the 5th (it did at 08:00); the 6th before summary_at neither.
    await run(env, datetime(2026, 12, 5, 8, 5, tzinfo=VN))
    await run(env, datetime(2026, 12, 5, 23, 59, tzinfo=VN))
    await run(env, datetime(2026, 12, 6, 7, 55, tzinfo=VN))
    assert group_texts(group) == []
    await run(env, datetime(2026, 12, 6, 8, 5, tzinfo=VN))
    [summary] = [m for m in group.chat.messages if m.from_bot and m.text]
    text = summary.text or ""
    assert "sinh hoạt chi bộ tháng 11/2026" in text
    assert "Đã sinh hoạt thường kỳ: 1/2 (50%) chi bộ" in text
    assert "Chưa báo cáo: 1\n• Chi bộ Tổ dân phố 12" in text
    assert "Tỷ lệ đảng viên dự sinh hoạt bình quân: 66,7%\n" in text  # #15: one rate, no "lowest"
    assert "Dưới 90%: 1 chi bộ\n• Chi bộ Khu phố 5" in text
    assert "vắng không có lý do: 1 (1 lượt)\n• Chi bộ Khu phố 5" in text  # #15: the cell (S2)
    assert "Báo cáo không sinh hoạt" not in text and "0 (0 lượt)" not in text  # #15: no empty
    assert text.endswith(  # #15: the deadline for the cells not reported yet, last
        "Hạn báo cáo (ngày 05/12/2026) đã qua: đề nghị các chi bộ chưa báo cáo liên hệ cấp ủy "
        "cấp trên để ghi bổ sung."
    )
    [photo] = [m for m in group.chat.messages if m.from_bot and m.photo]
    assert photo.caption and len(photo.caption) < 1024
    assert photo.message_id > summary.message_id  # the chart after the text
    # The secretaries' recaps, privately.
    recap = next(m.text for m in users["sec"].chat.messages if m.text and m.text.startswith("🗓"))
    assert "Chi bộ Khu phố 5, tháng 11/2026: đã ghi sinh hoạt thường kỳ; dự 2/3 (66,7%)" in recap
    recap_b = next(
        m.text for m in users["sec_b"].chat.messages if m.text and m.text.startswith("🗓")
    )
    assert "chưa ghi sinh hoạt thường kỳ" in recap_b and "0/11 tháng" in recap_b
    assert not [m for m in users["admin"].chat.messages if m.text and m.text.startswith("🗓")]
    before = (len(group.chat.messages), len(users["sec"].chat.messages))
    await run(env, datetime(2026, 12, 6, 8, 6, tzinfo=VN))
    await stop_env(env)  # a restart: the claims are in the database
    env2 = await start_env(env.engine, env.clock, env.fake)
    await run(env2, datetime(2026, 12, 7, 9, 0, tzinfo=VN))
    assert (len(group.chat.messages), len(users["sec"].chat.messages)) == before
    no_member_names_in_groups(env2)
    assert not env2.errors
    await stop_env(env2)


async def test_january_brings_the_month_the_quarter_and_the_year(env: BotEnv) -> None:
    _tree, _users, group, _ids = await setup(env)
    await run(env, datetime(2027, 1, 6, 8, 5, tzinfo=VN))
    texts = [m.text for m in group.chat.messages if m.from_bot and m.text]
    assert [t.split("\n")[0] for t in texts] == [
        "📊 Đảng ủy phường Hòa Minh: sinh hoạt chi bộ tháng 12/2026",
        "📘 Đảng ủy phường Hòa Minh: sinh hoạt chi bộ quý IV/2026",
        "📗 Đảng ủy phường Hòa Minh: sinh hoạt chi bộ năm 2026",
    ]
    assert "0/2 (0%) chi bộ đã sinh hoạt chuyên đề trong quý" in texts[1]
    assert "• 11/2026: 1/2 (50%)" in texts[1]
    # The year (K3, #14): KP5 held 1 of 12 months, TDP12 none: both "8 or fewer".
    assert "Sinh hoạt thường kỳ của 2 chi bộ được theo dõi cả năm:" in texts[2]
    assert "• sinh hoạt thường kỳ từ 8 tháng trở xuống: 2/2 (100%)" in texts[2]
    assert "• sinh hoạt thường kỳ đủ 12 tháng: 0/2 (0%)" in texts[2]
    assert len([m for m in group.chat.messages if m.from_bot and m.photo]) == 1  # the month's
    no_member_names_in_groups(env)


async def test_baocao_in_the_group_for_its_admins_only(env: BotEnv) -> None:
    _tree, users, group, _ids = await setup(env)
    stranger = env.user(STRANGER, "Lạ")
    await stranger.send_in(group, "/baocao")
    assert "Chỉ quản trị viên của Đảng ủy phường Hòa Minh" in (group_texts(group)[-1])
    admin = users["admin"]
    await admin.send_in(group, "/baocao")
    assert "kỳ nào?" in group_texts(group)[-1]
    await admin.press("tháng 11/2026", group=group)
    text = group_texts(group)[-1]
    assert "Đã sinh hoạt thường kỳ: 1/2 (50%) chi bộ" in text
    await admin.press("📥 Excel", group=group)
    [doc] = [c for c in env.fake.calls_of("sendDocument") if c.chat_id == GROUP]
    assert doc.params["caption"].startswith("Đảng ủy phường Hòa Minh")
    await admin.press("📈 Biểu đồ", group=group)
    assert [c for c in env.fake.calls_of("sendPhoto") if c.chat_id == GROUP]
    # A forged button for a cell of the ward is refused in the group: it is not the node.
    msg = group.chat.messages[-1].message_id
    await stranger.press_data(f"rp:p:{_tree['kp5'].id}:2026-11", msg, group=group)
    assert NOT_ALLOWED in (stranger.last_alert or "")
    no_member_names_in_groups(env)


async def test_baocao_in_private_secretary_sees_own_cell_only(env: BotEnv) -> None:
    tree, users, _group, _ids = await setup(env)
    sec = users["sec"]
    await sec.command("baocao")
    assert "Báo cáo của Chi bộ Khu phố 5: kỳ nào?" in (sec.chat.last_bot_message.text or "")
    await sec.send("tháng mười ba")
    assert "Chưa đọc được “tháng mười ba”" in (sec.chat.last_bot_message.text or "")
    await sec.send("11/2026")
    text = sec.chat.last_bot_message.text or ""
    assert "Chi bộ Khu phố 5: sinh hoạt chi bộ tháng 11/2026" in text
    assert "Đã sinh hoạt thường kỳ: 1/1 (100%) chi bộ" in text
    msg = sec.chat.last_bot_message.message_id
    for data in (f"rp:p:{tree['ward'].id}:2026-11", f"rp:p:{tree['tdp12'].id}:2026-11"):
        await sec.press_data(data, msg)
        assert NOT_ALLOWED in (sec.last_alert or ""), data
    await sec.press_data(f"rp:p:{tree['kp5'].id}:2027-03", msg)  # not begun: out of date
    assert "cũ" in (sec.last_alert or "")
    stranger = env.user(STRANGER, "Lạ")
    await stranger.command("start")
    await stranger.command("baocao")
    assert "dành cho quản trị viên" in (stranger.chat.last_bot_message.text or "")


async def test_a_summary_of_400_cells_arrives_whole_in_parts(env: BotEnv) -> None:
    """400 cells, none reported: the names fill several messages, each under Telegram's
    limit with valid HTML (the fake refuses anything else), in order, every cell once."""
    tree, _users, group, _ids = await setup(env)
    names = [f"Chi bộ Tổ dân phố số {i} khu vực phía Bắc phường Hòa Minh" for i in range(1, 399)]
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        for name in names:
            new = await orgs.create(s, name=name, kind=OrgKind.CELL, parent=ward, actor_id=None)
            new.created_at = ENTERED  # #14: counted in November
    await run(env, datetime(2026, 12, 6, 8, 5, tzinfo=VN))
    parts = [m.text or "" for m in group.chat.messages if m.from_bot and m.text]
    assert len(parts) >= 4
    assert [p.rsplit("\n", 1)[-1] for p in parts] == [
        f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)
    ]
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    listed = [line[2:] for p in parts for line in p.split("\n") if line.startswith("• ")]
    for name in [*names, "Chi bộ Tổ dân phố 12"]:  # not reported, each listed once
        assert listed.count(name) == 1, name
    assert listed.count("Chi bộ Khu phố 5") == 2  # reported: below the threshold, unexcused (#15)
    assert "Chưa báo cáo: 399" in parts[0]
    no_member_names_in_groups(env)


async def test_members_sheet_in_private_only(env: BotEnv) -> None:
    """The per-person sheet: names and absences for the admin in private (R5 level as in
    the warnings), never offered or sent in a group (S2)."""
    from io import BytesIO

    from openpyxl import load_workbook

    tree, users, group, ids = await setup(env)
    await env.save_meeting(
        tree["kp5"].id, date(2026, 10, 3), "regular", {ids["Trần Thị Bình"]: ("unexcused", None)}
    )
    admin = users["admin"]
    await admin.command("baocao")
    await admin.press("tháng 11/2026")
    await admin.press("👥 Đảng viên dự sinh hoạt (Excel)")
    [doc] = [c for c in env.fake.calls_of("sendDocument") if c.chat_id == ADMIN]
    assert "Tài liệu nội bộ" in doc.params["caption"]
    sheet = load_workbook(BytesIO(admin.chat.messages[-1].document.content)).active
    rows = {r[2]: r for r in sheet.iter_rows(min_row=6, values_only=True) if r[2]}
    assert set(rows) == set(NAMES)
    binh = rows["Trần Thị Bình"]
    # No., cell, name, status, 11/2026, present, excused, unexcused, months, streak, consider
    assert binh[1:] == ("Chi bộ Khu phố 5", "Trần Thị Bình", "chính thức", "K", 0, 0, 1, 2, 0,
                        "Vắng không có lý do: cần nhắc nhở")  # fmt: skip
    assert rows["Nguyễn Văn An"][4:8] == ("✓", 1, 0, 0)
    # In the group the button is not there, and a forged one is refused.
    await admin.send_in(group, "/baocao")
    await admin.press("tháng 11/2026", group=group)
    labels = group.chat.messages[-1].labels
    assert "👥 Đảng viên dự sinh hoạt (Excel)" not in labels and "📥 Excel" in labels
    await admin.press_data(
        f"rp:f:{tree['ward'].id}:2026-11:people", group.chat.messages[-1].message_id, group=group
    )
    assert NOT_ALLOWED in (admin.last_alert or "")
    assert not [c for c in env.fake.calls_of("sendDocument") if c.chat_id == GROUP]
    no_member_names_in_groups(env)


async def test_a_recap_is_news_for_three_days_the_group_summary_all_month(env: BotEnv) -> None:
    """After downtime from the 4th to the 9th, the group still gets November's summary,
    the secretaries no recap (stale after 3 days); a cell founded in December gets none."""
    tree, users, group, _ids = await setup(env)
    async with env.db() as s:
        cell = await s.get(Org, tree["tdp12"].id)
        assert cell is not None
        cell.founded_on = date(2026, 12, 1)
    await run(env, datetime(2026, 12, 9, 9, 0, tzinfo=VN))
    assert "tháng 11/2026" in group_texts(group)[0]
    assert not [m for m in users["sec"].chat.messages if (m.text or "").startswith("🗓")]
    await run(env, datetime(2026, 12, 6, 8, 5, tzinfo=VN))  # (the clock set back: a test)
    assert [m for m in users["sec"].chat.messages if (m.text or "").startswith("🗓")]
    assert not [m for m in users["sec_b"].chat.messages if (m.text or "").startswith("🗓")]


async def test_a_configured_correction_deadline_moves_the_summary(env: BotEnv) -> None:
    """K1 (#14): with the ward's correction deadline on the 10th, November's summary and
    recaps wait for 11/12 at summary_at, whatever summary_day says; with the deadline on
    the 3rd and summary_day 4, they go on the 4th."""
    tree, users, group, _ids = await setup(env)
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        ward.settings = {"correction_deadline_day": 10, "reminders": {"summary_day": 4}}
    for at in (datetime(2026, 12, 6, 8, 5, tzinfo=VN), datetime(2026, 12, 10, 21, 0, tzinfo=VN)):
        await run(env, at)
        assert group_texts(group) == [], at
    await run(env, datetime(2026, 12, 11, 8, 0, tzinfo=VN))
    assert "tháng 11/2026" in group_texts(group)[0]
    assert [m for m in users["sec"].chat.messages if (m.text or "").startswith("🗓")]
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        ward.settings = {"correction_deadline_day": 3, "reminders": {"summary_day": 4}}
    await run(env, datetime(2027, 1, 3, 20, 0, tzinfo=VN))
    assert not [t for t in group_texts(group) if "tháng 12/2026" in t]
    await run(env, datetime(2027, 1, 4, 8, 0, tzinfo=VN))
    assert [t for t in group_texts(group) if "tháng 12/2026" in t]
