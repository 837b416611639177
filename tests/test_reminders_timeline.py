"""Fourteen months of reminders (#4) with an injected clock, on SQLite and PostgreSQL.

Four cells: KP5 (day 3, a secretary and a deputy: logs most months, skips March, reports
"did not meet" for July, moves September's meeting, no thematic meeting in Q2), TDP12 (day
17: Tết 2026 falls on it, it moves; its secretary blocks the bot in May), KP7 (the last
day of the month: never logs), KP9 (day 6: Tết 2027). The bot restarts in June, two ticks
run at once in April, and it is down for two days in August. Every message each person got
is checked by local date and time, kind and text.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.services.scheduler import tick
from storage import members, orgs, zero_reports
from storage.models import Delivery, Org

from .auxil.botenv import ENTERED, VN, BotEnv, start_env, stop_env

A_SEC, A_DEP, B_SEC, C_SEC, D_SEC, ADMIN = 201, 202, 203, 204, 205, 900
TICKS = ((7, 5), (8, 5), (22, 0))  # 22:00 is in the quiet hours: nothing may go out
TU, NAM = "Lê Văn Tư", "Phạm Thị Năm"
UNEXCUSED = {(2026, 1), (2026, 4), (2026, 5), (2027, 1)}  # Tư's months (R5)
EXCUSED = {(2026, 1), (2026, 2), (2026, 4), (2026, 5), (2027, 1)}  # Năm's (R6; no March meeting)


def kind_of(text: str) -> str:
    first = text.split(":", 1)[1] if ":" in text else text
    if "chặn bot" in text:
        return "blocked"
    for mark, kind in (("⚠️", "r5warn"), ("🚩", "r5flag"), ("🟡", "r6"), ("📋", "digest")):
        if text.startswith(mark):
            return kind
    if text.startswith("📣"):
        return "nudge"
    if text.startswith("🗓"):
        return "recap"
    if text.startswith("📅"):
        return "before"
    if text.startswith("📎"):
        return "docs"
    if text.startswith("🔔"):
        return "day"
    if text.startswith("⏰"):
        return "mlast"
    if text.startswith("📝"):
        return "after" if "chưa ghi kết quả" in first else "m25"
    if text.startswith("📘"):
        return "q_late" if "kết thúc" in first else "q"
    return "other"


async def log(
    env: BotEnv, cell: Org, day: date, kind: str = "regular", marks: Marks | None = None
) -> None:
    await env.save_meeting(cell.id, day, kind, marks, by=A_SEC)


Marks = dict[int, tuple[str, str | None]]


def kp5_marks(ids: dict[str, int], day: date) -> Marks:
    """Tư's and Năm's absences at KP5's meeting of that month."""
    marks: Marks = {}
    if (day.year, day.month) in UNEXCUSED:
        marks[ids[TU]] = ("unexcused", None)
    if (day.year, day.month) in EXCUSED:
        marks[ids[NAM]] = ("excused", "ốm")
    return marks


async def setup(env: BotEnv) -> tuple[dict[str, Org], dict[str, int]]:
    tree = await env.seed_tree()
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        tdp12 = await s.get(Org, tree["tdp12"].id)
        assert ward is not None and tdp12 is not None
        tdp12.meeting_day = 17
        kp7 = await orgs.create(
            s, name="Chi bộ Khu phố 7", kind=OrgKind.CELL, parent=ward, actor_id=None,
            cell_type=CellType.RESIDENTIAL, meeting_day=-1,
        )  # fmt: skip
        kp9 = await orgs.create(
            s, name="Chi bộ Khu phố 9", kind=OrgKind.CELL, parent=ward, actor_id=None,
            cell_type=CellType.RESIDENTIAL, meeting_day=6,
        )  # fmt: skip
        kp7.created_at = kp9.created_at = ENTERED  # tracked all along (#14)
    cells = {"A": tree["kp5"], "B": tree["tdp12"], "C": kp7, "D": kp9, "ward": tree["ward"]}
    for uid, cell, role in (
        (A_SEC, "A", Role.SECRETARY),
        (A_DEP, "A", Role.DEPUTY),
        (B_SEC, "B", Role.SECRETARY),
        (C_SEC, "C", Role.SECRETARY),
        (D_SEC, "D", Role.SECRETARY),
        (ADMIN, "ward", Role.ADMIN),
    ):
        user = env.user(uid, f"U{uid}")
        await env.grant(user, cells[cell], role)
        await user.command("start")  # a bot may only write to people who started it
    ids: dict[str, int] = {}
    async with env.db() as s:
        for name in (TU, NAM):
            m = await members.add_member(
                s, cell_id=cells["A"].id, full_name=name, actor_id=None,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            )  # fmt: skip
            ids[name] = m.id
    return cells, ids


