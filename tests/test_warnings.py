"""Early warnings (#4, R5, R6) and the admins' monthly digest with its nudge button (K1),
on SQLite and PostgreSQL: who gets what, once, privately, in their language (S2)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.render.i18n import translator
from bot.services.digest import TEXT_BUDGET, digest_text, plan_digest
from bot.services.outbox import Outgoing, send_all
from bot.services.scheduler import record
from bot.services.warnings import plan_warnings
from storage import members, orgs, zero_reports
from storage.models import Delivery, Org

from .auxil.botenv import ENTERED, VN, BotEnv
from .fakeapi import TgUser

SEC, DEP, ADMIN, SEC_B, SEC_11, STRANGER = 200, 201, 900, 203, 204, 950
GROUP = -100_500
Plan = Callable[[Any, datetime], Awaitable[list[Outgoing]]]


async def run(env: BotEnv, plan: Plan) -> int:
    """One planner pass as the tick makes it: claim, send, record. Returns the number sent."""
    now = env.clock()
    items = await plan(env.app.bot_data, now)
    outcomes = await send_all(env.app.bot, items)
    assert not await record(env.app.bot_data, outcomes, now)
    assert all(o.state == "sent" for o in outcomes), outcomes
    return len(items)


NOTICES = ("⚠️", "🚩", "🟡", "📋", "📣")  # warnings, the digest, nudges and their answers


def bot_texts(user: TgUser) -> list[str]:
    """What the bot sent this user apart from the menus (the welcome of /start)."""
    return [
        m.text for m in user.chat.messages if m.from_bot and m.text and m.text.startswith(NOTICES)
    ]


async def people(env: BotEnv) -> dict[str, Any]:
    """KP5 (secretary in Vietnamese, deputy in English, a linked group), TDP12 (its own
    secretary), the ward's admin; everyone has started the bot."""
    tree = await env.seed_tree()
    env.group(GROUP, "Chi bộ Khu phố 5")
    async with env.db() as s:
        kp5 = await s.get(Org, tree["kp5"].id)
        assert kp5 is not None
        await orgs.link_group(s, kp5, GROUP, actor_id=None)
    users = {
        "sec": await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY),
        "dep": await env.enrol(env.user(DEP, "Lan", language_code="en"), tree["kp5"], Role.DEPUTY),
        "admin": await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN),
        "sec_b": await env.enrol(env.user(SEC_B, "Tâm"), tree["tdp12"], Role.SECRETARY),
    }
    return {**tree, **users}


