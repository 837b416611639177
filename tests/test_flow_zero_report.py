"""The zero report (M8, issue #3): "Tháng này chi bộ không sinh hoạt" with a reason, kept apart
from "not reported yet"; refusals, the correction deadline, restarts, stale and forged buttons."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.domain.model import Role
from storage.models import AuditEntry, FlowState, Meeting, Org, ZeroReport

from .auxil.botenv import VN, BotEnv, start_env, stop_env
from .fakeapi import TgUser

# The clock of every test starts at 21/11/2026 09:00 (Asia/Ho_Chi_Minh).
OUT_OF_DATE = "cũ"
NOT_ALLOWED = "không thể thực hiện"


async def secretary(env: BotEnv) -> tuple[TgUser, dict[str, Org]]:
    tree = await env.seed_tree()
    sec = env.user(200, "Hòa", last_name="Trần")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    await sec.command("start")
    return sec, tree


async def open_zero(sec: TgUser) -> None:
    """📝 → 🚫 Không sinh hoạt (the button of the meeting menu)."""
    await sec.command("meeting")
    await sec.press("🚫 Không sinh hoạt")


async def reports(env: BotEnv, **where: Any) -> list[ZeroReport]:
    async with env.db() as s:
        rows = await s.scalars(select(ZeroReport).filter_by(**where).order_by(ZeroReport.id))
        return list(rows)


async def audit(env: BotEnv, action: str) -> list[AuditEntry]:
    async with env.db() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return list(rows)


async def save_report(sec: TgUser, month_label: str, reason_label: str) -> None:
    await open_zero(sec)
    await sec.press(month_label)
    await sec.press(reason_label)
    await sec.press("💾 Lưu")


async def add_meeting(env: BotEnv, cell: Org, kind: str, held_on: date) -> None:
    async with env.db() as s:
        s.add(Meeting(cell_id=cell.id, kind=kind, state="saved", held_on=held_on, created_by=1))


def text(user: TgUser) -> str:
    msg = user.chat.last_bot_message
    assert msg is not None and msg.text is not None
    return msg.text


async def test_report_last_month_with_a_quick_reason(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await open_zero(sec)
    assert "tháng nào chi bộ không sinh hoạt" in text(sec)
    # #15: the month that is over first
    assert sec.chat.last_bot_message.labels == ["Tháng trước (10/2026)", "Tháng này (11/2026)"]
    await sec.press("Tháng trước (10/2026)")
    assert "Chi bộ Khu phố 5, tháng 10/2026: vì sao chi bộ không sinh hoạt?" in text(sec)
    assert "Bão, lũ lụt" in sec.chat.last_bot_message.labels
    await sec.press("Bão, lũ lụt")
    screen = text(sec)
    assert "Chi bộ Khu phố 5 báo cáo: tháng 10/2026 không sinh hoạt." in screen
    assert "Lý do: Bão, lũ lụt" in screen
    assert "Báo cáo sẽ gửi Đảng ủy phường Hòa Minh." in screen  # #15: to whom, by name
    assert sec.chat.last_bot_message.labels == ["💾 Lưu", "✖️ Hủy", "⬅️ Quay lại"]
    assert await reports(env) == []  # nothing is written before 💾
    await sec.press("💾 Lưu")
    saved = text(sec)
    assert "Đã lưu: Chi bộ Khu phố 5 tháng 10/2026 không sinh hoạt." in saved
    assert "Lý do: Bão, lũ lụt" in saved
    assert sec.chat.last_bot_message.labels == ["↩️ Rút lại báo cáo không sinh hoạt"]
    [row] = await reports(env)
    assert (row.cell_id, row.year, row.month, row.reason) == (
        tree["kp5"].id,
        2026,
        10,
        "Bão, lũ lụt",
    )
    assert row.created_by == 200 and row.deleted_at is None
    [entry] = await audit(env, "zero.save")
    assert entry.actor_id == 200 and entry.entity_id == row.id and entry.org_id == tree["kp5"].id
    assert entry.after == {"year": 2026, "month": 10, "reason": "Bão, lũ lụt"}
    assert await env.count(FlowState) == 0


async def test_typed_month_and_typed_reason_are_normalised(env: BotEnv) -> None:
    sec, _tree = await secretary(env)
    await open_zero(sec)
    await sec.send("tháng mười")
    assert "không đọc được tháng" in text(sec)
    assert sec.chat.last_bot_message.labels == ["Tháng trước (10/2026)", "Tháng này (11/2026)"]
    await sec.send("T11")  # this year's November
    assert "tháng 11/2026: vì sao" in text(sec)
    typed = "Chi ủy quyết định hoãn để   phục vụ bầu cử"
    await sec.send(unicodedata.normalize("NFD", typed))  # as some phones send it (L5)
    assert "Lý do: Chi ủy quyết định hoãn để phục vụ bầu cử" in text(sec)
    await sec.press("💾 Lưu")
    [row] = await reports(env)
    assert (row.year, row.month) == (2026, 11)
    assert row.reason == "Chi ủy quyết định hoãn để phục vụ bầu cử"
    assert unicodedata.is_normalized("NFC", row.reason)


async def test_a_too_long_reason_is_refused_and_the_flow_waits(env: BotEnv) -> None:
    sec, _tree = await secretary(env)
    await open_zero(sec)
    await sec.press("Tháng này (11/2026)")
    await sec.send("x" * 201)
    assert "201 ký tự" in text(sec) and "tối đa 200" in text(sec)
    assert "Dịch bệnh" in sec.chat.last_bot_message.labels  # the quick reasons again
    async with env.db() as s:
        state = await s.scalar(select(FlowState))
        assert state is not None and state.step == "reason" and "reason" not in state.data
    await sec.send("y" * 200)  # exactly the limit is fine
    assert "Lý do: " + "y" * 200 in text(sec)
    await sec.press("💾 Lưu")
    assert [r.reason for r in await reports(env)] == ["y" * 200]


async def test_future_and_before_the_cell_existed(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    async with env.db() as s:
        cell = await s.get(Org, tree["kp5"].id)
        assert cell is not None
        cell.founded_on = date(2026, 11, 10)
    await open_zero(sec)
    await sec.send("12/2026")
    assert "Tháng 12/2026 chưa đến" in text(sec)
    await sec.press("Tháng trước (10/2026)")
    assert "trước khi chi bộ được thành lập (10/11/2026)" in text(sec)
    await sec.press("Tháng này (11/2026)")  # founded within the month: allowed
    assert "vì sao chi bộ không sinh hoạt" in text(sec)
    assert await reports(env) == []


async def test_a_month_with_a_regular_meeting_is_refused(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await add_meeting(env, tree["kp5"], "combined", date(2026, 10, 3))  # M4: counts as regular
    await add_meeting(env, tree["kp5"], "extraordinary", date(2026, 11, 2))  # M3: does not
    await open_zero(sec)
    await sec.press("Tháng trước (10/2026)")
    assert (
        "Sinh hoạt thường kỳ tháng 10/2026 đã được ghi (ngày 03/10/2026), "
        "nên tháng này chi bộ có sinh hoạt." in text(sec)
    )
    await sec.press("Tháng này (11/2026)")  # the month buttons still work
    await sec.press("Dịch bệnh")
    await sec.press("💾 Lưu")
    assert [(r.month, r.reason) for r in await reports(env)] == [(11, "Dịch bệnh")]


async def test_a_second_report_for_the_month_shows_the_first(env: BotEnv) -> None:
    sec, _tree = await secretary(env)
    await save_report(sec, "Tháng trước (10/2026)", "Dịch bệnh")
    await open_zero(sec)
    await sec.send("10/2026")
    screen = text(sec)
    assert "Chi bộ Khu phố 5 đã báo cáo tháng 10/2026 không sinh hoạt." in screen
    assert "Lý do: Dịch bệnh" in screen
    assert sec.chat.last_bot_message.labels == ["↩️ Rút lại báo cáo không sinh hoạt"]
    assert len(await reports(env)) == 1 and len(await audit(env, "zero.save")) == 1


async def test_old_confirmations_cannot_save_into_another_month(env: BotEnv) -> None:
    sec, _tree = await secretary(env)
    await open_zero(sec)
    await sec.press("Tháng trước (10/2026)")
    await sec.press("Phần lớn đảng viên đi vắng")
    october = sec.chat.last_bot_message
    save = next(b.callback_data for b in october.buttons if b.text == "💾 Lưu")
    assert save is not None
    token = save.split(":")[2]
    await sec.press_data(f"zr:ok:{token}:2026:9", october.message_id)  # month edited
    assert sec.last_alert and OUT_OF_DATE in sec.last_alert
    await open_zero(sec)  # a new run of the flow: the October screen is now out of date
    await sec.press("Tháng này (11/2026)")
    await sec.press("Dịch bệnh")
    await sec.press("💾 Lưu", in_message=october.message_id)
    assert sec.last_alert and OUT_OF_DATE in sec.last_alert
    assert await reports(env) == []
    await sec.press("💾 Lưu")
    assert [(r.month, r.reason) for r in await reports(env)] == [(11, "Dịch bệnh")]
    await sec.press("💾 Lưu", in_message=october.message_id)  # after saving, still stale
    assert len(await reports(env)) == 1


async def test_cancel_saves_nothing(env: BotEnv) -> None:
    sec, _tree = await secretary(env)
    await open_zero(sec)
    await sec.press("Tháng này (11/2026)")
    await sec.press("Phần lớn đảng viên đi vắng")
    await sec.press("✖️ Hủy")
    assert "Đã hủy" in text(sec)
    assert await reports(env) == [] and await env.count(FlowState) == 0


async def test_withdraw_before_the_deadline_then_report_again(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await save_report(sec, "Tháng này (11/2026)", "Phần lớn đảng viên đi vắng")
    env.clock.set(datetime(2026, 12, 5, 23, 30, tzinfo=VN))  # the last day (the 5th) still counts
    await sec.press("↩️ Rút lại báo cáo không sinh hoạt")
    assert text(sec) == "Rút lại báo cáo không sinh hoạt tháng 11/2026 của Chi bộ Khu phố 5?"
    assert sec.chat.last_bot_message.labels == ["Rút lại", "✖️ Không"]
    assert (await reports(env))[0].deleted_at is None  # #15: nothing before the answer
    await sec.press("Rút lại")
    assert "Đã rút lại báo cáo Chi bộ Khu phố 5 không sinh hoạt tháng 11/2026" in text(sec)
    assert "chưa báo cáo" in text(sec)
    [row] = await reports(env)
    assert row.deleted_at is not None
    [entry] = await audit(env, "zero.withdraw")
    assert entry.actor_id == 200 and entry.entity_id == row.id
    assert entry.before == {"year": 2026, "month": 11, "reason": "Phần lớn đảng viên đi vắng"}
    # The month can be reported again; the withdrawn row stays for the record.
    await save_report(sec, "Tháng trước (11/2026)", "Bão, lũ lụt")
    rows = await reports(env, cell_id=tree["kp5"].id, month=11)
    assert [(r.reason, r.deleted_at is None) for r in rows] == [
        ("Phần lớn đảng viên đi vắng", False),
        ("Bão, lũ lụt", True),
    ]


async def test_after_the_deadline_a_secretary_is_told_who_can_change_it(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await save_report(sec, "Tháng này (11/2026)", "Phần lớn đảng viên đi vắng")
    saved = sec.chat.last_bot_message
    env.clock.set(datetime(2026, 12, 6, 0, 5, tzinfo=VN))
    await sec.press("↩️ Rút lại báo cáo không sinh hoạt")  # too late: refused at once
    refusal = text(sec)
    assert "đến hết ngày 05/12/2026" in refusal and "Đảng ủy phường Hòa Minh" in refusal
    assert sec.chat.find(saved.message_id) is not None
    assert "Đã lưu" in (sec.chat.find(saved.message_id).text or "")  # the report stays shown
    [row] = await reports(env)
    assert row.deleted_at is None and await audit(env, "zero.withdraw") == []
    # An admin of the ward (an ancestor) may still withdraw it (they confirm the figures).
    admin = env.user(400, "Hải", last_name="Lê")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("start")
    await admin.press_data(f"zr:x:{row.id}", admin.chat.last_bot_message.message_id)
    assert "Rút lại báo cáo không sinh hoạt tháng 11/2026" in text(admin)
    await admin.press("Rút lại")
    assert "Đã rút lại báo cáo" in text(admin)
    [row] = await reports(env)
    assert row.deleted_at is not None
    [entry] = await audit(env, "zero.withdraw")
    assert entry.actor_id == 400


async def test_a_restart_in_the_middle_loses_nothing(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await open_zero(sec)
    await sec.press("Tháng trước (10/2026)")
    await stop_env(env)
    env2 = await start_env(env.engine, env.clock, env.fake)
    sec2 = TgUser(env2.app, env2.fake, 200, "Hòa", "Trần", language_code="vi")
    await sec2.send("Mưa lớn, đường ngập")
    assert "tháng 10/2026 không sinh hoạt" in text(sec2)
    await stop_env(env2)
    env3 = await start_env(env.engine, env.clock, env.fake)  # and again, at the confirmation
    sec3 = TgUser(env3.app, env3.fake, 200, "Hòa", "Trần", language_code="vi")
    await sec3.press("💾 Lưu")
    assert "Đã lưu" in text(sec3)
    rows = await reports(env3)
    assert [(r.cell_id, r.month, r.reason) for r in rows] == [
        (tree["kp5"].id, 10, "Mưa lớn, đường ngập")
    ]
    assert not env2.errors and not env3.errors
    await stop_env(env3)


async def test_forged_buttons_from_another_cell_change_nothing(env: BotEnv) -> None:
    sec, tree = await secretary(env)
    await save_report(sec, "Tháng này (11/2026)", "Phần lớn đảng viên đi vắng")
    [row] = await reports(env)
    other = env.user(300, "Bình")
    await env.grant(other, tree["tdp12"], Role.SECRETARY)
    await other.command("start")
    where = other.chat.last_bot_message.message_id
    await other.press_data(f"zr:x:{row.id}", where)
    assert other.last_alert and NOT_ALLOWED in other.last_alert
    await other.press_data(f"zr:w:ok:{row.id}", where)
    assert other.last_alert and NOT_ALLOWED in other.last_alert
    await other.press_data(f"zr:m:{tree['kp5'].id}", where)
    assert other.last_alert and NOT_ALLOWED in other.last_alert
    [row] = await reports(env)
    assert row.deleted_at is None and await audit(env, "zero.withdraw") == []
    async with env.db() as s:
        assert await s.get(FlowState, (300, 300)) is None
    # Another person's flow token is no key to it either.
    await open_zero(sec)
    month_button = sec.chat.last_bot_message.buttons[0].callback_data
    assert month_button is not None
    await other.press_data(month_button, where)
    assert other.last_alert and OUT_OF_DATE in other.last_alert


async def test_no_tet_reason_and_back_steps_keep_the_flow(env: BotEnv) -> None:
    """#15 items 5 and 9: no "Nghỉ Tết" (M7: a holiday moves the meeting within the month);
    ⬅️ Quay lại from the confirmation to the reasons, and from the reasons to the months."""
    sec, _tree = await secretary(env)
    await open_zero(sec)
    await sec.press("Tháng trước (10/2026)")
    labels = sec.chat.last_bot_message.labels
    assert labels == ["Bão, lũ lụt", "Dịch bệnh", "Phần lớn đảng viên đi vắng", "⬅️ Quay lại"]
    assert not any("Tết" in label for label in labels)
    await sec.press("Dịch bệnh")
    await sec.press("⬅️ Quay lại")
    assert "tháng 10/2026: vì sao chi bộ không sinh hoạt?" in text(sec)
    await sec.press("⬅️ Quay lại")
    assert "tháng nào chi bộ không sinh hoạt" in text(sec)
    async with env.db() as s:
        state = await s.scalar(select(FlowState))
        assert state is not None and state.step == "month"
    await sec.press("Tháng này (11/2026)")
    await sec.press("Bão, lũ lụt")
    await sec.press("💾 Lưu")
    assert [(r.month, r.reason) for r in await reports(env)] == [(11, "Bão, lũ lụt")]


async def test_withdraw_asks_first_and_no_keeps_the_report(env: BotEnv) -> None:
    """#15 item 7: ↩️ asks "Rút lại …?"; ✖️ Không keeps the report and shows it again."""
    sec, _tree = await secretary(env)
    await save_report(sec, "Tháng này (11/2026)", "Dịch bệnh")
    await sec.press("↩️ Rút lại báo cáo không sinh hoạt")
    question = sec.chat.last_bot_message
    await sec.press("✖️ Không")
    assert "đã báo cáo tháng 11/2026 không sinh hoạt" in text(sec)
    assert sec.chat.last_bot_message.labels == ["↩️ Rút lại báo cáo không sinh hoạt"]
    [row] = await reports(env)
    assert row.deleted_at is None and await audit(env, "zero.withdraw") == []
    await sec.press("↩️ Rút lại báo cáo không sinh hoạt")
    await sec.press("Rút lại")
    assert (await reports(env))[0].deleted_at is not None
    await sec.press_data(f"zr:w:ok:{row.id}", question.message_id)  # again: withdrawn already
    assert sec.last_alert and OUT_OF_DATE in sec.last_alert
    assert len(await audit(env, "zero.withdraw")) == 1
