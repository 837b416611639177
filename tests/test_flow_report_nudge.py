"""#15 item 11: the committee's report (/baocao, 📊 Báo cáo) of a month that is over carries
"📣 Nhắc các chi bộ chưa báo cáo", the digest's button: same authorization, same outbox,
once per cell and month however often it is pressed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.model import Role
from storage.models import Delivery

from .auxil.botenv import BotEnv
from .fakeapi import TgUser

NUDGE = "📣 Nhắc các chi bộ chưa báo cáo"


def got(user: TgUser, start: str) -> list[str]:
    return [
        m.text or "" for m in user.chat.messages if m.from_bot and (m.text or "").startswith(start)
    ]


async def test_the_october_report_nudges_the_cell_that_has_not_reported(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    sec_kp5 = env.user(200, "Hòa")
    await env.grant(sec_kp5, tree["kp5"], Role.SECRETARY)
    sec_tdp = env.user(300, "Bình")
    await env.grant(sec_tdp, tree["tdp12"], Role.SECRETARY)
    for user in (admin, sec_kp5, sec_tdp):
        await user.command("start")
    await env.save_meeting(tree["kp5"].id, date(2026, 10, 3))  # KP5 met in October

    await admin.tap("📊 Báo cáo")
    await admin.press("tháng 10/2026")
    assert "Chi bộ Tổ dân phố 12" in (admin.chat.last_bot_message.text or "")
    assert admin.chat.last_bot_message.labels[0] == NUDGE
    await admin.press(NUDGE)
    assert "📣" in (admin.chat.last_bot_message.text or "")
    [nudge] = got(sec_tdp, "📣")
    assert "10/2026" in nudge
    assert got(sec_kp5, "📣") == []  # KP5 reported: no nudge
    await admin.press(NUDGE)  # once per cell and month
    assert len(got(sec_tdp, "📣")) == 1
    async with env.db() as s:
        kinds = [d.kind for d in await s.scalars(select(Delivery).where(Delivery.kind == "nudge"))]
    assert kinds == ["nudge"]

    # A running month, a secretary's report and a forged nudge of the running month: no 📣.
    await admin.tap("📊 Báo cáo")
    await admin.press("tháng 11/2026")
    assert NUDGE not in admin.chat.last_bot_message.labels
    await sec_tdp.tap("📊 Báo cáo")
    await sec_tdp.press("tháng 10/2026")
    assert NUDGE not in sec_tdp.chat.last_bot_message.labels
    where = sec_tdp.chat.last_bot_message.message_id
    await sec_tdp.press_data(f"rm:nudge:{tree['ward'].id}:202610", where)
    assert sec_tdp.last_alert and "không thể thực hiện" in sec_tdp.last_alert
    assert len(got(sec_tdp, "📣")) == 1
