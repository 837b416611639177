"""Floods (#12) through the real application: updates go the way production sends them (onto
`Application.update_queue`, through bot.app.processor's guards), not straight to process_update
as the other flow tests do.

The per-person budget runs on a clock the tests hold still (`freeze`), so what passes does not
depend on how fast the machine is: no token comes back during a test unless it moves the clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from telegram import Update

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import NewSpan
from storage import members
from storage.models import Meeting, MeetingMark, RoleAssignment, User

from .auxil.botenv import BotEnv, Clock, start_env, stop_env
from .auxil.flows import admin_invite, log_meeting
from .fakeapi import FakeTelegram, TgGroup, TgUser

# The floods here wait out Telegram's limits (a group's 20 a minute before 50 answers, a
# burst to one private chat): on a clock 200 times faster than real time rather than the flow
# tests' 20, the same limits in a tenth of the wait (#13); what is sent, and in what order,
# is the same.
TIME_SCALE = 200


@pytest.fixture
async def env(engine: Any, clock: Clock) -> AsyncIterator[BotEnv]:
    """conftest's `env` on TIME_SCALE; fails the test if any handler raised."""
    fake = FakeTelegram(date_clock=lambda: clock().timestamp(), time_scale=TIME_SCALE)
    bot_env = await start_env(engine, clock, fake)
    yield bot_env
    errors = list(bot_env.errors)
    await stop_env(bot_env)
    assert not errors, f"a handler raised: {errors[0]!r}"


FLOOD = 2000
BURST = 70  # bot.app.settings' default CHIBO_FLOOD_BURST
CHAT_QUEUE = 80  # and CHIBO_CHAT_QUEUE
GROUP_BURST = 10  # bot.services.throttle's
TOO_FAST_VI = "Đồng chí thao tác nhanh quá. Đề nghị đồng chí chờ vài giây rồi thử lại."
TOO_FAST_EN = "You are going too fast. Please wait a few seconds, then try again."


class QueuedUser(TgUser):
    """A user whose updates are put on the application's update queue, as the Updater and the
    webhook do. With `wait` (the default) each is handled (or dropped) before the next."""

    wait = True

    async def _deliver(self, payload: Mapping[str, Any]) -> None:
        update = Update.de_json({"update_id": self.fake.next_update_id(), **payload}, self.app.bot)
        self.app.update_queue.put_nowait(update)
        if self.wait:
            await self.app.update_queue.join()


def queued(env: BotEnv, user_id: int, name: str = "Lạ", **kw: Any) -> QueuedUser:
    return QueuedUser(env.app, env.fake, user_id, name, **kw)


@asynccontextmanager
async def running(env: BotEnv) -> AsyncIterator[list[float]]:
    """The application started (its update fetcher running, no reminder tick) with the
    budgets' clock held still; yields that clock for the test to move."""
    ticks = [0.0]
    for budget in ("throttle", "group_throttle"):
        throttle = getattr(env.app.update_processor, budget, None)
        if throttle is not None:
            throttle.clock = lambda: ticks[0]
    assert env.app.job_queue is not None
    for job in env.app.job_queue.jobs():
        job.schedule_removal()
    await env.app.start()
    try:
        yield ticks
    finally:
        await env.app.stop()


