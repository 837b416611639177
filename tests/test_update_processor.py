"""Updates at once, one chat's in order (#6), floods cut short (#12): bot.app.processor."""

from __future__ import annotations

import asyncio
import inspect
import logging
from pathlib import Path
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.error import Forbidden

from bot.app.factory import POSTGRESQL_UPDATE_WORKERS, ChatOrderedProcessor, build_application
from bot.app.settings import Settings
from bot.services.throttle import Throttle, Verdict

from .auxil.botenv import TOKEN
from .auxil.db import Backend
from .fakeapi import FakeTelegram


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Lan", is_bot=False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))


class Log:
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.running = 0
        self.most = 0
        self.gates: dict[int, asyncio.Event] = {}

    async def work(self, update_id: int) -> None:
        self.events.append(("start", update_id))
        self.running += 1
        self.most = max(self.most, self.running)
        gate = self.gates.get(update_id)
        if gate is not None:
            await gate.wait()
        await asyncio.sleep(0.01)
        self.running -= 1
        self.events.append(("end", update_id))


async def feed(processor: ChatOrderedProcessor, log: Log, items: list[tuple[int, int]]) -> Any:
    """As PTB does with concurrent updates: one task per update, created in arrival order."""
    return [
        asyncio.create_task(processor.process_update(update(u, c), log.work(u))) for u, c in items
    ]


async def test_one_chat_in_order_others_go_past_a_blocked_one() -> None:
    processor = ChatOrderedProcessor(2)
    log = Log()
    log.gates[1] = asyncio.Event()  # chat 100's first update waits (a slow Telegram call)
    tasks = await feed(processor, log, [(1, 100), (2, 100), (3, 100), (4, 200), (5, 300)])
    await asyncio.sleep(0.1)
    # Chat 100's 2nd and 3rd wait for the 1st and take no worker: chats 200 and 300 are done.
    assert ("end", 4) in log.events and ("end", 5) in log.events
    assert ("start", 2) not in log.events and ("start", 3) not in log.events
    log.gates[1].set()
    await asyncio.gather(*tasks)
    mine = [e for e in log.events if e[1] in (1, 2, 3)]
    assert mine == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]
    assert processor._chats == {}  # nothing kept for chats with nothing pending


async def test_never_more_than_the_workers_at_once() -> None:
    processor = ChatOrderedProcessor(3)
    log = Log()
    tasks = await feed(processor, log, [(i, 1000 + i) for i in range(20)])
    await asyncio.gather(*tasks)
    assert log.most == 3 and len(log.events) == 40


async def test_one_worker_is_one_update_at_a_time() -> None:
    processor = ChatOrderedProcessor(1)
    log = Log()
    tasks = await feed(processor, log, [(i, 1000 + i % 3) for i in range(9)])
    await asyncio.gather(*tasks)
    assert log.most == 1
    assert [u for kind, u in log.events if kind == "start"] == list(range(9))


async def test_the_application_uses_it(backend: Backend, tmp_path: Path) -> None:
    """8 workers on PostgreSQL, 1 on SQLite (one writer), unless configured."""
    engine, url = backend.engine(tmp_path)
    try:
        app = build_application(
            Settings(token=TOKEN, database_url=url), request=FakeTelegram(TOKEN), engine=engine
        )
        processor = app.update_processor
        assert isinstance(processor, ChatOrderedProcessor)
        expected = POSTGRESQL_UPDATE_WORKERS if backend.name == "postgresql" else 1
        assert processor.workers == expected
        app = build_application(
            Settings(token=TOKEN, database_url=url, update_workers=3),
            request=FakeTelegram(TOKEN),
            engine=engine,
        )
        assert isinstance(app.update_processor, ChatOrderedProcessor)
        assert app.update_processor.workers == 3
    finally:
        await engine.dispose()


# --- floods (#12) ------------------------------------------------------------------------------


def press(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Lan", is_bot=False)
    shown = Message(update_id, None, chat)
    query = CallbackQuery(str(update_id), user, "ci", message=shown, data="nop")
    return Update(update_id, callback_query=query)


async def test_a_flooded_chat_holds_only_its_cap(caplog: pytest.LogCaptureFixture) -> None:
    """Past `chat_queue` updates in the processor, a chat's further updates are dropped at
    once: never started, their global place given back, logged once at the start and once at
    the end of the burst (ids only). The other chat's update goes past the whole flood."""
    caplog.set_level(logging.INFO, logger="bot.app.processor")
    processor = ChatOrderedProcessor(2, chat_queue=3)
    log = Log()
    log.gates[1] = asyncio.Event()
    items = [(u, 100) for u in range(1, 11)] + [(11, 200)]
    works = [log.work(u) for u, _c in items]
    tasks = [
        asyncio.create_task(processor.process_update(update(u, c), work))
        for (u, c), work in zip(items, works, strict=True)
    ]
    await asyncio.sleep(0.05)
    # 3 of chat 100 in the processor (1 running, 2 waiting), 7 dropped; chat 200 done.
    assert ("end", 11) in log.events
    assert processor.current_concurrent_updates == 3
    dropped = [w for (u, _c), w in zip(items, works, strict=True) if u in range(4, 11)]
    assert all(inspect.getcoroutinestate(w) == inspect.CORO_CLOSED for w in dropped)
    log.gates[1].set()
    await asyncio.gather(*tasks)
    assert [u for kind, u in log.events if kind == "start"] == [1, 11, 2, 3]
    assert processor.current_concurrent_updates == 0 and processor._chats == {}
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "chat 100 has 3 updates waiting: dropping its further updates until it catches up",
        "chat 100 caught up; 7 updates dropped",
    ]
    # The next burst is logged again; a chat below the cap logs nothing.
    caplog.clear()
    await asyncio.gather(*await feed(processor, log, [(20, 100), (21, 100)]))
    assert caplog.records == []