async def test_fourteen_months_of_reminders(env: BotEnv) -> None:
    cells, ids = await setup(env)
    clock = env.clock
    day = date(2026, 1, 1)
    double_tick_claims: list[int] = []

    async def run(at: datetime) -> None:
        clock.set(at)
        await tick(env.app.bot_data, env.app.bot)

    while day <= date(2027, 2, 28):
        if day == date(2026, 6, 15):  # a restart: the claims are in the database
            await stop_env(env)
            env = await start_env(env.engine, clock, env.fake)
        for hh, mm in TICKS:
            at = datetime(day.year, day.month, day.day, hh, mm, tzinfo=VN)
            if datetime(2026, 8, 1, 8, 10, tzinfo=VN) < at < datetime(2026, 8, 3, 8, 0, tzinfo=VN):
                continue  # two days of downtime
            if at == datetime(2026, 4, 1, 8, 5, tzinfo=VN):
                clock.set(at)
                reports = await asyncio.gather(
                    tick(env.app.bot_data, env.app.bot), tick(env.app.bot_data, env.app.bot)
                )
                double_tick_claims += [r.claimed for r in reports]
                continue
            await run(at)
            if (hh, mm) == (8, 5):
                await actions(env, cells, ids, day)
        day += timedelta(days=1)

    sent: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for uid in (A_SEC, A_DEP, B_SEC, C_SEC, D_SEC, ADMIN):
        for msg in env.fake.chat(uid).messages:
            if msg.from_bot and msg.text and kind_of(msg.text) != "other":
                local = datetime.fromtimestamp(msg.date, VN)
                sent[uid].append((f"{local:%Y-%m-%d %H:%M}", kind_of(msg.text), msg.text))
        sent[uid].sort()  # messages of one tick go out concurrently
    # Nothing twice, ever; nothing in the quiet hours (21:30-07:00).
    for uid, got in sent.items():
        texts = [t for _, _, t in got]
        assert len(texts) == len(set(texts)), uid
        assert all("07:00" <= when[11:] < "21:30" for when, _, _ in got), uid
    assert sorted(double_tick_claims)[0] == 0  # the second tick found everything claimed

    def month(uid: int, prefix: str) -> list[tuple[str, str]]:
        """The reminders (#4) of that month; the recaps of #5 are checked apart."""
        return [(w, k) for w, k, _ in sent[uid] if w.startswith(prefix) and k != "recap"]

    a = sent[A_SEC]
    early = ("r5warn", "r5flag", "r6")  # R5/R6: the secretary and the admins, not the deputy
    assert [(w, k) for w, k, _ in a if k not in early] == [(w, k) for w, k, _ in sent[A_DEP]]
    a = [(w, k, t) for w, k, t in a if k != "recap"]
    assert month(A_SEC, "2026-01") == [
        ("2026-01-01 07:05", "before"),  # due since 31/12 08:00: the first tick sends it
        ("2026-01-02 08:05", "docs"),
        ("2026-01-03 07:05", "day"),
        ("2026-01-31 08:05", "before"),  # D-3 of 03/02
    ]
    # March: nothing logged → D+1, the 25th and the last day (M1).
    assert month(A_SEC, "2026-03") == [
        ("2026-03-02 08:05", "docs"),
        ("2026-03-03 07:05", "day"),
        ("2026-03-04 08:05", "after"),
        ("2026-03-25 08:05", "m25"),
        ("2026-03-31 08:05", "before"),
        ("2026-03-31 08:05", "mlast"),
    ]
    # #15: each reminder says what is due, by when, and to which committee.
    ward = cells["ward"].name
    march = {k: (t, m) for w, k, t, m in received(env, A_SEC) if w.startswith("2026-03")}
    assert march["after"][0] == (
        f"📝 {cells['A'].name}: chưa ghi kết quả buổi sinh hoạt ngày 03/03/2026. Đề nghị đồng "
        f"chí ghi chậm nhất ngày 05/03/2026 để báo cáo {ward}."  # M6: two days after
    )
    assert march["docs"][0].endswith(
        "Đề nghị đồng chí đưa tài liệu lên Sổ tay đảng viên điện tử chậm nhất trong hôm nay."
    )  # M6: the day before
    assert march["before"][0].endswith(f"đồng chí cấp ủy viên {ward} phụ trách chi bộ.")
    assert f"hoặc báo cáo {ward} chi bộ không sinh hoạt." in march["mlast"][0]
    assert {"📝 Ghi sinh hoạt", "🚫 Không sinh hoạt"} <= set(march["mlast"][1])  # both buttons
    assert not [t for _, _, t, _ in received(env, A_SEC) if "hai phút" in t or "nhớ" in t]
    nudge = next(t for _, k, t, _ in received(env, C_SEC) if k == "nudge")
    assert nudge.startswith(f"📣 {cells['C'].name}: {ward} đề nghị chi bộ báo cáo tháng 03/2026.")
    assert month(A_SEC, "2026-02-28") == [("2026-02-28 08:05", "before")]
    # June: no thematic meeting in Q2 → the 1st of the quarter's last month and 10 days
    # before its end (M4); the restart on the 15th changes nothing.
    assert month(A_SEC, "2026-06") == [
        ("2026-06-01 08:05", "q"),
        ("2026-06-02 08:05", "docs"),
        ("2026-06-03 07:05", "day"),
        ("2026-06-20 08:05", "q_late"),
        ("2026-06-30 08:05", "before"),
    ]
    # July: not logged on the 3rd, then "did not meet" reported on the 10th (M8).
    assert month(A_SEC, "2026-07") == [
        ("2026-07-02 08:05", "docs"),
        ("2026-07-03 07:05", "day"),
        ("2026-07-04 08:05", "after"),
        ("2026-07-31 08:05", "before"),
    ]
    # August: down from the 1st to the 3rd: D-1 is stale and dropped, the day's reminder
    # still useful and sent late.
    assert month(A_SEC, "2026-08") == [("2026-08-03 08:05", "day"), ("2026-08-31 08:05", "before")]
    # September: moved on the 1st from the 3rd to the 10th; reminders follow the new date.
    assert month(A_SEC, "2026-09") == [
        ("2026-09-07 08:05", "before"),
        ("2026-09-09 08:05", "docs"),
        ("2026-09-10 07:05", "day"),
        ("2026-09-30 08:05", "before"),
    ]
    assert "10/09/2026" in next(t for w, k, t in a if w.startswith("2026-09-07"))

    # Tết 2026 on TDP12's day (17/02): D-3 says so and offers working days of February.
    b_feb = [(w, k, t) for w, k, t in sent[B_SEC] if w.startswith("2026-02") and k != "recap"]
    assert b_feb[0][:2] == ("2026-02-14 08:05", "before") and "Tết Nguyên Đán" in b_feb[0][2]
    assert [(w, k) for w, k, _ in b_feb[1:]] == [
        ("2026-02-20 08:05", "before"),
        ("2026-02-22 08:05", "docs"),
        ("2026-02-23 07:05", "day"),
    ]
    # Blocked in May: one failed attempt, unreachable since, the admins told once.
    assert not [w for w, _, _ in sent[B_SEC] if w >= "2026-05"]
    async with env.db() as s:
        states = [
            d.state
            for d in await s.scalars(
                select(Delivery).where(Delivery.chat_id == B_SEC).order_by(Delivery.id)
            )
        ]
    assert states.count("blocked") == 1 and states[-1] == "blocked"
    # The first message after the block is the recap of April on 06/05 (#5).
    assert [w[:10] for w, k, _ in sent[ADMIN] if k == "blocked"] == ["2026-05-06"]
    # #5: each secretary's recap of last month on the 6th at 08:05 (after the correction
    # deadline, the 5th: K1, #14), every month.
    for uid in (A_SEC, A_DEP, C_SEC, D_SEC):
        assert [w for w, k, _ in sent[uid] if k == "recap"] == [
            f"{y}-{m:02d}-06 08:05"
            for y, m in [*((2026, m) for m in range(1, 13)), (2027, 1), (2027, 2)]
        ], uid
    assert [w[:7] for w, k, _ in sent[B_SEC] if k == "recap"] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]

    # R5 and R6 (Tư, Năm): each once, privately, to KP5's secretary and to the ward's
    # admin (not the deputy, #14), the tick after the meeting that crossed the threshold;
    # nothing in 2027.
    assert not [k for _, k, _ in sent[A_DEP] if k in early]
    for uid in (A_SEC, ADMIN):
        assert [(w, k) for w, k, _ in sent[uid] if k in early] == [
            ("2026-04-04 07:05", "r5warn"),
            ("2026-05-04 07:05", "r5flag"),
            ("2026-05-04 07:05", "r6"),
        ], uid
    assert not [k for uid in (B_SEC, C_SEC, D_SEC) for _, k, _ in sent[uid] if k in early]
    warned = {k: t for _, k, t in sent[A_SEC] if k in early}
    assert TU in warned["r5warn"] and "T1, T4" in warned["r5warn"] and NAM not in warned["r5warn"]
    assert TU in warned["r5flag"] and "T1, T4, T5" in warned["r5flag"]
    assert NAM in warned["r6"] and "03/01/2026" in warned["r6"] and "03/05/2026" in warned["r6"]

    # K1: the admin's digest on the 3rd at 08:05 of every month (KP7 never reports), naming
    # the cells that had neither a regular meeting nor a "did not meet" report.
    digests = {w[:7]: (w, t) for w, k, t in sent[ADMIN] if k == "digest"}
    assert len(digests) == 14 and all(w[8:] == "03 08:05" for w, _ in digests.values())

    def late(month: str) -> list[str]:
        return [line[2:] for line in digests[month][1].splitlines() if line.startswith("• ")]

    kp5, kp7 = cells["A"].name, cells["C"].name
    assert late("2026-01") == [kp5, kp7, cells["D"].name, cells["B"].name]  # nobody in 12/2025
    assert late("2026-02") == late("2026-03") == [kp7]  # TDP12 met on 23/02 (moved for Tết)
    assert late("2026-04") == [kp5, kp7]  # KP5 skipped March
    assert late("2026-08") == [kp7]  # KP5 reported "did not meet" for July (M8)
    assert late("2026-10") == [kp7]  # KP5's September meeting was moved to the 10th
    # April's "📣 Nudge them all": KP5's secretary and deputy and KP7's secretary, once each.
    for uid in (A_SEC, A_DEP, C_SEC):
        assert [(w, k) for w, k, _ in sent[uid] if k == "nudge"] == [("2026-04-03 08:05", "nudge")]
    assert not [k for uid in (B_SEC, D_SEC) for _, k, _ in sent[uid] if k == "nudge"]

    # The last day of the month in short months (KP7 never logs): February 2026.
    assert month(C_SEC, "2026-02-2") == [
        ("2026-02-25 08:05", "before"),
        ("2026-02-25 08:05", "m25"),
        ("2026-02-27 08:05", "docs"),
        ("2026-02-28 07:05", "day"),
        ("2026-02-28 08:05", "mlast"),
    ]
    assert ("2026-03-01 08:05", "after") in month(C_SEC, "2026-03-01")
    # Tết 2027 on KP9's day (06/02/2027).
    d_feb = [t for w, k, t in sent[D_SEC] if w.startswith("2027-02-03") and k == "before"]
    assert len(d_feb) == 1 and "Tết Nguyên Đán" in d_feb[0]
    assert not env.errors
    await stop_env(env)