@contextmanager
def statements(env: BotEnv) -> Iterator[list[str]]:
    """Every SQL statement the application runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    target = env.engine.sync_engine
    event.listen(target, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", record)


WRITES = ("INSERT", "UPDATE", "DELETE")


async def secretary(env: BotEnv, roster: int = 0) -> QueuedUser:
    tree = await env.seed_tree()
    async with env.db() as s:
        for i in range(roster):
            await members.add_member(
                s,
                cell_id=tree["kp5"].id,
                full_name=f"Nguyễn Văn Thành {i + 1:02d}",
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
                actor_id=None,
            )
    sec = queued(env, 200, "Hòa", last_name="Trần")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    return sec


async def answered(user: TgUser, before: int, within: float = 30) -> float:
    """Seconds until `user` has more than `before` messages from the bot."""
    started = time.perf_counter()
    while len(user.chat.bot_messages()) <= before:
        if time.perf_counter() - started > within:
            raise AssertionError(f"{user} got no answer in {within} s")
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


# --- (a) one chat's flood does not hold up the others -------------------------------------------


async def test_a_strangers_flood_does_not_hold_up_a_secretary(env: BotEnv) -> None:
    """2,000 /start from a stranger, then a secretary's /start: she is answered while the
    flood's few admitted updates are still being handled (before #12 she came after
    2,000 - 1,024 of them: the global places were all his), and the rest of the flood is
    dropped unread: 40 answers and one notice, no row written."""
    sec = await secretary(env)
    flooder = queued(env, 999)
    flooder.wait = sec.wait = False
    async with running(env):
        for _ in range(FLOOD):
            await flooder.command("start")
        await sec.command("start")
        seconds = await answered(sec, 0)
        flood_answers_then = len(env.fake.sent_to(999))
        await env.app.update_queue.join()
    assert "đồng chí Hòa." in sec.chat.last_bot_message.text  # her menu
    assert flood_answers_then < BURST, (flood_answers_then, seconds)
    flood_texts = env.fake.chat(999).bot_texts()
    assert len(flood_texts) == BURST + 1
    assert flood_texts.count(TOO_FAST_VI) == 1
    assert await env.count(User, User.telegram_id == 999) == 0


async def group_flood(env: BotEnv, sec: QueuedUser) -> tuple[TgGroup, int]:
    """2,000 /start in one group from 200 strangers (10 each: within their own budgets),
    then the secretary's /start in her private chat; the group's answers before hers."""
    group = env.group(-100777, "Nhóm lạ")
    crowd = [queued(env, 5000 + i) for i in range(200)]
    for user in (*crowd, sec):
        user.wait = False
    async with running(env):
        for k in range(FLOOD):
            await crowd[k % len(crowd)].send_in(group, "/start")
        await sec.command("start")
        await answered(sec, 0)
        group_answers_then = len(env.fake.sent_to(group.chat_id))
        await env.app.update_queue.join()
    assert "đồng chí Hòa." in sec.chat.last_bot_message.text
    return group, group_answers_then


async def test_a_flooded_group_gets_its_budget(
    env: BotEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """A group gets 10 updates at once and 20 a minute (what Telegram lets the bot answer
    there), however many people send them: the rest is dropped, logged once."""
    caplog.set_level(logging.INFO, logger="bot.app.processor")
    sec = await secretary(env)
    group, before_hers = await group_flood(env, sec)
    assert before_hers < GROUP_BURST
    assert len(env.fake.sent_to(group.chat_id)) == GROUP_BURST
    assert await env.count(User, User.telegram_id != 200) == 0  # no stranger has a row
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.app.processor"]
    assert lines == [
        f"chat {group.chat_id} is over 10 updates at once or 20 a minute: dropping the excess"
    ]


async def test_with_the_budgets_off_the_chat_cap_holds(
    env: BotEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """CHIBO_FLOOD_BURST=0 (no budgets): the group still holds at most CHIBO_CHAT_QUEUE of
    the processor's places, the rest is dropped (one log line when it starts, one when it
    ends), and the secretary's /start goes first."""
    caplog.set_level(logging.INFO, logger="bot.app.processor")
    processor = env.app.update_processor
    processor.throttle = processor.group_throttle = None  # as bot.app.factory builds it with 0
    sec = await secretary(env)
    group, before_hers = await group_flood(env, sec)
    assert before_hers < CHAT_QUEUE
    assert len(env.fake.sent_to(group.chat_id)) == CHAT_QUEUE
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.app.processor"]
    assert lines == [
        f"chat {group.chat_id} has {CHAT_QUEUE} updates waiting: dropping its further "
        "updates until it catches up",
        f"chat {group.chat_id} caught up; {FLOOD - CHAT_QUEUE} updates dropped",
    ]


# --- (b) the per-person budget ------------------------------------------------------------------


async def test_over_the_budget_one_notice_and_no_database_work(env: BotEnv) -> None:
    sec = await secretary(env)
    sec.wait = False
    async with running(env) as ticks:
        with statements(env) as sql:
            for _ in range(BURST + 10):
                await sec.command("start")
            await env.app.update_queue.join()
            handled = len(sql)
            for _ in range(5):  # more, still too fast: no second notice
                await sec.command("start")
            await env.app.update_queue.join()
            assert len(sql) == handled  # the extra updates never reached the database
        texts = sec.chat.bot_texts()
        assert len(texts) == BURST + 1 and texts.count(TOO_FAST_VI) == 1
        assert texts.index(TOO_FAST_VI) == BURST  # after the 70 menus
        assert sum("đồng chí Hòa." in t for t in texts) == BURST

        ticks[0] += 2.0  # two seconds: four updates' worth (120 a minute)
        sec.wait = True
        await sec.command("start")
        assert "đồng chí Hòa." in sec.chat.last_bot_message.text
        ticks[0] += 30.0  # the quiet time over: going too fast again earns one more notice
        sec.wait = False
        for _ in range(BURST + 2):
            await sec.command("start")
        await env.app.update_queue.join()
        assert sec.chat.bot_texts().count(TOO_FAST_VI) == 2