async def test_over_budget_updates_are_dropped_before_anything_runs() -> None:
    ticks = [0.0]
    processor = ChatOrderedProcessor(2, throttle=Throttle(2, 60, clock=lambda: ticks[0]))
    told: list[tuple[int, Verdict]] = []

    async def tell(upd: Update, verdict: Verdict) -> None:
        told.append((upd.update_id, verdict))

    processor.on_throttled = tell
    log = Log()
    works = [log.work(u) for u in range(1, 6)]
    await asyncio.gather(
        *(processor.process_update(update(u, 100), w) for u, w in enumerate(works, start=1))
    )
    assert [u for kind, u in log.events if kind == "start"] == [1, 2]
    assert all(inspect.getcoroutinestate(w) == inspect.CORO_CLOSED for w in works[2:])
    assert told == [(3, Verdict.NOTICE)]  # 4 and 5: dropped without a word
    # Button presses over the budget: their spinners are stopped (a few, see bot.services.throttle).
    await asyncio.gather(*(processor.process_update(press(u, 100), log.work(u)) for u in (6, 7)))
    assert told[1:] == [(6, Verdict.ANSWER), (7, Verdict.ANSWER)]
    ticks[0] += 1.0  # one token back
    await processor.process_update(update(8, 100), log.work(8))
    assert ("end", 8) in log.events
    assert processor.current_concurrent_updates == 0


async def test_a_notice_that_cannot_be_sent_is_no_error(caplog: pytest.LogCaptureFixture) -> None:
    processor = ChatOrderedProcessor(1, throttle=Throttle(1, 1))

    async def blocked(_upd: Update, _verdict: Verdict) -> None:
        raise Forbidden("bot was blocked by the user")

    processor.on_throttled = blocked
    log = Log()
    await processor.process_update(update(1, 100), log.work(1))
    await processor.process_update(update(2, 100), log.work(2))  # must not raise
    assert "could not tell a user" in caplog.text
    assert [u for kind, u in log.events if kind == "start"] == [1]


async def test_the_application_guards_by_the_settings(backend: Backend, tmp_path: Path) -> None:
    engine, url = backend.engine(tmp_path)
    try:
        settings = Settings(token=TOKEN, database_url=url)
        processor = build_application(settings, request=FakeTelegram(TOKEN), engine=engine)
        guarded = processor.update_processor
        assert isinstance(guarded, ChatOrderedProcessor)
        assert guarded.chat_queue == 80 and guarded.on_throttled is not None
        assert guarded.throttle is not None
        assert (guarded.throttle.burst, guarded.throttle.per_minute) == (70, 120)
        off = settings.with_(flood_burst=0, chat_queue=5)
        app = build_application(off, request=FakeTelegram(TOKEN), engine=engine)
        assert isinstance(app.update_processor, ChatOrderedProcessor)
        assert app.update_processor.throttle is None and app.update_processor.chat_queue == 5
    finally:
        await engine.dispose()


async def test_an_update_waiting_aside_gives_its_worker_to_another_chat() -> None:
    """#12: with one worker (SQLite), an update that steps aside (a file read in a child
    process) lets another chat's update run, keeps its own chat's order, and takes its worker
    back before it goes on; outside an update `aside` gives back nothing."""
    processor = ChatOrderedProcessor(1)
    order: list[str] = []
    parsed = asyncio.Event()

    async def upload() -> None:
        order.append("upload starts")
        async with processor.aside():
            await parsed.wait()
        order.append("upload ends")

    async def other(name: str) -> None:
        order.append(name)
        if name == "stranger":
            parsed.set()

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 100), upload())),
        asyncio.create_task(processor.process_update(update(2, 100), other("same chat"))),
        asyncio.create_task(processor.process_update(update(3, 200), other("stranger"))),
    ]
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert order == ["upload starts", "stranger", "upload ends", "same chat"]
    async with processor.aside():  # not inside an update: a no-op
        pass
    assert processor._slots._value == 1  # every worker given back exactly once