def received(env: BotEnv, uid: int) -> list[tuple[str, str, str, list[str]]]:
    """(local time, kind, text, button labels) of what the bot sent `uid`."""
    out = []
    for msg in env.fake.chat(uid).messages:
        if msg.from_bot and msg.text:
            local = datetime.fromtimestamp(msg.date, VN)
            labels = [b.text for b in msg.buttons]
            out.append((f"{local:%Y-%m-%d %H:%M}", kind_of(msg.text), msg.text, labels))
    return out


async def actions(env: BotEnv, cells: dict[str, Org], ids: dict[str, int], day: date) -> None:
    """What the people do that day, after the 08:05 tick."""
    a, b, d = cells["A"], cells["B"], cells["D"]
    combined = {(2026, 1), (2026, 8), (2026, 10), (2027, 1)}
    kind = "combined" if (day.year, day.month) in combined else "regular"
    if day.day == 3 and (day.year, day.month) not in {(2026, 3), (2026, 7), (2026, 9)}:
        await log(env, a, day, kind, kp5_marks(ids, day))
    if day == date(2026, 7, 10):
        async with env.db() as s:
            await zero_reports.create(
                s, cell_id=a.id, year=2026, month=7, reason="bão", actor_id=A_SEC
            )
    if day == date(2026, 9, 1):  # from the D-3 reminder: move to the 10th
        sec = env.user(A_SEC, f"U{A_SEC}")
        await sec.press("📅 Dời ngày sinh hoạt")
        await sec.press("10")
        assert "10/09/2026" in sec.chat.last_bot_message.text
    if day == date(2026, 9, 10):
        await log(env, a, day)
    if day == date(2026, 2, 14):  # Tết: take the first working day offered
        sec_b = env.user(B_SEC, f"U{B_SEC}")
        await sec_b.press("23/02/2026")
        assert "23/02/2026" in sec_b.chat.last_bot_message.text
    if day == date(2026, 2, 23) or (day.day == 17 and day.month != 2):
        await log(env, b, day)
    if day == date(2026, 5, 1):
        env.fake.block(B_SEC)
    if day == date(2026, 4, 3):  # the digest of March: nudge the cells, then press again
        admin = env.user(ADMIN, f"U{ADMIN}")
        await admin.press("📣 Nhắc tất cả")
        await admin.press("📣 Nhắc tất cả")
    if day.day == 6:
        await log(env, d, day)