async def test_button_presses_over_the_budget(env: BotEnv) -> None:
    """The first press over the budget gets the notice as a toast, the next ones an empty
    answer (their spinners stop), and past a few none at all (no Bot API call)."""
    sec = await secretary(env)
    async with running(env):
        await sec.command("start")
        menu = sec.chat.last_bot_message.message_id
        sec.wait = False
        ids = [await sec.press_data("nop", menu) for _ in range(BURST - 1 + 15)]
        await env.app.update_queue.join()
    answers = [env.fake.callback_answer(i) for i in ids]
    assert all(a is not None and not a.text for a in answers[: BURST - 1])  # nop: answered
    over = answers[BURST - 1 :]
    assert over[0] is not None and over[0].text == TOO_FAST_VI and not over[0].show_alert
    assert all(a is not None and not a.text for a in over[1:11])
    assert over[11:] == [None] * 4


async def test_the_notice_speaks_the_chosen_language(env: BotEnv) -> None:
    """Chosen English on a Vietnamese phone: the notice, sent without reading the
    database, is English all the same."""
    sec = await secretary(env)
    async with running(env):
        await sec.command("language")
        await sec.press("🇬🇧 English")
        sec.wait = False
        for _ in range(BURST):
            await sec.command("help")
        await env.app.update_queue.join()
    assert sec.chat.bot_texts()[-1] == TOO_FAST_EN


async def test_a_fast_secretary_marking_thirty_members_is_never_throttled(env: BotEnv) -> None:
    """The whole meeting, 30 members marked absent one after the other as fast as the bot
    answers (#15: the name, then the choice), with no token coming back meanwhile: 66
    updates, all within the burst."""
    sec = await secretary(env, roster=30)
    async with running(env):
        await sec.command("start")
        excused = {f"Nguyễn Văn Thành {i + 1:02d}": "ốm" for i in range(30)}
        await log_meeting(sec, menu=True, excused=excused)
    assert TOO_FAST_VI not in sec.chat.bot_texts()
    assert "Đã lưu" in sec.chat.last_bot_message.text
    async with env.db() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None and meeting.state == "saved"
        marks = list(await s.scalars(select(MeetingMark.mark)))
    assert marks == ["excused"] * 30


# --- (c) strangers write nothing ----------------------------------------------------------------


async def test_a_stranger_writes_nothing(env: BotEnv) -> None:
    """Whatever a stranger sends is answered politely and writes no row: no users row, no
    statement that writes. Only what must be kept makes one: a chosen language."""
    await env.seed_tree()
    stranger = env.user(999, "Lạ")
    group = TgGroup(env.app, env.fake, -100555, "Nhóm lạ")
    with statements(env) as sql:
        await stranger.command("start")
        await stranger.send("xin chào, cho tôi xem danh sách")
        for command in ("help", "members", "meeting", "org", "baocao", "cancel", "language"):
            await stranger.command(command)
        await stranger.command("start", "khong-phai-ma-moi")
        await stranger.press_data("mt:a:1:1:1:0", stranger.chat.last_bot_message.message_id)
        await stranger.send_in(group, "/start")
        await group.add_bot(stranger)
    assert [s for s in sql if s in WRITES] == []
    assert "đường dẫn mời" in stranger.chat.bot_texts()[0]
    assert await env.count(User) == 0

    await stranger.press("🇬🇧 English")  # a choice to keep: now there is a row
    async with env.db() as s:
        user = await s.get(User, 999)
        assert user is not None and user.locale == "en" and user.first_name == "Lạ"


async def test_an_invite_still_makes_the_row_and_the_role(env: BotEnv) -> None:
    tree = await env.seed_tree()
    code = await admin_invite(env, tree["ward"])
    newcomer = env.user(300, "Lan", last_name="Nguyễn")
    await newcomer.command("start")  # a stranger still
    assert await env.count(User) == 0
    await newcomer.command("start", code)
    assert "quản trị" in newcomer.chat.last_bot_message.text
    async with env.db() as s:
        user = await s.get(User, 300)
        assert user is not None and user.display_name == "Lan Nguyễn"
        grant = await s.scalar(select(RoleAssignment).where(RoleAssignment.user_id == 300))
        assert grant is not None and grant.role == Role.ADMIN
    # Known now: the next update refreshes the row as before (a new name is taken).
    newcomer.user["first_name"] = "Lan Anh"
    await newcomer.command("start")
    async with env.db() as s:
        user = await s.get(User, 300)
        assert user is not None and user.first_name == "Lan Anh"
