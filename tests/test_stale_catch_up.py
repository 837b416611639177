"""#14 item 4: a bot back after downtime late in the month drops last month's summary,
digest and recaps instead of sending them weeks late, records the drop once (state
"stale", logged), and never chases a cell for a month before it was tracked
(bot.domain.facts.tracked_since). On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.domain.model import CellType, OrgKind, Role
from bot.services.scheduler import tick
from storage import orgs
from storage.models import Delivery, Org

from .auxil.botenv import VN, BotEnv
from .fakeapi import TgGroup, TgUser

SEC, SEC_B, SEC_NEW, ADMIN = 200, 203, 205, 900
GROUP = -100_778
NEW = "Chi bộ Khu phố 21"


async def setup(env: BotEnv, settings: dict[str, object] | None = None) -> dict[str, object]:
    """The ward (linked to a group, its admin), KP5 and TDP12 (tracked for years, nothing
    logged for November), and KP21 entered on 06/12/2026 without a founding day."""
    tree = await env.seed_tree()
    group = env.group(GROUP, "Đảng ủy phường Hòa Minh")
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        await orgs.link_group(s, ward, GROUP, actor_id=None)
        ward.settings = settings or {}
        new = await orgs.create(
            s, name=NEW, kind=OrgKind.CELL, parent=ward, actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )  # fmt: skip
        new.created_at = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    return {
        "tree": tree,
        "new": new,
        "group": group,
        "sec": await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY),
        "sec_b": await env.enrol(env.user(SEC_B, "Tâm"), tree["tdp12"], Role.SECRETARY),
        "sec_new": await env.enrol(env.user(SEC_NEW, "Yến"), new, Role.SECRETARY),
        "admin": await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN),
    }


def texts(chat: TgUser | TgGroup, start: str = "") -> list[str]:
    return [
        m.text or m.caption or ""
        for m in chat.chat.messages
        if m.from_bot and (m.text or m.caption or "").startswith(start)
    ]


async def run(env: BotEnv, at: datetime) -> int:
    env.clock.set(at)
    return (await tick(env.app.bot_data, env.app.bot)).claimed


async def test_back_on_31_12_november_is_dropped_and_the_drop_recorded_once(
    env: BotEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's case: down from 02/12 to 31/12. Nothing about November reaches the
    group or the admin (it did, 26 days late, with the chart); the drops are rows in state
    "stale" and a warning in the log, once; the next ticks neither send nor record again."""
    p = await setup(env)
    ward = p["tree"]["ward"].id  # type: ignore[index]
    with caplog.at_level(logging.WARNING):
        await run(env, datetime(2026, 12, 31, 10, 0, tzinfo=VN))
    assert texts(p["group"]) == []  # type: ignore[arg-type]
    assert texts(p["admin"], "📋") == []  # type: ignore[arg-type]
    for who in ("sec", "sec_b", "sec_new"):
        assert texts(p[who], "🗓") == [], who  # type: ignore[arg-type]
    async with env.db() as s:
        stale = sorted(
            (d.chat_id, d.key, d.kind)
            for d in await s.scalars(select(Delivery).where(Delivery.state == "stale"))
        )
    assert stale == sorted(
        [(GROUP, f"sum:{ward}:2026-11:1", "summary"), (ADMIN, f"digest:{ward}:2026-11", "digest")]
    )
    dropped = [r.getMessage() for r in caplog.records if "catch-up limit" in r.getMessage()]
    assert len(dropped) == 2 and any(f"sum:{ward}:2026-11:1" in m for m in dropped)
    caplog.clear()
    before = await env.count(Delivery)
    with caplog.at_level(logging.WARNING):
        await run(env, datetime(2026, 12, 31, 10, 1, tzinfo=VN))
    assert await env.count(Delivery) == before
    assert not [r for r in caplog.records if "catch-up limit" in r.getMessage()]
    assert texts(p["group"]) == []  # type: ignore[arg-type]


async def test_within_the_limit_it_is_sent_and_the_limit_is_a_setting(env: BotEnv) -> None:
    """catch_up_days 2 (the ward's reminders settings): November's summary, due 06/12
    08:00, still goes on 08/12 at 07:59 but a digest due 03/12 08:00 no longer does."""
    p = await setup(env, {"reminders": {"catch_up_days": 2}})
    await run(env, datetime(2026, 12, 8, 7, 59, tzinfo=VN))
    assert "tháng 11/2026" in texts(p["group"])[0]  # type: ignore[arg-type]
    assert texts(p["admin"], "📋") == []  # type: ignore[arg-type]
    async with env.db() as s:
        kinds = {d.kind for d in await s.scalars(select(Delivery).where(Delivery.state == "stale"))}
    assert kinds == {"digest"}


async def test_a_cell_entered_on_06_12_is_never_missing_for_november(env: BotEnv) -> None:
    """tracked_since: KP21 (entered 06/12, no founding day) is not in November's digest,
    gets no recap of November and no nudge for it; TDP12 is and does."""
    p = await setup(env, {"reminders": {"catch_up_days": 28}})
    await run(env, datetime(2026, 12, 6, 10, 5, tzinfo=VN))
    [digest] = texts(p["admin"], "📋")  # type: ignore[arg-type]
    assert "• Chi bộ Tổ dân phố 12" in digest and NEW not in digest
    assert texts(p["sec_b"], "🗓") and not texts(p["sec_new"], "🗓")  # type: ignore[arg-type]
    admin: TgUser = p["admin"]  # type: ignore[assignment]
    await admin.press("📣 Nhắc tất cả")
    assert texts(p["sec_b"], "📣") and not texts(p["sec_new"], "📣")  # type: ignore[arg-type]


async def test_no_reminder_about_a_month_before_the_cell_was_tracked(env: BotEnv) -> None:
    """The reminders: on 30/11 (the clock set back: a test) KP5 gets November's D+1 and
    last-day reminders and December's D-3; KP21, tracked from 01/12, only December's."""
    p = await setup(env)
    await run(env, datetime(2026, 11, 30, 8, 5, tzinfo=VN))
    old = [t for t in texts(p["sec"]) if "11/2026" in t or "03/12/2026" in t]  # type: ignore[arg-type]
    assert len(old) == 3
    new = texts(p["sec_new"])  # type: ignore[arg-type]
    assert [t for t in new if "03/12/2026" in t] and not [t for t in new if "11/2026" in t]