async def member(env: BotEnv, cell: Org, name: str, *spans: NewSpan) -> int:
    async with env.db() as s:
        m = await members.add_member(
            s,
            cell_id=cell.id,
            full_name=name,
            spans=list(spans) or [NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            actor_id=None,
        )
        return m.id


async def meeting(
    env: BotEnv, cell: Org, day: date, marks: dict[int, str], kind: str = "regular"
) -> None:
    """A saved meeting as the logging flow stores it (no mark: present)."""
    reasons = {k: (m, "ốm" if m == "excused" else None) for k, m in marks.items()}
    await env.save_meeting(cell.id, day, kind, reasons, by=SEC)


def no_names_outside_private_chats(env: BotEnv, *names: str) -> None:
    """S2/R5: nothing goes to a group, and no member's name to anything but a private chat."""
    for call in env.fake.calls_of("sendMessage"):
        assert call.chat_id is not None and call.chat_id > 0, call
    for call in env.fake.calls:
        if call.chat_id is not None and call.chat_id < 0:
            assert not any(n in str(call.params) for n in names), call
    assert not env.fake.chat(GROUP).bot_messages()


# --- R5 ----------------------------------------------------------------------------------


async def test_r5_warning_at_two_months_then_the_flag_at_three_once_each(env: BotEnv) -> None:
    p = await people(env)
    kp5 = p["kp5"]
    an = await member(env, kp5, "Nguyễn Văn An")
    cuong = await member(env, kp5, "Trần Văn Cường")
    # Exempted all year (R1): a stray unexcused mark never counts against him.
    dung = await member(
        env,
        kp5,
        "Lê Văn Dũng",
        NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1)),
        NewSpan(MemberStatus.EXEMPTED, date(2025, 6, 1)),
    )
    await meeting(
        env, kp5, date(2026, 1, 3), {an: "unexcused", cuong: "unexcused", dung: "unexcused"}
    )
    await meeting(env, kp5, date(2026, 1, 20), {an: "unexcused"}, kind="extraordinary")  # M3
    await meeting(
        env, kp5, date(2026, 2, 3), {an: "unexcused", dung: "unexcused"}, kind="extraordinary"
    )
    await meeting(env, kp5, date(2026, 3, 3), {dung: "unexcused"})
    env.clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 0  # one month each: below the warning

    await meeting(env, kp5, date(2026, 4, 3), {an: "unexcused"}, kind="combined")  # M4: counts
    # R5: the secretary and the ward's admin, not the deputy (#14: she got it too).
    assert await run(env, plan_warnings) == 2
    warn_vi = (
        "⚠️ Chi bộ Khu phố 5\nĐồng chí Nguyễn Văn An vắng sinh hoạt thường kỳ không có lý do "
        "2 tháng trong năm 2026 (T1, T4). Nếu đủ 3 tháng, chi bộ phải xem xét trường hợp này; "
        "đề nghị trao đổi, nhắc nhở đồng chí."
    )
    assert bot_texts(p["sec"])[-1] == warn_vi
    assert bot_texts(p["admin"])[-1] == warn_vi
    assert not bot_texts(p["dep"])
    assert p["sec"].chat.last_bot_message.labels == ["📋 Dự sinh hoạt 2026"]
    assert not bot_texts(p["sec_b"])  # another cell's secretary hears nothing
    assert await run(env, plan_warnings) == 0  # once per member, threshold and year

    await meeting(env, kp5, date(2026, 5, 3), {an: "excused"})
    await meeting(env, kp5, date(2026, 6, 3), {an: "unexcused"})
    env.clock.set(datetime(2026, 6, 3, 22, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 0  # the quiet hours (21:30-07:00)
    env.clock.set(datetime(2026, 6, 4, 7, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 2
    flag = bot_texts(p["sec"])[-1]
    assert flag == (
        "🚩 Chi bộ Khu phố 5\nĐồng chí Nguyễn Văn An vắng sinh hoạt thường kỳ không có lý do "
        "3 tháng trong năm 2026 (T1, T4, T6). Chi bộ cần xem xét trường hợp này theo quy định "
        "của Đảng."
    )
    assert "xóa tên" not in flag and not bot_texts(p["dep"])
    # The flag comes after the warning.
    assert [t.split()[0] for t in bot_texts(p["admin"])[-2:]] == ["⚠️", "🚩"]
    assert await run(env, plan_warnings) == 0
    env.clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 0  # still nothing more this year

    for who in ("sec", "dep", "admin"):
        texts = "\n".join(bot_texts(p[who]))
        assert "Cường" not in texts and "Dũng" not in texts
    no_names_outside_private_chats(env, "Nguyễn Văn An")
    async with env.db() as s:
        keys = sorted(
            (d.chat_id, d.key, d.state)
            for d in await s.scalars(select(Delivery).where(Delivery.kind.like("r5%")))
        )
    assert keys == sorted(
        (uid, f"{k}:{an}:2026", "sent") for uid in (SEC, ADMIN) for k in ("r5warn", "r5flag")
    )
    # The button opens the member's record, for the upper committee's admin too.
    await p["admin"].press("📋 Dự sinh hoạt 2026")
    record_text = p["admin"].chat.last_bot_message.text or ""
    assert (
        record_text.startswith("Đ/c Nguyễn Văn An · dự sinh hoạt năm 2026") and "🚩" in record_text
    )


async def test_a_member_who_has_left_the_cell_is_not_reported(env: BotEnv) -> None:
    p = await people(env)
    kp5 = p["kp5"]
    gone = await member(
        env,
        kp5,
        "Phạm Thị Giang",
        NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1)),
        NewSpan(MemberStatus.TRANSFERRED, date(2026, 5, 1)),
    )
    for month in (1, 2, 3):
        await meeting(env, kp5, date(2026, month, 3), {gone: "unexcused"})
    env.clock.set(datetime(2026, 5, 10, 9, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 0


# --- R6 ----------------------------------------------------------------------------------


async def test_r6_at_the_fourth_excused_absence_in_a_row(env: BotEnv) -> None:
    p = await people(env)
    kp5 = p["kp5"]
    binh = await member(env, kp5, "Lê Thị Bình")
    await meeting(env, kp5, date(2026, 1, 3), {binh: "excused"})
    await meeting(env, kp5, date(2026, 2, 3), {})  # present: the run starts again
    await meeting(env, kp5, date(2026, 3, 3), {binh: "excused"})
    await meeting(env, kp5, date(2026, 3, 20), {binh: "excused"}, kind="thematic")
    await meeting(env, kp5, date(2026, 4, 3), {binh: "excused"})
    env.clock.set(datetime(2026, 4, 4, 9, 0, tzinfo=VN))
    assert await run(env, plan_warnings) == 0  # 3 in a row is not *more than* 3

    await meeting(env, kp5, date(2026, 5, 3), {binh: "excused"})
    assert await run(env, plan_warnings) == 2  # R6 flagged as R5: secretary and admin only
    assert bot_texts(p["sec"])[-1] == (
        "🟡 Chi bộ Khu phố 5\nĐồng chí Lê Thị Bình vắng sinh hoạt có lý do 4 lần liên tiếp "
        "(từ 03/03/2026 đến 03/05/2026), quá 3 lần: chi bộ cần xem xét trường hợp này (tiêu chí "
        "chất lượng sinh hoạt)."
    )
    assert not bot_texts(p["dep"])
    assert bot_texts(p["admin"])[-1].startswith("🟡 Chi bộ Khu phố 5\nĐồng chí Lê Thị Bình")
    await meeting(env, kp5, date(2026, 6, 3), {binh: "excused"})
    assert await run(env, plan_warnings) == 0  # once a year, however long the run gets
    assert not bot_texts(p["sec_b"])
    no_names_outside_private_chats(env, "Lê Thị Bình")


# --- the digest and the nudge --------------------------------------------------------------


async def digest_tree(env: BotEnv) -> dict[str, Any]:
    """October 2026 in the ward: KP5 met, KP7 reported "did not meet", TDP12 and KP11 did
    not report, KP9 was founded in November (not counted)."""
    p = await people(env)
    async with env.db() as s:
        ward = await s.get(Org, p["ward"].id)
        assert ward is not None
        extra = {}
        for name in ("Chi bộ Khu phố 7", "Chi bộ Khu phố 9", "Chi bộ Khu phố 11"):
            extra[name] = await orgs.create(
                s,
                name=name,
                kind=OrgKind.CELL,
                parent=ward,
                actor_id=None,
                cell_type=CellType.RESIDENTIAL,
            )
        for cell in extra.values():  # entered long ago: tracked (#14)
            cell.created_at = ENTERED
        extra["Chi bộ Khu phố 9"].founded_on = date(2026, 11, 1)
        await zero_reports.create(
            s, cell_id=extra["Chi bộ Khu phố 7"].id, year=2026, month=10, reason="bão", actor_id=SEC
        )
    await meeting(env, p["kp5"], date(2026, 10, 3), {})
    await meeting(env, p["tdp12"], date(2026, 10, 9), {}, kind="extraordinary")  # M3: not it
    sec_11 = env.user(SEC_11, "Yến")
    await env.grant(sec_11, extra["Chi bộ Khu phố 11"], Role.SECRETARY)
    await sec_11.command("start")
    return {**p, "kp11": extra["Chi bộ Khu phố 11"], "sec_11": sec_11}


async def test_digest_on_the_third_lists_the_cells_that_did_not_report(env: BotEnv) -> None:
    p = await digest_tree(env)
    env.clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 0  # before the digest day
    env.clock.set(datetime(2026, 11, 3, 7, 59, tzinfo=VN))
    assert await run(env, plan_digest) == 0  # before send_at (08:00)
    env.clock.set(datetime(2026, 11, 3, 8, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 1  # the ward's one admin
    digest = p["admin"].chat.last_bot_message
    assert digest.text == (
        "📋 Đảng ủy phường Hòa Minh: 2 chi bộ chưa báo cáo tháng 10/2026 (chưa ghi sinh hoạt "
        "thường kỳ, cũng chưa báo cáo “không sinh hoạt”):\n"
        "• Chi bộ Khu phố 11\n"
        "• Chi bộ Tổ dân phố 12\n"
        "\n"
        "Nút 📣 gửi tin nhắc việc đến bí thư, phó bí thư của từng chi bộ trên (mỗi chi bộ một lần)."
    )
    assert digest.labels == ["📣 Nhắc tất cả"]
    assert digest.buttons[0].callback_data == f"rm:nudge:{p['ward'].id}:202610"
    assert await run(env, plan_digest) == 0
    env.clock.set(datetime(2026, 11, 30, 20, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 0  # once a month
    for who in ("sec", "dep", "sec_b", "sec_11"):
        assert not [t for t in bot_texts(p[who]) if t.startswith("📋")]
    assert not env.fake.chat(GROUP).bot_messages()


async def test_digest_late_start_and_no_digest_when_all_reported(env: BotEnv) -> None:
    p = await people(env)
    await meeting(env, p["kp5"], date(2026, 10, 3), {})
    async with env.db() as s:
        await zero_reports.create(
            s, cell_id=p["tdp12"].id, year=2026, month=10, reason="bão", actor_id=SEC
        )
    env.clock.set(datetime(2026, 11, 12, 10, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 0  # every cell reported October
    env.clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=VN))  # the bot was down on the 3rd
    assert await run(env, plan_digest) == 1
    assert "2 chi bộ chưa báo cáo tháng 11/2026" in (p["admin"].chat.last_bot_message.text or "")


def test_digest_text_stays_under_the_limit_with_a_count_of_the_rest() -> None:
    names = [f"Chi bộ Khu dân cư số {i} – Tổ dân phố liên kết {i}" for i in range(1, 301)]
    text = digest_text(translator("vi"), "Đảng ủy phường Hòa Minh", names, 2026, 10)
    assert len(text.encode("utf-16-le")) // 2 <= TEXT_BUDGET < 4096
    assert text.startswith("📋 <b>Đảng ủy phường Hòa Minh</b>: 300 chi bộ chưa báo cáo")
    shown = text.count("\n• ")
    assert f"… và {300 - shown} chi bộ khác" in text and 0 < shown < 300


async def test_nudge_them_all_reminds_each_cell_once(env: BotEnv) -> None:
    p = await digest_tree(env)
    env.clock.set(datetime(2026, 11, 3, 8, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 1
    admin = p["admin"]
    await admin.press("📣 Nhắc tất cả")
    assert (
        admin.chat.last_bot_message.text == "📣 Đã nhắc 2 chi bộ (0 chi bộ đã được nhắc trước đó)."
    )
    nudge_b = p["sec_b"].chat.last_bot_message
    assert nudge_b.text == (
        # #15: the nudge names the committee.
        "📣 Chi bộ Tổ dân phố 12: Đảng ủy phường Hòa Minh đề nghị chi bộ báo cáo tháng 10/2026. "
        "Đề nghị đồng chí ghi buổi sinh hoạt thường kỳ, hoặc báo cáo chi bộ không sinh hoạt."
    )
    assert [b.callback_data for b in nudge_b.buttons] == [
        f"mt:cell:{p['tdp12'].id}",
        f"zr:m:{p['tdp12'].id}",
    ]
    assert nudge_b.labels == ["📝 Ghi sinh hoạt", "🚫 Không sinh hoạt"]
    assert "Chi bộ Khu phố 11" in (p["sec_11"].chat.last_bot_message.text or "")
    assert not [t for t in bot_texts(p["sec"]) if t.startswith("📣")]  # KP5 met

    await admin.press("📣 Nhắc tất cả", in_message=admin.chat.bot_messages()[-2].message_id)
    assert (
        admin.chat.last_bot_message.text == "📣 Đã nhắc 0 chi bộ (2 chi bộ đã được nhắc trước đó)."
    )
    for who in ("sec_b", "sec_11"):
        assert len([t for t in bot_texts(p[who]) if t.startswith("📣")]) == 1
    async with env.db() as s:
        states = [
            d.state for d in await s.scalars(select(Delivery).where(Delivery.kind == "nudge"))
        ]
    assert states == ["sent", "sent"]
    assert not env.fake.chat(GROUP).bot_messages()


async def test_a_cell_without_a_reachable_secretary_is_counted_apart(env: BotEnv) -> None:
    p = await digest_tree(env)
    env.fake.block(SEC_11)
    env.clock.set(datetime(2026, 11, 3, 8, 0, tzinfo=VN))
    assert await run(env, plan_digest) == 1
    admin = p["admin"]
    await admin.press("📣 Nhắc tất cả")
    assert admin.chat.last_bot_message.text == (
        "📣 Đã nhắc 1 chi bộ (0 chi bộ đã được nhắc trước đó).\n"
        "1 chi bộ không có bí thư, phó bí thư nào bot gửi tin được."
    )
    async with env.db() as s:  # the blocked secretary is now unreachable
        rows = {
            d.chat_id: d.state
            for d in await s.scalars(select(Delivery).where(Delivery.kind == "nudge"))
        }
    assert rows == {SEC_B: "sent", SEC_11: "blocked"}
    await admin.press("📣 Nhắc tất cả", in_message=admin.chat.bot_messages()[-2].message_id)
    assert admin.chat.last_bot_message.text == (
        "📣 Đã nhắc 0 chi bộ (1 chi bộ đã được nhắc trước đó).\n"
        "1 chi bộ không có bí thư, phó bí thư nào bot gửi tin được."
    )


async def test_forged_nudge_data_is_refused_and_nothing_is_sent(env: BotEnv) -> None:
    p = await digest_tree(env)
    stranger = env.user(STRANGER, "Quân")
    async with env.db() as s:
        other = await orgs.create(
            s, name="Đảng ủy phường An Hải", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
    await env.grant(stranger, other, Role.ADMIN)
    await stranger.command("start")
    env.clock.set(datetime(2026, 11, 3, 9, 0, tzinfo=VN))
    sends_before = len(env.fake.calls_of("sendMessage"))
    data = f"rm:nudge:{p['ward'].id}:202610"
    for user in (p["sec"], stranger):  # a cell's secretary; an admin of another ward
        await user.press_data(data, user.chat.last_bot_message.message_id)
        assert user.last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
    await p["sec"].press_data(
        f"rm:nudge:{p['kp5'].id}:202610", p["sec"].chat.last_bot_message.message_id
    )
    assert p["sec"].last_alert == "Xin lỗi, đồng chí không thể thực hiện thao tác này ở đây."
    assert len(env.fake.calls_of("sendMessage")) == sends_before
    assert await env.count(Delivery) == 0
    # The ward's own admin, with a month that is not over: out of date, nothing sent.
    admin = p["admin"]
    await admin.press_data(
        f"rm:nudge:{p['ward'].id}:202611", admin.chat.last_bot_message.message_id
    )
    assert "cũ" in (admin.last_alert or "") or "out of date" in (admin.last_alert or "")
    assert await env.count(Delivery) == 0
